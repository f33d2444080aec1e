"""svmkit.keras on the PyTorch and JAX backends, each in a fresh interpreter.

Keras fixes its backend at first import, so the in-process tests only see TensorFlow. Here a small
script runs under ``KERAS_BACKEND=torch`` and ``KERAS_BACKEND=jax``: it compares the Keras layers,
losses and a few training steps with svmkit.torch, round-trips a model through ``model.save``, and
prints the largest absolute difference it saw.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BACKENDS = ("torch", "jax")
TOLERANCE = 1e-5

SCRIPT = r"""
import os
import tempfile

import keras
import numpy as np
import torch

import svmkit.keras as svm_keras
import svmkit.torch as svm_torch

assert keras.backend.backend() == os.environ["KERAS_BACKEND"], keras.backend.backend()


def as_numpy(tensor):
    if isinstance(tensor, torch.Tensor):
        tensor = tensor.detach().cpu()
    return np.asarray(keras.ops.convert_to_numpy(tensor), dtype=np.float64)


rng = np.random.default_rng(0)
X = rng.normal(size=(40, 3)).astype("float32")
y = np.where(X[:, 0] * X[:, 1] > 0, 1.0, -1.0).astype("float32")
classes = np.digitize(X[:, 0], [-0.5, 0.5]).astype("int64")
diffs = {}

for kernel, orthogonal in [("gaussian", True), ("laplacian", False), ("cauchy", False)]:
    phi_torch = svm_torch.RandomFourierFeatures(3, 64, kernel, orthogonal=orthogonal, seed=1)
    phi_keras = svm_keras.RandomFourierFeatures(64, kernel, orthogonal=orthogonal, seed=1)
    diffs["rff_" + kernel] = np.abs(
        as_numpy(phi_keras(X)) - as_numpy(phi_torch(torch.from_numpy(X)))
    ).max()

torch_svm = svm_torch.LinearSVM(3, 3)
with torch.no_grad():
    torch_svm.weight.normal_(generator=torch.Generator().manual_seed(0))
    torch_svm.bias.normal_(generator=torch.Generator().manual_seed(1))
keras_svm = svm_keras.LinearSVM(3)
keras_svm.build((None, 3))
keras_svm.set_weights([as_numpy(torch_svm.weight).T, as_numpy(torch_svm.bias)])
z_torch, z_keras = torch_svm(torch.from_numpy(X)), keras_svm(X)
diffs["linear"] = np.abs(as_numpy(z_keras) - as_numpy(z_torch)).max()
for kind in ("ovr", "squared_ovr", "crammer_singer"):
    torch_loss = svm_torch.multiclass_hinge_loss(z_torch, torch.from_numpy(classes), kind)
    keras_loss = svm_keras.MulticlassHinge(kind)(classes, z_keras)
    diffs["loss_" + kind] = abs(float(as_numpy(keras_loss)) - float(as_numpy(torch_loss)))
z1_torch = z_torch[:, :1]
z1_keras = keras.ops.convert_to_tensor(as_numpy(z_torch)[:, :1].astype("float32"))
for name, torch_fn, keras_fn in [
    ("hinge", svm_torch.hinge_loss, svm_keras.hinge_loss),
    ("squared_hinge", svm_torch.squared_hinge_loss, svm_keras.squared_hinge_loss),
]:
    torch_loss = float(as_numpy(torch_fn(z1_torch, torch.from_numpy(y))))
    diffs["loss_" + name] = abs(float(as_numpy(keras_fn(y, z1_keras))) - torch_loss)

# Five full-batch SGD steps from the same start, with a learned σ and λ‖W‖².
torch_model = torch.nn.Sequential(
    svm_torch.RandomFourierFeatures(3, 32, sigma=1.0, trainable=True, seed=2),
    svm_torch.LinearSVM(32),
)
svm_torch.fit(torch_model, X, y, loss="hinge", epochs=5, batch_size=None, lr=0.5,
              weight_decay=0.01, progress=False)
keras_model = keras.Sequential([
    keras.Input((3,)),
    svm_keras.RandomFourierFeatures(32, sigma=1.0, trainable=True, seed=2),
    svm_keras.LinearSVM(1, l2=0.01),
])
keras_model.compile(optimizer=keras.optimizers.SGD(0.5), loss=svm_keras.Hinge())
keras_model.fit(X, y, epochs=5, batch_size=len(X), shuffle=False, verbose=0)
assert abs(float(as_numpy(keras_model.layers[0].sigma)[0]) - 1.0) > 1e-4
diffs["trained_scale"] = abs(
    float(as_numpy(keras_model.layers[0].sigma)[0]) - float(as_numpy(torch_model[0].sigma))
)
z_trained = as_numpy(keras_model(X))
diffs["trained_output"] = np.abs(z_trained - as_numpy(torch_model(torch.from_numpy(X)))).max()

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "m.keras")
    keras_model.save(path)
    loaded = keras.models.load_model(path)
    diffs["save_load"] = np.abs(as_numpy(loaded(X)) - z_trained).max()

# Unseeded layers draw their seed from Keras' global state on every backend.
assert tuple(svm_keras.RandomFourierFeatures(8)(X).shape) == (40, 8)
assert svm_keras.featurize(keras_model.layers[0], X, batch_size=16).shape == (40, 32)

for key, value in sorted(diffs.items()):
    print(f"{key} {value:.3e}")
print(f"max-abs-diff {max(diffs.values()):.3e}")
"""


@pytest.fixture(scope="module")
def backend_processes():
    """Start one interpreter per backend at once: they overlap instead of queueing."""
    processes = {}
    for backend in BACKENDS:
        env = dict(os.environ)
        env.update(
            KERAS_BACKEND=backend,
            TF_CPP_MIN_LOG_LEVEL="2",
            JAX_PLATFORMS="cpu",
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        )
        processes[backend] = subprocess.Popen(
            [sys.executable, "-c", SCRIPT],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    yield processes
    for process in processes.values():
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_keras_layers_match_pytorch_on_backend(backend, backend_processes):
    pytest.importorskip(backend)
    try:
        stdout, stderr = backend_processes[backend].communicate(timeout=300)
    except subprocess.TimeoutExpired:
        backend_processes[backend].kill()
        pytest.fail(f"KERAS_BACKEND={backend} script took more than 300 s")
    assert backend_processes[backend].returncode == 0, (
        f"stdout:\n{stdout}\nstderr:\n{stderr[-4000:]}"
    )
    match = re.search(r"^max-abs-diff (\S+)$", stdout, flags=re.MULTILINE)
    assert match, stdout
    assert float(match.group(1)) < TOLERANCE, stdout
