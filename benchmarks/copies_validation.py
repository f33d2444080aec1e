"""Choose D for one epoch over the five copies of the deskewed digits, on the validation split.

Fits the streamed RFF SVM (``benchmarks/mnist.py``'s recipe: σ and C of the deskewed rows, one
epoch, features computed per batch) on the deskewed first 50 000 training images and their four
one-pixel shifts, and scores the last 10 000 training images (never the test set). The result chose
``COPIES_DIM`` in ``benchmarks/mnist.py`` (its comment holds the numbers of a 2-core CPU).

Usage::

    python benchmarks/copies_validation.py 8192 10240 12288 16384
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import mnist as bench


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dims", nargs="+", type=int, help="values of D to score")
    args = parser.parse_args(argv)

    import torch

    import svmkit.torch as svt
    from svmkit.augment import RandomShift
    from svmkit.data import deskew, load_mnist

    images, labels, _, _ = load_mnist()
    rows = deskew(torch.from_numpy(images)).numpy().reshape(len(images), -1)
    n_fit = bench.N_FIT
    fit, validation = rows[:n_fit], rows[n_fit : n_fit + bench.N_VALIDATION]
    y_fit = labels[:n_fit].astype(np.int64)
    y_validation = labels[n_fit : n_fit + bench.N_VALIDATION].astype(np.int64)
    shift = RandomShift(max_shift=1)
    X = np.concatenate([shift.shift(fit, dy=np.full(n_fit, dy), dx=np.full(n_fit, dx))
                        for dy, dx in bench.STREAM_SHIFTS])  # fmt: skip
    y = np.tile(y_fit, len(bench.STREAM_SHIFTS))
    for dim in args.dims:
        config = {**bench.TUNED, **bench.DEFAULT_KERNELS["deskewed"], "dim": dim, "epochs": 1}
        features, training = bench.specs(config, len(X))
        start = time.perf_counter()
        model, _ = svt.fit_rff_svm(X, y, features, training, feature_budget=0, progress=False)
        seconds = time.perf_counter() - start
        scores = svt.predict(model, validation).argmax(1).numpy()
        accuracy = float((scores == y_validation).mean())
        print(json.dumps({"dim": dim, "validation acc": accuracy, "fit s": round(seconds, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
