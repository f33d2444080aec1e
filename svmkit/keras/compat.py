"""The tf.keras drop-in: code written for ``tf.keras.layers.experimental.RandomFourierFeatures``.

TensorFlow removed that layer; keras.io's "quasi-SVM" example (and course notes built on it) still
write ``RandomFourierFeatures(output_dim=4096, scale=10.0, kernel_initializer="gaussian")``. This
module is the one place where svmkit keeps that old interface, so such code runs unchanged with
only its import changed:

- the length scale may be passed as ``scale`` (svmkit's name everywhere else is ``sigma``);
- the kernel is ``kernel_initializer`` (``kernel`` elsewhere);
- the output is plain cosines ``cos(x Ω / σ + β)`` by default (``normalize=False``, recorded in
  :data:`svmkit.contract.TF_KERAS_NORMALIZE`), whose amplitude the old recipes' learning rates
  were tuned for;
- the weights answer to their old names ``kernel_scale`` and ``unscaled_kernel`` too.

Examples
--------
>>> import numpy as np
>>> from svmkit.keras.compat import RandomFourierFeatures
>>> layer = RandomFourierFeatures(output_dim=16, scale=10.0, kernel_initializer="gaussian")
>>> phi = np.asarray(layer(np.zeros((2, 784), dtype="float32")))
>>> float(np.abs(phi).max()) <= 1.0, layer.normalize
(True, False)
>>> float(np.asarray(layer.kernel_scale)[0])
10.0
"""

from __future__ import annotations

from typing import Any

import keras

from svmkit.contract import TF_KERAS_NORMALIZE
from svmkit.keras import layers

__all__ = ["RandomFourierFeatures"]


@keras.saving.register_keras_serializable(package="svmkit.compat")
class RandomFourierFeatures(layers.RandomFourierFeatures):
    """:class:`svmkit.keras.RandomFourierFeatures` with tf.keras' names and default.

    Parameters
    ----------
    output_dim : int
        Number of random features D.
    kernel_initializer : {"gaussian", "laplacian", "cauchy"} or keras.initializers.Initializer
        ``kernel`` of :class:`svmkit.keras.RandomFourierFeatures`.
    scale : float or None, default=None
        The length scale σ (``sigma``); ``None`` is tf.keras' default ``sqrt(d/2)`` (gaussian).
    trainable, orthogonal, seed
        As in :class:`svmkit.keras.RandomFourierFeatures`.
    normalize : bool, default=False
        tf.keras returned plain cosines; ``True`` gives svmkit's ``sqrt(2/D) · cos(...)``.
    **kwargs
        Passed to ``keras.layers.Layer``.
    """

    def __init__(
        self,
        output_dim: int,
        kernel_initializer: str | keras.initializers.Initializer = "gaussian",
        scale: float | None = None,
        trainable: bool = False,
        orthogonal: bool = False,
        seed: int | None = None,
        normalize: bool = TF_KERAS_NORMALIZE,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            output_dim,
            kernel=kernel_initializer,
            sigma=scale,
            trainable=trainable,
            orthogonal=orthogonal,
            seed=seed,
            normalize=normalize,
            **kwargs,
        )

    @property
    def kernel_scale(self) -> Any:
        """tf.keras' name of the σ variable."""
        return self.sigma

    @property
    def unscaled_kernel(self) -> Any:
        """tf.keras' name of the Ω variable."""
        return self.omega

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["kernel_initializer"] = config.pop("kernel")
        config["scale"] = config.pop("sigma")
        return config
