"""Hinge losses in PyTorch, argument order ``(z, y)`` like :mod:`torch.nn.functional`.

Binary losses take decision values ``z`` of shape (n,) or (n, 1) and labels ``y`` in {−1, +1}; the
multiclass loss takes scores ``z`` of shape (n, K) and class indices ``y`` of shape (n,). Every loss
is a mean over samples, so ``loss + λ‖w‖²`` is the soft-margin objective with λ = 1 / (2 C n).

The kink of ``max(0, 1 − y z)`` at ``y z = 1`` is handled by :func:`torch.relu`, whose gradient
there is 0: a point sitting exactly on the margin does not pull on ``w`` (a valid subgradient).

Examples
--------
>>> import torch
>>> z = torch.tensor([2.0, 0.5, -1.0])
>>> y = torch.tensor([1.0, 1.0, 1.0])
>>> hinge_loss(z, y)  # (0 + 0.5 + 2) / 3
tensor(0.8333)
"""

from __future__ import annotations

import torch
from torch import Tensor

from svmkit.contract import MULTICLASS_LOSSES as MULTICLASS_KINDS

__all__ = ["MULTICLASS_KINDS", "hinge_loss", "multiclass_hinge_loss", "squared_hinge_loss"]


def _check_tensors(z: Tensor, y: Tensor) -> None:
    """Raise TypeError unless both ``z`` and ``y`` are torch tensors (``z`` checked first)."""
    if not isinstance(z, Tensor):
        raise TypeError(f"z must be a torch.Tensor, got {type(z).__name__}")
    if not isinstance(y, Tensor):
        raise TypeError(f"y must be a torch.Tensor, got {type(y).__name__}")


def _binary_margins(z: Tensor, y: Tensor) -> Tensor:
    """Return the margins ``y · z`` as a 1-d tensor, checking that the shapes line up."""
    _check_tensors(z, y)
    if z.dim() == 2 and z.shape[1] == 1:
        z = z[:, 0]
    if y.dim() == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if z.dim() != 1:
        raise ValueError(
            f"z must have shape (n,) or (n, 1) for a binary loss, got {tuple(z.shape)}; "
            "use multiclass_hinge_loss for several outputs"
        )
    if y.shape != z.shape:
        raise ValueError(f"y has shape {tuple(y.shape)} but z has shape {tuple(z.shape)}")
    # svmkit.contract's label rule, element-wise (no synchronisation): 0 → −1, ±1 unchanged.
    y = y.to(z.dtype)
    return torch.where(y == 0, -1.0, y) * z


def hinge_loss(z: Tensor, y: Tensor) -> Tensor:
    """Mean hinge loss ``mean_i max(0, 1 − y_i z_i)``.

    Parameters
    ----------
    z : torch.Tensor of shape (n,) or (n, 1)
        Decision values ``w·x + b``.
    y : torch.Tensor of shape (n,) or (n, 1)
        Labels in {−1, +1}; ``0`` means ``−1`` (:mod:`svmkit.contract`'s rule, shared with the
        Keras twin). Other values are not checked here, which would cost a device
        synchronisation; :func:`~svmkit.torch.fit` checks them.

    Returns
    -------
    torch.Tensor
        A scalar.

    Examples
    --------
    >>> import torch
    >>> hinge_loss(torch.tensor([[1.0], [-0.5]]), torch.tensor([1.0, -1.0]))
    tensor(0.2500)
    """
    return torch.relu(1.0 - _binary_margins(z, y)).mean()


def squared_hinge_loss(z: Tensor, y: Tensor) -> Tensor:
    """Mean squared hinge loss ``mean_i max(0, 1 − y_i z_i)²`` (smooth, like LinearSVC's default).

    Examples
    --------
    >>> import torch
    >>> squared_hinge_loss(torch.tensor([0.0, 3.0]), torch.tensor([1.0, -1.0]))  # (1 + 16) / 2
    tensor(8.5000)
    """
    return torch.relu(1.0 - _binary_margins(z, y)).square().mean()


def multiclass_hinge_loss(z: Tensor, y: Tensor, kind: str = "ovr") -> Tensor:
    """Multiclass hinge losses on scores ``z`` (n, K) and class indices ``y`` (n,).

    Parameters
    ----------
    z : torch.Tensor of shape (n, K)
        One score per class.
    y : torch.Tensor of shape (n,)
        Integer class indices in ``[0, K)``.
    kind : {"ovr", "squared_ovr", "crammer_singer"}, default="ovr"
        ``"ovr"``: one-vs-rest, ``mean_{i,k} max(0, 1 − t_ik z_ik)`` with ``t = ±1`` one-hot
        (``keras.losses.hinge`` on one-hot labels). ``"squared_ovr"``: the same terms squared
        (``keras.losses.squared_hinge``). ``"crammer_singer"``:
        ``mean_i max(0, 1 + max_{k≠y_i} z_ik − z_{i,y_i})``. (``keras.losses.categorical_hinge``
        takes the max over ``(1 − onehot) · z``, which counts a 0 for the true class; the two agree
        unless every wrong-class score is negative.)

    Returns
    -------
    torch.Tensor
        A scalar.

    Examples
    --------
    >>> import torch
    >>> z = torch.tensor([[2.0, 0.5, -1.0]])
    >>> y = torch.tensor([0])
    >>> multiclass_hinge_loss(z, y, kind="ovr")  # (0 + 1.5 + 0) / 3
    tensor(0.5000)
    >>> multiclass_hinge_loss(z, y, kind="crammer_singer")  # max(0, 1 + 0.5 - 2)
    tensor(0.)
    """
    if kind not in MULTICLASS_KINDS:
        listed = ", ".join(repr(k) for k in MULTICLASS_KINDS)
        raise ValueError(f"kind must be one of {listed}; got {kind!r}")
    _check_tensors(z, y)
    if z.dim() != 2:
        raise ValueError(f"z must have shape (n, K) for a multiclass loss, got {tuple(z.shape)}")
    if y.dim() == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.shape != z.shape[:1]:
        raise ValueError(f"y must have shape ({z.shape[0]},) (class indices), got {tuple(y.shape)}")
    if y.is_floating_point() or y.is_complex():
        raise TypeError(f"y must hold integer class indices, got dtype {y.dtype}")
    true_class = torch.nn.functional.one_hot(y.long(), z.shape[1]).bool()
    if kind == "crammer_singer":
        true_score = z.gather(1, y.long()[:, None])[:, 0]
        best_other = z.masked_fill(true_class, float("-inf")).amax(dim=1)
        return torch.relu(1.0 + best_other - true_score).mean()
    # t z with t = +1 on the true class and −1 elsewhere, without materialising t.
    signed = torch.where(true_class, z, -z)
    terms = torch.relu(1.0 - signed)
    return (terms.square() if kind == "squared_ovr" else terms).mean()
