"""Toy data sets and image flattening (svmkit.data)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import datasets

from svmkit import data

GENERATORS = [data.make_blobs, data.make_moons, data.make_circles, data.make_xor]


@pytest.mark.parametrize("make", GENERATORS)
def test_shapes_dtypes_standardised_and_signed_labels(make):
    X, y = make(101)
    assert X.shape == (101, 2) and X.dtype == np.float32
    assert y.shape == (101,) and y.dtype == np.float32
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(X.std(axis=0), 1.0, atol=1e-5)
    assert set(np.unique(y).tolist()) == {-1.0, 1.0}
    assert abs(int(y.sum())) <= 3  # classes are balanced


@pytest.mark.parametrize("make", GENERATORS)
def test_seeded_reproducible_and_seed_matters(make):
    X1, y1 = make(64, seed=5)
    X2, y2 = make(64, seed=5)
    X3, _ = make(64, seed=6)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


def test_blobs_default_reproduces_reference_data():
    # The reference notebook: make_blobs(1024, centers=2, cluster_std=1.2, random_state=1).
    X_ref, labels = datasets.make_blobs(n_samples=1024, centers=2, cluster_std=1.2, random_state=1)
    X, y = data.make_blobs()
    expected = (X_ref - X_ref.mean(axis=0)) / X_ref.std(axis=0)
    np.testing.assert_allclose(X, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(y, np.where(labels == 1, 1.0, -1.0))


def test_blobs_spread_controls_overlap():
    from sklearn.svm import LinearSVC

    tight = (
        LinearSVC().fit(*data.make_blobs(400, spread=0.5)).score(*data.make_blobs(400, spread=0.5))
    )
    X, y = data.make_blobs(400, spread=6.0)
    loose = LinearSVC().fit(X, y).score(X, y)
    assert tight == 1.0 and loose < tight


def test_xor_labels_follow_quadrant_sign():
    X, y = data.make_xor(400, noise=0.05)
    np.testing.assert_array_equal(np.sign(X[:, 0] * X[:, 1]), y)


def test_circles_inner_class_is_positive():
    X, y = data.make_circles(300, noise=0.0)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert radius[y > 0].max() < radius[y < 0].min()


@pytest.mark.parametrize(
    ("call", "error", "argument"),
    [
        (lambda: data.make_moons(0), ValueError, "n_samples"),
        (lambda: data.make_moons(1), ValueError, "n_samples"),
        (lambda: data.make_moons(10.5), TypeError, "n_samples"),
        (lambda: data.make_moons(10, noise=-0.1), ValueError, "noise"),
        (lambda: data.make_xor(10, noise="big"), TypeError, "noise"),
        (lambda: data.make_circles(10, factor=1.5), ValueError, "factor"),
        (lambda: data.make_blobs(10, spread=0), ValueError, "spread"),
        (lambda: data.make_blobs(10, seed=1.5), TypeError, "seed"),
        (lambda: data.make_circles(10, seed=-1), ValueError, "seed"),
    ],
)
def test_bad_arguments_name_the_argument(call, error, argument):
    with pytest.raises(error, match=argument):
        call()


def test_flatten_images_scales_uint8_to_unit_interval():
    images = np.arange(2 * 28 * 28).reshape(2, 28, 28) % 256
    X = data.flatten_images(images.astype(np.uint8))
    assert X.shape == (2, 784) and X.dtype == np.float32
    assert X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_allclose(X[0, :3], np.array([0, 1, 2]) / 255)


def test_flatten_images_keeps_unit_floats_and_rejects_bad_input():
    floats = np.full((4, 5, 5), 0.5)
    np.testing.assert_array_equal(data.flatten_images(floats), np.full((4, 25), 0.5, np.float32))
    with pytest.raises(ValueError, match="images"):
        data.flatten_images(np.arange(5))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        data.flatten_images(np.full((2, 3, 3), 255.0))
    with pytest.raises(ValueError, match=r"0\.\.255"):
        data.flatten_images(np.full((2, 3, 3), 300))
    with pytest.raises(TypeError, match="images"):
        data.flatten_images(np.array([["a", "b"]]))
