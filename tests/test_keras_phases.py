"""The Keras RFF phases β ~ U[0, 2π) and frequencies Ω for every way they can be initialised.

β has its own code path for a kernel name (numpy's ``sample_phases``) and for an Initializer
object (a Keras ``RandomUniform``); a wrong range in either (U[0, π/2) passed every test before,
issue 14) biases the kernel estimate. D = 2048 draws make the checks below fail for any range
that is not [0, 2π) while passing for the right one with overwhelming probability.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from svmkit import kernels  # noqa: E402
from svmkit.keras import RandomFourierFeatures  # noqa: E402
from svmkit.keras.compat import RandomFourierFeatures as TfKerasRandomFourierFeatures  # noqa: E402

D = 2048
D_IN = 6


def _initializer(seed):
    return keras.initializers.RandomNormal(stddev=2.0, seed=seed)


LAYERS = {
    "gaussian": lambda seed: RandomFourierFeatures(D, kernel="gaussian", seed=seed),
    "laplacian": lambda seed: RandomFourierFeatures(D, kernel="laplacian", seed=seed),
    "cauchy": lambda seed: RandomFourierFeatures(D, kernel="cauchy", seed=seed),
    "orthogonal": lambda seed: RandomFourierFeatures(D, orthogonal=True, seed=seed),
    "initializer": lambda seed: RandomFourierFeatures(D, kernel=_initializer(seed), seed=seed),
    "initializer-sigma": lambda seed: RandomFourierFeatures(
        D, kernel=_initializer(seed), sigma=3.0, seed=seed
    ),
    "compat-string": lambda seed: TfKerasRandomFourierFeatures(
        D, kernel_initializer="laplacian", seed=seed
    ),
    "compat-initializer": lambda seed: TfKerasRandomFourierFeatures(
        D, kernel_initializer=_initializer(seed), scale=2.0, seed=seed
    ),
}


def _built(name, seed):
    layer = LAYERS[name](seed)
    layer.build((None, D_IN))
    return layer, np.asarray(layer.omega, np.float64), np.asarray(layer.beta, np.float64)


@pytest.mark.parametrize("seed", [None, 7])
@pytest.mark.parametrize("name", sorted(LAYERS))
def test_phases_are_uniform_on_zero_to_two_pi(name, seed):
    _, _, beta = _built(name, seed)
    assert beta.shape == (D,)
    assert beta.min() >= 0.0 and beta.max() < 2 * math.pi
    # Each quarter of [0, 2π) holds a quarter of the phases (±5 standard deviations).
    counts = np.histogram(beta, bins=4, range=(0, 2 * math.pi))[0]
    np.testing.assert_allclose(counts / D, 0.25, atol=5 * math.sqrt(0.25 * 0.75 / D))
    assert beta.max() > 1.9 * math.pi and beta.min() < 0.1 * math.pi


@pytest.mark.parametrize("name", ["gaussian", "laplacian", "cauchy", "orthogonal", "compat-string"])
def test_seeded_string_kernels_are_the_numpy_reference(name):
    layer, omega, beta = _built(name, 7)
    np.testing.assert_allclose(beta, kernels.sample_phases(D, seed=7), rtol=1e-6)
    expected = kernels.sample_frequencies(
        D_IN, D, kernel=layer.kernel, orthogonal=layer.orthogonal, seed=7
    )
    np.testing.assert_allclose(omega, expected, rtol=1e-5, atol=1e-6)
    # Unseeded layers draw a seed, hence other numbers.
    _, _, unseeded = _built(name, None)
    assert not np.allclose(unseeded, beta)


@pytest.mark.parametrize("name", ["initializer", "initializer-sigma", "compat-initializer"])
def test_an_initializer_object_draws_omega(name):
    layer, omega, beta = _built(name, 3)
    assert omega.shape == (D_IN, D)
    assert omega.std() == pytest.approx(2.0, rel=0.05)  # RandomNormal(stddev=2)
    assert abs(omega.mean()) < 0.1
    _, _, beta_again = _built(name, 3)
    np.testing.assert_array_equal(beta_again, beta)  # seeded: reproducible
    expected_sigma = {"initializer": 1.0, "initializer-sigma": 3.0, "compat-initializer": 2.0}
    assert float(np.asarray(layer.sigma)[0]) == expected_sigma[name]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("gaussian", math.sqrt(D_IN / 2)), ("laplacian", 1.0), ("cauchy", 1.0), ("initializer", 1.0)],
)
def test_default_sigma_of_each_initialisation(name, expected):
    layer, _, _ = _built(name, 0)
    assert float(np.asarray(layer.sigma)[0]) == pytest.approx(expected, rel=1e-6)


def test_features_use_the_drawn_omega_and_beta():
    layer, omega, beta = _built("initializer-sigma", 5)
    X = np.random.default_rng(0).normal(size=(5, D_IN)).astype("float32")
    expected = math.sqrt(2 / D) * np.cos(X @ omega / 3.0 + beta)
    np.testing.assert_allclose(np.asarray(layer(X)), expected, rtol=0, atol=2e-6)
