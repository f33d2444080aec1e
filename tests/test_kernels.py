"""Tests of the numpy reference: exact kernels, spectral samplers and random Fourier features."""

from __future__ import annotations

import math

import numpy as np
import pytest

from svmkit import kernels
from svmkit.kernels import (
    KERNELS,
    cauchy_kernel,
    default_scale,
    gaussian_kernel,
    kernel_approximation_error,
    kernel_matrix,
    laplacian_kernel,
    random_fourier_features,
    sample_frequencies,
    sample_phases,
)


def _points(n: int = 30, d: int = 3, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, d))


# --- exact kernels against loops over the textbook formulas ---------------------------------


def _loop_kernel(kernel: str, X: np.ndarray, Y: np.ndarray, sigma: float) -> np.ndarray:
    out = np.empty((len(X), len(Y)))
    for i, x in enumerate(X):
        for j, y in enumerate(Y):
            diff = x - y
            if kernel == "gaussian":
                out[i, j] = math.exp(-sum(diff**2) / (2 * sigma**2))
            elif kernel == "laplacian":
                out[i, j] = math.exp(-sum(abs(diff)) / sigma)
            else:
                out[i, j] = math.prod(1 / (1 + (t / sigma) ** 2) for t in diff)
    return out


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("sigma", [0.5, 2.0])
def test_kernel_matrix_matches_formula(kernel, sigma):
    X, Y = _points(7, 3, seed=1), _points(5, 3, seed=2)
    expected = _loop_kernel(kernel, X, Y, sigma)
    np.testing.assert_allclose(
        kernel_matrix(X, Y, kernel=kernel, sigma=sigma), expected, rtol=1e-10
    )


def test_named_kernels_and_symmetric_default():
    X = _points(6, 2)
    for function, name in [
        (gaussian_kernel, "gaussian"),
        (laplacian_kernel, "laplacian"),
        (cauchy_kernel, "cauchy"),
    ]:
        K = function(X, sigma=1.3)
        np.testing.assert_allclose(K, K.T, atol=1e-12)
        np.testing.assert_allclose(np.diag(K), 1.0, atol=1e-12)
        np.testing.assert_allclose(K, _loop_kernel(name, X, X, 1.3), rtol=1e-10, atol=1e-12)


def test_pairwise_chunking_gives_same_result(monkeypatch):
    X, Y = _points(9, 4, seed=3), _points(11, 4, seed=4)
    whole = laplacian_kernel(X, Y, sigma=1.0)
    monkeypatch.setattr(kernels, "_CHUNK_ELEMENTS", 1)  # forces one row per chunk
    np.testing.assert_allclose(laplacian_kernel(X, Y, sigma=1.0), whole, rtol=1e-12)


def test_default_scale():
    assert default_scale(8, "gaussian") == pytest.approx(2.0)
    assert default_scale(50, "gaussian") == pytest.approx(5.0)
    assert default_scale(8, "laplacian") == 1.0
    assert default_scale(8, "cauchy") == 1.0


# --- samplers --------------------------------------------------------------------------------


def test_samplers_are_seeded_and_shaped():
    omega = sample_frequencies(3, 10, seed=5)
    assert omega.shape == (3, 10)
    np.testing.assert_array_equal(omega, sample_frequencies(3, 10, seed=5))
    assert not np.array_equal(omega, sample_frequencies(3, 10, seed=6))
    beta = sample_phases(10, seed=5)
    assert beta.shape == (10,)
    np.testing.assert_array_equal(beta, sample_phases(10, seed=5))
    assert ((beta >= 0) & (beta < 2 * np.pi)).all()
    # Ω uses exactly np.random.default_rng(seed), the documented contract for other frameworks.
    np.testing.assert_array_equal(omega, np.random.default_rng(5).standard_normal((3, 10)))


@pytest.mark.parametrize(
    ("kernel", "median", "upper_quartile"),
    # Quantiles of |ω| identify the spectral densities and are robust to Cauchy tails:
    # N(0, 1): 0.6745, 1.1503; Cauchy(0, 1): tan(π/4), tan(3π/8); Laplace(0, 1): ln 2, ln 4.
    [
        ("gaussian", 0.67449, 1.15035),
        ("laplacian", 1.0, math.tan(3 * math.pi / 8)),
        ("cauchy", math.log(2.0), math.log(4.0)),
    ],
)
def test_frequency_distributions(kernel, median, upper_quartile):
    magnitudes = np.abs(sample_frequencies(4, 50_000, kernel=kernel, seed=0))
    assert np.quantile(magnitudes, 0.5) == pytest.approx(median, rel=0.02)
    assert np.quantile(magnitudes, 0.75) == pytest.approx(upper_quartile, rel=0.02)


def test_phases_uniform():
    beta = sample_phases(100_000, seed=1)
    assert beta.mean() == pytest.approx(np.pi, rel=0.01)
    assert beta.var() == pytest.approx((2 * np.pi) ** 2 / 12, rel=0.02)


def test_phases_independent_of_frequencies():
    # With a shared bit stream the first-row frequencies and the phases would be dependent.
    omega = sample_frequencies(1, 20_000, seed=3)[0]
    beta = sample_phases(20_000, seed=3)
    assert abs(np.corrcoef(np.abs(omega), beta)[0, 1]) < 0.03
    assert abs(np.corrcoef(np.sign(omega), np.cos(beta))[0, 1]) < 0.03


def test_orthogonal_blocks():
    d = 5
    omega = sample_frequencies(d, 12, orthogonal=True, seed=0)
    assert omega.shape == (d, 12)
    for start in (0, d):
        block = omega[:, start : start + d]
        gram = block.T @ block
        # Columns inside a block are orthogonal; their lengths are the chi(d) norms.
        np.testing.assert_allclose(gram - np.diag(np.diag(gram)), 0.0, atol=1e-10)
    # Marginally each column is N(0, I): E‖ω‖² = d.
    many = sample_frequencies(d, 20_000, orthogonal=True, seed=1)
    assert (many**2).sum(0).mean() == pytest.approx(d, rel=0.03)
    assert many.std() == pytest.approx(1.0, rel=0.03)


# --- random Fourier features -------------------------------------------------------------------


def test_random_fourier_features_formula():
    X = _points(4, 2)
    omega, beta = sample_frequencies(2, 6, seed=0), sample_phases(6, seed=0)
    phi = random_fourier_features(X, omega, beta, 1.7)
    expected = np.array(
        [
            [
                math.sqrt(2 / 6)
                * math.cos(sum(x[k] * omega[k, j] for k in range(2)) / 1.7 + beta[j])
                for j in range(6)
            ]
            for x in X
        ]
    )
    np.testing.assert_allclose(phi, expected, rtol=1e-12)


@pytest.mark.parametrize("kernel", KERNELS)
def test_error_falls_like_inverse_sqrt_dim(kernel):
    X = _points(40, 4, seed=7)
    sigma = default_scale(4, kernel) if kernel == "gaussian" else 2.0
    dims = [64, 256, 1024, 4096, 8192]
    errors = [
        np.mean(
            [
                kernel_approximation_error(X, kernel=kernel, sigma=sigma, output_dim=D, seed=s)
                for s in range(3)
            ]
        )
        for D in dims
    ]
    slope = np.polyfit(np.log(dims), np.log(errors), 1)[0]
    assert -0.65 < slope < -0.35, (slope, errors)
    assert errors[-1] < 0.02


def test_unbiased_kernel_estimate():
    # E[φ(x)·φ(y)] = k(x, y): averaging many independent small feature maps converges to k.
    X = _points(6, 3, seed=8)
    exact = cauchy_kernel(X, sigma=1.5)
    estimates = []
    for seed in range(300):
        phi = random_fourier_features(
            X,
            sample_frequencies(3, 32, kernel="cauchy", seed=seed),
            sample_phases(32, seed=seed),
            1.5,
        )
        estimates.append(phi @ phi.T)
    np.testing.assert_allclose(np.mean(estimates, axis=0), exact, atol=0.03)


def test_orthogonal_features_beat_plain_ones():
    # Orthogonality lowers the variance of the cos(ω·(x − y)) part of φ(x)·φ(y); the phase part
    # cos(ω·(x + y) + 2β) is untouched, so the gain is moderate: assert a 3 % improvement of the
    # mean error over 10 seeds (typically 10–20 %).
    X = _points(40, 16, seed=9)
    sigma = 2 * default_scale(16, "gaussian")

    def mean_error(D: int, orthogonal: bool) -> float:
        return np.mean(
            [
                kernel_approximation_error(
                    X, kernel="gaussian", sigma=sigma, output_dim=D, orthogonal=orthogonal, seed=s
                )
                for s in range(10)
            ]
        )

    for D in (64, 256):
        plain, orthogonal = mean_error(D, False), mean_error(D, True)
        assert orthogonal < 0.97 * plain, (D, orthogonal, plain)


# --- errors name their argument ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: sample_frequencies(2, 0), ValueError, "output_dim"),
        (lambda: sample_frequencies(2, 2.5), TypeError, "output_dim"),
        (lambda: sample_frequencies(0, 4), ValueError, "n_features_in"),
        (lambda: sample_frequencies(2, 4, kernel="rbf"), ValueError, "kernel"),
        (
            lambda: sample_frequencies(2, 4, kernel="laplacian", orthogonal=True),
            ValueError,
            "orthogonal",
        ),
        (lambda: sample_frequencies(2, 4, seed=-1), ValueError, "seed"),
        (lambda: sample_frequencies(2, 4, seed="a"), TypeError, "seed"),
        (lambda: sample_phases(-3), ValueError, "output_dim"),
        (lambda: gaussian_kernel([[0.0]], sigma=0.0), ValueError, "sigma"),
        (lambda: laplacian_kernel([[0.0]], sigma=-1.0), ValueError, "sigma"),
        (lambda: cauchy_kernel([[0.0, 1.0]], [[0.0]]), ValueError, "Y"),
        (lambda: kernel_matrix([[0.0]], kernel="poly", sigma=1.0), ValueError, "kernel"),
        (lambda: kernel_matrix([0.0, 1.0], kernel="gaussian", sigma=1.0), ValueError, "X"),
        (lambda: default_scale(4, "linear"), ValueError, "kernel"),
        (
            lambda: random_fourier_features([[0.0]], np.ones((2, 3)), np.ones(3), 1.0),
            ValueError,
            "omega",
        ),
        (
            lambda: random_fourier_features([[0.0]], np.ones((1, 3)), np.ones(2), 1.0),
            ValueError,
            "beta",
        ),
        (
            lambda: random_fourier_features([[0.0]], np.ones((1, 3)), np.ones(3), 0.0),
            ValueError,
            "scale",
        ),
    ],
)
def test_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ------------------------------------------------------------------ issue 14: mutation survivors


@pytest.mark.parametrize("kernel", [gaussian_kernel, laplacian_kernel, cauchy_kernel])
def test_default_length_scale_is_one(kernel):
    X = np.random.default_rng(0).normal(size=(5, 2))
    np.testing.assert_array_equal(kernel(X), kernel(X, sigma=1.0))
    assert not np.allclose(kernel(X), kernel(X, sigma=2.0))


def test_gaussian_kernel_never_exceeds_one_despite_rounding():
    """Far from the origin ‖x‖² + ‖y‖² − 2x·y rounds below 0 for x = y; the clip keeps K ≤ 1."""
    X = 1e4 + np.random.default_rng(0).normal(size=(20, 3)) * 1e-3
    K = gaussian_kernel(X)
    assert K.max() <= 1.0
    np.testing.assert_array_equal(np.diag(K), 1.0)


@pytest.mark.parametrize("kernel", [laplacian_kernel, cauchy_kernel])
def test_pairwise_kernels_keep_the_common_dtype(kernel):
    x32, x64 = np.ones((2, 3), np.float32), np.ones((4, 3))
    assert kernel(x32).dtype == np.float32
    assert kernel(x32, x64).dtype == kernel(x64, x32).dtype == np.float64


def test_approximation_error_is_reproducible_with_a_seed():
    X = np.random.default_rng(0).normal(size=(10, 2))
    first = kernel_approximation_error(X, kernel="gaussian", sigma=1.0, output_dim=32, seed=3)
    again = kernel_approximation_error(X, kernel="gaussian", sigma=1.0, output_dim=32, seed=3)
    other = kernel_approximation_error(X, kernel="gaussian", sigma=1.0, output_dim=32, seed=4)
    assert first == again != other


def test_phases_follow_their_documented_stream():
    """β is drawn from ``default_rng([seed, 1])`` (not Ω's stream); unseeded draws differ."""
    expected = np.random.default_rng([5, 1]).uniform(0.0, 2.0 * np.pi, size=6)
    np.testing.assert_array_equal(sample_phases(6, seed=5), expected)
    assert not np.array_equal(sample_phases(6), sample_phases(6))
