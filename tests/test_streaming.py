"""Streaming features and on-the-fly augmentation (issue 13).

The recipes store the training features only when they fit ``feature_budget``; otherwise, or with
an ``augment`` callable, each batch is featurised as it is used. Streaming must train the same
model as storing (it only changes where the features live), augmentation must be reproducible
from the training seed, and :class:`svmkit.augment.RandomShift` must move pixels exactly as
``numpy.pad`` + slicing does, in numpy and in torch alike.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import svmkit.torch as svt  # noqa: E402
import svmkit.torch.recipe as torch_recipe  # noqa: E402
from svmkit.augment import RandomShift  # noqa: E402
from svmkit.contract import FEATURE_BUDGET, FeatureSpec, TrainSpec, stores_features  # noqa: E402


def tiny_images(n: int = 240, side: int = 6, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """uint8 'images' with a bright left or right half: class 1 is bright on the right."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 60, size=(n, side, side))
    y = rng.integers(0, 2, size=n)
    half = side // 2
    images[y == 1, :, half:] += 150
    images[y == 0, :, :half] += 150
    return images.reshape(n, -1).astype(np.uint8), y


X_IMAGES, Y_IMAGES = tiny_images()
FEATURES = FeatureSpec(sigma=400.0, output_dim=256, seed=0)
TRAINING = TrainSpec(loss="hinge", lam=1e-4, epochs=4, batch_size=32, lr=0.01,
                     optimizer="adam", seed=0)  # fmt: skip


def shifted_by_padding(images: np.ndarray, dy, dx, side: int, s: int) -> np.ndarray:
    """The reference: pad by s, then cut the window that moves each image by (dy, dx)."""
    out = np.empty_like(images)
    for i, image in enumerate(images.reshape(-1, side, side)):
        padded = np.pad(image, s)
        out[i] = padded[s - dy[i] : s - dy[i] + side, s - dx[i] : s - dx[i] + side].ravel()
    return out


# ---------------------------------------------------------------- the decision to store or stream


def test_stores_features_follows_the_budget_and_the_frozen_map():
    spec = FeatureSpec(output_dim=1000)
    assert stores_features(1000, spec, 4 * 1000 * 1000)  # exactly at the budget: stored
    assert not stores_features(1001, spec, 4 * 1000 * 1000)
    assert not stores_features(10, spec, math.inf, augmented=True)
    assert not stores_features(10, FeatureSpec(output_dim=1000, trainable=True), math.inf)
    # 0 (and any budget below one feature row) is a valid budget: always stream.
    assert not stores_features(1, FeatureSpec(output_dim=1), 0)
    assert not stores_features(1, FeatureSpec(output_dim=1), 0.5)
    # MNIST at D = 16 384 is stored by default; five times MNIST is streamed.
    assert stores_features(60_000, FeatureSpec(output_dim=16384), FEATURE_BUDGET)
    assert not stores_features(300_000, FeatureSpec(output_dim=16384), FEATURE_BUDGET)


@pytest.mark.parametrize(
    ("budget", "error", "message"),
    [(-1, ValueError, r"^feature_budget must be ≥ 0 bytes, got -1$"),
     (math.nan, ValueError, r"^feature_budget must be ≥ 0 bytes, got nan$"),
     ("4GB", TypeError, r"^feature_budget must be a number of bytes, got '4GB'$"),
     (True, TypeError, r"^feature_budget must be a number of bytes, got True$")],
)  # fmt: skip
def test_stores_features_rejects_a_bad_budget_by_name(budget, error, message):
    with pytest.raises(error, match=message):
        stores_features(10, FeatureSpec(), budget)


# ---------------------------------------------------------------- PyTorch recipe


def test_torch_streaming_trains_the_same_model_as_storing(monkeypatch):
    stored, stored_history = svt.fit_rff_svm(X_IMAGES, Y_IMAGES, FEATURES, TRAINING)

    def no_featurize(*args, **kwargs):
        raise AssertionError("streaming must not featurise the whole training set")

    monkeypatch.setattr(torch_recipe, "featurize", no_featurize)
    streamed, streamed_history = svt.fit_rff_svm(
        X_IMAGES, Y_IMAGES, FEATURES, TRAINING, feature_budget=0
    )
    assert stored_history["accuracy"][-1] > 0.9  # a real fit, not a coin flip
    torch.testing.assert_close(streamed[1].weight, stored[1].weight, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(streamed[1].bias, stored[1].bias, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(streamed_history["loss"], stored_history["loss"], rtol=1e-5)


def test_torch_streaming_keeps_uint8_images_and_validates_on_raw_inputs():
    model, history = svt.fit_rff_svm(
        X_IMAGES, Y_IMAGES, FEATURES, TRAINING, feature_budget=0,
        validation_data=(X_IMAGES[:50], Y_IMAGES[:50]),
    )  # fmt: skip
    assert len(history["val_accuracy"]) == TRAINING.epochs
    predicted = (svt.predict(model, X_IMAGES[:50]).numpy().ravel() > 0).astype(int)
    assert history["val_accuracy"][-1] == pytest.approx(np.mean(predicted == Y_IMAGES[:50]))


def test_torch_augmentation_is_reproducible_from_the_seed_and_changes_the_batches():
    shift = RandomShift(max_shift=1, image_shape=(6, 6))
    first, _ = svt.fit_rff_svm(X_IMAGES, Y_IMAGES, FEATURES, TRAINING, augment=shift)
    again, _ = svt.fit_rff_svm(X_IMAGES, Y_IMAGES, FEATURES, TRAINING, augment=shift)
    plain, _ = svt.fit_rff_svm(X_IMAGES, Y_IMAGES, FEATURES, TRAINING, feature_budget=0)
    other_seed = dataclasses.replace(TRAINING, seed=1)
    other, _ = svt.fit_rff_svm(X_IMAGES, Y_IMAGES, FEATURES, other_seed, augment=shift)
    torch.testing.assert_close(first[1].weight, again[1].weight, rtol=0, atol=0)
    assert not torch.allclose(first[1].weight, plain[1].weight, atol=1e-4)
    assert not torch.allclose(first[1].weight, other[1].weight, atol=1e-4)


def test_torch_augment_sees_every_training_row_and_never_validation():
    seen: list[tuple[int, torch.dtype]] = []
    steps = []

    def spy(batch, generator):
        assert isinstance(generator, torch.Generator)
        seen.append((batch.shape[0], batch.dtype))
        return batch

    class CountSteps(svt.Callback):
        def on_batch_end(self, step, logs):
            steps.append(step)

    svt.fit_rff_svm(X_IMAGES, Y_IMAGES, FEATURES, TRAINING, augment=spy, callbacks=[CountSteps()],
                    validation_data=(X_IMAGES[:50], Y_IMAGES[:50]))  # fmt: skip
    # Rows are augmented and featurised a chunk of whole batches at a time (here one chunk per
    # epoch), and the optimiser still takes one step per batch.
    assert sum(size for size, _ in seen) == TRAINING.epochs * len(X_IMAGES)
    assert len(seen) == TRAINING.epochs
    assert {dtype for _, dtype in seen} == {torch.uint8}  # augmented before the cast
    assert steps == list(range(TRAINING.epochs * math.ceil(len(X_IMAGES) / TRAINING.batch_size)))


def test_torch_streamed_validation_featurises_no_more_rows_at_once_than_training(monkeypatch):
    import svmkit.torch._loop as loop

    # Room for two batches of features at a time: 2 · 32 rows of 256 float32 features.
    monkeypatch.setattr(loop, "_STREAM_BYTES", 2 * TRAINING.batch_size * 256 * 4)
    sizes: list[int] = []
    original = loop.TrainingState.inputs

    def recording(self, xb, *, augment=False):
        if self.feature_map is not None:
            sizes.append(xb.shape[0])
        return original(self, xb, augment=augment)

    monkeypatch.setattr(loop.TrainingState, "inputs", recording)
    _, history = svt.fit_rff_svm(X_IMAGES, Y_IMAGES, FEATURES, TRAINING, feature_budget=0,
                                 validation_data=(X_IMAGES, Y_IMAGES))  # fmt: skip
    # Training and validation rows (240 each per epoch) all went through in chunks of ≤ 64 rows.
    assert max(sizes) == 2 * TRAINING.batch_size
    assert sum(sizes) == 2 * TRAINING.epochs * len(X_IMAGES)
    assert len(history["val_accuracy"]) == TRAINING.epochs


# ---------------------------------------------------------------- Keras recipe


def test_keras_streaming_trains_the_same_model_as_storing(monkeypatch):
    pytest.importorskip("keras")
    import svmkit.keras as svk
    import svmkit.keras.recipe as keras_recipe

    stored, stored_history = svk.fit_rff_svm(X_IMAGES, Y_IMAGES, FEATURES, TRAINING)

    def no_featurize(*args, **kwargs):
        raise AssertionError("streaming must not featurise the whole training set")

    monkeypatch.setattr(keras_recipe, "featurize", no_featurize)
    streamed, streamed_history = svk.fit_rff_svm(
        X_IMAGES, Y_IMAGES, FEATURES, TRAINING, feature_budget=0
    )
    assert stored_history["accuracy"][-1] > 0.9
    np.testing.assert_allclose(streamed_history["loss"], stored_history["loss"], rtol=1e-4)
    for got, want in zip(streamed.layers[1].get_weights(), stored.layers[1].get_weights(),
                         strict=True):  # fmt: skip
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_keras_augmentation_is_reproducible_and_sees_numpy_batches():
    pytest.importorskip("keras")
    import svmkit.keras as svk

    shift = RandomShift(max_shift=1, image_shape=(6, 6))
    seen = []

    def spy(batch, generator):
        seen.append((type(batch), batch.dtype, type(generator)))
        return shift(batch, generator)

    first, _ = svk.fit_rff_svm(X_IMAGES, Y_IMAGES, FEATURES, TRAINING, augment=spy)
    again, _ = svk.fit_rff_svm(X_IMAGES, Y_IMAGES, FEATURES, TRAINING, augment=shift)
    plain, _ = svk.fit_rff_svm(X_IMAGES, Y_IMAGES, FEATURES, TRAINING, feature_budget=0)
    assert set(seen) == {(np.ndarray, np.dtype(np.uint8), np.random.Generator)}
    np.testing.assert_array_equal(first.layers[1].get_weights()[0],
                                  again.layers[1].get_weights()[0])  # fmt: skip
    assert not np.allclose(first.layers[1].get_weights()[0], plain.layers[1].get_weights()[0],
                           atol=1e-4)  # fmt: skip


# ---------------------------------------------------------------- RandomShift


@pytest.mark.parametrize("framework", ["numpy", "torch"])
def test_random_shift_equals_padding_and_slicing(framework):
    rng = np.random.default_rng(0)
    side, s = 7, 2
    images = rng.integers(1, 256, size=(40, side * side)).astype(np.uint8)
    dy, dx = rng.integers(-s, s + 1, size=(2, 40))
    shift = RandomShift(max_shift=s, image_shape=(side, side))
    if framework == "numpy":
        moved = shift.shift(images, dy, dx)
    else:
        moved = shift.shift(torch.from_numpy(images), torch.from_numpy(dy), torch.from_numpy(dx))
        moved = moved.numpy()
    assert moved.dtype == np.uint8
    np.testing.assert_array_equal(moved, shifted_by_padding(images, dy, dx, side, s))


def test_random_shift_draws_every_shift_in_range_from_the_generator():
    shift = RandomShift(max_shift=2, image_shape=(5, 5))
    dot = np.zeros((2000, 25), dtype=np.float32)
    dot[:, 12] = 1.0  # the centre pixel
    moved = shift(dot, np.random.default_rng(0))
    rows, cols = np.divmod(moved.argmax(axis=1), 5)
    offsets = set(zip((rows - 2).tolist(), (cols - 2).tolist(), strict=True))
    assert offsets == {(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)}
    np.testing.assert_array_equal(moved.sum(axis=1), 1.0)  # nothing falls off a 5 × 5 image
    np.testing.assert_array_equal(moved, shift(dot, np.random.default_rng(0)))
    generator = torch.Generator().manual_seed(0)
    moved_torch = shift(torch.from_numpy(dot), generator)
    again = shift(torch.from_numpy(dot), torch.Generator().manual_seed(0))
    torch.testing.assert_close(moved_torch, again, rtol=0, atol=0)


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [({"max_shift": 0}, ValueError, r"^max_shift "),
     ({"max_shift": 1.5}, TypeError, r"^max_shift "),
     ({"max_shift": 3, "image_shape": (3, 8)}, ValueError,
      r"^max_shift must be smaller than the image \(3 × 8\), got 3$"),
     ({"image_shape": (28,)}, ValueError, r"^image_shape must be a pair \(height, width\)"),
     ({"image_shape": (28, 0)}, ValueError, r"^image_shape ")],
)  # fmt: skip
def test_random_shift_rejects_bad_arguments_by_name(arguments, error, message):
    with pytest.raises(error, match=message):
        RandomShift(**arguments)


def test_random_shift_rejects_a_batch_of_the_wrong_shape():
    shift = RandomShift(1, image_shape=(4, 4))
    with pytest.raises(ValueError, match=r"^batch must have shape \(n, 16\) .* got \(3, 15\)$"):
        shift(np.zeros((3, 15)), np.random.default_rng(0))
