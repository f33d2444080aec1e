"""The graded assignments (book/assignments): the grader must mean what it says.

``otter assign`` turns each master notebook into a student and an autograder version (run once per
assignment, shared by the pytest-xdist workers through a file lock); ``otter run`` then grades
three kinds of submission, as a teacher would without Docker:

- the answer key (the autograder notebook) scores 100 %;
- the blank student notebook scores 0, and grading it does not crash;
- the answer key with one deliberately wrong answer loses exactly that question's points;

and no student file holds solution code or a hidden test (every solution line in a master is marked
for otter to remove: an unmarked one would reach students). The capstone's scorer is tested on a
subset of MNIST: it writes one leaderboard row, hands the submission only training data, and
refuses broken or rule-breaking submissions with a clear message.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
import yaml
from filelock import FileLock

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = ROOT / "book" / "assignments"
MASTERS = {
    path.stem: path
    for path in sorted(ASSIGNMENTS.glob("**/*.ipynb"))
    if ".ipynb_checkpoints" not in path.parts
}
SCORER = ASSIGNMENTS / "capstone" / "score.py"
BASELINE = ASSIGNMENTS / "capstone" / "baseline_submission.py"

# One plausible mistake per course part, in a question that no other question builds on:
# (question, text in the answer key, the mistake).
WRONG_ANSWERS = {
    "part1_linear_svms": (
        "q3_lambda_C",
        "return 1.0 / (2.0 * C * n_samples)  # SOLUTION",
        "return 1.0 / (C * n_samples)  # forgot the factor 2",
    ),
    "part2_duality_kernels": (
        "q1_mercer",
        "return bool(eigenvalues.min() >= -tol * max(1.0, np.abs(eigenvalues).max()))",
        "return bool(eigenvalues.max() >= -tol * max(1.0, np.abs(eigenvalues).max()))",
    ),
    "part3_mnist_at_scale": (
        "q1_memory",
        "return n_rows * D * bytes_per_value  # SOLUTION",
        "return n_rows * D  # counted values, not bytes",
    ),
}


def _environment() -> dict[str, str]:
    # One thread per grading process: two xdist workers already fill a 2-core machine, and more
    # threads make small torch steps many times slower there.
    env = dict(os.environ, MPLBACKEND="Agg", TF_CPP_MIN_LOG_LEVEL="2", SVMKIT_OFFLINE="1")
    env.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    return env


def _otter(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "otter", *args],
        cwd=cwd,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, (
        f"otter {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    )
    return result


def _cells(path: Path) -> list[dict]:
    return nbformat.read(path, as_version=4).cells


def _source(cell: dict) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


# ----------------------------------------------------------------------------------------------
# Reading a master notebook
# ----------------------------------------------------------------------------------------------
def _master_parts(path: Path) -> dict:
    """Config, questions (name → points), solution lines, hidden-test lines, other text."""
    parts = {
        "config": None,
        "points": {},
        "solution": [],
        "unmarked": [],
        "hidden": [],
        "public": 0,
    }
    parts["other"] = []
    block = None
    for cell in _cells(path):
        text = _source(cell)
        first = text.strip().split("\n", 1)[0].strip().upper()
        if cell.cell_type == "raw":
            if first == "# ASSIGNMENT CONFIG":
                parts["config"] = yaml.safe_load(text)
            elif first == "# BEGIN QUESTION":
                question = yaml.safe_load(text.split("\n", 1)[1])
                parts["points"][question["name"]] = question["points"]
            elif first in ("# BEGIN SOLUTION", "# BEGIN TESTS"):
                block = first.split()[-1]
            elif first in ("# END SOLUTION", "# END TESTS"):
                block = None
            continue
        if block == "SOLUTION" and cell.cell_type == "code":
            parts["solution"] += _solution_lines(text)
            parts["unmarked"] += _unmarked_lines(text)
        elif block == "TESTS" and first == "# HIDDEN":
            parts["hidden"] += [line.strip() for line in text.split("\n")[1:] if line.strip()]
        elif block == "TESTS":
            parts["public"] += 1
            parts["other"].append(text)
        else:
            parts["other"].append(text)
    return parts


def _solution_lines(text: str) -> list[str]:
    """The lines otter removes from a solution cell (what the student must not see)."""
    lines, inside = [], False
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("# BEGIN SOLUTION"):
            inside = True
        elif stripped.startswith("# END SOLUTION"):
            inside = False
        elif inside or stripped.endswith("# SOLUTION"):
            content = stripped.removesuffix("# SOLUTION").strip()
            if content and not content.startswith("#"):
                lines.append(content)
    return lines


# What a solution cell may show the student: the frame of the answer, never a step of it.
PROMPT_LINE = re.compile(
    r"\s*($|#|def \w+\(.*\):$|(from \S+ )?import |%%writefile |\"\"\"|"
    r"torch\.optim\.Adam\(\[torch\.zeros\(1, requires_grad=True\)\]\)$)"
)


def _unmarked_lines(text: str) -> list[str]:
    """Lines of a solution cell that otter would leave in the student version but are not prompt."""
    lines, inside, docstring = [], False, False
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("# BEGIN SOLUTION"):
            inside = True
        elif stripped.startswith("# END SOLUTION"):
            inside = False
        elif not inside and not stripped.endswith("# SOLUTION"):
            if not (docstring or PROMPT_LINE.match(line)):
                lines.append(stripped)
            if stripped.count('"""') % 2:
                docstring = not docstring
    return lines


def _test_cases(tests_dir: Path) -> dict[str, list[dict]]:
    """The OK-format test files of a folder: question → its cases."""
    cases = {}
    for path in sorted(tests_dir.glob("*.py")):
        namespace: dict = {}
        exec(path.read_text(encoding="utf-8"), namespace)  # otter's own generated data
        cases[path.stem] = [
            case for suite in namespace["test"]["suites"] for case in suite["cases"]
        ]
    return cases


# ----------------------------------------------------------------------------------------------
# otter assign (once per assignment) and otter run
# ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder all xdist workers of this session share (each has its own basetemp below it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _assigned(name: str, shared_dir: Path) -> Path:
    """``otter assign`` the master into shared_dir/name, once per session (file lock)."""
    out = shared_dir / "assignments" / name
    out.parent.mkdir(exist_ok=True)
    with FileLock(str(out) + ".lock"):
        if not (out / "done").exists():
            # --no-run-tests: the answer key is graded by the tests below instead.
            _otter("assign", "--no-run-tests", str(MASTERS[name]), str(out), cwd=shared_dir)
            (out / "done").touch()
    return out


def _grade(out: Path, submission: Path, tag: str) -> dict[str, tuple[float, float]]:
    """``otter run`` one submission: question → (score, max score)."""
    (zip_path,) = (out / "autograder").glob("*-autograder_*.zip")
    results_dir = out / f"results-{tag}"
    results_dir.mkdir(exist_ok=True)
    _otter("run", "-a", str(zip_path), "-o", str(results_dir), str(submission), cwd=out)
    results = json.loads((results_dir / "results.json").read_text())
    return {
        test["name"]: (test["score"], test["max_score"])
        for test in results["tests"]
        if "max_score" in test
    }


# ----------------------------------------------------------------------------------------------
# The masters
# ----------------------------------------------------------------------------------------------
def test_one_master_per_part_and_a_capstone():
    assert set(MASTERS) == {
        "part1_linear_svms",
        "part2_duality_kernels",
        "part3_mnist_at_scale",
        "capstone",
    }


@pytest.mark.parametrize("name", sorted(MASTERS))
def test_master_format(name: str, repo_root: Path):
    master = MASTERS[name]
    parts = _master_parts(master)
    config = parts["config"]
    assert config["name"] == name
    assert config["runs_on"] == "colab"
    assert config["tests"]["files"] is True, "Colab needs test files, not notebook metadata"
    assert config["seed"]["variable"] == "SEED"
    assert parts["points"] and all(p > 0 for p in parts["points"].values())
    assert parts["public"] >= len(parts["points"]) and parts["hidden"], "public and hidden tests"
    assert not parts["unmarked"], (
        f"unmarked lines in solution cells would reach students: {parts['unmarked']}"
    )
    # The points in the notebook's overview table are the questions' points.
    table = dict(re.findall(r"\| `(q\w+)` \|.*\| (\d+) \|", _source(_cells(master)[1])))
    assert {q: int(p) for q, p in table.items()} == parts["points"]
    # Committed without outputs, like the chapters; installs svmkit from the one repository URL.
    cells = _cells(master)
    assert not any(cell.get("outputs") for cell in cells if cell.cell_type == "code")
    url = yaml.safe_load((repo_root / "_config.yml").read_text())["repository"]["url"]
    assert any(f'"svmkit @ git+{url}"' in _source(cell) for cell in cells)


# ----------------------------------------------------------------------------------------------
# Grading
# ----------------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(MASTERS))
def test_answer_key_scores_full_marks(name: str, shared_dir: Path):
    out = _assigned(name, shared_dir)
    scores = _grade(out, out / "autograder" / f"{name}.ipynb", "answer-key")
    assert set(scores) == set(_master_parts(MASTERS[name])["points"])
    assert all(score == maximum > 0 for score, maximum in scores.values()), scores


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(MASTERS))
def test_blank_student_notebook_scores_zero(name: str, shared_dir: Path):
    out = _assigned(name, shared_dir)
    scores = _grade(out, out / "student" / f"{name}.ipynb", "blank")
    points = _master_parts(MASTERS[name])["points"]
    assert scores == {question: (0.0, float(p)) for question, p in points.items()}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(WRONG_ANSWERS))
def test_one_wrong_answer_loses_exactly_its_points(name: str, shared_dir: Path):
    out = _assigned(name, shared_dir)
    wrong_question, right, wrong = WRONG_ANSWERS[name]
    notebook = nbformat.read(out / "autograder" / f"{name}.ipynb", as_version=4)
    edited = [cell for cell in notebook.cells if right in _source(cell)]
    assert len(edited) == 1, f"the answer key no longer contains {right!r}"
    edited[0].source = _source(edited[0]).replace(right, wrong)
    submission = out / f"{name}-one-wrong.ipynb"
    nbformat.write(notebook, submission)

    scores = _grade(out, submission, "one-wrong")
    points = _master_parts(MASTERS[name])["points"]
    assert scores[wrong_question] == (0.0, float(points[wrong_question]))
    others = {q: s for q, s in scores.items() if q != wrong_question}
    assert others == {q: (float(p), float(p)) for q, p in points.items() if q != wrong_question}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(MASTERS))
def test_student_files_hold_no_solution_or_hidden_test(name: str, shared_dir: Path):
    out = _assigned(name, shared_dir)
    parts = _master_parts(MASTERS[name])
    given = "\n".join(parts["other"])  # lines that also appear outside solutions may show
    student = out / "student"
    (notebook_path,) = student.glob("*.ipynb")
    cells = _cells(notebook_path)
    student_text = "\n".join(_source(cell) for cell in cells)
    student_tests = _test_cases(student / "tests")
    tests_text = "\n".join(case["code"] for cases in student_tests.values() for case in cases)

    secret = [line for line in parts["solution"] if line not in given]
    assert secret, "the master has solutions to look for"
    leaked = [line for line in secret if line in student_text or line in tests_text]
    assert not leaked, f"solution lines in the student version: {leaked}"

    hidden = [line for line in parts["hidden"] if line not in given and len(line) > 12]
    leaked = [line for line in hidden if line in student_text or line in tests_text]
    assert not leaked, f"hidden-test lines in the student version: {leaked}"
    assert all(not case["hidden"] for cases in student_tests.values() for case in cases)
    assert set(student_tests) == set(parts["points"])

    # ... while the autograder has them (so the checks above can fail).
    autograder_cases = _test_cases(out / "autograder" / "tests")
    assert all(any(case["hidden"] for case in cases) for cases in autograder_cases.values())
    tags = {tag for cell in cells for tag in cell.metadata.get("tags", [])}
    assert "otter_assign_solution_cell" not in tags
    assert not any(cell.get("outputs") for cell in cells if cell.cell_type == "code")


# ----------------------------------------------------------------------------------------------
# The capstone scorer
# ----------------------------------------------------------------------------------------------
def _score(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCORER), *args],
        cwd=cwd,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=600,
    )


def _score_on_subset(submission: Path, name: str, subset: str, board: Path):
    return _score(
        str(submission),
        "--name",
        name,
        "--subset",
        subset,
        "--leaderboard",
        str(board),
        cwd=board.parent,
    )


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def test_scorer_help():
    result = _score("--help", cwd=ROOT)
    assert result.returncode == 0
    assert "--subset" in result.stdout and "leaderboard" in result.stdout


@pytest.mark.slow
def test_scorer_scores_the_baseline_on_a_subset(tmp_path: Path):
    board = tmp_path / "board.csv"
    result = _score_on_subset(BASELINE, "baseline", "2000,500", board)
    assert result.returncode == 0, result.stderr
    (row,) = _rows(board)
    assert list(row) == ["name", "accuracy", "seconds", "machine"]
    assert row["name"] == "baseline (subset 2000/500)"
    assert 0.8 < float(row["accuracy"]) <= 1.0  # the RFF SVM on 2 000 images
    assert float(row["seconds"]) > 0
    assert "2 cores" in row["machine"]
    assert "baseline (subset 2000/500): accuracy" in result.stdout

    shown = _score("--show", str(board), cwd=tmp_path)
    assert shown.returncode == 0 and "below target" in shown.stdout


SPY = """
import json
import os
import time

import numpy as np

LOG = os.environ["SPY_LOG"]


def train(images, labels):
    trained_at = time.time()
    seen = {"train": [list(images.shape), str(images.dtype), list(labels.shape)],
            "cores": len(os.sched_getaffinity(0))}

    def predict(test_images, *extra):
        seen["predict"] = [list(test_images.shape), str(test_images.dtype), len(extra)]
        seen["predict_after_train"] = time.time() >= trained_at
        with open(LOG, "w") as f:
            json.dump(seen, f)
        return np.ones(len(test_images), dtype=np.int64)

    return predict
"""


@pytest.mark.slow
def test_scorer_gives_the_submission_only_training_data(tmp_path: Path, monkeypatch):
    from svmkit.data import load_mnist

    submission = tmp_path / "spy.py"
    submission.write_text(SPY)
    log = tmp_path / "seen.json"
    monkeypatch.setenv("SPY_LOG", str(log))
    board = tmp_path / "board.csv"
    result = _score_on_subset(submission, "spy", "300,200", board)
    assert result.returncode == 0, result.stderr
    seen = json.loads(log.read_text())
    assert seen["train"] == [[300, 28, 28], "uint8", [300]]
    assert seen["predict"] == [[200, 28, 28], "uint8", 0], "test images only, no labels"
    assert seen["predict_after_train"] and seen["cores"] == 2
    # The scorer computes the accuracy itself, from labels the submission never received.
    labels_test = load_mnist()[3][:200]
    assert float(_rows(board)[0]["accuracy"]) == pytest.approx(np.mean(labels_test == 1), abs=1e-4)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("from svmkit.data import load_mnist\n", "mentions 'load_mnist'"),
        ("def fit(images, labels):\n    pass\n", "must define a function train"),
        ("def train(images, labels):\n    raise RuntimeError('boom')\n", "RuntimeError: boom"),
        (
            "def train(images, labels):\n    return lambda images: [[1]] * len(images)\n",
            "one label per test image",
        ),
    ],
)
def test_scorer_refuses_broken_submissions(tmp_path: Path, source: str, message: str):
    submission = tmp_path / "broken.py"
    submission.write_text(source)
    board = tmp_path / "board.csv"
    result = _score_on_subset(submission, "x", "100,50", board)
    assert result.returncode == 2
    assert message in result.stderr
    assert not board.exists(), "no leaderboard row for a failed run"
