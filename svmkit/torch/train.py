"""Training loop, feature extraction and prediction for PyTorch SVMs.

:func:`fit` minimises ``mean_i loss(z_i, y_i) + λ Σ ‖W‖²`` over mini-batches. It is written for
speed on an accelerator: the data go to the device once, every epoch shuffles with a
``torch.randperm`` on the device and batches are index slices, and Python only sees numbers (one
synchronisation per epoch) unless a callback asks for per-batch losses.

Examples
--------
>>> import torch
>>> from svmkit.torch import LinearSVM
>>> X = torch.tensor([[-2.0, 0.0], [-1.0, 1.0], [1.0, -1.0], [2.0, 0.0]])
>>> y = torch.tensor([-1.0, -1.0, 1.0, 1.0])
>>> model = LinearSVM(2)
>>> history = fit(model, X, y, loss="hinge", epochs=20, batch_size=4, progress=False, seed=0)
>>> history["accuracy"][-1]
1.0
>>> predict(model, X).sign()
tensor([-1., -1.,  1.,  1.])
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from svmkit._progress import progress_bar
from svmkit._validation import (
    _short_repr,
    as_signed_labels,
    check_array,
    check_choice,
    check_positive,
    check_positive_int,
)
from svmkit.contract import BINARY_LOSSES, LOSSES, MULTICLASS_LOSSES, OPTIMIZERS
from svmkit.torch.layers import LinearSVM
from svmkit.torch.losses import hinge_loss, multiclass_hinge_loss, squared_hinge_loss

__all__ = [
    "BINARY_LOSSES",
    "LOSSES",
    "MULTICLASS_LOSSES",
    "OPTIMIZERS",
    "Callback",
    "History",
    "device",
    "featurize",
    "fit",
    "predict",
]


class Callback:
    """Base class for :func:`fit` callbacks; override any of the no-op hooks.

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


class History(dict):
    """Per-epoch metrics returned by :func:`fit`: ``history["loss"]``, ``history["accuracy"]``...

    A plain ``dict`` of lists, plus ``history.history`` (itself) and ``history.epoch`` so code
    written for a Keras ``History`` object works unchanged.

    Examples
    --------
    >>> history = History(loss=[0.9, 0.5])
    >>> history["loss"][-1], history.history is history
    (0.5, True)
    """

    @property
    def history(self) -> History:
        return self

    @property
    def epoch(self) -> list[int]:
        return list(range(len(self.get("loss", []))))


def device(prefer: str | torch.device | None = None) -> torch.device:
    """Pick a device: ``prefer`` if given, else CUDA, then Apple MPS, then CPU.

    Examples
    --------
    >>> device("cpu")
    device(type='cpu')
    >>> device().type in {"cuda", "mps", "cpu"}
    True
    """
    if prefer is not None:
        return _resolve_device(prefer, "prefer")
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def _model_device_dtype(model: nn.Module) -> tuple[torch.device, torch.dtype]:
    """Device and floating dtype of the model's first parameter or buffer (CPU, float32 if none)."""
    for tensor in list(model.parameters()) + list(model.buffers()):
        if tensor.is_floating_point():
            return tensor.device, tensor.dtype
    return torch.device("cpu"), torch.get_default_dtype()


def _as_features(X: Any, name: str, device_: torch.device, dtype: torch.dtype) -> Tensor:
    """Validate ``X`` (numpy, list or tensor) and return it as a 2-d tensor on ``device_``."""
    if isinstance(X, Tensor):
        if X.is_complex() or X.dtype == torch.bool:
            raise TypeError(f"{name} must hold real numbers, got dtype {X.dtype}")
        if X.dim() != 2:
            raise ValueError(
                f"{name} must be 2-dimensional (n_samples, n_features), got shape {tuple(X.shape)}"
            )
        if X.shape[0] == 0 or X.shape[1] == 0:
            raise ValueError(f"{name} is empty (shape {tuple(X.shape)})")
        tensor = X.detach().to(device=device_, dtype=dtype)
    else:
        tensor = torch.as_tensor(check_array(X, name=name), dtype=dtype, device=device_)
    # One synchronisation at the edge is worth it: a NaN (or a float64 value too large for
    # float32) would otherwise silently poison w.
    if not _all_finite(tensor):
        raise ValueError(f"{name} contains NaN or infinity (as {dtype})")
    return tensor


def _all_finite(tensor: Tensor) -> bool:
    """``torch.isfinite(tensor).all()`` in row chunks: bounded temporary memory, one sync."""
    rows = max(1, 2**24 // max(1, tensor[0].numel()))
    finite = torch.ones((), dtype=torch.bool, device=tensor.device)
    for start in range(0, tensor.shape[0], rows):
        finite &= torch.isfinite(tensor[start : start + rows]).all()
    return bool(finite)


def _resolve_device(value: Any, name: str = "device") -> torch.device:
    """Turn a device argument into a torch.device, with errors that name the argument ``name``."""
    try:
        target = torch.device(value)
    except (RuntimeError, TypeError) as error:
        raise ValueError(f"{name} is not a valid torch device: {value!r} ({error})") from None
    if target.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"{name}='cuda' but torch.cuda.is_available() is False")
    return target


def _labels_to_numpy(y: Any, name: str) -> np.ndarray:
    if isinstance(y, Tensor):
        y = y.detach().cpu().numpy()
    array = check_array(y, name=name, ndim=None, dtype=None)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-dimensional (n_samples,), got shape {array.shape}")
    return array


def _as_targets(
    y: Any, name: str, loss: str | Callable, n_outputs: int, device_: torch.device, dtype
) -> Tensor:
    """Validate labels for ``loss`` and return them as a tensor on ``device_``."""
    labels = _labels_to_numpy(y, name)
    if loss in BINARY_LOSSES:
        if n_outputs != 1:
            raise ValueError(
                f"loss={loss!r} needs a model with one output, this one has {n_outputs}; "
                f"use one of {MULTICLASS_LOSSES} for several classes"
            )
        return torch.as_tensor(as_signed_labels(labels, name=name), dtype=dtype, device=device_)
    if loss in MULTICLASS_LOSSES:
        if n_outputs < 2:
            raise ValueError(
                f"loss={loss!r} needs a model with one output per class, this one has "
                f"{n_outputs}; use 'hinge' or 'squared_hinge' for a binary model"
            )
        if labels.dtype.kind == "b" or (labels != np.round(labels)).any():
            raise ValueError(f"{name} must hold integer class indices for loss={loss!r}")
        if labels.min() < 0 or labels.max() >= n_outputs:
            raise ValueError(
                f"{name} must hold class indices in [0, {n_outputs}), "
                f"got values from {labels.min()} to {labels.max()}"
            )
        return torch.as_tensor(labels.astype(np.int64), device=device_)
    # A custom loss gets integer labels as int64 and anything else in the model's dtype.
    if labels.dtype.kind in "iu":
        return torch.as_tensor(labels.astype(np.int64), device=device_)
    return torch.as_tensor(labels, dtype=dtype, device=device_)


def _loss_function(loss: str | Callable) -> Callable[[Tensor, Tensor], Tensor]:
    if callable(loss):
        return loss
    if not isinstance(loss, str):
        raise TypeError(
            f"loss must be a string or a callable (z, y) -> scalar, got {_short_repr(loss)}"
        )
    check_choice(loss, "loss", LOSSES)
    if loss == "hinge":
        return hinge_loss
    if loss == "squared_hinge":
        return squared_hinge_loss
    return lambda z, y: multiclass_hinge_loss(z, y, kind=loss)


def _correct(z: Tensor, y: Tensor) -> Tensor:
    """Number of correct predictions as a 0-d tensor (no synchronisation)."""
    if z.dim() == 2 and z.shape[1] > 1:
        return (z.argmax(dim=1) == y).sum()
    z = z.reshape(-1)
    # ±1 labels and {0, 1} labels (custom losses) both count as positive when y > 0.
    return ((z > 0) == (y.reshape(-1) > 0)).sum()


def _make_optimizer(optimizer: Any, params: list[nn.Parameter], lr: float):
    if isinstance(optimizer, str):
        check_choice(optimizer, "optimizer", OPTIMIZERS)
        cls = torch.optim.SGD if optimizer == "sgd" else torch.optim.Adam
        return cls(params, lr=lr)
    if isinstance(optimizer, type) and issubclass(optimizer, torch.optim.Optimizer):
        return optimizer(params, lr=lr)
    raise TypeError(
        f"optimizer must be one of {OPTIMIZERS} or a torch.optim.Optimizer subclass, "
        f"got {_short_repr(optimizer)}"
    )


def _overrides(callback: Any, hook: str) -> bool:
    """Whether ``callback`` has a real (not the base class no-op) implementation of ``hook``."""
    method = getattr(type(callback), hook, None)
    if method is None:
        return callable(getattr(callback, hook, None))
    return method is not getattr(Callback, hook)


def _evaluate(
    model: nn.Module, loss_fn, X: Tensor, y: Tensor, penalty: Tensor, batch_size: int
) -> tuple[Tensor, Tensor]:
    """Mean loss (plus ``penalty``) and count of correct predictions on (X, y), 0-d tensors."""
    total_loss = torch.zeros((), device=X.device, dtype=X.dtype)
    total_correct = torch.zeros((), device=X.device, dtype=torch.int64)
    for start in range(0, X.shape[0], batch_size):
        xb, yb = X[start : start + batch_size], y[start : start + batch_size]
        z = model(xb)
        total_loss += loss_fn(z, yb) * xb.shape[0]
        total_correct += _correct(z, yb)
    return total_loss / X.shape[0] + penalty, total_correct


def fit(
    model: nn.Module,
    X: Any,
    y: Any,
    *,
    loss: str | Callable[[Tensor, Tensor], Tensor],
    epochs: int = 10,
    batch_size: int | None = 32,
    lr: float = 0.1,
    optimizer: str | type[torch.optim.Optimizer] = "sgd",
    weight_decay: float = 0.0,
    lr_decay: float | None = None,
    device: str | torch.device | None = None,
    callbacks: Iterable[Any] = (),
    progress: bool = True,
    seed: int | None = None,
    validation_data: Sequence[Any] | None = None,
) -> History:
    """Train ``model`` by minimising ``mean_i loss(z_i, y_i) + weight_decay · Σ ‖W‖²``.

    Parameters
    ----------
    model : torch.nn.Module
        Maps (n, d) inputs to decision values (n, 1) for binary losses or scores (n, K).
    X : array-like or torch.Tensor of shape (n_samples, n_features)
    y : array-like or torch.Tensor of shape (n_samples,)
        Binary losses: labels in {−1, +1}, {0, 1} or bool (converted to ±1). Multiclass losses:
        class indices in ``[0, K)``.
    loss : {"hinge", "squared_hinge", "ovr", "squared_ovr", "crammer_singer"} or callable
        See ``svmkit.torch.losses``; a callable gets ``(z, y)`` and returns a scalar tensor.
    epochs : int, default=10
    batch_size : int or None, default=32
        ``None`` (or anything ≥ n) trains on the full batch without shuffling.
    lr : float, default=0.1
        Learning rate.
    optimizer : {"sgd", "adam"} or torch.optim.Optimizer subclass, default="sgd"
        A class is instantiated as ``optimizer(params, lr=lr)``.
    weight_decay : float, default=0.0
        λ in ``λ ‖W‖²``, applied to the weights of every :class:`LinearSVM` and ``nn.Linear`` in
        ``model`` (never to biases or to a random-feature scale). ``λ = 1 / (2 C n)`` matches
        scikit-learn's ``C``.
    lr_decay : float or None, default=None
        Multiply the learning rate by this factor after every batch (``ExponentialLR``).
    device : str, torch.device or None, default=None
        Where to train; the model is moved there. ``None`` keeps the model's current device (use
        :func:`svmkit.torch.device` to pick an accelerator).
    callbacks : iterable of objects, default=()
        With any of the :class:`Callback` hooks.
    progress : bool, default=True
        Show a tqdm progress bar, updated once per epoch.
    seed : int or None, default=None
        Seeds the shuffling generator; ``None`` uses PyTorch's global generator.
    validation_data : (X_val, y_val) or None, default=None
        Evaluated after every epoch into ``"val_loss"`` and ``"val_accuracy"``.

    Returns
    -------
    History
        ``history["loss"]`` (objective including the penalty, averaged over the epoch's batches)
        and ``history["accuracy"]`` per epoch, plus ``"val_loss"``/``"val_accuracy"``.

    Raises
    ------
    TypeError, ValueError
        For malformed data or arguments; the message names the argument.

    Examples
    --------
    >>> import numpy as np
    >>> from svmkit.torch import LinearSVM, rff_svm
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 2)).astype(np.float32)
    >>> y = (np.linalg.norm(X, axis=1) > 1.2).astype(int)  # a circle: not linearly separable
    >>> model = rff_svm(2, output_dim=128, sigma=0.5, seed=0)
    >>> history = fit(
    ...     model, X, y, loss="hinge", epochs=20, batch_size=50, lr=1.0, progress=False, seed=0
    ... )
    >>> history["accuracy"][-1] > 0.9
    True
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    loss_fn = _loss_function(loss)
    epochs = check_positive_int(epochs, "epochs")
    if batch_size is not None:
        batch_size = check_positive_int(batch_size, "batch_size")
    lr = check_positive(lr, "lr")
    if isinstance(weight_decay, bool) or not isinstance(weight_decay, numbers.Real):
        raise TypeError(f"weight_decay must be a number, got {type(weight_decay).__name__}")
    if weight_decay != 0:
        try:
            weight_decay = check_positive(weight_decay, "weight_decay")
        except ValueError:
            raise ValueError(
                f"weight_decay must be a finite number ≥ 0, got {_short_repr(weight_decay)}"
            ) from None
    weight_decay = float(weight_decay)
    if lr_decay is not None:
        lr_decay = check_positive(lr_decay, "lr_decay")
        if lr_decay > 1:
            raise ValueError(f"lr_decay must be in (0, 1], got {lr_decay!r}")
    if seed is not None:
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"seed must be None or a non-negative integer, got {_short_repr(seed)}")
        if not 0 <= seed < 2**64:  # the range torch.Generator.manual_seed accepts
            raise ValueError(
                f"seed must be None or an integer in [0, 2**64), got {_short_repr(seed)}"
            )
        seed = int(seed)
    callbacks = list(callbacks)

    if device is None:
        target, dtype = _model_device_dtype(model)
    else:
        target = _resolve_device(device)
        model.to(target)
        _, dtype = _model_device_dtype(model)

    if dtype.is_floating_point and lr > torch.finfo(dtype).max:
        raise ValueError(f"lr must be representable in {dtype}, got {lr!r}")
    X_t = _as_features(X, "X", target, dtype)
    n = X_t.shape[0]
    # One forward pass on a single row tells how many outputs the model has, so the labels can be
    # checked against it here rather than fail (or, on CUDA, assert) deep inside the loss.
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            probe = model(X_t[:1])
    except (RuntimeError, ValueError) as error:
        raise ValueError(
            f"model cannot be applied to X of shape {tuple(X_t.shape)}: {error}"
        ) from None
    finally:
        model.train(was_training)
    n_outputs = probe.shape[1] if probe.dim() == 2 else 1
    y_t = _as_targets(y, "y", loss, n_outputs, target, dtype)
    if y_t.shape[0] != n:
        raise ValueError(f"y has {y_t.shape[0]} labels but X has {n} samples")

    validation = None
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise TypeError("validation_data must be a pair (X_val, y_val)")
        X_v = _as_features(validation_data[0], "X_val", target, dtype)
        if X_v.shape[1] != X_t.shape[1]:
            raise ValueError(f"X_val has {X_v.shape[1]} features but X has {X_t.shape[1]}")
        y_v = _as_targets(validation_data[1], "y_val", loss, n_outputs, target, dtype)
        if y_v.shape[0] != X_v.shape[0]:
            raise ValueError(f"y_val has {y_v.shape[0]} labels but X_val has {X_v.shape[0]}")
        validation = (X_v, y_v)

    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("model has no trainable parameters")
    decayed = [m.weight for m in model.modules() if isinstance(m, (LinearSVM, nn.Linear))]
    if weight_decay > 0 and not decayed:
        raise ValueError("weight_decay > 0 but model has no LinearSVM or nn.Linear layer to decay")
    opt = _make_optimizer(optimizer, params, lr)
    scheduler = torch.optim.lr_scheduler.ExponentialLR(opt, lr_decay) if lr_decay else None

    def penalty() -> Tensor:
        if weight_decay == 0 or not decayed:
            return torch.zeros((), device=target, dtype=dtype)
        return weight_decay * sum(w.square().sum() for w in decayed)

    generator = None
    if seed is not None:
        generator = torch.Generator(device=target)
        generator.manual_seed(seed)
    batch = n if batch_size is None else min(batch_size, n)
    # float64 is not available on every accelerator (MPS); float32 counts are exact below 2**24.
    stack_dtype = torch.float64 if dtype == torch.float64 else torch.float32
    batch_hooks = [cb for cb in callbacks if _overrides(cb, "on_batch_end")]
    history = History(loss=[], accuracy=[])
    if validation is not None:
        history.update(val_loss=[], val_accuracy=[])

    bar = None
    if progress:
        bar = progress_bar(total=epochs, desc="fit", unit="epoch", leave=True)

    for cb in callbacks:
        if _overrides(cb, "on_train_begin"):
            cb.on_train_begin(model)
    step = 0
    for epoch in range(epochs):
        model.train()
        order = None
        if batch < n:
            order = torch.randperm(n, device=target, generator=generator)
        loss_sum = torch.zeros((), device=target, dtype=dtype)
        correct = torch.zeros((), device=target, dtype=torch.int64)
        for start in range(0, n, batch):
            if order is None:
                xb, yb = X_t, y_t
            else:
                index = order[start : start + batch]
                xb, yb = X_t.index_select(0, index), y_t.index_select(0, index)
            z = model(xb)
            objective = loss_fn(z, yb) + penalty()
            opt.zero_grad(set_to_none=True)
            objective.backward()
            opt.step()
            if scheduler is not None:
                scheduler.step()
            with torch.no_grad():
                loss_sum += objective.detach() * xb.shape[0]
                correct += _correct(z.detach(), yb)
            if batch_hooks:
                logs = {"loss": objective.item(), "model": model}
                for cb in batch_hooks:
                    cb.on_batch_end(step, logs)
            step += 1

        # The one synchronisation of the epoch: fetch every number together.
        # Counts are divided in Python (float64) so that accuracies print as 0.98, not 0.98000001.
        metrics = {"loss": loss_sum / n, "accuracy": correct}
        denominators = {"loss": 1, "accuracy": n}
        if validation is not None:
            model.eval()
            with torch.no_grad():
                val_loss, val_correct = _evaluate(
                    model, loss_fn, *validation, penalty(), max(batch, 8192)
                )
            metrics.update(val_loss=val_loss, val_accuracy=val_correct)
            denominators.update(val_loss=1, val_accuracy=validation[0].shape[0])
        values = torch.stack([v.to(stack_dtype) for v in metrics.values()]).tolist()
        logs = {key: value / denominators[key] for key, value in zip(metrics, values, strict=True)}
        for key, value in logs.items():
            history[key].append(value)
        if bar is not None:
            bar.set_postfix({k: f"{v:.4f}" for k, v in logs.items()}, refresh=False)
            bar.update(1)
        for cb in callbacks:
            if _overrides(cb, "on_epoch_end"):
                cb.on_epoch_end(epoch, {**logs, "model": model})
    if bar is not None:
        bar.close()
    model.eval()
    for cb in callbacks:
        if _overrides(cb, "on_train_end"):
            cb.on_train_end({**{k: v[-1] for k, v in history.items()}, "model": model})
    return history


def _chunks(X: Any, batch_size: int, name: str) -> tuple[Any, int]:
    """Validate ``X`` once; return it (numpy array or tensor) and its number of rows."""
    if isinstance(X, Tensor):
        if X.dim() != 2:
            raise ValueError(
                f"{name} must be 2-dimensional (n_samples, n_features), got shape {tuple(X.shape)}"
            )
        if X.is_complex() or X.dtype == torch.bool:
            raise TypeError(f"{name} must hold real numbers, got dtype {X.dtype}")
        return X.detach(), X.shape[0]
    # Keep the input dtype (e.g. uint8 images): chunks are converted one at a time, so a large
    # dataset is never copied to float64 in full.
    array = check_array(X, name=name, allow_empty=True, dtype=None)
    return array, array.shape[0]


def featurize(
    feature_map: nn.Module,
    X: Any,
    *,
    batch_size: int = 4096,
    device: str | torch.device | None = None,
    progress: bool = False,
) -> Tensor:
    """Apply a (frozen) feature map to ``X`` in chunks, without autograd.

    With a frozen scale the random features never change during training, so compute them once and
    train the linear head on the result. Chunking bounds the temporary memory to one
    ``batch_size × D`` block; only the output (n × D) is allocated in full.

    Parameters
    ----------
    feature_map : torch.nn.Module
        E.g. :class:`RandomFourierFeatures`.
    X : array-like or torch.Tensor of shape (n, d)
    batch_size : int, default=4096
    device : str, torch.device or None
        Where to compute (the module is moved there); ``None`` keeps the module's device.
    progress : bool, default=False
        Show a tqdm bar over chunks.

    Returns
    -------
    torch.Tensor of shape (n, D)
        On the computing device, in the module's dtype.

    Examples
    --------
    >>> import numpy as np
    >>> from svmkit.torch import RandomFourierFeatures
    >>> rff = RandomFourierFeatures(3, output_dim=16, seed=0)
    >>> featurize(rff, np.zeros((10, 3)), batch_size=4).shape
    torch.Size([10, 16])
    """
    if not isinstance(feature_map, nn.Module):
        raise TypeError(f"feature_map must be a torch.nn.Module, got {type(feature_map).__name__}")
    batch_size = check_positive_int(batch_size, "batch_size")
    if device is not None:
        feature_map.to(_resolve_device(device))
    target, dtype = _model_device_dtype(feature_map)
    data, n = _chunks(X, batch_size, "X")
    starts = range(0, n, batch_size)
    if progress:
        starts = progress_bar(starts, desc="featurize", unit="chunk")
    out = None
    was_training = feature_map.training
    feature_map.eval()
    try:
        with torch.no_grad():
            for start in starts:
                chunk = data[start : start + batch_size]
                if isinstance(chunk, np.ndarray) and not chunk.flags.writeable:
                    chunk = chunk.copy()  # torch warns about read-only (e.g. memory-mapped) arrays
                chunk = torch.as_tensor(chunk)
                features = feature_map(chunk.to(device=target, dtype=dtype, non_blocking=True))
                if out is None:
                    out = torch.empty((n, *features.shape[1:]), device=target, dtype=features.dtype)
                out[start : start + features.shape[0]] = features
    finally:
        feature_map.train(was_training)
    if out is None:  # zero rows: infer the width from a single dummy row
        with torch.no_grad():
            probe = feature_map(torch.zeros((1, data.shape[1]), device=target, dtype=dtype))
        out = torch.empty((0, *probe.shape[1:]), device=target, dtype=probe.dtype)
    return out


def predict(
    model: nn.Module,
    X: Any,
    *,
    batch_size: int = 8192,
    device: str | torch.device | None = None,
) -> Tensor:
    """Decision values of ``model`` on ``X``, computed in chunks without autograd.

    Returns
    -------
    torch.Tensor on the CPU
        Shape (n,) for a single-output (binary) model, (n, K) otherwise.

    Examples
    --------
    >>> import torch
    >>> from svmkit.torch import LinearSVM
    >>> predict(LinearSVM(3), torch.ones(2, 3))
    tensor([0., 0.])
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    scores = featurize(model, X, batch_size=batch_size, device=device).cpu()
    return scores[:, 0] if scores.dim() == 2 and scores.shape[1] == 1 else scores
