"""svmkit.contract: one set of names, defaults and label rules for both frameworks.

Also: the library acts only when asked. Importing it, or fitting the estimator, leaves file
descriptors, the environment and every global random generator as they were.
"""

from __future__ import annotations

import ast
import inspect
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from svmkit.contract import (
    BINARY_LOSSES,
    MULTICLASS_LOSSES,
    TF_KERAS_NORMALIZE,
    FeatureSpec,
    TrainSpec,
    signed_labels,
)

torch = pytest.importorskip("torch")
keras = pytest.importorskip("keras")
import svmkit.keras as svk  # noqa: E402
import svmkit.torch as svt  # noqa: E402
from svmkit.keras.compat import RandomFourierFeatures as DropIn  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 3)).astype(np.float32)


def keras_numpy(tensor) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(tensor))


# --- one contract: names and defaults ------------------------------------------------------------


def _defaults(cls) -> dict:
    return {
        name: parameter.default
        for name, parameter in inspect.signature(cls.__init__).parameters.items()
        if parameter.default is not inspect.Parameter.empty
    }


def test_both_feature_layers_take_the_contract_names_and_defaults():
    fields = {f.name: f.default for f in FeatureSpec.__dataclass_fields__.values()}
    fields.pop("output_dim")  # a required argument of both layers
    for cls in (svt.RandomFourierFeatures, svk.RandomFourierFeatures):
        defaults = _defaults(cls)
        assert {name: defaults[name] for name in fields} == fields, cls
        assert "scale" not in defaults and "kernel_initializer" not in defaults, cls


def test_only_the_drop_in_layer_keeps_tf_keras_names_and_plain_cosines():
    defaults = _defaults(DropIn)
    assert defaults["normalize"] is TF_KERAS_NORMALIZE is False
    assert "scale" in defaults and "kernel_initializer" in defaults
    layer = DropIn(16, scale=2.0, kernel_initializer="laplacian", seed=3)
    twin = svk.RandomFourierFeatures(16, kernel="laplacian", sigma=2.0, seed=3, normalize=False)
    np.testing.assert_allclose(keras_numpy(layer(X)), keras_numpy(twin(X)), atol=1e-6)
    assert layer.kernel_scale is layer.sigma and layer.unscaled_kernel is layer.omega
    config = layer.get_config()
    assert config["scale"] == 2.0 and config["kernel_initializer"] == "laplacian"
    restored = DropIn.from_config(config)
    np.testing.assert_allclose(keras_numpy(restored(X)), keras_numpy(layer(X)), atol=1e-6)


@pytest.mark.parametrize("kernel", ["gaussian", "laplacian", "cauchy"])
@pytest.mark.parametrize("normalize", [True, False])
def test_the_same_contract_and_seed_give_the_same_features(kernel, normalize):
    spec = FeatureSpec(kernel=kernel, sigma=1.3, output_dim=64, normalize=normalize, seed=11)
    arguments = {k: getattr(spec, k) for k in ("kernel", "sigma", "normalize", "seed")}
    phi_torch = svt.RandomFourierFeatures(3, spec.output_dim, **arguments)(torch.from_numpy(X))
    phi_keras = svk.RandomFourierFeatures(spec.output_dim, **arguments)(X)
    np.testing.assert_allclose(phi_torch.numpy(), keras_numpy(phi_keras), atol=1e-5)
    assert np.abs(phi_torch.numpy()).max() <= spec.amplitude + 1e-6


@pytest.mark.parametrize(
    ("arguments", "name", "error"),
    [
        ({"sigma": 0.0}, "sigma", ValueError),
        ({"sigma": "wide"}, "sigma", TypeError),
        ({"kernel": "rbf"}, "kernel", ValueError),
        ({"output_dim": 0}, "output_dim", ValueError),
        ({"normalize": 1}, "normalize", TypeError),
        ({"seed": -2}, "seed", ValueError),
        ({"kernel": "cauchy", "orthogonal": True}, "orthogonal", ValueError),
    ],
)
def test_both_layers_reject_bad_features_with_the_same_error(arguments, name, error):
    arguments = dict(arguments)  # the parameters are shared by every run of the test
    with pytest.raises(error, match=name) as from_spec:
        FeatureSpec(output_dim=arguments.pop("output_dim", 8), **arguments)
    output_dim = 0 if name == "output_dim" else 8
    with pytest.raises(error, match=name) as from_torch:
        svt.RandomFourierFeatures(3, output_dim, **arguments)
    with pytest.raises(error, match=name) as from_keras:
        svk.RandomFourierFeatures(output_dim, **arguments)
    assert str(from_torch.value) == str(from_keras.value) == str(from_spec.value)


@pytest.mark.parametrize(
    ("arguments", "name", "error"),
    [
        ({"loss": "hing"}, "loss", ValueError),
        ({"lam": -1.0}, "lam", ValueError),
        ({"lam": "big"}, "lam", TypeError),
        ({"epochs": 0}, "epochs", ValueError),
        ({"batch_size": 2.5}, "batch_size", TypeError),
        ({"lr": 0.0}, "lr", ValueError),
        ({"optimizer": "rmsprop"}, "optimizer", ValueError),
        ({"lr_decay": 1.5}, "lr_decay", ValueError),
        ({"seed": True}, "seed", TypeError),
    ],
)
def test_train_spec_rejects_bad_recipes_naming_the_argument(arguments, name, error):
    with pytest.raises(error, match=name):
        TrainSpec(**arguments)


def test_train_spec_from_C_matches_scikit_learn_and_decays_to_the_fraction():
    spec = TrainSpec.from_C(0.5, n_samples=200, epochs=4, batch_size=64)
    assert spec.lam == pytest.approx(1 / (2 * 0.5 * 200))
    decayed = spec.decay_to(0.01, n_samples=200)
    assert decayed.steps(200) == 4 * 4
    assert decayed.lr_decay ** decayed.steps(200) == pytest.approx(0.01)
    assert TrainSpec(loss="ovr").binary is False and TrainSpec().binary is True


# --- one label rule ---------------------------------------------------------------------------


@pytest.mark.parametrize("loss", BINARY_LOSSES)
def test_both_frameworks_read_zero_one_labels_as_minus_one_plus_one(loss):
    z = RNG.normal(size=32).astype(np.float32)
    zero_one = RNG.integers(0, 2, size=32).astype(np.float32)
    signed = signed_labels(zero_one).astype(np.float32)
    torch_loss = getattr(svt, f"{loss}_loss")
    keras_loss = getattr(svk, f"{loss}_loss")
    values = {
        "torch 0/1": float(torch_loss(torch.from_numpy(z), torch.from_numpy(zero_one))),
        "torch ±1": float(torch_loss(torch.from_numpy(z), torch.from_numpy(signed))),
        "keras 0/1": float(keras_numpy(keras_loss(zero_one, z))),
        "keras ±1": float(keras_numpy(keras_loss(signed, z))),
    }
    reference = np.mean(np.maximum(0, 1 - signed * z) ** (2 if "squared" in loss else 1))
    for name, value in values.items():
        assert value == pytest.approx(reference, rel=1e-5), (name, values)


@pytest.mark.parametrize("kind", MULTICLASS_LOSSES)
def test_both_frameworks_give_the_same_multiclass_loss(kind):
    z = RNG.normal(size=(16, 4)).astype(np.float32)
    y = RNG.integers(0, 4, size=16)
    from_torch = float(svt.multiclass_hinge_loss(torch.from_numpy(z), torch.from_numpy(y), kind))
    from_keras = float(keras_numpy(svk.multiclass_hinge_loss(y, z, kind)))
    assert from_torch == pytest.approx(from_keras, rel=1e-5)


def test_labels_outside_the_rule_raise_the_same_error_everywhere():
    with pytest.raises(ValueError, match="y must hold two classes") as from_contract:
        signed_labels([0, 2, 2])
    model = svt.LinearSVM(3)
    with pytest.raises(ValueError, match="y must hold two classes") as from_fit:
        svt.fit(model, X[:3], np.array([0, 2, 2]), loss="hinge", epochs=1, progress=False)
    assert str(from_fit.value) == str(from_contract.value)


# --- the library acts only when asked ---------------------------------------------------------

_SNAPSHOT = textwrap.dedent(
    """
    import hashlib, json, os, pickle, random, sys
    import numpy as np
    import torch

    def snapshot():
        return {
            "fd2": list(os.fstat(2)[:3]),
            "fd2_target": os.readlink(f"/proc/{os.getpid()}/fd/2"),
            "environ": dict(os.environ),
            "random": hashlib.sha256(pickle.dumps(random.getstate())).hexdigest(),
            "numpy": hashlib.sha256(pickle.dumps(np.random.get_state())).hexdigest(),
            "torch": hashlib.sha256(torch.get_rng_state().numpy().tobytes()).hexdigest(),
        }
    """
)


def _run(code: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)  # so that a library setting it would be seen
    result = subprocess.run(
        [sys.executable, "-c", _SNAPSHOT + textwrap.dedent(code)],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_importing_svmkit_changes_no_process_state():
    result = _run(
        """
        import keras  # the frameworks' own import-time effects are not svmkit's
        before = snapshot()
        import svmkit, svmkit.contract, svmkit.kernels, svmkit.data, svmkit.plot, svmkit.widgets
        import svmkit.torch, svmkit.keras, svmkit.keras.compat, svmkit.estimator
        print(json.dumps({"before": before, "after": snapshot()}))
        """
    )
    assert result["after"] == result["before"]


@pytest.mark.parametrize("backend", ["torch", "keras"])
def test_fitting_the_estimator_leaves_global_generators_alone(backend):
    result = _run(
        f"""
        import keras
        from svmkit import SVMClassifier
        rng = np.random.default_rng(0)
        X = rng.normal(size=(60, 2)); y = (X[:, 0] * X[:, 1] > 0).astype(int)
        before = snapshot()
        SVMClassifier(backend="{backend}", n_components=32, max_epochs=2, random_state=0).fit(X, y)
        after = snapshot()
        print(json.dumps({{"before": before, "after": after}}))
        """
    )
    for key in ("random", "numpy", "torch"):
        assert result["after"][key] == result["before"][key], key


def _import_keras_stderr(pythonpath: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TF_CPP_MIN_LOG_LEVEL")}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    result = subprocess.run(
        [sys.executable, "-c", "import keras, svmkit.keras; print(keras.backend.backend())"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_the_book_kernels_keep_tensorflow_notices_off_the_page():
    """book/_ext/kernel (on the book build's PYTHONPATH) filters TensorFlow's import notices."""
    tooling = ROOT / "book" / "_ext" / "kernel"
    source = (tooling / "sitecustomize.py").read_text()
    notices = ast.literal_eval(re.search(r"KNOWN_NOTICES = (\(.*?\))\n", source, re.S).group(1))
    if keras.backend.backend() != "tensorflow":
        pytest.skip("the notices come from TensorFlow")
    # Without the tooling TensorFlow prints them (else the tooling would be dead code) ...
    assert any(notice in _import_keras_stderr(None) for notice in notices)
    # ... and svmkit does not hide them itself: with the tooling they are gone.
    quiet = _import_keras_stderr(str(tooling))
    assert not any(notice in quiet for notice in notices), quiet
