"""svmkit.torch.ddp: sharding, launch checks, and N processes reproducing one process.

The multi-process tests start real gloo process groups with `python -m torch.distributed.run`
(torchrun) on 127.0.0.1, in float64 on a small MNIST subset; the whole file takes well under a
minute on a 2-core CPU.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from svmkit.torch.ddp import Rendezvous, per_rank_batch, rendezvous_from_env, shard_indices

ROOT = Path(__file__).resolve().parents[1]
# Small but not trivial: 500 images, D = 256, three epochs of 7 global batches of 64 (the last
# 52 rows of every epoch's permutation are dropped, in every world size alike).
RUN = ["--n-train", "500", "--n-test", "500", "--epochs", "3", "--output-dim", "256",
       "--batch-size", "64", "--dtype", "float64", "--seed", "3", "--lr", "0.01"]  # fmt: skip
LAUNCH_VARIABLES = ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in LAUNCH_VARIABLES}
    env.update(
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        SVMKIT_OFFLINE="1", OMP_NUM_THREADS="1",
        GLOO_SOCKET_IFNAME="lo0" if sys.platform == "darwin" else "lo",
    )  # fmt: skip
    env.update(extra)
    return env


def _command(args: list[str], **extra: str) -> dict:
    return {"args": [sys.executable, *args], "cwd": ROOT, "env": _env(**extra), "text": True,
            "stdout": subprocess.PIPE, "stderr": subprocess.PIPE}  # fmt: skip


def _run(args: list[str], *, timeout: float = 90, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(**_command(args, **extra), timeout=timeout)


def _launch_command(name: str, out: Path) -> dict:
    """Keyword arguments of Popen for one launch: plain python, or torchrun with N processes."""
    if name == "python":
        return _command(["-m", "svmkit.torch.ddp", *RUN, "--out", str(out)])
    nproc = name.split()[-1]
    return _command(
        ["-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={nproc}",
         "-m", "svmkit.torch.ddp", *RUN, "--out", str(out)], MASTER_ADDR="127.0.0.1",
    )  # fmt: skip


# --- sharding -----------------------------------------------------------------------------------


@pytest.mark.parametrize("n, world_size", [(10, 1), (10, 2), (11, 3), (64, 4), (7, 7)])
@pytest.mark.parametrize("epoch", [0, 5])
def test_shards_are_disjoint_equal_and_cover_the_data(n, world_size, epoch):
    shards = [shard_indices(n, rank, world_size, seed=1, epoch=epoch) for rank in range(world_size)]
    together = np.concatenate(shards)
    assert all(len(shard) == n // world_size for shard in shards)
    assert len(set(together.tolist())) == len(together)  # disjoint
    assert set(together.tolist()) <= set(range(n))
    # Only the tail of the epoch's permutation that does not fill every rank is left out.
    assert len(together) == n - n % world_size
    if n % world_size == 0:
        assert sorted(together.tolist()) == list(range(n))


def test_rank_batches_together_are_the_single_process_batch():
    n, world_size, b, seed, epoch = 103, 4, 5, 7, 2
    single = shard_indices(n, 0, 1, seed, epoch)
    shards = [shard_indices(n, r, world_size, seed, epoch) for r in range(world_size)]
    for k in range(n // (world_size * b)):
        ranks = np.concatenate([shard[k * b : (k + 1) * b] for shard in shards])
        global_batch = single[k * world_size * b : (k + 1) * world_size * b]
        assert sorted(ranks.tolist()) == sorted(global_batch.tolist())


def test_every_epoch_reshuffles_the_same_way_on_every_rank():
    assert not np.array_equal(shard_indices(50, 0, 2, 0, 0), shard_indices(50, 0, 2, 0, 1))
    assert np.array_equal(shard_indices(50, 1, 2, 0, 3), shard_indices(50, 1, 2, 0, 3))
    assert not np.array_equal(shard_indices(50, 0, 1, 0, 0), shard_indices(50, 0, 1, 1, 0))


def test_shard_indices_rejects_bad_ranks():
    with pytest.raises(ValueError, match="world_size"):
        shard_indices(10, 2, 2, seed=0, epoch=0)
    with pytest.raises(ValueError, match="world_size"):
        shard_indices(10, 0, 0, seed=0, epoch=0)


# --- launch checks ------------------------------------------------------------------------------


def test_global_batch_must_divide_among_the_ranks():
    assert per_rank_batch(128, 4) == 32
    with pytest.raises(ValueError, match="--batch-size 100 is not divisible by the world size 3"):
        per_rank_batch(100, 3)


MEET = {"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": "29500"}


def test_rendezvous_reads_torchrun_variables():
    assert rendezvous_from_env({}) == Rendezvous()
    env = {"RANK": "2", "WORLD_SIZE": "4", "LOCAL_RANK": "0", **MEET}
    assert rendezvous_from_env(env) == Rendezvous(2, 4, 0, distributed=True)


@pytest.mark.parametrize(
    "env, error, match",
    [
        ({"RANK": "0", "WORLD_SIZE": "0", **MEET}, ValueError, "bad world size.*got 0"),
        ({"RANK": "0", "WORLD_SIZE": "-2", **MEET}, ValueError, "bad world size"),
        ({"RANK": "0", "WORLD_SIZE": "two", **MEET}, ValueError, "WORLD_SIZE must be an integer"),
        ({"RANK": "2", "WORLD_SIZE": "2", **MEET}, ValueError, r"RANK must be in \[0, WORLD_SIZE"),
        ({"RANK": "0", "WORLD_SIZE": "2"}, RuntimeError, "missing rendezvous.*MASTER_ADDR"),
        ({"RANK": "0", "WORLD_SIZE": "2", "MASTER_ADDR": "h"}, RuntimeError, "MASTER_PORT"),
        ({"RANK": "0"}, RuntimeError, "WORLD_SIZE is missing.*torchrun"),
        ({"WORLD_SIZE": "2", **MEET}, RuntimeError, "RANK is missing.*torchrun"),
    ],
)
def test_bad_launch_variables_are_named(env, error, match):
    with pytest.raises(error, match=match):
        rendezvous_from_env(env)


@pytest.mark.timeout(60)
def test_command_line_explains_a_missing_rendezvous():
    result = _run(["-m", "svmkit.torch.ddp", *RUN], timeout=50, RANK="0", WORLD_SIZE="2")
    assert result.returncode == 2, result.stderr
    assert "missing rendezvous variables MASTER_ADDR, MASTER_PORT" in result.stderr
    assert "torchrun --standalone --nproc_per_node" in result.stderr


@pytest.mark.timeout(60)
def test_command_line_rejects_an_indivisible_batch_before_the_ranks_meet():
    # Nobody listens on the port: the check must fail at once, not wait for the other ranks.
    result = _run(["-m", "svmkit.torch.ddp", *RUN, "--timeout", "5"], timeout=50,
                  RANK="0", WORLD_SIZE="3", **MEET)  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "--batch-size 64 is not divisible by the world size 3" in result.stderr


# --- N processes reproduce one ------------------------------------------------------------------


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, dict[str, np.ndarray]]:
    """The three launches side by side (each is mostly start-up: importing torch, loading MNIST)."""
    folder = tmp_path_factory.mktemp("ddp")
    outs = {name: folder / (name.replace(" ", "") + ".npz")
            for name in ("python", "torchrun 1", "torchrun 2")}  # fmt: skip
    processes = {name: subprocess.Popen(**_launch_command(name, out)) for name, out in outs.items()}
    results = {}
    try:
        for name, process in processes.items():
            stdout, stderr = process.communicate(timeout=180)
            assert process.returncode == 0, f"{name}:\n{stdout}\n{stderr[-3000:]}"
            with np.load(outs[name]) as data:
                results[name] = {key: data[key] for key in data.files}
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
    return results


@pytest.mark.timeout(240)
def test_processes_reproduce_the_single_process_weights(runs):
    # One test for both launches, so that pytest-xdist never starts the three runs twice.
    one = runs["python"]
    assert one["weight"].dtype == np.float64 and one["weight"].shape == (10, 256)
    assert np.abs(one["weight"]).max() > 1e-3  # it trained: the agreement is not vacuous
    assert one["train_loss"][-1] < 0.5 * one["train_loss"][0]
    for launch in ("torchrun 1", "torchrun 2"):
        other = runs[launch]
        assert int(other["world_size"]) == int(launch[-1])
        for key in ("weight", "bias"):
            np.testing.assert_allclose(other[key], one[key], rtol=0, atol=1e-10, err_msg=launch)
        np.testing.assert_allclose(other["train_loss"], one["train_loss"], rtol=1e-10)
        assert float(other["test_accuracy"]) == float(one["test_accuracy"]) > 0.5
