"""Validation at the edge: clear ValueError/TypeError naming the argument, never anything else."""

from __future__ import annotations

import math

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svmkit._validation import (
    as_signed_labels,
    check_array,
    check_choice,
    check_positive,
    check_positive_int,
    check_X_y,
)

PROPERTY_SETTINGS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# --- strategies for inputs that are mostly wrong, sometimes right ---------------------------------

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=3),
    st.binary(max_size=3),
    st.complex_numbers(max_magnitude=1e3),
    st.builds(object),
)
_nested = st.recursive(
    _scalars,
    lambda children: st.lists(children, max_size=4) | st.tuples(children, children),
    max_leaves=12,
)
_arrays = hnp.arrays(
    dtype=st.one_of(
        hnp.floating_dtypes(),
        hnp.integer_dtypes(),
        hnp.boolean_dtypes(),
        hnp.complex_number_dtypes(),
        hnp.unicode_string_dtypes(max_len=2),
        hnp.datetime64_dtypes(),
    ),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
)
_float_matrices = hnp.arrays(
    np.float64,
    st.tuples(st.integers(0, 5), st.integers(0, 3)),
    elements=st.floats(allow_nan=True, allow_infinity=True, width=64),
)
_label_vectors = st.lists(
    st.one_of(st.sampled_from([-1, 1, 0, 2, 0.5, True, False]), st.floats(), st.text(max_size=1)),
    max_size=6,
)
anything = st.one_of(_nested, _arrays, _float_matrices, _label_vectors)


def _assert_names(error: Exception, *names: str) -> None:
    assert isinstance(error, (ValueError, TypeError))
    assert any(name in str(error) for name in names), (names, str(error))


# --- property tests ------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(value=anything)
def test_check_array_only_raises_named_errors(value):
    try:
        array = check_array(value, name="features")
    except (ValueError, TypeError) as error:
        _assert_names(error, "features")
        return
    assert array.ndim == 2 and array.shape[0] > 0 and array.size > 0
    assert array.dtype in (np.float32, np.float64)
    assert np.isfinite(array).all()


@PROPERTY_SETTINGS
@given(value=anything)
def test_check_array_1d_only_raises_named_errors(value):
    try:
        array = check_array(value, name="labels", ndim=1, dtype=None)
    except (ValueError, TypeError) as error:
        _assert_names(error, "labels")
        return
    assert array.ndim == 1 and array.size > 0


@PROPERTY_SETTINGS
@given(X=anything, y=anything)
def test_check_X_y_only_raises_named_errors(X, y):
    try:
        X_out, y_out = check_X_y(X, y)
    except (ValueError, TypeError) as error:
        _assert_names(error, "X", "y")
        return
    assert X_out.shape[0] == y_out.shape[0]


@PROPERTY_SETTINGS
@given(y=anything)
def test_as_signed_labels_only_raises_named_errors(y):
    try:
        signed = as_signed_labels(y, name="targets")
    except (ValueError, TypeError) as error:
        _assert_names(error, "targets")
        return
    assert set(np.unique(signed).tolist()) == {-1.0, 1.0}
    assert signed.dtype == np.float64


@PROPERTY_SETTINGS
@given(value=st.one_of(_scalars, st.lists(st.integers(), max_size=2)))
def test_scalar_checks_only_raise_named_errors(value):
    for check in (check_positive, check_positive_int):
        try:
            result = check(value, "step_size")
        except (ValueError, TypeError) as error:
            _assert_names(error, "step_size")
        else:
            assert result > 0 and math.isfinite(result)


@PROPERTY_SETTINGS
@given(
    X=st.one_of(anything, _float_matrices.map(lambda a: a[:, :2] if a.ndim == 2 else a)),
    y=st.one_of(anything, st.lists(st.sampled_from([-1.0, 1.0]), min_size=1, max_size=5)),
    as_tensor=st.booleans(),
)
def test_torch_fit_only_raises_named_errors(X, y, as_tensor):
    torch = pytest.importorskip("torch")
    from svmkit.torch import LinearSVM, fit

    if as_tensor:
        # Tensors take a different validation path in fit; convert whatever torch accepts.
        try:
            X = torch.as_tensor(X)
        except Exception:  # torch refuses many of these inputs; keep the original
            pass
    try:
        history = fit(LinearSVM(2), X, y, loss="hinge", epochs=1, batch_size=4, progress=False)
    except (ValueError, TypeError) as error:
        _assert_names(error, "X", "y")
        return
    assert len(history["loss"]) == 1


_FIT_ARGUMENTS = ["epochs", "batch_size", "lr", "optimizer", "weight_decay", "lr_decay", "seed"]


@PROPERTY_SETTINGS
@given(name=st.sampled_from(_FIT_ARGUMENTS), value=st.one_of(_scalars, _nested))
def test_torch_fit_arguments_only_raise_named_errors(name, value):
    torch = pytest.importorskip("torch")
    from svmkit.torch import LinearSVM, fit

    if name == "epochs" and isinstance(value, int) and value > 3:
        value = 3  # valid but slow; the interesting cases are the invalid ones
    X = torch.tensor([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0]])
    try:
        fit(LinearSVM(2), X, [1, -1, 1], loss="hinge", progress=False, **{name: value})
    except (ValueError, TypeError) as error:
        _assert_names(error, name)


# --- unit tests ----------------------------------------------------------------------------------


def test_check_array_dtypes_and_copies():
    float32 = np.ones((2, 2), dtype=np.float32)
    assert check_array(float32) is float32  # no copy when nothing to do
    assert check_array([[1, 2]]).dtype == np.float64
    assert check_array(np.array([[True, False]])).dtype == np.float64
    assert check_array(np.array([[1, 2.5]], dtype=object)).dtype == np.float64
    assert check_array([[1, 2]], dtype=None).dtype.kind == "i"
    assert check_array(np.zeros((0, 3)), allow_empty=True).shape == (0, 3)
    assert check_array(np.zeros((2, 3, 4)), ndim=None).shape == (2, 3, 4)


def test_check_array_accepts_tensors():
    torch = pytest.importorskip("torch")
    tensor = torch.ones(3, 2, requires_grad=True)
    array = check_array(tensor)
    assert isinstance(array, np.ndarray) and array.dtype == np.float32


@pytest.mark.parametrize(
    ("value", "error", "match"),
    [
        ("abc", TypeError, "X must be array-like"),
        ([["a", "b"]], TypeError, "X must contain real numbers"),
        ([[object()]], TypeError, "X must contain numbers only"),
        ([[1 + 2j]], TypeError, "X must contain real numbers"),
        ([[1.0, 2.0], [3.0]], ValueError, "X could not be converted"),
        ([1.0, 2.0], ValueError, r"X must be 2-dimensional.*reshape"),
        (np.zeros((2, 2, 2)), ValueError, "X must be 2-dimensional"),
        (np.zeros((0, 2)), ValueError, "X is empty"),
        ([[]], ValueError, "X is empty"),
        ([[np.nan]], ValueError, "X contains NaN or infinity"),
        ([[np.inf, 0.0]], ValueError, "X contains NaN or infinity"),
        ([[10**400]], TypeError, "X"),
    ],
)
def test_check_array_errors(value, error, match):
    with pytest.raises(error, match=match):
        check_array(value)


def test_check_X_y():
    _, y = check_X_y([[0.0], [1.0]], [[1], [0]])
    assert y.tolist() == [1, 0]
    with pytest.raises(ValueError, match="y has 3 labels but X has 2 samples"):
        check_X_y([[0.0], [1.0]], [1, 0, 1])
    with pytest.raises(ValueError, match="y contains NaN"):
        check_X_y([[0.0], [1.0]], [1.0, np.nan])
    with pytest.raises(TypeError, match="y must contain real numbers"):
        check_X_y([[0.0], [1.0]], ["a", "b"])


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        ([-1, 1, 1], [-1.0, 1.0, 1.0]),
        ([0, 1, 0], [-1.0, 1.0, -1.0]),
        ([True, False], [1.0, -1.0]),
        (np.array([[1.0], [-1.0]]), [1.0, -1.0]),
    ],
)
def test_as_signed_labels(labels, expected):
    assert as_signed_labels(labels).tolist() == expected


@pytest.mark.parametrize(
    ("labels", "match"),
    [
        ([0, 1, 2], "y must hold two classes"),
        ([-1, 0, 1], "y must hold two classes"),
        ([0.5, 1.0], "y must hold two classes"),
        ([1, 1, 1], "y has a single class"),
        ([0, 0], "y has a single class"),
        ([], "y is empty"),
    ],
)
def test_as_signed_labels_errors(labels, match):
    with pytest.raises(ValueError, match=match):
        as_signed_labels(labels)


def test_scalar_checks():
    assert check_positive(2, "lr") == 2.0
    assert check_positive_int(np.int64(3), "epochs") == 3
    assert check_choice("adam", "optimizer", ("sgd", "adam")) == "adam"
    with pytest.raises(TypeError, match="lr must be a real number"):
        check_positive("0.1", "lr")
    with pytest.raises(TypeError, match="lr"):
        check_positive(True, "lr")
    with pytest.raises(ValueError, match="lr must be a finite number > 0"):
        check_positive(float("nan"), "lr")
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        check_positive_int(0, "epochs")
    with pytest.raises(TypeError, match="epochs must be an integer"):
        check_positive_int(1.0, "epochs")
    with pytest.raises(ValueError, match="optimizer must be one of 'sgd', 'adam'; got 'lbfgs'"):
        check_choice("lbfgs", "optimizer", ("sgd", "adam"))
    with pytest.raises(ValueError, match="optimizer"):
        check_choice(np.ones(2), "optimizer", ("sgd", "adam"))
    with pytest.raises(ValueError, match="optimizer"):
        check_choice([], "optimizer", {"sgd", "adam"})
