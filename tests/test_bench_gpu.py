"""`make bench-gpu` (benchmarks/gpu.sh) on this CPU: its quick smoke run and its clear errors.

The script is written for a lent GPU machine without network; ``--device cpu --quick`` runs the
same steps here in well under a minute: the version print-out, the install of missing carried
wheels into ``<gpu-dir>/site``, the MNIST check and benchmarks/mnist.py with the torch rows, the
Keras rows on KERAS_BACKEND=torch and on KERAS_BACKEND=jax.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO_ROOT

SCRIPT = REPO_ROOT / "benchmarks" / "gpu.sh"
PROBE = "svmkit_gpu_probe"  # a distribution that no environment has: the script must install it


def run_script(*args: str, env: dict[str, str] | None = None, timeout: float = 300):
    # $OUT only where a test sets it (the device tool sets it on a GPU machine).
    environment = {key: value for key, value in os.environ.items() if key != "OUT"}
    environment.update(PYTHON=sys.executable, **(env or {}))
    return subprocess.run(
        ["bash", str(SCRIPT), *args],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def write_probe_wheel(folder: Path) -> None:
    """A minimal pure-Python wheel (one module, its metadata) that pip installs offline."""
    dist_info = f"{PROBE}-0.1.dist-info"
    files = {
        f"{PROBE}.py": "VALUE = 42\n",
        f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {PROBE}\nVersion: 0.1\n",
        f"{dist_info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    record = "".join(f"{name},,\n" for name in files) + f"{dist_info}/RECORD,,\n"
    with zipfile.ZipFile(folder / f"{PROBE}-0.1-py3-none-any.whl", "w") as wheel:
        for name, text in {**files, f"{dist_info}/RECORD": record}.items():
            wheel.writestr(name, text)


@pytest.mark.timeout(330)
def test_quick_cpu_smoke_run_writes_torch_and_keras_rows(tmp_path):
    gpu_dir = tmp_path / "gpu"
    (gpu_dir / "wheels").mkdir(parents=True)
    write_probe_wheel(gpu_dir / "wheels")
    out = tmp_path / "out"
    result = run_script(
        "--quick", "--device", "cpu", "--gpu-dir", str(gpu_dir), env={"OUT": str(out)}
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert f": {PROBE.replace('_', '-')}" in result.stdout  # "installing into <site>: <names>"
    assert len(list(gpu_dir.glob(f"site-*/{PROBE}.py"))) == 1

    # --quick and a CPU device never write into benchmarks/results (the chapters render it).
    path = gpu_dir / "results" / "gpu-cpu-quick.json"
    results = json.loads(path.read_text(encoding="utf-8"))
    assert (out / "gpu-cpu-quick.json").read_text(encoding="utf-8") == path.read_text("utf-8")
    assert "bench-gpu: done" in (out / "bench-gpu.log").read_text(encoding="utf-8")

    machine = results["machine"]
    assert {"cpu", "cores", "gpu", "memory_gb", "os"} <= set(machine)
    assert machine["gpu"] is None  # no CUDA here
    extra = {(row["method"], row["input"]) for row in results["rows"] if row["method"] != "RFF SVM"}
    assert extra == {("RFF SVM + shifts", "deskewed+shifts"), ("RFF SVM, streamed", "raw"),
                     ("RFF SVM, streamed", "raw ×5 shifts"),
                     ("RFF SVM, streamed", "deskewed ×5 shifts"),
                     ("RFF SVM, streamed, D from validation", "deskewed ×5 shifts"),
                     ("RFF SVM + shifts, frontier", "deskewed+shifts")}, extra  # fmt: skip
    # The frontier was chosen on the validation split (fit / score counts recorded), never the
    # test set, and the row trained is the point chosen there.
    frontier = results["tuning"]["frontier"]
    assert (frontier["n_fit"], frontier["n_validation"]) == (1500, 500)
    assert frontier["grid"] and all(0 < p["validation acc"] <= 1 for p in frontier["grid"])
    best = max(p["validation acc"] for p in frontier["grid"])
    assert frontier["chosen"] in [
        {k: p[k] for k in ("dim", "epochs", "augment", "C")}
        for p in frontier["grid"] if p["validation acc"] == best
    ]  # fmt: skip
    rows = {row["framework"]: row for row in results["rows"] if row["method"] == "RFF SVM"}
    assert {"torch", "keras (torch)", "keras (jax)"} <= set(rows), sorted(rows)
    for row in rows.values():
        assert row["device"] == "cpu", row
        assert row["n_train"] == 2000 and row["input"] == "raw", row
        assert 0.3 < row["test acc"] <= 1.0, row  # 2000 images, D = 512, 3 epochs: well above 0.1
    assert rows["keras (torch)"]["backend"] == "torch" and rows["keras (jax)"]["backend"] == "jax"
    # Same features and recipe in every framework: accuracies within a few test images.
    accuracies = [row["test acc"] for row in rows.values()]
    assert max(accuracies) - min(accuracies) < 0.03, rows


def test_missing_wheel_folder_is_one_clear_line(tmp_path):
    result = run_script("--quick", "--device", "cpu", "--gpu-dir", str(tmp_path / "nothing"),
                        timeout=60)  # fmt: skip
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("bench-gpu: ERROR:") and "make gpu-wheels" in lines[0], lines
    assert str(tmp_path / "nothing") in lines[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [(("--device", "tpu"), "--device takes cuda or cpu"), (("--bogus",), "unknown option --bogus")],
)
def test_bad_options_are_one_clear_line(args, message):
    result = run_script(*args, timeout=60)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert message in result.stderr, result.stderr


def test_committed_gpu_results_render_every_row_with_its_card():
    from svmkit.book import gpu_benchmarks

    results_dir = REPO_ROOT / "benchmarks" / "results"
    files = sorted(results_dir.glob("gpu-*.json"))
    if not files:
        pytest.skip("no GPU results committed")
    text = gpu_benchmarks(results_dir)
    for path in files:
        results = json.loads(path.read_text(encoding="utf-8"))
        assert f"**{results['machine']['gpu']}** (`{path.name}`" in text
        table_rows = [line for line in text.splitlines() if line.startswith("| ")]
        for row in results["rows"]:
            assert row["device"].startswith("cuda"), row  # a GPU file holds GPU rows only
            cells = f"| {row['method']} | {row['input']} | {row['framework']} | {row['device']} |"
            assert any(line.startswith(cells) for line in table_rows), cells
        # The frontier row is the point its validation search chose, on the full training set.
        frontier = results.get("tuning", {}).get("frontier")
        for row in results["rows"]:
            if row["method"] == "RFF SVM + shifts, frontier":
                chosen = frontier["chosen"]
                assert (row["D"], row["epochs"], row["max shift"], row["C"]) == (
                    chosen["dim"], chosen["epochs"], chosen["augment"], chosen["C"]
                )
                assert row["n_train"] == 60000
                best = max(point["validation acc"] for point in frontier["grid"])
                assert best in [p["validation acc"] for p in frontier["grid"]
                                if {k: p[k] for k in chosen} == chosen]  # fmt: skip
