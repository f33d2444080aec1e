"""MNIST end to end on small subsets: training in both frameworks, features, benchmark smoke test.

Kept fast (a few seconds each on a 2-core CPU): 10 000 training and 2000 test images, D = 2048. The
loader itself is tested in tests/test_mnist.py.
"""

from __future__ import annotations

import subprocess
import sys

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
    # Plain cos(·) of amplitude 1, as in chapter 9 (and the Keras layer's default).
    rff = RandomFourierFeatures(784, DIM, scale=SIGMA, seed=0, normalize=False)
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
    rff = RandomFourierFeatures(DIM, scale=SIGMA, seed=0)
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
    for normalize in (False, True):  # False is the Keras default, True the PyTorch one
        torch_layer = svt.RandomFourierFeatures(784, 512, scale=SIGMA, seed=7, normalize=normalize)
        keras_layer = svk.RandomFourierFeatures(512, scale=SIGMA, seed=7, normalize=normalize)
        phi_torch = svt.featurize(torch_layer, rows).numpy()
        phi_keras = svk.featurize(keras_layer, rows)
        atol = 1e-5 if normalize else 2e-4  # amplitude sqrt(2/512) = 1/16, or 1
        np.testing.assert_allclose(phi_torch, phi_keras, atol=atol)


def test_benchmark_quick_mode_prints_one_table(repo_root):
    pytest.importorskip("torch")
    completed = subprocess.run(
        [sys.executable, str(repo_root / "benchmarks" / "mnist.py"), "--quick",
         "--framework", "torch", "--no-recipe"],
        capture_output=True, text=True, timeout=120, check=False, cwd=repo_root,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    lines = completed.stdout.splitlines()
    headers = [line for line in lines if line.startswith("| method")]
    assert len(headers) == 1, completed.stdout
    columns = [c.strip() for c in headers[0].strip("|").split("|")]
    assert columns == ["method", "framework", "device", "D", "train s", "predict s", "test acc",
                       "peak mem"], columns
    rows = [line for line in lines if line.startswith("| RFF SVM")]
    assert len(rows) == 2 and all("torch" in row for row in rows), completed.stdout
    assert sum("deskewed" in row for row in rows) == 1, completed.stdout
    assert any("% of a plain GEMM" in line for line in lines), completed.stdout
