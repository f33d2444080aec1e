"""Keras 3 layers for (kernel) support vector machines: random Fourier features and a linear SVM.

Both layers follow the pattern of ``keras.layers.Dense``: ``build()`` creates the weights from the
input shape, ``call()`` is a few ``keras.ops`` lines, ``get_config()`` makes them serialisable.
Stacking them gives the "quasi-SVM" of the keras-io example::

    keras.Sequential([keras.Input((784,)),
                      RandomFourierFeatures(4096, sigma=10.0),
                      LinearSVM(10)])
"""

from __future__ import annotations

import math
from typing import Any

import keras
import numpy as np
from keras import ops

from svmkit._validation import check_positive_int
from svmkit.contract import FeatureSpec, check_penalty
from svmkit.kernels import KERNELS, sample_frequencies, sample_phases

_register = keras.saving.register_keras_serializable(package="svmkit")

# Largest seed drawn for an unseeded layer (numpy accepts any non-negative int; int32 keeps every
# backend's randint happy).
_MAX_DRAWN_SEED = 2**31 - 1


def _draw_seed() -> int:
    """Draw an integer seed from Keras' global random state.

    ``keras.utils.set_random_seed(s)`` resets that state, so unseeded layers stay reproducible in
    a seeded program, while unseeded programs get fresh features every time.
    """
    seed = keras.random.randint((), 0, _MAX_DRAWN_SEED, dtype="int32")
    return int(ops.convert_to_numpy(seed))


@_register
class RandomFourierFeatures(keras.layers.Layer):
    """Random Fourier features ``φ(x) = sqrt(2/D) · cos(x Ω / σ + β)`` (Rahimi & Recht, 2007).

    The Keras twin of :class:`svmkit.torch.RandomFourierFeatures`: the same arguments with the
    same defaults (both read :class:`svmkit.contract.FeatureSpec`), the same weights (``omega``,
    ``beta``, ``sigma``) and, with the same seed, the same numbers. ``φ(x)·φ(y)`` approximates the
    shift-invariant kernel ``k(x − y)``, so a linear model on the features (e.g.
    :class:`LinearSVM` with a hinge loss) approximates a kernel SVM. For code written for the old
    ``tf.keras.layers.experimental.RandomFourierFeatures`` use the drop-in
    :class:`svmkit.keras.compat.RandomFourierFeatures`.

    Parameters
    ----------
    output_dim : int
        Number of random features D.
    kernel : {"gaussian", "laplacian", "cauchy"} or keras.initializers.Initializer
        The kernel to approximate, i.e. the distribution of Ω's entries: Normal (gaussian kernel
        ``exp(−‖x−y‖²/(2σ²))``), Cauchy (laplacian ``exp(−‖x−y‖₁/σ)``) or Laplace (cauchy
        ``Π 1/(1 + (x_j−y_j)²/σ²)``). An initializer instance draws Ω itself.
    sigma : float or None, default=None
        Length scale σ > 0. ``None`` uses :func:`svmkit.kernels.default_scale` (``sqrt(d / 2)``
        for "gaussian" and ``1.0`` otherwise).
    trainable : bool, default=False
        Whether σ is learned. Ω and β are always frozen.
    orthogonal : bool, default=False
        Orthogonal random features (Yu et al., 2016); "gaussian" only.
    seed : int or None, default=None
        With a seed, Ω and β are exactly ``svmkit.kernels.sample_frequencies`` and
        ``sample_phases`` with that seed, so this layer equals
        ``svmkit.torch.RandomFourierFeatures(..., seed=seed)``. Without one, a seed is drawn from
        Keras' global random state (reproducible after ``keras.utils.set_random_seed``).
    normalize : bool, default=True
        Multiply the cosines by ``sqrt(2/D)`` so that ``φ(x)·φ(y) ≈ k(x, y)``; ``False`` gives
        plain cosines.
    **kwargs
        Passed to ``keras.layers.Layer`` (``name``, ``dtype``...).

    Attributes
    ----------
    omega : keras.Variable of shape (d, D)
        Ω, non-trainable.
    beta : keras.Variable of shape (D,)
        β ~ U[0, 2π), non-trainable.
    sigma : keras.Variable of shape (1,)
        σ, constrained non-negative; trainable only when the layer is.

    Examples
    --------
    >>> import numpy as np
    >>> layer = RandomFourierFeatures(output_dim=4096, sigma=1.5, seed=0)
    >>> X = np.array([[0.0, 0.0], [1.0, 0.5]], dtype="float32")
    >>> phi = np.asarray(layer(X))
    >>> phi.shape
    (2, 4096)
    >>> exact = np.exp(-np.sum((X[0] - X[1]) ** 2) / (2 * 1.5**2))
    >>> bool(abs(phi[0] @ phi[1] - exact) < 0.05)
    True
    >>> [w.name for w in layer.trainable_weights]
    []
    """

    def __init__(
        self,
        output_dim: int,
        kernel: str | keras.initializers.Initializer = FeatureSpec.kernel,
        sigma: float | None = FeatureSpec.sigma,
        trainable: bool = FeatureSpec.trainable,
        orthogonal: bool = FeatureSpec.orthogonal,
        seed: int | None = FeatureSpec.seed,
        normalize: bool = FeatureSpec.normalize,
        **kwargs: Any,
    ) -> None:
        super().__init__(trainable=trainable, **kwargs)
        if isinstance(kernel, dict):  # from get_config()
            kernel = keras.initializers.deserialize(kernel)
        if not isinstance(kernel, (str, keras.initializers.Initializer)):
            raise ValueError(
                f"kernel must be one of {', '.join(map(repr, KERNELS))} or a "
                f"keras.initializers.Initializer; got {kernel!r}"
            )
        # The contract checks everything else; an initializer draws Ω like a gaussian kernel.
        spec = FeatureSpec(
            kernel=kernel if isinstance(kernel, str) else "gaussian",
            sigma=sigma,
            output_dim=output_dim,
            orthogonal=orthogonal,
            normalize=normalize,
            seed=seed,
            trainable=bool(trainable),
        )
        if orthogonal and not isinstance(kernel, str):
            raise ValueError(f"orthogonal random features need kernel='gaussian'; got {kernel!r}")
        self.spec = spec  # owns output_dim, orthogonal, normalize, seed and the initial σ
        self.kernel = kernel  # a name, or an initializer that draws Ω itself

    # The feature map's settings are read from its FeatureSpec, never copied: one source of truth.
    output_dim = property(lambda self: self.spec.output_dim, doc="Number of random features D.")
    seed = property(lambda self: self.spec.seed, doc="Seed of Ω and β (None: drawn at build).")
    orthogonal = property(lambda self: self.spec.orthogonal, doc="Orthogonal random features.")
    normalize = property(lambda self: self.spec.normalize, doc="Whether cos is scaled by √(2/D).")
    initial_sigma = property(lambda self: self.spec.sigma, doc="σ as given (None: the default).")

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        n_features_in = input_shape[-1]
        if n_features_in is None:
            raise ValueError(
                "RandomFourierFeatures needs a known last input dimension; "
                f"got input shape {tuple(input_shape)}"
            )
        self.input_spec = keras.layers.InputSpec(min_ndim=2, axes={-1: n_features_in})
        if isinstance(self.kernel, str):
            # Ω and β come from the numpy reference so every framework sees the same numbers.
            seed = _draw_seed() if self.seed is None else self.seed
            omega = sample_frequencies(
                n_features_in,
                self.output_dim,
                kernel=self.kernel,
                orthogonal=self.orthogonal,
                seed=seed,
            )
            beta = sample_phases(self.output_dim, seed=seed)
            omega_init, beta_init = "zeros", "zeros"
            sigma = self.spec.resolved_sigma(n_features_in)
        else:
            omega = beta = None
            omega_init = self.kernel
            beta_init = keras.initializers.RandomUniform(0.0, 2.0 * math.pi, seed=self.seed)
            sigma = 1.0 if self.initial_sigma is None else self.initial_sigma
        self.omega = self.add_weight(
            name="omega",
            shape=(n_features_in, self.output_dim),
            initializer=omega_init,
            trainable=False,
        )
        self.beta = self.add_weight(
            name="beta", shape=(self.output_dim,), initializer=beta_init, trainable=False
        )
        if omega is not None:
            self.omega.assign(omega.astype(self.omega.dtype))
            self.beta.assign(beta.astype(self.beta.dtype))
        # Created trainable: the layer's own `trainable` flag decides whether it shows up in
        # `trainable_weights`, so `layer.trainable = True` later unfreezes σ.
        self.sigma = self.add_weight(
            name="sigma",
            shape=(1,),
            initializer=keras.initializers.Constant(sigma),
            trainable=True,
            constraint=keras.constraints.NonNeg(),
        )

    def call(self, inputs: Any) -> Any:
        # Integer or float64 inputs would otherwise fail (or upcast) in the matmul.
        inputs = ops.cast(inputs, self.compute_dtype)
        outputs = ops.matmul(inputs, self.omega / self.sigma) + self.beta
        if self.normalize:
            return self.spec.amplitude * ops.cos(outputs)
        return ops.cos(outputs)

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return (*tuple(input_shape)[:-1], self.output_dim)

    def get_config(self) -> dict[str, Any]:
        kernel = self.kernel
        if not isinstance(kernel, str):
            kernel = keras.initializers.serialize(kernel)
        return {
            **super().get_config(),
            "output_dim": self.output_dim,
            "kernel": kernel,
            "sigma": self.initial_sigma,
            "orthogonal": self.orthogonal,
            "seed": self.seed,
            "normalize": self.normalize,
        }


@_register
class LinearSVM(keras.layers.Layer):
    """Linear decision function ``z = x W + b`` with an optional ``l2·‖W‖²`` penalty.

    A ``Dense`` layer without activation whose regulariser is the SVM's ``λ‖w‖²`` (never on the
    bias). Train it with :class:`svmkit.keras.Hinge` (binary, ``units=1``) or
    :class:`svmkit.keras.MulticlassHinge` (``units=K``): the total loss Keras minimises is then
    ``mean_i hinge_i + l2·‖W‖²``, the primal soft-margin objective with ``λ = l2``.

    Parameters
    ----------
    units : int, default 1
        Number of decision values (1 for binary, K for one score per class).
    l2 : float, default 0.0
        λ ≥ 0; adds ``l2 · sum(W²)`` to ``layer.losses``.
    use_bias : bool, default True
        Whether to learn the intercept b.
    kernel_initializer, bias_initializer : str or keras.initializers.Initializer
        Default ``"zeros"`` for both, like ``svmkit.torch.LinearSVM``: the soft-margin objective
        is convex, so the start only changes the path, and zeros need no seed.
    **kwargs
        Passed to ``keras.layers.Layer``.

    Attributes
    ----------
    kernel : keras.Variable of shape (d, units)
        W (the transpose of ``svmkit.torch.LinearSVM.weight``).
    bias : keras.Variable of shape (units,) or None
        b.

    Examples
    --------
    >>> import numpy as np
    >>> svm = LinearSVM(units=1, l2=0.5)
    >>> svm.build((None, 2))
    >>> svm.set_weights([np.array([[3.0], [4.0]]), np.array([1.0])])
    >>> np.asarray(svm(np.array([[1.0, 1.0]], dtype="float32")))
    array([[8.]], dtype=float32)
    >>> round(float(svm.losses[0]), 4)  # 0.5 * (3² + 4²)
    12.5
    >>> round(svm.margin_width(), 4)  # 2 / ‖w‖
    0.4
    """

    def __init__(
        self,
        units: int = 1,
        l2: float = 0.0,
        use_bias: bool = True,
        kernel_initializer: str | keras.initializers.Initializer = "zeros",
        bias_initializer: str | keras.initializers.Initializer = "zeros",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.units = check_positive_int(units, "units")
        self.l2 = check_penalty(l2, "l2")
        self.use_bias = bool(use_bias)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        n_features_in = input_shape[-1]
        if n_features_in is None:
            raise ValueError(
                f"LinearSVM needs a known last input dimension; got input shape "
                f"{tuple(input_shape)}"
            )
        self.input_spec = keras.layers.InputSpec(min_ndim=2, axes={-1: n_features_in})
        # L2(λ) contributes exactly λ·sum(W²); the bias is left out on purpose (the margin
        # 2/‖w‖ does not depend on b).
        regularizer = keras.regularizers.L2(self.l2) if self.l2 > 0 else None
        self.kernel = self.add_weight(
            name="kernel",
            shape=(n_features_in, self.units),
            initializer=self.kernel_initializer,
            regularizer=regularizer,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias", shape=(self.units,), initializer=self.bias_initializer
            )

    def call(self, inputs: Any) -> Any:
        outputs = ops.matmul(ops.cast(inputs, self.compute_dtype), self.kernel)
        if self.bias is not None:
            outputs = outputs + self.bias
        return outputs

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return (*tuple(input_shape)[:-1], self.units)

    def margin_width(self) -> float:
        """Width ``2/‖w‖`` of the band between ``z = −1`` and ``z = +1`` (binary SVM only).

        Returns ``inf`` while ``w = 0``, like ``svmkit.torch.LinearSVM.margin_width``.

        Examples
        --------
        >>> svm = LinearSVM(kernel_initializer="ones")
        >>> svm.build((None, 4))
        >>> svm.margin_width()  # 2 / ‖(1, 1, 1, 1)‖
        1.0
        """
        if self.units != 1:
            raise ValueError(
                f"margin_width is defined for a binary SVM (units=1), got units={self.units}"
            )
        norm = float(np.linalg.norm(np.asarray(ops.convert_to_numpy(self.kernel), np.float64)))
        return math.inf if norm == 0.0 else 2.0 / norm

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "units": self.units,
            "l2": self.l2,
            "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
        }
