"""A scikit-learn compatible kernel SVM trained by (sub)gradient descent on random Fourier features.

:class:`SVMClassifier` puts the course's models behind the familiar ``fit`` / ``predict`` /
``score`` interface, so they drop into ``cross_val_score``, ``GridSearchCV`` and ``Pipeline``
and can be compared with :class:`sklearn.svm.SVC` line for line. Training runs in PyTorch or
Keras; once fitted, the model is a handful of NumPy arrays, so predicting and pickling need no
framework.

Examples
--------
>>> from svmkit.data import make_moons
>>> from svmkit.estimator import SVMClassifier
>>> X, y = make_moons(300, noise=0.1, seed=0)
>>> SVMClassifier(kernel="rbf", random_state=0).fit(X, y).score(X, y) > 0.95
True
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from svmkit._validation import check_choice, check_positive, check_positive_int
from svmkit.contract import FeatureSpec, TrainSpec
from svmkit.kernels import random_fourier_features

__all__ = ["SVMClassifier"]

KERNELS = ("linear", "rbf", "laplacian")
LOSSES = ("hinge", "squared_hinge")
BACKENDS = ("torch", "keras")

# scikit-learn's kernel names → the random-feature kernels of svmkit.kernels.
_RFF_KERNEL = {"rbf": "gaussian", "laplacian": "laplacian"}
# The learning rate decays geometrically to this fraction of its start over the whole run:
# a large step finds the neighbourhood of the optimum, the small final steps settle in it.
_FINAL_LR_FRACTION = 0.01
# Rows per chunk when computing random features for prediction (bounds temporary memory).
_PREDICT_CHUNK = 1024


class SVMClassifier(ClassifierMixin, BaseEstimator):
    """Soft-margin SVM classifier: random Fourier features + a linear SVM trained on the hinge loss.

    For ``kernel="rbf"`` or ``"laplacian"``, inputs are mapped once to ``n_components`` random
    Fourier features ``φ(x) = sqrt(2/D)·cos(x Ω/σ + β)`` whose inner products approximate the
    kernel; then a linear SVM ``z = w·φ(x) + b`` is trained with minibatch Adam on the primal
    objective ``mean_i max(0, 1 − y_i z_i) + λ‖w‖²`` with ``λ = 1/(2 C n)``, which has the same
    minimiser as :class:`sklearn.svm.SVC`'s ``½‖w‖² + C Σ_i hinge_i`` (the intercept is not
    penalised, as in ``SVC``). ``kernel="linear"`` trains on ``x`` itself. Binary problems have
    one decision function; ``K > 2`` classes are handled one-vs-rest with ``K`` of them.

    Parameters
    ----------
    kernel : {"rbf", "laplacian", "linear"}, default="rbf"
        ``"rbf"``: ``k(x, x') = exp(−γ‖x − x'‖²)``; ``"laplacian"``: ``exp(−γ‖x − x'‖₁)``;
        ``"linear"``: ``x·x'`` (no random features).
    C : float, default=1.0
        Inverse regularisation strength, as in :class:`sklearn.svm.SVC` (must be > 0).
    gamma : {"scale", "auto"} or float, default="scale"
        Kernel coefficient. ``"scale"`` uses ``1 / (n_features · X.var())`` and ``"auto"``
        ``1 / n_features``, as in ``SVC``. It sets the length scale σ of the random features:
        ``σ = 1/sqrt(2γ)`` (rbf) or ``σ = 1/γ`` (laplacian). Ignored by the linear kernel.
    n_components : int, default=1024
        Number D of random Fourier features; the kernel approximation error shrinks like 1/√D.
    loss : {"hinge", "squared_hinge"}, default="hinge"
        ``max(0, 1 − y z)`` (the SVM of ``SVC``) or its square (``LinearSVC``'s default).
    backend : {"torch", "keras"}, default="torch"
        Framework that computes the features and trains the linear head.
    max_epochs : int, default=60
        Passes over the training data.
    batch_size : int, default=64
        Samples per gradient step.
    learning_rate : float, default=0.05
        Initial Adam step size; it decays geometrically to 1 % of this value by the last step.
    orthogonal : bool, default=False
        Orthogonal random features (lower variance for the same D); ``kernel="rbf"`` only.
    random_state : int, numpy.random.RandomState or None, default=None
        Seeds the random features and the shuffling of the batches (local generators in both
        backends; nothing global is reseeded). ``None`` draws the seed from NumPy's global
        generator.
    device : str or None, default=None
        PyTorch device for training (``"cuda"``, ``"mps"``, ``"cpu"``); ``None`` picks the best
        available one. Keras chooses its own placement and ignores it.

    Attributes
    ----------
    classes_ : numpy.ndarray of shape (n_classes,)
        Class labels; for two classes ``classes_[1]`` is the positive class (``z > 0``).
    n_features_in_ : int
        Number of input features seen in ``fit``.
    feature_names_in_ : numpy.ndarray of shape (n_features,)
        Column names, when ``X`` was a DataFrame with string column names.
    gamma_ : float or None
        The γ actually used (``None`` for the linear kernel).
    sigma_ : float or None
        The random features' length scale σ derived from ``gamma_``.
    random_weights_ : numpy.ndarray of shape (n_features, n_components) or None
        ``Ω / σ``, so that ``φ(x) = sqrt(2/D)·cos(x·random_weights_ + random_offset_)``.
    random_offset_ : numpy.ndarray of shape (n_components,) or None
        The phases β.
    coef_ : numpy.ndarray of shape (1, n_features) or (n_classes, n_features)
        ``w`` in feature space (``n_features`` is D, or ``n_features_in_`` when linear).
    intercept_ : numpy.ndarray of shape (1,) or (n_classes,)
        ``b``.
    n_iter_ : int
        Number of epochs run.

    See Also
    --------
    sklearn.svm.SVC : exact kernel SVM (quadratic memory and time in ``n_samples``).
    sklearn.svm.LinearSVC : linear SVM by coordinate descent (liblinear).
    svmkit.torch.RandomFourierFeatures, svmkit.torch.fit : the pieces this estimator assembles.

    Notes
    -----
    With ``K > 2`` classes the one-vs-rest loss averages over samples *and* classes, so each
    of the K binary SVMs keeps its own ``λ = 1/(2 C n)`` when the penalty is divided by K.

    Examples
    --------
    >>> from sklearn.model_selection import train_test_split
    >>> from svmkit.data import make_circles
    >>> X, y = make_circles(400, noise=0.05, seed=0)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    >>> model = SVMClassifier(kernel="rbf", C=10.0, random_state=0).fit(X_train, y_train)
    >>> model.classes_
    array([-1.,  1.], dtype=float32)
    >>> model.decision_function(X_test[:3]).shape
    (3,)
    >>> model.score(X_test, y_test) > 0.95
    True
    >>> linear = SVMClassifier(kernel="linear", random_state=0).fit(X_train, y_train)
    >>> linear.score(X_test, y_test) < 0.7  # no straight line separates two circles
    True
    """

    def __init__(
        self,
        kernel: str = "rbf",
        C: float = 1.0,
        gamma: str | float = "scale",
        n_components: int = 1024,
        loss: str = "hinge",
        backend: str = "torch",
        max_epochs: int = 60,
        batch_size: int = 64,
        learning_rate: float = 0.05,
        orthogonal: bool = False,
        random_state: int | np.random.RandomState | None = None,
        device: str | None = None,
    ) -> None:
        self.kernel = kernel
        self.C = C
        self.gamma = gamma
        self.n_components = n_components
        self.loss = loss
        self.backend = backend
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.orthogonal = orthogonal
        self.random_state = random_state
        self.device = device

    # ------------------------------------------------------------------------------------ fit

    def _check_params(self) -> dict[str, Any]:
        """Validate the hyper-parameters (scikit-learn convention: in ``fit``, not ``__init__``)."""
        params = {
            "kernel": check_choice(self.kernel, "kernel", KERNELS),
            "C": check_positive(self.C, "C"),
            "n_components": check_positive_int(self.n_components, "n_components"),
            "loss": check_choice(self.loss, "loss", LOSSES),
            "backend": check_choice(self.backend, "backend", BACKENDS),
            "max_epochs": check_positive_int(self.max_epochs, "max_epochs"),
            "batch_size": check_positive_int(self.batch_size, "batch_size"),
            "learning_rate": check_positive(self.learning_rate, "learning_rate"),
        }
        if isinstance(self.gamma, str):
            check_choice(self.gamma, "gamma", ("scale", "auto"))
        else:
            check_positive(self.gamma, "gamma")
        if not isinstance(self.orthogonal, (bool, np.bool_)):
            raise TypeError(f"orthogonal must be True or False, got {self.orthogonal!r}")
        if self.orthogonal and params["kernel"] != "rbf":
            raise ValueError(
                f"orthogonal random features need kernel='rbf', got kernel={self.kernel!r}"
            )
        return params

    def _resolve_gamma(self, X: np.ndarray) -> float:
        if self.gamma == "scale":
            variance = float(X.var())
            return 1.0 / (X.shape[1] * variance) if variance > 0 else 1.0
        if self.gamma == "auto":
            return 1.0 / X.shape[1]
        return float(self.gamma)

    def fit(self, X: Any, y: Any) -> SVMClassifier:
        """Fit the SVM on training data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs (numbers, no NaN or infinity).
        y : array-like of shape (n_samples,)
            Class labels, any two or more distinct values (strings too).

        Returns
        -------
        SVMClassifier
            The fitted estimator (``self``).

        Raises
        ------
        ValueError
            For invalid hyper-parameters (the message names them), malformed ``X`` or ``y``, or
            ``y`` with a single class.
        TypeError
            For hyper-parameters of the wrong type.
        """
        params = self._check_params()
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32])
        check_classification_targets(y)
        self.classes_, y_index = np.unique(y, return_inverse=True)
        if self.classes_.size < 2:
            raise ValueError(
                f"y has a single class ({self.classes_[0]!r}); SVMClassifier needs at least two "
                "classes but got one class"
            )
        n_samples = X.shape[0]
        n_classes = self.classes_.size
        rng = check_random_state(self.random_state)
        seed = int(rng.randint(np.iinfo(np.int32).max))

        if params["kernel"] == "linear":
            self.gamma_ = self.sigma_ = None
            self.random_weights_ = self.random_offset_ = None
        else:
            self.gamma_ = self._resolve_gamma(X)
            # exp(−γ‖δ‖²) = exp(−‖δ‖²/(2σ²)) and exp(−γ‖δ‖₁) = exp(−‖δ‖₁/σ).
            self.sigma_ = (
                1.0 / math.sqrt(2.0 * self.gamma_)
                if params["kernel"] == "rbf"
                else 1.0 / self.gamma_
            )

        if n_classes == 2:
            targets = np.where(y_index == 1, 1.0, -1.0).astype(np.float32)
            loss = params["loss"]
            penalty = 1.0 / (2.0 * params["C"] * n_samples)
        else:
            targets = y_index.astype(np.int64)
            loss = "ovr" if params["loss"] == "hinge" else "squared_ovr"
            # The OvR loss is a mean over classes too; dividing λ by K keeps each binary SVM's C.
            penalty = 1.0 / (2.0 * params["C"] * n_samples * n_classes)

        training = TrainSpec(
            loss=loss, lam=penalty, epochs=params["max_epochs"], batch_size=params["batch_size"],
            lr=params["learning_rate"], optimizer="adam", seed=seed,
        ).decay_to(_FINAL_LR_FRACTION, n_samples)  # fmt: skip
        features = None
        if params["kernel"] != "linear":
            features = FeatureSpec(
                kernel=_RFF_KERNEL[params["kernel"]], sigma=self.sigma_,
                output_dim=params["n_components"], orthogonal=bool(self.orthogonal), seed=seed,
            )  # fmt: skip
        fit_backend = _fit_torch if params["backend"] == "torch" else _fit_keras
        coef, intercept, omega, beta = fit_backend(
            self, X.astype(np.float32), targets, features, training
        )
        self.coef_ = np.ascontiguousarray(coef, dtype=np.float32)
        self.intercept_ = np.asarray(intercept, dtype=np.float32)
        if omega is not None:
            self.random_weights_ = np.ascontiguousarray(omega / self.sigma_, dtype=np.float32)
            self.random_offset_ = np.asarray(beta, dtype=np.float32)
        self.n_iter_ = params["max_epochs"]
        return self

    # -------------------------------------------------------------------------------- predict

    def _features(self, X: np.ndarray) -> np.ndarray:
        """φ(X) for the random-feature kernels, X itself for the linear one.

        Computed in float64: float32 GEMM kernels may round a row differently depending on its
        position in the batch, and a sample's score must not depend on its neighbours.
        """
        X = X.astype(np.float64, copy=False)
        if self.random_weights_ is None:
            return X
        # random_weights_ already holds Ω/σ, hence scale 1.
        return random_fourier_features(
            X,
            self.random_weights_.astype(np.float64),
            self.random_offset_.astype(np.float64),
            1.0,
        )

    def decision_function(self, X: Any) -> np.ndarray:
        """Signed decision values ``z = w·φ(x) + b``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        numpy.ndarray of shape (n_samples,) or (n_samples, n_classes)
            For two classes, ``z > 0`` predicts ``classes_[1]``; ``|z| ≥ 1`` means outside the
            margin. For more classes, one column per class (one-vs-rest scores).
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        # Chunks keep the n × D feature block small for large inputs.
        scores = np.concatenate(
            [
                self._features(X[start : start + _PREDICT_CHUNK]) @ self.coef_.T.astype(np.float64)
                + self.intercept_
                for start in range(0, X.shape[0], _PREDICT_CHUNK)
            ]
        )
        return scores[:, 0] if self.classes_.size == 2 else scores

    def predict(self, X: Any) -> np.ndarray:
        """Predict class labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        numpy.ndarray of shape (n_samples,)
            Labels taken from ``classes_``.
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return self.classes_[(scores > 0).astype(np.intp)]
        return self.classes_[np.argmax(scores, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.random_state is None
        return tags


# ------------------------------------------------------------------------------------ backends


def _fit_torch(
    estimator: SVMClassifier,
    X: np.ndarray,
    targets: np.ndarray,
    features: FeatureSpec | None,
    training: TrainSpec,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """``svmkit.torch.fit_rff_svm`` (``fit_linear_svm`` without features); (W, b, Ω, β)."""
    from svmkit.torch import device as pick_device
    from svmkit.torch import fit_linear_svm, fit_rff_svm

    try:
        target = pick_device(estimator.device)
    except ValueError as error:
        raise ValueError(f"device {estimator.device!r} is not usable: {error}") from None
    if features is None:
        head, _ = fit_linear_svm(X, targets, training, device=target)
        omega = beta = None
    else:
        model, _ = fit_rff_svm(X, targets, features, training, device=target)
        head, omega, beta = model[1], model[0].omega.cpu().numpy(), model[0].beta.cpu().numpy()
    return head.weight.detach().cpu().numpy(), head.bias.detach().cpu().numpy(), omega, beta


def _fit_keras(
    estimator: SVMClassifier,
    X: np.ndarray,
    targets: np.ndarray,
    features: FeatureSpec | None,
    training: TrainSpec,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """``svmkit.keras.fit_rff_svm`` (``fit_linear_svm`` without features); (W, b, Ω, β)."""
    import keras

    from svmkit.keras import fit_linear_svm, fit_rff_svm

    # The recipe shuffles with a local generator seeded by training.seed: no global reseeding.
    omega = beta = None
    if features is None:
        model, _ = fit_linear_svm(X, targets, training)
    else:
        model, _ = fit_rff_svm(X, targets, features, training)
        omega = keras.ops.convert_to_numpy(model.layers[0].omega)
        beta = keras.ops.convert_to_numpy(model.layers[0].beta)
    head = model.layers[-1]
    weight = keras.ops.convert_to_numpy(head.kernel).T
    bias = keras.ops.convert_to_numpy(head.bias)
    return weight, bias, omega, beta
