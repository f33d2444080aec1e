"""Stronger versions of three assertions of tests/test_torch_train.py that could hardly fail.

- ``device().type in {"cuda", "mps", "cpu"}`` holds for any device; here the choice must follow
  the documented order (CUDA, then MPS, then CPU).
- ``isfinite`` on the scores of a zero-initialised head holds for zeros; here a head with known
  weights must give ``φ(x)·w + b`` from the numpy reference map.
- A progress bar "containing the word epoch" would pass with a frozen bar; here it must reach the
  last epoch and show the final loss and accuracy of the history.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from svmkit.data import make_blobs  # noqa: E402
from svmkit.kernels import random_fourier_features  # noqa: E402
from svmkit.torch import LinearSVM, device, fit, predict, rff_svm  # noqa: E402

pytestmark = pytest.mark.usefixtures("torch_single_thread")


def test_device_follows_cuda_then_mps_then_cpu(monkeypatch):
    mps = torch.backends.mps
    expected = "cuda" if torch.cuda.is_available() else "mps" if mps.is_available() else "cpu"
    assert device() == torch.device(expected)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(mps, "is_available", lambda: True)
    assert device() == torch.device("mps")
    monkeypatch.setattr(mps, "is_available", lambda: False)
    assert device() == torch.device("cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert device() == torch.device("cuda")
    assert device("cpu") == torch.device("cpu")  # an explicit choice wins


def test_predict_gives_the_reference_scores_of_a_trained_head():
    model = rff_svm(3, n_classes=2, output_dim=16, sigma=1.5, seed=0)
    features, head = model[0], model[1]
    rng = np.random.default_rng(0)
    w, b = rng.normal(size=16), 0.25
    with torch.no_grad():
        head.weight.copy_(torch.from_numpy(w[None, :]))
        head.bias.fill_(b)
    X = rng.normal(size=(7, 3))
    phi = random_fourier_features(
        X, features.omega.double().numpy(), features.beta.double().numpy(), 1.5
    )
    scores = predict(model, X, batch_size=3)
    assert scores.shape == (7,)
    np.testing.assert_allclose(scores.numpy(), phi @ w + b, rtol=1e-4, atol=1e-5)
    assert np.abs(phi @ w + b).min() > 1e-3  # not the zeros an untrained head gives


def test_progress_bar_reaches_the_last_epoch_with_the_final_metrics(capsys):
    X, y = make_blobs(20, seed=0)
    history = fit(LinearSVM(2), X, y, loss="hinge", epochs=3, progress=True, seed=0)
    captured = capsys.readouterr()
    shown = captured.err + captured.out
    final = shown.replace("\r", "\n").strip().splitlines()[-1]
    assert re.search(r"\b3/3\b", final), final
    assert f"loss={history['loss'][-1]:.4f}" in final
    assert f"accuracy={history['accuracy'][-1]:.4f}" in final
    fit(LinearSVM(2), X, y, loss="hinge", epochs=3, progress=False, seed=0)
    silent = capsys.readouterr()
    assert silent.err == silent.out == ""
