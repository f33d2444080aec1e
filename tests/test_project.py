"""Project-level promises: packaging, the two-command set-up, notebooks as committed, lint."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
EXTRAS_IN_ENVIRONMENT = ("torch", "keras", "book", "test", "dev")


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text())


def _normalise(requirement: str) -> str:
    parsed = Requirement(requirement)
    return f"{parsed.name.lower().replace('_', '-')}{parsed.specifier}"


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = _pyproject()["project"]
    expected = {_normalise(r) for r in project["dependencies"]}
    for extra in EXTRAS_IN_ENVIRONMENT:
        expected |= {_normalise(r) for r in project["optional-dependencies"][extra]}
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    listed = {_normalise(r) for r in pip_section if not r.startswith("-e")}
    assert listed == expected, (
        f"environment.yml drifted from pyproject.toml: only in environment.yml "
        f"{listed - expected}, only in pyproject.toml {expected - listed}"
    )
    assert "python=3.11" in environment["dependencies"]


def test_cpu_lock_pins_every_dependency_and_the_cpu_torch():
    pins = {}
    for line in (ROOT / ".ci" / "requirements-cpu.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[name.lower().replace("_", "-")] = version
    assert pins["torch"] == "2.13.0", "torch must be pinned to the CPU build on disk"
    assert "tensorflow-cpu" in pins and "tensorflow" not in pins
    assert pins["jupyter-book"].startswith("1."), "the book uses Jupyter Book 1"
    project = _pyproject()["project"]
    wanted = list(project["dependencies"])
    for extra in EXTRAS_IN_ENVIRONMENT:
        wanted += project["optional-dependencies"][extra]
    for requirement in map(Requirement, wanted):
        name = requirement.name.lower().replace("_", "-")
        name = "tensorflow-cpu" if name == "tensorflow" else name
        assert name in pins, f"{name} is not pinned in .ci/requirements-cpu.txt"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"lock pins {name}=={pins[name]}, outside pyproject's {requirement}"
        )


def test_readme_gives_the_two_commands_and_ci_runs_make_test():
    readme = (ROOT / "README.md").read_text()
    assert "make book" in readme and "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci


def test_import_svmkit_loads_no_framework():
    code = (
        "import sys, svmkit, svmkit.data, svmkit.kernels, svmkit.plot, svmkit.widgets,"
        " svmkit.animate;"
        "heavy = sorted(m for m in ('torch', 'keras', 'tensorflow', 'jax') if m in sys.modules);"
        "print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == "", f"import svmkit pulled in {result.stdout.strip()}"


def test_ruff_is_clean():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (pip install -e .[dev])")
    result = subprocess.run(
        [ruff, "check", "svmkit", "tests", "benchmarks", "book/_ext"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_toc_lists_every_chapter_and_only_existing_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part["chapters"]]
    for entry in files:
        assert any((ROOT / f"{entry}{suffix}").exists() for suffix in (".md", ".ipynb")), entry
    for notebook in NOTEBOOKS:
        assert f"book/{notebook.stem}" in files, f"{notebook.name} is not in _toc.yml"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[n.name for n in NOTEBOOKS])
def test_notebook_is_committed_without_outputs(notebook):
    cells = json.loads(notebook.read_text())["cells"]
    for index, cell in enumerate(cells):
        if cell["cell_type"] == "code":
            assert not cell.get("outputs"), f"cell {index} of {notebook.name} has outputs"
            assert cell.get("execution_count") is None, f"cell {index} has an execution count"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[n.name for n in NOTEBOOKS])
def test_notebook_installs_svmkit_from_the_configured_repository(notebook):
    """The first code cell installs svmkit only when missing, from the one URL in _config.yml."""
    url = _config()["repository"]["url"]
    cells = json.loads(notebook.read_text())["cells"]
    first_code = "".join(next(c for c in cells if c["cell_type"] == "code")["source"])
    assert "import svmkit" in first_code and "except ImportError" in first_code
    assert f"git+{url}" in first_code, f"{notebook.name} installs from elsewhere than {url}"
    other_urls = {
        word.strip("\"'") for word in first_code.split() if "github.com" in word and url not in word
    }
    assert not other_urls, f"{notebook.name} mentions other repositories: {other_urls}"


# --- the library's shape (issue 11): small units, and no action unless asked ---------------------

LIBRARY_FILES = sorted((ROOT / "svmkit").rglob("*.py"))


def _code_lines(node: ast.AST) -> int:
    """Lines of a function or class, its docstring excluded (numpydoc docs are welcome)."""
    lines = node.end_lineno - node.lineno + 1
    body = getattr(node, "body", [])
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        if isinstance(body[0].value.value, str):
            lines -= body[0].end_lineno - body[0].lineno + 1
    return lines


def test_library_functions_and_classes_are_small():
    too_long = []
    for path in LIBRARY_FILES:
        for node in ast.walk(ast.parse(path.read_text())):
            limit = {ast.FunctionDef: 80, ast.AsyncFunctionDef: 80, ast.ClassDef: 300}.get(
                type(node)
            )
            if limit and _code_lines(node) > limit:
                too_long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert not too_long, "longer than 80 (function) or 300 (class) lines:\n" + "\n".join(too_long)


_FORBIDDEN_CALLS = {
    "print": "use logging or tqdm",
    "os.dup2": "no file-descriptor redirects",
    "os.putenv": "no environment changes",
    "os.environ.setdefault": "no environment changes",
    "os.environ.update": "no environment changes",
    "np.random.seed": "use a local np.random.default_rng",
    "random.seed": "use a local random.Random",
    "torch.manual_seed": "use a local torch.Generator",
    "keras.utils.set_random_seed": "use keras.random.SeedGenerator or a seed argument",
    "tf.random.set_seed": "use a seed argument",
}


def test_library_never_prints_changes_the_environment_or_reseeds_globally():
    found = []
    for path in LIBRARY_FILES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = ast.unparse(node.func)
                if name in _FORBIDDEN_CALLS:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}: "
                                 f"{_FORBIDDEN_CALLS[name]}")  # fmt: skip
            targets = getattr(node, "targets", None) or []
            for target in targets:
                if isinstance(target, ast.Subscript) and ast.unparse(target.value) == "os.environ":
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} writes os.environ")
    assert not found, "\n".join(found)


# The README's results table: (label, results file, method, input, framework). Every row must match
# the committed results file it quotes, so the README cannot drift from the measurements.
README_RESULTS = (
    ("RFF SVM, PyTorch, D = 16 384, 6 epochs", "cpu-2core", "RFF SVM", "raw", "torch"),
    ("RFF SVM, PyTorch, D = 16 384, 6 epochs", "cpu-2core", "RFF SVM", "deskewed", "torch"),
    ("same, 1 epoch over the digits and 4 one-pixel shifts of them, streamed", "cpu-2core",
     "RFF SVM, streamed", "raw ×5 shifts", "torch"),
    ("same, 1 epoch over the digits and 4 one-pixel shifts of them, streamed", "cpu-2core",
     "RFF SVM, streamed", "deskewed ×5 shifts", "torch"),
    ("same with D = 12 288, chosen on validation", "cpu-2core",
     "RFF SVM, streamed, D from validation", "deskewed ×5 shifts", "torch"),
    ("same, 30 epochs of random shifts ≤ 1 px", "cpu-2core", "RFF SVM + shifts",
     "deskewed+shifts", "torch"),
    ("scikit-learn `SVC(C=5)`, same kernel", "cpu-2core", "SVC", "raw", "scikit-learn"),
    ("scikit-learn `SVC(C=5)`, same kernel", "cpu-2core", "SVC", "deskewed", "scikit-learn"),
    ("RFF SVM, PyTorch, D = 16 384, 6 epochs", "gpu-nvidia-h100-80gb-hbm3", "RFF SVM", "deskewed",
     "torch"),
    ("same, 1 epoch over the digits and 4 one-pixel shifts of them, streamed",
     "gpu-nvidia-h100-80gb-hbm3", "RFF SVM, streamed", "deskewed ×5 shifts", "torch"),
    ("frontier: 60 epochs of shifts, C chosen on validation", "gpu-nvidia-h100-80gb-hbm3",
     "RFF SVM + shifts, frontier", "deskewed+shifts", "torch"),
)  # fmt: skip


def readme_results_lines() -> list[str]:
    lines = []
    for label, name, method, inputs, framework in README_RESULTS:
        results = json.loads((ROOT / "benchmarks" / "results" / f"{name}.json").read_text("utf-8"))
        key = (method, inputs, framework)
        row = next(r for r in results["rows"] if (r["method"], r["input"], r["framework"]) == key)
        where = results["machine"]["gpu"] or f"{results['machine']['cores']}-core CPU"
        seconds = row["train s"] + row["predict s"]
        shown = f"{seconds:.1f}" if seconds < 10 else f"{seconds:.0f}"
        lines.append(f"| {label} | {inputs} | {where} | {row['test acc']:.2%} | {shown} s |")
    return lines


def test_readme_results_table_matches_the_committed_results_files():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [line for line in readme_results_lines() if line not in readme]
    assert not missing, "README.md quotes other numbers than benchmarks/results: " + "\n".join(
        missing
    )
