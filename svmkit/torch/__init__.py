"""PyTorch implementation of svmkit: hinge losses, LinearSVM, RandomFourierFeatures and ``fit``.

- ``losses`` and ``layers``: the maths as torch modules.
- ``train``: ``fit`` (a plain dict of per-epoch metrics back), ``featurize``, ``predict`` and
  ``device``; ``callbacks``: the hooks ``fit`` calls.
- ``recipe``: ``fit_rff_svm`` (and its second half ``fit_linear_svm``), the
  random-feature SVM from a :class:`~svmkit.contract.FeatureSpec` and a
  :class:`~svmkit.contract.TrainSpec`, twin of ``svmkit.keras.fit_rff_svm``.

Examples
--------
>>> import torch
>>> from svmkit.torch import LinearSVM, RandomFourierFeatures, hinge_loss
>>> model = torch.nn.Sequential(RandomFourierFeatures(2, 128, seed=0), LinearSVM(128))
>>> z = model(torch.zeros(4, 2))
>>> hinge_loss(z, torch.ones(4))
tensor(1., grad_fn=<MeanBackward0>)
"""

from svmkit.torch.callbacks import Callback
from svmkit.torch.layers import LinearSVM, RandomFourierFeatures, rff_svm
from svmkit.torch.losses import hinge_loss, multiclass_hinge_loss, squared_hinge_loss
from svmkit.torch.recipe import fit_linear_svm, fit_rff_svm
from svmkit.torch.train import LOSSES, device, featurize, fit, predict

__all__ = [
    "LOSSES",
    "Callback",
    "LinearSVM",
    "RandomFourierFeatures",
    "device",
    "featurize",
    "fit",
    "fit_linear_svm",
    "fit_rff_svm",
    "hinge_loss",
    "multiclass_hinge_loss",
    "predict",
    "rff_svm",
    "squared_hinge_loss",
]
