"""The random Fourier feature maps against scikit-learn's ``RBFSampler``, weight for weight.

``RBFSampler`` computes ``sqrt(2/D) · cos(x W + b)`` with ``W = sqrt(2γ) · N(0, 1)`` and
``b ~ U[0, 2π)``. Fed the same ``W`` and ``b`` (``random_weights_``, ``random_offset_``), the numpy
reference, the PyTorch and Keras layers and the fitted estimator must give the same features (the
course's "agrees with RBFSampler" claim), and the estimator's own draws must follow the same law.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.kernel_approximation import RBFSampler

from svmkit.kernels import random_fourier_features

GAMMA = 0.3


@pytest.fixture(scope="module")
def sampler_and_data():
    X = np.random.default_rng(0).normal(size=(40, 3))
    sampler = RBFSampler(gamma=GAMMA, n_components=256, random_state=0).fit(X)
    return sampler, X


def test_numpy_reference_equals_rbf_sampler(sampler_and_data):
    sampler, X = sampler_and_data
    expected = sampler.transform(X)
    phi = random_fourier_features(X, sampler.random_weights_, sampler.random_offset_, 1.0)
    np.testing.assert_allclose(phi, expected, rtol=0, atol=1e-12)
    # The same map written as unscaled Ω over the length scale σ = 1/sqrt(2γ).
    sigma = 1.0 / math.sqrt(2 * GAMMA)
    omega = sampler.random_weights_ * sigma
    scaled = random_fourier_features(X, omega, sampler.random_offset_, sigma)
    np.testing.assert_allclose(scaled, expected, rtol=0, atol=1e-12)


def test_torch_layer_with_rbf_sampler_weights(sampler_and_data):
    torch = pytest.importorskip("torch")
    from svmkit.torch import RandomFourierFeatures

    sampler, X = sampler_and_data
    layer = RandomFourierFeatures(3, 256, sigma=2.0, seed=1, dtype=torch.float64)
    with torch.no_grad():
        layer.omega.copy_(torch.from_numpy(sampler.random_weights_))
        layer.beta.copy_(torch.from_numpy(sampler.random_offset_))
        layer.sigma.fill_(1.0)
    phi = layer(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(phi, sampler.transform(X), rtol=0, atol=1e-12)
    with torch.no_grad():  # the graph-building branch (trainable σ) computes the same map
        assert torch.allclose(layer(torch.from_numpy(X).requires_grad_()), torch.from_numpy(phi))


def test_keras_layer_with_rbf_sampler_weights(sampler_and_data):
    pytest.importorskip("keras")
    from svmkit.keras import RandomFourierFeatures

    sampler, X = sampler_and_data
    layer = RandomFourierFeatures(256, sigma=2.0, seed=1)
    layer.build((None, 3))
    layer.omega.assign(sampler.random_weights_.astype("float32"))
    layer.beta.assign(sampler.random_offset_.astype("float32"))
    layer.sigma.assign(np.ones(1, dtype="float32"))
    phi = np.asarray(layer(X.astype("float32")))
    np.testing.assert_allclose(phi, sampler.transform(X), rtol=0, atol=2e-6)


def test_fitted_estimator_is_rbf_sampler_plus_a_linear_head():
    """``random_weights_`` and ``random_offset_`` mean what they mean in ``RBFSampler``."""
    from svmkit.data import make_moons
    from svmkit.estimator import SVMClassifier

    X, y = make_moons(120, seed=0)
    model = SVMClassifier(gamma=GAMMA, n_components=64, max_epochs=2, random_state=0).fit(X, y)
    sampler = RBFSampler(gamma=GAMMA, n_components=64).fit(X)
    sampler.random_weights_ = model.random_weights_.astype(np.float64)
    sampler.random_offset_ = model.random_offset_.astype(np.float64)
    z = sampler.transform(X) @ model.coef_[0].astype(np.float64) + model.intercept_[0]
    np.testing.assert_allclose(model.decision_function(X), z, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("kernel", ["rbf", "laplacian"])
def test_estimator_draws_frequencies_from_the_kernels_spectral_density(kernel):
    """rbf: W ~ N(0, 2γ) as in RBFSampler; laplacian: W ~ Cauchy(0, γ) (median |W| = γ)."""
    from svmkit.data import make_moons
    from svmkit.estimator import SVMClassifier

    X, y = make_moons(60, seed=0)
    model = SVMClassifier(
        kernel=kernel, gamma=GAMMA, n_components=4096, max_epochs=1, random_state=0
    ).fit(X, y)
    weights = model.random_weights_.ravel()  # 8192 draws
    if kernel == "rbf":
        assert weights.std() == pytest.approx(math.sqrt(2 * GAMMA), rel=0.03)
    else:
        assert np.median(np.abs(weights)) == pytest.approx(GAMMA, rel=0.05)
    offsets = model.random_offset_
    assert offsets.min() >= 0 and offsets.max() < 2 * np.pi
    assert offsets.mean() == pytest.approx(np.pi, rel=0.05)
