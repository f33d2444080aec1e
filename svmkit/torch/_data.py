"""Inputs and labels for training, checked once at the edge and put on the training device.

Internal to :mod:`svmkit.torch`: :func:`svmkit.torch.fit`, :func:`~svmkit.torch.featurize` and
:func:`~svmkit.torch.fit_rff_svm` call these helpers, so that every error names the argument the
caller passed (``X``, ``y``, ``X_val``...).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from svmkit._validation import check_array, dtype_kind
from svmkit.contract import BINARY_LOSSES, MULTICLASS_LOSSES, signed_labels


def resolve_device(value: Any, name: str = "device") -> torch.device:
    """Turn a device argument into a torch.device, with errors that name the argument ``name``."""
    try:
        target = torch.device(value)
    except (RuntimeError, TypeError) as error:
        raise ValueError(f"{name} is not a valid torch device: {value!r} ({error})") from None
    if target.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"{name}='cuda' but torch.cuda.is_available() is False")
    return target


def model_device_dtype(model: nn.Module) -> tuple[torch.device, torch.dtype]:
    """Device and floating dtype of the model's first parameter or buffer (CPU, float32 if none)."""
    for tensor in list(model.parameters()) + list(model.buffers()):
        if tensor.is_floating_point():
            return tensor.device, tensor.dtype
    return torch.device("cpu"), torch.get_default_dtype()


def as_rows(X: Any, name: str = "X") -> np.ndarray | Tensor:
    """Validate a 2-d ``X`` without converting it: a detached tensor or a numpy array.

    Keeps the input dtype (e.g. uint8 images), so that a large dataset is converted one chunk at
    a time and never copied to float64 in full.
    """
    if isinstance(X, Tensor):
        if X.dim() != 2:
            raise ValueError(
                f"{name} must be 2-dimensional (n_samples, n_features), got shape {tuple(X.shape)}"
            )
        if X.is_complex() or X.dtype == torch.bool:
            raise TypeError(f"{name} must hold real numbers, got dtype {X.dtype}")
        return X.detach()
    return check_array(X, name=name, allow_empty=True, dtype=None)


def as_features(
    X: Any, name: str, device: torch.device, dtype: torch.dtype, *, keep_integers: bool = False
) -> Tensor:
    """Validate ``X`` (numpy, list or tensor) and return it as a 2-d tensor on ``device``.

    With ``keep_integers``, integer inputs (e.g. uint8 images) keep their dtype, a quarter of the
    memory of float32; the training loop casts each batch to ``dtype`` as it uses it.
    """
    if keep_integers and _is_integer(X):
        rows = as_rows(X, name)
        if rows.shape[0] == 0 or rows.shape[1] == 0:
            raise ValueError(f"{name} is empty (shape {tuple(rows.shape)})")
        return torch.as_tensor(rows, device=device)  # integers are always finite
    if isinstance(X, Tensor):
        rows = as_rows(X, name)
        if rows.shape[0] == 0 or rows.shape[1] == 0:
            raise ValueError(f"{name} is empty (shape {tuple(rows.shape)})")
        tensor = rows.to(device=device, dtype=dtype)
    else:
        tensor = torch.as_tensor(check_array(X, name=name), dtype=dtype, device=device)
    # One synchronisation at the edge is worth it: a NaN (or a float64 value too large for
    # float32) would otherwise silently poison w.
    if not _all_finite(tensor):
        raise ValueError(f"{name} contains NaN or infinity (as {dtype})")
    return tensor


def _is_integer(X: Any) -> bool:
    """Whether ``X`` is a numpy array or tensor of integers (booleans excluded)."""
    return isinstance(X, (Tensor, np.ndarray)) and dtype_kind(X) == "int"


def _all_finite(tensor: Tensor) -> bool:
    """``torch.isfinite(tensor).all()`` in row chunks: bounded temporary memory, one sync."""
    rows = max(1, 2**24 // max(1, tensor[0].numel()))
    finite = torch.ones((), dtype=torch.bool, device=tensor.device)
    for start in range(0, tensor.shape[0], rows):
        finite &= torch.isfinite(tensor[start : start + rows]).all()
    return bool(finite)


def labels_to_numpy(y: Any, name: str = "y") -> np.ndarray:
    """``y`` as a 1-d numpy array in its own dtype (a column vector is flattened)."""
    if isinstance(y, Tensor):
        y = y.detach().cpu().numpy()
    array = check_array(y, name=name, ndim=None, dtype=None)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-dimensional (n_samples,), got shape {array.shape}")
    return array


def as_targets(
    y: Any,
    name: str,
    loss: str | Callable,
    n_outputs: int,
    device: torch.device,
    dtype: torch.dtype,
) -> Tensor:
    """Validate labels for ``loss`` and a model with ``n_outputs`` outputs; a tensor on ``device``.

    Binary losses get ±1 in ``dtype`` (the contract's rule: 0 means −1), multiclass losses int64
    class indices, a custom loss int64 for integer labels and ``dtype`` for anything else.
    """
    labels = labels_to_numpy(y, name)
    if loss in BINARY_LOSSES:
        if n_outputs != 1:
            raise ValueError(
                f"loss={loss!r} needs a model with one output, this one has {n_outputs}; "
                f"use one of {MULTICLASS_LOSSES} for several classes"
            )
        return torch.as_tensor(signed_labels(labels, name=name), dtype=dtype, device=device)
    if loss in MULTICLASS_LOSSES:
        _check_class_indices(labels, name, loss, n_outputs)
        return torch.as_tensor(labels.astype(np.int64), device=device)
    if labels.dtype.kind in "iu":
        return torch.as_tensor(labels.astype(np.int64), device=device)
    return torch.as_tensor(labels, dtype=dtype, device=device)


def _check_class_indices(labels: np.ndarray, name: str, loss: str, n_outputs: int) -> None:
    if n_outputs < 2:
        raise ValueError(
            f"loss={loss!r} needs a model with one output per class, this one has "
            f"{n_outputs}; use 'hinge' or 'squared_hinge' for a binary model"
        )
    if labels.dtype.kind == "b" or (labels != np.round(labels)).any():
        raise ValueError(f"{name} must hold integer class indices for loss={loss!r}")
    if labels.min() < 0 or labels.max() >= n_outputs:
        raise ValueError(
            f"{name} must hold class indices in [0, {n_outputs}), "
            f"got values from {labels.min()} to {labels.max()}"
        )


def count_outputs(model: nn.Module, X: Tensor) -> int:
    """Number of outputs of ``model``, from one forward pass on the first row of ``X``.

    Knowing it, the labels can be checked here rather than fail (or, on CUDA, assert) deep
    inside the loss.
    """
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            probe = model(X[:1])
    except (RuntimeError, ValueError) as error:
        raise ValueError(
            f"model cannot be applied to X of shape {tuple(X.shape)}: {error}"
        ) from None
    finally:
        model.train(was_training)
    return probe.shape[1] if probe.dim() == 2 else 1
