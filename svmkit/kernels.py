"""Shift-invariant kernels and their random Fourier features, in plain numpy.

This module is the reference that the PyTorch and Keras layers reproduce. Bochner's theorem says
a shift-invariant kernel ``k(x, y) = k(x - y)`` is the Fourier transform of a probability density
p(ω), so

    k(x, y) = E_{ω ~ p, β ~ U[0, 2π)} [ 2 cos(ω·x/σ + β) cos(ω·y/σ + β) ]

and averaging D draws gives the random Fourier features (Rahimi & Recht, 2007)

    φ(x) = sqrt(2/D) · cos(x Ω / σ + β),    φ(x)·φ(y) ≈ k(x, y),

with error shrinking like 1/√D. The three kernels and their spectral densities:

============  ==================================  ====================
kernel        k(x, y)                             Ω entries
============  ==================================  ====================
gaussian      exp(−‖x − y‖² / (2σ²))              Normal(0, 1)
laplacian     exp(−‖x − y‖₁ / σ)                  Cauchy(0, 1)
cauchy        Π_j 1 / (1 + (x_j − y_j)² / σ²)     Laplace(0, 1)
============  ==================================  ====================

Examples
--------
>>> import numpy as np
>>> X = np.random.default_rng(0).normal(size=(50, 3))
>>> error = kernel_approximation_error(X, kernel="gaussian", sigma=1.5, output_dim=4096, seed=0)
>>> bool(error < 0.02)
True
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from svmkit._validation import check_array, check_choice, check_positive, check_positive_int

__all__ = [
    "KERNELS",
    "cauchy_kernel",
    "default_scale",
    "gaussian_kernel",
    "kernel_approximation_error",
    "kernel_matrix",
    "laplacian_kernel",
    "random_fourier_features",
    "sample_frequencies",
    "sample_phases",
]

KERNELS = ("gaussian", "laplacian", "cauchy")

# Pairwise kernels built by broadcasting need an (n, m, d) temporary; process rows in chunks so that
# temporary stays below about 64 MB whatever the sizes.
_CHUNK_ELEMENTS = 8_000_000


def _pair(X: Any, Y: Any) -> tuple[np.ndarray, np.ndarray]:
    X = check_array(X, name="X")
    Y = X if Y is None else check_array(Y, name="Y")
    if Y.shape[1] != X.shape[1]:
        raise ValueError(f"Y has {Y.shape[1]} features but X has {X.shape[1]}")
    return X, Y


def _pairwise_sum(X: np.ndarray, Y: np.ndarray, elementwise) -> np.ndarray:
    """Return S[i, j] = Σ_k elementwise(X[i, k] − Y[j, k]), chunked over rows of X."""
    rows = max(1, _CHUNK_ELEMENTS // max(1, Y.shape[0] * X.shape[1]))
    out = np.empty((X.shape[0], Y.shape[0]), dtype=np.result_type(X, Y))
    for start in range(0, X.shape[0], rows):
        block = X[start : start + rows, None, :] - Y[None, :, :]
        out[start : start + rows] = elementwise(block).sum(axis=-1)
    return out


def gaussian_kernel(X: Any, Y: Any = None, sigma: float = 1.0) -> np.ndarray:
    """Gaussian (RBF) kernel matrix ``K[i, j] = exp(−‖x_i − y_j‖² / (2σ²))``.

    Parameters
    ----------
    X : array-like of shape (n, d)
    Y : array-like of shape (m, d), optional
        Defaults to ``X``.
    sigma : float, default=1.0
        Length scale σ > 0.

    Returns
    -------
    numpy.ndarray of shape (n, m)

    Examples
    --------
    >>> gaussian_kernel([[0.0, 0.0], [1.0, 1.0]], sigma=1.0).round(4)
    array([[1.    , 0.3679],
           [0.3679, 1.    ]])
    """
    X, Y = _pair(X, Y)
    sigma = check_positive(sigma, "sigma")
    # ‖x − y‖² = ‖x‖² + ‖y‖² − 2 x·y turns the pairwise distance into one GEMM; rounding can make it
    # slightly negative, hence the clip.
    squared = (X * X).sum(1)[:, None] + (Y * Y).sum(1)[None, :] - 2.0 * (X @ Y.T)
    np.maximum(squared, 0.0, out=squared)
    return np.exp(-squared / (2.0 * sigma**2))


def laplacian_kernel(X: Any, Y: Any = None, sigma: float = 1.0) -> np.ndarray:
    """Laplacian kernel matrix ``K[i, j] = exp(−‖x_i − y_j‖₁ / σ)``.

    Examples
    --------
    >>> laplacian_kernel([[0.0, 0.0]], [[1.0, -1.0]], sigma=2.0).round(4)
    array([[0.3679]])
    """
    X, Y = _pair(X, Y)
    sigma = check_positive(sigma, "sigma")
    return np.exp(-_pairwise_sum(X, Y, np.abs) / sigma)


def cauchy_kernel(X: Any, Y: Any = None, sigma: float = 1.0) -> np.ndarray:
    """Cauchy kernel matrix ``K[i, j] = Π_k 1 / (1 + (x_ik − y_jk)² / σ²)``.

    Examples
    --------
    >>> cauchy_kernel([[0.0, 0.0]], [[1.0, 1.0]], sigma=1.0)
    array([[0.25]])
    """
    X, Y = _pair(X, Y)
    sigma = check_positive(sigma, "sigma")
    # A product over features is the exp of a sum of logs; log1p keeps precision near zero distance.
    return np.exp(-_pairwise_sum(X, Y, lambda diff: np.log1p((diff / sigma) ** 2)))


_KERNEL_FUNCTIONS = {
    "gaussian": gaussian_kernel,
    "laplacian": laplacian_kernel,
    "cauchy": cauchy_kernel,
}


def kernel_matrix(X: Any, Y: Any = None, *, kernel: str, sigma: float) -> np.ndarray:
    """Exact kernel matrix for one of ``KERNELS``.

    Examples
    --------
    >>> kernel_matrix([[0.0], [2.0]], kernel="laplacian", sigma=1.0).round(4)
    array([[1.    , 0.1353],
           [0.1353, 1.    ]])
    """
    check_choice(kernel, "kernel", KERNELS)
    return _KERNEL_FUNCTIONS[kernel](X, Y, sigma=sigma)


def default_scale(n_features_in: int, kernel: str) -> float:
    """Default length scale σ used when ``scale=None`` (the old ``tf.keras`` convention).

    ``sqrt(d / 2)`` for the gaussian kernel, so that ‖x − y‖² / (2σ²) is about 1 for standardised
    data (where E‖x − y‖² = 2d); ``1.0`` for the other kernels.

    Examples
    --------
    >>> default_scale(8, "gaussian"), default_scale(8, "laplacian")
    (2.0, 1.0)
    """
    n_features_in = check_positive_int(n_features_in, "n_features_in")
    check_choice(kernel, "kernel", KERNELS)
    return math.sqrt(n_features_in / 2.0) if kernel == "gaussian" else 1.0


def _check_seed(seed: Any) -> int | None:
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be None or a non-negative integer, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be None or a non-negative integer, got {seed}")
    return int(seed)


def _orthogonal_gaussian(rng: np.random.Generator, d: int, output_dim: int) -> np.ndarray:
    """Orthogonal random features (Yu et al., 2016): Ω = [ (S₁Q₁)ᵀ  (S₂Q₂)ᵀ ... ][:, :D].

    Each Q is a uniformly random orthogonal d×d matrix and S a diagonal of independent chi(d)
    norms, so every column of Ω is still marginally N(0, I) (an unbiased estimate) while columns
    inside a block are exactly orthogonal, which lowers the variance.
    """
    blocks = []
    for _ in range(-(-output_dim // d)):
        gaussian = rng.standard_normal((d, d))
        q, r = np.linalg.qr(gaussian)
        # Fixing the signs by diag(R) makes Q Haar-distributed, not biased by the QR convention.
        q *= np.sign(np.diag(r))[None, :]
        norms = np.sqrt(rng.chisquare(d, size=d))
        blocks.append(q * norms[None, :])  # columns of q are the orthonormal directions
    return np.concatenate(blocks, axis=1)[:, :output_dim]


def sample_frequencies(
    n_features_in: int,
    output_dim: int,
    *,
    kernel: str = "gaussian",
    orthogonal: bool = False,
    seed: int | None = None,
) -> np.ndarray:
    """Draw the unscaled frequency matrix Ω of shape (n_features_in, output_dim).

    Parameters
    ----------
    n_features_in : int
        Input dimension d.
    output_dim : int
        Number of random features D.
    kernel : {"gaussian", "laplacian", "cauchy"}, default="gaussian"
        Selects the spectral density: Normal, Cauchy or Laplace entries.
    orthogonal : bool, default=False
        Orthogonal random features (gaussian kernel only).
    seed : int or None
        Seeds ``np.random.default_rng(seed)``; the PyTorch and Keras layers call this function,
        so the same seed gives the same Ω in every framework.

    Returns
    -------
    numpy.ndarray of shape (n_features_in, output_dim), float64

    Examples
    --------
    >>> omega = sample_frequencies(2, 3, seed=0)
    >>> omega.shape
    (2, 3)
    >>> bool((omega == sample_frequencies(2, 3, seed=0)).all())
    True
    """
    d = check_positive_int(n_features_in, "n_features_in")
    output_dim = check_positive_int(output_dim, "output_dim")
    check_choice(kernel, "kernel", KERNELS)
    seed = _check_seed(seed)
    if orthogonal and kernel != "gaussian":
        raise ValueError(
            "orthogonal random features are only defined for kernel='gaussian', "
            f"got kernel={kernel!r}"
        )
    rng = np.random.default_rng(seed)
    if orthogonal:
        return _orthogonal_gaussian(rng, d, output_dim)
    if kernel == "gaussian":
        return rng.standard_normal((d, output_dim))
    if kernel == "laplacian":
        return rng.standard_cauchy((d, output_dim))
    return rng.laplace(0.0, 1.0, (d, output_dim))


def sample_phases(output_dim: int, *, seed: int | None = None) -> np.ndarray:
    """Draw the phases β ~ U[0, 2π) of shape (output_dim,).

    The generator is seeded with ``[seed, 1]`` rather than ``seed``: reusing the exact stream of
    :func:`sample_frequencies` would make β a deterministic function of the same random bits as Ω
    and bias the kernel estimate.

    Examples
    --------
    >>> beta = sample_phases(4, seed=0)
    >>> bool(((0 <= beta) & (beta < 2 * np.pi)).all())
    True
    """
    output_dim = check_positive_int(output_dim, "output_dim")
    seed = _check_seed(seed)
    rng = np.random.default_rng(None if seed is None else [seed, 1])
    return rng.uniform(0.0, 2.0 * np.pi, size=output_dim)


def random_fourier_features(
    X: Any, omega: np.ndarray, beta: np.ndarray, scale: float
) -> np.ndarray:
    """Reference feature map ``φ(X) = sqrt(2/D) · cos(X Ω / σ + β)``.

    Parameters
    ----------
    X : array-like of shape (n, d)
    omega : numpy.ndarray of shape (d, D)
        From :func:`sample_frequencies`.
    beta : numpy.ndarray of shape (D,)
        From :func:`sample_phases`.
    scale : float
        Length scale σ > 0.

    Returns
    -------
    numpy.ndarray of shape (n, D)

    Examples
    --------
    >>> X = np.zeros((1, 2))
    >>> phi = random_fourier_features(X, sample_frequencies(2, 2, seed=0), np.zeros(2), 1.0)
    >>> phi  # cos(0) = 1, times sqrt(2/2)
    array([[1., 1.]])
    """
    X = check_array(X, name="X")
    omega = check_array(omega, name="omega")
    beta = check_array(beta, name="beta", ndim=1)
    scale = check_positive(scale, "scale")
    if omega.shape[0] != X.shape[1]:
        raise ValueError(f"omega has {omega.shape[0]} rows but X has {X.shape[1]} features")
    if beta.shape[0] != omega.shape[1]:
        raise ValueError(f"beta has {beta.shape[0]} entries but omega has {omega.shape[1]} columns")
    output_dim = omega.shape[1]
    return math.sqrt(2.0 / output_dim) * np.cos(X @ omega / scale + beta)


def kernel_approximation_error(
    X: Any,
    *,
    kernel: str,
    sigma: float,
    output_dim: int,
    orthogonal: bool = False,
    seed: int | None = None,
) -> float:
    """Mean absolute error ``mean_ij |φ(x_i)·φ(x_j) − k(x_i, x_j)|`` of D random features.

    Parameters
    ----------
    X : array-like of shape (n, d)
    kernel : {"gaussian", "laplacian", "cauchy"}
    sigma : float
        Length scale σ, used both for the exact kernel and the features.
    output_dim : int
        Number of random features D.
    orthogonal : bool, default=False
        Use orthogonal random features (gaussian only).
    seed : int or None

    Returns
    -------
    float

    Examples
    --------
    >>> X = np.random.default_rng(1).normal(size=(40, 2))
    >>> small = kernel_approximation_error(X, kernel="cauchy", sigma=1.0, output_dim=64, seed=0)
    >>> large = kernel_approximation_error(X, kernel="cauchy", sigma=1.0, output_dim=4096, seed=0)
    >>> bool(large < small)
    True
    """
    X = check_array(X, name="X")
    omega = sample_frequencies(
        X.shape[1], output_dim, kernel=kernel, orthogonal=orthogonal, seed=seed
    )
    beta = sample_phases(output_dim, seed=seed)
    phi = random_fourier_features(X, omega, beta, sigma)
    exact = kernel_matrix(X, kernel=kernel, sigma=sigma)
    return float(np.abs(phi @ phi.T - exact).mean())
