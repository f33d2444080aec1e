"""Helpers for the course pages: numbers in the prose come from the cell that computed them.

The website is built with myst-nb, whose ``glue`` stores a value under a name so that the prose can
insert it (``{glue:text}`accuracy:.1%```). :func:`glue` is that function when myst-nb is installed
and a quiet no-op otherwise (Colab, a plain Jupyter), so the chapters run anywhere unchanged.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def glue(name: str, value: T) -> T:
    """Store ``value`` under ``name`` for the page's prose, and return it unchanged.

    Parameters
    ----------
    name : str
        The key the prose refers to, e.g. ``"ch2_accuracy"`` in ``{glue:text}`ch2_accuracy:.1%```.
    value : object
        A number (or any object myst-nb can display as text).

    Returns
    -------
    object
        ``value`` itself, so that ``accuracy = glue("ch2_accuracy", accuracy)`` reads naturally.

    Examples
    --------
    >>> glue("example_margin", 1.668)
    1.668
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be an identifier-like string, got {name!r}")
    try:
        from myst_nb import glue as myst_glue
    except ImportError:  # Colab or plain Jupyter: nothing to glue into
        return value
    myst_glue(name, _plain(value), display=False)
    return value


def _plain(value: Any) -> Any:
    """numpy and torch scalars become Python numbers, so format specs like ``:.1%`` work."""
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "ndim", 0) == 0:
        return item()
    return value


def reading_minutes(notebook: str | Path, *, words_per_minute: int = 200) -> float | None:
    """Minutes a reader needs for the prose of a notebook (its markdown cells), or None if absent.

    Parameters
    ----------
    notebook : str or Path
        The chapter's ``.ipynb`` file (the book build runs each chapter from its own folder, so the
        file name alone finds it; in Colab the file is not there and the answer is None).
    words_per_minute : int, optional
        Reading speed for technical prose with formulas; 200 is a common estimate.

    Returns
    -------
    float or None

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "page.ipynb"
    >>> cell = {"cell_type": "markdown", "source": ["word " * 400], "metadata": {}}
    >>> _ = path.write_text(json.dumps({"cells": [cell]}))
    >>> reading_minutes(path)
    2.0
    """
    if not isinstance(words_per_minute, int) or words_per_minute <= 0:
        raise ValueError(f"words_per_minute must be a positive integer, got {words_per_minute!r}")
    path = Path(notebook)
    if not path.is_file():
        return None
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    words = sum(
        len("".join(cell["source"]).split()) for cell in cells if cell["cell_type"] == "markdown"
    )
    return words / words_per_minute


def peak_memory_gb() -> float | None:
    """Peak resident memory of this process so far, in GB (None where the OS does not say).

    Examples
    --------
    >>> peak = peak_memory_gb()
    >>> peak is None or 0 < peak < 1024
    True
    """
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kibibytes, macOS bytes.
    return peak * (1 if sys.platform == "darwin" else 1024) / 1e9


class ChapterClock:
    """Measure a chapter's running time and peak memory; glue them with its reading time.

    Create it in the chapter's first cell and call :meth:`glue` in its last one; the opening
    admonition then shows ``{glue:text}`<prefix>_run_min:.0f``` and
    ``{glue:text}`<prefix>_read_min:.0f```, and ``<prefix>_peak_gb`` (the kernel's peak resident
    memory) feeds the teacher's guide and the check that every chapter fits a free Colab runtime.

    Examples
    --------
    >>> clock = ChapterClock("ch0", "missing.ipynb")
    >>> measured = clock.glue()
    >>> measured["run"] >= 0 and measured["read"] is None
    True
    """

    def __init__(self, prefix: str, notebook: str | Path) -> None:
        if not isinstance(prefix, str) or not prefix.isidentifier():
            raise ValueError(f"prefix must be an identifier-like string, got {prefix!r}")
        self.prefix, self.notebook = prefix, Path(notebook)
        self.start = time.perf_counter()

    def glue(self) -> dict[str, float | None]:
        """Glue the run and read minutes and the peak memory (GB) under the prefix; return them."""
        measured = {
            "run": (time.perf_counter() - self.start) / 60,
            "read": reading_minutes(self.notebook),
            "peak_gb": peak_memory_gb(),
        }
        names = {"run": "run_min", "read": "read_min", "peak_gb": "peak_gb"}
        for kind, value in measured.items():
            if value is not None:
                glue(f"{self.prefix}_{names[kind]}", max(value, 1.0) if kind == "read" else value)
        return measured


# The columns of a GPU results table: (header, key of a benchmarks/mnist.py row, format).
_GPU_COLUMNS = (
    ("method", "method", "{}"),
    ("input", "input", "{}"),
    ("framework", "framework", "{}"),
    ("device", "device", "{}"),
    ("D", "D", "{}"),
    ("C", "C", "{:g}"),
    ("epochs", "epochs", "{}"),
    ("train s", "train s", "{:.1f}"),
    ("predict s", "predict s", "{:.1f}"),
    ("test acc", "test acc", "{:.2%}"),
    ("peak mem", "peak mem", "{}"),
)
_METHOD_ORDER = {"RFF SVM": 0, "RFF SVM + shifts": 1, "RFF SVM + shifts, frontier": 2,
                 "RFF SVM, streamed": 3, "RFF SVM, streamed, D from validation": 4,
                 "quasi-SVM recipe": 5, "SVC": 6}  # fmt: skip


def gpu_benchmarks(folder: str | Path) -> str:
    """The GPU rows of ``benchmarks/mnist.py``'s results files as Markdown, one table per card.

    Reads every ``gpu-*.json`` in ``folder`` (written by ``make bench-gpu``, i.e.
    ``benchmarks/gpu.sh``) and names the card, the machine, the library versions and the dates
    above each table. When there is none, the text says in one sentence how to make one.

    Parameters
    ----------
    folder : str or path-like
        The results folder, ``benchmarks/results`` in the repository (it may be missing, e.g. in
        Colab: then the sentence is returned).

    Returns
    -------
    str
        Markdown, for ``IPython.display.Markdown``.

    Examples
    --------
    >>> import json, tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> gpu_benchmarks(folder).startswith("No GPU results file")
    True
    >>> row = {"method": "RFF SVM", "input": "raw", "framework": "torch", "device": "cuda",
    ...        "D": 16384, "C": 1.0, "epochs": 6, "train s": 2.0, "predict s": 0.1,
    ...        "test acc": 0.9812, "peak mem": "4.20 GB (cuda)",
    ...        "date": "2026-11-26T12:00:00+00:00"}
    >>> results = {"machine": {"gpu": "NVIDIA H100 80GB HBM3", "cpu": "Xeon", "cores": 16},
    ...            "versions": {"torch": "2.11.0", "keras": "3.15.1"}, "rows": [row]}
    >>> _ = (folder / "gpu-nvidia-h100-80gb-hbm3.json").write_text(json.dumps(results))
    >>> print(gpu_benchmarks(folder))  # doctest: +NORMALIZE_WHITESPACE
    **NVIDIA H100 80GB HBM3** (`gpu-nvidia-h100-80gb-hbm3.json`; host CPU Xeon, 16 cores; torch
    2.11.0, keras 3.15.1; measured 2026-11-26)
    <BLANKLINE>
    | method | input | framework | device | D | C | epochs | train s | predict s | test acc | peak
    mem |
    |---|---|---|---|---|---|---|---|---|---|---|
    | RFF SVM | raw | torch | cuda | 16384 | 1 | 6 | 2.0 | 0.1 | 98.12% | 4.20 GB (cuda) |
    """
    files = sorted(Path(folder).glob("gpu-*.json"))
    if not files:
        return (
            "No GPU results file yet (`benchmarks/results/gpu-*.json`): run `make gpu-wheels` on "
            "a machine with internet access, then `make bench-gpu` on a GPU machine (see "
            "`benchmarks/README.md`)."
        )
    parts = []
    for path in files:
        results = json.loads(path.read_text(encoding="utf-8"))
        machine, versions = results.get("machine", {}), results.get("versions", {})
        rows = sorted(
            results.get("rows", []),
            key=lambda r: (_METHOD_ORDER.get(r["method"], 9), r["input"], r["framework"]),
        )
        dates = sorted(str(row.get("date", ""))[:10] for row in rows) or ["?"]
        when = dates[0] if dates[0] == dates[-1] else f"{dates[0]} to {dates[-1]}"
        libraries = ", ".join(f"{name} {versions[name]}" for name in ("torch", "keras", "jax")
                              if name in versions)  # fmt: skip
        parts.append(
            f"**{machine.get('gpu') or 'no GPU recorded'}** (`{path.name}`; host CPU "
            f"{machine.get('cpu', '?')}, {machine.get('cores', '?')} cores"
            f"{'; ' + libraries if libraries else ''}; measured {when})"
        )
        lines = ["| " + " | ".join(header for header, _, _ in _GPU_COLUMNS) + " |",
                 "|" + "---|" * len(_GPU_COLUMNS)]  # fmt: skip
        for row in rows:
            cells = [fmt.format(row[key]) if row.get(key) is not None else "-"
                     for _, key, fmt in _GPU_COLUMNS]  # fmt: skip
            if "C" in row and row["C"] is None:  # the keras.io recipe: no regularisation
                cells[[key for _, key, _ in _GPU_COLUMNS].index("C")] = "λ = 0"
            lines.append("| " + " | ".join(cells) + " |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)
