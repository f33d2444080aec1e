"""Shared pytest set-up: quiet frameworks, `gpu` marker, repository root, one torch thread."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
# pytest-xdist runs one worker per core; more threads per worker only oversubscribe the CPU
# (small torch ops ran ~20x slower with the default thread count on a 2-core machine).
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

REPO_ROOT = Path(__file__).resolve().parents[1]


def _cuda_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip tests marked ``gpu`` on machines without CUDA (they run where a GPU is lent)."""
    if any(item.get_closest_marker("gpu") for item in items) and not _cuda_available():
        skip = pytest.mark.skip(reason="needs a CUDA device (torch.cuda.is_available() is False)")
        for item in items:
            if item.get_closest_marker("gpu"):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root (where _config.yml lives)."""
    return REPO_ROOT


@pytest.fixture(scope="module")
def torch_single_thread():
    """One intra-op torch thread for a whole test module, restored afterwards.

    Tiny tensors: intra-op threads only add synchronisation, and on a shared CPU oversubscribed
    OpenMP threads make each op ~20x slower. Modules opt in with
    ``pytestmark = pytest.mark.usefixtures("torch_single_thread")``.
    """
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)
