"""Record frames while a model trains: the callback side of :class:`svmkit.animate.MarginAnimation`.

:class:`FrameRecorder` speaks the callback protocol of :func:`svmkit.torch.fit`
(``on_train_begin(model)``, ``on_batch_end(step, logs)``, ``on_epoch_end(epoch, logs)``,
``on_train_end(logs)``) and, through :meth:`FrameRecorder.keras_callback`, that of
``keras.Model.fit``. It counts batches and epochs, decides when a frame is due (every ``every``
batches, plus one before training and one at the end), writes its caption and keeps at most
``max_frames`` frames spread evenly over the run. What a frame *looks like* is a subclass's
business: it implements :meth:`FrameRecorder.draw`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Frame", "FrameRecorder"]


@dataclass(frozen=True)
class Frame:
    """One recorded frame: its position among all drawn frames, the image and its caption."""

    index: int
    image: bytes
    caption: str


class FrameRecorder:
    """Training callback that draws a frame every ``every`` batches and keeps an even selection.

    Parameters
    ----------
    every : int, default 10
        Draw a frame every ``every`` batches (plus one before training and one at the end).
    max_frames : int, default 60
        Most frames kept; they are spread evenly over the run, first and last kept.

    Attributes
    ----------
    model : object or None
        The model being trained (from ``on_train_begin`` or ``logs["model"]``).
    batches, epoch : int
        Batches seen and epochs completed.
    loss : float or None
        The last logged loss.
    drawn : int
        Frames drawn so far, including those thinned out.

    Examples
    --------
    A recorder whose frames are just their captions:

    >>> class Captions(FrameRecorder):
    ...     def draw(self, model, caption):
    ...         return caption.encode()
    >>> recorder = Captions(every=2)
    >>> recorder.on_train_begin(model="a model")
    >>> for step in range(5):
    ...     recorder.on_batch_end(step, {"loss": 1.0 / (step + 1)})
    >>> recorder.on_train_end()
    >>> recorder.frame_count, recorder.captions[-1]
    (4, 'batch 5 · epoch 1 · loss 0.200')
    """

    def __init__(self, *, every: int = 10, max_frames: int = 60) -> None:
        if int(every) < 1:
            raise ValueError(f"every must be a positive integer; got {every!r}")
        if int(max_frames) < 2:
            raise ValueError(f"max_frames must be at least 2 (first and last); got {max_frames!r}")
        self.every = int(every)
        self.max_frames = int(max_frames)
        self.model: Any = None
        self.reset()

    def draw(self, model: Any, caption: str) -> bytes:
        """Draw ``model``'s current state as an encoded image (subclasses implement this)."""
        raise NotImplementedError

    def show(self, image: bytes) -> None:
        """Show a freshly drawn frame (subclasses may; the default shows nothing)."""

    # -- the frames ------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget the recorded frames and counters."""
        self._kept: list[Frame] = []
        self._last: Frame | None = None
        self._stride = 1
        self.drawn = 0
        self.batches = 0
        self.epoch = 0  # epochs completed
        self._current_epoch = 0  # the epoch shown in captions: that of the last batch
        self.loss: float | None = None
        self._drawn_at: int | None = None

    def _keep(self, image: bytes, caption: str) -> None:
        frame = Frame(self.drawn, image, caption)
        self.drawn += 1
        self._last = frame
        if frame.index % self._stride == 0:
            self._kept.append(frame)
        # Keep memory bounded on long runs: when twice too many frames are kept, keep every
        # other one. Evenly spaced frames stay evenly spaced, and frame 0 is never dropped.
        if len(self._kept) > 2 * self.max_frames:
            self._stride *= 2
            self._kept = [f for f in self._kept if f.index % self._stride == 0]

    def selected(self) -> list[Frame]:
        """The frames of the replay: at most ``max_frames``, evenly spread, first and last."""
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
        return [frame.image for frame in self.selected()]

    @property
    def captions(self) -> list[str]:
        """The caption (step, epoch, loss) of each frame in :attr:`frames`."""
        return [frame.caption for frame in self.selected()]

    @property
    def frame_count(self) -> int:
        """Number of frames in :attr:`frames`."""
        return len(self.selected())

    def caption(self, model: Any) -> str:
        """The caption of the current state, e.g. ``"batch 40 · epoch 2 · loss 0.123"``.

        The model's margin width ``2/‖w‖`` is appended when it has a ``margin_width()`` method.
        """
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
        """Draw, show and record a frame of ``model`` (default: the model being trained).

        Parameters
        ----------
        model : object, optional
            Whatever :meth:`draw` accepts; by default the model seen by the callbacks.

        Returns
        -------
        bytes
            The encoded frame.
        """
        model = self.model if model is None else model
        if model is None:
            raise ValueError("no model yet: pass one, or use the object as a training callback")
        caption = self.caption(model)
        image = self.draw(model, caption)
        self._keep(image, caption)
        self._drawn_at = self.batches
        self.show(image)
        return image

    # -- callback protocol (svmkit.torch.fit) ----------------------------------------------
    def _take_model(self, logs: Mapping[str, Any] | None) -> None:
        if logs and logs.get("model") is not None:
            self.model = logs["model"]

    def on_train_begin(self, model: Any = None) -> None:
        """Remember the model and draw its starting state."""
        if model is not None:
            self.model = model
        if self.model is not None:
            self.add_frame()

    def on_batch_end(self, step: int, logs: Mapping[str, Any] | None = None) -> None:
        """Count the batch and draw every ``every`` batches."""
        self.batches += 1
        self._current_epoch = self.epoch + 1  # the epoch this batch belongs to (1-based)
        self._take_model(logs)
        if logs and logs.get("loss") is not None:
            self.loss = float(logs["loss"])
        if self.batches % self.every == 0 and self.model is not None:
            self.add_frame()

    def on_epoch_end(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        """Update the epoch shown in the captions."""
        self.epoch = self._current_epoch = int(epoch) + 1
        self._take_model(logs)

    def on_train_end(self, logs: Mapping[str, Any] | None = None) -> None:
        """Draw the final state unless the last batch was just drawn."""
        self._take_model(logs)
        if self.model is not None and self._drawn_at != self.batches:
            self.add_frame()

    def keras_callback(self) -> Any:
        """A ``keras.callbacks.Callback`` forwarding ``model.fit`` events to this object.

        Uses :func:`svmkit.keras.as_keras_callback`; ``step`` then counts batches over all
        epochs, as in PyTorch, and ``logs["model"]`` is the Keras model being trained.

        Examples
        --------
        >>> animation = MarginAnimation(X, y, every=5)  # doctest: +SKIP
        >>> model.fit(X, y, epochs=20, callbacks=[animation.keras_callback()])  # doctest: +SKIP
        """
        from svmkit.keras import as_keras_callback  # imports Keras only when asked

        return as_keras_callback(self)
