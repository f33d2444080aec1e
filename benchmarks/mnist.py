"""Kernel SVMs on MNIST: random-Fourier-feature SVMs in PyTorch and Keras 3 against scikit-learn.

Prints ONE table: method, framework, device, D, train s, predict s, test accuracy and peak memory,
followed by the featurisation rate of the PyTorch random Fourier features as a fraction of a plain
GEMM (``torch.matmul``) of the same shape, measured in the same run.

Every row runs in its own child process, so its peak memory (``ru_maxrss`` of that process, or
``torch.cuda.max_memory_allocated`` on a GPU) belongs to that method alone and one framework's
thread pools never slow down the other.

* "train s" = featurise the 60 000 training images + train the linear head;
  "predict s" = featurise the 10 000 test images + compute the decision values.
* The frozen features are computed once (chunked) and the linear head is trained on them; with a
  frozen scale this is the same model as ``Sequential([RandomFourierFeatures, LinearSVM])``.
* "quasi-SVM recipe" is the keras.io example unchanged: D = 4096, σ = 10, hinge loss on one-hot
  labels, Adam(1e-3), batch 128, 20 epochs on the first 48 000 images (``validation_split=0.2``).

Usage::

    python benchmarks/mnist.py                      # both frameworks, tuned RFF SVM + recipe
    python benchmarks/mnist.py --framework torch --dims 16384,24576
    python benchmarks/mnist.py --with-svc           # adds scikit-learn SVC on all MNIST (~15 min)
    python benchmarks/mnist.py --quick              # tiny sizes, a few seconds (used by the tests)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

COLUMNS = ("method", "framework", "device", "D", "train s", "predict s", "test acc", "peak mem")

# Tuned on a shared 2-core CPU (see chapter 10): squared hinge, Adam with an exponentially decaying
# learning rate, large batches (the head is memory-bound: fewer, bigger steps).
TUNED = {
    "method": "RFF SVM (tuned)",
    "dim": 16384,
    "sigma": 5.0,
    "loss": "squared_ovr",
    "lr": 1e-3,
    "final_lr_fraction": 0.05,
    "batch_size": 256,
    "epochs": 6,
    "n_train": 60000,
}
# The same model on deskewed digits (svmkit.data.deskew, the classic MNIST preprocessing); the
# deskewing time is counted in the train (training images) and predict (test images) columns.
DESKEWED = {**TUNED, "method": "RFF SVM (tuned, deskewed)", "deskew": True}
RECIPE = {
    "method": "quasi-SVM recipe",
    "dim": 4096,
    "sigma": 10.0,
    "loss": "ovr",
    "lr": 1e-3,
    "final_lr_fraction": 1.0,
    "batch_size": 128,
    "epochs": 20,
    "n_train": 48000,
}


# ------------------------------------------------------------------------------------------------
# Data
# ------------------------------------------------------------------------------------------------
def load_data(
    n_train: int, n_test: int, *, deskew: bool = False
) -> tuple[tuple[np.ndarray, ...], float, float]:
    """First ``n_train`` training and ``n_test`` test images as float32 rows in [0, 1].

    Returns the data and the seconds spent deskewing the training and the test images (0 when
    ``deskew`` is False), so that the preprocessing is charged to the method that uses it.
    """
    from svmkit.data import deskew as deskew_images
    from svmkit.data import flatten_images, load_mnist

    x_train, y_train, x_test, y_test = load_mnist()
    x_train, x_test = x_train[:n_train], x_test[:n_test]
    seconds = [0.0, 0.0]
    if deskew:
        for index, images in enumerate((x_train, x_test)):
            start = time.perf_counter()
            deskewed = deskew_images(images)
            seconds[index] = time.perf_counter() - start
            if index == 0:
                x_train = deskewed
            else:
                x_test = deskewed
    data = (
        flatten_images(x_train),
        y_train[:n_train].astype(np.int64),
        flatten_images(x_test),
        y_test[:n_test].astype(np.int64),
    )
    return data, seconds[0], seconds[1]


def peak_rss_gb() -> float:
    """Peak resident memory of this process in GB (``ru_maxrss`` is in KiB on Linux)."""
    scale = 1 if platform.system() == "Darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1e9


def decay_per_step(config: dict[str, Any], n_train: int) -> float:
    """Per-step factor that takes the learning rate to ``final_lr_fraction`` at the last step."""
    steps = config["epochs"] * math.ceil(n_train / config["batch_size"])
    return float(config["final_lr_fraction"] ** (1.0 / steps))


# ------------------------------------------------------------------------------------------------
# PyTorch
# ------------------------------------------------------------------------------------------------
def gemm_ratio_torch(rff: Any, X: np.ndarray, chunk: int, repeats: int = 3) -> float:
    """Rate of ``featurize`` divided by the rate of a plain chunked GEMM of the same shape.

    Both write into a preallocated (n, D) output in ``chunk``-row blocks; best of ``repeats``.
    """
    import torch

    from svmkit.torch import featurize

    X_t = torch.from_numpy(X).to(rff.omega.device)
    out = torch.empty(X_t.shape[0], rff.output_dim, device=X_t.device)
    omega = rff.omega

    def sync() -> None:
        if X_t.device.type == "cuda":
            torch.cuda.synchronize()

    def gemm() -> None:
        for start in range(0, X_t.shape[0], chunk):
            torch.matmul(X_t[start : start + chunk], omega, out=out[start : start + chunk])

    def features() -> None:
        featurize(rff, X_t, batch_size=chunk)

    best = {"gemm": math.inf, "features": math.inf}
    for _ in range(repeats):  # interleaved, so both see the same machine load
        for name, fn in (("gemm", gemm), ("features", features)):
            sync()
            start = time.perf_counter()
            fn()
            sync()
            best[name] = min(best[name], time.perf_counter() - start)
    return best["gemm"] / best["features"]


def run_torch(config: dict[str, Any], data: tuple[np.ndarray, ...], args: Any) -> dict[str, Any]:
    import torch

    from svmkit.torch import LinearSVM, RandomFourierFeatures, device, featurize, fit, predict

    torch.manual_seed(0)
    target = device(args.device)
    X_train, y_train, X_test, y_test = data
    # normalize=False: plain cos(·), amplitude 1, like the old tf.keras layer and svmkit.keras'
    # default, so that Adam's steps have the intended size whatever D (see chapter 9).
    rff = RandomFourierFeatures(
        784, config["dim"], scale=config["sigma"], seed=0, normalize=False
    ).to(target)
    head = LinearSVM(config["dim"], 10).to(target)

    def sync() -> None:
        if target.type == "cuda":
            torch.cuda.synchronize()

    # torch.optim imports torch._dynamo on first use (seconds): an import cost, not training time.
    torch.optim.Adam([torch.zeros(1, requires_grad=True)])

    start = time.perf_counter()
    features = featurize(rff, X_train, batch_size=args.chunk, device=target)
    fit(
        head,
        features,
        torch.from_numpy(y_train).to(target),
        loss=config["loss"],
        epochs=config["epochs"],
        batch_size=config["batch_size"],
        lr=config["lr"],
        optimizer="adam",
        lr_decay=decay_per_step(config, len(X_train)),
        progress=False,
        seed=0,
    )
    sync()
    train_s = time.perf_counter() - start
    del features

    start = time.perf_counter()
    test_features = featurize(rff, X_test, batch_size=args.chunk, device=target)
    scores = predict(head, test_features)
    sync()
    predict_s = time.perf_counter() - start
    accuracy = float((scores.argmax(1).numpy() == y_test).mean())

    if target.type == "cuda":
        peak = torch.cuda.max_memory_allocated() / 1e9
        peak_label = f"{peak:.2f} GB (cuda)"
    else:
        peak_label = f"{peak_rss_gb():.2f} GB"
    row = {
        "device": str(target),
        "train s": train_s,
        "predict s": predict_s,
        "test acc": accuracy,
        "peak mem": peak_label,
    }
    if config.get("measure_gemm"):
        # Same shape as the featurisation (rows × 784 @ 784 × D), on a slice of the training set.
        n_ratio = min(len(X_train), 4 * args.chunk)
        row["gemm_ratio"] = gemm_ratio_torch(rff, X_train[:n_ratio], args.chunk)
        row["gemm_shape"] = f"{n_ratio}×784 @ 784×{config['dim']}"
    return row


# ------------------------------------------------------------------------------------------------
# Keras 3
# ------------------------------------------------------------------------------------------------
def run_keras(config: dict[str, Any], data: tuple[np.ndarray, ...], args: Any) -> dict[str, Any]:
    import keras

    from svmkit.keras import LinearSVM, MulticlassHinge, RandomFourierFeatures, featurize

    keras.utils.set_random_seed(0)
    X_train, y_train, X_test, y_test = data
    rff = RandomFourierFeatures(config["dim"], scale=config["sigma"], seed=0)  # plain cos(·)
    head = keras.Sequential([keras.Input((config["dim"],)), LinearSVM(10)])
    n_steps = config["epochs"] * math.ceil(len(X_train) / config["batch_size"])
    schedule = keras.optimizers.schedules.ExponentialDecay(
        config["lr"], decay_steps=n_steps, decay_rate=config["final_lr_fraction"]
    )
    # steps_per_execution: several steps per call into the backend, same maths, less overhead.
    head.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss=MulticlassHinge(config["loss"]),
        steps_per_execution=25,
    )

    start = time.perf_counter()
    features = featurize(rff, X_train, batch_size=args.chunk)
    head.fit(
        features, y_train, epochs=config["epochs"], batch_size=config["batch_size"], verbose=0
    )
    train_s = time.perf_counter() - start
    del features

    start = time.perf_counter()
    test_features = featurize(rff, X_test, batch_size=args.chunk)
    scores = head.predict(test_features, batch_size=8192, verbose=0)
    predict_s = time.perf_counter() - start
    accuracy = float((np.asarray(scores).argmax(1) == y_test).mean())
    gpus = keras.backend.backend() == "tensorflow" and _tf_gpus()
    return {
        "device": "gpu" if gpus else "cpu",
        "train s": train_s,
        "predict s": predict_s,
        "test acc": accuracy,
        "peak mem": f"{peak_rss_gb():.2f} GB",
    }


def _tf_gpus() -> bool:
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))


# ------------------------------------------------------------------------------------------------
# scikit-learn
# ------------------------------------------------------------------------------------------------
def run_svc(config: dict[str, Any], data: tuple[np.ndarray, ...], args: Any) -> dict[str, Any]:
    from sklearn.svm import SVC

    X_train, y_train, X_test, y_test = data
    model = SVC(C=5.0, gamma=0.05, cache_size=2000)
    start = time.perf_counter()
    model.fit(X_train, y_train)
    train_s = time.perf_counter() - start
    start = time.perf_counter()
    predictions = model.predict(X_test)
    predict_s = time.perf_counter() - start
    return {
        "device": "cpu",
        "train s": train_s,
        "predict s": predict_s,
        "test acc": float((predictions == y_test).mean()),
        "peak mem": f"{peak_rss_gb():.2f} GB",
    }


RUNNERS = {"torch": run_torch, "keras": run_keras, "scikit-learn": run_svc}


# ------------------------------------------------------------------------------------------------
# Driver
# ------------------------------------------------------------------------------------------------
def run_child(spec: dict[str, Any]) -> None:
    """Child process: run one row and print it as JSON on the last line of stdout."""
    args = argparse.Namespace(**spec["args"])
    config = spec["config"]
    data, deskew_train_s, deskew_test_s = load_data(
        min(config["n_train"], args.n_train), args.n_test, deskew=config.get("deskew", False)
    )
    row = RUNNERS[spec["framework"]](config, data, args)
    row["train s"] += deskew_train_s
    row["predict s"] += deskew_test_s
    row.update(method=config["method"], framework=spec["framework"], D=config.get("dim", "-"))
    print(json.dumps(row))


def plan(args: argparse.Namespace) -> list[tuple[str, dict[str, Any]]]:
    frameworks = ["torch", "keras"] if args.framework == "both" else [args.framework]
    dims = [int(d) for d in args.dims.split(",")] if args.dims else [TUNED["dim"]]
    rows: list[tuple[str, dict[str, Any]]] = []
    for dim in dims:
        for i, framework in enumerate(frameworks):
            config = {**TUNED, "dim": dim, "sigma": args.sigma}
            if args.epochs:
                config["epochs"] = args.epochs
            # The GEMM comparison runs once per D, after the timed part of the PyTorch row.
            config["measure_gemm"] = framework == "torch" and i == 0
            rows.append((framework, config))
    if not args.no_deskew:
        for framework in frameworks:
            config = {**DESKEWED, "sigma": args.sigma}
            if args.epochs:
                config["epochs"] = args.epochs
            rows.append((framework, config))
    if not args.no_recipe:
        rows += [(framework, dict(RECIPE)) for framework in frameworks]
    if args.with_svc:
        rows.append(("scikit-learn", {"method": "SVC(C=5, γ=0.05)", "n_train": 60000}))
    if args.quick:
        for _, config in rows:
            if "dim" in config:
                config.update(dim=min(config["dim"], 512), epochs=3)
    return rows


def format_table(rows: list[dict[str, Any]]) -> str:
    cells = [list(COLUMNS)]
    for row in rows:
        cells.append([
            str(row["method"]),
            str(row["framework"]),
            str(row["device"]),
            str(row["D"]),
            f"{row['train s']:.1f}",
            f"{row['predict s']:.1f}",
            f"{100 * row['test acc']:.2f} %",
            str(row["peak mem"]),
        ])
    widths = [max(len(line[j]) for line in cells) for j in range(len(COLUMNS))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |"
        for line in cells
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--framework", choices=("torch", "keras", "both"), default="both")
    parser.add_argument("--dims", default="", help="comma-separated D values (default 16384)")
    parser.add_argument("--sigma", type=float, default=TUNED["sigma"], help="RFF length scale σ")
    parser.add_argument("--epochs", type=int, default=0, help="epochs of the tuned model")
    parser.add_argument("--device", default=None, help="torch device (default: cuda → mps → cpu)")
    parser.add_argument("--chunk", type=int, default=4096, help="rows per featurisation chunk")
    parser.add_argument("--with-svc", action="store_true", help="add SVC on all of MNIST (slow)")
    parser.add_argument("--no-recipe", action="store_true", help="skip the keras.io recipe rows")
    parser.add_argument("--no-deskew", action="store_true", help="skip the deskewed-digits rows")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        run_child(json.loads(args.child))
        return 0

    args.n_train, args.n_test = (2000, 500) if args.quick else (60000, 10000)
    if args.quick:
        args.chunk = min(args.chunk, 1024)
    shared = {k: v for k, v in vars(args).items() if k != "child"}
    results = []
    for framework, config in plan(args):
        spec = json.dumps({"framework": framework, "config": config, "args": shared})
        child = subprocess.run(
            [sys.executable, os.path.abspath(__file__), "--child", spec],
            capture_output=True,
            text=True,
            check=False,
        )
        if child.returncode != 0:
            sys.stderr.write(child.stderr)
            raise SystemExit(f"{framework} / {config['method']} failed (exit {child.returncode})")
        results.append(json.loads(child.stdout.strip().splitlines()[-1]))

    n_train = "2 000" if args.quick else "60 000"
    print(f"MNIST, {n_train} training images; {platform.node()} ({os.cpu_count()} CPUs)")
    print(format_table(results))
    for row in results:
        if "gemm_ratio" in row:
            print(
                f"RFF featurisation rate = {100 * row['gemm_ratio']:.0f} % of a plain GEMM of the "
                f"same shape ({row['gemm_shape']}, {row['device']})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
