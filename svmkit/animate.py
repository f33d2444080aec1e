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

It is three small parts put together: the callback side and the frame thinning
(``svmkit._recorder.FrameRecorder``), the drawing (``svmkit._render.MarginRenderer``,
which evaluates models like :func:`svmkit.plot.decision_grid`), and the player shared with the
sliders of :mod:`svmkit.widgets` (``svmkit._html.render_player``). Chapter 4's "can you do
better?" scoring lives in :mod:`svmkit.exercises`.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from svmkit._html import Axis, check_html_size, render_player
from svmkit._recorder import FrameRecorder
from svmkit._render import MarginRenderer
from svmkit.widgets import static_output

__all__ = ["MarginAnimation"]


class MarginAnimation(FrameRecorder):
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
    live : bool, optional
        Whether to update an image in place while training. By default
        :func:`svmkit.widgets.static_output` decides: live in a notebook kernel, but not when
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
    renderer : MarginRenderer
        What draws the frames (from the internal module ``svmkit._render``).

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
    >>> 'class="svmkit-player svmkit-animation"' in animation.to_html()
    True
    >>> import tempfile
    >>> animation.save(Path(tempfile.mkdtemp()) / "run.gif").stat().st_size > 0
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
        live: bool | None = None,
        figsize: tuple[float, float] = (5.0, 4.5),
        dpi: float = 80,
        padding: float = 0.5,
        image_format: str = "jpeg",
    ) -> None:
        super().__init__(every=every, max_frames=max_frames)
        self.renderer = MarginRenderer(X, y, resolution=resolution, padding=padding,
                                       figsize=figsize, dpi=dpi, image_format=image_format)
        self.live = live
        self._handle: Any = None

    @property
    def resolution(self) -> int:
        """Grid points per axis."""
        return self.renderer.resolution

    @property
    def image_format(self) -> str:
        """Encoding of the frames, ``"jpeg"`` or ``"png"``."""
        return self.renderer.image_format

    @property
    def grid(self) -> np.ndarray:
        """The ``(resolution², 2)`` points the model is evaluated on."""
        return self.renderer.grid

    def decision_values(self, model: Any) -> np.ndarray:
        """Decision values of ``model`` on the grid, shape ``(resolution, resolution)``."""
        return self.renderer.decision_values(model)

    def render(self, z: np.ndarray, caption: str = "") -> bytes:
        """Draw decision values ``z`` (on the grid) and return the encoded frame."""
        return self.renderer.render(z, caption)

    def draw(self, model: Any, caption: str) -> bytes:
        """Evaluate ``model`` on the grid and draw its margin bands (called for each frame)."""
        return self.renderer.render(self.renderer.decision_values(model), caption)

    def show(self, image: bytes) -> None:
        """Replace the image under the running cell, in a live notebook only."""
        static = None if self.live is None else not self.live
        if static_output(static, widgets=False):
            return
        from IPython.display import Image, display

        picture = Image(data=image, format=self.image_format)
        if self._handle is None:
            self._handle = display(picture, display_id=True)
        else:
            self._handle.update(picture)

    def on_train_begin(self, model: Any = None) -> None:
        """Remember the model and draw its starting state, in a new output of the notebook."""
        self._handle = None
        super().on_train_begin(model)

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
            A player with the image, a play/pause button, a frame slider, a counter and the
            caption of each frame (see ``svmkit._html.render_player``). It first shows the
            last frame (the trained model), which is also what remains when JavaScript is off.
        """
        selected = self.selected()
        if not selected:
            raise ValueError("no frames recorded yet: train with this object as a callback first")
        n = len(selected)
        frames = Axis([f"frame {i + 1} of {n}" for i in range(n)], start=n - 1)
        text = render_player(
            [frame.image for frame in selected], [frames], css_class="svmkit-animation",
            aria_label="animation of the margin bands during training "
                       "(space: play or pause; arrow keys: step through the frames)",
            alt=("margin bands of the SVM during training, ", ""),
            captions=[frame.caption for frame in selected], delay_ms=max(int(1000 / fps), 10),
        )
        return check_html_size(text, "this animation", "lower max_frames, dpi or figsize")

    def _repr_html_(self) -> str | None:
        # Nothing recorded yet: let IPython fall back to the plain repr.
        return self.to_html() if self.drawn else None

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
