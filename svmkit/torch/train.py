"""Training, feature extraction and prediction for PyTorch SVMs: fit, featurize, predict.

:func:`fit` minimises ``mean_i loss(z_i, y_i) + λ Σ ‖W‖²`` over mini-batches and returns the
per-epoch metrics as a plain ``dict`` of lists. Its recipe arguments are checked by
:class:`svmkit.contract.TrainSpec`, the same contract the Keras twin follows; the loop itself
(prepare a state, run an epoch, evaluate) lives in ``svmkit.torch._loop``.

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

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from svmkit._progress import progress_bar
from svmkit._validation import _short_repr, check_positive_int
from svmkit.contract import LOSSES, OPTIMIZERS, TrainSpec, check_penalty
from svmkit.torch import _loop
from svmkit.torch._data import as_rows, model_device_dtype, resolve_device
from svmkit.torch.callbacks import Callback

__all__ = ["LOSSES", "Callback", "device", "featurize", "fit", "predict"]


def device(prefer: str | torch.device | None = None) -> torch.device:
    """Pick a device: ``prefer`` if given, else CUDA, then Apple MPS, then CPU.

    Examples
    --------
    >>> device("cpu")
    device(type='cpu')
    >>> device("nonsense")
    Traceback (most recent call last):
    ...
    ValueError: prefer is not a valid torch device: 'nonsense' (...)
    """
    if prefer is not None:
        return resolve_device(prefer, "prefer")
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


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
) -> dict[str, list[float]]:
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
        λ in ``λ ‖W‖²`` (the contract's ``lam``), applied to the weights of every
        :class:`LinearSVM` and ``nn.Linear`` in ``model`` (never to biases or to a random-feature
        scale). ``λ = 1 / (2 C n)`` matches scikit-learn's ``C``.
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
        Seeds the local generator that shuffles the batches; ``None`` uses PyTorch's global one.
    validation_data : (X_val, y_val) or None, default=None
        Evaluated after every epoch into ``"val_loss"`` and ``"val_accuracy"``.

    Returns
    -------
    dict of str to list of float
        ``history["loss"]`` (objective including the penalty, averaged over the epoch's batches)
        and ``history["accuracy"]`` per epoch, plus ``"val_loss"``/``"val_accuracy"``.

    Raises
    ------
    TypeError, ValueError
        For malformed data or arguments; the message names the argument.

    See Also
    --------
    svmkit.torch.fit_rff_svm : the random-feature SVM recipe, from a FeatureSpec and a TrainSpec.

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
    _check_extensions(loss, optimizer)
    spec = TrainSpec(
        # A callable loss or an Optimizer class is fit's own extension of the contract: the spec
        # checks everything else and keeps its default names for those two.
        loss=loss if isinstance(loss, str) else TrainSpec.loss,
        optimizer=optimizer if isinstance(optimizer, str) else TrainSpec.optimizer,
        lam=check_penalty(weight_decay, "weight_decay"),
        epochs=epochs, batch_size=batch_size, lr=lr, lr_decay=lr_decay, seed=seed,
    )  # fmt: skip
    return _loop.train(
        model, X, y, spec, loss=loss, optimizer=optimizer, device=device, callbacks=callbacks,
        progress=progress, validation_data=validation_data,
    )  # fmt: skip


def _check_extensions(loss: Any, optimizer: Any) -> None:
    """Check what only ``fit`` accepts beyond the contract's names."""
    if not isinstance(loss, str) and not callable(loss):
        raise TypeError(
            f"loss must be a string or a callable (z, y) -> scalar, got {_short_repr(loss)}"
        )
    is_class = isinstance(optimizer, type) and issubclass(optimizer, torch.optim.Optimizer)
    if not isinstance(optimizer, str) and not is_class:
        raise TypeError(
            f"optimizer must be one of {OPTIMIZERS} or a torch.optim.Optimizer subclass, "
            f"got {_short_repr(optimizer)}"
        )


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
        feature_map.to(resolve_device(device))
    target, dtype = model_device_dtype(feature_map)
    data = as_rows(X, "X")
    n = data.shape[0]
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
