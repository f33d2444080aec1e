"""The primal objective and the λ ↔ C conversion against scikit-learn's formulation."""

import numpy as np
import pytest
from sklearn.svm import LinearSVC

from svmkit.objective import C_from_lambda, lambda_from_C, primal_objective


def _blobs(n=200, seed=0):
    rng = np.random.default_rng(seed)
    y = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    X = rng.normal(size=(n, 2)) + 1.2 * y[:, None]
    return X, y


def test_objective_is_sklearn_primal_divided_by_C_n():
    X, y = _blobs()
    C = 0.3
    lam = lambda_from_C(C, len(X))
    rng = np.random.default_rng(1)
    for _ in range(5):
        w, b = rng.normal(size=2), rng.normal()
        sklearn_primal = 0.5 * w @ w + C * np.maximum(0, 1 - y * (X @ w + b)).sum()
        assert primal_objective(X, y, w, b, lam=lam) == pytest.approx(
            sklearn_primal / (C * len(X)), rel=1e-12
        )


def test_linearsvc_solution_is_a_minimiser_of_the_objective():
    X, y = _blobs()
    C = 0.5
    svc = LinearSVC(loss="hinge", C=C, intercept_scaling=10, tol=1e-8, max_iter=100_000).fit(X, y)
    lam = lambda_from_C(C, len(X))
    best = primal_objective(X, y, svc.coef_, svc.intercept_[0], lam=lam)
    rng = np.random.default_rng(2)
    for _ in range(20):  # small perturbations never do better (up to liblinear's tolerance)
        w = svc.coef_.ravel() + 1e-2 * rng.normal(size=2)
        assert primal_objective(X, y, w, svc.intercept_[0], lam=lam) >= best - 1e-6


def test_lambda_and_C_round_trip():
    assert C_from_lambda(lambda_from_C(2.5, 300), 300) == pytest.approx(2.5)
    assert lambda_from_C(1 / (2 * 0.01 * 1024), 1024) == pytest.approx(0.01)


def test_accepts_zero_one_labels_and_keras_shaped_weights():
    X, y = _blobs(50)
    w = np.array([[0.3], [-0.2]])  # Keras kernel shape (n_features, 1)
    assert primal_objective(X, (y + 1) / 2, w, np.array([0.1]), lam=0.01) == pytest.approx(
        primal_objective(X, y, w.ravel(), 0.1, lam=0.01)
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"w": [1.0, 2.0, 3.0]}, ValueError, "w"),
        ({"y": [1.0, -1.0]}, ValueError, "y"),
        ({"lam": -1.0}, ValueError, "lam"),
        ({"X": [[np.nan, 0.0]] * 4}, ValueError, "X"),
    ],
)
def test_bad_input_names_the_argument(kwargs, error, match):
    arguments = {
        "X": [[1.0, 0.0]] * 2 + [[-1.0, 0.0]] * 2,
        "y": [1, 1, -1, -1],
        "w": [1.0, 0.0],
        "b": 0.0,
        "lam": 0.1,
    }
    arguments.update(kwargs)
    with pytest.raises(error, match=match):
        primal_objective(
            arguments.pop("X"),
            arguments.pop("y"),
            arguments.pop("w"),
            arguments.pop("b"),
            lam=arguments.pop("lam"),
        )


@pytest.mark.parametrize("bad", [0.0, -1.0])
def test_conversions_reject_non_positive_values(bad):
    with pytest.raises(ValueError, match="C"):
        lambda_from_C(bad, 10)
    with pytest.raises(ValueError, match="lam"):
        C_from_lambda(bad, 10)


def test_lambda_zero_is_the_plain_mean_hinge():
    X, y = np.array([[1.0, 0.0], [-1.0, 0.5]]), np.array([1.0, -1.0])
    w = np.array([0.5, 2.0])
    hinge = np.maximum(0.0, 1.0 - y * (X @ w + 0.1)).mean()
    assert primal_objective(X, y, w, 0.1, lam=0.0) == hinge
    assert primal_objective(X, y, w, 0.1, lam=0.5) == hinge + 0.5 * (w @ w)


def test_float32_weights_are_scored_in_float64():
    """PyTorch and Keras hold float32 weights; the score must not inherit their rounding."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 8)).astype(np.float32)
    y = np.where(rng.normal(size=50) > 0, 1.0, -1.0)
    w = rng.normal(size=8).astype(np.float32)
    X64, w64 = X.astype(np.float64), w.astype(np.float64)
    reference = np.maximum(0.0, 1.0 - y * (X64 @ w64 - 0.25)).mean() + 1e-3 * (w64 @ w64)
    assert primal_objective(X, y, w, np.float32(-0.25), lam=1e-3) == pytest.approx(
        reference, rel=1e-14
    )
