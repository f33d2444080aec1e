"""Hinge losses for Keras 3, with the same maths as :mod:`svmkit.torch.losses`.

Binary losses take labels ``y ∈ {−1, +1}`` and decision values ``z``::

    hinge          mean_i max(0, 1 − y_i z_i)
    squared hinge  mean_i max(0, 1 − y_i z_i)²

Multiclass losses take class indices ``y_i ∈ {0, …, K−1}`` (or one-hot rows) and scores
``z`` of shape ``(n, K)``; with ``t_ik = +1`` for the true class and ``−1`` otherwise::

    "ovr"             mean_i mean_k max(0, 1 − t_ik z_ik)     (= keras.losses.hinge on one-hot)
    "squared_ovr"     mean_i mean_k max(0, 1 − t_ik z_ik)²    (= keras.losses.squared_hinge)
    "crammer_singer"  mean_i max(0, 1 + max_{k≠y_i} z_ik − z_iy_i)

Keras' ``categorical_hinge`` is Crammer–Singer except that it compares against
``max(0, max_{k≠y} z_k)``: the two agree whenever some wrong class scores ``≥ 0``.

The functions return the mean over the batch (a scalar, like the PyTorch twins); the
:class:`keras.losses.Loss` subclasses return per-sample values so that Keras can apply
``sample_weight`` and its reduction. The argument order is ``(y_true, y_pred)`` as in
:mod:`keras.losses`.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from svmkit._validation import check_choice
from svmkit.contract import MULTICLASS_LOSSES as MULTICLASS_KINDS

_register = keras.saving.register_keras_serializable(package="svmkit")


def _float_scores(y_pred: Any) -> Any:
    """``y_pred`` as a tensor of a floating dtype (``keras.backend.floatx()`` for integers)."""
    z = ops.convert_to_tensor(y_pred)
    if not keras.backend.is_float_dtype(z.dtype):
        z = ops.cast(z, keras.backend.floatx())
    return z


def _signed_labels_and_scores(y_true: Any, y_pred: Any) -> tuple[Any, Any]:
    """Return ``(y, z)`` as float tensors of one shape, with ``{0, 1}`` labels mapped to ±1."""
    z = _float_scores(y_pred)
    y = ops.cast(ops.convert_to_tensor(y_true), z.dtype)
    # A single decision column (n, 1) and a label vector (n,) describe the same samples.
    if len(z.shape) == 2 and z.shape[-1] == 1:
        z = ops.squeeze(z, axis=-1)
    if len(y.shape) == len(z.shape) + 1 and y.shape[-1] == 1:
        y = ops.squeeze(y, axis=-1)
    if len(y.shape) != len(z.shape):
        raise ValueError(
            f"y_true and y_pred must have the same shape; got y_true {tuple(y.shape)} "
            f"and y_pred {tuple(z.shape)}."
        )
    # svmkit.contract's label rule, element-wise (no look at the whole batch): 0 → −1, ±1 kept.
    y = ops.where(ops.equal(y, 0), -ops.ones_like(y), y)
    return y, z


def _hinge_per_sample(y_true: Any, y_pred: Any, *, squared: bool) -> Any:
    y, z = _signed_labels_and_scores(y_true, y_pred)
    losses = ops.relu(1.0 - y * z)
    if squared:
        losses = ops.square(losses)
    # Several output columns of ±1 targets: average them per sample, as keras.losses.hinge does.
    if len(losses.shape) >= 2:
        losses = ops.mean(losses, axis=-1)
    return losses


def _one_hot_targets(y_true: Any, y_pred: Any) -> tuple[Any, Any]:
    """Return ``(one_hot, z)`` for class-index or one-hot ``y_true`` and scores ``(n, K)``."""
    z = _float_scores(y_pred)
    if len(z.shape) != 2:
        raise ValueError(f"y_pred must have shape (n, K); got {tuple(z.shape)}.")
    n_classes = z.shape[-1]
    if n_classes is not None and n_classes < 2:
        raise ValueError(f"y_pred must have at least 2 class columns; got {n_classes}.")
    y = ops.convert_to_tensor(y_true)
    if len(y.shape) == 2 and y.shape[-1] == n_classes and n_classes != 1:
        # Already one-hot (0/1 or ±1 rows, e.g. keras.utils.to_categorical output).
        return ops.cast(ops.greater(y, 0), z.dtype), z
    if len(y.shape) == 2 and y.shape[-1] == 1:
        y = ops.squeeze(y, axis=-1)
    if len(y.shape) != 1:
        raise ValueError(
            f"y_true must hold class indices of shape (n,) or one-hot rows (n, K); "
            f"got {tuple(y.shape)}."
        )
    # Keras' Loss.__call__ hands labels over as floats; class indices are integers again.
    indices = ops.cast(ops.round(ops.cast(y, "float32")), "int32")
    return ops.one_hot(indices, n_classes, dtype=z.dtype), z


def _multiclass_hinge_per_sample(y_true: Any, y_pred: Any, kind: str) -> Any:
    one_hot, z = _one_hot_targets(y_true, y_pred)
    if kind == "crammer_singer":
        true_score = ops.sum(one_hot * z, axis=-1)
        # The true class must not compete with itself: push its score below every other one.
        others = ops.where(ops.greater(one_hot, 0), ops.full_like(z, float("-inf")), z)
        return ops.relu(1.0 + ops.max(others, axis=-1) - true_score)
    t = 2.0 * one_hot - 1.0
    losses = ops.relu(1.0 - t * z)
    if kind == "squared_ovr":
        losses = ops.square(losses)
    return ops.mean(losses, axis=-1)


def hinge_loss(y_true: Any, y_pred: Any) -> Any:
    """Mean hinge loss ``mean_i max(0, 1 − y_i z_i)``.

    Parameters
    ----------
    y_true : array-like of shape (n,) or (n, 1)
        Labels in ``{−1, +1}``; ``{0, 1}`` labels are mapped to ``{−1, +1}``.
    y_pred : array-like of shape (n,) or (n, 1)
        Decision values ``z = w·x + b``.

    Returns
    -------
    Tensor
        Scalar tensor of the backend in use.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([1.0, -1.0, 1.0])
    >>> z = np.array([2.0, 0.5, 0.25])
    >>> round(float(hinge_loss(y, z)), 4)  # (0 + 1.5 + 0.75) / 3
    0.75
    """
    return ops.mean(_hinge_per_sample(y_true, y_pred, squared=False))


def squared_hinge_loss(y_true: Any, y_pred: Any) -> Any:
    """Mean squared hinge loss ``mean_i max(0, 1 − y_i z_i)²``.

    Parameters
    ----------
    y_true : array-like of shape (n,) or (n, 1)
        Labels in ``{−1, +1}``; ``{0, 1}`` labels are mapped to ``{−1, +1}``.
    y_pred : array-like of shape (n,) or (n, 1)
        Decision values ``z = w·x + b``.

    Returns
    -------
    Tensor
        Scalar tensor of the backend in use.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([1.0, -1.0, 1.0])
    >>> z = np.array([2.0, 0.5, 0.25])
    >>> round(float(squared_hinge_loss(y, z)), 4)  # (0 + 2.25 + 0.5625) / 3
    0.9375
    """
    return ops.mean(_hinge_per_sample(y_true, y_pred, squared=True))


def multiclass_hinge_loss(y_true: Any, y_pred: Any, kind: str = "ovr") -> Any:
    """Mean multiclass hinge loss of scores ``z`` (n, K) against class labels.

    Parameters
    ----------
    y_true : array-like of shape (n,) or (n, 1), or (n, K)
        Class indices in ``{0, …, K−1}``, or one-hot rows.
    y_pred : array-like of shape (n, K)
        One decision value per class.
    kind : {"ovr", "squared_ovr", "crammer_singer"}
        One-vs-rest hinge on ±1 one-hot targets (``keras.losses.hinge``), its square
        (``keras.losses.squared_hinge``), or Crammer–Singer ``max(0, 1 + max_{k≠y} z_k − z_y)``.

    Returns
    -------
    Tensor
        Scalar tensor of the backend in use.

    Examples
    --------
    >>> import numpy as np
    >>> z = np.array([[2.0, -1.0, 0.5]])
    >>> for kind in ("ovr", "squared_ovr", "crammer_singer"):
    ...     print(kind, round(float(multiclass_hinge_loss(np.array([0]), z, kind)), 4))
    ovr 0.5
    squared_ovr 0.75
    crammer_singer 0.0
    """
    check_choice(kind, "kind", MULTICLASS_KINDS)
    return ops.mean(_multiclass_hinge_per_sample(y_true, y_pred, kind))


@_register
class Hinge(keras.losses.Loss):
    """Binary hinge loss ``max(0, 1 − y z)`` as a :class:`keras.losses.Loss`.

    Parameters
    ----------
    reduction : str, default "sum_over_batch_size"
        Keras reduction of the per-sample losses (the default is the batch mean).
    name : str or None, default None
        ``None`` names the loss ``"hinge"`` (``"squared_hinge"`` for :class:`SquaredHinge`).
    dtype : str or None
        Computation dtype; ``None`` uses ``keras.backend.floatx()``.

    Examples
    --------
    >>> import numpy as np
    >>> loss = Hinge()
    >>> round(float(loss(np.array([1.0, -1.0]), np.array([[0.5], [-2.0]]))), 4)
    0.25
    """

    squared = False

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = None,
        dtype: str | None = None,
    ) -> None:
        default_name = "squared_hinge" if self.squared else "hinge"
        super().__init__(name=name or default_name, reduction=reduction, dtype=dtype)

    def call(self, y_true: Any, y_pred: Any) -> Any:
        return _hinge_per_sample(y_true, y_pred, squared=self.squared)


@_register
class SquaredHinge(Hinge):
    """Binary squared hinge loss ``max(0, 1 − y z)²``: :class:`Hinge` with the terms squared.

    Examples
    --------
    >>> import numpy as np
    >>> loss = SquaredHinge()
    >>> loss.name, round(float(loss(np.array([1.0, -1.0]), np.array([[0.5], [-2.0]]))), 4)
    ('squared_hinge', 0.125)
    """

    squared = True


@_register
class MulticlassHinge(keras.losses.Loss):
    """Multiclass hinge loss (one-vs-rest, squared one-vs-rest or Crammer–Singer).

    Parameters
    ----------
    kind : {"ovr", "squared_ovr", "crammer_singer"}, default "ovr"
        See :func:`multiclass_hinge_loss`.
    reduction : str, default "sum_over_batch_size"
        Keras reduction of the per-sample losses (the default is the batch mean).
    name : str or None
        Defaults to ``"multiclass_hinge_<kind>"``.
    dtype : str or None
        Computation dtype; ``None`` uses ``keras.backend.floatx()``.

    Examples
    --------
    >>> import numpy as np
    >>> loss = MulticlassHinge(kind="crammer_singer")
    >>> round(float(loss(np.array([1]), np.array([[0.5, 0.25, -1.0]]))), 4)
    1.25
    >>> MulticlassHinge.from_config(loss.get_config()).kind
    'crammer_singer'
    """

    def __init__(
        self,
        kind: str = "ovr",
        reduction: str | None = "sum_over_batch_size",
        name: str | None = None,
        dtype: str | None = None,
    ) -> None:
        check_choice(kind, "kind", MULTICLASS_KINDS)
        super().__init__(name=name or f"multiclass_hinge_{kind}", reduction=reduction, dtype=dtype)
        self.kind = kind

    def call(self, y_true: Any, y_pred: Any) -> Any:
        return _multiclass_hinge_per_sample(y_true, y_pred, self.kind)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "kind": self.kind}
