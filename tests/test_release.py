"""The release as a user gets it: build the sdist and wheel, check them, install the wheel cleanly.

The wheel is installed into a fresh virtual environment, with no source tree on the path: the
tests run from a folder outside the repository, and the environment sees the heavy dependencies
(numpy, scikit-learn, torch, ...) of the project's ``.venv`` only through a ``.pth`` line, which
does not run ``.venv``'s own ``.pth`` hooks (so its editable install of svmkit stays out of view).
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
# What the sdist is built from; copied so that building never writes into the working tree.
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "svmkit")
# Files under svmkit/ that must ship as package data when they exist (templates, scripts, styles).
DATA_SUFFIXES = {".js", ".mjs", ".css", ".html", ".json", ".txt", ".svg", ".png"}

pytestmark = pytest.mark.slow


def _source_version() -> str:
    """``__version__`` as written in svmkit/__init__.py (read, not imported)."""
    tree = ast.parse((ROOT / "svmkit" / "__init__.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__version__" for target in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError("svmkit/__init__.py does not assign __version__")


def _run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """sdist and wheel built with PyPI ``build`` from a copy of the sources."""
    work = tmp_path_factory.mktemp("release")
    source = work / "source"
    source.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, source / name)
    # --no-isolation: build with this environment's setuptools, offline and fast.
    _run(sys.executable, "-m", "build", "--no-isolation", "--outdir", work / "dist", source,
         cwd=work)
    return work / "dist"


@pytest.fixture(scope="module")
def wheel(dist) -> Path:
    (path,) = dist.glob("*.whl")
    return path


@pytest.fixture(scope="module")
def clean_python(wheel, tmp_path_factory) -> Path:
    """A fresh venv with only the wheel installed, plus a path line to the dependencies."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    python = venv / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps",
         "--no-index", wheel, cwd=venv)
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))",
                     cwd=venv).strip())
    # A plain path line: .venv's packages become importable after the venv's own, and .venv's
    # .pth files (the editable svmkit among them) are not executed.
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return python


def _in_clean_env(python: Path, code: str, tmp_path: Path) -> dict:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "MPLBACKEND": "Agg",
           "OMP_NUM_THREADS": "1", "TF_CPP_MIN_LOG_LEVEL": "2", "SVMKIT_OFFLINE": "1"}
    # A minimal environment (no PYTHONPATH), a working folder outside the repository, and -P:
    # nothing but the venv and its dependency line is on sys.path.
    output = _run(python, "-P", "-c", code, cwd=tmp_path, env=env)
    return json.loads(output.strip().splitlines()[-1])


def test_twine_and_check_wheel_contents_accept_the_distributions(dist, wheel):
    _run(sys.executable, "-m", "twine", "check", "--strict", *sorted(dist.iterdir()), cwd=dist)
    checker = Path(sys.executable).with_name("check-wheel-contents")
    _run(checker, wheel, cwd=dist)


def test_version_is_written_once_and_matches_the_wheel(wheel):
    project = PYPROJECT["project"]
    assert "version" not in project and "version" in project.get("dynamic", []), (
        "pyproject.toml must take the version from svmkit/__init__.py, not repeat it"
    )
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "svmkit.__version__"}
    version = _source_version()
    assert wheel.name.startswith(f"svmkit-{version}-")
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read(f"svmkit-{version}.dist-info/METADATA").decode()
    assert re.search(rf"^Version: {re.escape(version)}$", metadata, re.MULTILINE)
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert f"## [{version}]" in changelog, f"CHANGELOG.md has no section for {version}"


def test_wheel_ships_every_data_file_of_the_package(wheel):
    """Declared package data matches files, and every template/script/style under svmkit/ ships."""
    declared = PYPROJECT["tool"]["setuptools"].get("package-data", {}).get("svmkit", [])
    package = ROOT / "svmkit"
    for pattern in declared:
        assert list(package.glob(pattern)), f"package-data pattern {pattern!r} matches no file"
    data = {
        path.relative_to(ROOT).as_posix()
        for path in package.rglob("*")
        if path.is_file() and path.suffix in DATA_SUFFIXES and "__pycache__" not in path.parts
    }
    with zipfile.ZipFile(wheel) as archive:
        shipped = set(archive.namelist())
    missing = sorted(data - shipped)
    assert not missing, f"not in the wheel (declare them as package-data): {missing}"
    modules = {p.relative_to(ROOT).as_posix() for p in package.rglob("*.py")
               if "__pycache__" not in p.parts}
    assert modules <= shipped, f"modules missing from the wheel: {sorted(modules - shipped)}"


def test_installed_wheel_imports_runs_a_doctest_and_fits(clean_python, tmp_path):
    code = r"""
import doctest, importlib.metadata, importlib.resources, json, sys
import svmkit, svmkit.objective
from sklearn.svm import SVC
from svmkit import SVMClassifier
from svmkit.data import make_blobs

flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
doctests = doctest.testmod(svmkit.objective, optionflags=flags)
X, y = make_blobs(n_samples=200, seed=0)
classifier = SVMClassifier(kernel="linear", C=1.0, backend="torch").fit(X, y)
static = importlib.resources.files("svmkit").joinpath("_static")
data = [entry.name for entry in static.iterdir()] if static.is_dir() else []
print(json.dumps({
    "file": svmkit.__file__,
    "path": sys.path,
    "version": svmkit.__version__,
    "metadata_version": importlib.metadata.version("svmkit"),
    "distribution": str(importlib.metadata.distribution("svmkit").locate_file("svmkit")),
    "doctests": [doctests.attempted, doctests.failed],
    "accuracy": float(classifier.score(X, y)),
    "sklearn_accuracy": float(SVC(kernel="linear").fit(X, y).score(X, y)),
    "static": sorted(data),
}))
"""
    report = _in_clean_env(clean_python, code, tmp_path)
    environment = clean_python.parents[1]
    assert Path(report["file"]).is_relative_to(environment), (
        f"svmkit was imported from {report['file']}, not from the installed wheel"
    )
    assert not any(Path(entry) == ROOT or entry == "" for entry in report["path"]), report["path"]
    assert Path(report["distribution"]).is_relative_to(environment)
    assert report["version"] == report["metadata_version"] == _source_version()
    attempted, failed = report["doctests"]
    assert attempted > 0 and failed == 0, f"doctests of svmkit.objective: {report['doctests']}"
    # Separable blobs: the installed package fits as well as scikit-learn's exact solver.
    assert report["accuracy"] >= report["sklearn_accuracy"] - 0.02
    shipped_static = {p.name for p in (ROOT / "svmkit" / "_static").glob("*")}
    assert shipped_static <= set(report["static"]), (
        f"package data missing after install: {sorted(shipped_static - set(report['static']))}"
    )
