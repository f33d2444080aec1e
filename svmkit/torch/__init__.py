"""PyTorch implementation of svmkit: hinge losses, LinearSVM, RandomFourierFeatures and ``fit``.

Examples
--------
>>> import torch
>>> from svmkit.torch import LinearSVM, RandomFourierFeatures, hinge_loss
>>> model = torch.nn.Sequential(RandomFourierFeatures(2, 128, seed=0), LinearSVM(128))
>>> z = model(torch.zeros(4, 2))
>>> hinge_loss(z, torch.ones(4))
tensor(1., grad_fn=<MeanBackward0>)
"""

from svmkit.torch.layers import LinearSVM, RandomFourierFeatures, rff_svm
from svmkit.torch.losses import hinge_loss, multiclass_hinge_loss, squared_hinge_loss
from svmkit.torch.train import LOSSES, Callback, History, device, featurize, fit, predict

__all__ = [
    "LOSSES",
    "Callback",
    "History",
    "LinearSVM",
    "RandomFourierFeatures",
    "device",
    "featurize",
    "fit",
    "hinge_loss",
    "multiclass_hinge_loss",
    "predict",
    "rff_svm",
    "squared_hinge_loss",
]
