"""svmkit.dual: the SMO dual solver agrees with scikit-learn's SVC and chapter 2's primal SGD."""

from __future__ import annotations

import os
import re
import warnings

import numpy as np
import pytest
from sklearn.svm import SVC

from svmkit.data import make_blobs, make_moons
from svmkit.dual import kkt_violations, solve_dual
from svmkit.kernels import gaussian_kernel, laplacian_kernel
from svmkit.objective import lambda_from_C, primal_objective

TOL = 1e-6  # stopping tolerance of both solvers

# (data, C, kernel, sigma): overlapping classes, so that there are margin and bound support vectors.
CASES = {
    "blobs-linear": (make_blobs(200, spread=2.5, seed=0), 1.0, "linear", None),
    "blobs-linear-small-C": (make_blobs(150, spread=2.5, seed=3), 0.05, "linear", None),
    "moons-linear": (make_moons(200, noise=0.2, seed=0), 1.0, "linear", None),
    "moons-rbf": (make_moons(200, noise=0.2, seed=0), 1.0, "rbf", 0.5),
    "moons-rbf-large-C": (make_moons(300, noise=0.2, seed=1), 10.0, "rbf", 0.5),
    "blobs-rbf": (make_blobs(200, spread=2.5, seed=0), 1.0, "rbf", 1.0),
}


def _svc(X, y, C, kernel, sigma):
    if kernel == "linear":
        return SVC(kernel="linear", C=C, tol=TOL).fit(X, y), X @ X.T
    gamma = 1.0 / (2.0 * sigma**2)
    return SVC(kernel="rbf", C=C, gamma=gamma, tol=TOL).fit(X, y), gaussian_kernel(X, sigma=sigma)


def _svc_alpha(svc, n):
    alpha = np.zeros(n)
    alpha[svc.support_] = np.abs(svc.dual_coef_[0])  # dual_coef_ holds α_i y_i
    return alpha


def _dual_objective(alpha, y, K):
    signed = alpha * y
    return alpha.sum() - 0.5 * signed @ K @ signed


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_solution_agrees_with_sklearn_svc(case):
    (X, y), C, kernel, sigma = CASES[case]
    X = X.astype(np.float64)
    ours = solve_dual(X, y, C=C, kernel=kernel, sigma=sigma, tol=TOL)
    svc, K = _svc(X, y, C, kernel, sigma)
    svc_alpha = _svc_alpha(svc, len(X))

    assert ours.converged
    theirs = _dual_objective(svc_alpha, y, K)
    assert abs(ours.dual_objective - theirs) <= 1e-4 * abs(theirs), (ours.dual_objective, theirs)
    # Our reported objective is the dual objective of our α, computed independently here.
    assert np.isclose(ours.dual_objective, _dual_objective(ours.alpha, y, K), rtol=1e-12)
    threshold = 1e-6 * C
    assert set(np.flatnonzero(ours.alpha > threshold)) == set(np.flatnonzero(svc_alpha > threshold))
    assert abs(ours.bias - svc.intercept_[0]) <= 1e-3
    assert np.abs(ours.decision_function(X) - svc.decision_function(X)).max() < 1e-3
    if kernel == "linear":
        np.testing.assert_allclose(ours.weight, svc.coef_[0], atol=1e-3)


@pytest.mark.parametrize("case", ["blobs-linear", "moons-rbf-large-C"])
def test_kkt_conditions_hold_at_the_solution(case):
    (X, y), C, kernel, sigma = CASES[case]
    solution = solve_dual(X, y, C=C, kernel=kernel, sigma=sigma, tol=TOL)
    alpha, z = solution.alpha, solution.decision_function(X)
    functional_margin = y * z
    # Dual feasibility and the equality constraint.
    assert (alpha >= 0).all() and (alpha <= C).all()
    assert abs(alpha @ y) < 1e-9 * C * len(y)
    # The three cases, written out from the definitions.
    free = (alpha > 0) & (alpha < C)
    assert free.any() and (alpha == C).any() and (alpha == 0).any()
    assert np.abs(functional_margin[free] - 1).max() < 10 * TOL
    assert (functional_margin[alpha == 0] >= 1 - 10 * TOL).all()
    assert (functional_margin[alpha == C] <= 1 + 10 * TOL).all()
    assert np.array_equal(solution.margin_support, free)
    assert np.array_equal(solution.bound_support, alpha == C)
    assert kkt_violations(alpha, y, z, C=C).max() < 10 * TOL


def test_kkt_violations_detect_a_non_optimal_alpha():
    (X, y), C, _, _ = CASES["blobs-linear"]
    solution = solve_dual(X, y, C=C, tol=TOL)
    # Move half the weight of a margin support vector to a non-support vector of the same class:
    # Σ α y stays 0 and the box holds, but α is no longer optimal, and the KKT conditions must
    # say so.
    alpha = solution.alpha.copy()
    i = np.flatnonzero(solution.margin_support & (y > 0))[0]
    j = np.flatnonzero(~solution.support & (y > 0))[0]
    shift = 0.5 * alpha[i]
    alpha[i] -= shift
    alpha[j] += shift
    signed = alpha * y
    z_without_bias = (X.astype(np.float64) @ X.astype(np.float64).T) @ signed
    z = z_without_bias + solution.bias
    assert kkt_violations(alpha, y, z, C=C).max() > 1e-3


def test_kkt_violations_by_case():
    alpha = [0.0, 0.0, 0.5, 0.5, 1.0, 1.0]
    y = [1, -1, 1, -1, 1, -1]
    z = [2.0, -0.5, 1.1, -1.0, -3.0, 1.5]
    # m = y z: 2 (fine), 0.5 (needs ≥ 1), 1.1 (needs = 1), 1 (fine), −3 (fine), −1.5 (fine).
    np.testing.assert_allclose(kkt_violations(alpha, y, z, C=1.0), [0, 0.5, 0.1, 0, 0, 0])


def test_weight_from_alpha_matches_chapter_2s_pytorch_sgd():
    """w = Σ α_i y_i x_i equals the primal SGD solution of chapter 2 (λ = 1/(2Cn)).

    Measured on a 2-core CPU: max |Δw| = 1.5e-3, |Δb| < 1e-4; we assert 5e-3 (mini-batch noise).
    """
    torch = pytest.importorskip("torch")
    from svmkit.torch import LinearSVM, fit

    X, y = make_blobs(n_samples=1024, spread=1.2, seed=1)
    lam = 0.01
    C = 1.0 / (2.0 * lam * len(X))
    assert np.isclose(lambda_from_C(C, len(X)), lam)
    dual = solve_dual(X, y, C=C, tol=TOL)
    torch.manual_seed(0)
    model = LinearSVM(2)
    fit(
        model,
        X,
        y,
        loss="hinge",
        epochs=50,
        batch_size=32,
        lr=0.1,
        lr_decay=0.999,
        weight_decay=lam,
        seed=0,
        progress=False,
    )
    w_sgd = model.weight.detach().numpy()[0].astype(np.float64)
    b_sgd = float(model.bias.detach()[0])
    assert np.abs(dual.weight - w_sgd).max() < 5e-3, (dual.weight, w_sgd)
    assert abs(dual.bias - b_sgd) < 5e-3, (dual.bias, b_sgd)
    # Strong duality: min J = max D / (C n), and SGD cannot beat the exact optimum.
    j_dual = primal_objective(X, y, dual.weight, dual.bias, lam=lam)
    assert abs(j_dual - dual.dual_objective / (C * len(X))) < 1e-6
    assert primal_objective(X, y, w_sgd, b_sgd, lam=lam) >= j_dual - 1e-9


def test_hard_margin_alpha_sums_to_the_squared_norm_of_w():
    X, y = make_blobs(40, spread=1.2, seed=1)
    solution = solve_dual(X, y, C=1e4, tol=1e-8)
    assert not solution.bound_support.any()  # separable: no point pays slack
    assert np.isclose(solution.alpha.sum(), solution.weight @ solution.weight, rtol=1e-6)


def test_labels_0_1_callable_kernel_and_laplacian():
    (X, y), C, _, _ = CASES["moons-rbf"]
    reference = solve_dual(X, y, C=C, kernel="rbf", sigma=0.5, tol=TOL)
    zero_one = solve_dual(X, (y > 0).astype(int), C=C, kernel="rbf", sigma=0.5, tol=TOL)
    np.testing.assert_array_equal(zero_one.alpha, reference.alpha)
    custom = solve_dual(X, y, C=C, kernel=lambda A, B: gaussian_kernel(A, B, sigma=0.5), tol=TOL)
    np.testing.assert_allclose(custom.alpha, reference.alpha, atol=1e-12)
    with pytest.raises(AttributeError, match="linear"):
        _ = reference.weight
    # The Laplacian kernel, against SVC on the same precomputed kernel matrix.
    X = X.astype(np.float64)
    ours = solve_dual(X, y, C=C, kernel="laplacian", sigma=0.7, tol=TOL)
    K = laplacian_kernel(X, sigma=0.7)
    svc = SVC(kernel="precomputed", C=C, tol=TOL).fit(K, y)
    assert abs(ours.bias - svc.intercept_[0]) <= 1e-3
    assert np.isclose(
        ours.dual_objective, _dual_objective(_svc_alpha(svc, len(X)), y, K), rtol=1e-4
    )


def test_default_sigma_is_sklearns_gamma_scale():
    (X, y), C, _, _ = CASES["moons-rbf"]
    X = X.astype(np.float64) * 3.0  # not unit variance, so "scale" matters
    ours = solve_dual(X, y, C=C, kernel="rbf", tol=TOL)
    svc = SVC(kernel="rbf", C=C, gamma="scale", tol=TOL).fit(X, y)
    assert abs(ours.bias - svc.intercept_[0]) <= 1e-3
    assert np.abs(ours.decision_function(X) - svc.decision_function(X)).max() < 1e-3


def test_max_iter_reached_warns_and_reports_not_converged():
    (X, y), C, _, _ = CASES["blobs-linear"]
    with pytest.warns(RuntimeWarning, match="max_iter"):
        solution = solve_dual(X, y, C=C, tol=TOL, max_iter=5)
    assert not solution.converged and solution.n_iter == 5 and solution.max_violation >= TOL


X_OK = [[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]]
Y_OK = [1, -1, 1]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(C=0.0), ValueError, "C must be"),
        (dict(C="1"), TypeError, "C must be"),
        (dict(tol=-1e-3), ValueError, "tol must be"),
        (dict(max_iter=0), ValueError, "max_iter"),
        (dict(max_iter=2.5), TypeError, "max_iter"),
        (dict(kernel="poly"), ValueError, "kernel must be one of"),
        (dict(kernel="rbf", sigma=-1.0), ValueError, "sigma must be"),
        (dict(kernel=lambda A, B: np.ones((len(A), 2))), ValueError, "kernel must return"),
        (dict(kernel=lambda A, B: np.triu(A @ B.T + 1.0)), ValueError, "symmetric"),
        (dict(kernel=lambda A, B: np.full((len(A), len(B)), np.nan)), ValueError, "NaN"),
    ],
)
def test_bad_arguments_raise_errors_naming_them(kwargs, error, match):
    with pytest.raises(error, match=match):
        solve_dual(X_OK, Y_OK, **kwargs)


@pytest.mark.parametrize(
    ("X", "y", "match"),
    [
        (X_OK, [1, 2, 3], "y must hold two classes"),
        (X_OK, [1, 1, 1], "single class"),
        (X_OK, [1, -1], "y has 2 labels"),
        ([[0.0, float("nan")], [1.0, 0.0]], [1, -1], "X contains NaN"),
        ([1.0, 2.0], [1, -1], "X must be 2-dimensional"),
    ],
)
def test_bad_data_raise_value_errors(X, y, match):
    with pytest.raises(ValueError, match=match):
        solve_dual(X, y)


def test_decision_function_and_kkt_violations_check_their_inputs():
    solution = solve_dual(X_OK, Y_OK)
    with pytest.raises(ValueError, match="X has 3 features"):
        solution.decision_function([[0.0, 1.0, 2.0]])
    with pytest.raises(ValueError, match="same length"):
        kkt_violations([0.0, 1.0], [1, -1, 1], [0.0, 1.0, 2.0], C=1.0)
    with pytest.raises(ValueError, match=r"alpha must lie in \[0, C\]"):
        kkt_violations([0.0, 2.0], [1, -1], [0.0, 1.0], C=1.0)


# ------------------------------------------------------------------ issue 14: mutation survivors


def _reference_pair(alpha, y, gradient, K, C):
    """Fan, Chen and Lin's (2005) second-order working-set selection, written out with loops."""
    n = len(y)
    score = [-y[t] * gradient[t] for t in range(n)]
    up = [t for t in range(n) if (alpha[t] < C if y[t] > 0 else alpha[t] > 0)]
    low = [t for t in range(n) if (alpha[t] > 0 if y[t] > 0 else alpha[t] < C)]
    i = max(up, key=lambda t: score[t])
    violation = score[i] - min(score[t] for t in low)
    best, best_gain = None, np.inf
    for t in low:
        b = score[i] - score[t]
        if b <= 0:
            continue
        a = K[i, i] + K[t, t] - 2.0 * K[i, t]
        gain = -(b * b) / (a if a > 0 else 1e-12)  # LIBSVM's TAU for a flat pair
        if gain < best_gain:
            best, best_gain = t, gain
    return i, best, violation


@pytest.mark.parametrize("seed", range(6))
def test_working_set_selection_is_libsvms_second_order_rule(seed):
    from svmkit.dual import _select_pair

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(12, 2))
    X[3] = X[7]  # two identical points: a flat pair (a = 0)
    y = np.where(rng.normal(size=12) > 0, 1.0, -1.0)
    C = 1.0
    alpha = np.clip(rng.uniform(-0.5, 1.5, size=12), 0.0, C)  # some at 0, some at C
    K = gaussian_kernel(X, sigma=1.5) if seed % 2 else X @ X.T
    gradient = (y[:, None] * y[None, :] * K) @ alpha - 1.0
    with np.errstate(all="raise"):
        i, j, violation = _select_pair(alpha, y, gradient, K, C)
    expected_i, expected_j, expected_violation = _reference_pair(alpha, y, gradient, K, C)
    assert (i, j) == (expected_i, expected_j)
    assert violation == pytest.approx(expected_violation, rel=1e-12)


def test_flat_pair_gets_the_largest_gain():
    """A pair of identical points (a = 0) steps to the box boundary: it is chosen first."""
    from svmkit.dual import _select_pair

    y = np.array([1.0, 1.0, -1.0])
    K = np.array([[1.0, 1.0, 0.2], [1.0, 1.0, 0.2], [0.2, 0.2, 1.0]])
    alpha = np.array([0.0, 0.5, 0.5])
    gradient = np.array([-2.0, 0.5, 0.1])
    with np.errstate(all="raise"):
        i, j, _ = _select_pair(alpha, y, gradient, K, 1.0)
    assert (i, j) == (0, 1)


def test_bound_support_vectors_violate_by_their_excess_margin():
    # α = C needs m ≤ 1: m = 1.5 violates by 0.5, m = 2.5 by 1.5; α = 0 needs m ≥ 1.
    violations = kkt_violations([1.0, 1.0, 0.0], [1, -1, 1], [1.5, -2.5, 0.25], C=1.0)
    np.testing.assert_allclose(violations, [0.5, 1.5, 0.75])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ([[0.0, 1.0]], [1, -1], [0.0, 1.0]),
            "alpha must be 1-dimensional (n_samples,), got 2 dimension(s) with shape (1, 2)",
        ),
        (
            ([0.0, 1.0], [1, -1], [[0.0, 1.0]]),
            "z must be 1-dimensional (n_samples,), got 2 dimension(s) with shape (1, 2)",
        ),
        (
            ([0.0, 1.0], [1, 2], [0.0, 1.0]),
            "y must hold two classes labelled {-1, +1} or {0, 1}, got values [1, 2]",
        ),
        (([0.0, 1.0], [1, -1], [0.0, np.nan]), "z contains NaN or infinity"),
        (([0.0, np.inf], [1, -1], [0.0, 1.0]), "alpha contains NaN or infinity"),
        (([0.0, 2.0], [1, -1], [0.0, 1.0]), "alpha must lie in [0, C] = [0, 1.5]"),
        (
            ([0.0], [1, -1], [0.0, 1.0]),
            "alpha, y and z must have the same length, got (1,), (2,), (2,)",
        ),
    ],
)
def test_kkt_violations_messages_name_the_argument(arguments, message):
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        kkt_violations(*arguments, C=1.5)


def test_decision_function_messages_and_dtypes():
    solution = solve_dual(X_OK, Y_OK)
    with pytest.raises(ValueError, match=r"^X must be 2-dimensional \(n_samples, n_features\)"):
        solution.decision_function([0.0, 1.0])
    z32 = solution.decision_function(np.asarray(X_OK, dtype=np.float32))
    assert z32.dtype == np.float64
    np.testing.assert_allclose(z32, solution.decision_function(X_OK), rtol=1e-6)
    kkt = kkt_violations(np.zeros(2, np.float32), [1, -1], np.ones(2, np.float32), C=1.0)
    assert kkt.dtype == np.float64


def test_bias_without_margin_support_vectors_is_libsvms_midpoint():
    """Tiny C puts every support vector at the bound; b is then the middle of its feasible range."""
    X, y = make_blobs(60, spread=6.0, seed=2)
    for C in (1e-3, 1e-2):
        solution = solve_dual(X, y, C=C, tol=1e-8)
        assert not solution.margin_support.any()
        svc = SVC(kernel="linear", C=C, tol=1e-8).fit(X, y)
        assert solution.bias == pytest.approx(svc.intercept_[0], rel=1e-6)


def test_default_length_scale_is_sklearns_gamma_scale_even_for_small_or_constant_data():
    from svmkit.dual import _kernel_function

    X = 0.1 * np.random.default_rng(0).normal(size=(20, 3))  # variance well below 1
    gaussian = _kernel_function("rbf", None, X)[0]  # a functools.partial
    assert gaussian.keywords["sigma"] == pytest.approx(np.sqrt(3 * X.var() / 2), rel=1e-12)
    constant = _kernel_function("rbf", None, np.ones((4, 2)))[0]
    assert constant.keywords["sigma"] == 1.0


def test_kernel_matrix_is_float64_symmetric_and_finite():
    from svmkit.dual import _kernel_matrix

    X = 0.01 * np.random.default_rng(0).normal(size=(5, 2))
    K = _kernel_matrix(lambda A, B: (A @ B.T).astype(np.float32), X)
    assert K.dtype == np.float64

    def skewed(A, B):
        K = A @ B.T
        K[0, 1] += 1e-10  # tiny entries (~1e-4): 1e-10 is far above rtol 1e-10 · |K|
        return K

    with pytest.raises(
        ValueError, match=r"^kernel must be symmetric: k\(x_i, x_j\) = k\(x_j, x_i\)$"
    ):
        _kernel_matrix(skewed, X)
    with pytest.raises(ValueError, match=r"^kernel returned NaN or infinity$"):
        _kernel_matrix(lambda A, B: np.full((len(A), len(B)), np.nan), X)


def test_documented_defaults_of_solve_dual():
    X, y = make_blobs(80, spread=2.5, seed=1)
    default = solve_dual(X, y)
    explicit = solve_dual(X, y, C=1.0, kernel="linear", tol=1e-3)
    np.testing.assert_array_equal(default.alpha, explicit.alpha)
    assert default.n_iter == explicit.n_iter and default.max_violation <= 1e-3
    assert not np.array_equal(default.alpha, solve_dual(X, y, C=2.0).alpha)


def test_kernel_symmetry_tolerance_is_relative_1e10_plus_absolute_1e12():
    from svmkit.dual import _kernel_matrix

    X = np.random.default_rng(0).normal(size=(5, 2))  # entries of order 1

    def skewed(A, B):
        K = A @ B.T
        K[0, 1] += 1e-7  # far above 1e-10 · |K|, far below scikit-learn's default rtol 1e-5
        return K

    with pytest.raises(ValueError, match=r"^kernel must be symmetric"):
        _kernel_matrix(skewed, X)


def _reference_bias(alpha, y, z_without_bias, C):
    """LIBSVM's rho when no multiplier is free: the middle of [max lower, min upper] bounds."""
    lower, upper = -np.inf, np.inf
    for a, label, z in zip(alpha, y, z_without_bias, strict=True):
        candidate = label - z  # the b that puts this point exactly on its margin
        # α = 0 needs y(z + b) ≥ 1; α = C needs y(z + b) ≤ 1.
        if (a == 0) == (label > 0):
            lower = max(lower, candidate)
        else:
            upper = min(upper, candidate)
    return (lower + upper) / 2


@pytest.mark.parametrize("seed", range(4))
def test_bias_rule_at_the_bounds_by_hand(seed):
    from svmkit.dual import _solution

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(10, 2))
    y = np.array([1.0, -1.0] * 5)
    C = 0.5
    alpha = np.where(rng.random(10) < 0.5, 0.0, C)  # no free multiplier
    alpha[:2], alpha[2:4] = 0.0, C  # both bounds for both classes
    K = X @ X.T
    solution = _solution(alpha, y, X, K, C, None, "linear", 0.0, 0, True)
    expected = _reference_bias(alpha, y, K @ (alpha * y), C)
    assert solution.bias == pytest.approx(expected, rel=1e-12)
    assert solution.C == C


def mutmut_trampoline_file() -> str:
    """The file of mutmut's trampoline: it calls every mutated function under mutation testing."""
    from mutmut.mutation import trampoline

    return trampoline.__file__


def test_max_iter_counts_the_steps_taken():
    X, y = make_blobs(40, spread=2.5, seed=0)
    with pytest.warns(RuntimeWarning, match="max_iter=1 ") as record:
        one = solve_dual(X, y, max_iter=1)
    # The warning points at the caller's line, never inside svmkit (under `make mutation`,
    # mutmut's trampoline is the caller of every mutated function).
    assert record[0].filename == (__file__ if "MUTANT_UNDER_TEST" not in os.environ
                                  else mutmut_trampoline_file())  # fmt: skip
    assert one.n_iter == 1 and not one.converged
    assert np.count_nonzero(one.alpha) == 2  # one pair moved
    with pytest.warns(RuntimeWarning, match="max_iter=3 "):
        assert solve_dual(X, y, max_iter=3).n_iter == 3


def test_duplicate_points_step_without_dividing_by_zero():
    """A point repeated with the other label gives a flat pair (curvature 0): LIBSVM's TAU."""
    X, y = make_blobs(30, spread=2.5, seed=0)
    X = np.concatenate([X, X[:6]])
    y = np.concatenate([y, -y[:6]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        solution = solve_dual(X, y, C=1.0, tol=1e-8)
    svc = SVC(kernel="linear", C=1.0, tol=1e-8).fit(X, y)
    assert solution.bias == pytest.approx(svc.intercept_[0], abs=1e-5)


def test_bias_rule_uses_each_point_on_its_own_side():
    """Four points, no free α: b = (max lower bound + min upper bound) / 2 = (1 + (−1)) / 2."""
    from svmkit.dual import _solution

    X = np.array([[1.0], [-1.0], [3.0], [-3.0]])
    y = np.array([1.0, -1.0, 1.0, -1.0])
    alpha = np.array([1.0, 1.0, 0.0, 0.0])  # C = 1: two at the bound, two at zero
    # w = 2, so z = 2x: b ≥ −1 − z = 1 (x = −1 at C), b ≤ 1 − z = −1 (x = 1 at C),
    # b ≥ 1 − z = −5 (x = 3 at 0), b ≤ −1 − z = 5 (x = −3 at 0)
    solution = _solution(alpha, y, X, X @ X.T, 1.0, None, "linear", 0.0, 0, True)
    assert solution.bias == 0.0
