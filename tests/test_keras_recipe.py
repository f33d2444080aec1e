"""svmkit.keras.fit_rff_svm: the Keras twin of the random-feature SVM recipe.

It must be reproducible without touching any global random state, train from one feature array
without copying it, agree with its PyTorch twin and with scikit-learn's exact SVC, and reject bad
arguments by name.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

keras = pytest.importorskip("keras")
torch = pytest.importorskip("torch")

import svmkit.keras as svk  # noqa: E402
import svmkit.keras.recipe as recipe  # noqa: E402
import svmkit.torch as svt  # noqa: E402
from svmkit.contract import FeatureSpec, TrainSpec  # noqa: E402
from svmkit.data import make_moons  # noqa: E402

X_MOONS, Y_MOONS = make_moons(300, noise=0.15, seed=0)
FEATURES = FeatureSpec(sigma=0.5, output_dim=256, seed=0)


def moons_training(**changes) -> TrainSpec:
    settings = dict(epochs=15, batch_size=32, lr=0.01, optimizer="adam", seed=0)
    return TrainSpec.from_C(1.0, len(X_MOONS), **{**settings, **changes})


def blobs(n_per_class: int = 60, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 3.0], [-3.0, -2.0], [3.0, -2.0]])
    X = np.concatenate([rng.normal(c, 1.0, size=(n_per_class, 2)) for c in centres])
    return X.astype(np.float32), np.repeat(np.arange(3), n_per_class)


def weights(model) -> list[np.ndarray]:
    return [np.asarray(w) for w in model.layers[-1].get_weights()]


def test_same_seed_same_model_and_the_seed_drives_the_shuffling():
    first, history = svk.fit_rff_svm(X_MOONS, Y_MOONS, FEATURES, moons_training())
    again, history_again = svk.fit_rff_svm(X_MOONS, Y_MOONS, FEATURES, moons_training())
    other, _ = svk.fit_rff_svm(X_MOONS, Y_MOONS, FEATURES, moons_training(seed=1))
    for a, b in zip(weights(first), weights(again), strict=True):
        np.testing.assert_array_equal(a, b)
    assert history == history_again
    assert not np.allclose(weights(first)[0], weights(other)[0])


def test_fitting_leaves_every_global_random_state_untouched():
    np.random.seed(123)  # noqa: NPY002
    random.seed(123)
    torch.manual_seed(123)
    before = (np.random.get_state()[1].copy(), random.getstate(), torch.get_rng_state().clone())  # noqa: NPY002
    svk.fit_rff_svm(X_MOONS, Y_MOONS, FEATURES, moons_training(epochs=2))
    svk.fit_linear_svm(X_MOONS, Y_MOONS, moons_training(epochs=2))
    after = (np.random.get_state()[1], random.getstate(), torch.get_rng_state())  # noqa: NPY002
    np.testing.assert_array_equal(before[0], after[0])
    assert before[1] == after[1]
    assert torch.equal(before[2], after[2])


def test_binary_labels_0_1_and_plus_minus_1_train_the_same_model():
    signed, history = svk.fit_rff_svm(X_MOONS, Y_MOONS, FEATURES, moons_training())
    zero_one, _ = svk.fit_rff_svm(X_MOONS, (Y_MOONS > 0).astype(int), FEATURES, moons_training())
    np.testing.assert_allclose(weights(signed)[0], weights(zero_one)[0], atol=1e-6)
    assert history["accuracy"][-1] > 0.95
    z = signed.predict(X_MOONS, verbose=0)[:, 0]
    assert np.mean(np.sign(z) == Y_MOONS) > 0.95


def test_multiclass_one_output_per_class_and_validation_history():
    X, y = blobs()
    X_val, y_val = blobs(seed=1)
    for loss in ("ovr", "crammer_singer"):
        model, history = svk.fit_rff_svm(
            X, y, FeatureSpec(sigma=2.0, output_dim=128, seed=0),
            TrainSpec(loss=loss, lam=1e-4, epochs=10, lr=0.01, optimizer="adam", seed=0),
            validation_data=(X_val, y_val),
        )  # fmt: skip
        assert model.output_shape == (None, 3)
        assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
        assert all(len(values) == 10 for values in history.values())
        predicted = model.predict(X_val, verbose=0).argmax(1)
        assert np.mean(predicted == y_val) > 0.9
        assert history["val_accuracy"][-1] == pytest.approx(np.mean(predicted == y_val))


def test_sgd_with_decay_follows_the_contract_schedule():
    training = moons_training(optimizer="sgd", lr=0.5).decay_to(0.01, n_samples=len(X_MOONS))
    model, _ = svk.fit_linear_svm(X_MOONS, Y_MOONS, training)
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    assert int(model.optimizer.iterations) == training.steps(len(X_MOONS))
    # After the last step the rate has decayed to 1 % of its start (lr · lr_decay**steps).
    assert float(model.optimizer.learning_rate) == pytest.approx(0.5 * 0.01, rel=1e-4)
    _, history = svk.fit_rff_svm(X_MOONS, Y_MOONS, FEATURES, training)
    assert history["accuracy"][-1] > 0.95


def test_features_are_computed_once_and_batched_without_a_copy(monkeypatch):
    made, fed = [], []
    featurize, fit = recipe.featurize, keras.Model.fit

    def recording_featurize(*args, **kwargs):
        made.append(featurize(*args, **kwargs))
        return made[-1]

    def recording_fit(self, x=None, *args, **kwargs):
        fed.append((x, getattr(x, "X", None)))
        return fit(self, x, *args, **kwargs)

    monkeypatch.setattr(recipe, "featurize", recording_featurize)
    monkeypatch.setattr(keras.Model, "fit", recording_fit)
    svk.fit_rff_svm(X_MOONS, Y_MOONS, FEATURES, moons_training(epochs=2))
    assert len(made) == 1 and made[0].dtype == np.float32
    batches, array = fed[0]
    assert isinstance(batches, svk.ArrayBatches)
    assert array is made[0]  # batches are sliced out of the one feature array
    assert len(batches.X) == 0  # and let go of it after training (tf.data keeps the dataset)


def test_featurize_writes_into_one_preallocated_array():
    import tracemalloc

    X = np.random.default_rng(0).normal(size=(3000, 5)).astype(np.float32)
    layer = svk.RandomFourierFeatures(512, sigma=1.0, seed=0)
    layer.build(X.shape)
    tracemalloc.start()
    phi = svk.featurize(layer, X, batch_size=256)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 1.5 * phi.nbytes  # the result, plus at most a chunk or two: no second copy


def test_array_batches_cover_every_row_once_per_epoch_in_a_new_order():
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    batches = svk.ArrayBatches(X, y, batch_size=4, seed=0)
    orders = []
    for _ in range(2):
        rows = np.concatenate([batches[i][1] for i in range(len(batches))])
        assert sorted(rows.tolist()) == list(range(10))
        orders.append(rows.tolist())
        batches.on_epoch_end()
    assert orders[0] != orders[1]
    in_order = svk.ArrayBatches(X, y, batch_size=4, shuffle=False)
    assert np.concatenate([in_order[i][1] for i in range(3)]).tolist() == list(range(10))
    np.testing.assert_array_equal(in_order[0][0], X[:4])


def test_agrees_with_the_torch_twin():
    X, y = blobs(100)
    X_test, y_test = blobs(100, seed=2)
    features = FeatureSpec(sigma=2.0, output_dim=512, seed=3)
    training = TrainSpec(loss="ovr", lam=1e-4, epochs=20, batch_size=50, lr=0.01,
                         optimizer="adam", seed=0).decay_to(0.1, n_samples=len(X))  # fmt: skip
    keras_model, keras_history = svk.fit_rff_svm(X, y, features, training)
    torch_model, torch_history = svt.fit_rff_svm(X, y, features, training)
    # The same contract and seed: the same random features in both frameworks.
    np.testing.assert_allclose(
        np.asarray(keras_model.layers[0].omega), torch_model[0].omega.numpy(), rtol=1e-6
    )
    z_keras = keras_model.predict(X_test, verbose=0)
    z_torch = svt.predict(torch_model, X_test).numpy()
    # Different batch orders, same objective: close scores, the same decisions almost everywhere.
    assert np.mean(z_keras.argmax(1) == z_torch.argmax(1)) > 0.97
    assert np.mean(np.abs(z_keras - z_torch)) < 0.1 * np.mean(np.abs(z_torch))
    assert abs(keras_history["loss"][-1] - torch_history["loss"][-1]) < 0.05
    accuracies = [np.mean(z.argmax(1) == y_test) for z in (z_keras, z_torch)]
    assert abs(accuracies[0] - accuracies[1]) < 0.02


def test_agrees_with_scikit_learn_svc_on_the_same_kernel():
    from sklearn.svm import SVC

    X, y = make_moons(400, noise=0.2, seed=1)
    X_test, y_test = make_moons(400, noise=0.2, seed=2)
    sigma, C = 0.5, 1.0
    svc = SVC(C=C, gamma=1.0 / (2 * sigma**2)).fit(X, y)
    training = TrainSpec.from_C(C, len(X), epochs=60, batch_size=32, lr=0.01, optimizer="adam",
                                seed=0).decay_to(0.05, n_samples=len(X))  # fmt: skip
    model, _ = svk.fit_rff_svm(X, y, FeatureSpec(sigma=sigma, output_dim=2048, seed=0), training)
    z = model.predict(X_test, verbose=0)[:, 0]
    assert np.mean(np.sign(z) == svc.predict(X_test)) > 0.95
    assert abs(np.mean(np.sign(z) == y_test) - svc.score(X_test, y_test)) < 0.03


def test_callbacks_see_the_whole_model_at_every_step():
    class Recorder:
        def __init__(self):
            self.steps, self.models = [], set()

        def on_batch_end(self, step, logs):
            self.steps.append(step)
            self.models.add(id(logs["model"]))

    recorder = Recorder()
    training = moons_training(epochs=2, batch_size=100)
    model, _ = svk.fit_rff_svm(X_MOONS, Y_MOONS, FEATURES, training, callbacks=[recorder])
    assert recorder.steps == list(range(training.steps(len(X_MOONS))))
    assert recorder.models == {id(model)}


@pytest.mark.parametrize(
    ("arguments", "error", "name"),
    [
        (dict(features={"sigma": 1.0}), TypeError, "features"),
        (dict(training="hinge"), TypeError, "training"),
        (dict(y=np.arange(300) % 3), ValueError, "y"),
        (dict(y=Y_MOONS[:10]), ValueError, "same length"),
        (dict(X=X_MOONS[:, 0]), ValueError, "X"),
        (dict(validation_data=X_MOONS), TypeError, "validation_data"),
        (dict(validation_data=(X_MOONS, Y_MOONS * 2)), ValueError, r"validation_data\[1\]"),
        (dict(steps_per_execution=0), ValueError, "steps_per_execution"),
    ],
)
def test_bad_arguments_raise_errors_naming_them(arguments, error, name):
    call = dict(X=X_MOONS, y=Y_MOONS, features=FEATURES, training=moons_training(epochs=1))
    call.update(arguments)
    X, y, features, training = (call.pop(key) for key in ("X", "y", "features", "training"))
    with pytest.raises(error, match=name):
        svk.fit_rff_svm(X, y, features, training, **call)


def test_multiclass_labels_must_be_class_indices():
    training = TrainSpec(loss="ovr", epochs=1)
    with pytest.raises(ValueError, match="y must hold class indices"):
        svk.fit_linear_svm(X_MOONS, Y_MOONS, training)  # −1 is no class index


def test_the_feature_array_is_freed_once_the_model_is_returned(monkeypatch):
    import gc
    import weakref

    made = []
    featurize = recipe.featurize

    def recording_featurize(*args, **kwargs):
        phi = featurize(*args, **kwargs)
        made.append(weakref.ref(phi))
        return phi

    monkeypatch.setattr(recipe, "featurize", recording_featurize)
    model, _ = svk.fit_rff_svm(X_MOONS, Y_MOONS, FEATURES, moons_training(epochs=1))
    assert model.layers[0].output_dim == FEATURES.output_dim
    gc.collect()
    assert made and made[0]() is None  # only the model is left: its memory is free for predict
