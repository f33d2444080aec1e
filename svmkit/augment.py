"""Data augmentation on the fly: random whole-pixel shifts of flattened images.

LeCun's "virtual SVM" (DeCoste and Schölkopf, 2002) reaches 99.44 % on MNIST by training on
deskewed digits *and* copies shifted by a pixel or two: a digit moved by one pixel is still the same
digit, and a Gaussian kernel on raw pixels does not know that by itself. :class:`RandomShift`
makes those copies batch by batch, so the enlarged training set never exists in memory; the
training loops of both frameworks call it on every mini-batch (``augment=`` in
:func:`svmkit.torch.fit_rff_svm` and ``svmkit.keras.fit_rff_svm``).

One class serves both frameworks: it works on numpy arrays with a ``numpy.random.Generator``
(the Keras recipe's data pipeline) and on torch tensors with a ``torch.Generator`` (the PyTorch
loop, on the training device), with the same arithmetic.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from svmkit._validation import check_positive_int

__all__ = ["RandomShift"]


class RandomShift:
    """Move every image of a batch by its own random shift ``(dy, dx) ∈ {−s, …, s}²``, zero fill.

    Parameters
    ----------
    max_shift : int, default=2
        The largest shift s in pixels, in each direction.
    image_shape : (int, int), default=(28, 28)
        Height and width of the images; a batch holds flattened images, shape
        ``(batch, height · width)``.

    Examples
    --------
    >>> import numpy as np
    >>> image = np.zeros((1, 9), dtype=np.uint8)
    >>> image[0, 4] = 255                      # the centre pixel of a 3 × 3 image
    >>> shift = RandomShift(max_shift=1, image_shape=(3, 3))
    >>> moved = shift(image, np.random.default_rng(0))
    >>> moved.dtype, int(moved.sum())          # same dtype, the pixel moved (not lost)
    (dtype('uint8'), 255)
    >>> shift.shift(image, dy=[1], dx=[-1]).reshape(3, 3)  # one row down, one column left
    array([[  0,   0,   0],
           [  0,   0,   0],
           [255,   0,   0]], dtype=uint8)
    """

    def __init__(self, max_shift: int = 2, image_shape: tuple[int, int] = (28, 28)) -> None:
        self.max_shift = check_positive_int(max_shift, "max_shift")
        if not isinstance(image_shape, (tuple, list)) or len(image_shape) != 2:
            raise ValueError(f"image_shape must be a pair (height, width), got {image_shape!r}")
        height, width = (check_positive_int(side, "image_shape") for side in image_shape)
        if self.max_shift >= min(height, width):
            raise ValueError(
                f"max_shift must be smaller than the image ({height} × {width}), got {max_shift}"
            )
        self.image_shape = (height, width)

    def __repr__(self) -> str:
        return f"RandomShift(max_shift={self.max_shift}, image_shape={self.image_shape})"

    def __call__(self, batch: Any, generator: Any = None) -> Any:
        """Shift each row of ``batch`` by a draw from ``generator`` (numpy or torch alike)."""
        self._check(batch)
        n, s = batch.shape[0], self.max_shift
        if _is_torch(batch):
            import torch

            draws = torch.randint(-s, s + 1, (2, n), generator=generator, device=batch.device)
        else:
            rng = generator if generator is not None else np.random.default_rng()
            draws = rng.integers(-s, s + 1, size=(2, n))
        return self.shift(batch, dy=draws[0], dx=draws[1])

    def shift(self, batch: Any, dy: Any, dx: Any) -> Any:
        """Shift row i of ``batch`` down ``dy[i]`` and right ``dx[i]`` pixels; zeros enter."""
        self._check(batch)
        height, width = self.image_shape
        n = batch.shape[0]
        if _is_torch(batch):
            import torch

            xp, device = torch, {"device": batch.device}
            dy, dx = (torch.as_tensor(d, device=batch.device).reshape(n, 1, 1) for d in (dy, dx))
        else:
            xp, device = np, {}
            dy, dx = (np.asarray(d).reshape(n, 1, 1) for d in (dy, dx))
        rows = xp.arange(height, **device).reshape(1, height, 1) - dy  # source row of each pixel
        cols = xp.arange(width, **device).reshape(1, 1, width) - dx
        inside = ((rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)).reshape(n, -1)
        source = (rows.clip(0, height - 1) * width + cols.clip(0, width - 1)).reshape(n, -1)
        if xp is np:
            moved = np.take_along_axis(batch, source, axis=1)
            return np.where(inside, moved, np.zeros((), batch.dtype))
        moved = torch.gather(batch, 1, source)
        return torch.where(inside, moved, torch.zeros((), dtype=batch.dtype, device=batch.device))

    def _check(self, batch: Any) -> None:
        height, width = self.image_shape
        if batch.ndim != 2 or batch.shape[1] != height * width:
            raise ValueError(
                f"batch must have shape (n, {height * width}) for images of {height} × {width}, "
                f"got {tuple(batch.shape)}"
            )


def _is_torch(batch: Any) -> bool:
    return type(batch).__module__.startswith("torch")
