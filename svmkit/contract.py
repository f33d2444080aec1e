"""The one contract that :mod:`svmkit.torch` and :mod:`svmkit.keras` both follow.

The two twins are meant to be read side by side, so the names, defaults, label convention and
argument checks they share live here, once, in framework-free code:

- **Labels.** Binary losses take labels ``y ∈ {−1, +1}``; ``0`` (and ``False``) means ``−1``.
  :func:`signed_labels` applies the rule to arrays, and both frameworks' hinge losses apply the
  same rule element-wise to tensors (``0 → −1``, ``±1`` unchanged). Multiclass losses take class
  indices ``0 … K−1``.
- **Losses.** ``BINARY_LOSSES`` and ``MULTICLASS_LOSSES`` name them in both frameworks.
- **Random Fourier features.** :class:`FeatureSpec` owns the names and defaults of the feature map:
  ``kernel``, the length scale ``sigma`` (one name everywhere), ``output_dim``, ``orthogonal``,
  ``normalize`` and ``seed``. The one documented exception is the tf.keras drop-in layer
  (:data:`TF_KERAS_NORMALIZE`).
- **Training.** :class:`TrainSpec` owns the recipe: loss, the penalty ``λ`` (or scikit-learn's
  ``C`` through :meth:`TrainSpec.from_C`), optimizer, learning rate and its per-step decay,
  epochs, batch size and the shuffling seed. ``svmkit.torch.fit`` and the Keras recipe both
  validate their arguments by building one.

Examples
--------
>>> spec = FeatureSpec(sigma=5.0, output_dim=4096, seed=0)
>>> spec.normalize, spec.kernel
(True, 'gaussian')
>>> TrainSpec.from_C(1.0, n_samples=500, loss="hinge").lam
0.001
>>> signed_labels([0, 1, 1]).tolist()
[-1.0, 1.0, 1.0]
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from typing import Any

import numpy as np

from svmkit._validation import (
    _short_repr,
    as_signed_labels,
    check_array,
    check_choice,
    check_positive,
    check_positive_int,
)
from svmkit.kernels import KERNELS, default_scale

__all__ = [
    "BINARY_LOSSES",
    "FEATURE_BUDGET",
    "LOSSES",
    "MULTICLASS_LOSSES",
    "OPTIMIZERS",
    "TF_KERAS_NORMALIZE",
    "FeatureSpec",
    "TrainSpec",
    "check_penalty",
    "check_seed",
    "check_spec",
    "signed_labels",
    "stores_features",
    "validation_pair",
]

BINARY_LOSSES = ("hinge", "squared_hinge")
MULTICLASS_LOSSES = ("ovr", "squared_ovr", "crammer_singer")
LOSSES = BINARY_LOSSES + MULTICLASS_LOSSES
OPTIMIZERS = ("sgd", "adam")

#: The old ``tf.keras.layers.experimental.RandomFourierFeatures`` took the length scale as
#: ``scale`` and returned plain cosines (no ``sqrt(2/D)``). Only the drop-in layer
#: ``svmkit.keras.compat.RandomFourierFeatures`` uses these defaults, so that code written for
#: tf.keras (the keras.io quasi-SVM) runs unchanged with only its import changed.
TF_KERAS_NORMALIZE = False

#: Bytes of training features (float32) that the recipes keep in memory: 4 GiB. MNIST's
#: 60 000 × 16 384 features (3.7 GiB) fit, with room to spare in a free Colab runtime (12.7 GB).
#: Above the budget, or with augmented batches, the features are computed batch by batch instead.
FEATURE_BUDGET = 4 * 2**30


def signed_labels(y: Any, *, name: str = "y") -> np.ndarray:
    """Binary labels in {−1, +1}, {0, 1} or {False, True} as a float array of ±1.

    The rule both frameworks' binary losses apply element-wise: ``0`` and ``False`` mean ``−1``.

    Raises
    ------
    ValueError
        If ``y`` holds other values, more than two classes or a single class (the message names
        ``name``).

    Examples
    --------
    >>> signed_labels([True, False, True]).tolist()
    [1.0, -1.0, 1.0]
    >>> signed_labels([0, 2], name="targets")
    Traceback (most recent call last):
    ...
    ValueError: targets must hold two classes labelled {-1, +1} or {0, 1}, got values [0, 2]
    """
    return as_signed_labels(y, name=name)


def check_seed(seed: Any, name: str = "seed") -> int | None:
    """Return ``seed`` as an int in ``[0, 2**63)``, or None; raise naming ``name`` otherwise.

    Examples
    --------
    >>> check_seed(3), check_seed(None)
    (3, None)
    >>> check_seed(-1)
    Traceback (most recent call last):
    ...
    ValueError: seed must be None or an integer in [0, 2**63), got -1
    """
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, (numbers.Integral, np.integer)):
        raise TypeError(f"{name} must be None or a non-negative integer, got {_short_repr(seed)}")
    if not 0 <= seed < 2**63:
        raise ValueError(
            f"{name} must be None or an integer in [0, 2**63), got {_short_repr(seed)}"
        )
    return int(seed)


def _check_flag(value: Any, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {_short_repr(value)}")
    return bool(value)


@dataclasses.dataclass(frozen=True)
class FeatureSpec:
    """Names, defaults and checks of a random Fourier feature map ``φ(x) = a · cos(x Ω / σ + β)``.

    Parameters
    ----------
    kernel : {"gaussian", "laplacian", "cauchy"}, default="gaussian"
        The shift-invariant kernel φ approximates (see :mod:`svmkit.kernels`).
    sigma : float or None, default=None
        Length scale σ > 0; ``None`` means :func:`svmkit.kernels.default_scale` of the input
        dimension (``sqrt(d/2)`` for the gaussian kernel, 1 otherwise).
    output_dim : int, default=1024
        Number of random features D.
    orthogonal : bool, default=False
        Orthogonal random features (gaussian kernel only): lower variance at equal D.
    normalize : bool, default=True
        ``a = sqrt(2/D)``, so that ``φ(x)·φ(y) ≈ k(x, y)``; ``False`` gives plain cosines
        (``a = 1``), whose squared norm is about D/2: a head on them sees a penalty and a
        learning rate effectively scaled by D/2.
    seed : int or None, default=None
        Seed of :func:`svmkit.kernels.sample_frequencies` and
        :func:`~svmkit.kernels.sample_phases`: the same seed gives the same Ω and β in numpy,
        PyTorch and Keras. ``None`` draws one from the framework's global generator.
    trainable : bool, default=False
        Learn σ by gradient descent (Ω and β stay frozen).

    Examples
    --------
    >>> FeatureSpec(sigma=2.0).resolved_sigma(784)
    2.0
    >>> FeatureSpec().resolved_sigma(8)  # sqrt(8 / 2)
    2.0
    >>> FeatureSpec(kernel="laplacian", orthogonal=True)
    Traceback (most recent call last):
    ...
    ValueError: orthogonal random features need kernel='gaussian', got kernel='laplacian'
    """

    kernel: str = "gaussian"
    sigma: float | None = None
    output_dim: int = 1024
    orthogonal: bool = False
    normalize: bool = True
    seed: int | None = None
    trainable: bool = False

    def __post_init__(self) -> None:
        check_choice(self.kernel, "kernel", KERNELS)
        if self.sigma is not None:
            object.__setattr__(self, "sigma", check_positive(self.sigma, "sigma"))
        object.__setattr__(self, "output_dim", check_positive_int(self.output_dim, "output_dim"))
        for flag in ("orthogonal", "normalize", "trainable"):
            object.__setattr__(self, flag, _check_flag(getattr(self, flag), flag))
        object.__setattr__(self, "seed", check_seed(self.seed))
        if self.orthogonal and self.kernel != "gaussian":
            raise ValueError(
                f"orthogonal random features need kernel='gaussian', got kernel={self.kernel!r}"
            )

    def resolved_sigma(self, n_features_in: int) -> float:
        """σ itself, or the default length scale for inputs of dimension ``n_features_in``."""
        if self.sigma is not None:
            return self.sigma
        return default_scale(n_features_in, self.kernel)

    @property
    def amplitude(self) -> float:
        """The factor ``a`` in front of the cosines: ``sqrt(2/D)`` or 1."""
        return math.sqrt(2.0 / self.output_dim) if self.normalize else 1.0


@dataclasses.dataclass(frozen=True)
class TrainSpec:
    """The training recipe: minimise ``mean_i loss(z_i, y_i) + lam · ‖W‖²`` by mini-batches.

    Parameters
    ----------
    loss : {"hinge", "squared_hinge", "ovr", "squared_ovr", "crammer_singer"}, default="hinge"
        Binary losses take ±1 (or 0/1) labels and one output; multiclass losses class indices
        and one score per class.
    lam : float, default=0.0
        The penalty λ ≥ 0 on the weights (never on biases or σ); ``λ = 1/(2 C n)`` is
        scikit-learn's ``C`` (:meth:`from_C`).
    epochs : int, default=10
    batch_size : int or None, default=32
        ``None`` trains on the full batch.
    lr : float, default=0.1
        Initial learning rate.
    optimizer : {"sgd", "adam"}, default="sgd"
    lr_decay : float or None, default=None
        Multiply the learning rate by this factor in (0, 1] after every step.
    seed : int or None, default=None
        Seed of the local generator that shuffles the batches (never a global reseed).

    Examples
    --------
    >>> spec = TrainSpec(loss="ovr", lam=1e-4, epochs=3, optimizer="adam")
    >>> spec.steps(n_samples=1000)  # 3 epochs of ceil(1000 / 32) batches
    96
    >>> TrainSpec(lr_decay=2.0)
    Traceback (most recent call last):
    ...
    ValueError: lr_decay must be in (0, 1], got 2.0
    """

    loss: str = "hinge"
    lam: float = 0.0
    epochs: int = 10
    batch_size: int | None = 32
    lr: float = 0.1
    optimizer: str = "sgd"
    lr_decay: float | None = None
    seed: int | None = None

    def __post_init__(self) -> None:
        check_choice(self.loss, "loss", LOSSES)
        check_choice(self.optimizer, "optimizer", OPTIMIZERS)
        object.__setattr__(self, "lam", check_penalty(self.lam, "lam"))
        object.__setattr__(self, "epochs", check_positive_int(self.epochs, "epochs"))
        if self.batch_size is not None:
            object.__setattr__(
                self, "batch_size", check_positive_int(self.batch_size, "batch_size")
            )
        object.__setattr__(self, "lr", check_positive(self.lr, "lr"))
        if self.lr_decay is not None:
            decay = check_positive(self.lr_decay, "lr_decay")
            if decay > 1:
                raise ValueError(f"lr_decay must be in (0, 1], got {decay!r}")
            object.__setattr__(self, "lr_decay", decay)
        object.__setattr__(self, "seed", check_seed(self.seed))

    @classmethod
    def from_C(cls, C: float, n_samples: int, **recipe: Any) -> TrainSpec:
        """The recipe with ``lam = 1/(2 C n)``, scikit-learn's ``C`` for ``n_samples`` points."""
        C = check_positive(C, "C")
        n_samples = check_positive_int(n_samples, "n_samples")
        return cls(lam=1.0 / (2.0 * C * n_samples), **recipe)

    @property
    def binary(self) -> bool:
        """Whether the loss is a binary one (one output, ±1 labels)."""
        return self.loss in BINARY_LOSSES

    def batch(self, n_samples: int) -> int:
        """The batch size actually used on ``n_samples`` points."""
        return n_samples if self.batch_size is None else min(self.batch_size, n_samples)

    def n_outputs(self, y: Any) -> int:
        """Outputs of a linear head for labels ``y``: 1 for a binary loss, else K classes in ``y``.

        Examples
        --------
        >>> TrainSpec().n_outputs([-1, 1, 1]), TrainSpec(loss="ovr").n_outputs([0, 2, 1, 2])
        (1, 3)
        """
        if self.binary:
            return 1
        return max(2, np.unique(check_array(y, name="y", ndim=None, dtype=None)).size)

    def steps(self, n_samples: int) -> int:
        """Number of optimiser steps the recipe takes on ``n_samples`` points."""
        return self.epochs * math.ceil(n_samples / self.batch(n_samples))

    def decay_to(self, fraction: float, n_samples: int) -> TrainSpec:
        """The same recipe with ``lr_decay`` set so the last step's rate is ``fraction · lr``.

        Examples
        --------
        >>> spec = TrainSpec(epochs=2, batch_size=10).decay_to(0.01, n_samples=50)
        >>> round(spec.lr_decay ** spec.steps(50), 6)
        0.01
        """
        fraction = check_positive(fraction, "fraction")
        return dataclasses.replace(self, lr_decay=fraction ** (1.0 / self.steps(n_samples)))


def check_penalty(value: Any, name: str = "lam") -> float:
    """Return the penalty λ as a float after checking it is a finite number ≥ 0.

    ``svmkit.torch.fit`` calls it ``weight_decay``; ``name`` puts that name in the message.

    Examples
    --------
    >>> check_penalty(0), check_penalty(1e-3, "weight_decay")
    (0.0, 0.001)
    >>> check_penalty(-1.0, "weight_decay")
    Traceback (most recent call last):
    ...
    ValueError: weight_decay must be a finite number ≥ 0, got -1.0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if value == 0:
        return 0.0
    try:
        return check_positive(value, name)
    except ValueError:
        raise ValueError(f"{name} must be a finite number ≥ 0, got {_short_repr(value)}") from None


def stores_features(
    n_samples: int, features: FeatureSpec, feature_budget: Any, *, augmented: bool = False
) -> bool:
    """Whether a recipe computes the training features once (True) or per batch (False).

    Storing pays when the feature map is frozen, the batches are not augmented and the
    ``n_samples × output_dim`` float32 matrix fits in ``feature_budget`` bytes: every epoch then
    reuses it. Otherwise the features are "streamed": recomputed for every batch, on the training
    device, so memory stays flat however many samples there are.

    Examples
    --------
    >>> spec, budget = FeatureSpec(output_dim=16384), FEATURE_BUDGET
    >>> stores_features(60_000, spec, budget), stores_features(300_000, spec, budget)
    (True, False)
    >>> stores_features(60_000, spec, 0), stores_features(60_000, spec, math.inf, augmented=True)
    (False, False)
    """
    if isinstance(feature_budget, bool) or not isinstance(feature_budget, numbers.Real):
        raise TypeError(f"feature_budget must be a number of bytes, got {feature_budget!r}")
    if not feature_budget >= 0:
        raise ValueError(f"feature_budget must be ≥ 0 bytes, got {feature_budget!r}")
    if features.trainable or augmented:
        return False
    return 4 * n_samples * features.output_dim <= feature_budget


def check_spec(spec: Any, name: str, cls: type) -> Any:
    """Return ``spec`` if it is a ``cls`` (e.g. :class:`TrainSpec`), else raise naming ``name``.

    Examples
    --------
    >>> check_spec("adam", "training", TrainSpec)
    Traceback (most recent call last):
    ...
    TypeError: training must be a svmkit.contract.TrainSpec, got str
    """
    if not isinstance(spec, cls):
        raise TypeError(
            f"{name} must be a svmkit.contract.{cls.__name__}, got {type(spec).__name__}"
        )
    return spec


def validation_pair(validation_data: Any) -> tuple[Any, Any]:
    """``(X_val, y_val)`` out of ``validation_data``; a TypeError naming it if it is not a pair.

    Examples
    --------
    >>> validation_pair(([[0.0]], [1]))
    ([[0.0]], [1])
    """
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
        raise TypeError("validation_data must be a pair (X_val, y_val)")
    return validation_data[0], validation_data[1]
