"""The primal soft-margin objective in numpy, and the λ ↔ C conversion.

svmkit trains on ``J(w, b) = mean_i max(0, 1 − y_i (w·x_i + b)) + λ‖w‖²``. scikit-learn's
``LinearSVC(loss="hinge", C)`` and ``SVC`` minimise ``½‖w‖² + C Σ_i max(0, 1 − y_i z_i)``, which is
``C n`` times ``J`` when ``λ = 1/(2 C n)``: the same minimiser. These helpers let any solution —
svmkit's, scikit-learn's, a reader's — be scored on one scale.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from svmkit._validation import as_signed_labels, check_array, check_positive, check_positive_int


def lambda_from_C(C: float, n_samples: int) -> float:
    """The regularisation strength λ that gives scikit-learn's ``C`` on ``n_samples`` points.

    Examples
    --------
    >>> lambda_from_C(1.0, 500)
    0.001
    """
    check_positive(C, "C")
    check_positive_int(n_samples, "n_samples")
    return 1.0 / (2.0 * C * n_samples)


def C_from_lambda(lam: float, n_samples: int) -> float:
    """scikit-learn's ``C`` for a regularisation strength ``lam`` (λ) on ``n_samples`` points.

    Examples
    --------
    >>> round(C_from_lambda(0.01, 1024), 6)
    0.048828
    """
    check_positive(lam, "lam")
    check_positive_int(n_samples, "n_samples")
    return 1.0 / (2.0 * lam * n_samples)


def primal_objective(X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float, *, lam: float) -> float:
    """``mean_i max(0, 1 − y_i (w·x_i + b)) + λ‖w‖²`` for a binary linear SVM.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The inputs.
    y : array-like of shape (n_samples,)
        Labels in {−1, +1} (or {0, 1}, converted).
    w : array-like of shape (n_features,) or (1, n_features) or (n_features, 1)
        The weights, as PyTorch (``weight``) or Keras (``kernel``) hold them.
    b : float
        The bias.
    lam : float
        The regularisation strength λ ≥ 0.

    Returns
    -------
    float
        The objective value.

    Examples
    --------
    >>> X = [[1.0, 0.0], [-1.0, 0.0]]
    >>> primal_objective(X, [1, -1], [0.5, 0.0], 0.0, lam=0.1)
    0.525
    """
    X = check_array(X, name="X").astype(np.float64)
    y = as_signed_labels(y, name="y")
    if len(y) != len(X):
        raise ValueError(f"y has {len(y)} labels but X has {len(X)} rows")
    w = np.asarray(w, dtype=np.float64).ravel()
    if w.shape != (X.shape[1],):
        raise ValueError(f"w must hold {X.shape[1]} weights, got shape {np.shape(w)}")
    if lam < 0:
        raise ValueError(f"lam must be non-negative, got {lam}")
    margins = y * (X @ w + float(np.asarray(b).ravel()[0] if np.ndim(b) else b))
    return float(np.maximum(0.0, 1.0 - margins).mean() + lam * w @ w)
