"""Support vector machines as Keras 3 layers, losses and callbacks.

Everything here is written with ``keras.ops`` / ``keras.random`` only, so it runs unchanged on
the TensorFlow, PyTorch and JAX backends (pick one with the ``KERAS_BACKEND`` environment
variable before Keras is first imported).

The layers mirror :mod:`svmkit.torch`: with the same seed, :class:`RandomFourierFeatures` holds
exactly the frequencies and phases of its PyTorch twin, and :class:`LinearSVM` computes the same
decision values ``z = x·W + b`` once the weights are copied over. :func:`fit_rff_svm` is the
course's recipe (features once, then the head by ``model.fit``), the twin of
:func:`svmkit.torch.fit_rff_svm`.

Examples
--------
>>> import numpy as np
>>> from svmkit.keras import LinearSVM, RandomFourierFeatures, hinge_loss
>>> features = RandomFourierFeatures(output_dim=8, seed=0)
>>> tuple(features(np.zeros((3, 2), dtype="float32")).shape)
(3, 8)
>>> float(hinge_loss(np.array([1.0, -1.0]), np.array([0.5, -2.0])))
0.25
"""

from svmkit.keras.callbacks import CallbackAdapter, as_keras_callback, featurize
from svmkit.keras.layers import LinearSVM, RandomFourierFeatures
from svmkit.keras.losses import (
    MULTICLASS_KINDS,
    Hinge,
    MulticlassHinge,
    SquaredHinge,
    hinge_loss,
    multiclass_hinge_loss,
    squared_hinge_loss,
)
from svmkit.keras.recipe import ArrayBatches, fit_linear_svm, fit_rff_svm

__all__ = [
    "MULTICLASS_KINDS",
    "ArrayBatches",
    "CallbackAdapter",
    "Hinge",
    "LinearSVM",
    "MulticlassHinge",
    "RandomFourierFeatures",
    "SquaredHinge",
    "as_keras_callback",
    "featurize",
    "fit_linear_svm",
    "fit_rff_svm",
    "hinge_loss",
    "multiclass_hinge_loss",
    "squared_hinge_loss",
]
