"""MNIST end to end on small subsets: training in both frameworks, features, benchmark smoke test.

Kept fast (a few seconds each on a 2-core CPU): 10 000 training and 2000 test images, D = 2048. The
loader itself is tested in tests/test_mnist.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from svmkit.data import flatten_images, load_mnist

N_TRAIN, N_TEST, DIM, SIGMA = 10000, 2000, 2048, 5.0
MIN_ACCURACY = 0.93


@pytest.fixture(scope="module")
def mnist_subset() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    x_train, y_train, x_test, y_test = load_mnist()
    return (
        flatten_images(x_train[:N_TRAIN]),
        y_train[:N_TRAIN].astype(np.int64),
        flatten_images(x_test[:N_TEST]),
        y_test[:N_TEST].astype(np.int64),
    )


def test_torch_rff_svm_learns_mnist(mnist_subset):
    torch = pytest.importorskip("torch")
    from svmkit.torch import LinearSVM, RandomFourierFeatures, featurize, fit, predict

    x_train, y_train, x_test, y_test = mnist_subset
    torch.manual_seed(0)
    # Plain cos(·) of amplitude 1, as in chapter 9 (and the tf.keras drop-in's default).
    rff = RandomFourierFeatures(784, DIM, sigma=SIGMA, seed=0, normalize=False)
    svm = LinearSVM(DIM, 10)
    fit(svm, featurize(rff, x_train), y_train, loss="squared_ovr",
        optimizer="adam", lr=1e-3, batch_size=128, epochs=6, progress=False, seed=0)
    scores = predict(svm, featurize(rff, x_test))
    accuracy = float((scores.argmax(1).numpy() == y_test).mean())
    assert accuracy >= MIN_ACCURACY, f"PyTorch RFF SVM: accuracy {accuracy:.4f} < {MIN_ACCURACY}"


def test_keras_rff_svm_learns_mnist(mnist_subset):
    keras = pytest.importorskip("keras")
    from svmkit.keras import LinearSVM, MulticlassHinge, RandomFourierFeatures, featurize

    x_train, y_train, x_test, y_test = mnist_subset
    keras.utils.set_random_seed(0)
    rff = RandomFourierFeatures(DIM, sigma=SIGMA, seed=0, normalize=False)  # as the torch twin
    head = keras.Sequential([keras.Input((DIM,)), LinearSVM(10)])
    head.compile(optimizer=keras.optimizers.Adam(1e-3), loss=MulticlassHinge("squared_ovr"),
                 steps_per_execution=10)
    head.fit(featurize(rff, x_train), y_train, epochs=6, batch_size=128, verbose=0)
    scores = head.predict(featurize(rff, x_test), batch_size=2048, verbose=0)
    accuracy = float((np.asarray(scores).argmax(1) == y_test).mean())
    assert accuracy >= MIN_ACCURACY, f"Keras RFF SVM: test accuracy {accuracy:.4f} < {MIN_ACCURACY}"


def test_both_frameworks_give_the_same_features_on_mnist(mnist_subset):
    pytest.importorskip("torch")
    pytest.importorskip("keras")
    import svmkit.keras as svk
    import svmkit.torch as svt

    rows = mnist_subset[0][:64]
    for normalize in (False, True):  # the tf.keras drop-in's default, and the contract's
        torch_layer = svt.RandomFourierFeatures(784, 512, sigma=SIGMA, seed=7, normalize=normalize)
        keras_layer = svk.RandomFourierFeatures(512, sigma=SIGMA, seed=7, normalize=normalize)
        phi_torch = svt.featurize(torch_layer, rows).numpy()
        phi_keras = svk.featurize(keras_layer, rows)
        atol = 1e-5 if normalize else 2e-4  # amplitude sqrt(2/512) = 1/16, or 1
        np.testing.assert_allclose(phi_torch, phi_keras, atol=atol)


def test_benchmark_quick_mode_prints_one_table_and_writes_json(repo_root, tmp_path):
    pytest.importorskip("torch")
    results = tmp_path / "results.json"
    completed = subprocess.run(
        [sys.executable, str(repo_root / "benchmarks" / "mnist.py"), "--quick",
         "--framework", "torch", "--no-recipe", "--json", str(results)],
        capture_output=True, text=True, timeout=240, check=False, cwd=repo_root,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    lines = completed.stdout.splitlines()
    headers = [line for line in lines if line.startswith("| method")]
    assert len(headers) == 1, completed.stdout
    columns = [c.strip() for c in headers[0].strip("|").split("|")]
    assert columns == ["method", "input", "multiclass", "framework", "device", "D", "σ", "C",
                       "train s", "predict s", "test acc", "peak mem"], columns
    rows = [[c.strip() for c in line.strip("|").split("|")]
            for line in lines if line.startswith("| RFF SVM")]
    assert len(rows) == 2 and all(row[3] == "torch" for row in rows), completed.stdout
    assert sorted(row[1] for row in rows) == ["deskewed", "raw"], completed.stdout
    assert all(row[2].startswith("OvR") for row in rows), completed.stdout
    assert any("% of a plain GEMM" in line for line in lines), completed.stdout

    written = json.loads(results.read_text())
    assert {"cpu", "cores", "gpu"} <= set(written["machine"]), written["machine"]
    assert written["machine"]["cores"] >= 1 and written["versions"]["torch"]
    assert len(written["rows"]) == 2
    for row in written["rows"]:
        assert {"sigma", "C", "test acc", "train s", "date", "multiclass"} <= set(row), row
        assert 0.0 <= row["test acc"] <= 1.0


def test_benchmark_quick_mode_adds_augmented_and_streamed_rows(repo_root, tmp_path):
    """--augmented trains on shifted deskewed digits; --streaming measures 1 and 5 copies."""
    pytest.importorskip("torch")
    results = tmp_path / "results.json"
    completed = subprocess.run(
        [sys.executable, str(repo_root / "benchmarks" / "mnist.py"), "--quick", "--framework",
         "torch", "--no-recipe", "--inputs", "deskewed", "--augmented", "--streaming",
         "--augment-epochs", "2", "--json", str(results)],
        capture_output=True, text=True, timeout=240, check=False, cwd=repo_root,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-2000:]
    rows = {(row["method"], row["input"]): row for row in json.loads(results.read_text())["rows"]}
    assert set(rows) == {("RFF SVM", "deskewed"), ("RFF SVM + shifts", "deskewed+shifts"),
                         ("RFF SVM, streamed", "raw"), ("RFF SVM, streamed", "raw ×5 shifts"),
                         ("RFF SVM, streamed", "deskewed ×5 shifts"),
                         ("RFF SVM, streamed, D from validation", "deskewed ×5 shifts")}
    assert rows[("RFF SVM, streamed", "raw ×5 shifts")]["n_train"] == 5 * rows[
        ("RFF SVM, streamed", "raw")]["n_train"]  # fmt: skip
    # The quick mode caps every D at 512; the full run uses COPIES_DIM for the validation row.
    chosen = rows[("RFF SVM, streamed, D from validation", "deskewed ×5 shifts")]
    assert chosen["n_train"] == rows[("RFF SVM, streamed", "deskewed ×5 shifts")]["n_train"]
    for row in rows.values():
        assert row["test acc"] > 0.5, row  # every model learned something, even in quick mode
    printed = [line for line in completed.stdout.splitlines() if line.startswith("| RFF SVM")]
    assert len(printed) == 6, completed.stdout


def test_benchmark_lambda_gives_c_its_scikit_learn_meaning():
    """λ = D / (4 C n K) on amplitude-1 features trains the same OvR classifier as LinearSVC(C).

    LinearSVC (squared hinge, one-vs-rest, no intercept) on chapter 7's normalised features is the
    reference; the benchmark's head sees the same features multiplied by sqrt(D/2).
    """
    import importlib.util

    import torch
    from sklearn.svm import LinearSVC

    from svmkit.torch import LinearSVM, RandomFourierFeatures, featurize, fit

    spec = importlib.util.spec_from_file_location(
        "bench_mnist", Path(__file__).resolve().parents[1] / "benchmarks" / "mnist.py"
    )
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)

    rng = np.random.default_rng(0)
    n, d, dim, n_classes, C = 300, 5, 64, 3, 2.0
    X = rng.normal(size=(n, d)).astype(np.float32)
    y = rng.integers(0, n_classes, n)
    rff = RandomFourierFeatures(d, dim, sigma=1.5, seed=0, normalize=True)
    phi = featurize(rff, X).double().numpy()
    reference = LinearSVC(C=C, loss="squared_hinge", fit_intercept=False, tol=1e-10,
                          max_iter=100_000).fit(phi, y)

    plain = torch.from_numpy(phi * np.sqrt(dim / 2))  # amplitude 1
    svm = LinearSVM(dim, n_classes, bias=False, dtype=torch.float64)
    fit(svm, plain, y, loss="squared_ovr", optimizer="adam", lr=0.02, lr_decay=0.996,
        batch_size=None, epochs=1200, progress=False,
        weight_decay=bench.weight_decay_for(C, dim, n, n_classes))
    scores = svm(plain).detach().numpy()
    np.testing.assert_allclose(scores, reference.decision_function(phi), atol=1e-3)
    assert bench.weight_decay_for(None, dim, n) == 0.0


def test_benchmark_copies_validation_scores_each_dim_on_the_tuning_split(repo_root, tmp_path):
    """--copies-validation fits the deskewed copies for every D and scores held-out training
    images (never the test set), then stops without measuring any row."""
    pytest.importorskip("torch")
    results = tmp_path / "results.json"
    completed = subprocess.run(
        [sys.executable, str(repo_root / "benchmarks" / "mnist.py"), "--quick",
         "--copies-validation", "256,512", "--json", str(results)],
        capture_output=True, text=True, timeout=240, check=False, cwd=repo_root,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-2000:]
    stored = json.loads(results.read_text())
    assert stored["rows"] == []
    search = stored["tuning"]["copies"]
    assert [point["dim"] for point in search["grid"]] == [256, 512]
    best = max(point["validation acc"] for point in search["grid"])
    assert best > 0.5 and search["chosen"]["dim"] in [
        p["dim"] for p in search["grid"] if p["validation acc"] == best
    ]


def test_benchmark_validation_split_never_overlaps_the_training_images():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "bench_mnist", Path(__file__).resolve().parents[1] / "benchmarks" / "mnist.py"
    )
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    x_fit, y_fit, x_val, y_val = bench.mnist_split(50000, 10000, validate=True)
    x_train, _, _, _ = load_mnist()
    np.testing.assert_array_equal(x_val, x_train[-10000:])
    np.testing.assert_array_equal(x_fit, x_train[:50000])
    assert y_fit.dtype == y_val.dtype == np.int64
    with pytest.raises(ValueError, match="overlap"):
        bench.mnist_split(55000, 10000, validate=True)
