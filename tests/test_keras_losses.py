"""svmkit.keras.losses: hand-computed values, agreement with keras built-ins, serialisation."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from svmkit.keras import (
    Hinge,
    MulticlassHinge,
    SquaredHinge,
    hinge_loss,
    multiclass_hinge_loss,
    squared_hinge_loss,
)

RNG = np.random.default_rng(0)
Y_SIGNED = np.array([1.0, -1.0, 1.0, -1.0], dtype="float32")
Z = np.array([2.0, 0.5, 0.25, -3.0], dtype="float32")


def value(tensor) -> float:
    return float(keras.ops.convert_to_numpy(tensor))


def test_hinge_matches_hand_computation():
    # margins y·z = 2, −0.5, 0.25, 3 → hinge 0, 1.5, 0.75, 0
    assert value(hinge_loss(Y_SIGNED, Z)) == pytest.approx((1.5 + 0.75) / 4)
    assert value(squared_hinge_loss(Y_SIGNED, Z)) == pytest.approx((1.5**2 + 0.75**2) / 4)


def test_binary_losses_accept_column_vectors_and_zero_one_labels():
    expected = value(hinge_loss(Y_SIGNED, Z))
    zero_one = (Y_SIGNED > 0).astype("float32")
    assert value(hinge_loss(Y_SIGNED[:, None], Z[:, None])) == pytest.approx(expected)
    assert value(hinge_loss(Y_SIGNED, Z[:, None])) == pytest.approx(expected)
    assert value(hinge_loss(zero_one, Z)) == pytest.approx(expected)
    assert value(squared_hinge_loss(zero_one[:, None], Z)) == pytest.approx(
        value(squared_hinge_loss(Y_SIGNED, Z))
    )


def test_binary_losses_equal_keras_builtins():
    y = RNG.choice([-1.0, 1.0], size=(64, 1)).astype("float32")
    z = RNG.normal(size=(64, 1)).astype("float32")
    keras_hinge = np.mean(keras.ops.convert_to_numpy(keras.losses.hinge(y, z)))
    keras_squared = np.mean(keras.ops.convert_to_numpy(keras.losses.squared_hinge(y, z)))
    assert value(hinge_loss(y, z)) == pytest.approx(keras_hinge, abs=1e-6)
    assert value(squared_hinge_loss(y, z)) == pytest.approx(keras_squared, abs=1e-6)
    assert value(Hinge()(y, z)) == pytest.approx(keras_hinge, abs=1e-6)
    assert value(SquaredHinge()(y, z)) == pytest.approx(keras_squared, abs=1e-6)


def test_multiclass_matches_hand_computation():
    z = np.array([[2.0, -1.0, 0.5], [0.0, 0.2, -0.4]], dtype="float32")
    y = np.array([0, 2])
    # Sample 0 (class 0): ovr terms max(0, 1−2)=0, max(0, 1−1)=0, max(0, 1+0.5)=1.5.
    # Sample 1 (class 2): 1+0=1, 1+0.2=1.2, 1−(−0.4)=1.4.
    ovr = ([0.0, 0.0, 1.5], [1.0, 1.2, 1.4])
    assert value(multiclass_hinge_loss(y, z, "ovr")) == pytest.approx(np.mean(ovr))
    assert value(multiclass_hinge_loss(y, z, "squared_ovr")) == pytest.approx(
        np.mean(np.square(ovr))
    )
    # Crammer–Singer: max(0, 1 + 0.5 − 2) = 0 and max(0, 1 + 0.2 + 0.4) = 1.6.
    assert value(multiclass_hinge_loss(y, z, "crammer_singer")) == pytest.approx(0.8)


@pytest.mark.parametrize(
    ("kind", "builtin"),
    [
        ("ovr", keras.losses.hinge),
        ("squared_ovr", keras.losses.squared_hinge),
        ("crammer_singer", keras.losses.categorical_hinge),
    ],
)
def test_multiclass_equals_keras_builtins_on_one_hot_targets(kind, builtin):
    n, k = 50, 4
    y = RNG.integers(0, k, size=n)
    z = RNG.normal(size=(n, k)).astype("float32")
    # categorical_hinge compares with max(0, best wrong score); make that score ≥ 0 so both agree.
    wrong = (y + 1) % k
    z[np.arange(n), wrong] = np.abs(z[np.arange(n), wrong])
    one_hot = np.eye(k, dtype="float32")[y]
    expected = float(np.mean(keras.ops.convert_to_numpy(builtin(one_hot, z))))
    assert value(multiclass_hinge_loss(y, z, kind)) == pytest.approx(expected, abs=1e-6)
    assert value(multiclass_hinge_loss(one_hot, z, kind)) == pytest.approx(expected, abs=1e-6)
    assert value(MulticlassHinge(kind)(y[:, None], z)) == pytest.approx(expected, abs=1e-6)


def test_crammer_singer_ignores_the_true_class_unlike_categorical_hinge():
    # Every wrong class scores below 0: Crammer–Singer uses max_{k≠y} z_k = −1, keras uses 0.
    z = np.array([[0.5, -1.0, -2.0]], dtype="float32")
    y = np.array([0])
    assert value(multiclass_hinge_loss(y, z, "crammer_singer")) == pytest.approx(0.0)
    keras_value = keras.ops.convert_to_numpy(keras.losses.categorical_hinge(np.eye(3)[y], z))
    assert float(keras_value[0]) == pytest.approx(0.5)


def test_loss_objects_apply_sample_weight_and_reduction():
    weights = np.array([1.0, 0.0, 1.0, 0.0], dtype="float32")
    per_sample = np.maximum(0.0, 1.0 - Y_SIGNED * Z)
    assert value(Hinge()(Y_SIGNED, Z, sample_weight=weights)) == pytest.approx(
        np.sum(per_sample * weights) / 4
    )
    summed = Hinge(reduction="sum")(Y_SIGNED, Z)
    assert value(summed) == pytest.approx(per_sample.sum())
    unreduced = keras.ops.convert_to_numpy(SquaredHinge(reduction="none")(Y_SIGNED, Z))
    np.testing.assert_allclose(unreduced, per_sample**2, rtol=1e-6)


@pytest.mark.parametrize(
    "loss", [Hinge(), SquaredHinge(name="sq"), MulticlassHinge("crammer_singer", reduction="sum")]
)
def test_loss_config_round_trips_through_keras_serialisation(loss):
    restored = keras.losses.deserialize(keras.losses.serialize(loss))
    assert type(restored) is type(loss)
    assert restored.get_config() == loss.get_config()


def test_bad_arguments_raise_value_errors_naming_them():
    with pytest.raises(ValueError, match="kind"):
        multiclass_hinge_loss(np.array([0]), np.zeros((1, 3)), kind="hinge")
    with pytest.raises(ValueError, match="kind"):
        MulticlassHinge(kind="one_vs_one")
    with pytest.raises(ValueError, match="y_pred"):
        multiclass_hinge_loss(np.array([0, 1]), np.zeros(2))
    with pytest.raises(ValueError, match="y_true"):
        multiclass_hinge_loss(np.zeros((2, 2, 2)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="same shape"):
        hinge_loss(np.ones((2, 3, 1)), np.ones(2))
