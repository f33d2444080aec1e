"""svmkit.keras layers and callbacks: numpy reference, weights, validation, saving, training."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest

from svmkit import kernels
from svmkit.keras import (
    CallbackAdapter,
    Hinge,
    LinearSVM,
    MulticlassHinge,
    RandomFourierFeatures,
    as_keras_callback,
    featurize,
)

X3 = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")


def numpy_of(tensor) -> np.ndarray:
    return keras.ops.convert_to_numpy(tensor)


def separable_blobs(n: int = 40) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    y = np.where(np.arange(n) % 2 == 0, 1.0, -1.0).astype("float32")
    X = rng.normal(scale=0.4, size=(n, 2)) + 2.0 * y[:, None]
    return X.astype("float32"), y


# --- RandomFourierFeatures --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kernel", "orthogonal", "scale"),
    [
        ("gaussian", False, None),
        ("gaussian", True, 0.7),
        ("laplacian", False, 2.0),
        ("cauchy", False, None),
    ],
)
def test_rff_equals_numpy_reference(kernel, orthogonal, scale):
    layer = RandomFourierFeatures(
        64, kernel=kernel, sigma=scale, orthogonal=orthogonal, seed=3
    )
    phi = numpy_of(layer(X3))
    omega = kernels.sample_frequencies(3, 64, kernel=kernel, orthogonal=orthogonal, seed=3)
    beta = kernels.sample_phases(64, seed=3)
    sigma = kernels.default_scale(3, kernel) if scale is None else scale
    expected = kernels.random_fourier_features(X3, omega, beta, sigma)
    np.testing.assert_allclose(numpy_of(layer.omega), omega, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(numpy_of(layer.sigma), [sigma], rtol=1e-6)
    np.testing.assert_allclose(phi, expected, atol=1e-5)


def test_rff_weights_shapes_and_trainability():
    frozen = RandomFourierFeatures(8, seed=0)
    frozen.build((None, 3))
    shapes = {w.name: tuple(w.shape) for w in frozen.weights}
    assert shapes == {"omega": (3, 8), "beta": (8,), "sigma": (1,)}
    assert frozen.trainable_weights == []
    beta = numpy_of(frozen.beta)
    assert ((beta >= 0) & (beta < 2 * math.pi)).all()

    learned = RandomFourierFeatures(8, trainable=True, seed=0)
    learned.build((None, 3))
    assert [w.name for w in learned.trainable_weights] == ["sigma"]
    assert isinstance(learned.sigma.constraint, keras.constraints.NonNeg)
    # As in tf.keras, the layer flag governs σ while Ω and β stay frozen.
    frozen.trainable = True
    assert [w.name for w in frozen.trainable_weights] == ["sigma"]


def test_rff_default_sigma_follows_tf_keras():
    for kernel, expected in [("gaussian", math.sqrt(6 / 2)), ("laplacian", 1.0), ("cauchy", 1.0)]:
        layer = RandomFourierFeatures(4, kernel=kernel, seed=0)
        layer.build((None, 6))
        assert float(numpy_of(layer.sigma)[0]) == pytest.approx(expected)


def test_rff_accepts_a_keras_initializer():
    initializer = keras.initializers.RandomNormal(stddev=2.0, seed=5)
    layer = RandomFourierFeatures(16, kernel=initializer, seed=1)
    layer.build((None, 3))
    assert float(numpy_of(layer.sigma)[0]) == 1.0
    assert numpy_of(layer.omega).std() > 1.0  # drawn by the initializer, not N(0, 1)
    restored = RandomFourierFeatures.from_config(layer.get_config())
    assert isinstance(restored.kernel, keras.initializers.RandomNormal)
    assert restored.kernel.stddev == 2.0


def test_rff_unseeded_layers_follow_keras_global_seed():
    def draw() -> np.ndarray:
        layer = RandomFourierFeatures(8)
        layer.build((None, 2))
        return numpy_of(layer.omega)

    keras.utils.set_random_seed(11)
    first, second = draw(), draw()
    keras.utils.set_random_seed(11)
    np.testing.assert_array_equal(draw(), first)
    assert not np.array_equal(first, second)


def test_rff_output_shape_and_symbolic_use():
    layer = RandomFourierFeatures(5, seed=0)
    assert layer.compute_output_shape((None, 3)) == (None, 5)
    assert layer.compute_output_shape((7, 2, 3)) == (7, 2, 5)
    inputs = keras.Input((3,))
    assert tuple(layer(inputs).shape) == (None, 5)
    with pytest.raises(ValueError):
        layer(np.zeros((2, 4), dtype="float32"))  # built for 3 features
    integers = np.arange(6).reshape(2, 3)
    np.testing.assert_allclose(
        numpy_of(layer(integers)), numpy_of(layer(integers.astype("float32"))), atol=1e-6
    )


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"output_dim": 0}, "output_dim"),
        ({"output_dim": -3}, "output_dim"),
        ({"output_dim": 4, "sigma": 0.0}, "sigma"),
        ({"output_dim": 4, "sigma": -1.0}, "sigma"),
        ({"output_dim": 4, "kernel": "rbf"}, "kernel"),
        ({"output_dim": 4, "kernel": 3}, "kernel"),
        ({"output_dim": 4, "kernel": "laplacian", "orthogonal": True}, "orthogonal"),
        ({"output_dim": 4, "seed": -1}, "seed"),
    ],
)
def test_rff_bad_arguments_raise_value_errors_naming_them(kwargs, name):
    with pytest.raises(ValueError, match=name):
        RandomFourierFeatures(**kwargs)


def test_rff_get_config_round_trips():
    layer = RandomFourierFeatures(
        12, kernel="cauchy", sigma=0.5, trainable=True, seed=4, name="phi"
    )
    config = layer.get_config()
    restored = RandomFourierFeatures.from_config(config)
    assert restored.get_config() == config
    assert config["output_dim"] == 12 and config["trainable"] is True
    np.testing.assert_array_equal(numpy_of(restored(X3)), numpy_of(layer(X3)))


# --- LinearSVM --------------------------------------------------------------------------------


def test_linear_svm_is_dense_without_activation():
    svm = LinearSVM(units=3)
    svm.build((None, 4))
    assert tuple(svm.kernel.shape) == (4, 3) and tuple(svm.bias.shape) == (3,)
    rng = np.random.default_rng(2)
    W, b = rng.normal(size=(4, 3)), rng.normal(size=3)
    svm.set_weights([W, b])
    X = rng.normal(size=(5, 4)).astype("float32")
    np.testing.assert_allclose(numpy_of(svm(X)), X @ W + b, atol=1e-5)
    assert svm.compute_output_shape((None, 4)) == (None, 3)
    no_bias = LinearSVM(2, use_bias=False)
    no_bias.build((None, 4))
    assert no_bias.bias is None and [w.name for w in no_bias.weights] == ["kernel"]


def test_linear_svm_l2_penalises_weights_but_never_bias():
    svm = LinearSVM(units=2, l2=0.25)
    svm.build((None, 3))
    W = np.arange(6, dtype="float32").reshape(3, 2)
    svm.set_weights([W, np.array([10.0, -10.0])])
    svm(np.zeros((1, 3), dtype="float32"))
    assert len(svm.losses) == 1
    assert float(numpy_of(svm.losses[0])) == pytest.approx(0.25 * float(np.sum(W**2)))
    unregularised = LinearSVM(units=2)
    unregularised.build((None, 3))
    assert unregularised.losses == []


def test_linear_svm_margin_width():
    svm = LinearSVM()
    svm.build((None, 2))
    assert svm.margin_width() == math.inf  # zero start, like svmkit.torch.LinearSVM
    svm.set_weights([np.array([[3.0], [4.0]]), np.zeros(1)])
    assert svm.margin_width() == pytest.approx(0.4)
    multi = LinearSVM(3)
    multi.build((None, 2))
    with pytest.raises(ValueError, match="units"):
        multi.margin_width()


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"units": 0}, "units"), ({"units": -2}, "units"), ({"l2": -0.1}, "l2")],
)
def test_linear_svm_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        LinearSVM(**kwargs)


def test_linear_svm_get_config_round_trips():
    svm = LinearSVM(units=4, l2=0.01, use_bias=False, name="head")
    restored = LinearSVM.from_config(svm.get_config())
    assert restored.get_config() == svm.get_config()
    assert restored.l2 == 0.01 and restored.units == 4 and not restored.use_bias


# --- models: fit, trainable scale, saving ----------------------------------------------------


def test_fit_separates_separable_data():
    X, y = separable_blobs()
    model = keras.Sequential([keras.Input((2,)), LinearSVM(l2=1e-3)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=Hinge())
    model.fit(X, y, epochs=8, batch_size=20, verbose=0)
    z = model.predict(X, verbose=0)[:, 0]
    assert np.mean(np.sign(z) == y) == 1.0


def test_trainable_scale_moves_and_frozen_weights_stay():
    X, y = separable_blobs()
    features = RandomFourierFeatures(32, sigma=3.0, trainable=True, seed=0)
    frozen = RandomFourierFeatures(32, sigma=3.0, seed=0)
    for layer in (features, frozen):
        model = keras.Sequential([keras.Input((2,)), layer, LinearSVM()])
        model.compile(optimizer=keras.optimizers.Adam(0.05), loss=Hinge())
        before = [numpy_of(w).copy() for w in (layer.omega, layer.beta)]
        model.fit(X, y, epochs=2, batch_size=20, verbose=0)
        np.testing.assert_array_equal(numpy_of(layer.omega), before[0])
        np.testing.assert_array_equal(numpy_of(layer.beta), before[1])
    assert float(numpy_of(features.sigma)[0]) != pytest.approx(3.0, abs=1e-3)
    assert float(numpy_of(frozen.sigma)[0]) == 3.0


def test_model_save_and_load_give_identical_predictions(tmp_path):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(30, 3)).astype("float32")
    y = rng.integers(0, 3, size=30)
    model = keras.Sequential(
        [
            keras.Input((3,)),
            RandomFourierFeatures(16, sigma=1.0, trainable=True),
            RandomFourierFeatures(8, kernel="laplacian"),  # frozen, unseeded
            LinearSVM(3, l2=1e-3),
        ]
    )
    model.compile(optimizer="adam", loss=MulticlassHinge("crammer_singer"))
    model.fit(X, y, epochs=2, batch_size=10, verbose=0)
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
    assert isinstance(loaded.loss, MulticlassHinge) and loaded.loss.kind == "crammer_singer"
    assert [w.name for w in loaded.trainable_weights] == ["sigma", "kernel", "bias"]
    assert loaded.layers[1].get_config() == model.layers[1].get_config()


# --- callbacks and featurize -----------------------------------------------------------------


class Recorder:
    """A torch-style callback without on_train_begin: missing hooks must be skipped."""

    def __init__(self) -> None:
        self.events: list[tuple] = []

    def on_batch_end(self, step, logs):
        self.events.append(("batch", step, type(logs["loss"]), logs["model"]))

    def on_epoch_end(self, epoch, logs):
        self.events.append(("epoch", epoch, type(logs["loss"]), logs["model"]))

    def on_train_end(self, logs):
        self.events.append(("end", None, type(logs["loss"]), logs["model"]))


def test_callback_adapter_forwards_torch_style_hooks():
    X, y = separable_blobs(12)
    model = keras.Sequential([keras.Input((2,)), LinearSVM()])
    model.compile(optimizer="sgd", loss=Hinge())
    recorder = Recorder()
    model.fit(X, y, epochs=2, batch_size=4, verbose=0, callbacks=[as_keras_callback(recorder)])
    kinds = [(kind, index) for kind, index, _, _ in recorder.events]
    assert kinds == [
        ("batch", 0),
        ("batch", 1),
        ("batch", 2),
        ("epoch", 0),
        ("batch", 3),
        ("batch", 4),
        ("batch", 5),
        ("epoch", 1),
        ("end", None),
    ]
    assert all(loss_type is float and m is model for _, _, loss_type, m in recorder.events)


def test_as_keras_callback_passes_keras_callbacks_through():
    stopper = keras.callbacks.EarlyStopping()
    assert as_keras_callback(stopper) is stopper
    adapter = CallbackAdapter(Recorder())
    assert as_keras_callback(adapter) is adapter


def test_featurize_is_chunked_and_matches_a_single_call():
    X = np.random.default_rng(4).normal(size=(1001, 3))  # float64 in, float32 out
    layer = RandomFourierFeatures(24, seed=0)
    phi = featurize(layer, X, batch_size=100)
    assert phi.shape == (1001, 24) and phi.dtype == np.float32
    np.testing.assert_allclose(phi, numpy_of(layer(X.astype("float32"))), atol=1e-6)
    model = keras.Sequential([keras.Input((3,)), layer, LinearSVM(2)])
    assert featurize(model, X[:5]).shape == (5, 2)
    with pytest.raises(ValueError, match="batch_size"):
        featurize(layer, X, batch_size=0)
    with pytest.raises(ValueError, match="X"):
        featurize(layer, np.array([[np.nan, 0.0, 0.0]]))
