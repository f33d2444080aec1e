"""The learning rate decays once per *batch*: after k optimiser steps it is lr · decayᵏ.

With one batch per epoch, decaying per epoch and per batch look the same (issue 14); every test
here uses several batches per epoch and reads the rate each step actually used.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from svmkit.data import make_blobs  # noqa: E402
from svmkit.estimator import SVMClassifier  # noqa: E402
from svmkit.torch import LinearSVM, fit  # noqa: E402

pytestmark = pytest.mark.usefixtures("torch_single_thread")


class RecordingSGD(torch.optim.SGD):
    """SGD that records the learning rate of every step it takes."""

    rates: ClassVar[list[float]] = []

    def step(self, closure=None):
        RecordingSGD.rates.append(self.param_groups[0]["lr"])
        return super().step(closure)


@pytest.mark.parametrize(("n_samples", "batch_size", "epochs"), [(50, 16, 3), (40, 10, 2)])
def test_torch_fit_decays_the_rate_after_every_batch(n_samples, batch_size, epochs):
    X, y = make_blobs(n_samples, seed=0)
    RecordingSGD.rates = []
    fit(
        LinearSVM(2), X, y, loss="hinge", epochs=epochs, batch_size=batch_size, lr=0.1,
        lr_decay=0.9, optimizer=RecordingSGD, progress=False, seed=0,
    )  # fmt: skip
    steps = epochs * math.ceil(n_samples / batch_size)
    assert steps > epochs  # several batches per epoch
    expected = [0.1 * 0.9**k for k in range(steps)]
    np.testing.assert_allclose(RecordingSGD.rates, expected, rtol=1e-12)


def test_torch_fit_without_decay_keeps_the_rate():
    X, y = make_blobs(30, seed=0)
    RecordingSGD.rates = []
    fit(LinearSVM(2), X, y, loss="hinge", epochs=2, batch_size=8, lr=0.05, optimizer=RecordingSGD,
        progress=False, seed=0)  # fmt: skip
    assert RecordingSGD.rates == [0.05] * 8


def test_estimator_decays_from_learning_rate_to_one_percent_per_step(monkeypatch):
    """SVMClassifier (torch): step k uses lr · dᵏ with dˢ = 0.01 over all s steps."""
    rates = []
    adam_step = torch.optim.Adam.step

    def recording_step(self, *args, **kwargs):
        rates.append(self.param_groups[0]["lr"])
        return adam_step(self, *args, **kwargs)

    monkeypatch.setattr(torch.optim.Adam, "step", recording_step)
    X, y = make_blobs(100, seed=0)
    SVMClassifier(
        kernel="linear", max_epochs=3, batch_size=16, learning_rate=0.05, random_state=0
    ).fit(X, y)
    steps = 3 * math.ceil(100 / 16)  # 21 steps, 7 per epoch
    assert len(rates) == steps
    decay = 0.01 ** (1 / steps)
    np.testing.assert_allclose(rates, [0.05 * decay**k for k in range(steps)], rtol=1e-9)


def test_estimator_batch_larger_than_the_data_is_one_step_per_epoch(monkeypatch):
    rates = []
    adam_step = torch.optim.Adam.step

    def recording_step(self, *args, **kwargs):
        rates.append(self.param_groups[0]["lr"])
        return adam_step(self, *args, **kwargs)

    monkeypatch.setattr(torch.optim.Adam, "step", recording_step)
    X, y = make_blobs(20, seed=0)
    SVMClassifier(kernel="linear", max_epochs=4, batch_size=64, random_state=0).fit(X, y)
    np.testing.assert_allclose(rates, [0.05 * 0.01 ** (k / 4) for k in range(4)], rtol=1e-9)


def test_keras_estimator_ends_at_one_percent_after_every_step(monkeypatch):
    keras = pytest.importorskip("keras")
    created = []

    class RecordingAdam(keras.optimizers.Adam):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            created.append(self)

    monkeypatch.setattr(keras.optimizers, "Adam", RecordingAdam)
    X, y = make_blobs(100, seed=0)
    SVMClassifier(
        kernel="linear", backend="keras", max_epochs=3, batch_size=16, learning_rate=0.05,
        random_state=0,
    ).fit(X, y)  # fmt: skip
    (optimizer,) = created
    steps = 3 * math.ceil(100 / 16)
    assert int(optimizer.iterations) == steps
    # Keras evaluates the schedule at the current step: lr · dˢ = 1 % of the start.
    assert float(optimizer.learning_rate) == pytest.approx(0.05 * 0.01, rel=1e-4)
