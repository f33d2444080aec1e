"""PyTorch modules: a linear SVM and random Fourier features.

Both follow the shape of :class:`torch.nn.Linear`: parameters and buffers registered in
``__init__``, a separate ``reset_parameters``, a one-line ``forward`` and an ``extra_repr``. The
frozen random weights of :class:`RandomFourierFeatures` are *buffers*, so ``.to(device)`` moves
them and ``state_dict()`` saves them, but no optimiser ever updates them.

Examples
--------
>>> import torch
>>> model = rff_svm(2, n_classes=2, output_dim=64, seed=0)
>>> model(torch.zeros(5, 2)).shape
torch.Size([5, 1])
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import torch
from torch import Tensor, nn

from svmkit import kernels
from svmkit._validation import check_positive_int
from svmkit.contract import FeatureSpec

__all__ = ["LinearSVM", "RandomFourierFeatures", "rff_svm"]


class LinearSVM(nn.Module):
    """Linear decision function ``z = x Wᵀ + b``, trained with a hinge loss.

    Parameters
    ----------
    in_features : int
        Input dimension d.
    out_features : int, default=1
        1 for a binary SVM, K for a multiclass (one-vs-rest or Crammer–Singer) SVM.
    bias : bool, default=True
        Whether to learn the intercept ``b`` (never weight-decayed by :func:`svmkit.torch.fit`).

    Attributes
    ----------
    weight : torch.nn.Parameter of shape (out_features, in_features)
    bias : torch.nn.Parameter of shape (out_features,) or None

    Examples
    --------
    >>> import torch
    >>> svm = LinearSVM(2)
    >>> svm
    LinearSVM(in_features=2, out_features=1, bias=True)
    >>> with torch.no_grad():
    ...     svm.weight.copy_(torch.tensor([[3.0, 4.0]]))
    ...     svm.bias.fill_(-1.0)
    Parameter containing:...
    >>> svm(torch.tensor([[1.0, 1.0]]))
    tensor([[6.]], grad_fn=<AddmmBackward0>)
    >>> svm.margin_width()  # 2 / ‖w‖ = 2 / 5
    0.4
    """

    def __init__(
        self,
        in_features: int,
        out_features: int = 1,
        bias: bool = True,
        *,
        device: Any = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__()
        self.in_features = check_positive_int(in_features, "in_features")
        self.out_features = check_positive_int(out_features, "out_features")
        factory = {"device": device, "dtype": dtype}
        self.weight = nn.Parameter(torch.empty(self.out_features, self.in_features, **factory))
        if bias:
            self.bias = nn.Parameter(torch.empty(self.out_features, **factory))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Start from ``w = 0, b = 0``.

        The soft-margin objective is convex, so the starting point does not change the solution;
        zeros make every run start from the same place without needing a seed.
        """
        nn.init.zeros_(self.weight)
        if self.bias is not None:
            nn.init.zeros_(self.bias)

    def forward(self, x: Tensor) -> Tensor:
        return nn.functional.linear(x, self.weight, self.bias)

    def margin_width(self) -> float:
        """Width ``2 / ‖w‖`` of the band between ``z = −1`` and ``z = +1`` (binary SVM only).

        Returns ``inf`` while ``w = 0``.
        """
        if self.out_features != 1:
            raise ValueError(
                f"margin_width is defined for a binary SVM (out_features=1), "
                f"got out_features={self.out_features}"
            )
        norm = float(torch.linalg.vector_norm(self.weight.detach()))
        return math.inf if norm == 0.0 else 2.0 / norm

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class RandomFourierFeatures(nn.Module):
    """Random Fourier feature map ``φ(x) = sqrt(2/D) · cos(x Ω / σ + β)``.

    ``φ(x)·φ(y)`` approximates the chosen shift-invariant kernel with error ~ 1/√D, so a
    :class:`LinearSVM` on top of φ is an approximate kernel SVM trained in O(n D) time.

    Parameters
    ----------
    in_features : int
        Input dimension d.
    output_dim : int
        Number of random features D.
    kernel : {"gaussian", "laplacian", "cauchy"}, default="gaussian"
        Kernel to approximate (see :mod:`svmkit.kernels`).
    sigma : float or None, default=None
        Length scale σ; ``None`` uses :func:`svmkit.kernels.default_scale` (``sqrt(d/2)`` for the
        gaussian kernel, 1 otherwise).
    trainable : bool, default=False
        Learn σ by gradient descent (an ``nn.Parameter``; kept ≥ 1e-6 in ``forward``). Then the
        features change during training and cannot be precomputed.
    orthogonal : bool, default=False
        Orthogonal random features (gaussian kernel only): lower variance at equal D.
    seed : int or None, default=None
        Seed of :func:`svmkit.kernels.sample_frequencies` / :func:`~svmkit.kernels.sample_phases`,
        so a seed gives exactly the numpy reference (and the Keras layer). ``None`` draws the seed
        from PyTorch's global generator, so ``torch.manual_seed`` makes the layer reproducible.
    normalize : bool, default=True
        Multiply the cosines by ``sqrt(2/D)`` so that ``φ(x)·φ(y) ≈ k(x, y)``. ``False`` gives the
        plain cosines of the old tf.keras layer. The names, defaults and checks of all these
        arguments are :class:`svmkit.contract.FeatureSpec`'s, shared with the Keras twin.

    Attributes
    ----------
    omega : torch.Tensor of shape (in_features, output_dim)
        Frozen unscaled frequencies (buffer).
    beta : torch.Tensor of shape (output_dim,)
        Frozen phases in [0, 2π) (buffer).
    sigma : torch.Tensor
        0-d tensor σ: a parameter when ``trainable`` else a buffer.

    Examples
    --------
    >>> import numpy as np, torch
    >>> from svmkit.kernels import gaussian_kernel
    >>> rff = RandomFourierFeatures(3, output_dim=8192, sigma=2.0, seed=0)
    >>> rff
    RandomFourierFeatures(in_features=3, output_dim=8192, kernel='gaussian', sigma=2.0, ...)
    >>> x = torch.randn(4, 3, generator=torch.Generator().manual_seed(0))
    >>> phi = rff(x)
    >>> exact = gaussian_kernel(x.numpy(), sigma=2.0)
    >>> bool(np.abs((phi @ phi.T).numpy() - exact).max() < 0.05)
    True
    """

    def __init__(
        self,
        in_features: int,
        output_dim: int,
        kernel: str = FeatureSpec.kernel,
        sigma: float | None = FeatureSpec.sigma,
        trainable: bool = FeatureSpec.trainable,
        orthogonal: bool = FeatureSpec.orthogonal,
        seed: int | None = FeatureSpec.seed,
        normalize: bool = FeatureSpec.normalize,
        *,
        device: Any = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__()
        self.in_features = check_positive_int(in_features, "in_features")
        spec = FeatureSpec(
            kernel=kernel,
            sigma=sigma,
            output_dim=output_dim,
            orthogonal=orthogonal,
            normalize=normalize,
            seed=seed,
            trainable=trainable,
        )
        if spec.seed is None:
            # Tie the numpy draw to torch's global RNG so torch.manual_seed still controls it.
            spec = dataclasses.replace(
                spec, seed=int(torch.randint(0, 2**62, (), dtype=torch.int64))
            )
        self.spec = spec  # owns output_dim, kernel, seed, orthogonal, normalize, trainable
        self.initial_sigma = spec.resolved_sigma(self.in_features)
        dtype = dtype if dtype is not None else torch.get_default_dtype()
        factory = {"device": device, "dtype": dtype}
        self.register_buffer("omega", torch.empty(self.in_features, self.output_dim, **factory))
        self.register_buffer("beta", torch.empty(self.output_dim, **factory))
        sigma_tensor = torch.empty((), **factory)
        if self.trainable:
            self.sigma = nn.Parameter(sigma_tensor)
        else:
            self.register_buffer("sigma", sigma_tensor)
        self.reset_parameters()

    # The feature map's settings are read from its FeatureSpec, never copied: one source of truth.
    output_dim = property(lambda self: self.spec.output_dim, doc="Number of random features D.")
    kernel = property(lambda self: self.spec.kernel, doc="The kernel approximated.")
    seed = property(lambda self: self.spec.seed, doc="Seed of Ω and β (drawn if none given).")
    orthogonal = property(lambda self: self.spec.orthogonal, doc="Orthogonal random features.")
    normalize = property(lambda self: self.spec.normalize, doc="Whether cos is scaled by √(2/D).")
    trainable = property(lambda self: self.spec.trainable, doc="Whether σ is a parameter.")

    def reset_parameters(self) -> None:
        """(Re)draw Ω and β from the seed and reset σ to its initial value."""
        omega = kernels.sample_frequencies(
            self.in_features,
            self.output_dim,
            kernel=self.kernel,
            orthogonal=self.orthogonal,
            seed=self.seed,
        )
        beta = kernels.sample_phases(self.output_dim, seed=self.seed)
        with torch.no_grad():
            self.omega.copy_(torch.from_numpy(omega))
            self.beta.copy_(torch.from_numpy(beta))
            self.sigma.fill_(self.initial_sigma)

    def forward(self, x: Tensor) -> Tensor:
        if x.shape[-1] != self.in_features:
            raise ValueError(
                f"x has {x.shape[-1]} features but the layer expects in_features={self.in_features}"
            )
        leading = x.shape[:-1]
        x = x.reshape(-1, self.in_features).to(self.omega.dtype)
        # Dividing Ω (d×D) rather than x Ω (n×D) by σ costs d·D instead of n·D; the clamp keeps a
        # trainable σ positive (Keras uses a non-negativity constraint for the same reason).
        sigma = self.sigma.clamp_min(1e-6) if self.trainable else self.sigma
        projection = torch.addmm(self.beta, x, self.omega / sigma)
        if projection.requires_grad:
            features = torch.cos(projection)
            if self.normalize:
                features = features * self.spec.amplitude
        else:
            # Nothing to differentiate: reuse the GEMM output buffer instead of allocating two more.
            features = projection.cos_()
            if self.normalize:
                features.mul_(self.spec.amplitude)
        return features.reshape(*leading, self.output_dim)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, output_dim={self.output_dim}, "
            f"kernel={self.kernel!r}, sigma={round(self.initial_sigma, 4)!r}, "
            f"trainable={self.trainable}, orthogonal={self.orthogonal}, "
            f"normalize={self.normalize}"
        )


def rff_svm(
    in_features: int,
    n_classes: int = 2,
    output_dim: int = 1024,
    *,
    kernel: str = "gaussian",
    sigma: float | None = None,
    trainable: bool = False,
    orthogonal: bool = False,
    seed: int | None = None,
) -> nn.Sequential:
    """Approximate kernel SVM: ``nn.Sequential(RandomFourierFeatures, LinearSVM)``.

    Parameters
    ----------
    in_features : int
        Input dimension d.
    n_classes : int, default=2
        2 gives one output (binary hinge losses); K > 2 gives K outputs (multiclass losses).
    output_dim : int, default=1024
        Number of random features D.
    kernel, sigma, trainable, orthogonal, seed
        Passed to :class:`RandomFourierFeatures`.

    Returns
    -------
    torch.nn.Sequential
        ``model[0]`` is the feature map, ``model[1]`` the linear SVM.

    Examples
    --------
    >>> rff_svm(784, n_classes=10, output_dim=4096, sigma=5.0, seed=0)[1]
    LinearSVM(in_features=4096, out_features=10, bias=True)
    """
    n_classes = check_positive_int(n_classes, "n_classes")
    if n_classes < 2:
        raise ValueError(f"n_classes must be at least 2, got {n_classes}")
    features = RandomFourierFeatures(
        in_features,
        output_dim,
        kernel=kernel,
        sigma=sigma,
        trainable=trainable,
        orthogonal=orthogonal,
        seed=seed,
    )
    head = LinearSVM(output_dim, 1 if n_classes == 2 else n_classes)
    return nn.Sequential(features, head)
