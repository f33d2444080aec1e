"""The training loop behind :func:`svmkit.torch.fit`: prepare a state, run epochs, evaluate.

Internal to :mod:`svmkit.torch`. :func:`train` takes a checked :class:`svmkit.contract.TrainSpec`;
``fit`` builds one from its keyword arguments and :func:`svmkit.torch.fit_rff_svm` passes its own.
Written for speed on an accelerator: the data go to the device once, every epoch shuffles with
a ``torch.randperm`` on the device (from a local generator seeded by the spec), batches are
index slices, and Python sees numbers once per epoch unless a callback asks for per-batch losses.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import torch
from torch import Tensor, nn

from svmkit._progress import progress_bar
from svmkit.contract import BINARY_LOSSES, TrainSpec, validation_pair
from svmkit.torch._data import (
    as_features,
    as_targets,
    count_outputs,
    model_device_dtype,
    resolve_device,
)
from svmkit.torch.callbacks import notify, overrides
from svmkit.torch.layers import LinearSVM
from svmkit.torch.losses import hinge_loss, multiclass_hinge_loss, squared_hinge_loss

Loss = Callable[[Tensor, Tensor], Tensor]

_OPTIMIZERS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}
# Validation batches can be large: no gradients are kept.
_EVALUATION_BATCH = 8192
# Streamed features are computed about this many bytes at a time (whole batches; 4096 rows at
# D = 16 384): one large GEMM runs much closer to the machine's peak than many batch-sized ones,
# and the numbers are the same.
_STREAM_BYTES = 2**28


@dataclasses.dataclass
class TrainingState:
    """Everything one run needs, on the training device."""

    model: nn.Module
    X: Tensor
    y: Tensor
    validation: tuple[Tensor, Tensor] | None
    loss_fn: Loss
    optimizer: torch.optim.Optimizer
    scheduler: torch.optim.lr_scheduler.LRScheduler | None
    generator: torch.Generator | None
    batch: int
    lam: float
    decayed: list[Tensor]
    batch_hooks: list[Any]
    dtype: torch.dtype
    augment: Callable[[Tensor, torch.Generator | None], Tensor] | None = None
    feature_map: nn.Module | None = None
    row_width: int = 1  # numbers per prepared row (D with a feature_map)
    step: int = 0

    def inputs(self, xb: Tensor, *, augment: bool = False) -> Tensor:
        """Rows as ``model`` takes them: augmented (training only), cast, then featurised."""
        if augment and self.augment is not None:
            xb = self.augment(xb, self.generator)
        xb = xb.to(self.dtype)
        if self.feature_map is None:
            return xb
        with torch.no_grad():
            return self.feature_map(xb)

    def chunk_rows(self) -> int:
        """Rows prepared at once in an epoch: one batch, or whole batches of streamed features."""
        if self.feature_map is None:
            return self.batch
        row_bytes = self.dtype.itemsize * self.row_width
        return self.batch * max(1, _STREAM_BYTES // row_bytes // self.batch)

    def penalty(self) -> Tensor:
        """``λ Σ ‖W‖²`` over the weights of every LinearSVM and nn.Linear (never biases or σ)."""
        if self.lam == 0 or not self.decayed:
            return torch.zeros((), device=self.X.device, dtype=self.dtype)
        return self.lam * sum(w.square().sum() for w in self.decayed)


def loss_function(loss: str | Loss) -> Loss:
    """The loss named in the contract, or a callable ``(z, y) -> scalar`` as it is."""
    if callable(loss):
        return loss
    if loss in BINARY_LOSSES:
        return hinge_loss if loss == "hinge" else squared_hinge_loss
    return functools.partial(multiclass_hinge_loss, kind=loss)


def prepare(
    model: nn.Module,
    X: Any,
    y: Any,
    spec: TrainSpec,
    *,
    loss: str | Loss,
    optimizer: str | type[torch.optim.Optimizer],
    device: str | torch.device | None,
    validation_data: Sequence[Any] | None,
    callbacks: list[Any],
    augment: Callable[[Tensor, torch.Generator | None], Tensor] | None = None,
    feature_map: nn.Module | None = None,
) -> TrainingState:
    """Data checked against the model and put on its device, optimiser, schedule, generator.

    Integer inputs (uint8 images) stay integers on the device; each batch is cast as it is used.
    With a frozen ``feature_map``, ``model`` is trained on ``feature_map(X)`` computed on the fly.
    """
    if device is not None:
        model.to(resolve_device(device))
        if feature_map is not None:
            feature_map.to(resolve_device(device))
    target, dtype = model_device_dtype(model)
    if dtype.is_floating_point and spec.lr > torch.finfo(dtype).max:
        raise ValueError(f"lr must be representable in {dtype}, got {spec.lr!r}")
    X_t = as_features(X, "X", target, dtype, keep_integers=True)
    probe = X_t[:1].to(dtype)
    if feature_map is not None:
        with torch.no_grad():
            probe = feature_map(probe)
    n_outputs = count_outputs(model, probe)
    y_t = _paired_targets(X_t, y, ("X", "y"), loss, n_outputs, dtype)
    validation = None
    if validation_data is not None:
        validation = _validation(validation_data, X_t, loss, n_outputs, dtype)
    opt, scheduler = _optimizer(model, spec, optimizer)
    decayed = [m.weight for m in model.modules() if isinstance(m, (LinearSVM, nn.Linear))]
    if spec.lam > 0 and not decayed:
        raise ValueError(
            "weight_decay (λ, lam) > 0 but model has no LinearSVM or nn.Linear layer to decay"
        )
    generator = None
    if spec.seed is not None:
        generator = torch.Generator(device=target)
        generator.manual_seed(spec.seed)
    return TrainingState(
        model, X_t, y_t, validation, loss_function(loss), opt, scheduler, generator,
        batch=spec.batch(X_t.shape[0]), lam=spec.lam, decayed=decayed,
        batch_hooks=[cb for cb in callbacks if overrides(cb, "on_batch_end")], dtype=dtype,
        augment=augment, feature_map=feature_map, row_width=probe.shape[-1],
    )  # fmt: skip


def _paired_targets(
    X_t: Tensor,
    y: Any,
    names: tuple[str, str],
    loss: str | Loss,
    n_outputs: int,
    dtype: torch.dtype,
) -> Tensor:
    """Labels checked against ``loss`` and the model, with as many rows as ``X_t``."""
    x_name, y_name = names
    y_t = as_targets(y, y_name, loss, n_outputs, X_t.device, dtype)
    if y_t.shape[0] != X_t.shape[0]:
        raise ValueError(
            f"{y_name} has {y_t.shape[0]} labels but {x_name} has {X_t.shape[0]} samples"
        )
    return y_t


def _validation(
    validation_data: Sequence[Any],
    X_t: Tensor,
    loss: str | Loss,
    n_outputs: int,
    dtype: torch.dtype,
) -> tuple[Tensor, Tensor]:
    X_val, y_val = validation_pair(validation_data)
    X_v = as_features(X_val, "X_val", X_t.device, dtype, keep_integers=True)
    if X_v.shape[1] != X_t.shape[1]:
        raise ValueError(f"X_val has {X_v.shape[1]} features but X has {X_t.shape[1]}")
    return X_v, _paired_targets(X_v, y_val, ("X_val", "y_val"), loss, n_outputs, dtype)


def _optimizer(
    model: nn.Module, spec: TrainSpec, optimizer: str | type[torch.optim.Optimizer]
) -> tuple[torch.optim.Optimizer, torch.optim.lr_scheduler.LRScheduler | None]:
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("model has no trainable parameters")
    cls = _OPTIMIZERS[optimizer] if isinstance(optimizer, str) else optimizer
    opt = cls(params, lr=spec.lr)
    if not spec.lr_decay:
        return opt, None
    return opt, torch.optim.lr_scheduler.ExponentialLR(opt, spec.lr_decay)


def _correct(z: Tensor, y: Tensor) -> Tensor:
    """Number of correct predictions as a 0-d tensor (no synchronisation)."""
    if z.dim() == 2 and z.shape[1] > 1:
        return (z.argmax(dim=1) == y).sum()
    z = z.reshape(-1)
    # ±1 labels and {0, 1} labels (custom losses) both count as positive when y > 0.
    return ((z > 0) == (y.reshape(-1) > 0)).sum()


def _step(state: TrainingState, xb: Tensor, yb: Tensor) -> tuple[Tensor, Tensor]:
    """One optimiser step on a batch; returns the batch objective and the decision values."""
    z = state.model(xb)
    objective = state.loss_fn(z, yb) + state.penalty()
    state.optimizer.zero_grad(set_to_none=True)
    objective.backward()
    state.optimizer.step()
    if state.scheduler is not None:
        state.scheduler.step()
    return objective, z


def _chunks(state: TrainingState) -> Iterator[tuple[Tensor, Tensor]]:
    """One epoch's shuffled rows, prepared ``chunk_rows()`` at a time (see TrainingState.inputs)."""
    X, y, n = state.X, state.y, state.X.shape[0]
    if state.batch >= n:
        yield state.inputs(X, augment=True), y
        return
    order = torch.randperm(n, device=X.device, generator=state.generator)
    size = state.chunk_rows()
    for start in range(0, n, size):
        index = order[start : start + size]
        yield state.inputs(X.index_select(0, index), augment=True), y.index_select(0, index)


def run_epoch(state: TrainingState) -> tuple[Tensor, Tensor]:
    """One pass over shuffled batches; the summed objective and count of correct predictions."""
    batch = state.batch
    state.model.train()
    loss_sum = torch.zeros((), device=state.X.device, dtype=state.dtype)
    correct = torch.zeros((), device=state.X.device, dtype=torch.int64)
    for rows, labels in _chunks(state):
        for start in range(0, rows.shape[0], batch):
            xb, yb = rows[start : start + batch], labels[start : start + batch]
            objective, z = _step(state, xb, yb)
            with torch.no_grad():
                loss_sum += objective.detach() * xb.shape[0]
                correct += _correct(z.detach(), yb)
            if state.batch_hooks:
                notify(state.batch_hooks, "on_batch_end", state.step,
                       {"loss": objective.item(), "model": state.model})  # fmt: skip
            state.step += 1
    return loss_sum, correct


def _evaluate(state: TrainingState, X: Tensor, y: Tensor) -> tuple[Tensor, Tensor]:
    """Objective (mean loss plus penalty) and count of correct predictions on (X, y), no sync."""
    total_loss = torch.zeros((), device=X.device, dtype=state.dtype)
    total_correct = torch.zeros((), device=X.device, dtype=torch.int64)
    # Streamed features: as many rows at once as in training (about _STREAM_BYTES of features).
    streamed = state.feature_map is not None
    size = state.chunk_rows() if streamed else max(state.batch, _EVALUATION_BATCH)
    state.model.eval()
    with torch.no_grad():
        for start in range(0, X.shape[0], size):
            xb, yb = state.inputs(X[start : start + size]), y[start : start + size]
            z = state.model(xb)
            total_loss += state.loss_fn(z, yb) * xb.shape[0]
            total_correct += _correct(z, yb)
        return total_loss / X.shape[0] + state.penalty(), total_correct


def epoch_logs(state: TrainingState, loss_sum: Tensor, correct: Tensor) -> dict[str, float]:
    """The epoch's metrics as Python floats: the one synchronisation of the epoch.

    Counts are divided in Python (float64) so that accuracies print as 0.98, not 0.98000001.
    """
    n = state.X.shape[0]
    metrics = {"loss": (loss_sum / n, 1), "accuracy": (correct, n)}
    if state.validation is not None:
        val_loss, val_correct = _evaluate(state, *state.validation)
        metrics["val_loss"] = (val_loss, 1)
        metrics["val_accuracy"] = (val_correct, state.validation[0].shape[0])
    # float64 is not available on every accelerator (MPS); float32 counts are exact below 2**24.
    stack_dtype = torch.float64 if state.dtype == torch.float64 else torch.float32
    values = torch.stack([value.to(stack_dtype) for value, _ in metrics.values()]).tolist()
    return {
        key: value / denominator
        for (key, (_, denominator)), value in zip(metrics.items(), values, strict=True)
    }


def train(
    model: nn.Module,
    X: Any,
    y: Any,
    spec: TrainSpec,
    *,
    loss: str | Loss | None = None,
    optimizer: str | type[torch.optim.Optimizer] | None = None,
    device: str | torch.device | None = None,
    callbacks: Iterable[Any] = (),
    progress: bool = False,
    validation_data: Sequence[Any] | None = None,
    augment: Callable[[Tensor, torch.Generator | None], Tensor] | None = None,
    feature_map: nn.Module | None = None,
) -> dict[str, list[float]]:
    """Train ``model`` with the recipe ``spec``; ``loss`` and ``optimizer`` override its names.

    ``augment(batch, generator)``, when given, transforms every training batch before the model
    sees it (e.g. :class:`svmkit.augment.RandomShift`), drawing from the loop's seeded generator.
    A frozen ``feature_map`` is applied to the rows first, a few thousand at a time ("streamed"
    features): ``model`` is then the head trained on ``feature_map(X)``.
    Returns the per-epoch metrics as a dict of lists (see :func:`svmkit.torch.fit`).
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    callbacks = list(callbacks)
    state = prepare(
        model, X, y, spec, loss=spec.loss if loss is None else loss,
        optimizer=spec.optimizer if optimizer is None else optimizer, device=device,
        validation_data=validation_data, callbacks=callbacks, augment=augment,
        feature_map=feature_map,
    )  # fmt: skip
    history: dict[str, list[float]] = {}
    bar = progress_bar(total=spec.epochs, desc="fit", unit="epoch", leave=True, enabled=progress)
    notify(callbacks, "on_train_begin", model)
    for epoch in range(spec.epochs):
        logs = epoch_logs(state, *run_epoch(state))
        for key, value in logs.items():
            history.setdefault(key, []).append(value)
        bar.set_postfix({k: f"{v:.4f}" for k, v in logs.items()}, refresh=False)
        bar.update(1)
        notify(callbacks, "on_epoch_end", epoch, {**logs, "model": model})
    bar.close()
    model.eval()
    notify(callbacks, "on_train_end", {**{k: v[-1] for k, v in history.items()}, "model": model})
    return history
