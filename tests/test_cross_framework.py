"""PyTorch ⇄ Keras (TensorFlow backend, in-process): same weights and inputs, same numbers.

The other Keras backends (torch, jax) are checked in subprocesses by test_keras_backends.py.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import torch

import svmkit.keras as svm_keras
import svmkit.torch as svm_torch

TOLERANCE = 1e-5
RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 3)).astype("float32")
Y_BINARY = np.where(X[:, 0] * X[:, 1] > 0, 1.0, -1.0).astype("float32")
Y_CLASSES = (np.digitize(X[:, 0], [-0.5, 0.5])).astype("int64")  # 3 classes


def keras_numpy(tensor) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(tensor), dtype=np.float64)


def torch_numpy(tensor: torch.Tensor) -> np.ndarray:
    return tensor.detach().numpy().astype(np.float64)


def paired_linear_svms(units: int, seed: int = 0) -> tuple[torch.nn.Module, keras.layers.Layer]:
    """A torch LinearSVM with random weights and a Keras LinearSVM holding the same numbers."""
    torch_svm = svm_torch.LinearSVM(X.shape[1], units)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        torch_svm.weight.copy_(torch.randn(torch_svm.weight.shape, generator=generator))
        torch_svm.bias.copy_(torch.randn(torch_svm.bias.shape, generator=generator))
    keras_svm = svm_keras.LinearSVM(units)
    keras_svm.build((None, X.shape[1]))
    # torch stores W as (out, in) for x Wᵀ; Keras as (in, out) for x W.
    keras_svm.set_weights([torch_numpy(torch_svm.weight).T, torch_numpy(torch_svm.bias)])
    return torch_svm, keras_svm


@pytest.mark.parametrize(
    ("kernel", "scale", "orthogonal"),
    [
        ("gaussian", None, False),
        ("gaussian", 0.8, True),
        ("laplacian", 1.5, False),
        ("cauchy", None, False),
    ],
)
def test_random_fourier_features_agree_for_the_same_seed(kernel, scale, orthogonal):
    torch_rff = svm_torch.RandomFourierFeatures(
        3, 128, kernel=kernel, sigma=scale, orthogonal=orthogonal, seed=7
    )
    keras_rff = svm_keras.RandomFourierFeatures(
        128, kernel=kernel, sigma=scale, orthogonal=orthogonal, seed=7
    )
    phi_torch = torch_numpy(torch_rff(torch.from_numpy(X)))
    phi_keras = keras_numpy(keras_rff(X))
    np.testing.assert_allclose(keras_numpy(keras_rff.omega), torch_numpy(torch_rff.omega))
    np.testing.assert_allclose(keras_numpy(keras_rff.beta), torch_numpy(torch_rff.beta))
    assert np.abs(phi_keras - phi_torch).max() < TOLERANCE


def test_binary_linear_svm_outputs_and_losses_agree():
    torch_svm, keras_svm = paired_linear_svms(units=1)
    z_torch = torch_svm(torch.from_numpy(X))
    z_keras = keras_svm(X)
    assert np.abs(keras_numpy(z_keras) - torch_numpy(z_torch)).max() < TOLERANCE
    y_torch = torch.from_numpy(Y_BINARY)
    pairs = [
        (svm_torch.hinge_loss(z_torch, y_torch), svm_keras.hinge_loss(Y_BINARY, z_keras)),
        (
            svm_torch.squared_hinge_loss(z_torch, y_torch),
            svm_keras.squared_hinge_loss(Y_BINARY, z_keras),
        ),
        (svm_torch.hinge_loss(z_torch, y_torch), svm_keras.Hinge()(Y_BINARY, z_keras)),
    ]
    for torch_loss, keras_loss in pairs:
        assert float(torch_loss.detach()) > 0.1  # the comparison is not between two zeros
        assert abs(float(torch_loss.detach()) - float(keras_numpy(keras_loss))) < TOLERANCE


@pytest.mark.parametrize("kind", ["ovr", "squared_ovr", "crammer_singer"])
def test_multiclass_losses_agree(kind):
    torch_svm, keras_svm = paired_linear_svms(units=3, seed=1)
    z_torch = torch_svm(torch.from_numpy(X))
    z_keras = keras_svm(X)
    assert np.abs(keras_numpy(z_keras) - torch_numpy(z_torch)).max() < TOLERANCE
    torch_loss = svm_torch.multiclass_hinge_loss(z_torch, torch.from_numpy(Y_CLASSES), kind)
    keras_loss = svm_keras.multiclass_hinge_loss(Y_CLASSES, z_keras, kind)
    keras_object = svm_keras.MulticlassHinge(kind)(Y_CLASSES, z_keras)
    assert float(torch_loss.detach()) > 0.1
    assert abs(float(torch_loss.detach()) - float(keras_numpy(keras_loss))) < TOLERANCE
    assert abs(float(torch_loss.detach()) - float(keras_numpy(keras_object))) < TOLERANCE


@pytest.mark.parametrize(
    ("loss", "keras_loss", "units", "y"),
    [
        ("hinge", svm_keras.Hinge(), 1, Y_BINARY),
        ("ovr", svm_keras.MulticlassHinge("ovr"), 3, Y_CLASSES),
    ],
)
def test_full_batch_training_follows_the_same_path(loss, keras_loss, units, y):
    """Five SGD steps from the same start (RFF with a learned σ, zero head, λ = 0.01)."""
    lr, l2, epochs = 0.5, 0.01, 5
    torch_model = torch.nn.Sequential(
        svm_torch.RandomFourierFeatures(3, 32, sigma=1.0, trainable=True, seed=2),
        svm_torch.LinearSVM(32, units),
    )
    svm_torch.fit(
        torch_model,
        X,
        y,
        loss=loss,
        epochs=epochs,
        batch_size=None,
        lr=lr,
        optimizer="sgd",
        weight_decay=l2,
        progress=False,
    )
    keras_model = keras.Sequential(
        [
            keras.Input((3,)),
            svm_keras.RandomFourierFeatures(32, sigma=1.0, trainable=True, seed=2),
            svm_keras.LinearSVM(units, l2=l2),
        ]
    )
    keras_model.compile(optimizer=keras.optimizers.SGD(lr), loss=keras_loss)
    keras_model.fit(X, y, epochs=epochs, batch_size=len(X), shuffle=False, verbose=0)

    rff, head = keras_model.layers
    assert abs(float(keras_numpy(rff.sigma)[0]) - 1.0) > 1e-4  # σ did move
    np.testing.assert_allclose(
        keras_numpy(rff.sigma)[0], float(torch_model[0].sigma.detach()), atol=TOLERANCE
    )
    np.testing.assert_allclose(
        keras_numpy(head.kernel), torch_numpy(torch_model[1].weight).T, atol=TOLERANCE
    )
    np.testing.assert_allclose(
        keras_numpy(head.bias), torch_numpy(torch_model[1].bias), atol=TOLERANCE
    )
    z_torch = torch_numpy(torch_model(torch.from_numpy(X)))
    assert np.abs(keras_numpy(keras_model(X)) - z_torch).max() < TOLERANCE


def test_keras_featurize_matches_torch_featurize():
    torch_rff = svm_torch.RandomFourierFeatures(3, 64, seed=5)
    keras_rff = svm_keras.RandomFourierFeatures(64, seed=5)
    phi_torch = svm_torch.featurize(torch_rff, X, batch_size=16)
    phi_keras = svm_keras.featurize(keras_rff, X, batch_size=16)
    assert np.abs(phi_keras - torch_numpy(phi_torch)).max() < TOLERANCE


def test_one_margin_animation_follows_training_in_both_frameworks():
    from svmkit.animate import MarginAnimation

    X2, y2 = X[:, :2], Y_BINARY
    torch_animation = MarginAnimation(X2, y2, every=2, resolution=16, live=False)
    torch_model = svm_torch.LinearSVM(2)
    svm_torch.fit(
        torch_model,
        X2,
        y2,
        loss="hinge",
        epochs=2,
        batch_size=10,
        callbacks=[torch_animation],
        progress=False,
        seed=0,
    )
    keras_animation = MarginAnimation(X2, y2, every=2, resolution=16, live=False)
    keras_model = keras.Sequential([keras.Input((2,)), svm_keras.LinearSVM()])
    keras_model.compile(optimizer="sgd", loss=svm_keras.Hinge())
    keras_model.fit(
        X2,
        y2,
        epochs=2,
        batch_size=10,
        verbose=0,
        callbacks=[svm_keras.as_keras_callback(keras_animation)],
    )
    # 8 batches: the start, every 2nd batch, and no extra final frame (batch 8 was drawn).
    assert torch_animation.frame_count == keras_animation.frame_count == 5
    assert keras_animation.model is keras_model and keras_animation.epoch == 2


def test_only_the_tf_keras_drop_in_defaults_to_plain_cosines():
    """The compat layer keeps tf.keras' cos(xΩ/σ + β); both twins add sqrt(2/D) by default."""
    from svmkit.keras.compat import RandomFourierFeatures as DropIn

    plain = keras_numpy(DropIn(64, seed=5)(X))
    normalized = keras_numpy(svm_keras.RandomFourierFeatures(64, seed=5)(X))
    torch_plain = torch_numpy(
        svm_torch.RandomFourierFeatures(3, 64, seed=5, normalize=False)(torch.from_numpy(X))
    )
    np.testing.assert_allclose(plain * np.sqrt(2 / 64), normalized, atol=1e-6)
    np.testing.assert_allclose(plain, torch_plain, atol=1e-5)
    assert np.abs(plain).max() <= 1.0 and np.abs(plain).max() > 0.9
    config = svm_keras.RandomFourierFeatures(8, normalize=False).get_config()
    assert config["normalize"] is False
    assert svm_keras.RandomFourierFeatures.from_config(config).normalize is False


def test_normalize_must_be_a_bool():
    with pytest.raises(TypeError, match="normalize"):
        svm_keras.RandomFourierFeatures(8, normalize="yes")
    with pytest.raises(TypeError, match="normalize"):
        svm_torch.RandomFourierFeatures(3, 8, normalize=1)
