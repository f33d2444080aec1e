"""Input validation shared by every part of svmkit.

Validation happens once, at the edge of a public function, so that the maths inside can assume
clean inputs. Every error names the offending argument (``X``, ``y``, ``output_dim``...), so a
student reading the message knows what to fix without a traceback dive.

Examples
--------
>>> from svmkit._validation import check_array, as_signed_labels
>>> check_array([[1, 2], [3, 4]]).dtype
dtype('float64')
>>> as_signed_labels([0, 1, 1])
array([-1.,  1.,  1.])
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Collection
from typing import Any

import numpy as np

__all__ = [
    "as_signed_labels",
    "check_X_y",
    "check_array",
    "check_choice",
    "check_positive",
    "check_positive_int",
    "dtype_kind",
]


def dtype_kind(array: Any) -> str:
    """``"int"``, ``"float"`` or ``"other"`` for a numpy array or a torch tensor alike.

    The one rule behind "integers stay integers" (uint8 images keep a quarter of float32's
    memory, and each batch is cast as it is used): signed and unsigned integers are ``"int"``,
    booleans and complex numbers ``"other"``. Reads the dtype's name, so it needs no torch import.

    Examples
    --------
    >>> dtype_kind(np.zeros(2, np.uint8)), dtype_kind(np.zeros(2)), dtype_kind(np.zeros(2, bool))
    ('int', 'float', 'other')
    """
    name = str(array.dtype).rsplit(".", 1)[-1]  # "uint8", "float32", "bfloat16", "bool", ...
    if name.startswith(("int", "uint")):
        return "int"
    if name.startswith(("float", "bfloat")):
        return "float"
    return "other"


def _short_repr(value: Any, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters (huge ints cannot even be printed in full)."""
    try:
        text = repr(value)
    except ValueError:  # int beyond sys.get_int_max_str_digits()
        return f"<{type(value).__name__} too large to print>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _to_numpy(value: Any, name: str) -> np.ndarray:
    """Convert ``value`` to an ndarray, turning numpy's conversion failures into clear errors."""
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be array-like of numbers, got a {type(value).__name__}")
    # Tensors (torch, tf, jax) know how to become numpy arrays; a tensor that requires grad or
    # lives on an accelerator must be detached and copied first.
    for method in ("detach", "cpu"):
        if hasattr(value, method) and not isinstance(value, np.ndarray):
            try:
                value = getattr(value, method)()
            except Exception:  # not a torch tensor after all; let asarray decide
                pass
    try:
        array = np.asarray(value)
    except (ValueError, TypeError) as error:
        # Ragged nested lists ("inhomogeneous shape") end up here.
        raise ValueError(
            f"{name} could not be converted to a rectangular numeric array: {error}"
        ) from None
    return array


def _check_numeric_dtype(array: np.ndarray, name: str) -> np.ndarray:
    """Raise TypeError unless ``array`` holds real numbers (object arrays of numbers convert)."""
    if array.dtype.kind == "O":
        try:
            array = array.astype(np.float64)
        except (ValueError, TypeError, OverflowError):
            raise TypeError(
                f"{name} must contain numbers only, got an array of Python objects"
            ) from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must contain real numbers, got dtype {array.dtype}")
    return array


def check_array(
    X: Any,
    *,
    name: str = "X",
    ndim: int | None = 2,
    allow_empty: bool = False,
    dtype: str | None = "float",
) -> np.ndarray:
    """Validate an array-like of real numbers and return it as a numpy array.

    Parameters
    ----------
    X : array-like
        Nested lists, a numpy array or a CPU/GPU tensor.
    name : str, default="X"
        Argument name used in error messages.
    ndim : int or None, default=2
        Required number of dimensions; ``None`` accepts any.
    allow_empty : bool, default=False
        Whether zero samples are acceptable.
    dtype : {"float", None}, default="float"
        ``"float"`` returns float32 when the input is float32 and float64 otherwise; ``None``
        keeps the input's numeric dtype (useful for integer class labels).

    Returns
    -------
    numpy.ndarray
        The validated array (no copy when the input already qualifies).

    Raises
    ------
    TypeError
        If the values are not real numbers (strings, objects, complex numbers).
    ValueError
        If the array is ragged, has the wrong number of dimensions, is empty, or holds NaN or inf.

    Examples
    --------
    >>> import numpy as np
    >>> check_array(np.ones((2, 3), dtype=np.float32)).dtype
    dtype('float32')
    >>> check_array([1.0, 2.0])
    Traceback (most recent call last):
    ...
    ValueError: X must be 2-dimensional (n_samples, n_features), got 1 dimension(s)...
    >>> check_array([[0.0, float("nan")]])
    Traceback (most recent call last):
    ...
    ValueError: X contains NaN or infinity
    """
    array = _check_numeric_dtype(_to_numpy(X, name), name)
    if ndim is not None and array.ndim != ndim:
        hint = ""
        if ndim == 2 and array.ndim == 1:
            hint = f"; reshape a single feature with {name}.reshape(-1, 1)"
        shape_text = "(n_samples, n_features)" if ndim == 2 else "(n_samples,)" if ndim == 1 else ""
        raise ValueError(
            f"{name} must be {ndim}-dimensional {shape_text}, got {array.ndim} dimension(s) "
            f"with shape {array.shape}{hint}".replace("  ", " ")
        )
    if not allow_empty and (array.size == 0 or (array.ndim > 0 and array.shape[0] == 0)):
        raise ValueError(f"{name} is empty (shape {array.shape}); at least one sample is required")
    if dtype == "float":
        if array.dtype != np.float32:
            array = array.astype(np.float64, copy=False)
    elif dtype is not None:
        raise ValueError(f"dtype must be 'float' or None, got {dtype!r}")
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        raise ValueError(f"{name} contains NaN or infinity")
    return array


def check_X_y(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """Validate a design matrix ``X`` (n, d) and its labels ``y`` (n,).

    ``y`` keeps its numeric dtype (integer class indices stay integers); a column vector (n, 1) is
    flattened.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)

    Returns
    -------
    X : numpy.ndarray of float32 or float64
    y : numpy.ndarray

    Raises
    ------
    ValueError
        If either is malformed or their lengths differ (the message names ``y``).

    Examples
    --------
    >>> X, y = check_X_y([[0.0, 1.0], [1.0, 0.0]], [1, -1])
    >>> X.shape, y.tolist()
    ((2, 2), [1, -1])
    >>> check_X_y([[0.0], [1.0]], [1])
    Traceback (most recent call last):
    ...
    ValueError: y has 1 labels but X has 2 samples
    """
    X = check_array(X, name="X")
    y = _to_numpy(y, "y")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    y = check_array(y, name="y", ndim=1, dtype=None)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y has {y.shape[0]} labels but X has {X.shape[0]} samples")
    return X, y


def as_signed_labels(y: Any, *, name: str = "y") -> np.ndarray:
    """Convert binary labels in {-1, +1}, {0, 1} or {False, True} to a float array of ±1.

    Parameters
    ----------
    y : array-like of shape (n_samples,) or (n_samples, 1)
    name : str, default="y"
        Argument name used in error messages.

    Returns
    -------
    numpy.ndarray of shape (n_samples,)
        ``-1.0`` for the negative class (−1, 0 or False) and ``+1.0`` for the positive class.

    Raises
    ------
    ValueError
        If ``y`` holds other values, more than two classes, or a single class.

    Examples
    --------
    >>> as_signed_labels([True, False])
    array([ 1., -1.])
    >>> as_signed_labels([0, 1, 2])
    Traceback (most recent call last):
    ...
    ValueError: y must hold two classes labelled {-1, +1} or {0, 1}, got values [0, 1, 2]
    >>> as_signed_labels([1, 1])
    Traceback (most recent call last):
    ...
    ValueError: y has a single class (1); a binary SVM needs both classes
    """
    labels = _to_numpy(y, name)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    labels = check_array(labels, name=name, ndim=1, dtype=None)
    values = np.unique(labels)
    if set(values.tolist()) <= {0, 1} or set(values.tolist()) <= {-1, 1}:
        if values.size == 1:
            shown = values[0].item()
            raise ValueError(
                f"{name} has a single class ({shown}); a binary SVM needs both classes"
            )
        return np.where(labels > 0, 1.0, -1.0)
    shown_values = values[:5].tolist()
    more = ", ..." if values.size > 5 else ""
    raise ValueError(
        f"{name} must hold two classes labelled {{-1, +1}} or {{0, 1}}, "
        f"got values {str(shown_values)[:-1]}{more}]"
    )


def check_positive(value: Any, name: str) -> float:
    """Return ``value`` as a float after checking it is a finite number > 0.

    Examples
    --------
    >>> check_positive(0.5, "scale")
    0.5
    >>> check_positive(0, "scale")
    Traceback (most recent call last):
    ...
    ValueError: scale must be a finite number > 0, got 0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    try:
        as_float = float(value)
    except OverflowError:  # a Python int beyond float range
        as_float = math.inf if value > 0 else -math.inf
    if not math.isfinite(as_float) or as_float <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {_short_repr(value)}")
    return as_float


def check_positive_int(value: Any, name: str) -> int:
    """Return ``value`` as an int after checking it is an integer ≥ 1.

    Examples
    --------
    >>> check_positive_int(8, "output_dim")
    8
    >>> check_positive_int(2.5, "output_dim")
    Traceback (most recent call last):
    ...
    TypeError: output_dim must be an integer, got float
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {_short_repr(value)}")
    return int(value)


def check_choice(value: Any, name: str, options: Collection[Any]) -> Any:
    """Return ``value`` if it is one of ``options``, else raise a ValueError listing them.

    Examples
    --------
    >>> check_choice("gaussian", "kernel", ("gaussian", "laplacian"))
    'gaussian'
    >>> check_choice("rbf", "kernel", ("gaussian", "laplacian"))
    Traceback (most recent call last):
    ...
    ValueError: kernel must be one of 'gaussian', 'laplacian'; got 'rbf'
    """
    try:
        valid = value in options
    except (TypeError, ValueError):  # unhashable value, or an array whose truth value is ambiguous
        valid = False
    if not valid:
        listed = ", ".join(repr(option) for option in options)
        raise ValueError(f"{name} must be one of {listed}; got {_short_repr(value)}")
    return value
