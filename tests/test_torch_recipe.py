"""fit_rff_svm / fit_linear_svm: the recipe equals the hand-written steps and agrees with SVC."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from sklearn.svm import SVC  # noqa: E402

from svmkit.contract import FeatureSpec, TrainSpec  # noqa: E402
from svmkit.data import make_moons  # noqa: E402
from svmkit.torch import (  # noqa: E402
    Callback,
    LinearSVM,
    RandomFourierFeatures,
    featurize,
    fit,
    fit_linear_svm,
    fit_rff_svm,
    predict,
)

pytestmark = pytest.mark.usefixtures("torch_single_thread")

X, Y = make_moons(200, noise=0.15, seed=0)
X_TEST, Y_TEST = make_moons(200, noise=0.15, seed=1)
FEATURES = FeatureSpec(sigma=0.5, output_dim=128, seed=3)
TRAINING = TrainSpec.from_C(1.0, len(X), epochs=8, lr=0.01, optimizer="adam", seed=0)


def _three_blobs(n: int = 150, seed: int = 0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    centres = np.array([[0.0, 3.0], [-3.0, -2.0], [3.0, -2.0]])
    return (centres[y] + rng.normal(scale=0.7, size=(n, 2))).astype(np.float32), y


def _by_hand(X, y, features: FeatureSpec, training: TrainSpec, n_outputs=1, validation=None):
    """The three steps the recipe replaces, typed out with fit's keyword arguments."""
    feature_map = RandomFourierFeatures(
        X.shape[1], features.output_dim, sigma=features.sigma, seed=features.seed
    )
    head = LinearSVM(features.output_dim, n_outputs)
    if validation is not None:
        validation = (featurize(feature_map, validation[0]), validation[1])
    history = fit(
        head, featurize(feature_map, X), y, loss=training.loss, epochs=training.epochs,
        batch_size=training.batch_size, lr=training.lr, optimizer=training.optimizer,
        weight_decay=training.lam, lr_decay=training.lr_decay, seed=training.seed,
        progress=False, validation_data=validation,
    )  # fmt: skip
    return torch.nn.Sequential(feature_map, head), history


def _assert_same_model(model, expected):
    ours, theirs = model.state_dict(), expected.state_dict()
    assert list(ours) == list(theirs)
    for name in ours:
        torch.testing.assert_close(ours[name], theirs[name], rtol=0, atol=0, msg=name)


def test_fit_rff_svm_is_featurize_then_fit_exactly():
    validation = (X_TEST, Y_TEST)
    model, history = fit_rff_svm(X, Y, FEATURES, TRAINING, validation_data=validation)
    expected, expected_history = _by_hand(X, Y, FEATURES, TRAINING, validation=validation)
    _assert_same_model(model, expected)
    assert history == expected_history and type(history) is dict
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert isinstance(model[0], RandomFourierFeatures) and isinstance(model[1], LinearSVM)
    assert not model.training and model[1].out_features == 1
    torch.testing.assert_close(predict(model, X_TEST), predict(expected, X_TEST), rtol=0, atol=0)


def test_fit_rff_svm_multiclass_has_one_output_per_class():
    X3, y3 = _three_blobs()
    training = TrainSpec(loss="ovr", lam=1e-4, epochs=6, lr=0.05, optimizer="adam", seed=1)
    features = FeatureSpec(sigma=2.0, output_dim=64, seed=0)
    model, history = fit_rff_svm(X3, y3, features, training)
    expected, expected_history = _by_hand(X3, y3, features, training, n_outputs=3)
    assert model[1].out_features == 3
    _assert_same_model(model, expected)
    assert history == expected_history
    assert (predict(model, X3).argmax(1).numpy() == y3).mean() > 0.95


def test_trainable_sigma_trains_the_whole_model_end_to_end():
    features = FeatureSpec(sigma=2.0, output_dim=64, seed=0, trainable=True)
    model, history = fit_rff_svm(X, Y, features, TRAINING)
    expected = torch.nn.Sequential(
        RandomFourierFeatures(2, 64, sigma=2.0, seed=0, trainable=True), LinearSVM(64)
    )
    expected_history = fit(
        expected, X, Y, loss="hinge", epochs=TRAINING.epochs, lr=TRAINING.lr, optimizer="adam",
        weight_decay=TRAINING.lam, seed=0, progress=False,
    )  # fmt: skip
    assert model[0].sigma.item() != 2.0  # σ moved
    _assert_same_model(model, expected)
    assert history == expected_history


def test_fit_rff_svm_agrees_with_scikit_learn_svc():
    C, sigma = 1.0, 0.5
    features = FeatureSpec(sigma=sigma, output_dim=1024, seed=0)
    training = TrainSpec.from_C(C, len(X), epochs=60, lr=0.01, optimizer="adam", seed=0)
    model, _ = fit_rff_svm(X, Y, features, training.decay_to(0.01, len(X)))
    svc = SVC(kernel="rbf", C=C, gamma=1 / (2 * sigma**2)).fit(X, Y)
    ours = np.sign(predict(model, X_TEST).numpy())
    assert np.mean(ours == svc.predict(X_TEST)) >= 0.95
    assert abs(np.mean(ours == Y_TEST) - svc.score(X_TEST, Y_TEST)) <= 0.03


def test_fit_linear_svm_is_fit_on_a_linear_svm():
    model, history = fit_linear_svm(X, Y, TRAINING)
    expected = LinearSVM(2)
    expected_history = fit(
        expected, X, Y, loss="hinge", epochs=TRAINING.epochs, lr=TRAINING.lr, optimizer="adam",
        weight_decay=TRAINING.lam, seed=0, progress=False,
    )  # fmt: skip
    _assert_same_model(model, expected)
    assert history == expected_history


class _Models(Callback):
    def __init__(self):
        self.seen = []

    def on_train_begin(self, model):
        self.seen.append(model)

    def on_epoch_end(self, epoch, logs):
        self.seen.append(logs["model"])


def test_callbacks_see_the_whole_returned_model_without_per_batch_syncs(monkeypatch):
    calls = []
    original = torch.Tensor.item
    monkeypatch.setattr(torch.Tensor, "item", lambda self: calls.append(1) or original(self))
    watcher = _Models()
    # Plain SGD: torch's Adam itself reads its step count with .item().
    training = dataclasses.replace(TRAINING, optimizer="sgd")
    model, _ = fit_rff_svm(X, Y, FEATURES, training, callbacks=[watcher])
    assert len(watcher.seen) == 1 + TRAINING.epochs
    assert all(seen is model for seen in watcher.seen)
    assert calls == []


@pytest.mark.parametrize(
    ("arguments", "error", "match"),
    [
        ({"features": {"sigma": 1.0}}, TypeError, "features must be a svmkit.contract.FeatureSpec"),
        ({"training": "hinge"}, TypeError, "training must be a svmkit.contract.TrainSpec"),
        ({"X": np.ones(5)}, ValueError, "X must be 2-dimensional"),
        ({"X": np.full((200, 2), np.nan)}, ValueError, "X contains NaN"),
        ({"y": np.arange(200) % 3}, ValueError, "y must hold two classes"),
        ({"y": Y[:10]}, ValueError, "y has 10 labels but X has 200"),
        ({"validation_data": (X_TEST,)}, TypeError, "validation_data"),
        ({"validation_data": (np.ones(3), Y_TEST)}, ValueError, "X_val"),
        ({"validation_data": (X_TEST, Y_TEST[:3])}, ValueError, "y_val"),
        ({"device": "quantum"}, ValueError, "device"),
    ],
)
def test_fit_rff_svm_bad_arguments_name_the_argument(arguments, error, match):
    call = {"X": X, "y": Y, "features": FEATURES, "training": TRAINING, **arguments}
    with pytest.raises(error, match=match):
        fit_rff_svm(call.pop("X"), call.pop("y"), call.pop("features"), call.pop("training"),
                    **call)  # fmt: skip


def test_bad_specs_are_refused_by_the_contract():
    with pytest.raises(ValueError, match="sigma"):
        fit_rff_svm(X, Y, FeatureSpec(sigma=-1.0), TRAINING)
    with pytest.raises(ValueError, match="lam"):
        fit_rff_svm(X, Y, FEATURES, TrainSpec(lam=-1.0))
    with pytest.raises(TypeError, match="training"):
        fit_linear_svm(X, Y, FEATURES)
