"""Draw the margin bands of a 2-D SVM quickly, frame after frame: the renderer of an animation.

:class:`MarginRenderer` evaluates a model with :func:`svmkit.plot.decision_grid` and
:func:`svmkit.plot.decision_function_of` — the same grid and the same framework adapters as the
static :func:`svmkit.plot.plot_margin_bands` — and draws the picture of that figure: four band
colours, the lines ``z = −1, 0, 1`` and the labelled points. It is fast because nothing is
rebuilt: one figure, an image of band indices whose data is swapped, and only the three contour
lines drawn anew (blitting), then encoded as a compact PNG or JPEG.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from svmkit._plot_utils import class_masks
from svmkit.plot import (
    BAND_COLORS,
    CLASS_COLORS,
    MARGIN_LEVELS,
    DecisionFunction,
    decision_function_of,
    decision_grid,
    margin_bands,
)
from svmkit.widgets import encode_rgb

__all__ = ["MarginRenderer"]

_BAND_RGB = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in BAND_COLORS],
                     dtype=np.uint8)


def _zeros(points: np.ndarray) -> np.ndarray:
    return np.zeros(len(points))


class MarginRenderer:
    """Evaluate a model on a fixed grid and draw its margin bands into an encoded image.

    Parameters
    ----------
    X : numpy.ndarray of shape (n, 2)
        Points drawn in every frame; the grid covers them plus ``padding``.
    y : numpy.ndarray of shape (n,)
        Labels in ±1 (or {0, 1}).
    resolution : int, default 200
        Grid points per axis.
    padding : float, default 0.5
        Space around the data, in data units.
    figsize : tuple of float, default (5, 4.5)
        Figure size in inches.
    dpi : float, default 80
        Resolution of the frames.
    image_format : {"jpeg", "png"}, default "jpeg"
        Encoding of the frames.

    Attributes
    ----------
    xx, yy : numpy.ndarray of shape (resolution, resolution)
        The grid, as returned by :func:`svmkit.plot.decision_grid`.

    Examples
    --------
    >>> X = np.array([[-1.0, -1.0], [-1.5, 0.0], [1.0, 1.0], [1.5, 0.0]])
    >>> renderer = MarginRenderer(X, [-1, -1, 1, 1], resolution=30, image_format="png")
    >>> z = renderer.decision_values(lambda points: points[:, 0])
    >>> z.shape, renderer.render(z, "x₁")[:4]
    ((30, 30), b'\\x89PNG')
    """

    def __init__(
        self,
        X: np.ndarray,
        y: np.ndarray,
        resolution: int = 200,
        *,
        padding: float = 0.5,
        figsize: tuple[float, float] = (5.0, 4.5),
        dpi: float = 80,
        image_format: str = "jpeg",
    ) -> None:
        if image_format not in ("jpeg", "png"):
            raise ValueError(f"image_format must be 'jpeg' or 'png'; got {image_format!r}")
        self.X = np.asarray(X, dtype=float)
        self.negative, self.positive = class_masks(y)
        if len(self.negative) != len(self.X):
            raise ValueError(f"y has {len(self.negative)} labels but X has {len(self.X)} rows")
        self.resolution = int(resolution)
        self.padding = float(padding)
        self.figsize = tuple(figsize)
        self.dpi = dpi
        self.image_format = image_format
        # The grid's coordinates, from the very function that evaluates the models.
        self.xx, self.yy, _ = decision_grid(_zeros, self.X, self.resolution, self.padding)
        self._adapter: tuple[Any, DecisionFunction] | None = None
        self._figure: Any = None

    @property
    def grid(self) -> np.ndarray:
        """The ``(resolution², 2)`` points a model is evaluated on, row by row of the grid."""
        return np.column_stack([self.xx.ravel(), self.yy.ravel()])

    def decision_values(self, model: Any) -> np.ndarray:
        """Decision values of ``model`` on the grid, shape ``(resolution, resolution)``.

        ``model`` is anything :func:`svmkit.plot.decision_function_of` accepts; its adapter is
        kept for the next frame (only for the last model, so no old model is kept alive).
        """
        if self._adapter is None or self._adapter[0] is not model:
            self._adapter = (model, decision_function_of(model))
        return decision_grid(self._adapter[1], self.X, self.resolution, self.padding)[2]

    def _setup_figure(self) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.lines import Line2D

        # A bare Figure, not pyplot: the notebook never shows it on its own, nothing to close.
        figure = Figure(figsize=self.figsize, dpi=self.dpi)
        self._canvas = FigureCanvasAgg(figure)
        ax = figure.add_subplot()
        xs, ys = self.xx[0], self.yy[:, 0]
        dx, dy = (xs[1] - xs[0]) / 2, (ys[1] - ys[0]) / 2
        # Band indices are mapped to RGB by a table lookup, so matplotlib only resamples.
        self._image = ax.imshow(
            _BAND_RGB[np.zeros(self.xx.shape, dtype=int)], origin="lower",
            interpolation="nearest", aspect="auto",
            extent=(xs[0] - dx, xs[-1] + dx, ys[0] - dy, ys[-1] + dy),
        )
        # plot() markers draw faster than scatter() collections in Agg.
        self._points = [
            ax.plot(self.X[mask, 0], self.X[mask, 1], "o", markersize=3.2, color=color,
                    markeredgecolor="white", markeredgewidth=0.3, label=label)[0]
            for mask, color, label in ((self.negative, CLASS_COLORS[0], "y = −1"),
                                       (self.positive, CLASS_COLORS[1], "y = +1"))
        ]
        ax.set_xlim(xs[0], xs[-1])
        ax.set_ylim(ys[0], ys[-1])
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        handles = [*self._points,
                   Line2D([], [], color="0.15", linestyle="-", linewidth=1.6, label="z = 0"),
                   Line2D([], [], color="0.15", linestyle="--", linewidth=1.0, label="z = ±1")]
        # The legend sits below the axes so it belongs to the static background (see render).
        figure.legend(handles=handles, loc="lower center", ncols=4, fontsize="x-small",
                      frameon=False)
        self._title = ax.set_title("batch 0 · epoch 0", fontsize="small")
        figure.tight_layout(rect=(0, 0.05, 1, 1))
        # Blitting: draw ticks, labels and legend once, then per frame restore that background
        # and draw only the artists that change (5-10x faster than a full draw).
        for artist in (self._image, *self._points, self._title, *ax.spines.values()):
            artist.set_animated(True)
        self._canvas.draw()
        self._background = self._canvas.copy_from_bbox(figure.bbox)
        self._ax = ax
        self._lines: Any = None
        self._figure = figure

    def render(self, z: np.ndarray, caption: str = "") -> bytes:
        """Draw decision values ``z`` (on the grid) with ``caption`` as title; return the image."""
        if self._figure is None:
            self._setup_figure()
        ax = self._ax
        self._image.set_data(_BAND_RGB[margin_bands(z)])
        if self._lines is not None:
            self._lines.remove()
            self._lines = None
        # Only levels inside the data range: contour() warns about the others.
        low, high = float(z.min()), float(z.max())
        levels = [level for level in MARGIN_LEVELS if low < level < high]
        if levels:
            self._lines = ax.contour(self.xx[0], self.yy[:, 0], z, levels=levels, colors="0.15",
                                     linestyles=["-" if lv == 0 else "--" for lv in levels],
                                     linewidths=[1.6 if lv == 0 else 1.0 for lv in levels])
        self._title.set_text(caption)
        self._canvas.restore_region(self._background)
        ax.draw_artist(self._image)
        if self._lines is not None:
            ax.draw_artist(self._lines)
        for artist in (*self._points, *ax.spines.values(), self._title):
            ax.draw_artist(artist)
        return encode_rgb(np.asarray(self._canvas.buffer_rgba()), self.image_format)
