"""The random-feature SVM recipe: features once (or batch by batch), then a linear SVM head.

Chapters 7 to 11, the scikit-learn estimator and the MNIST benchmark all train the same model:
random Fourier features with a frozen σ (:class:`~svmkit.contract.FeatureSpec`) and a
:class:`~svmkit.torch.LinearSVM` trained on them with a :class:`~svmkit.contract.TrainSpec`.
When the feature matrix fits the memory budget the features are computed once; otherwise (or
with augmented batches) every batch is featurised on the device as it is used, so memory stays
flat in the number of samples. :func:`fit_rff_svm` is that recipe, written once;
``svmkit.keras.fit_rff_svm`` is its Keras twin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import torch
from torch import nn

from svmkit.contract import (
    FEATURE_BUDGET,
    FeatureSpec,
    TrainSpec,
    check_spec,
    stores_features,
    validation_pair,
)
from svmkit.torch import _loop
from svmkit.torch._data import as_rows
from svmkit.torch.callbacks import ShowModel
from svmkit.torch.layers import LinearSVM, RandomFourierFeatures
from svmkit.torch.train import featurize

__all__ = ["fit_linear_svm", "fit_rff_svm"]


def fit_linear_svm(
    X: Any,
    y: Any,
    training: TrainSpec,
    *,
    validation_data: Sequence[Any] | None = None,
    device: str | torch.device | None = None,
    callbacks: Iterable[Any] = (),
    progress: bool = False,
) -> tuple[LinearSVM, dict[str, list[float]]]:
    """Train a :class:`~svmkit.torch.LinearSVM` ``z = W x + b`` on ``X`` with a ``training`` recipe.

    The second half of :func:`fit_rff_svm`, for inputs that are already features (or a linear
    SVM on raw inputs). Arguments and results as in :func:`fit_rff_svm`; the model returned is
    the ``LinearSVM`` itself (1 output for a binary loss, K for a multiclass one).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[-2.0, 0.0], [-1.0, 1.0], [1.0, -1.0], [2.0, 0.0]], dtype="float32")
    >>> y = np.array([-1, -1, 1, 1])
    >>> model, history = fit_linear_svm(X, y, TrainSpec(epochs=20, batch_size=4, seed=0))
    >>> history["accuracy"][-1]
    1.0
    >>> model(torch.from_numpy(X)).sign().flatten().tolist()
    [-1.0, -1.0, 1.0, 1.0]
    """
    check_spec(training, "training", TrainSpec)
    rows = as_rows(X, "X")
    model = LinearSVM(rows.shape[1], training.n_outputs(y))
    history = _loop.train(
        model, rows, y, training, validation_data=validation_data, device=device,
        callbacks=callbacks, progress=progress,
    )  # fmt: skip
    return model, history


def fit_rff_svm(
    X: Any,
    y: Any,
    features: FeatureSpec,
    training: TrainSpec,
    *,
    validation_data: Sequence[Any] | None = None,
    device: str | torch.device | None = None,
    callbacks: Iterable[Any] = (),
    progress: bool = False,
    augment: Callable[[torch.Tensor, torch.Generator | None], torch.Tensor] | None = None,
    feature_budget: float = FEATURE_BUDGET,
) -> tuple[nn.Sequential, dict[str, list[float]]]:
    """Train an approximate kernel SVM ``z = w·φ(x) + b`` on random Fourier features φ.

    With a frozen σ (``features.trainable`` False, the default) φ never changes. If the
    ``n × D`` float32 features fit in ``feature_budget`` bytes, the training points are mapped
    once with :func:`~svmkit.torch.featurize` and only the :class:`~svmkit.torch.LinearSVM` head
    is trained: the same numbers as the three steps ``featurize`` → ``LinearSVM`` → ``fit``
    written by hand, and the fastest way when memory allows. Otherwise the features are
    *streamed*: each batch is featurised on the device as it is used, and memory no longer grows
    with n. With ``augment`` every batch is transformed first (new features every epoch, so they
    are always streamed), and with ``features.trainable`` True σ is learned as well, end to end.

    Parameters
    ----------
    X : array-like or torch.Tensor of shape (n_samples, n_features)
    y : array-like or torch.Tensor of shape (n_samples,)
        Binary losses: labels in {−1, +1} or {0, 1}. Multiclass losses: class indices
        ``0 … K−1``; the head gets one output per class (K = number of classes in ``y``).
    features : FeatureSpec
        The feature map: kernel, σ, number of features D, orthogonal, normalize, seed, trainable.
    training : TrainSpec
        The recipe: loss, ``lam`` (λ in ``λ ‖w‖²``;
        :meth:`~svmkit.contract.TrainSpec.from_C` for scikit-learn's C), epochs, batch size,
        optimizer, learning rate and its decay, shuffling seed.
    validation_data : (X_val, y_val) or None, default=None
        Raw inputs; evaluated after every epoch into ``"val_loss"`` and ``"val_accuracy"``.
    device : str, torch.device or None, default=None
        Where to featurize and train (``None``: the CPU; :func:`svmkit.torch.device` picks an
        accelerator).
    callbacks : iterable of objects, default=()
        With any of the :class:`~svmkit.torch.Callback` hooks; they see the whole returned model
        (``logs["model"]``), also when only its head is being trained.
    progress : bool, default=False
        tqdm progress bars over the featurisation chunks and the epochs.
    augment : callable or None, default=None
        ``augment(batch, generator) -> batch`` applied to every training batch of raw inputs,
        e.g. :class:`svmkit.augment.RandomShift` (it draws from the loop's generator, seeded by
        ``training.seed``). Validation data are never augmented.
    feature_budget : float, default=svmkit.contract.FEATURE_BUDGET
        Bytes of training features that may be stored (4 GiB); ``0`` always streams, ``math.inf``
        always stores (see :func:`svmkit.contract.stores_features`).

    Returns
    -------
    model : torch.nn.Sequential
        ``model[0]`` the :class:`~svmkit.torch.RandomFourierFeatures`, ``model[1]`` the
        :class:`~svmkit.torch.LinearSVM`, in eval mode: ``predict(model, X_test)`` works on raw
        inputs.
    history : dict of str to list of float
        Per-epoch ``"loss"`` (the objective, penalty included) and ``"accuracy"``, as from
        :func:`~svmkit.torch.fit`.

    Raises
    ------
    TypeError, ValueError
        For specs that are not a FeatureSpec and a TrainSpec, or malformed data (the message
        names the argument).

    Examples
    --------
    >>> import numpy as np
    >>> from svmkit.contract import FeatureSpec, TrainSpec
    >>> from svmkit.data import make_moons
    >>> from svmkit.torch import predict
    >>> X, y = make_moons(200, noise=0.1, seed=0)
    >>> features = FeatureSpec(sigma=0.5, output_dim=256, seed=0)
    >>> training = TrainSpec.from_C(1.0, len(X), epochs=30, lr=0.01, optimizer="adam", seed=0)
    >>> model, history = fit_rff_svm(X, y, features, training)
    >>> model[1]
    LinearSVM(in_features=256, out_features=1, bias=True)
    >>> history["accuracy"][-1] > 0.95
    True
    >>> float(np.mean(np.sign(predict(model, X).numpy()) == y)) > 0.95
    True
    """
    check_spec(features, "features", FeatureSpec)
    check_spec(training, "training", TrainSpec)
    rows = as_rows(X, "X")
    feature_map = RandomFourierFeatures(
        rows.shape[1], features.output_dim, kernel=features.kernel, sigma=features.sigma,
        trainable=features.trainable, orthogonal=features.orthogonal, seed=features.seed,
        normalize=features.normalize,
    )  # fmt: skip
    head = LinearSVM(features.output_dim, training.n_outputs(y))
    model = nn.Sequential(feature_map, head)
    arguments = {"device": device, "progress": progress, "validation_data": validation_data}
    if features.trainable:  # σ is learned: the whole model, end to end
        history = _loop.train(
            model, rows, y, training, callbacks=callbacks, augment=augment, **arguments
        )
        return model.eval(), history
    watchers = [ShowModel(callback, model) for callback in callbacks]
    if not stores_features(len(rows), features, feature_budget, augmented=augment is not None):
        # Augmented batches, or features too large to keep: computed on the fly, chunk by chunk.
        history = _loop.train(head, rows, y, training, callbacks=watchers, augment=augment,
                              feature_map=feature_map, **arguments)  # fmt: skip
        return model.eval(), history
    phi = featurize(feature_map, rows, device=device, progress=progress)
    if validation_data is not None:
        X_val, y_val = validation_pair(validation_data)
        phi_val = featurize(feature_map, as_rows(X_val, "X_val"), device=device)
        arguments["validation_data"] = (phi_val, y_val)
    history = _loop.train(head, phi, y, training, callbacks=watchers, **arguments)
    return model.eval(), history
