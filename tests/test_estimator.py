"""SVMClassifier: scikit-learn compatibility, accuracy against SVC/LinearSVC, both backends."""

from __future__ import annotations

import io
import pickle
import subprocess
import sys

import numpy as np
import pytest
from sklearn.model_selection import train_test_split
from sklearn.svm import SVC, LinearSVC
from sklearn.utils.estimator_checks import parametrize_with_checks

from svmkit import data
from svmkit.estimator import SVMClassifier

torch = pytest.importorskip("torch")

# Small settings keep the ~55 scikit-learn checks to a few seconds; every check passes, so no
# expected failures are declared.
FAST = {"max_epochs": 10, "n_components": 128, "random_state": 0}

pytestmark = pytest.mark.usefixtures("torch_single_thread")


@parametrize_with_checks([SVMClassifier(**FAST), SVMClassifier(kernel="linear", **FAST)])
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def moons():
    X, y = data.make_moons(600, noise=0.25, seed=0)
    return train_test_split(X, y, test_size=0.5, random_state=0)


@pytest.fixture(scope="module")
def torch_rbf(moons):
    X_train, _, y_train, _ = moons
    return SVMClassifier(kernel="rbf", random_state=0).fit(X_train, y_train)


def test_rbf_matches_svc_accuracy(moons, torch_rbf):
    X_train, X_test, y_train, y_test = moons
    reference = SVC(kernel="rbf", C=1.0, gamma="scale").fit(X_train, y_train).score(X_test, y_test)
    assert torch_rbf.score(X_test, y_test) == pytest.approx(reference, abs=0.01)
    assert reference > 0.85  # a genuinely non-linear problem


@pytest.mark.parametrize(("loss", "sklearn_loss"), [("hinge", "hinge"), ("squared_hinge", None)])
def test_linear_matches_linear_svc_accuracy(loss, sklearn_loss):
    X, y = data.make_blobs(600, spread=3.0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5, random_state=0)
    kwargs = {"loss": sklearn_loss} if sklearn_loss else {}
    # A large intercept_scaling makes liblinear's (penalised) intercept effectively free, as ours.
    reference = LinearSVC(C=1.0, intercept_scaling=10.0, max_iter=100_000, **kwargs)
    expected = reference.fit(X_train, y_train).score(X_test, y_test)
    model = SVMClassifier(kernel="linear", loss=loss, random_state=0).fit(X_train, y_train)
    assert model.score(X_test, y_test) == pytest.approx(expected, abs=0.01)


def test_keras_backend_agrees_with_torch(moons):
    pytest.importorskip("keras")
    X_train, X_test, y_train, y_test = moons
    # Full-batch training: no shuffling order to differ, and few epochs (Keras' per-epoch
    # overhead dominates on a problem this small).
    settings = {"max_epochs": 60, "batch_size": 300, "learning_rate": 0.1, "random_state": 0}
    torch_model = SVMClassifier(backend="torch", **settings).fit(X_train, y_train)
    keras_model = SVMClassifier(backend="keras", **settings).fit(X_train, y_train)
    # Same seed → the same random features in both frameworks.
    np.testing.assert_allclose(keras_model.random_weights_, torch_model.random_weights_, rtol=1e-6)
    np.testing.assert_allclose(keras_model.random_offset_, torch_model.random_offset_, rtol=1e-6)
    # Same objective, same optimiser and schedule: nearly the same decision function (Adam's
    # epsilon differs slightly between the frameworks).
    z_keras = keras_model.decision_function(X_test)
    z_torch = torch_model.decision_function(X_test)
    assert np.abs(z_keras - z_torch).max() < 0.1
    assert np.mean(np.sign(z_keras) == np.sign(z_torch)) >= 0.98
    assert keras_model.score(X_test, y_test) == pytest.approx(
        torch_model.score(X_test, y_test), abs=0.01
    )


def test_pickle_round_trip_gives_identical_predictions(moons, torch_rbf):
    X_test = moons[1]
    modules = set()

    class RecordingUnpickler(pickle.Unpickler):
        def find_class(self, module, name):
            modules.add(module.partition(".")[0])
            return super().find_class(module, name)

    restored = RecordingUnpickler(io.BytesIO(pickle.dumps(torch_rbf))).load()
    # A fitted model is plain NumPy: loading it needs no deep-learning framework.
    assert modules <= {"svmkit", "numpy", "builtins", "copyreg", "_codecs"}, modules
    np.testing.assert_array_equal(
        restored.decision_function(X_test), torch_rbf.decision_function(X_test)
    )
    np.testing.assert_array_equal(restored.predict(X_test), torch_rbf.predict(X_test))


def test_binary_labels_of_any_two_values():
    X, y = data.make_circles(300, seed=1)
    names = np.where(y > 0, "inner", "outer")
    model = SVMClassifier(C=10.0, random_state=0).fit(X, names)
    assert model.classes_.tolist() == ["inner", "outer"]
    z = model.decision_function(X)
    assert z.shape == (300,)
    # classes_[1] is the positive side, as in scikit-learn.
    np.testing.assert_array_equal(model.predict(X), np.where(z > 0, "outer", "inner"))
    assert model.score(X, names) > 0.95


def test_multiclass_one_vs_rest():
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    model = SVMClassifier(random_state=0).fit(X, y + 10)
    scores = model.decision_function(X)
    assert scores.shape == (150, 3) and model.coef_.shape == (3, 1024)
    np.testing.assert_array_equal(model.predict(X), model.classes_[scores.argmax(axis=1)])
    assert model.score(X, y + 10) > 0.93


@pytest.mark.parametrize(("kernel", "gamma", "sigma"), [("rbf", 0.5, 1.0), ("laplacian", 0.5, 2.0)])
def test_gamma_sets_the_kernel_of_the_random_features(kernel, gamma, sigma):
    from sklearn.metrics.pairwise import laplacian_kernel, rbf_kernel

    X = np.random.default_rng(0).normal(size=(40, 3))
    y = np.arange(40) % 2
    model = SVMClassifier(kernel=kernel, gamma=gamma, n_components=20000, max_epochs=1)
    model.fit(X, y)
    assert model.sigma_ == pytest.approx(sigma)
    phi = model._features(X)
    exact = (rbf_kernel if kernel == "rbf" else laplacian_kernel)(X, gamma=gamma)
    assert np.abs(phi @ phi.T - exact).mean() < 0.02


def test_gamma_scale_and_auto_follow_svc():
    X = np.random.default_rng(1).normal(scale=3.0, size=(50, 4))
    y = np.arange(50) % 2
    scale = SVMClassifier(max_epochs=1, n_components=8).fit(X, y)
    assert scale.gamma_ == pytest.approx(1 / (4 * X.var()))
    assert SVMClassifier(gamma="auto", max_epochs=1, n_components=8).fit(X, y).gamma_ == 0.25
    linear = SVMClassifier(kernel="linear", max_epochs=1).fit(X, y)
    assert linear.gamma_ is None and linear.coef_.shape == (1, 4)


def test_same_random_state_same_model_and_no_global_side_effects(moons):
    X_train, X_test, y_train, _ = moons
    state = np.random.get_state()[1].copy()  # noqa: NPY002 - the legacy global stream
    first = SVMClassifier(random_state=3, max_epochs=5).fit(X_train, y_train)
    second = SVMClassifier(random_state=3, max_epochs=5).fit(X_train, y_train)
    np.testing.assert_array_equal(first.decision_function(X_test), second.decision_function(X_test))
    np.testing.assert_array_equal(np.random.get_state()[1], state)  # noqa: NPY002


def test_laplacian_and_orthogonal_variants_learn_moons(moons):
    X_train, X_test, y_train, y_test = moons
    for params in ({"kernel": "laplacian"}, {"kernel": "rbf", "orthogonal": True}):
        model = SVMClassifier(random_state=0, max_epochs=30, **params).fit(X_train, y_train)
        assert model.score(X_test, y_test) > 0.85, params


X_OK, Y_OK = data.make_moons(20, seed=0)


@pytest.mark.parametrize(
    ("params", "error", "argument"),
    [
        ({"C": 0}, ValueError, "C"),
        ({"C": -1.0}, ValueError, "C"),
        ({"C": "big"}, TypeError, "C"),
        ({"kernel": "poly"}, ValueError, "kernel"),
        ({"loss": "log_loss"}, ValueError, "loss"),
        ({"backend": "jax"}, ValueError, "backend"),
        ({"gamma": 0.0}, ValueError, "gamma"),
        ({"gamma": -2}, ValueError, "gamma"),
        ({"gamma": "huge"}, ValueError, "gamma"),
        ({"n_components": 0}, ValueError, "n_components"),
        ({"max_epochs": 2.5}, TypeError, "max_epochs"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"learning_rate": float("nan")}, ValueError, "learning_rate"),
        ({"kernel": "laplacian", "orthogonal": True}, ValueError, "orthogonal"),
        ({"orthogonal": "yes"}, TypeError, "orthogonal"),
        ({"device": "nonsense"}, ValueError, "device"),
    ],
)
def test_bad_hyperparameters_name_the_argument(params, error, argument):
    with pytest.raises(error, match=argument):
        SVMClassifier(**params).fit(X_OK, Y_OK)


def test_bad_data_is_rejected():
    with pytest.raises(ValueError, match="single class"):
        SVMClassifier().fit(X_OK, np.ones(20))
    X_nan = X_OK.copy()
    X_nan[3, 1] = np.nan
    with pytest.raises(ValueError, match="X contains NaN"):
        SVMClassifier().fit(X_nan, Y_OK)
    with pytest.raises(ValueError, match="Unknown label type"):
        SVMClassifier().fit(X_OK, np.linspace(0, 1, 20))
    model = SVMClassifier(max_epochs=1, n_components=8).fit(X_OK, Y_OK)
    with pytest.raises(ValueError, match="X has 3 features"):
        model.predict(np.zeros((2, 3)))


def test_importing_the_estimator_loads_no_framework():
    code = (
        "import sys, svmkit, svmkit.estimator; "
        "assert svmkit.SVMClassifier is svmkit.estimator.SVMClassifier; "
        "assert not {'torch', 'keras', 'tensorflow'} & set(sys.modules), 'framework imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
