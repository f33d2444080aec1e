"""Values of the twins' layers and losses that mutation testing found unchecked (issue 14).

The label rule (0 means −1), the (n, 1) label column of the multiclass loss, the dtype of a
loss, the defaults of ``rff_svm``, the clamp of a trainable σ and the margin 2/‖w‖.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from svmkit.torch import LinearSVM, RandomFourierFeatures, rff_svm  # noqa: E402
from svmkit.torch.losses import (  # noqa: E402
    hinge_loss,
    multiclass_hinge_loss,
    squared_hinge_loss,
)

Z = torch.tensor([2.0, 0.5, -0.25, -3.0])


@pytest.mark.parametrize("loss", [hinge_loss, squared_hinge_loss])
def test_torch_zero_labels_mean_minus_one(loss):
    signed = torch.tensor([1.0, -1.0, 1.0, -1.0])
    zero_one = torch.tensor([1, 0, 1, 0])
    assert loss(Z, zero_one).item() == pytest.approx(loss(Z, signed).item(), rel=1e-7)
    # by hand: margins 2, −0.5, −0.25, 3 → hinge 0, 1.5, 1.25, 0
    expected = [0.0, 1.5, 1.25, 0.0]
    if loss is squared_hinge_loss:
        expected = [value**2 for value in expected]
    assert loss(Z, zero_one).item() == pytest.approx(float(np.mean(expected)), rel=1e-7)


def test_torch_loss_keeps_the_dtype_of_the_scores():
    y = torch.tensor([1.0, -1.0, 1.0, -1.0], dtype=torch.float64)
    assert hinge_loss(Z, y).dtype == torch.float32
    assert hinge_loss(Z.double(), y.float()).dtype == torch.float64


@pytest.mark.parametrize("kind", ["ovr", "squared_ovr", "crammer_singer"])
def test_torch_multiclass_accepts_a_label_column(kind):
    z = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.3, 0.2], [-1.0, 2.0, 0.5]])
    y = torch.tensor([0, 2, 1])
    column = multiclass_hinge_loss(z, y[:, None], kind=kind)
    assert column.item() == multiclass_hinge_loss(z, y, kind=kind).item()
    assert column.item() != multiclass_hinge_loss(z, torch.tensor([1, 0, 2]), kind=kind).item()


def test_margin_width_is_two_over_the_norm():
    svm = LinearSVM(2)
    with torch.no_grad():
        svm.weight.copy_(torch.tensor([[0.6, 0.8]]))  # ‖w‖ = 1
        svm.weight.mul_(4.0)  # ‖w‖ = 4
    assert svm.margin_width() == pytest.approx(0.5)


def test_linear_svm_honours_dtype():
    svm = LinearSVM(3, 2, dtype=torch.float64)
    assert svm.weight.dtype == svm.bias.dtype == torch.float64


def test_forward_message_names_the_feature_axis():
    layer = RandomFourierFeatures(3, 8, seed=0)
    with pytest.raises(ValueError, match=r"^x has 5 features but the layer expects in_features=3$"):
        layer(torch.zeros(2, 4, 5))
    assert layer(torch.zeros(2, 4, 3)).shape == (2, 4, 8)


def test_trainable_sigma_is_clamped_at_one_millionth_only():
    X = torch.randn(4, 2, generator=torch.Generator().manual_seed(0))
    layer = RandomFourierFeatures(2, 16, sigma=0.5, trainable=True, seed=0)
    fixed = RandomFourierFeatures(2, 16, sigma=0.5, seed=0)
    torch.testing.assert_close(layer(X), fixed(X))  # 0.5 is not clamped
    with torch.no_grad():
        layer.sigma.fill_(-2.0)
    tiny = RandomFourierFeatures(2, 16, sigma=1e-6, seed=0)
    torch.testing.assert_close(layer(X), tiny(X))


def test_torch_feature_options_reach_the_layer():
    X = torch.randn(3, 2, generator=torch.Generator().manual_seed(0))
    plain = RandomFourierFeatures(2, 8, sigma=1.5, seed=0, normalize=False)
    expected = torch.cos(X @ plain.omega / 1.5 + plain.beta)
    torch.testing.assert_close(plain(X), expected)
    double = RandomFourierFeatures(2, 8, seed=0, dtype=torch.float64)
    assert double.omega.dtype == double.beta.dtype == double.sigma.dtype == torch.float64


def test_torch_unseeded_layers_draw_distinct_seeds():
    seeds = {RandomFourierFeatures(2, 4).seed for _ in range(40)}
    assert len(seeds) == 40 and max(seeds) > 2**40


def test_rff_svm_defaults_and_pass_through():
    model = rff_svm(3, seed=4)
    assert model[0].output_dim == 1024 and model[1].out_features == 1
    assert model[0].trainable is False and model[0].orthogonal is False
    torch.testing.assert_close(model[0].omega, RandomFourierFeatures(3, 1024, seed=4).omega)
    other = rff_svm(3, n_classes=4, output_dim=8, trainable=True, orthogonal=True, seed=1)
    assert other[1].out_features == 4 and other[0].output_dim == 8
    assert other[0].trainable is True and other[0].orthogonal is True
    assert isinstance(other[0].sigma, torch.nn.Parameter)
    with pytest.raises(ValueError, match=r"^n_classes must be a positive integer, got 0$"):
        rff_svm(3, n_classes=0)
    assert math.isclose(rff_svm(3, sigma=2.5, output_dim=4, seed=0)[0].sigma.item(), 2.5)


# ------------------------------------------------------------------------------ Keras losses


@pytest.fixture(scope="module")
def keras_losses():
    pytest.importorskip("keras")
    from svmkit.keras import losses

    return losses


def test_keras_one_sample_with_column_labels(keras_losses):
    y, z = np.array([[0.0]]), np.array([[0.25]])  # 0 means −1: margin −0.25
    per_sample = keras_losses.Hinge(reduction=None)(y, z)
    assert tuple(per_sample.shape) == (1,)
    assert float(keras_losses.hinge_loss(y, z)) == pytest.approx(1.25)
    assert float(keras_losses.squared_hinge_loss(np.array([0.0]), z)) == pytest.approx(1.5625)
    scores = np.array([[2.0, 0.5, -1.0]])
    for labels in (np.array([[0]]), np.array([0])):
        value = keras_losses.multiclass_hinge_loss(labels, scores, "ovr")
        assert float(value) == pytest.approx(0.5)  # (0 + 1.5 + 0) / 3
    per_class = keras_losses.MulticlassHinge(reduction=None)(np.array([[0]]), scores)
    assert tuple(per_class.shape) == (1,)


def test_keras_per_sample_values_of_every_loss(keras_losses):
    scores = np.array([[2.0, 0.5, -1.0], [0.0, 3.0, 1.0]])
    labels = np.array([0, 2])
    expected = {
        "ovr": [0.5, (1 + 4 + 0) / 3],  # t z: (2, −0.5, 1) and (0, −3, 1)
        "squared_ovr": [0.75, (1 + 16 + 0) / 3],
        "crammer_singer": [0.0, 3.0],  # max(0, 1 + 0.5 − 2), max(0, 1 + 3 − 1)
    }
    for kind, values in expected.items():
        got = keras_losses.MulticlassHinge(kind, reduction=None)(labels, scores)
        np.testing.assert_allclose(np.asarray(got), values, rtol=1e-6)


def test_keras_several_binary_columns_average_per_sample(keras_losses):
    y = np.array([[1.0, -1.0], [-1.0, -1.0], [1.0, 1.0]])
    z = np.array([[0.5, 0.5], [2.0, -2.0], [1.0, 3.0]])
    # margins (0.5, −0.5), (−2, 2), (1, 3) → hinge (0.5, 1.5), (3, 0), (0, 0)
    got = keras_losses.Hinge(reduction=None)(y, z)
    np.testing.assert_allclose(np.asarray(got), [1.0, 1.5, 0.0], rtol=1e-6)
    squared = keras_losses.SquaredHinge(reduction=None)(y, z)
    np.testing.assert_allclose(np.asarray(squared), [1.25, 4.5, 0.0], rtol=1e-6)


def test_keras_integer_scores_and_two_classes(keras_losses):
    assert float(keras_losses.hinge_loss(np.array([1, -1]), np.array([0, 2]))) == pytest.approx(2.0)
    scores = np.array([[1.0, -1.0], [0.5, 0.25]])
    by_index = keras_losses.multiclass_hinge_loss(np.array([0, 1]), scores, "crammer_singer")
    one_hot = keras_losses.multiclass_hinge_loss(np.eye(2)[[0, 1]], scores, "crammer_singer")
    assert float(by_index) == float(one_hot) == pytest.approx((0.0 + 1.25) / 2)


# ------------------------------------------------------------------------------ Keras layers


@pytest.fixture(scope="module")
def svk():
    pytest.importorskip("keras")
    import svmkit.keras

    return svmkit.keras


def test_keras_layers_take_a_sequence_axis(svk):
    X = np.random.default_rng(0).normal(size=(2, 4, 3)).astype("float32")
    rff = svk.RandomFourierFeatures(8, sigma=1.0, seed=0)
    phi = np.asarray(rff(X))
    assert phi.shape == (2, 4, 8)
    np.testing.assert_allclose(phi[1], np.asarray(rff(X[1])), rtol=1e-5, atol=1e-6)
    svm = svk.LinearSVM(2)
    assert tuple(svm(X).shape) == (2, 4, 2)
    assert svm.compute_output_shape((None, 4, 3)) == (None, 4, 2)
    assert rff.compute_output_shape((None, 4, 3)) == (None, 4, 8)


@pytest.mark.parametrize("layer", ["rff", "svm"])
def test_keras_layers_check_their_input_after_build(svk, layer):
    built = svk.RandomFourierFeatures(8, seed=0) if layer == "rff" else svk.LinearSVM(1)
    built(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 3"):
        built(np.zeros((2, 5), "float32"))
    with pytest.raises(ValueError, match="expected min_ndim=2, found ndim=1"):
        built(np.zeros(3, "float32"))


def test_keras_layers_cast_integer_inputs(svk):
    ints = np.array([[1, 2]])
    assert svk.LinearSVM(1)(ints).dtype == svk.RandomFourierFeatures(4, seed=0)(ints).dtype
    assert "float32" in str(svk.LinearSVM(1)(ints).dtype)


def test_keras_plain_cosines_and_the_phase_range_of_a_seeded_initializer(svk):
    import keras

    layer = svk.RandomFourierFeatures(
        2048, kernel=keras.initializers.RandomNormal(seed=7), sigma=2.0, seed=7, normalize=False
    )
    X = np.random.default_rng(0).normal(size=(3, 2)).astype("float32")
    phi = np.asarray(layer(X))
    omega, beta = np.asarray(layer.omega), np.asarray(layer.beta)
    np.testing.assert_allclose(phi, np.cos(X @ omega / 2.0 + beta), rtol=0, atol=2e-6)
    assert beta.min() < 0.02 and beta.max() > 2 * np.pi - 0.02  # the whole [0, 2π)


def test_keras_only_sigma_can_learn(svk):
    layer = svk.RandomFourierFeatures(8, sigma=1.0, trainable=True, seed=0)
    layer.build((None, 3))
    assert [weight.name for weight in layer.trainable_weights] == ["sigma"]
    assert {weight.name for weight in layer.non_trainable_weights} == {"omega", "beta"}


def test_keras_config_is_json_and_keeps_the_initializers(svk):
    import json

    import keras

    layer = svk.RandomFourierFeatures(8, kernel=keras.initializers.RandomNormal(stddev=3.0))
    config = json.loads(json.dumps(layer.get_config()))
    again = svk.RandomFourierFeatures.from_config(config)
    assert isinstance(again.kernel, keras.initializers.RandomNormal)
    assert again.kernel.stddev == 3.0
    svm = svk.LinearSVM(2, kernel_initializer="ones", bias_initializer="ones")
    restored = svk.LinearSVM.from_config(json.loads(json.dumps(svm.get_config())))
    restored.build((None, 3))
    np.testing.assert_array_equal(np.asarray(restored.kernel), np.ones((3, 2)))
    np.testing.assert_array_equal(np.asarray(restored.bias), np.ones(2))


def test_keras_losses_keep_float64_scores(keras_losses):
    import keras

    z = np.array([0.5, -2.0, 1.0])  # float64
    y = np.array([1.0, -1.0, 0.0])
    for value in (keras_losses.hinge_loss(y, z), keras_losses.squared_hinge_loss(y, z)):
        assert keras.backend.standardize_dtype(value.dtype) == "float64"
    ints = keras_losses.hinge_loss(y, np.array([1, -2, 1]))
    assert keras.backend.standardize_dtype(ints.dtype) == keras.backend.floatx()


def test_keras_layers_compute_in_their_dtype(svk):
    import keras

    x = np.random.default_rng(0).normal(size=(2, 3))
    for layer in (svk.LinearSVM(1, dtype="float64"), svk.RandomFourierFeatures(4, dtype="float64")):
        out = layer(x.astype("float32"))
        assert keras.backend.standardize_dtype(out.dtype) == "float64"
