"""Data-parallel training of the MNIST random-feature SVM with ``DistributedDataParallel``.

Run it on one machine with N processes (gloo on CPUs, NCCL on GPUs)::

    torchrun --standalone --nproc_per_node=2 -m svmkit.torch.ddp \\
        --n-train 60000 --epochs 10 --dtype float64 --seed 0 --out run.npz

and with ``--nproc_per_node=1``, or as plain ``python -m svmkit.torch.ddp``, it is the
single-process run. Every rank builds the same :class:`~svmkit.torch.RandomFourierFeatures`
from the shared seed; every epoch, :func:`shard_indices` (a
:class:`torch.utils.data.distributed.DistributedSampler`) deals each rank a disjoint shard of one
shared permutation of the training set. A rank computes the features of its own batches (never
the full n × D matrix), and ``DistributedDataParallel`` averages the gradients of the linear
head. The gradient of a mean loss is the mean of the shard gradients when the shards have equal
size, so N processes with a per-rank batch of ``global / N`` take exactly the steps of one process
with the global batch: the weights agree to rounding (about 1e-15 in float64). The incomplete
last batch of an epoch is dropped (as ``drop_last=True``), in every world size alike.

Rank 0 writes ``weight``, ``bias``, ``test_accuracy``, the per-epoch ``train_loss``,
``world_size``, ``seconds``, ``cpu_seconds`` and the arguments (``args``, JSON) into the ``--out``
file.

Examples
--------
>>> shard_indices(10, rank=0, world_size=2, seed=0, epoch=0).tolist()
[4, 7, 3, 0, 6]
>>> shard_indices(10, rank=1, world_size=2, seed=0, epoch=0).tolist()
[1, 5, 9, 8, 2]
>>> per_rank_batch(128, world_size=4)
32
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import logging
import os
import sys
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch
import torch.distributed as dist
from torch import Tensor, nn
from torch.utils.data.distributed import DistributedSampler

from svmkit.contract import MULTICLASS_LOSSES, OPTIMIZERS, FeatureSpec, TrainSpec
from svmkit.torch.layers import LinearSVM, RandomFourierFeatures
from svmkit.torch.losses import multiclass_hinge_loss

__all__ = [
    "Rendezvous",
    "build_parser",
    "load_data",
    "main",
    "per_rank_batch",
    "rendezvous_from_env",
    "save_result",
    "shard_indices",
    "train",
]

_LOG = logging.getLogger(__name__)
_N_CLASSES = 10
_LAUNCH = (
    "start it with torchrun, which sets RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and "
    "MASTER_PORT for every process, e.g.\n"
    "  torchrun --standalone --nproc_per_node=2 -m svmkit.torch.ddp --n-train 60000 ...\n"
    "or run `python -m svmkit.torch.ddp ...` with none of these variables set for one process"
)
_DTYPES = {"float32": torch.float32, "float64": torch.float64}


@dataclasses.dataclass(frozen=True)
class Rendezvous:
    """Where this process sits in the job: its rank among ``world_size`` processes.

    ``distributed`` is False for a plain single-process run (no torchrun variables set), which
    needs no process group.
    """

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    distributed: bool = False


def _int_variable(env: Mapping[str, str], name: str) -> int:
    value = env[name]
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {value!r}; {_LAUNCH}") from None


def rendezvous_from_env(env: Mapping[str, str] | None = None) -> Rendezvous:
    """Read and check the variables that ``torchrun`` sets for every process.

    Parameters
    ----------
    env : mapping or None, default=None
        The environment to read; ``None`` reads ``os.environ``.

    Returns
    -------
    Rendezvous
        ``Rendezvous()`` (one process, not distributed) when neither ``RANK`` nor ``WORLD_SIZE``
        is set.

    Raises
    ------
    RuntimeError
        If the launch is incomplete: ``RANK`` without ``WORLD_SIZE`` (or the reverse), or no
        ``MASTER_ADDR``/``MASTER_PORT`` to meet at. The message says how to start with torchrun.
    ValueError
        If ``WORLD_SIZE`` is not a positive integer, ``RANK`` or ``LOCAL_RANK`` is out of range,
        or ``MASTER_PORT`` is not a port number.

    Examples
    --------
    >>> rendezvous_from_env({})
    Rendezvous(rank=0, world_size=1, local_rank=0, distributed=False)
    >>> env = {"RANK": "1", "WORLD_SIZE": "2", "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": "29500"}
    >>> rendezvous_from_env(env)
    Rendezvous(rank=1, world_size=2, local_rank=1, distributed=True)
    >>> rendezvous_from_env({"RANK": "0", "WORLD_SIZE": "0"})
    Traceback (most recent call last):
    ...
    ValueError: bad world size: WORLD_SIZE must be a positive integer, got 0
    """
    env = os.environ if env is None else env
    present = [name for name in ("RANK", "WORLD_SIZE") if name in env]
    if not present:
        return Rendezvous()
    if len(present) == 1:
        missing = "WORLD_SIZE" if present == ["RANK"] else "RANK"
        raise RuntimeError(f"{present[0]} is set but {missing} is missing; {_LAUNCH}")
    world_size = _int_variable(env, "WORLD_SIZE")
    if world_size < 1:
        raise ValueError(f"bad world size: WORLD_SIZE must be a positive integer, got {world_size}")
    rank = _int_variable(env, "RANK")
    if not 0 <= rank < world_size:
        raise ValueError(f"RANK must be in [0, WORLD_SIZE={world_size}), got {rank}")
    local_rank = _int_variable(env, "LOCAL_RANK") if "LOCAL_RANK" in env else rank
    if not 0 <= local_rank < world_size:
        raise ValueError(f"LOCAL_RANK must be in [0, WORLD_SIZE={world_size}), got {local_rank}")
    missing = [name for name in ("MASTER_ADDR", "MASTER_PORT") if not env.get(name)]
    if missing:
        raise RuntimeError(
            f"missing rendezvous variables {', '.join(missing)} (the address and port where the "
            f"{world_size} processes meet); {_LAUNCH}"
        )
    port = _int_variable(env, "MASTER_PORT")
    if not 0 < port < 65536:
        raise ValueError(f"MASTER_PORT must be a port number in 1..65535, got {port}")
    return Rendezvous(rank, world_size, local_rank, distributed=True)


def per_rank_batch(global_batch: int, world_size: int) -> int:
    """The batch each of ``world_size`` ranks takes so that together they take ``global_batch``.

    Raises
    ------
    ValueError
        If ``global_batch`` is not a multiple of ``world_size``: unequal shards would weight the
        ranks' mean losses unequally and break the equivalence with one process.

    Examples
    --------
    >>> per_rank_batch(100, 3)
    Traceback (most recent call last):
    ...
    ValueError: the global --batch-size 100 is not divisible by the world size 3
    """
    if world_size < 1:
        raise ValueError(f"bad world size: must be a positive integer, got {world_size}")
    if global_batch % world_size:
        raise ValueError(
            f"the global --batch-size {global_batch} is not divisible by the world size "
            f"{world_size}"
        )
    return global_batch // world_size


def shard_indices(n: int, rank: int, world_size: int, seed: int, epoch: int) -> np.ndarray:
    """The training rows rank ``rank`` visits in epoch ``epoch``, in order.

    One permutation of ``range(n)``, drawn from ``seed + epoch`` and the same on every rank, is
    truncated to a multiple of ``world_size`` and dealt out: rank r gets positions
    ``r, r + N, r + 2N, …`` (this is :class:`~torch.utils.data.distributed.DistributedSampler`
    with ``shuffle=True, drop_last=True``). So the shards of one epoch are disjoint, and the k-th
    batch of b rows of every rank together are the k-th batch of ``N·b`` rows of the permutation:
    exactly what one process with the global batch ``N·b`` takes.

    Parameters
    ----------
    n : int
        Number of training rows.
    rank, world_size : int
        This process's rank and the number of processes.
    seed : int
        Shared seed of the permutations.
    epoch : int
        Epoch number: a new permutation every epoch.

    Returns
    -------
    numpy.ndarray of int64, shape (n // world_size,)

    Examples
    --------
    >>> shards = [shard_indices(7, r, 3, seed=1, epoch=2) for r in range(3)]
    >>> sorted(np.concatenate(shards).tolist()) == sorted(set(np.concatenate(shards).tolist()))
    True
    >>> [len(s) for s in shards]
    [2, 2, 2]
    """
    if world_size < 1 or not 0 <= rank < world_size:
        raise ValueError(f"bad world size or rank: rank {rank} of world_size {world_size}")
    if n < world_size:
        raise ValueError(f"n = {n} training rows cannot be shared by {world_size} ranks")
    sampler = DistributedSampler(
        range(n), num_replicas=world_size, rank=rank, shuffle=True, seed=seed, drop_last=True
    )
    sampler.set_epoch(epoch)
    return np.fromiter(iter(sampler), dtype=np.int64, count=len(sampler))


_EPILOG = """\
examples:
  one process:    python -m svmkit.torch.ddp --n-train 60000 --epochs 10 --out run.npz
  two processes:  torchrun --standalone --nproc_per_node=2 -m svmkit.torch.ddp --n-train 60000 \\
                      --epochs 10 --dtype float64 --seed 0 --out run.npz
  two nodes:      torchrun --nnodes=2 --nproc_per_node=4 --rdzv-backend=c10d \\
                      --rdzv-endpoint=HOST:29400 --rdzv-id=JOB -m svmkit.torch.ddp --device cuda ...

The penalty: λ = a² D / (4 C n K) for features of amplitude a (1, or sqrt(2/D) with --normalize),
n training rows and K = 10 classes (K = 1 for crammer_singer), as in chapter 9. The same --seed and
global --batch-size give the same model for any number of processes.
"""


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``python -m svmkit.torch.ddp`` (see ``--help``).

    Examples
    --------
    >>> args = build_parser().parse_args(["--batch-size", "256", "--dtype", "float64"])
    >>> args.batch_size, args.dtype, args.n_train
    (256, 'float64', 60000)
    """
    parser = argparse.ArgumentParser(
        prog="python -m svmkit.torch.ddp",
        description=(
            "Train the MNIST random-feature SVM with DistributedDataParallel: every process\n"
            "trains on its shard, the gradients are averaged (gloo on CPUs, NCCL on GPUs), and\n"
            "rank 0 writes weight, bias and test_accuracy to --out. Start N processes with\n"
            "torchrun; without torchrun it is the single-process run."
        ),
        epilog=_EPILOG,
        formatter_class=lambda prog: _HelpFormatter(prog, max_help_position=28),
    )
    add = parser.add_argument
    add("--n-train", type=int, default=60_000, metavar="N", help="first N training images")
    add("--n-test", type=int, default=10_000, metavar="N", help="first N test images to score")
    add("--deskew", action="store_true", help="deskew the digits first (svmkit.data.deskew)")
    add(
        "--output-dim",
        type=int,
        default=FeatureSpec.output_dim,
        metavar="D",
        help="number of random features D",
    )
    add("--sigma", type=float, default=5.0, help="kernel width σ (chapter 10's value)")
    add(
        "--normalize",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="features of amplitude sqrt(2/D) instead of plain cosines (chapters 9-10)",
    )
    add("--loss", choices=MULTICLASS_LOSSES, default="squared_ovr", help="multiclass hinge loss")
    penalty = parser.add_mutually_exclusive_group()
    penalty.add_argument("--C", type=float, default=1.0, help="scikit-learn's C, turned into λ")
    penalty.add_argument("--lam", type=float, default=None, help="the penalty λ itself")
    add("--epochs", type=int, default=TrainSpec.epochs, help="passes over the training set")
    add(
        "--batch-size",
        type=int,
        default=128,
        metavar="B",
        help="GLOBAL batch: each of N processes takes B / N rows per step",
    )
    add("--optimizer", choices=OPTIMIZERS, default="adam", help="optimizer")
    add("--lr", type=float, default=1e-3, help="learning rate")
    add("--lr-decay", type=float, default=None, help="multiply the rate by this after every step")
    add("--seed", type=int, default=0, help="shared seed of the features and the shuffling")
    add("--dtype", choices=sorted(_DTYPES), default="float32", help="floating-point type")
    add(
        "--device",
        choices=("auto", "cpu", "cuda"),
        default="auto",
        help="auto: cuda:LOCAL_RANK when CUDA is available (NCCL), else cpu (gloo)",
    )
    add(
        "--timeout",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="how long to wait for the other processes",
    )
    add(
        "--out",
        default=None,
        metavar="FILE.npz",
        help="rank 0 writes weight, bias, test_accuracy, train_loss and the arguments here",
    )
    return parser  # fmt: skip


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Defaults shown after every option; the examples in the epilog keep their lines."""


def _specs(args: argparse.Namespace) -> tuple[FeatureSpec, TrainSpec]:
    """Check the arguments through the shared contract; λ from C as in chapter 9."""
    features = FeatureSpec(
        sigma=args.sigma, output_dim=args.output_dim, normalize=args.normalize, seed=args.seed
    )
    recipe = TrainSpec(
        loss=args.loss, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
        optimizer=args.optimizer, lr_decay=args.lr_decay, seed=args.seed,
    )  # fmt: skip
    if args.lam is not None:
        return features, dataclasses.replace(recipe, lam=args.lam)
    # The loss averages over n·K terms; features of amplitude a: λ = a² D / (4 C n K).
    terms = args.n_train * (1 if args.loss == "crammer_singer" else _N_CLASSES)
    lam = TrainSpec.from_C(args.C, n_samples=terms).lam * features.amplitude**2
    return features, dataclasses.replace(recipe, lam=lam * features.output_dim / 2)


def load_data(
    args: argparse.Namespace, device: torch.device
) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """MNIST as chapter 10 uses it: flattened rows in [0, 1] (deskewed on request), on ``device``.

    Returns ``X_train, y_train, X_test, y_test`` with the first ``--n-train`` and ``--n-test``
    images, features in ``--dtype`` and labels as int64 class indices.

    Examples
    --------
    >>> args = build_parser().parse_args(["--n-train", "100", "--n-test", "50", "--dtype=float64"])
    >>> X, y, X_test, y_test = load_data(args, torch.device("cpu"))
    >>> tuple(X.shape), X.dtype, tuple(y_test.shape), float(X.max()) <= 1.0
    ((100, 784), torch.float64, (50,), True)
    """
    from svmkit.data import deskew, flatten_images, load_mnist

    x_train, y_train, x_test, y_test = load_mnist()
    x_train, y_train = x_train[: args.n_train], y_train[: args.n_train]
    x_test, y_test = x_test[: args.n_test], y_test[: args.n_test]
    if args.deskew:
        x_train, x_test = deskew(x_train), deskew(x_test)
    dtype = _DTYPES[args.dtype]

    def rows(x: np.ndarray) -> Tensor:
        return torch.from_numpy(flatten_images(x)).to(device=device, dtype=dtype)

    def labels(y: np.ndarray) -> Tensor:
        return torch.from_numpy(y.astype(np.int64)).to(device)

    return rows(x_train), labels(y_train), rows(x_test), labels(y_test)


def _check_args(args: argparse.Namespace, rendezvous: Rendezvous) -> tuple[int, int]:
    """Everything that can be checked before the ranks meet; returns (n_train, per-rank batch)."""
    for name in ("n_train", "n_test", "epochs", "batch_size", "output_dim"):
        if getattr(args, name) < 1:
            option = "--" + name.replace("_", "-")
            raise ValueError(f"{option} must be a positive integer, got {getattr(args, name)}")
    if args.n_train > 60_000 or args.n_test > 10_000:
        raise ValueError("MNIST has 60000 training and 10000 test images: lower --n-train/--n-test")
    if args.timeout <= 0:
        raise ValueError(f"--timeout must be positive, got {args.timeout}")
    batch = per_rank_batch(args.batch_size, rendezvous.world_size)
    if args.batch_size > args.n_train:
        raise ValueError(
            f"the global --batch-size {args.batch_size} exceeds --n-train {args.n_train}: "
            "an epoch would take no step (the incomplete last batch is dropped)"
        )
    return args.n_train, batch


def _device(args: argparse.Namespace, rendezvous: Rendezvous) -> torch.device:
    if args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available()):
        if not torch.cuda.is_available():
            raise RuntimeError("--device cuda was asked for but CUDA is not available")
        return torch.device("cuda", rendezvous.local_rank % torch.cuda.device_count())
    return torch.device("cpu")


def _start(rendezvous: Rendezvous, device: torch.device, timeout: float) -> None:
    """Join the process group: NCCL between GPUs, gloo between CPU processes."""
    if not rendezvous.distributed:
        return
    backend = "nccl" if device.type == "cuda" else "gloo"
    if device.type == "cuda":
        torch.cuda.set_device(device)
    dist.init_process_group(backend, init_method="env://", rank=rendezvous.rank,
                            world_size=rendezvous.world_size,
                            timeout=datetime.timedelta(seconds=timeout))  # fmt: skip
    _LOG.info("rank %d of %d joined (%s)", rendezvous.rank, rendezvous.world_size, backend)


def _all_sum(values: Tensor, rendezvous: Rendezvous) -> Tensor:
    """Sum ``values`` over the ranks (identity for one process)."""
    if rendezvous.distributed:
        dist.all_reduce(values, op=dist.ReduceOp.SUM)
    return values


@dataclasses.dataclass
class _Run:
    """One rank's training run."""

    rff: RandomFourierFeatures
    head: LinearSVM
    model: nn.Module  # the head, wrapped in DDP when distributed
    optimizer: torch.optim.Optimizer
    scheduler: torch.optim.lr_scheduler.LRScheduler | None
    recipe: TrainSpec
    rendezvous: Rendezvous
    batch: int

    def objective(self, xb: Tensor, yb: Tensor) -> Tensor:
        """Mean loss over this rank's batch plus ``λ ‖W‖²`` (the features need no gradient)."""
        with torch.no_grad():
            features = self.rff(xb)
        loss = multiclass_hinge_loss(self.model(features), yb, kind=self.recipe.loss)
        return loss + self.recipe.lam * self.head.weight.square().sum()


def _build(args: argparse.Namespace, rendezvous: Rendezvous, batch: int, d: int,
           device: torch.device) -> _Run:  # fmt: skip
    features, recipe = _specs(args)
    dtype = _DTYPES[args.dtype]
    rff = RandomFourierFeatures(
        d, features.output_dim, sigma=features.sigma, seed=features.seed,
        normalize=features.normalize, device=device, dtype=dtype,
    )  # fmt: skip
    head = LinearSVM(features.output_dim, _N_CLASSES, device=device, dtype=dtype)
    model: nn.Module = head
    if rendezvous.distributed:
        ids = [device.index] if device.type == "cuda" else None
        model = nn.parallel.DistributedDataParallel(head, device_ids=ids)
    opt_class = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}[recipe.optimizer]
    optimizer = opt_class(head.parameters(), lr=recipe.lr)
    scheduler = None
    if recipe.lr_decay:
        scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, recipe.lr_decay)
    return _Run(rff, head, model, optimizer, scheduler, recipe, rendezvous, batch)


def _epoch(run: _Run, X: Tensor, y: Tensor, epoch: int) -> float:
    """One pass over this rank's shard; returns the epoch's mean objective over all ranks."""
    rdv = run.rendezvous
    index = torch.from_numpy(shard_indices(X.shape[0], rdv.rank, rdv.world_size,
                                           run.recipe.seed or 0, epoch)).to(X.device)  # fmt: skip
    total = torch.zeros(2, dtype=torch.float64, device=X.device)
    run.model.train()
    for start in range(0, len(index) - run.batch + 1, run.batch):
        rows = index[start : start + run.batch]
        objective = run.objective(X.index_select(0, rows), y.index_select(0, rows))
        run.optimizer.zero_grad(set_to_none=True)
        objective.backward()  # DDP all-reduces (averages) the gradients here
        run.optimizer.step()
        if run.scheduler is not None:
            run.scheduler.step()
        total[0] += objective.detach().double()
        total[1] += 1
    total = _all_sum(total, rdv)
    return float(total[0] / total[1])


def _test_accuracy(run: _Run, X: Tensor, y: Tensor, chunk: int = 4096) -> float:
    """Accuracy on the test rows, each rank scoring every N-th row, counts summed over ranks."""
    rdv = run.rendezvous
    mine = torch.arange(rdv.rank, X.shape[0], rdv.world_size, device=X.device)
    correct = torch.zeros((), dtype=torch.float64, device=X.device)
    run.head.eval()
    with torch.no_grad():
        for start in range(0, len(mine), chunk):
            rows = mine[start : start + chunk]
            scores = run.head(run.rff(X.index_select(0, rows)))
            correct += (scores.argmax(1) == y.index_select(0, rows)).sum()
    return float(_all_sum(correct, rdv)) / X.shape[0]


def train(args: argparse.Namespace, rendezvous: Rendezvous | None = None) -> dict[str, Any]:
    """Train on this rank's shards and return the run's results (the same on every rank).

    Parameters
    ----------
    args : argparse.Namespace
        From ``build_parser().parse_args(...)``.
    rendezvous : Rendezvous or None, default=None
        ``None`` reads the torchrun variables (:func:`rendezvous_from_env`).

    Returns
    -------
    dict
        ``weight`` (10, D) and ``bias`` (10,) as numpy arrays, ``test_accuracy``, the per-epoch
        ``train_loss`` (mean objective over all ranks' batches), ``world_size``, ``seconds``
        (wall clock of the training and scoring, data loading excluded) and ``cpu_seconds`` (the
        CPU time of the same part, summed over the ranks).

    Raises
    ------
    ValueError, RuntimeError
        For bad arguments or launch variables, before any process group is joined.

    Examples
    --------
    >>> args = build_parser().parse_args(["--n-train", "512", "--n-test", "500", "--epochs", "4",
    ...                                   "--output-dim", "256", "--lr", "0.01"])
    >>> result = train(args, Rendezvous())  # one process; under torchrun: rendezvous_from_env()
    >>> result["weight"].shape, result["test_accuracy"] > 0.6
    ((10, 256), True)
    """
    rendezvous = rendezvous_from_env() if rendezvous is None else rendezvous
    _, batch = _check_args(args, rendezvous)
    _specs(args)  # contract checks, before the ranks meet
    device = _device(args, rendezvous)
    X, y, X_test, y_test = load_data(args, device)
    _start(rendezvous, device, args.timeout)
    try:
        start, cpu_start = time.perf_counter(), time.process_time()
        run = _build(args, rendezvous, batch, X.shape[1], device)
        losses = []
        for epoch in range(args.epochs):
            losses.append(_epoch(run, X, y, epoch))
            _LOG.info("epoch %d: objective %.6f", epoch + 1, losses[-1])
        accuracy = _test_accuracy(run, X_test, y_test)
        seconds = time.perf_counter() - start
        cpu = torch.tensor(time.process_time() - cpu_start, dtype=torch.float64, device=device)
        cpu_seconds = float(_all_sum(cpu, rendezvous))
    finally:
        if rendezvous.distributed:
            dist.destroy_process_group()
    return {
        "weight": run.head.weight.detach().cpu().numpy(),
        "bias": run.head.bias.detach().cpu().numpy(),
        "test_accuracy": accuracy,
        "train_loss": np.array(losses),
        "world_size": rendezvous.world_size,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
    }


def save_result(path: str, result: Mapping[str, Any], args: argparse.Namespace) -> None:
    """Write ``result`` and the arguments (as JSON under ``args``) into the ``.npz`` at ``path``.

    Examples
    --------
    >>> import tempfile
    >>> path = tempfile.mkdtemp() + "/run.npz"
    >>> save_result(path, {"test_accuracy": 0.98}, build_parser().parse_args(["--seed", "4"]))
    >>> with np.load(path) as saved:
    ...     float(saved["test_accuracy"]), json.loads(str(saved["args"]))["seed"]
    (0.98, 4)
    """
    np.savez(path, **result, args=json.dumps(vars(args), sort_keys=True))


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: parse, train, and on rank 0 write ``--out`` and a one-line summary.

    Launch and argument mistakes exit with status 2 and one line naming the problem, before any
    process group is joined; later failures keep their traceback.

    Examples
    --------
    >>> main(["--n-train", "256", "--n-test", "100", "--epochs", "1", "--output-dim", "64"])
    world size 1: test accuracy ..., ... s, final objective ...
    0
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        rendezvous = rendezvous_from_env()
        _check_args(args, rendezvous)
        _specs(args)
    except (ValueError, RuntimeError, TypeError) as error:
        parser.exit(2, f"{parser.prog}: error: {error}\n")
    result = train(args, rendezvous)
    if rendezvous.rank == 0:
        if args.out:
            save_result(args.out, result, args)
        sys.stdout.write(
            f"world size {result['world_size']}: test accuracy {result['test_accuracy']:.4f}, "
            f"{result['seconds']:.1f} s, final objective {result['train_loss'][-1]:.6f}"
            + (f"; wrote {args.out}" if args.out else "")
            + "\n"
        )
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    sys.exit(main())
