"""The SVM dual problem, solved by sequential minimal optimisation (SMO), in plain numpy.

The soft-margin SVM in the form of Cortes and Vapnik, ``min ½‖w‖² + C Σ ξ_i`` subject to
``y_i (w·x_i + b) ≥ 1 − ξ_i`` and ``ξ_i ≥ 0``, has the dual problem

    max_α  Σ_i α_i − ½ Σ_i Σ_j α_i α_j y_i y_j k(x_i, x_j)
    subject to  0 ≤ α_i ≤ C  and  Σ_i α_i y_i = 0,

with ``k(x, x') = x·x'`` for the linear SVM and any positive definite kernel otherwise. Its
solution gives ``w = Σ_i α_i y_i x_i`` (linear kernel) and the decision function
``z(x) = Σ_i α_i y_i k(x_i, x) + b``. svmkit's primal objective ``J = mean hinge + λ‖w‖²`` has the
same minimiser when ``λ = 1/(2Cn)``.

:func:`solve_dual` is the algorithm of LIBSVM (the solver inside scikit-learn's ``SVC``), without
its caching and shrinking: SMO changes two multipliers at a time so that ``Σ α_i y_i`` stays 0,
picks the pair by the second-order working-set selection of Fan, Chen and Lin (2005), and stops
when the largest violation of the optimality (KKT) conditions falls below ``tol``. It keeps the
whole ``n × n`` kernel matrix in memory, so it is meant for the few hundred or thousand points of
a teaching example, not for MNIST.

Examples
--------
>>> from svmkit.data import make_blobs
>>> X, y = make_blobs(200, spread=2.5, seed=0)
>>> solution = solve_dual(X, y, C=1.0, tol=1e-6)
>>> solution.converged
True
>>> z = solution.decision_function(X)
>>> bool(kkt_violations(solution.alpha, y, z, C=1.0).max() < 1e-5)
True
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from svmkit._validation import (
    as_signed_labels,
    check_array,
    check_choice,
    check_positive,
    check_positive_int,
    check_X_y,
)
from svmkit.kernels import gaussian_kernel, laplacian_kernel

__all__ = ["KERNELS", "DualSolution", "kkt_violations", "solve_dual"]

#: Kernel names accepted by :func:`solve_dual` (as in scikit-learn's ``SVC``), besides a callable.
KERNELS = ("linear", "rbf", "laplacian")

KernelFunction = Callable[[np.ndarray, np.ndarray], np.ndarray]

# When two points have the same features, the curvature of the pair step is 0 (for a kernel that is
# not positive definite it can even be negative); LIBSVM then uses this tiny positive value instead
# (its TAU), which makes the step go to the box boundary.
_TAU = 1e-12


def _linear_kernel(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    return X @ Y.T


@dataclass(frozen=True)
class DualSolution:
    """The solution of the SVM dual problem returned by :func:`solve_dual`.

    Attributes
    ----------
    alpha : numpy.ndarray of shape (n_samples,)
        The Lagrange multipliers α_i, each in ``[0, C]``.
    bias : float
        The bias b, averaged over the margin support vectors (LIBSVM's rule).
    C : float
        The box constraint the problem was solved with.
    support : numpy.ndarray of bool, shape (n_samples,)
        ``α_i > 0``: the support vectors, the only points that enter the decision function.
    margin_support : numpy.ndarray of bool, shape (n_samples,)
        ``0 < α_i < C``: support vectors exactly on the margin, ``y_i z_i = 1``.
    bound_support : numpy.ndarray of bool, shape (n_samples,)
        ``α_i = C``: support vectors on or inside the margin, or misclassified (``y_i z_i ≤ 1``).
    support_vectors : numpy.ndarray of shape (n_support, n_features)
        The training points with ``α_i > 0``.
    dual_coef : numpy.ndarray of shape (n_support,)
        ``α_i y_i`` of the support vectors (scikit-learn's ``dual_coef_``).
    dual_objective : float
        ``Σ α_i − ½ Σ_ij α_i α_j y_i y_j k(x_i, x_j)`` at the solution.
    max_violation : float
        The largest violation of the KKT conditions when the solver stopped (below ``tol`` when
        ``converged``).
    n_iter : int
        Number of SMO steps (pairs of multipliers changed).
    converged : bool
        Whether ``max_violation < tol`` was reached within ``max_iter`` steps.
    kernel_function : callable
        ``kernel_function(A, B)`` returns the kernel matrix between the rows of A and of B.
    kernel : str or callable
        The kernel as passed to :func:`solve_dual`.
    """

    alpha: np.ndarray
    bias: float
    C: float
    support: np.ndarray
    margin_support: np.ndarray
    bound_support: np.ndarray
    support_vectors: np.ndarray
    dual_coef: np.ndarray
    dual_objective: float
    max_violation: float
    n_iter: int
    converged: bool
    kernel_function: KernelFunction
    kernel: str | KernelFunction

    def decision_function(self, X: Any) -> np.ndarray:
        """Decision values ``z(x) = Σ_i α_i y_i k(x_i, x) + b`` for the rows of ``X``.

        Parameters
        ----------
        X : array-like of shape (m, n_features)

        Returns
        -------
        numpy.ndarray of shape (m,)
        """
        X = check_array(X, name="X").astype(np.float64, copy=False)
        if X.shape[1] != self.support_vectors.shape[1]:
            raise ValueError(
                f"X has {X.shape[1]} features but the SVM was trained on "
                f"{self.support_vectors.shape[1]}"
            )
        return self.kernel_function(X, self.support_vectors) @ self.dual_coef + self.bias

    @property
    def weight(self) -> np.ndarray:
        """``w = Σ_i α_i y_i x_i``, the primal weights (linear kernel only).

        Raises
        ------
        AttributeError
            For any other kernel: w then lives in the kernel's feature space (as for
            scikit-learn's ``SVC.coef_``).
        """
        if self.kernel != "linear":
            raise AttributeError(
                "weight is only defined for kernel='linear'; with a kernel the decision "
                "function is Σ α_i y_i k(x_i, x) + b (use decision_function)"
            )
        return self.dual_coef @ self.support_vectors


def _kernel_function(kernel: Any, sigma: Any, X: np.ndarray) -> tuple[KernelFunction, Any]:
    """The kernel as a function of two matrices, and the kernel argument to report back."""
    if callable(kernel):
        return kernel, kernel
    check_choice(kernel, "kernel", KERNELS)
    if kernel == "linear":
        return _linear_kernel, kernel
    if sigma is None:
        # scikit-learn's gamma="scale", γ = 1/(d·Var X), written as the length scale σ = 1/√(2γ).
        variance = float(X.var())
        sigma = math.sqrt(X.shape[1] * variance / 2.0) if variance > 0 else 1.0
    sigma = check_positive(sigma, "sigma")
    function = gaussian_kernel if kernel == "rbf" else laplacian_kernel
    return partial(function, sigma=sigma), kernel


def _kernel_matrix(kernel_function: KernelFunction, X: np.ndarray) -> np.ndarray:
    K = np.asarray(kernel_function(X, X), dtype=np.float64)
    n = X.shape[0]
    if K.shape != (n, n):
        raise ValueError(f"kernel must return an (n, n) = ({n}, {n}) matrix, got {K.shape}")
    if not np.isfinite(K).all():
        raise ValueError("kernel returned NaN or infinity")
    if not np.allclose(K, K.T, rtol=1e-10, atol=1e-12):
        raise ValueError("kernel must be symmetric: k(x_i, x_j) = k(x_j, x_i)")
    return K


def _select_pair(
    alpha: np.ndarray, y: np.ndarray, gradient: np.ndarray, K: np.ndarray, C: float
) -> tuple[int, int, float]:
    """LIBSVM's second-order working-set selection: the pair (i, j) and the KKT violation.

    With ``G = ∇f(α)`` for ``f(α) = ½ αᵀQα − Σα`` (Q_ij = y_i y_j K_ij), α is optimal iff
    ``max_{I_up} −y_t G_t ≤ min_{I_low} −y_t G_t``. ``i`` is the index of the maximum; ``j`` is
    the index in ``I_low`` whose pair step with ``i`` decreases f the most.
    """
    score = -y * gradient
    # I_up: α_t can move by +y_t (grow if y_t = +1, shrink if y_t = −1); I_low: by −y_t.
    up = np.where(y > 0, alpha < C, alpha > 0)
    low = np.where(y > 0, alpha > 0, alpha < C)
    i = int(np.argmax(np.where(up, score, -np.inf)))
    violation = float(score[i] - np.min(np.where(low, score, np.inf)))
    b = score[i] - score  # > 0 for the candidates j
    a = K[i, i] + np.diagonal(K) - 2.0 * K[i]
    gain = np.where(low & (b > 0), -(b * b) / np.where(a > 0, a, _TAU), np.inf)
    return i, int(np.argmin(gain)), violation


def solve_dual(
    X: Any,
    y: Any,
    *,
    C: float = 1.0,
    kernel: str | KernelFunction = "linear",
    sigma: float | None = None,
    tol: float = 1e-3,
    max_iter: int | None = None,
) -> DualSolution:
    """Solve the soft-margin SVM dual problem by SMO (LIBSVM's algorithm, in numpy).

    Maximises ``Σ α_i − ½ Σ_ij α_i α_j y_i y_j k(x_i, x_j)`` subject to ``0 ≤ α_i ≤ C`` and
    ``Σ α_i y_i = 0``. Each step changes one pair (α_i, α_j) along the line that keeps
    ``Σ α_i y_i = 0``, takes the exact maximiser on that line and clips it to the box.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Training inputs (computed in float64).
    y : array-like of shape (n_samples,)
        Labels in {−1, +1} (or {0, 1}, mapped to ±1).
    C : float, default=1.0
        Upper bound of every α_i; ``λ = 1/(2 C n)`` in svmkit's primal objective.
    kernel : {"linear", "rbf", "laplacian"} or callable, default="linear"
        ``"rbf"`` is ``exp(−‖x − x'‖²/(2σ²))`` (scikit-learn's ``gamma = 1/(2σ²)``) and
        ``"laplacian"`` is ``exp(−‖x − x'‖₁/σ)``, both from :mod:`svmkit.kernels`. A callable
        ``kernel(A, B)`` returns the matrix of ``k(a_i, b_j)``; it must be symmetric and should be
        positive definite (every Gram matrix positive semi-definite).
    sigma : float, optional
        Length scale σ of the rbf and laplacian kernels. The default is scikit-learn's
        ``gamma="scale"``, ``σ = sqrt(d · Var(X) / 2)``. Ignored by the linear kernel and by a
        callable.
    tol : float, default=1e-3
        Stop when the largest KKT violation, ``max_{I_up} −y_t G_t − min_{I_low} −y_t G_t``, is
        below ``tol`` (LIBSVM's and ``SVC``'s stopping rule and default).
    max_iter : int, optional
        Largest number of SMO steps; default ``max(100_000, 100 n)``. If it is reached, the
        result has ``converged=False`` and a RuntimeWarning is issued.

    Returns
    -------
    DualSolution
        The multipliers α, the bias, the support-vector masks, the dual objective and
        ``decision_function`` / ``weight``.

    Raises
    ------
    ValueError
        If ``X`` or ``y`` are malformed, ``y`` does not hold two classes, ``C``, ``sigma`` or
        ``tol`` are not positive, or the kernel's matrix is not square, finite and symmetric.
    TypeError
        If ``C``, ``sigma``, ``tol`` or ``max_iter`` have the wrong type.

    See Also
    --------
    kkt_violations : how far each point is from satisfying the KKT conditions.
    sklearn.svm.SVC : the same problem, solved by LIBSVM in C++.

    Notes
    -----
    The working-set selection is that of Fan, Chen and Lin (2005), "Working set selection using
    second order information for training support vector machines", JMLR 6, used by LIBSVM
    since version 2.8. The bias is ``b = y_i − Σ_j α_j y_j k(x_j, x_i)`` averaged over the margin
    support vectors, or the midpoint of its feasible interval when there are none.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[-2.0, 0.0], [-1.0, 0.0], [1.0, 0.0], [2.0, 0.0]])
    >>> y = np.array([-1, -1, 1, 1])
    >>> solution = solve_dual(X, y, C=10.0, tol=1e-8)
    >>> solution.alpha.round(6)  # only the two inner points hold the margin
    array([0. , 0.5, 0.5, 0. ])
    >>> solution.weight.round(6), round(solution.bias, 6) + 0.0
    (array([1., 0.]), 0.0)
    >>> solution.decision_function([[0.5, 3.0]]).round(6)
    array([0.5])
    """
    X, labels = check_X_y(X, y)
    X = X.astype(np.float64, copy=False)
    y = as_signed_labels(labels, name="y")
    C = check_positive(C, "C")
    tol = check_positive(tol, "tol")
    n = X.shape[0]
    if max_iter is None:
        max_iter = max(100_000, 100 * n)
    max_iter = check_positive_int(max_iter, "max_iter")
    kernel_function, kernel = _kernel_function(kernel, sigma, X)
    K = _kernel_matrix(kernel_function, X)

    alpha = np.zeros(n)
    gradient = -np.ones(n)  # ∇f(α) = Qα − 1 at α = 0
    converged, n_iter = False, 0
    while True:
        i, j, violation = _select_pair(alpha, y, gradient, K, C)
        if violation < tol:
            converged = True
            break
        if n_iter >= max_iter:
            break
        # Move α_i by +y_i t and α_j by −y_j t (Σ α y is unchanged). Along this line f has slope
        # −(score_i − score_j) and curvature K_ii + K_jj − 2 K_ij.
        curvature = K[i, i] + K[j, j] - 2.0 * K[i, j]
        step = (y[j] * gradient[j] - y[i] * gradient[i]) / (curvature if curvature > 0 else _TAU)
        room_i = C - alpha[i] if y[i] > 0 else alpha[i]
        room_j = alpha[j] if y[j] > 0 else C - alpha[j]
        step = min(step, room_i, room_j)
        alpha[i] += y[i] * step
        alpha[j] -= y[j] * step
        # Land exactly on the box boundary when the step was clipped there, so that "α = 0" and
        # "α = C" are exact tests (LIBSVM does the same).
        if step == room_i:
            alpha[i] = C if y[i] > 0 else 0.0
        if step == room_j:
            alpha[j] = 0.0 if y[j] > 0 else C
        gradient += step * y * (K[:, i] - K[:, j])
        n_iter += 1

    if not converged:
        warnings.warn(
            f"solve_dual stopped after max_iter={max_iter} steps with a KKT violation of "
            f"{violation:.3g} > tol={tol:g}; raise max_iter or tol",
            RuntimeWarning,
            stacklevel=2,
        )
    return _solution(alpha, y, X, K, C, kernel_function, kernel, violation, n_iter, converged)


def _solution(
    alpha: np.ndarray,
    y: np.ndarray,
    X: np.ndarray,
    K: np.ndarray,
    C: float,
    kernel_function: KernelFunction,
    kernel: Any,
    violation: float,
    n_iter: int,
    converged: bool,
) -> DualSolution:
    """Package α: masks, bias (LIBSVM's rule), dual objective, support vectors."""
    signed = alpha * y
    z_without_bias = K @ signed  # recomputed, free of the drift of the incremental gradient
    support = alpha > 0
    bound = alpha >= C
    margin = support & ~bound
    # On a margin support vector y_i z_i = 1, so b = y_i − Σ_j α_j y_j K_ij.
    candidates = y - z_without_bias
    if margin.any():
        bias = float(candidates[margin].mean())
    else:
        # No α strictly inside (0, C): b lies between the bounds set by the other points.
        up = np.where(y > 0, alpha < C, alpha > 0)
        low = np.where(y > 0, alpha > 0, alpha < C)
        bias = float((candidates[up].max() + candidates[low].min()) / 2)
    dual_objective = float(alpha.sum() - 0.5 * signed @ z_without_bias)
    return DualSolution(
        alpha=alpha,
        bias=bias,
        C=C,
        support=support,
        margin_support=margin,
        bound_support=bound,
        support_vectors=X[support].copy(),
        dual_coef=signed[support],
        dual_objective=dual_objective,
        max_violation=violation,
        n_iter=n_iter,
        converged=converged,
        kernel_function=kernel_function,
        kernel=kernel,
    )


def kkt_violations(alpha: Any, y: Any, z: Any, *, C: float) -> np.ndarray:
    """How far each point is from the KKT conditions of the soft-margin SVM (0 where satisfied).

    At the optimum every point is in one of three cases, read off its functional margin
    ``m_i = y_i z_i``:

    - ``α_i = 0`` (not a support vector): ``m_i ≥ 1``, violation ``max(0, 1 − m_i)``;
    - ``0 < α_i < C`` (margin support vector): ``m_i = 1``, violation ``|m_i − 1|``;
    - ``α_i = C`` (bound support vector): ``m_i ≤ 1``, violation ``max(0, m_i − 1)``.

    Parameters
    ----------
    alpha : array-like of shape (n,)
        Multipliers in ``[0, C]``.
    y : array-like of shape (n,)
        Labels in {−1, +1} (or {0, 1}).
    z : array-like of shape (n,)
        Decision values ``z_i`` of the same points, bias included.
    C : float
        The box constraint.

    Returns
    -------
    numpy.ndarray of shape (n,)

    Raises
    ------
    ValueError
        If the shapes differ or an α lies outside ``[0, C]``.

    Examples
    --------
    >>> kkt_violations([0.0, 0.5, 1.0, 0.0], [1, -1, 1, 1], [1.5, -1.0, 0.2, 0.7], C=1.0)
    array([0. , 0. , 0. , 0.3])
    """
    C = check_positive(C, "C")
    alpha = check_array(alpha, name="alpha", ndim=1).astype(np.float64, copy=False)
    y = as_signed_labels(y, name="y")
    z = check_array(z, name="z", ndim=1).astype(np.float64, copy=False)
    if not alpha.shape == y.shape == z.shape:
        raise ValueError(
            f"alpha, y and z must have the same length, got {alpha.shape}, {y.shape}, {z.shape}"
        )
    if (alpha < 0).any() or (alpha > C).any():
        raise ValueError(f"alpha must lie in [0, C] = [0, {C:g}]")
    functional_margin = y * z
    return np.where(
        alpha == 0,
        np.maximum(0.0, 1.0 - functional_margin),
        np.where(
            alpha >= C,
            np.maximum(0.0, functional_margin - 1.0),
            np.abs(functional_margin - 1.0),
        ),
    )
