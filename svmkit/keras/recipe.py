"""The course's kernel-SVM recipe in Keras: random Fourier features once, then a linear SVM head.

The twin of :func:`svmkit.torch.fit_rff_svm`, and like it read from the contract
(:class:`svmkit.contract.FeatureSpec`, :class:`svmkit.contract.TrainSpec`):

1. build :class:`~svmkit.keras.RandomFourierFeatures` from the ``FeatureSpec`` and compute the
   features of the training set once, chunk by chunk, into one float32 array (the map is
   frozen, so they never change);
2. train a :class:`~svmkit.keras.LinearSVM` head (``l2 = λ``) with ``model.fit`` on
   :class:`ArrayBatches`, mini-batches sliced out of that one array in an order drawn by a local
   generator, reshuffled every epoch;
3. return ``keras.Sequential([Input, features, head])``, which predicts from raw inputs.

``model.fit(features, labels)`` would first copy the whole feature matrix into the backend's own
dataset, several GB at MNIST's size; slicing batches out of the numpy array, as the PyTorch loop
does, keeps the peak memory near the size of the features (on MNIST at D = 16 384, within 10 % of
the PyTorch recipe's). Shuffling uses ``np.random.default_rng(training.seed)`` and never reseeds
anything global.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import keras
import numpy as np

from svmkit._progress import progress_bar
from svmkit._validation import check_array, check_positive_int, dtype_kind
from svmkit.contract import (
    FEATURE_BUDGET,
    FeatureSpec,
    TrainSpec,
    check_spec,
    signed_labels,
    stores_features,
    validation_pair,
)
from svmkit.keras.callbacks import as_keras_callback, featurize
from svmkit.keras.layers import LinearSVM, RandomFourierFeatures
from svmkit.keras.losses import Hinge, MulticlassHinge, SquaredHinge

__all__ = ["ArrayBatches", "fit_linear_svm", "fit_rff_svm"]

# Rows per featurisation chunk: about 16 MB of features per chunk. The backend's temporaries (the
# phase, its cosine) are each a chunk's size, and freed chunks of tens of MB linger in the C
# allocator's arenas: on MNIST at D = 16 384 chunks of 2048 rows left about 0.8 GB of resident
# memory on top of the 3.9 GB feature array, chunks of 256 rows none, at about the same speed.
_CHUNK_BYTES = 2**24


class ArrayBatches(keras.utils.PyDataset):
    """Mini-batches ``(X[rows], y[rows])`` sliced out of in-memory arrays, without copying them.

    Parameters
    ----------
    X : numpy.ndarray of shape (n, d)
    y : numpy.ndarray of shape (n,)
    batch_size : int
        Rows per batch; the last batch holds the remainder.
    seed : int or None, default=None
        Seed of the local generator that draws the order of the rows, anew at the end of every
        epoch. ``None`` draws fresh entropy.
    shuffle : bool, default=True
        ``False`` keeps the rows in order (for validation data).
    augment : callable or None, default=None
        ``augment(rows, generator) -> rows`` applied to every batch (e.g.
        :class:`svmkit.augment.RandomShift`), drawing from the same local generator.

    Examples
    --------
    >>> X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    >>> batches = ArrayBatches(X, y, batch_size=2, seed=0)
    >>> len(batches), [len(batches[i][1]) for i in range(3)]
    (3, [2, 2, 1])
    >>> sorted(np.concatenate([batches[i][1] for i in range(3)]).tolist())
    [0, 1, 2, 3, 4]
    """

    def __init__(
        self,
        X: np.ndarray,
        y: np.ndarray,
        batch_size: int,
        *,
        seed: int | None = None,
        shuffle: bool = True,
        augment: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None = None,
    ) -> None:
        super().__init__()
        if len(X) != len(y):
            raise ValueError(f"X and y must have the same length, got {len(X)} and {len(y)}")
        self.X, self.y = X, y
        self.batch_size = check_positive_int(batch_size, "batch_size")
        self.shuffle, self.augment = shuffle, augment
        self._rng = np.random.default_rng(seed)
        self._order = self._rng.permutation(len(X)) if shuffle else None

    def __len__(self) -> int:
        return math.ceil(len(self.X) / self.batch_size)

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        start = index * self.batch_size
        if self._order is None:
            rows = slice(start, start + self.batch_size)
        else:  # sorted rows: the same batch, read from memory in order
            rows = np.sort(self._order[start : start + self.batch_size])
        if self.augment is None:
            return self.X[rows], self.y[rows]
        return self.augment(self.X[rows], self._rng), self.y[rows]

    def on_epoch_end(self) -> None:
        if self.shuffle:
            self._order = self._rng.permutation(len(self.X))

    def close(self) -> None:
        """Let go of ``X`` and ``y`` (the batches cannot be read afterwards).

        On the TensorFlow backend ``model.fit`` leaves the dataset referenced after training
        (through its ``tf.data`` generator), which would keep a multi-GB feature array alive.
        """
        self.X = np.empty((0, *self.X.shape[1:]), self.X.dtype)  # not a view: frees X
        self.y = np.empty((0, *self.y.shape[1:]), self.y.dtype)
        self._order = None


class _EpochBar(keras.callbacks.Callback):
    """A tqdm bar over the epochs, showing the last epoch's loss."""

    def __init__(self, epochs: int) -> None:
        super().__init__()
        self.epochs = epochs
        self.bar = None

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.bar = progress_bar(total=self.epochs, desc="epochs", unit="epoch")

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.bar.set_postfix(loss=f"{float((logs or {}).get('loss', math.nan)):.4f}")
        self.bar.update(1)

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        self.bar.close()


def _loss(training: TrainSpec) -> keras.losses.Loss:
    if training.loss == "hinge":
        return Hinge()
    if training.loss == "squared_hinge":
        return SquaredHinge()
    return MulticlassHinge(kind=training.loss)


def _optimizer(training: TrainSpec) -> keras.optimizers.Optimizer:
    lr: Any = training.lr
    if training.lr_decay is not None:
        # Step k (from 0) uses lr · lr_decay**k, like svmkit.torch.fit.
        lr = keras.optimizers.schedules.ExponentialDecay(
            training.lr, decay_steps=1, decay_rate=training.lr_decay
        )
    optimizer = keras.optimizers.SGD if training.optimizer == "sgd" else keras.optimizers.Adam
    return optimizer(learning_rate=lr)


def _binary_accuracy(y_true: Any, y_pred: Any) -> Any:
    """Share of ``z > 0`` predictions that match ``y > 0`` (±1 labels), as in svmkit.torch."""
    z = keras.ops.reshape(y_pred, (-1,))
    y = keras.ops.reshape(keras.ops.cast(y_true, z.dtype), (-1,))
    return keras.ops.cast(keras.ops.equal(z > 0, y > 0), "float32")


def _targets(y: Any, training: TrainSpec, name: str, n_classes: int | None = None) -> np.ndarray:
    """Labels as the loss wants them: ±1 floats, or class indices ``0 … K−1`` as int32."""
    if training.binary:
        return signed_labels(y, name=name).astype(np.float32)
    labels = check_array(y, name=name, ndim=1, dtype=None)
    if labels.dtype.kind not in "iu" and not np.array_equal(labels, np.round(labels)):
        raise ValueError(f"{name} must hold class indices 0 … K−1 for loss={training.loss!r}")
    low, high = int(labels.min()), int(labels.max())
    limit = n_classes if n_classes is not None else max(high + 1, 2)
    if low < 0 or high >= limit:
        raise ValueError(
            f"{name} must hold class indices in [0, {limit}) for loss={training.loss!r}, "
            f"got values in [{low}, {high}]"
        )
    return labels.astype(np.int32)


def _keep_integers_or_float32(X: np.ndarray) -> np.ndarray:
    """Integer inputs (uint8 images) as they are, a quarter of float32's memory; the layers cast
    each batch. Anything else as float32, the dtype the layers compute in."""
    return X if dtype_kind(X) == "int" else X.astype(np.float32, copy=False)


def _history(history: keras.callbacks.History) -> dict[str, list[float]]:
    return {key: [float(v) for v in values] for key, values in history.history.items()}


def _train(
    model: keras.Model,
    X: np.ndarray,
    y: Any,
    training: TrainSpec,
    *,
    validation_data: Any = None,
    callbacks: Iterable[Any] = (),
    verbose: int = 0,
    progress: bool = False,
    steps_per_execution: int = 1,
    shown_model: keras.Model | None = None,
    augment: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None = None,
) -> dict[str, list[float]]:
    """Compile ``model`` for ``training`` and run ``model.fit`` on :class:`ArrayBatches`."""
    units = model.output_shape[-1]
    targets = _targets(y, training, "y", None if training.binary else units)
    if len(targets) != len(X):
        raise ValueError(f"X and y must have the same length, got {len(X)} and {len(targets)}")
    if training.binary:
        accuracy = keras.metrics.MeanMetricWrapper(_binary_accuracy, name="accuracy")
    else:
        accuracy = keras.metrics.SparseCategoricalAccuracy(name="accuracy")
    model.compile(
        optimizer=_optimizer(training),
        loss=_loss(training),
        metrics=[accuracy],
        steps_per_execution=check_positive_int(steps_per_execution, "steps_per_execution"),
    )
    batch = training.batch(len(X))
    validation = None
    if validation_data is not None:
        X_val, y_val = validation_data
        y_val = _targets(y_val, training, "validation_data[1]", None if training.binary else units)
        validation = ArrayBatches(X_val, y_val, batch, shuffle=False)
    hooks = [as_keras_callback(callback, model=shown_model) for callback in callbacks]
    if progress:
        hooks.append(_EpochBar(training.epochs))
    batches = ArrayBatches(X, targets, batch, seed=training.seed, augment=augment)
    try:
        history = model.fit(
            batches,
            epochs=training.epochs,
            validation_data=validation,
            callbacks=hooks,
            shuffle=False,  # ArrayBatches shuffles; Keras' own shuffle would use Python's `random`
            verbose=verbose,
        )
    finally:
        for dataset in (batches, validation):
            if dataset is not None:
                dataset.close()
    return _history(history)


def fit_linear_svm(
    X: Any,
    y: Any,
    training: TrainSpec,
    *,
    validation_data: Any = None,
    callbacks: Iterable[Any] = (),
    verbose: int = 0,
    progress: bool = False,
    steps_per_execution: int = 1,
) -> tuple[keras.Model, dict[str, list[float]]]:
    """Train a linear SVM ``z = x W + b`` (:class:`~svmkit.keras.LinearSVM`) on ``X``.

    The second half of :func:`fit_rff_svm`, for inputs that are already features (or a linear
    SVM on raw inputs). Arguments and results as in :func:`fit_rff_svm`; the model returned is
    ``keras.Sequential([keras.Input((d,)), LinearSVM(units, l2=training.lam)])``.

    Examples
    --------
    >>> X = np.array([[-2.0, 0.0], [-1.0, 1.0], [1.0, -1.0], [2.0, 0.0]], dtype="float32")
    >>> y = np.array([-1, -1, 1, 1])
    >>> model, history = fit_linear_svm(X, y, TrainSpec(epochs=20, batch_size=4, seed=0))
    >>> history["accuracy"][-1]
    1.0
    >>> np.sign(model.predict(X, verbose=0)[:, 0]).tolist()
    [-1.0, -1.0, 1.0, 1.0]
    """
    check_spec(training, "training", TrainSpec)
    X = check_array(X, name="X").astype(np.float32, copy=False)
    model = keras.Sequential(
        [keras.Input((X.shape[1],)), LinearSVM(training.n_outputs(y), l2=training.lam)]
    )
    if validation_data is not None:
        X_val, y_val = validation_pair(validation_data)
        X_val = check_array(X_val, name="validation_data[0]").astype(np.float32, copy=False)
        validation_data = (X_val, y_val)
    history = _train(
        model, X, y, training, validation_data=validation_data, callbacks=callbacks,
        verbose=verbose, progress=progress, steps_per_execution=steps_per_execution,
    )  # fmt: skip
    return model, history


def fit_rff_svm(
    X: Any,
    y: Any,
    features: FeatureSpec,
    training: TrainSpec,
    *,
    validation_data: Any = None,
    callbacks: Iterable[Any] = (),
    verbose: int = 0,
    progress: bool = False,
    steps_per_execution: int = 1,
    augment: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None = None,
    feature_budget: float = FEATURE_BUDGET,
) -> tuple[keras.Model, dict[str, list[float]]]:
    """Train an approximate kernel SVM ``z = w·φ(x) + b`` on random Fourier features φ.

    The Keras twin of :func:`svmkit.torch.fit_rff_svm`. With a frozen σ (``features.trainable``
    False, the default) φ never changes. If the ``n × D`` float32 features fit in
    ``feature_budget`` bytes, the training points are mapped once by
    :func:`~svmkit.keras.featurize` into one float32 array, and only the
    :class:`~svmkit.keras.LinearSVM` head is trained, by ``model.fit`` on :class:`ArrayBatches`
    sliced out of that array (no copy of it, shuffled by a local generator seeded with
    ``training.seed``). Otherwise the features are *streamed*: the whole model runs on raw
    batches, so memory no longer grows with n. With ``augment`` every batch is transformed first
    (always streamed), and with ``features.trainable`` True σ is learned as well, end to end.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        Binary losses: labels in {−1, +1} or {0, 1}. Multiclass losses: class indices
        ``0 … K−1``; the head gets one output per class (K = number of classes in ``y``).
    features : FeatureSpec
        The feature map: kernel, σ, number of features D, orthogonal, normalize, seed, trainable.
    training : TrainSpec
        The recipe: loss, ``lam`` (λ in ``λ ‖w‖²``;
        :meth:`~svmkit.contract.TrainSpec.from_C` for scikit-learn's C), epochs, batch size,
        optimizer ("sgd" or "adam"), learning rate and its per-step decay
        (``keras.optimizers.schedules.ExponentialDecay``), shuffling seed.
    validation_data : (X_val, y_val) or None, default=None
        Raw inputs; evaluated after every epoch into ``"val_loss"`` and ``"val_accuracy"``.
    callbacks : iterable, default=()
        Keras callbacks (they see the model being trained: the head, when σ is frozen) or objects
        with svmkit's PyTorch-style hooks (wrapped in :class:`~svmkit.keras.CallbackAdapter`;
        they see the whole returned model as ``logs["model"]``).
    verbose : int, default=0
        Passed to ``model.fit``.
    progress : bool, default=False
        tqdm progress bars over the featurisation chunks and the epochs.
    steps_per_execution : int, default=1
        Optimiser steps per call into the backend: the same maths with less overhead, but
        per-batch callbacks then run only every ``steps_per_execution`` batches.
    augment : callable or None, default=None
        ``augment(batch, generator) -> batch`` applied to every training batch of raw inputs,
        e.g. :class:`svmkit.augment.RandomShift` (it draws from the batches' local generator,
        seeded by ``training.seed``). Validation data are never augmented.
    feature_budget : float, default=svmkit.contract.FEATURE_BUDGET
        Bytes of training features that may be stored (4 GiB); ``0`` always streams, ``math.inf``
        always stores (see :func:`svmkit.contract.stores_features`).

    Returns
    -------
    model : keras.Sequential
        ``keras.Sequential([keras.Input((d,)), RandomFourierFeatures, LinearSVM])``:
        ``model.predict(X_test)`` works on raw inputs; ``model.layers`` are the two layers.
    history : dict of str to list of float
        Per-epoch ``"loss"`` (the objective, penalty included) and ``"accuracy"``, plus
        ``"val_loss"`` and ``"val_accuracy"`` with ``validation_data``.

    Raises
    ------
    TypeError, ValueError
        For specs that are not a FeatureSpec and a TrainSpec, or malformed data (the message
        names the argument).

    Examples
    --------
    >>> from svmkit.contract import FeatureSpec, TrainSpec
    >>> from svmkit.data import make_moons
    >>> X, y = make_moons(200, noise=0.1, seed=0)
    >>> features = FeatureSpec(sigma=0.5, output_dim=256, seed=0)
    >>> training = TrainSpec.from_C(1.0, len(X), epochs=30, lr=0.01, optimizer="adam", seed=0)
    >>> model, history = fit_rff_svm(X, y, features, training)
    >>> [type(layer).__name__ for layer in model.layers]
    ['RandomFourierFeatures', 'LinearSVM']
    >>> history["accuracy"][-1] > 0.95
    True
    >>> z = model.predict(X, verbose=0)[:, 0]
    >>> float(np.mean(np.sign(z) == y)) > 0.95
    True
    """
    check_spec(features, "features", FeatureSpec)
    check_spec(training, "training", TrainSpec)
    X = check_array(X, name="X", dtype=None)
    feature_map = RandomFourierFeatures(
        features.output_dim, kernel=features.kernel, sigma=features.sigma,
        trainable=features.trainable, orthogonal=features.orthogonal, seed=features.seed,
        normalize=features.normalize,
    )  # fmt: skip
    head = LinearSVM(training.n_outputs(y), l2=training.lam)
    model = keras.Sequential([keras.Input((X.shape[1],)), feature_map, head])
    options = {"verbose": verbose, "progress": progress, "steps_per_execution": steps_per_execution}
    if validation_data is not None:
        validation_data = validation_pair(validation_data)
    if not stores_features(len(X), features, feature_budget, augmented=augment is not None):
        # σ learned, augmented batches, or features too large to keep: featurised per batch.
        X = _keep_integers_or_float32(X)
        if validation_data is not None:
            X_val = check_array(validation_data[0], name="validation_data[0]", dtype=None)
            validation_data = (_keep_integers_or_float32(X_val), validation_data[1])
        history = _train(model, X, y, training, validation_data=validation_data,
                         callbacks=callbacks, augment=augment, **options)  # fmt: skip
        return model, history
    # Frozen σ: the features of the training set, once, in one array; then only the head.
    chunk = max(1, _CHUNK_BYTES // (4 * features.output_dim))
    phi = featurize(feature_map, X, batch_size=chunk, progress=progress)
    if validation_data is not None:
        X_val = check_array(validation_data[0], name="validation_data[0]")
        validation_data = (featurize(feature_map, X_val, batch_size=chunk), validation_data[1])
    head_model = keras.Sequential([keras.Input((features.output_dim,)), head])
    history = _train(head_model, phi, y, training, validation_data=validation_data,
                     callbacks=callbacks, shown_model=model, **options)  # fmt: skip
    return model, history
