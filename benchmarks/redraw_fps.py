"""How fast does the live margin plot redraw? Prints a small table.

Trains a ``svmkit.torch.LinearSVM`` on 1024 two-dimensional blobs (the chapter's warm-up problem)
while a :class:`svmkit.animate.MarginAnimation` (``live=False``: everything but the notebook
message) evaluates the model on a 200 × 200 grid, redraws the margin bands and encodes a frame.

Rows:

* ``redraw only``    — ``add_frame`` in a loop on the trained model: evaluate + draw + encode;
* ``training, no plot`` — ``fit`` without callbacks, the reference cost of the training itself;
* ``training + redraw every N`` — ``fit`` with the animation as a callback.

Run: ``python benchmarks/redraw_fps.py [--frames 100] [--every 1] [--resolution 200]``.
The target is at least 20 frames per second for the redraw on a 2-core CPU.
"""

from __future__ import annotations

import argparse
import os
import time

import matplotlib

matplotlib.use("Agg")

import numpy as np
import torch

from svmkit.animate import MarginAnimation
from svmkit.torch import LinearSVM, fit


def blobs(n_samples: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """The warm-up data (svmkit.data.make_blobs when present, else an equivalent)."""
    try:
        from svmkit.data import make_blobs

        return make_blobs(n_samples)
    except ImportError:
        rng = np.random.default_rng(1)
        X = np.concatenate([rng.normal(-1, 0.6, (n_samples // 2, 2)),
                            rng.normal(1, 0.6, (n_samples - n_samples // 2, 2))])
        y = np.repeat([-1.0, 1.0], [n_samples // 2, n_samples - n_samples // 2])
        return X.astype(np.float32), y.astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=100, help="redraws in the redraw-only row")
    parser.add_argument("--every", type=int, default=1, help="redraw every N batches in training")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--resolution", type=int, default=200)
    args = parser.parse_args()

    X, y = blobs()
    torch.manual_seed(0)
    rows = []

    def train(callbacks: list) -> tuple[float, float, LinearSVM]:
        model = LinearSVM(2)
        start, cpu = time.perf_counter(), time.process_time()
        fit(model, X, y, loss="hinge", epochs=args.epochs, batch_size=32, lr=0.1,
            weight_decay=0.01, callbacks=callbacks, progress=False, seed=0)
        return time.perf_counter() - start, time.process_time() - cpu, model

    batches = args.epochs * int(np.ceil(len(X) / 32))
    seconds, cpu, model = train([])
    rows.append(("training, no plot", batches, 0, seconds, cpu))

    animation = MarginAnimation(X, y, resolution=args.resolution, live=False)
    animation.add_frame(model)  # builds the figure and the grid tensor once
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(args.frames):
        animation.add_frame(model)
    rows.append(("redraw only", 0, args.frames, time.perf_counter() - start,
                 time.process_time() - cpu))

    animation = MarginAnimation(X, y, every=args.every, resolution=args.resolution, live=False)
    seconds, cpu, _ = train([animation])
    rows.append((f"training + redraw every {args.every}", batches, animation.drawn, seconds,
                 cpu))

    print(f"MarginAnimation redraw on a {args.resolution}×{args.resolution} grid, "
          f"{len(X)} points, torch {torch.__version__} on CPU ({os.cpu_count()} cores)")
    # Wall-clock fps depends on other load on the machine; fps per CPU-second does much less.
    print(f"{'run':<28} {'batches':>8} {'frames':>7} {'seconds':>8} {'fps':>6} "
          f"{'cpu s':>7} {'fps/cpu s':>9}")
    for name, n_batches, frames, seconds, cpu in rows:
        fps = f"{frames / seconds:6.1f}" if frames else f"{'-':>6}"
        fps_cpu = f"{frames / cpu:9.1f}" if frames else f"{'-':>9}"
        print(f"{name:<28} {n_batches:>8} {frames:>7} {seconds:>8.2f} {fps} {cpu:>7.2f} "
              f"{fps_cpu}")
    print(f"frame size: {np.mean([len(f) for f in animation.frames]) / 1024:.1f} KiB "
          f"({animation.image_format}); replay HTML {len(animation.to_html()) / 2**20:.2f} MB "
          f"for {animation.frame_count} frames")


if __name__ == "__main__":
    main()
