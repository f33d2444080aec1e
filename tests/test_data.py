"""Toy data sets and image flattening (svmkit.data)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import datasets

from svmkit import data
from svmkit.data import deskew, flatten_images, make_blobs, make_circles, make_moons, make_xor

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


def _slant_and_centroid(image):
    rows, cols = np.indices(image.shape)
    weights = image / image.sum()
    row_mean, col_mean = (weights * rows).sum(), (weights * cols).sum()
    covariance = (weights * (rows - row_mean) * (cols - col_mean)).sum()
    return covariance / (weights * (rows - row_mean) ** 2).sum(), row_mean, col_mean


@pytest.mark.parametrize("lean", [-0.6, -0.3, 0.3, 0.6])
def test_deskew_straightens_and_centres_a_slanted_stroke(lean):
    image = np.zeros((28, 28), dtype=np.uint8)
    for row in range(4, 24):  # a thick stroke, off centre, leaning by `lean` columns per row
        column = round(10 + lean * (row - 14))
        image[row, column : column + 3] = 255
    slant_before, _, _ = _slant_and_centroid(image.astype(float))
    assert abs(slant_before - lean) < 0.1
    straight = data.deskew(image[None])[0]
    slant_after, row_mean, col_mean = _slant_and_centroid(straight)
    assert abs(slant_after) < 0.05
    assert abs(row_mean - 13.5) < 0.5 and abs(col_mean - 13.5) < 0.5


def test_deskew_accepts_uint8_and_unit_floats_alike():
    rng = np.random.default_rng(0)
    images = (rng.random((5, 28, 28)) > 0.8).astype(np.uint8) * 255
    from_uint8 = data.deskew(images)
    from_float = data.deskew(images / 255.0, chunk_size=2)
    assert from_uint8.dtype == np.float32 and from_uint8.shape == (5, 28, 28)
    np.testing.assert_allclose(from_uint8, from_float, atol=1e-6)
    assert from_uint8.min() >= 0.0 and from_uint8.max() <= 1.0


@pytest.mark.parametrize(
    ("images", "error", "match"),
    [
        (np.zeros((28, 28)), ValueError, "images"),
        (np.array([[["a"]]]), TypeError, "images"),
    ],
)
def test_deskew_bad_input_names_the_argument(images, error, match):
    with pytest.raises(error, match=match):
        data.deskew(images)


def test_deskew_rejects_a_bad_chunk_size():
    with pytest.raises(ValueError, match="chunk_size"):
        data.deskew(np.zeros((1, 4, 4)), chunk_size=0)


# ------------------------------------------------------------------ issue 14: mutation survivors


def _reference_deskew(image: np.ndarray) -> np.ndarray:
    """deskew's documented map, through scipy's bilinear affine_transform (zeros outside)."""
    from scipy import ndimage

    height, width = image.shape
    rows, cols = np.indices(image.shape, dtype=np.float64)
    mass = max(image.sum(), 1e-6)
    row_mean, col_mean = (image * rows).sum() / mass, (image * cols).sum() / mass
    row_var = (image * (rows - row_mean) ** 2).sum() / mass
    slant = (image * (rows - row_mean) * (cols - col_mean)).sum() / mass / max(row_var, 1e-6)
    r0, c0 = (height - 1) / 2, (width - 1) / 2
    # input (r, c) = (r + r̄ − r₀, c + c̄ − c₀ + α (r − r₀)) for output (r, c)
    matrix = np.array([[1.0, 0.0], [slant, 1.0]])
    offset = np.array([row_mean - r0, col_mean - c0 - slant * r0])
    moved = ndimage.affine_transform(image, matrix, offset, order=1, mode="grid-constant")
    return np.clip(moved, 0.0, 1.0)


def _test_images() -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    sparse = (rng.random((28, 28)) < 0.15) * rng.random((28, 28))
    stroke = np.zeros((9, 12))
    for row in range(9):  # a slanted stroke in a wide, non-square image
        stroke[row, 2 + row // 2] = 1.0
        stroke[row, 3 + row // 2] = 0.5
    faint = 0.01 * (rng.random((10, 10)) < 0.3)  # total intensity below 1
    flat = np.zeros((8, 8))
    flat[3, 1:6] = 0.8  # one row: no vertical spread at all
    blob = np.zeros((8, 8))
    blob[4:6, 2:5] = [[0.2, 0.9, 0.4], [0.7, 0.3, 1.0]]  # row variance below 1
    return [sparse, stroke, faint, flat, blob]


@pytest.mark.parametrize("index", range(5), ids=["sparse", "stroke", "faint", "flat", "blob"])
def test_deskew_matches_a_bilinear_affine_reference(index):
    image = _test_images()[index]
    got = deskew(image[None].astype(np.float32))[0]
    np.testing.assert_allclose(got, _reference_deskew(image), rtol=0, atol=2e-4)


def test_deskew_chunks_and_dtypes_agree():
    images = np.stack([_test_images()[0]] * 5)
    whole = deskew(images)
    np.testing.assert_array_equal(deskew(images, chunk_size=2), whole)
    np.testing.assert_allclose(deskew(images.astype(np.float32)), whole, atol=1e-6)
    as_uint8 = np.round(images * 255).astype(np.uint8)
    np.testing.assert_allclose(deskew(as_uint8), deskew(as_uint8 / 255.0), atol=1e-6)
    assert deskew(as_uint8).dtype == np.float32


def test_flatten_images_edges():
    assert flatten_images(np.zeros((0, 28, 28), np.uint8)).shape == (0, 784)
    assert flatten_images(np.zeros((2, 3), np.float64)).dtype == np.float32
    np.testing.assert_array_equal(flatten_images(np.ones((1, 2, 2))), np.ones((1, 4)))
    np.testing.assert_array_equal(flatten_images(np.zeros((1, 2))), np.zeros((1, 2)))
    with pytest.raises(TypeError, match=r"^images must contain real numbers"):
        flatten_images(np.array([["a", "b"]]))


@pytest.mark.parametrize(
    ("make", "defaults"),
    [
        (make_moons, dict(n_samples=512, noise=0.1, seed=0)),
        (make_circles, dict(n_samples=512, noise=0.08, factor=0.5, seed=0)),
        (make_xor, dict(n_samples=512, noise=0.35, seed=0)),
        (make_blobs, dict(n_samples=1024, spread=1.2, seed=1)),
    ],
)
def test_documented_defaults(make, defaults):
    for got, expected in zip(make(), make(**defaults), strict=True):
        np.testing.assert_array_equal(got, expected)


def test_circles_noise_and_factor_are_used():
    X, y = make_circles(200, noise=0.0, factor=0.3, seed=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert np.ptp(radius[y > 0]) < 1e-5 and np.ptp(radius[y < 0]) < 1e-5
    assert radius[y > 0].mean() / radius[y < 0].mean() == pytest.approx(0.3, rel=1e-5)
    noisy, labels = make_circles(200, noise=0.1, factor=0.3, seed=0)
    assert np.ptp(np.hypot(noisy[labels > 0, 0], noisy[labels > 0, 1])) > 0.1


def test_xor_corners_are_the_four_unit_diagonals():
    X, _ = make_xor(8, noise=0.0, seed=0)
    np.testing.assert_allclose(np.abs(X), 1.0, rtol=1e-6)  # ±1 corners, standardised
    assert sorted(map(tuple, np.sign(X).astype(int).tolist())) == sorted(
        [(1, 1), (1, 1), (-1, -1), (-1, -1), (1, -1), (1, -1), (-1, 1), (-1, 1)]
    )


def test_two_samples_are_enough_and_a_constant_feature_stays_centred():
    X, y = make_moons(2, noise=0.0, seed=0)
    assert X.shape == (2, 2) and sorted(y.tolist()) == [-1.0, 1.0]
    with pytest.raises(ValueError, match=r"^n_samples must be at least 2, got 1$"):
        make_moons(1)
    X, y = data._standardised(np.array([[1.0, 5.0], [1.0, 7.0]]), np.array([0, 1]))
    np.testing.assert_array_equal(X, [[0.0, -1.0], [0.0, 1.0]])
    np.testing.assert_array_equal(y, [-1.0, 1.0])


def test_deskew_processes_each_chunk_once(monkeypatch):
    calls = []
    chunk = data._deskew_chunk
    monkeypatch.setattr(
        data, "_deskew_chunk", lambda x, xp: calls.append(len(x)) or chunk(x, xp)
    )
    deskew(np.zeros((5, 4, 4), np.uint8), chunk_size=2)
    assert calls == [2, 2, 1]


def test_deskew_of_a_torch_tensor_matches_numpy_and_stays_a_tensor():
    torch = pytest.importorskip("torch")
    images = np.random.default_rng(0).integers(0, 256, size=(7, 28, 28), dtype=np.uint8)
    images[3] = 0  # an empty image: no mass, no slant, stays empty
    expected = deskew(images)
    for tensor in (torch.from_numpy(images), torch.from_numpy(images / 255.0)):
        got = deskew(tensor, chunk_size=3)
        assert isinstance(got, torch.Tensor) and got.dtype == torch.float32
        assert got.shape == (7, 28, 28)
        np.testing.assert_allclose(got.numpy(), expected, rtol=0, atol=1e-5)
    assert not got[3].any()
    with pytest.raises(TypeError, match="images must be numeric"):
        deskew(torch.zeros((1, 4, 4), dtype=torch.bool))
    with pytest.raises(ValueError, match="images must have shape"):
        deskew(torch.zeros((4, 4)))
