"""The hooks :func:`svmkit.torch.fit` calls while it trains.

Examples
--------
>>> import torch
>>> from svmkit.torch import LinearSVM, fit
>>> class EpochCounter(Callback):
...     def __init__(self):
...         self.epochs = 0
...     def on_epoch_end(self, epoch, logs):
...         self.epochs += 1
>>> counter = EpochCounter()
>>> X, y = torch.tensor([[-1.0], [1.0]]), torch.tensor([-1.0, 1.0])
>>> _ = fit(LinearSVM(1), X, y, loss="hinge", epochs=3, callbacks=[counter], progress=False)
>>> counter.epochs
3
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from torch import nn

__all__ = ["Callback"]


class Callback:
    """Base class for :func:`svmkit.torch.fit` callbacks; override any of the no-op hooks.

    Any object with some of these methods works as a callback; subclassing only documents intent.
    ``logs`` always holds ``"model"``; ``on_batch_end`` logs hold the batch ``"loss"`` and
    ``on_epoch_end`` logs the epoch's ``"loss"``, ``"accuracy"`` (and ``"val_*"``).

    Examples
    --------
    >>> class PrintLoss(Callback):
    ...     def on_epoch_end(self, epoch, logs):
    ...         print(epoch, round(logs["loss"], 3))
    """

    def on_train_begin(self, model: nn.Module) -> None:
        """Called once before the first batch."""

    def on_batch_end(self, step: int, logs: dict[str, Any]) -> None:
        """Called after each optimiser step; ``step`` counts from 0 over the whole run."""

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        """Called after each epoch (``epoch`` counts from 0)."""

    def on_train_end(self, logs: dict[str, Any]) -> None:
        """Called once after the last epoch."""


HOOKS = ("on_train_begin", "on_batch_end", "on_epoch_end", "on_train_end")


def overrides(callback: Any, hook: str) -> bool:
    """Whether ``callback`` has a real (not the base class no-op) implementation of ``hook``.

    ``fit`` fetches a batch's loss (a device synchronisation) only for callbacks that override
    ``on_batch_end``.
    """
    method = getattr(type(callback), hook, None)
    if method is None:
        return callable(getattr(callback, hook, None))
    return method is not getattr(Callback, hook)


def notify(callbacks: Iterable[Any], hook: str, *args: Any) -> None:
    """Call ``hook(*args)`` on every callback that implements it."""
    for callback in callbacks:
        if overrides(callback, hook):
            getattr(callback, hook)(*args)


class ShowModel:
    """Forward a callback's hooks with ``model`` (and ``logs["model"]``) replaced by ``model``.

    :func:`svmkit.torch.fit_rff_svm` trains the head on precomputed features; wrapped in this,
    the caller's callbacks see the whole ``Sequential(feature_map, head)`` they get back.
    Only the hooks ``callback`` implements are forwarded, so a callback without
    ``on_batch_end`` still costs no per-batch synchronisation.
    """

    def __init__(self, callback: Any, model: nn.Module) -> None:
        self.callback, self.model = callback, model
        for hook in HOOKS:
            if overrides(callback, hook):
                setattr(self, hook, getattr(self, f"_{hook}"))

    def _on_train_begin(self, model: nn.Module) -> None:
        self.callback.on_train_begin(self.model)

    def _on_batch_end(self, step: int, logs: dict[str, Any]) -> None:
        self.callback.on_batch_end(step, {**logs, "model": self.model})

    def _on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        self.callback.on_epoch_end(epoch, {**logs, "model": self.model})

    def _on_train_end(self, logs: dict[str, Any]) -> None:
        self.callback.on_train_end({**logs, "model": self.model})
