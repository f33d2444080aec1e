"""Watch the margin move while an SVM trains, then replay it on the website.

:class:`MarginAnimation` is a training callback for :func:`svmkit.torch.fit` (and, through
:meth:`MarginAnimation.keras_callback`, for ``keras.Model.fit``). Every ``every`` batches it
evaluates the model on a fixed grid, redraws the four margin bands and the lines ``z = −1, 0, 1``,
and

* in a live notebook (classic Jupyter, JupyterLab, Colab) replaces *one* image output in place,
  through an IPython display handle, so no extension or interactive backend is needed;
* records the frame (thinned to at most ``max_frames``, always keeping the first and the last),
  so that the run can be replayed by a self-contained HTML/JS player
  (:meth:`~MarginAnimation.to_html`, also used when the object is displayed), or saved as a GIF
  or MP4.

Redrawing is cheap because nothing is rebuilt: one figure, one grid tensor on the model's device,
an image of band indices whose data is swapped, and only the three contour lines drawn anew.

:func:`score_run` and :class:`Baseline` score chapter 4's "can you do better?" challenge.
"""

from __future__ import annotations

import html
import io
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from svmkit.plot import (
    BAND_COLORS,
    CLASS_COLORS,
    MARGIN_LEVELS,
    _class_masks,
    _grid_axes,
    _is_keras_model,
    _series_of,
    _torch_device_of,
    _torch_dtype_of,
    _torch_eval_forward,
    decision_function_of,
    margin_bands,
)
from svmkit.widgets import (
    STATIC_ENV,
    _check_html_size,
    _data_uri,
    _element_id,
    _script_json,
    encode_rgb,
    live_kernel,
)

__all__ = ["Baseline", "MarginAnimation", "RunScore", "epochs_to_reach", "score_run"]


@dataclass
class _Frame:
    index: int  # position among all rendered frames, used for thinning
    image: bytes
    caption: str


class MarginAnimation:
    """Training callback that redraws, displays and records the margin bands of a 2-D SVM.

    Parameters
    ----------
    X : numpy.ndarray of shape (n, 2)
        Training points, drawn in every frame; the grid covers them plus ``padding``.
    y : numpy.ndarray of shape (n,)
        Labels in ±1 (or {0, 1}).
    every : int, default 10
        Draw a frame every ``every`` batches (plus one before training and one at the end).
    resolution : int, default 200
        Grid points per axis.
    max_frames : int, default 60
        Most frames kept for the replay; they are spread evenly over the run, first and last kept.
    live : bool, default True
        Update an image in place while training, when running in a notebook kernel. Skipped when
        ``SVMKIT_STATIC_WIDGETS=1`` (the website build), where nobody watches.
    figsize : tuple of float, default (5, 4.5)
        Figure size in inches.
    dpi : float, default 80
        Resolution of the frames (5 × 4.5 inches at 80 dpi is 400 × 360 pixels).
    padding : float, default 0.5
        Space around the data, in data units.
    image_format : {"jpeg", "png"}, default "jpeg"
        Encoding of the frames; JPEG keeps a 60-frame replay near 1 MB.

    Attributes
    ----------
    frames : list of bytes
        The recorded frames (at most ``max_frames``).
    frame_count : int
        ``len(frames)``.

    See Also
    --------
    svmkit.plot.plot_margin_bands : the same picture as a static figure.

    Examples
    --------
    A hand-written training loop that calls the callback methods:

    >>> import torch
    >>> X = np.array([[-1.0, -1.0], [-1.5, 0.0], [1.0, 1.0], [1.5, 0.0]])
    >>> y = np.array([-1, -1, 1, 1])
    >>> model = torch.nn.Linear(2, 1)
    >>> animation = MarginAnimation(X, y, every=2, resolution=50, live=False)
    >>> animation.on_train_begin(model)
    >>> for step in range(6):
    ...     with torch.no_grad():
    ...         _ = model.weight.add_(0.5)
    ...     animation.on_batch_end(step, {"loss": 1.0 / (step + 1), "model": model})
    >>> animation.on_train_end({})
    >>> animation.frame_count
    4
    >>> "<input" in animation.to_html()
    True
    """

    def __init__(
        self,
        X: np.ndarray,
        y: np.ndarray,
        *,
        every: int = 10,
        resolution: int = 200,
        max_frames: int = 60,
        live: bool = True,
        figsize: tuple[float, float] = (5.0, 4.5),
        dpi: float = 80,
        padding: float = 0.5,
        image_format: str = "jpeg",
    ) -> None:
        if int(every) < 1:
            raise ValueError(f"every must be a positive integer; got {every!r}")
        if int(max_frames) < 2:
            raise ValueError(f"max_frames must be at least 2 (first and last); got {max_frames!r}")
        if image_format not in ("jpeg", "png"):
            raise ValueError(f"image_format must be 'jpeg' or 'png'; got {image_format!r}")
        self.X = np.asarray(X, dtype=float)
        self._negative, self._positive = _class_masks(y)
        if len(self._negative) != len(self.X):
            raise ValueError(f"y has {len(self._negative)} labels but X has {len(self.X)} rows")
        self.every = int(every)
        self.resolution = int(resolution)
        self.max_frames = int(max_frames)
        self.live = bool(live)
        self.figsize = tuple(figsize)
        self.dpi = dpi
        self.image_format = image_format
        self._xs, self._ys = _grid_axes(self.X, self.resolution, padding)
        xx, yy = np.meshgrid(self._xs, self._ys)
        # float32 like the models; converted once per model to a tensor on its device.
        self.grid = np.column_stack([xx.ravel(), yy.ravel()]).astype(np.float32)
        self._figure: Any = None
        self._evaluators: dict[Any, Callable[[], np.ndarray]] = {}
        self._handle: Any = None
        self.model: Any = None
        self.reset()

    # -- recording -------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget the recorded frames and counters (the figure is kept)."""
        self._kept: list[_Frame] = []
        self._last: _Frame | None = None
        self._stride = 1
        self._rendered = 0
        self.batches = 0
        self.epoch = 0  # epochs completed
        self._current_epoch = 0  # the epoch shown in captions: that of the last batch
        self.loss: float | None = None
        self._drawn_at: int | None = None

    def _record(self, image: bytes, caption: str) -> None:
        frame = _Frame(self._rendered, image, caption)
        self._rendered += 1
        self._last = frame
        if frame.index % self._stride == 0:
            self._kept.append(frame)
        # Keep memory bounded on long runs: when twice too many frames are kept, keep every
        # other one. Evenly spaced frames stay evenly spaced, and frame 0 is never dropped.
        if len(self._kept) > 2 * self.max_frames:
            self._stride *= 2
            self._kept = [f for f in self._kept if f.index % self._stride == 0]

    def _selected(self) -> list[_Frame]:
        candidates = list(self._kept)
        if self._last is not None and (not candidates or candidates[-1] is not self._last):
            candidates.append(self._last)
        if len(candidates) <= self.max_frames:
            return candidates
        positions = np.round(np.linspace(0, len(candidates) - 1, self.max_frames)).astype(int)
        return [candidates[i] for i in np.unique(positions)]

    @property
    def frames(self) -> list[bytes]:
        """Recorded frames, at most ``max_frames``, the first and the last included."""
        return [frame.image for frame in self._selected()]

    @property
    def captions(self) -> list[str]:
        """The caption (step, epoch, loss) of each frame in :attr:`frames`."""
        return [frame.caption for frame in self._selected()]

    @property
    def frame_count(self) -> int:
        """Number of frames in :attr:`frames`."""
        return len(self._selected())

    # -- evaluating the model ---------------------------------------------------------------
    def _evaluator(self, model: Any) -> Callable[[], np.ndarray]:
        if _is_keras_model(model):
            key: Any = (id(model), "keras")
            if key not in self._evaluators:
                import keras

                grid = keras.ops.convert_to_tensor(self.grid)

                def evaluate() -> np.ndarray:
                    return np.asarray(keras.ops.convert_to_numpy(model(grid, training=False)))

                self._evaluators[key] = evaluate
        elif hasattr(model, "parameters") and callable(model):
            # The grid tensor lives on the model's device: one upload per device, then only
            # the (m,) result comes back per frame.
            device = _torch_device_of(model)
            key = (id(model), str(device))
            if key not in self._evaluators:
                import torch

                grid = torch.as_tensor(self.grid, dtype=_torch_dtype_of(model), device=device)

                def evaluate() -> np.ndarray:
                    return _torch_eval_forward(model, grid).detach().float().cpu().numpy()

                self._evaluators[key] = evaluate
        else:
            key = (id(model), "callable")
            if key not in self._evaluators:
                decision_fn = decision_function_of(model)
                self._evaluators[key] = lambda: decision_fn(self.grid)
        return self._evaluators[key]

    def decision_values(self, model: Any) -> np.ndarray:
        """Decision values of ``model`` on the grid, shape ``(resolution, resolution)``."""
        z = np.asarray(self._evaluator(model)(), dtype=float)
        if z.size != len(self.grid):
            raise ValueError(
                "MarginAnimation needs a binary model with one output per point; "
                f"got output shape {z.shape} for {len(self.grid)} points"
            )
        return z.reshape(self.resolution, self.resolution)

    # -- drawing ---------------------------------------------------------------------------
    def _setup_figure(self) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.lines import Line2D

        # A bare Figure, not pyplot: the notebook never shows it on its own, nothing to close.
        figure = Figure(figsize=self.figsize, dpi=self.dpi)
        self._canvas = FigureCanvasAgg(figure)
        ax = figure.add_subplot()
        dx = (self._xs[-1] - self._xs[0]) / (len(self._xs) - 1) / 2
        dy = (self._ys[-1] - self._ys[0]) / (len(self._ys) - 1) / 2
        # Band indices are mapped to RGB here (a table lookup), so matplotlib only resamples.
        self._band_rgb = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in BAND_COLORS],
                                  dtype=np.uint8)
        self._image = ax.imshow(
            self._band_rgb[np.zeros((self.resolution, self.resolution), dtype=int)],
            origin="lower", interpolation="nearest", aspect="auto",
            extent=(self._xs[0] - dx, self._xs[-1] + dx, self._ys[0] - dy, self._ys[-1] + dy),
        )
        # plot() markers draw faster than scatter() collections in Agg.
        self._points = [
            ax.plot(self.X[mask, 0], self.X[mask, 1], "o", markersize=3.2, color=color,
                    markeredgecolor="white", markeredgewidth=0.3, label=label)[0]
            for mask, color, label in ((self._negative, CLASS_COLORS[0], "y = −1"),
                                       (self._positive, CLASS_COLORS[1], "y = +1"))
        ]
        ax.set_xlim(self._xs[0], self._xs[-1])
        ax.set_ylim(self._ys[0], self._ys[-1])
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
        """Draw decision values ``z`` (on the grid) and return the encoded frame."""
        if self._figure is None:
            self._setup_figure()
        ax = self._ax
        self._image.set_data(self._band_rgb[margin_bands(z)])
        if self._lines is not None:
            self._lines.remove()
            self._lines = None
        # Only levels inside the data range: contour() warns about the others.
        low, high = float(z.min()), float(z.max())
        levels = [level for level in MARGIN_LEVELS if low < level < high]
        if levels:
            styles = ["-" if level == 0 else "--" for level in levels]
            widths = [1.6 if level == 0 else 1.0 for level in levels]
            self._lines = ax.contour(self._xs, self._ys, z, levels=levels, colors="0.15",
                                     linestyles=styles, linewidths=widths)
        self._title.set_text(caption)
        self._canvas.restore_region(self._background)
        ax.draw_artist(self._image)
        if self._lines is not None:
            ax.draw_artist(self._lines)
        for artist in (*self._points, *ax.spines.values(), self._title):
            ax.draw_artist(artist)
        return encode_rgb(np.asarray(self._canvas.buffer_rgba()), self.image_format)

    def _caption(self, model: Any) -> str:
        parts = [f"batch {self.batches}", f"epoch {self._current_epoch}"]
        if self.loss is not None:
            parts.append(f"loss {self.loss:.3f}")
        margin_width = getattr(model, "margin_width", None)
        if callable(margin_width):
            try:
                parts.append(f"margin width 2/‖w‖ = {float(margin_width()):.3g}")
            except Exception:  # a caption must never stop training
                pass
        return " · ".join(parts)

    def add_frame(self, model: Any = None) -> bytes:
        """Evaluate ``model`` (default: the model being trained), draw, show and record a frame.

        Parameters
        ----------
        model : torch.nn.Module, keras.Model or callable, optional
            Anything :func:`svmkit.plot.decision_function_of` accepts.

        Returns
        -------
        bytes
            The encoded frame.
        """
        model = self.model if model is None else model
        if model is None:
            raise ValueError("no model yet: pass one, or use the object as a training callback")
        caption = self._caption(model)
        image = self.render(self.decision_values(model), caption)
        self._record(image, caption)
        self._drawn_at = self.batches
        self._show(image)
        return image

    def _show(self, image: bytes) -> None:
        if not self.live or os.environ.get(STATIC_ENV) == "1" or not live_kernel():
            return
        from IPython.display import Image, display

        picture = Image(data=image, format=self.image_format)
        if self._handle is None:
            self._handle = display(picture, display_id=True)
        else:
            self._handle.update(picture)

    # -- callback protocol (svmkit.torch.fit) ----------------------------------------------
    def on_train_begin(self, model: Any = None) -> None:
        """Remember the model and draw its starting state."""
        if model is not None:
            self.model = model
        self._handle = None  # a new fit gets a new output in the notebook
        if self.model is not None:
            self.add_frame()

    def on_batch_end(self, step: int, logs: Mapping[str, Any] | None = None) -> None:
        """Count the batch and draw every ``every`` batches."""
        logs = logs or {}
        self.batches += 1
        self._current_epoch = self.epoch + 1  # the epoch this batch belongs to (1-based)
        if logs.get("model") is not None:
            self.model = logs["model"]
        if logs.get("loss") is not None:
            self.loss = float(logs["loss"])
        if self.batches % self.every == 0 and self.model is not None:
            self.add_frame()

    def on_epoch_end(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        """Update the epoch shown in the captions."""
        self.epoch = self._current_epoch = int(epoch) + 1
        if logs and logs.get("model") is not None:
            self.model = logs["model"]

    def on_train_end(self, logs: Mapping[str, Any] | None = None) -> None:
        """Draw the final state unless the last batch was just drawn."""
        if logs and logs.get("model") is not None:
            self.model = logs["model"]
        if self.model is not None and self._drawn_at != self.batches:
            self.add_frame()

    def keras_callback(self) -> Any:
        """A ``keras.callbacks.Callback`` forwarding ``model.fit`` events to this object.

        Uses :class:`svmkit.keras.callbacks.CallbackAdapter` (a small built-in adapter if that
        module is missing); ``step`` then counts batches over all epochs, as in PyTorch.

        Examples
        --------
        >>> animation = MarginAnimation(X, y, every=5)  # doctest: +SKIP
        >>> model.fit(X, y, epochs=20, callbacks=[animation.keras_callback()])  # doctest: +SKIP
        >>> animation  # doctest: +SKIP
        """
        try:
            from svmkit.keras.callbacks import CallbackAdapter
        except ImportError:
            CallbackAdapter = _fallback_keras_adapter()
        return CallbackAdapter(self)

    # -- replay ----------------------------------------------------------------------------
    def to_html(self, *, fps: float = 8.0) -> str:
        """A self-contained HTML/JS player of the recorded frames (no CDN, ≤ 5 MB).

        Parameters
        ----------
        fps : float, default 8
            Playback speed in frames per second.

        Returns
        -------
        str
            A ``<div>`` with the image, a play/pause button, a frame slider and a counter, and
            the ``<script>`` driving them. It first shows the last frame (the trained model),
            which is also what remains when JavaScript is off.
        """
        selected = self._selected()
        if not selected:
            raise ValueError("no frames recorded yet: train with this object as a callback first")
        root = _element_id("animation")
        uris = [_data_uri(frame.image) for frame in selected]
        captions = [frame.caption for frame in selected]
        last = len(uris) - 1
        delay = max(int(1000 / fps), 10)
        text = (
            f'<div id="{root}" class="svmkit-animation" role="group" '
            f'aria-label="animation of the margin bands during training '
            f'(space: play or pause; arrow keys: step through the frames)" '
            f'style="max-width:100%;font-family:sans-serif;font-size:0.9em">'
            f'<img id="{root}-img" src="{uris[last]}" alt="margin bands of the SVM during '
            f'training, frame {last + 1} of {last + 1}" '
            f'style="max-width:100%;height:auto;display:block">'
            f'<div style="display:flex;align-items:center;gap:0.6em;margin-top:0.3em">'
            f'<button id="{root}-play" type="button" aria-label="play" '
            f'style="min-width:5.5em">▶ play</button>'
            f'<input id="{root}-range" type="range" min="0" max="{last}" step="1" '
            f'value="{last}" aria-label="frame" '
            f'aria-valuetext="frame {last + 1} of {last + 1}" style="flex:1;min-height:24px">'
            f'<span id="{root}-counter">{last + 1} / {last + 1}</span></div>'
            f'<div id="{root}-caption" style="color:#555">{html.escape(captions[last])}</div>'
            f"</div>\n<script>(function () {{\n"
            f"  var frames = {_script_json(uris)};\n"
            f"  var captions = {_script_json(captions)};\n"
            f'  var id = "{root}", delay = {delay}, timer = null;\n'
            "  var image = document.getElementById(id + '-img');\n"
            "  var range = document.getElementById(id + '-range');\n"
            "  var button = document.getElementById(id + '-play');\n"
            "  var counter = document.getElementById(id + '-counter');\n"
            "  var caption = document.getElementById(id + '-caption');\n"
            "  function show(i) {\n"
            "    range.value = i; image.src = frames[i];\n"
            "    image.alt = 'margin bands of the SVM during training, frame ' + (i + 1) +"
            " ' of ' + frames.length;\n"
            "    range.setAttribute('aria-valuetext',"
            " 'frame ' + (i + 1) + ' of ' + frames.length);\n"
            "    counter.textContent = (i + 1) + ' / ' + frames.length;\n"
            "    caption.textContent = captions[i];\n"
            "  }\n"
            "  function stop() { clearInterval(timer); timer = null;"
            " button.textContent = '▶ play'; button.setAttribute('aria-label', 'play'); }\n"
            "  function step() {\n"
            "    var i = parseInt(range.value, 10) + 1;\n"
            "    if (i >= frames.length) { stop(); return; }\n"
            "    show(i);\n"
            "  }\n"
            "  button.addEventListener('click', function () {\n"
            "    if (timer !== null) { stop(); return; }\n"
            "    if (parseInt(range.value, 10) >= frames.length - 1) { show(0); }\n"
            "    button.textContent = '❚❚ pause'; button.setAttribute('aria-label', 'pause');\n"
            "    timer = setInterval(step, delay);\n"
            "  });\n"
            "  range.addEventListener('input', function () {"
            " stop(); show(parseInt(range.value, 10)); });\n"
            "  // Space anywhere in the player plays or pauses (the button handles its own keys).\n"
            "  document.getElementById(id).addEventListener('keydown', function (event) {\n"
            "    if (event.key !== ' ' || event.target === button) { return; }\n"
            "    event.preventDefault(); button.click();\n"
            "  });\n"
            "})();</script>"
        )
        return _check_html_size(text, "this animation", "lower max_frames, dpi or figsize")

    def _repr_html_(self) -> str | None:
        # Nothing recorded yet: let IPython fall back to the plain repr.
        return self.to_html() if self._last is not None else None

    def __repr__(self) -> str:
        return (f"MarginAnimation(frames={self.frame_count}, every={self.every}, "
                f"resolution={self.resolution}, max_frames={self.max_frames})")

    def save(self, path: str | os.PathLike[str], *, fps: float = 8.0) -> Path:
        """Save the recorded frames as ``.gif`` (Pillow), ``.mp4`` (ffmpeg) or ``.html``.

        Parameters
        ----------
        path : str or os.PathLike
            Output file; its suffix picks the format.
        fps : float, default 8
            Frames per second.

        Returns
        -------
        pathlib.Path
            The written file.
        """
        path = Path(path)
        suffix = path.suffix.lower()
        frames = self.frames
        if not frames:
            raise ValueError("no frames recorded yet: train with this object as a callback first")
        if suffix == ".html":
            path.write_text(self.to_html(fps=fps), encoding="utf-8")
        elif suffix == ".gif":
            from PIL import Image

            images = [Image.open(io.BytesIO(frame)).convert("RGB") for frame in frames]
            images[0].save(path, save_all=True, append_images=images[1:],
                           duration=max(int(1000 / fps), 20), loop=0)
        elif suffix == ".mp4":
            _save_mp4(frames, path, fps)
        else:
            raise ValueError(f"cannot save {path.name!r}: use a .gif, .mp4 or .html file name")
        return path


def _save_mp4(frames: Sequence[bytes], path: Path, fps: float) -> None:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RuntimeError(
            "saving .mp4 needs the ffmpeg program on PATH (apt install ffmpeg, brew install "
            "ffmpeg or conda install ffmpeg); .gif and .html need nothing extra"
        )
    from PIL import Image

    with tempfile.TemporaryDirectory() as folder:
        for i, frame in enumerate(frames):
            Image.open(io.BytesIO(frame)).convert("RGB").save(Path(folder) / f"{i:05d}.png")
        command = [ffmpeg, "-y", "-loglevel", "error", "-framerate", f"{fps:g}",
                   "-i", str(Path(folder) / "%05d.png"),
                   # yuv420p (what browsers play) needs even width and height.
                   "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2", "-pix_fmt", "yuv420p",
                   str(path)]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"ffmpeg failed: {result.stderr.strip()}")


def _fallback_keras_adapter() -> type:
    """A minimal Keras callback speaking svmkit's protocol (used if svmkit.keras is absent)."""
    import keras

    class CallbackAdapter(keras.callbacks.Callback):
        def __init__(self, target: Any) -> None:
            super().__init__()
            self.target = target
            self.step = 0

        def _logs(self, logs: Mapping[str, Any] | None) -> dict[str, Any]:
            converted: dict[str, Any] = {}
            for key, value in (logs or {}).items():
                try:
                    converted[key] = float(keras.ops.convert_to_numpy(value))
                except (TypeError, ValueError):
                    converted[key] = value
            converted["model"] = self.model
            return converted

        def on_train_begin(self, logs: Any = None) -> None:
            self.step = 0
            self.target.on_train_begin(self.model)

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            self.target.on_batch_end(self.step, self._logs(logs))
            self.step += 1

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            self.target.on_epoch_end(epoch, self._logs(logs))

        def on_train_end(self, logs: Any = None) -> None:
            self.target.on_train_end(self._logs(logs))

    return CallbackAdapter


# -- chapter 4: "can you do better?" ------------------------------------------------------------
def _accuracy_series(history: Any) -> tuple[np.ndarray, float | None]:
    """Accuracy values (and the last margin width, if logged) from a history or a sequence."""
    if isinstance(history, np.ndarray) or (
        isinstance(history, Sequence) and not isinstance(history, str)
    ):
        return np.asarray(history, dtype=float).reshape(-1), None
    series = _series_of(history)
    for name in ("accuracy", "acc", "train_accuracy"):
        if name in series:
            margin = series.get("margin_width")
            return np.asarray(series[name], dtype=float), (margin[-1] if margin else None)
    raise KeyError(f"no accuracy series in the history; found {sorted(series)}")


def epochs_to_reach(
    accuracy: Sequence[float] | np.ndarray,
    fraction: float = 0.99,
    *,
    batches_per_epoch: int | None = None,
) -> float:
    """Epochs until the accuracy first reaches ``fraction`` of its final value.

    Parameters
    ----------
    accuracy : sequence of float
        Accuracy after each epoch (or after each batch, with ``batches_per_epoch``).
    fraction : float, default 0.99
        Target as a fraction of the final accuracy.
    batches_per_epoch : int, optional
        Set when the series is per batch, to convert batches to (fractional) epochs.

    Examples
    --------
    >>> epochs_to_reach([0.5, 0.9, 0.975, 0.98])  # 0.975 >= 0.99 * 0.98
    3.0
    >>> epochs_to_reach([0.5, 0.9, 0.975, 0.98], batches_per_epoch=2)
    1.5
    """
    accuracy = np.asarray(accuracy, dtype=float).reshape(-1)
    if accuracy.size == 0:
        raise ValueError("the accuracy series is empty")
    # The tolerance keeps ties exact when accuracies are ratios of counts.
    reached = accuracy >= fraction * accuracy[-1] - 1e-12
    count = float(np.argmax(reached) + 1)  # the last value always qualifies
    return count / batches_per_epoch if batches_per_epoch else count


@dataclass(frozen=True)
class Baseline:
    """A measured reference run for :func:`score_run`.

    Parameters
    ----------
    epochs_to_target : float
        Epochs the reference needed to reach 99 % of its final accuracy.
    final_accuracy : float
        Its final accuracy.
    margin_width : float, optional
        Its final margin width ``2/‖w‖``.
    description : str, default "baseline"
        What the reference run was, e.g. ``"SGD lr=0.1, batch 32"``.

    Examples
    --------
    >>> Baseline.from_history({"accuracy": [0.6, 0.9, 0.955, 0.96]}, margin_width=1.2)
    Baseline(epochs_to_target=3.0, final_accuracy=0.96, margin_width=1.2, description='baseline')
    """

    epochs_to_target: float
    final_accuracy: float
    margin_width: float | None = None
    description: str = "baseline"

    @classmethod
    def from_history(
        cls,
        history: Any,
        *,
        margin_width: float | None = None,
        fraction: float = 0.99,
        batches_per_epoch: int | None = None,
        description: str = "baseline",
    ) -> Baseline:
        """Measure a baseline from a training history (or an accuracy series)."""
        accuracy, logged_margin = _accuracy_series(history)
        return cls(
            epochs_to_target=epochs_to_reach(accuracy, fraction,
                                             batches_per_epoch=batches_per_epoch),
            final_accuracy=float(accuracy[-1]),
            margin_width=margin_width if margin_width is not None else logged_margin,
            description=description,
        )


@dataclass(frozen=True)
class RunScore:
    """Result of :func:`score_run`; its repr reads as a small pass/fail report."""

    epochs_to_target: float
    final_accuracy: float
    margin_width: float | None
    baseline: Baseline
    fraction: float = 0.99
    checks: tuple[tuple[str, str, str, bool], ...] = field(default=(), repr=False)

    @property
    def passed(self) -> bool:
        """True when every check (speed, accuracy, margin if known) holds."""
        return all(ok for *_, ok in self.checks)

    @property
    def speedup(self) -> float:
        """Baseline epochs divided by this run's epochs (> 1 is faster)."""
        return self.baseline.epochs_to_target / self.epochs_to_target

    def __repr__(self) -> str:
        verdict = "PASS" if self.passed else "FAIL"
        lines = [f"RunScore: {verdict} — {self.speedup:.2f}× the speed of "
                 f"{self.baseline.description}"]
        width = max(len(name) for name, *_ in self.checks)
        for name, value, reference, ok in self.checks:
            lines.append(f"  {'✓' if ok else '✗'} {name:<{width}}  {value:>8}"
                         f"  (baseline {reference})")
        return "\n".join(lines)


def score_run(
    history: Any,
    *,
    baseline: Baseline,
    margin_width: float | None = None,
    fraction: float = 0.99,
    batches_per_epoch: int | None = None,
    accuracy_tolerance: float = 0.005,
    margin_tolerance: float = 0.1,
) -> RunScore:
    """Score a training run against a baseline: faster, as accurate, a margin as wide?

    Parameters
    ----------
    history : History, mapping or sequence of float
        A history with an ``"accuracy"`` series (svmkit or Keras), or the series itself.
    baseline : Baseline
        The measured reference run.
    margin_width : float, optional
        Final ``2/‖w‖`` of this run (else the last ``"margin_width"`` of the history, if any).
    fraction : float, default 0.99
        Speed is measured as epochs to reach ``fraction`` of the final accuracy.
    batches_per_epoch : int, optional
        Set when the series is per batch.
    accuracy_tolerance : float, default 0.005
        The final accuracy may be this much below the baseline's.
    margin_tolerance : float, default 0.1
        The margin may be this fraction narrower than the baseline's.

    Returns
    -------
    RunScore
        ``passed`` is True when the run needs at most the baseline's epochs, keeps its accuracy
        (within the tolerance) and, when both are known, its margin width.

    Examples
    --------
    >>> baseline = Baseline(epochs_to_target=5, final_accuracy=0.95, margin_width=1.0)
    >>> score_run([0.80, 0.94, 0.955, 0.96], baseline=baseline, margin_width=1.05)
    RunScore: PASS — 1.67× the speed of baseline
      ✓ epochs to 99% of final accuracy         3  (baseline 5)
      ✓ final accuracy                     0.9600  (baseline 0.9500)
      ✓ margin width 2/‖w‖                  1.050  (baseline 1.000)
    """
    accuracy, logged_margin = _accuracy_series(history)
    if margin_width is None:
        margin_width = logged_margin
    epochs = epochs_to_reach(accuracy, fraction, batches_per_epoch=batches_per_epoch)
    final = float(accuracy[-1])
    checks = [
        (f"epochs to {fraction:.0%} of final accuracy", f"{epochs:g}",
         f"{baseline.epochs_to_target:g}", epochs <= baseline.epochs_to_target),
        ("final accuracy", f"{final:.4f}", f"{baseline.final_accuracy:.4f}",
         final >= baseline.final_accuracy - accuracy_tolerance),
    ]
    if margin_width is not None and baseline.margin_width is not None:
        checks.append(("margin width 2/‖w‖", f"{margin_width:.3f}", f"{baseline.margin_width:.3f}",
                       margin_width >= (1 - margin_tolerance) * baseline.margin_width))
    return RunScore(epochs, final, margin_width, baseline, fraction, tuple(checks))
