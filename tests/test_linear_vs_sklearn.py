"""A hinge-loss LinearSVM trained by svmkit.torch.fit matches scikit-learn's LinearSVC.

Both minimise the same primal: LinearSVC(loss="hinge", C) minimises ½‖w‖² + C Σ_i hinge_i, which
divided by C n is mean_i hinge_i + λ‖w‖² with λ = 1 / (2 C n) — our objective. LinearSVC also
penalises the intercept (as an extra feature of value ``intercept_scaling``); a scaling of 10 makes
that penalty negligible while liblinear still converges (1e3 makes its dual badly conditioned and
it stops early).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
sklearn_svm = pytest.importorskip("sklearn.svm")

from sklearn.datasets import make_blobs  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from svmkit.torch import LinearSVM, fit, predict  # noqa: E402

DEVICES = ["cpu", pytest.param("cuda", marks=pytest.mark.gpu)]

pytestmark = pytest.mark.usefixtures("torch_single_thread")


def _overlapping_blobs(seed: int):
    X, labels = make_blobs(
        n_samples=500, centers=[[-1.0, -1.0], [1.0, 1.0]], cluster_std=1.3, random_state=seed
    )
    X = StandardScaler().fit_transform(X).astype(np.float32)
    return X, np.where(labels == 1, 1.0, -1.0)


def _objective(X, y, w, b, lam):
    return np.maximum(0.0, 1.0 - y * (X @ w + b)).mean() + lam * (w @ w)


@pytest.mark.parametrize("device_name", DEVICES)
@pytest.mark.parametrize(
    ("seed", "C", "settings"),
    [
        # Full-batch subgradient descent with a geometrically decaying step: deterministic, and
        # within 1e-5 of the optimal objective after 1000 steps on ten data sets we tried.
        (0, 1.0, {"optimizer": "sgd", "lr": 1.0, "batch_size": None, "epochs": 1000,
                  "lr_decay": 0.995}),
        # Mini-batch Adam with shuffling, a smaller C (stronger regularisation).
        (1, 0.1, {"optimizer": "adam", "lr": 0.05, "batch_size": 100, "epochs": 150,
                  "lr_decay": 0.993}),
    ],
)  # fmt: skip
def test_linear_svm_matches_linear_svc(device_name, seed, C, settings):
    if device_name == "cuda" and not torch.cuda.is_available():
        pytest.skip("CUDA is not available")
    X, y = _overlapping_blobs(seed)
    n = len(X)
    lam = 1.0 / (2.0 * C * n)

    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # the reference must have converged
        reference = sklearn_svm.LinearSVC(
            loss="hinge", C=C, intercept_scaling=10.0, max_iter=100_000, tol=1e-6
        ).fit(X, y)
    z_reference = reference.decision_function(X)

    model = LinearSVM(2)
    fit(model, X, y, loss="hinge", weight_decay=lam, device=device_name, progress=False, seed=0,
        **settings)  # fmt: skip
    z = predict(model, X).numpy().astype(np.float64)

    accuracy = np.mean(np.sign(z) == y)
    accuracy_reference = np.mean(np.sign(z_reference) == y)
    assert abs(accuracy - accuracy_reference) <= 0.005
    assert np.corrcoef(z, z_reference)[0, 1] > 0.99

    # Same minimiser: the objectives agree to a small fraction of their value. (w itself can differ
    # by a few percent: the hinge objective is flat along the kinks near its minimum.)
    w = model.weight.detach().cpu().numpy()[0].astype(np.float64)
    b = float(model.bias.detach().cpu()[0])
    ours = _objective(X, y, w, b, lam)
    theirs = _objective(X, y, reference.coef_[0], reference.intercept_[0], lam)
    assert ours <= theirs * 1.002, (ours, theirs)
