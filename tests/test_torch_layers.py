"""LinearSVM and RandomFourierFeatures: numpy agreement, buffers, devices, state_dict."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from svmkit import kernels  # noqa: E402
from svmkit.torch import LinearSVM, RandomFourierFeatures, rff_svm  # noqa: E402

DEVICES = ["cpu", pytest.param("cuda", marks=pytest.mark.gpu)]

pytestmark = pytest.mark.usefixtures("torch_single_thread")


def _skip_without(device: str) -> None:
    if device == "cuda" and not torch.cuda.is_available():
        pytest.skip("CUDA is not available")


def _inputs(n: int = 16, d: int = 5, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, d)).astype(np.float32)


@pytest.mark.parametrize(
    ("kernel", "orthogonal"),
    [("gaussian", False), ("gaussian", True), ("laplacian", False), ("cauchy", False)],
)
@pytest.mark.parametrize("scale", [None, 0.7])
def test_rff_matches_numpy_reference(kernel, orthogonal, scale):
    X = _inputs()
    layer = RandomFourierFeatures(5, 300, kernel=kernel, sigma=scale, orthogonal=orthogonal, seed=3)
    sigma = kernels.default_scale(5, kernel) if scale is None else scale
    omega = kernels.sample_frequencies(5, 300, kernel=kernel, orthogonal=orthogonal, seed=3)
    beta = kernels.sample_phases(300, seed=3)
    expected = kernels.random_fourier_features(X, omega, beta, sigma)
    with torch.no_grad():
        phi = layer(torch.from_numpy(X))
    assert phi.dtype == torch.float32
    if kernel == "laplacian":
        # Cauchy frequencies have heavy tails: |x·ω/σ| reaches the hundreds, where float32 rounding
        # of the phase alone is ~1e-5. Bound the error by a few float32 ulps of the phase instead.
        phase = np.abs(X) @ np.abs(omega) / sigma + beta
        bound = math.sqrt(2 / 300) * 8 * np.finfo(np.float32).eps * (phase + 1.0)
        assert (np.abs(phi.numpy() - expected) <= bound).all()
        assert np.median(np.abs(phi.numpy() - expected)) < 1e-6
    else:
        np.testing.assert_allclose(phi.numpy(), expected, atol=1e-5)
    np.testing.assert_allclose(layer.omega.numpy(), omega, rtol=1e-6)  # float32 copy of Ω
    assert float(layer.sigma) == pytest.approx(sigma)


def test_rff_float64_is_exact_and_accepts_float64_input():
    X = _inputs().astype(np.float64)
    layer = RandomFourierFeatures(5, 64, seed=1, dtype=torch.float64)
    expected = kernels.random_fourier_features(
        X,
        kernels.sample_frequencies(5, 64, seed=1),
        kernels.sample_phases(64, seed=1),
        float(layer.sigma),
    )
    np.testing.assert_allclose(layer(torch.from_numpy(X)).detach().numpy(), expected, atol=1e-12)
    # A float64 input to a float32 layer is cast, not rejected.
    assert RandomFourierFeatures(5, 8, seed=1)(torch.from_numpy(X)).dtype == torch.float32


def test_rff_approximates_kernel():
    X = _inputs(20, 3)
    layer = RandomFourierFeatures(3, 8192, kernel="laplacian", sigma=2.0, seed=0)
    phi = layer(torch.from_numpy(X)).double().numpy()
    exact = kernels.laplacian_kernel(X, sigma=2.0)
    assert np.abs(phi @ phi.T - exact).mean() < 0.02


def test_rff_buffers_parameters_and_grad_paths():
    frozen = RandomFourierFeatures(4, 32, seed=0)
    assert list(frozen.parameters()) == []
    assert set(dict(frozen.named_buffers())) == {"omega", "beta", "sigma"}
    x = torch.randn(5, 4, generator=torch.Generator().manual_seed(0))
    out = frozen(x)
    assert out.grad_fn is None  # the in-place fast path
    x_grad = x.clone().requires_grad_(True)
    out_grad = frozen(x_grad)  # the autograd path must give the same numbers
    torch.testing.assert_close(out_grad.detach(), out)
    out_grad.sum().backward()
    assert x_grad.grad is not None and x_grad.grad.abs().sum() > 0

    trainable = RandomFourierFeatures(4, 32, seed=0, trainable=True)
    assert [name for name, _ in trainable.named_parameters()] == ["sigma"]
    torch.testing.assert_close(trainable(x).detach(), out)
    trainable(x).sum().backward()
    assert trainable.sigma.grad is not None and trainable.sigma.grad != 0


def test_rff_leading_dimensions():
    layer = RandomFourierFeatures(3, 10, seed=0)
    x = torch.randn(2, 4, 3)
    torch.testing.assert_close(layer(x), layer(x.reshape(8, 3)).reshape(2, 4, 10))


def test_rff_seed_none_follows_torch_manual_seed():
    torch.manual_seed(123)
    first = RandomFourierFeatures(3, 16)
    torch.manual_seed(123)
    second = RandomFourierFeatures(3, 16)
    third = RandomFourierFeatures(3, 16)
    torch.testing.assert_close(first.omega, second.omega)
    assert not torch.equal(second.omega, third.omega)


@pytest.mark.parametrize("trainable", [False, True])
def test_state_dict_round_trip(trainable):
    model = rff_svm(3, n_classes=3, output_dim=64, seed=1, trainable=trainable)
    with torch.no_grad():
        model[1].weight.normal_()
        model[1].bias.normal_()
        if trainable:
            model[0].sigma.fill_(0.37)
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    buffer.seek(0)
    fresh = rff_svm(3, n_classes=3, output_dim=64, seed=99, trainable=trainable)
    x = torch.randn(7, 3)
    assert not torch.equal(fresh(x), model(x))
    fresh.load_state_dict(torch.load(buffer, weights_only=True))
    torch.testing.assert_close(fresh(x), model(x), rtol=0, atol=0)


@pytest.mark.parametrize("device", DEVICES)
def test_to_device_moves_buffers(device):
    _skip_without(device)
    model = rff_svm(5, n_classes=2, output_dim=128, seed=0)
    with torch.no_grad():
        model[1].weight.normal_(generator=torch.Generator().manual_seed(0))
    X = torch.from_numpy(_inputs())
    expected = model(X).detach()
    model.to(device)
    assert model[0].omega.device.type == device and model[0].sigma.device.type == device
    torch.testing.assert_close(model(X.to(device)).detach().cpu(), expected, atol=1e-5, rtol=1e-5)


def test_linear_svm_basics():
    svm = LinearSVM(3, 2)
    assert svm.weight.shape == (2, 3) and svm.bias.shape == (2,)
    assert torch.count_nonzero(svm.weight) == 0  # w = 0 start
    assert repr(svm) == "LinearSVM(in_features=3, out_features=2, bias=True)"
    assert LinearSVM(3, bias=False).bias is None
    assert LinearSVM(3, bias=False)(torch.ones(4, 3)).shape == (4, 1)
    binary = LinearSVM(2)
    assert binary.margin_width() == math.inf
    with torch.no_grad():
        binary.weight.copy_(torch.tensor([[0.6, 0.8]]))
        binary.bias.fill_(0.5)
    assert binary.margin_width() == pytest.approx(2.0)
    torch.testing.assert_close(binary(torch.tensor([[1.0, 1.0]])), torch.tensor([[1.9]]))
    binary.reset_parameters()
    assert torch.count_nonzero(binary.weight) == 0


def test_rff_svm_heads():
    assert rff_svm(4, n_classes=2, output_dim=8, seed=0)[1].out_features == 1
    model = rff_svm(4, n_classes=5, output_dim=8, seed=0, kernel="cauchy", sigma=3.0)
    assert model[1].out_features == 5 and model[0].kernel == "cauchy"
    assert model(torch.zeros(2, 4)).shape == (2, 5)
    assert "sigma=3.0" in repr(model)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: RandomFourierFeatures(3, 0), ValueError, "output_dim"),
        (lambda: RandomFourierFeatures(3, -5), ValueError, "output_dim"),
        (lambda: RandomFourierFeatures(3, 2.0), TypeError, "output_dim"),
        (lambda: RandomFourierFeatures(0, 4), ValueError, "in_features"),
        (lambda: RandomFourierFeatures(3, 4, sigma=0.0), ValueError, "sigma"),
        (lambda: RandomFourierFeatures(3, 4, sigma=-1.0), ValueError, "sigma"),
        (lambda: RandomFourierFeatures(3, 4, sigma="big"), TypeError, "sigma"),
        (lambda: RandomFourierFeatures(3, 4, kernel="rbf"), ValueError, "kernel"),
        (
            lambda: RandomFourierFeatures(3, 4, kernel="cauchy", orthogonal=True),
            ValueError,
            "orthogonal",
        ),
        (lambda: RandomFourierFeatures(3, 4, seed=-2), ValueError, "seed"),
        (lambda: RandomFourierFeatures(3, 4, seed=0)(torch.zeros(2, 5)), ValueError, "in_features"),
        (lambda: LinearSVM(0), ValueError, "in_features"),
        (lambda: LinearSVM(3, out_features=0), ValueError, "out_features"),
        (lambda: LinearSVM(3, out_features=3).margin_width(), ValueError, "out_features"),
        (lambda: rff_svm(3, n_classes=1), ValueError, "n_classes"),
    ],
)
def test_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()
