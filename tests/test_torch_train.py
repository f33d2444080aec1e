"""fit / featurize / predict / device: behaviour, reproducibility, callbacks and error messages."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from svmkit.torch import (  # noqa: E402
    Callback,
    LinearSVM,
    RandomFourierFeatures,
    device,
    featurize,
    fit,
    hinge_loss,
    predict,
    rff_svm,
)

DEVICES = ["cpu", pytest.param("cuda", marks=pytest.mark.gpu)]

pytestmark = pytest.mark.usefixtures("torch_single_thread")


def _skip_without(device_name: str) -> None:
    if device_name == "cuda" and not torch.cuda.is_available():
        pytest.skip("CUDA is not available")


def _blobs(n: int = 120, d: int = 2, gap: float = 5.0, seed: int = 0):
    """Two Gaussian blobs centred at ±gap/2 on the first axis, labels ±1."""
    rng = np.random.default_rng(seed)
    y = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
    X = rng.normal(size=(n, d))
    X[:, 0] += y * gap / 2
    return X.astype(np.float32), y.astype(np.float32)


def _three_blobs(n: int = 150, seed: int = 0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    centres = np.array([[0.0, 3.0], [-3.0, -2.0], [3.0, -2.0]])
    X = centres[y] + rng.normal(scale=0.7, size=(n, 2))
    return X.astype(np.float32), y


@pytest.mark.parametrize("device_name", DEVICES)
def test_fit_separates_blobs(device_name):
    _skip_without(device_name)
    X, y = _blobs()
    model = LinearSVM(2)
    history = fit(
        model, X, y, loss="hinge", epochs=15, lr=0.1, device=device_name, progress=False, seed=0
    )
    assert type(history) is dict  # a plain dict of lists: keeping a History is Keras' idea
    assert set(history) == {"loss", "accuracy"}
    assert len(history["loss"]) == len(history["accuracy"]) == 15
    assert all(isinstance(v, float) for v in history["loss"])
    assert history["loss"][-1] < history["loss"][0]
    assert history["accuracy"][-1] >= 0.95
    assert model.weight.device.type == device_name
    z = predict(model, X)
    assert z.device.type == "cpu" and z.shape == (120,)
    assert ((z.numpy() > 0) == (y > 0)).mean() >= 0.95


@pytest.mark.parametrize("device_name", DEVICES)
@pytest.mark.parametrize("loss", ["ovr", "squared_ovr", "crammer_singer"])
def test_fit_multiclass(device_name, loss):
    _skip_without(device_name)
    X, y = _three_blobs()
    model = LinearSVM(2, 3)
    history = fit(model, X, y, loss=loss, epochs=20, lr=0.05, device=device_name, progress=False)
    assert history["accuracy"][-1] > 0.95
    scores = predict(model, X)
    assert scores.shape == (150, 3)
    assert (scores.argmax(1).numpy() == y).mean() > 0.95


@pytest.mark.parametrize("device_name", DEVICES)
def test_fit_rff_on_a_circle(device_name):
    _skip_without(device_name)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2)).astype(np.float32)
    y = np.where(np.linalg.norm(X, axis=1) > 1.1, 1, 0)  # {0, 1} labels are converted
    model = rff_svm(2, output_dim=256, sigma=0.5, seed=0)
    history = fit(
        model, X, y, loss="squared_hinge", epochs=30, lr=0.01, optimizer="adam",
        device=device_name, progress=False, seed=0,
    )  # fmt: skip
    assert history["accuracy"][-1] > 0.9
    assert model[0].omega.device.type == device_name


def test_seed_makes_runs_identical():
    X, y = _blobs()

    def run(seed):
        model = LinearSVM(2)
        fit(model, X, y, loss="hinge", epochs=3, batch_size=16, progress=False, seed=seed)
        return model.weight.detach().clone()

    assert torch.equal(run(1), run(1))
    assert not torch.equal(run(1), run(2))
    # seed=None uses torch's global generator.
    torch.manual_seed(5)
    first = run(None)
    torch.manual_seed(5)
    assert torch.equal(first, run(None))


def test_zero_one_labels_equal_signed_labels():
    X, y = _blobs()
    results = []
    for labels in (y, (y > 0).astype(int), y > 0, torch.from_numpy(y)):
        model = LinearSVM(2)
        fit(model, X, labels, loss="hinge", epochs=2, progress=False, seed=0)
        results.append(model.weight.detach().clone())
    for other in results[1:]:
        torch.testing.assert_close(other, results[0], rtol=0, atol=0)


def test_tensor_and_numpy_inputs_agree():
    X, y = _blobs()
    a, b = LinearSVM(2), LinearSVM(2)
    fit(a, X, y, loss="hinge", epochs=2, progress=False, seed=0)
    fit(b, torch.from_numpy(X).double(), y.tolist(), loss="hinge", epochs=2, progress=False, seed=0)
    torch.testing.assert_close(a.weight, b.weight)


def test_weight_decay_shrinks_weights_but_not_biases_or_scale():
    # A data loss of zero leaves only λ‖W‖²: one full-batch SGD step gives W ← (1 − 2 lr λ) W.
    model = rff_svm(2, output_dim=8, seed=0, trainable=True)
    with torch.no_grad():
        model[1].weight.fill_(1.0)
        model[1].bias.fill_(0.5)
    scale_before = model[0].sigma.item()
    X, y = _blobs(10)
    fit(
        model, X, y, loss=lambda z, t: 0.0 * z.sum(), epochs=1, batch_size=None, lr=0.1,
        weight_decay=0.5, progress=False,
    )  # fmt: skip
    torch.testing.assert_close(model[1].weight, torch.full((1, 8), 0.9))
    torch.testing.assert_close(model[1].bias, torch.tensor([0.5]))
    assert model[0].sigma.item() == scale_before


def test_lr_decay_is_applied_per_batch():
    X, y = _blobs(40)
    one_step = LinearSVM(2)
    fit(one_step, X, y, loss="hinge", epochs=1, batch_size=None, lr=0.1, progress=False)
    decayed = LinearSVM(2)
    # After the first step the learning rate is 1e-9 of its value: later epochs barely move w.
    fit(decayed, X, y, loss="hinge", epochs=5, batch_size=None, lr=0.1, lr_decay=1e-9,
        progress=False)  # fmt: skip
    torch.testing.assert_close(decayed.weight, one_step.weight, atol=1e-6, rtol=0)
    undecayed = LinearSVM(2)
    fit(undecayed, X, y, loss="hinge", epochs=5, batch_size=None, lr=0.1, progress=False)
    assert not torch.allclose(undecayed.weight, one_step.weight, atol=1e-3)


def test_optimizer_class_and_custom_loss():
    X, y = _blobs()
    model = LinearSVM(2)
    history = fit(
        model, X, y, loss=hinge_loss, optimizer=torch.optim.RMSprop, lr=0.01, epochs=5,
        progress=False,
    )  # fmt: skip
    assert history["accuracy"][-1] > 0.9


def test_validation_data_is_the_objective_on_held_out_data():
    X, y = _blobs(200)
    model = LinearSVM(2)
    weight_decay = 0.01
    history = fit(
        model, X[:150], y[:150], loss="hinge", epochs=4, weight_decay=weight_decay,
        validation_data=(X[150:], y[150:]), progress=False, seed=0,
    )  # fmt: skip
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    with torch.no_grad():
        z = model(torch.from_numpy(X[150:]))[:, 0]
        y_val = torch.from_numpy(y[150:])
        expected = torch.relu(1 - y_val * z).mean() + weight_decay * model.weight.square().sum()
    assert history["val_loss"][-1] == pytest.approx(expected.item(), rel=1e-5)
    assert history["val_accuracy"][-1] == pytest.approx(((z > 0) == (y_val > 0)).float().mean())


class _Recorder(Callback):
    def __init__(self):
        self.events = []

    def on_train_begin(self, model):
        self.events.append(("begin", model))

    def on_batch_end(self, step, logs):
        assert isinstance(logs["loss"], float) and "model" in logs
        self.events.append(("batch", step))

    def on_epoch_end(self, epoch, logs):
        assert set(logs) == {"loss", "accuracy", "model"}
        self.events.append(("epoch", epoch))

    def on_train_end(self, logs):
        self.events.append(("end", logs["loss"]))


class _DuckEpochCounter:  # not a Callback subclass; only one hook
    def __init__(self):
        self.epochs = []

    def on_epoch_end(self, epoch, logs):
        self.epochs.append(epoch)


def test_callbacks_are_called_in_order():
    X, y = _blobs(50)
    recorder, duck = _Recorder(), _DuckEpochCounter()
    model = LinearSVM(2)
    history = fit(
        model, X, y, loss="hinge", epochs=2, batch_size=20, callbacks=[recorder, duck],
        progress=False,
    )  # fmt: skip
    kinds = [event[0] for event in recorder.events]
    # 50 samples in batches of 20 → 3 batches per epoch.
    assert kinds == ["begin", *["batch"] * 3, "epoch", *["batch"] * 3, "epoch", "end"]
    assert recorder.events[0][1] is model
    assert [e[1] for e in recorder.events if e[0] == "batch"] == list(range(6))
    assert recorder.events[-1][1] == history["loss"][-1]
    assert duck.epochs == [0, 1]


def test_losses_fetched_only_when_needed(monkeypatch):
    # Each .item() is a device synchronisation: none per batch unless a callback asks for them.
    calls = []
    original = torch.Tensor.item
    monkeypatch.setattr(torch.Tensor, "item", lambda self: calls.append(1) or original(self))
    X, y = _blobs(64)
    fit(LinearSVM(2), X, y, loss="hinge", epochs=3, batch_size=8, progress=False)
    assert calls == []
    fit(LinearSVM(2), X, y, loss="hinge", epochs=3, batch_size=8, progress=False,
        callbacks=[_Recorder()])  # fmt: skip
    assert len(calls) == 3 * 8


@pytest.mark.parametrize("device_name", DEVICES)
def test_featurize_matches_forward_and_chunks(device_name):
    _skip_without(device_name)
    rff = RandomFourierFeatures(3, 32, seed=0)
    X = np.random.default_rng(0).normal(size=(25, 3))
    expected = rff(torch.from_numpy(X).float())
    features = featurize(rff, X, batch_size=7, device=device_name)
    assert features.device.type == device_name and features.shape == (25, 32)
    assert not features.requires_grad
    torch.testing.assert_close(features.cpu(), expected)
    images = np.random.default_rng(1).integers(0, 255, size=(10, 3), dtype=np.uint8)
    torch.testing.assert_close(
        featurize(rff, images, batch_size=4).cpu(),
        rff.cpu()(torch.from_numpy(images).float()),
    )
    assert featurize(rff, np.zeros((0, 3))).shape == (0, 32)
    read_only = X.copy()
    read_only.setflags(write=False)  # like a memory-mapped array
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        torch.testing.assert_close(featurize(rff, read_only).cpu(), expected)


def test_predict_restores_training_mode_and_shapes():
    model = rff_svm(3, n_classes=4, output_dim=16, seed=0)
    model.train()
    scores = predict(model, np.zeros((5, 3)), batch_size=2)
    assert scores.shape == (5, 4) and model.training
    assert predict(LinearSVM(3), torch.ones(6, 3)).shape == (6,)


def test_device_helper():
    assert device("cpu") == torch.device("cpu")
    if torch.cuda.is_available():
        assert device().type == "cuda"
    else:
        with pytest.raises(ValueError, match="prefer"):
            device("cuda")
    with pytest.raises(ValueError, match="prefer"):
        device("not-a-device")


_X, _Y = _blobs(8)
_BAD_FIT_CALLS = [
    ({"model": "svm"}, TypeError, "model"),
    ({"model": RandomFourierFeatures(2, 1, seed=0)}, ValueError, "no trainable parameters"),
    (
        {"model": RandomFourierFeatures(2, 1, seed=0, trainable=True), "weight_decay": 0.1},
        ValueError,
        "weight_decay .* no LinearSVM",
    ),
    ({"X": [[1.0, 2.0]] * 7}, ValueError, "y has 8 labels but X has 7"),
    ({"X": np.full((8, 2), np.nan)}, ValueError, "X contains NaN"),
    ({"X": torch.full((8, 2), float("inf"))}, ValueError, "X contains NaN"),
    ({"X": np.ones((8, 3))}, ValueError, "X of shape"),
    ({"X": np.ones(8)}, ValueError, "X must be 2-dimensional"),
    ({"X": "data"}, TypeError, "X"),
    ({"y": np.arange(8)}, ValueError, "y must hold two classes"),
    ({"y": np.ones(8)}, ValueError, "y has a single class"),
    ({"y": ["a"] * 8}, TypeError, "y"),
    ({"loss": "log"}, ValueError, "loss"),
    ({"loss": 3}, TypeError, "loss"),
    ({"loss": "ovr"}, ValueError, "loss='ovr' needs a model with one output per class"),
    ({"epochs": 0}, ValueError, "epochs"),
    ({"epochs": 1.5}, TypeError, "epochs"),
    ({"batch_size": -1}, ValueError, "batch_size"),
    ({"lr": 0.0}, ValueError, "lr"),
    ({"lr": "fast"}, TypeError, "lr"),
    ({"optimizer": "lbfgs"}, ValueError, "optimizer"),
    ({"optimizer": object}, TypeError, "optimizer"),
    ({"weight_decay": -0.1}, ValueError, "weight_decay"),
    ({"weight_decay": "none"}, TypeError, "weight_decay"),
    ({"lr_decay": 1.5}, ValueError, "lr_decay"),
    ({"lr_decay": 0.0}, ValueError, "lr_decay"),
    ({"device": "quantum"}, ValueError, "device"),
    ({"seed": -1}, ValueError, "seed"),
    ({"seed": 1.5}, TypeError, "seed"),
    ({"validation_data": (_X,)}, TypeError, "validation_data"),
    ({"validation_data": (_X, _Y[:3])}, ValueError, "y_val"),
    ({"validation_data": (np.ones((8, 5)), _Y)}, ValueError, "X_val"),
]


@pytest.mark.parametrize(("overrides", "error", "match"), _BAD_FIT_CALLS)
def test_fit_bad_arguments(overrides, error, match):
    arguments = {"model": LinearSVM(2), "X": _X, "y": _Y, "loss": "hinge", "progress": False}
    arguments.update(overrides)
    model, X, y = arguments.pop("model"), arguments.pop("X"), arguments.pop("y")
    with pytest.raises(error, match=match):
        fit(model, X, y, **arguments)


def test_fit_multiclass_label_errors():
    X, y = _three_blobs(30)
    with pytest.raises(ValueError, match=r"y must hold class indices in \[0, 3\)"):
        fit(LinearSVM(2, 3), X, y + 1, loss="ovr", progress=False)
    with pytest.raises(ValueError, match="y must hold integer class indices"):
        fit(LinearSVM(2, 3), X, y + 0.5, loss="ovr", progress=False)
    with pytest.raises(ValueError, match="loss='hinge' needs a model with one output"):
        fit(LinearSVM(2, 3), X, y, loss="hinge", progress=False)


def test_featurize_and_predict_bad_arguments():
    rff = RandomFourierFeatures(3, 8, seed=0)
    with pytest.raises(TypeError, match="feature_map"):
        featurize(lambda x: x, np.ones((2, 3)))
    with pytest.raises(ValueError, match="batch_size"):
        featurize(rff, np.ones((2, 3)), batch_size=0)
    with pytest.raises(ValueError, match="X must be 2-dimensional"):
        featurize(rff, np.ones(3))
    with pytest.raises(ValueError, match="device"):
        featurize(rff, np.ones((2, 3)), device="quantum")
    with pytest.raises(TypeError, match="model"):
        predict(None, np.ones((2, 3)))
