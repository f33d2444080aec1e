"""Bridges between Keras' training loop and svmkit's framework-neutral helpers.

svmkit's PyTorch ``fit`` calls plain objects with (optional) methods::

    on_train_begin(model)
    on_batch_end(step, logs)      # step: global batch counter over all epochs, from 0
    on_epoch_end(epoch, logs)     # epoch: from 0
    on_train_end(logs)

where ``logs`` holds ``"loss"`` (a float) and ``"model"``. :class:`CallbackAdapter` wraps such an
object as a ``keras.callbacks.Callback``, so one object (e.g. ``svmkit.animate.MarginAnimation``)
follows training in either framework. :func:`featurize` maps a large array through a layer in
chunks, returning numpy.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from svmkit._progress import progress_bar
from svmkit._validation import check_array, check_positive_int


def _as_float(value: Any) -> Any:
    """Turn a backend scalar (tensor, numpy 0-d array) into a float; leave other values alone."""
    try:
        array = np.asarray(keras.ops.convert_to_numpy(value))
    except Exception:  # strings, lists of strings...: not numbers, pass them through
        return value
    if array.ndim == 0 and array.dtype.kind in "biuf":
        return float(array)
    return value


class CallbackAdapter(keras.callbacks.Callback):
    """Run an svmkit (PyTorch-style) callback inside ``keras.Model.fit``.

    Parameters
    ----------
    callback : object
        Any object with some of ``on_train_begin(model)``, ``on_batch_end(step, logs)``,
        ``on_epoch_end(epoch, logs)``, ``on_train_end(logs)``; missing methods are skipped.
    model : keras.Model or None, default=None
        The model ``callback`` is shown (``on_train_begin``'s argument and ``logs["model"]``);
        ``None`` shows the model being trained. :func:`svmkit.keras.fit_rff_svm` trains only
        the head on precomputed features and passes the whole feature → head model here.

    Notes
    -----
    ``step`` counts batches over all epochs from 0, as in ``svmkit.torch.fit``. Keras reports
    at each batch end the *running mean* of the loss over the current epoch (not the loss of
    that single batch); it is passed on as ``logs["loss"]``. Every log value that is a scalar
    is converted to a Python float, and ``logs["model"]`` is the Keras model being trained.

    Examples
    --------
    >>> import numpy as np
    >>> import keras
    >>> from svmkit.keras import Hinge, LinearSVM
    >>> class Recorder:
    ...     def __init__(self):
    ...         self.steps = []
    ...     def on_batch_end(self, step, logs):
    ...         self.steps.append((step, type(logs["loss"]).__name__))
    >>> model = keras.Sequential([keras.Input((2,)), LinearSVM()])
    >>> model.compile(optimizer="sgd", loss=Hinge())
    >>> X = np.array([[1.0, 1.0], [-1.0, -1.0]], dtype="float32")
    >>> y = np.array([1.0, -1.0], dtype="float32")
    >>> recorder = Recorder()
    >>> _ = model.fit(X, y, batch_size=1, epochs=2, verbose=0,
    ...               callbacks=[CallbackAdapter(recorder)])
    >>> recorder.steps
    [(0, 'float'), (1, 'float'), (2, 'float'), (3, 'float')]
    """

    def __init__(self, callback: Any, model: keras.Model | None = None) -> None:
        super().__init__()
        self.callback = callback
        self.shown_model = model
        self.step = 0

    def _shown(self) -> keras.Model:
        return self.model if self.shown_model is None else self.shown_model

    def _logs(self, logs: dict[str, Any] | None) -> dict[str, Any]:
        converted = {key: _as_float(value) for key, value in (logs or {}).items()}
        converted["model"] = self._shown()
        return converted

    def _forward(self, method: str, *args: Any) -> None:
        handler = getattr(self.callback, method, None)
        if callable(handler):
            handler(*args)

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.step = 0
        self._forward("on_train_begin", self._shown())

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self._forward("on_batch_end", self.step, self._logs(logs))
        self.step += 1

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._forward("on_epoch_end", epoch, self._logs(logs))

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        self._forward("on_train_end", self._logs(logs))


def as_keras_callback(callback: Any, model: keras.Model | None = None) -> keras.callbacks.Callback:
    """Return ``callback`` itself if it is a Keras callback, else wrap it in a CallbackAdapter.

    ``model`` is passed on to :class:`CallbackAdapter` (the model the wrapped callback sees).

    Examples
    --------
    >>> import keras
    >>> type(as_keras_callback(object())).__name__
    'CallbackAdapter'
    >>> stopper = keras.callbacks.EarlyStopping()
    >>> as_keras_callback(stopper) is stopper
    True
    """
    if isinstance(callback, keras.callbacks.Callback):
        return callback
    return CallbackAdapter(callback, model=model)


def featurize(
    layer_or_model: Any, X: Any, batch_size: int = 4096, *, progress: bool = False
) -> np.ndarray:
    """Map ``X`` through a Keras layer or model chunk by chunk and return a numpy array.

    With a frozen ``RandomFourierFeatures`` layer the features never change during training, so
    computing them once and training only the linear head is much faster. Chunking keeps the
    memory of intermediate tensors bounded by ``batch_size × output_dim``: the output is
    allocated once and each chunk's result is written into it, so the peak is the result plus
    the temporaries of one chunk (a few ``batch_size × output_dim`` arrays).

    Parameters
    ----------
    layer_or_model : keras.layers.Layer or keras.Model
        Called as ``layer_or_model(chunk, training=False)``.
    X : array-like of shape (n, d)
    batch_size : int, default 4096
        Rows per chunk.
    progress : bool, default=False
        Show a tqdm progress bar over the chunks.

    Returns
    -------
    numpy.ndarray of shape (n, ...)
        The outputs, in the layer's compute dtype (float32 by default).

    Examples
    --------
    >>> import numpy as np
    >>> from svmkit.keras import RandomFourierFeatures
    >>> X = np.random.default_rng(0).normal(size=(10, 3)).astype("float32")
    >>> layer = RandomFourierFeatures(output_dim=16, seed=0)
    >>> phi = featurize(layer, X, batch_size=4)
    >>> phi.shape, phi.dtype
    ((10, 16), dtype('float32'))
    >>> bool(np.allclose(phi, np.asarray(layer(X)), atol=1e-6))
    True
    """
    X = check_array(X, name="X", ndim=None)
    if X.ndim < 2:
        raise ValueError(f"X must have shape (n_samples, ...), got shape {X.shape}")
    batch_size = check_positive_int(batch_size, "batch_size")
    if X.dtype != np.float32 and keras.backend.floatx() == "float32":
        # The layers compute in float32; converting once beats converting every chunk.
        X = X.astype(np.float32)
    output = None
    starts = range(0, X.shape[0], batch_size)
    for start in progress_bar(starts, desc="featurize", unit="chunk", enabled=progress):
        chunk = keras.ops.convert_to_numpy(
            layer_or_model(X[start : start + batch_size], training=False)
        )
        if output is None:
            # Preallocate once the output shape and dtype are known: no list of chunks to
            # concatenate, so peak memory is the result plus one chunk.
            output = np.empty((X.shape[0], *chunk.shape[1:]), dtype=chunk.dtype)
        output[start : start + chunk.shape[0]] = chunk
    return output
