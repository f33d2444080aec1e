"""Static figures for the book: margin bands, losses, kernel error, confusion matrix, digits.

Everything here takes numpy arrays and a matplotlib ``Axes`` (or returns a ``Figure``), so the same
functions serve the PyTorch and the Keras chapters. Models enter only through a *decision function*,
any callable mapping an ``(m, 2)`` numpy array to ``(m,)`` decision values ``z = w·x + b``;
:func:`decision_function_of` builds one from a PyTorch module or a Keras model without importing
either framework until it is needed.

The colour scheme is shared by every figure and by :mod:`svmkit.animate`: blue for ``y = −1`` and
vermilion for ``y = +1`` (Okabe–Ito, distinguishable with the common colour-vision deficiencies),
and four tints of those colours for the margin bands.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from svmkit._plot_utils import class_masks, series_of

__all__ = [
    "BAND_COLORS",
    "BAND_LABELS",
    "CLASS_COLORS",
    "MARGIN_LEVELS",
    "decision_function_of",
    "decision_grid",
    "margin_bands",
    "plot_confusion_matrix",
    "plot_kernel_error",
    "plot_losses",
    "plot_margin_bands",
    "show_digits",
]

DecisionFunction = Callable[[np.ndarray], np.ndarray]

#: Point colours, index 0 for ``y = −1`` and index 1 for ``y = +1`` (Okabe–Ito blue / vermilion).
CLASS_COLORS: tuple[str, str] = ("#0072B2", "#D55E00")

#: Fill colours of the four margin bands, in the order of :data:`BAND_LABELS`
#: (``z ≤ −1``, ``−1 < z ≤ 0``, ``0 < z ≤ 1``, ``z > 1``): strong tints outside the margin,
#: pale tints inside it, blue on the negative side and vermilion on the positive side.
BAND_COLORS: tuple[str, str, str, str] = ("#9cc3e0", "#dcebf6", "#f8e0d0", "#eeb08f")

#: Human-readable names of the four bands returned by :func:`margin_bands`.
BAND_LABELS: tuple[str, str, str, str] = ("z ≤ −1", "−1 < z ≤ 0", "0 < z ≤ 1", "z > 1")

#: The decision values drawn as lines: the margins ``z = ±1`` (dashed) and the boundary ``z = 0``.
MARGIN_LEVELS: tuple[float, float, float] = (-1.0, 0.0, 1.0)
_LINE_STYLES = ("--", "-", "--")


def margin_bands(z: np.ndarray | Sequence[float]) -> np.ndarray:
    """Index of the margin band of each decision value.

    Parameters
    ----------
    z : array_like
        Decision values ``z = w·x + b`` of any shape.

    Returns
    -------
    numpy.ndarray
        Integers of the same shape: 0 for ``z ≤ −1``, 1 for ``−1 < z ≤ 0``, 2 for ``0 < z ≤ 1``
        and 3 for ``z > 1`` (see :data:`BAND_LABELS`).

    Examples
    --------
    >>> margin_bands([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0]).tolist()
    [0, 0, 1, 1, 2, 2, 3]
    """
    # searchsorted(side="left") returns i with levels[i-1] < z <= levels[i]: exactly the band rule.
    return np.searchsorted(np.asarray(MARGIN_LEVELS), np.asarray(z, dtype=float), side="left")


def _grid_axes(
    X: np.ndarray, resolution: int, padding: float
) -> tuple[np.ndarray, np.ndarray]:
    """Evenly spaced coordinates covering ``X`` plus ``padding`` on every side."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2 or len(X) == 0:
        raise ValueError(f"X must have shape (n, 2) with n > 0 to draw a plane; got {X.shape}")
    if int(resolution) < 2:
        raise ValueError(f"resolution must be an integer >= 2; got {resolution!r}")
    low = X.min(axis=0) - padding
    high = X.max(axis=0) + padding
    return (np.linspace(low[0], high[0], int(resolution)),
            np.linspace(low[1], high[1], int(resolution)))


def decision_grid(
    decision_fn: DecisionFunction,
    X: np.ndarray,
    resolution: int = 200,
    padding: float = 0.5,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Evaluate a decision function on a regular grid covering the data.

    Parameters
    ----------
    decision_fn : callable
        Maps an ``(m, 2)`` numpy array to ``(m,)`` decision values.
    X : numpy.ndarray of shape (n, 2)
        Data whose bounding box (plus ``padding``) the grid covers.
    resolution : int, default 200
        Number of grid points along each axis.
    padding : float, default 0.5
        Margin added around the bounding box, in data units.

    Returns
    -------
    xx, yy, zz : numpy.ndarray of shape (resolution, resolution)
        Grid coordinates (as from :func:`numpy.meshgrid`) and decision values.

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [1.0, 2.0]])
    >>> xx, yy, zz = decision_grid(lambda P: P[:, 0] - P[:, 1], X, resolution=3, padding=0.0)
    >>> zz
    array([[ 0. ,  0.5,  1. ],
           [-1. , -0.5,  0. ],
           [-2. , -1.5, -1. ]])
    """
    xs, ys = _grid_axes(X, resolution, padding)
    xx, yy = np.meshgrid(xs, ys)
    points = np.column_stack([xx.ravel(), yy.ravel()])
    zz = np.asarray(decision_fn(points), dtype=float)
    if zz.size != points.shape[0]:
        raise ValueError(
            f"decision_fn must return one value per point ({points.shape[0]}); got shape {zz.shape}"
        )
    return xx, yy, zz.reshape(xx.shape)


def _is_keras_model(model: Any) -> bool:
    # A Keras model on the torch backend is also a torch.nn.Module, so look at the class
    # hierarchy first and fall back to duck typing (predict without parameters).
    if any(cls.__module__.split(".")[0] == "keras" for cls in type(model).__mro__):
        return True
    # scikit-learn estimators also have predict(); they are handled by their decision_function.
    return (
        hasattr(model, "predict")
        and not hasattr(model, "parameters")
        and not hasattr(model, "decision_function")
    )


def _torch_device_of(model: Any) -> Any:
    for tensor in model.parameters():
        return tensor.device
    for tensor in model.buffers():
        return tensor.device
    return None


def _torch_dtype_of(model: Any) -> Any:
    import torch

    for tensor in model.parameters():
        if tensor.is_floating_point():
            return tensor.dtype
    return torch.get_default_dtype()


def _torch_eval_forward(model: Any, inputs: Any) -> Any:
    """``model(inputs)`` in eval mode without autograd, restoring the model's training flag."""
    import torch

    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            return model(inputs)
    finally:
        model.train(was_training)


def _as_vector(z: np.ndarray, n: int) -> np.ndarray:
    z = np.asarray(z)
    if z.ndim == 2 and z.shape[1] != 1:
        raise ValueError(
            "a margin plot needs a binary model with one output column; "
            f"this model returned {z.shape[1]} columns"
        )
    return z.reshape(n).astype(float, copy=False)


def decision_function_of(model: Any, device: Any = None) -> DecisionFunction:
    """Adapt a trained model to a numpy decision function ``(m, 2) -> (m,)``.

    Parameters
    ----------
    model : torch.nn.Module, keras.Model or object with ``decision_function``
        A binary classifier returning one decision value per sample. PyTorch modules are
        recognised by ``parameters()``, Keras models by their class (or ``predict`` without
        ``parameters()``); scikit-learn style estimators by ``decision_function``.
    device : str or torch.device, optional
        PyTorch only: where to evaluate. Defaults to the device of the model's parameters.

    Returns
    -------
    callable
        ``decision_fn(points) -> numpy.ndarray`` of shape ``(m,)``, evaluated without gradients.

    Examples
    --------
    >>> import torch
    >>> layer = torch.nn.Linear(2, 1)
    >>> with torch.no_grad():
    ...     _ = layer.weight.copy_(torch.tensor([[1.0, -2.0]]))
    ...     _ = layer.bias.fill_(0.5)
    >>> decision_fn = decision_function_of(layer)
    >>> decision_fn(np.array([[1.0, 1.0], [0.0, 0.0]]))
    array([-0.5,  0.5])
    """
    if _is_keras_model(model):
        import keras

        def keras_decision(points: np.ndarray) -> np.ndarray:
            points = np.asarray(points, dtype="float32")
            # A direct call avoids predict()'s per-call data pipeline, which dominates small grids.
            z = keras.ops.convert_to_numpy(model(points, training=False))
            return _as_vector(z, len(points))

        return keras_decision

    if hasattr(model, "parameters") and callable(model):
        import torch

        target = torch.device(device) if device is not None else _torch_device_of(model)
        dtype = _torch_dtype_of(model)

        def torch_decision(points: np.ndarray) -> np.ndarray:
            inputs = torch.as_tensor(np.asarray(points), dtype=dtype, device=target)
            z = _torch_eval_forward(model, inputs)
            return _as_vector(z.detach().cpu().numpy(), len(points))

        return torch_decision

    if hasattr(model, "decision_function"):
        return lambda points: _as_vector(model.decision_function(np.asarray(points)), len(points))

    if callable(model):
        return lambda points: _as_vector(model(np.asarray(points)), len(points))

    raise TypeError(
        "decision_function_of expects a torch.nn.Module, a Keras model, an estimator with "
        f"decision_function or a callable; got {type(model).__name__}"
    )


def plot_margin_bands(
    ax: Any,
    decision_fn: DecisionFunction,
    X: np.ndarray,
    y: np.ndarray,
    *,
    support_vectors: np.ndarray | Sequence[int] | None = None,
    resolution: int = 200,
    padding: float = 0.5,
    title: str | None = None,
    legend: bool = True,
) -> dict[str, Any]:
    """Draw the four margin bands, the lines ``z = −1, 0, 1`` and the labelled data.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    decision_fn : callable
        ``(m, 2) -> (m,)`` decision values; see :func:`decision_function_of` for models.
    X : numpy.ndarray of shape (n, 2)
        Points to scatter; the plotted region is their bounding box plus ``padding``.
    y : numpy.ndarray of shape (n,)
        Labels in ±1 (or {0, 1}).
    support_vectors : bool mask or integer indices, optional
        Points to ring, typically those with ``y·z ≤ 1``.
    resolution : int, default 200
        Grid points per axis.
    padding : float, default 0.5
        Space around the data, in data units.
    title : str, optional
        Axes title.
    legend : bool, default True
        Whether to add a legend of classes, lines and support vectors.

    Returns
    -------
    dict
        The artists: ``"bands"`` (filled contours), ``"lines"`` (contour lines of the levels
        ``z = −1, 0, 1`` crossed in the plotted region, or None), ``"points"``
        (two scatter collections), ``"support_vectors"`` (scatter or None), ``"legend"``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> X = np.array([[-2.0, 0.0], [-0.5, 1.0], [0.5, -1.0], [2.0, 0.0]])
    >>> y = np.array([-1, -1, 1, 1])
    >>> fig, ax = plt.subplots()
    >>> artists = plot_margin_bands(ax, lambda P: P[:, 0], X, y, support_vectors=[1, 2])
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('$x_1$', '$x_2$')
    >>> plt.close(fig)
    """
    from matplotlib.lines import Line2D

    X = np.asarray(X, dtype=float)
    negative, positive = class_masks(y)
    if len(negative) != len(X):
        raise ValueError(f"y has {len(negative)} labels but X has {len(X)} rows")
    xx, yy, zz = decision_grid(decision_fn, X, resolution=resolution, padding=padding)

    # contourf fills (l_i, l_i+1], closing only the lowest interval: the band rule of margin_bands.
    low = min(float(zz.min()), -1.0) - 1.0
    high = max(float(zz.max()), 1.0) + 1.0
    bands = ax.contourf(xx, yy, zz, levels=[low, -1.0, 0.0, 1.0, high], colors=BAND_COLORS)
    # Only the levels the surface crosses: contour() warns about the others, and a warning on
    # stderr fails the book's strict build.
    crossed = [i for i, level in enumerate(MARGIN_LEVELS) if zz.min() < level < zz.max()]
    lines = None
    if crossed:
        lines = ax.contour(xx, yy, zz, levels=[MARGIN_LEVELS[i] for i in crossed], colors="0.15",
                           linestyles=[_LINE_STYLES[i] for i in crossed],
                           linewidths=[1.6 if MARGIN_LEVELS[i] == 0 else 1.0 for i in crossed])

    points = [
        ax.scatter(X[mask, 0], X[mask, 1], s=14, color=color, edgecolors="white",
                   linewidths=0.3, label=label, zorder=3)
        for mask, color, label in ((negative, CLASS_COLORS[0], "y = −1"),
                                   (positive, CLASS_COLORS[1], "y = +1"))
    ]
    rings = None
    if support_vectors is not None:
        chosen = np.zeros(len(X), dtype=bool)
        chosen[np.asarray(support_vectors).reshape(-1)] = True
        rings = ax.scatter(X[chosen, 0], X[chosen, 1], s=70, facecolors="none",
                           edgecolors="black", linewidths=1.0, label="support vectors", zorder=4)

    ax.set_xlim(xx[0, 0], xx[0, -1])
    ax.set_ylim(yy[0, 0], yy[-1, 0])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title is not None:
        ax.set_title(title)

    legend_artist = None
    if legend:
        handles = [*points,
                   Line2D([], [], color="0.15", linestyle="-", linewidth=1.6, label="z = 0"),
                   Line2D([], [], color="0.15", linestyle="--", linewidth=1.0, label="z = ±1")]
        if rings is not None:
            handles.append(rings)
        # A fixed corner: loc="best" scans every point, which is slow for large data sets.
        legend_artist = ax.legend(handles=handles, loc="upper right", fontsize="small",
                                  framealpha=0.9)
    return {"bands": bands, "lines": lines, "points": points, "support_vectors": rings,
            "legend": legend_artist}


def plot_losses(
    ax: Any,
    history: Any,
    *,
    keys: Sequence[str] | None = None,
    xlabel: str = "epoch",
    log: bool = False,
) -> list[Any]:
    """Plot training curves from a ``History`` or a mapping of series.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    history : svmkit History, keras History or mapping
        Series by name, e.g. ``{"loss": [...], "val_loss": [...]}``.
    keys : sequence of str, optional
        Series to draw. Defaults to every name containing ``"loss"`` (or all series if none does).
    xlabel : str, default "epoch"
        Label of the horizontal axis; values are counted from 1.
    log : bool, default False
        Use a logarithmic vertical axis.

    Returns
    -------
    list of matplotlib.lines.Line2D

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> lines = plot_losses(ax, {"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.6, 0.5],
    ...                          "accuracy": [0.5, 0.8, 0.9]})
    >>> [line.get_label() for line in lines]
    ['loss', 'val_loss']
    >>> plt.close(fig)
    """
    series = series_of(history)
    if keys is None:
        keys = [name for name in series if "loss" in name] or list(series)
    missing = [name for name in keys if name not in series]
    if missing:
        raise KeyError(f"no series named {missing}; available: {sorted(series)}")
    lines = []
    for name in keys:
        values = series[name]
        lines.extend(ax.plot(np.arange(1, len(values) + 1), values, marker="o", markersize=3,
                             label=name))
    ax.set_xlabel(xlabel)
    ax.set_ylabel("loss" if all("loss" in name for name in keys) else "value")
    if log:
        ax.set_yscale("log")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small")
    return lines


def plot_kernel_error(
    ax: Any,
    dims: Sequence[int] | np.ndarray,
    errors: Sequence[float] | np.ndarray,
    *,
    label: str = "random features",
    reference: bool = True,
    color: str | None = None,
) -> float:
    """Log–log plot of a kernel-approximation error against the number of features ``D``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    dims : sequence of int
        Feature counts ``D``.
    errors : array_like of shape (len(dims),) or (len(dims), repeats)
        Errors such as mean ``|φ(x)·φ(y) − k(x, y)|``; with repeats the mean is drawn with a
        ±1 standard-deviation band.
    label : str, default "random features"
        Legend label; the fitted slope is appended.
    reference : bool, default True
        Also draw a ``∝ 1/√D`` line through the first point (turn off for a second curve).
    color : str, optional
        Line colour.

    Returns
    -------
    float
        The least-squares slope of ``log(error)`` against ``log(D)`` (about −0.5 for Monte Carlo).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> dims = [16, 64, 256, 1024]
    >>> round(plot_kernel_error(ax, dims, [1 / np.sqrt(d) for d in dims]), 3)
    -0.5
    >>> plt.close(fig)
    """
    dims = np.asarray(dims, dtype=float).reshape(-1)
    errors = np.asarray(errors, dtype=float)
    if errors.shape[0] != dims.shape[0] or errors.ndim > 2:
        raise ValueError(f"errors must have shape ({len(dims)},) or ({len(dims)}, repeats); "
                         f"got {errors.shape}")
    if np.any(dims <= 0) or np.any(errors <= 0):
        raise ValueError("dims and errors must be positive for a log-log plot")
    mean = errors.mean(axis=1) if errors.ndim == 2 else errors
    slope, _ = np.polyfit(np.log(dims), np.log(mean), 1)
    (line,) = ax.loglog(dims, mean, marker="o", color=color,
                        label=f"{label} (slope {slope:.2f})")
    if errors.ndim == 2 and errors.shape[1] > 1:
        spread = errors.std(axis=1)
        ax.fill_between(dims, np.maximum(mean - spread, mean * 1e-3), mean + spread,
                        color=line.get_color(), alpha=0.2, linewidth=0)
    if reference:
        ax.loglog(dims, mean[0] * np.sqrt(dims[0] / dims), linestyle=":", color="0.4",
                  label="∝ 1/√D")
    ax.set_xlabel("number of random features D")
    ax.set_ylabel("approximation error")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small")
    return float(slope)


def plot_confusion_matrix(
    ax: Any,
    y_true: Sequence[Any] | np.ndarray,
    y_pred: Sequence[Any] | np.ndarray,
    labels: Sequence[Any] | None = None,
    *,
    normalize: bool = False,
    cmap: str = "Blues",
) -> np.ndarray:
    """Draw a confusion matrix with counts (or row fractions) written in each cell.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    y_true, y_pred : array_like of shape (n,)
        True and predicted labels.
    labels : sequence, optional
        Label order; defaults to the sorted union of both arrays.
    normalize : bool, default False
        Show each row as fractions of the true class.
    cmap : str, default "Blues"
        Colour map.

    Returns
    -------
    numpy.ndarray of shape (k, k)
        Rows are true labels, columns predicted labels (counts, or fractions when normalised).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> plot_confusion_matrix(ax, [0, 0, 1, 2, 2], [0, 1, 1, 2, 0])
    array([[1, 1, 0],
           [0, 1, 0],
           [1, 0, 1]])
    >>> plt.close(fig)
    """
    y_true = np.asarray(y_true).reshape(-1)
    y_pred = np.asarray(y_pred).reshape(-1)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_pred has {len(y_pred)} labels but y_true has {len(y_true)}")
    labels = np.unique(np.concatenate([y_true, y_pred])) if labels is None else np.asarray(labels)
    index = {label: i for i, label in enumerate(labels.tolist())}
    unknown = set(y_true.tolist()) | set(y_pred.tolist())
    unknown -= set(index)
    if unknown:
        raise ValueError(f"labels do not include {sorted(unknown)}")
    k = len(labels)
    counts = np.zeros((k, k), dtype=int)
    np.add.at(counts, ([index[v] for v in y_true.tolist()], [index[v] for v in y_pred.tolist()]),
              1)
    shown: np.ndarray = counts
    if normalize:
        shown = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    image = ax.imshow(shown, cmap=cmap, vmin=0)
    threshold = shown.max() / 2 if shown.size else 0
    if k <= 20:
        for (i, j), value in np.ndenumerate(shown):
            text = f"{value:.2f}" if normalize else f"{value:d}"
            ax.text(j, i, text, ha="center", va="center", fontsize="small",
                    color="white" if value > threshold else "black")
    ticks = np.arange(k)
    ax.set_xticks(ticks, [str(v) for v in labels.tolist()])
    ax.set_yticks(ticks, [str(v) for v in labels.tolist()])
    ax.set_xlabel("predicted label")
    ax.set_ylabel("true label")
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    return shown


def show_digits(
    images: np.ndarray,
    labels: Sequence[Any] | np.ndarray,
    predictions: Sequence[Any] | np.ndarray | None = None,
    *,
    ncols: int = 8,
    max_images: int = 32,
) -> Any:
    """Show a grid of digit images titled with their labels (and predictions).

    Parameters
    ----------
    images : numpy.ndarray of shape (n, 28, 28) or (n, 784)
        Images; flat rows are reshaped to squares.
    labels : array_like of shape (n,)
        True labels.
    predictions : array_like of shape (n,), optional
        Predicted labels; a title then reads ``"label → prediction"`` in red when they differ.
    ncols : int, default 8
        Images per row.
    max_images : int, default 32
        At most this many images are drawn.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> images = np.zeros((3, 28, 28), dtype=np.uint8)
    >>> fig = show_digits(images, [5, 0, 4], predictions=[5, 6, 4], ncols=3)
    >>> [ax.get_title() for ax in fig.axes]
    ['5', '0 → 6', '4']
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt

    images = np.asarray(images)
    n = min(len(images), int(max_images))
    if n == 0:
        raise ValueError("images is empty")
    if images.ndim == 2:
        side = math.isqrt(images.shape[1])
        if side * side != images.shape[1]:
            raise ValueError(f"flat images need a square number of pixels; got {images.shape[1]}")
        images = images.reshape(len(images), side, side)
    labels = np.asarray(labels).reshape(-1)
    predicted = None if predictions is None else np.asarray(predictions).reshape(-1)
    ncols = max(1, min(int(ncols), n))
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.1 * ncols, 1.3 * nrows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i >= n:
            ax.remove()
            continue
        ax.imshow(images[i], cmap="gray_r", interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        title, color = f"{labels[i]}", "black"
        if predicted is not None and predicted[i] != labels[i]:
            title, color = f"{labels[i]} → {predicted[i]}", "#D55E00"
        ax.set_title(title, fontsize="small", color=color)
    fig.tight_layout()
    return fig
