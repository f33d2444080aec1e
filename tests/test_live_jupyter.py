"""The live path a class takes: the chapters run in a real JupyterLab with a kernel, in Chromium.

The book build (and ``tests/test_book.py``) exercise the *static* path: sliders are precomputed
and the margin animation is replayed from recorded frames. Students instead run the notebooks in a
kernel (local Jupyter or Colab), where ``svmkit.animate.MarginAnimation`` redraws a display handle
while training and ``svmkit.widgets.slider_figure`` returns ipywidgets whose callbacks run in the
kernel.
These tests start the pinned JupyterLab on 127.0.0.1 with a token and a kernel spec pointing at this
environment's Python, open copies of the chapters in Chromium, run every cell through the menu
(Run → Run All Cells) and check what a student would see: the animation's image changes while the
model trains, dragging a slider redraws the figure through the kernel, no cell errors or writes to
stderr, and the page logs no console error. The server and its kernels are stopped at the end, even
on failure. Nothing leaves the machine: the browser blocks every request to another host, and the
server runs with news and update checks off.

Like the other browser tests, they skip locally without Debian's Chromium and fail under
``CI=true``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
from test_book import CHROMIUM, LAUNCH_FLAGS

ROOT = Path(__file__).resolve().parents[1]
ANIMATION_CHAPTER = "04_margin_animation.ipynb"
SLIDER_CHAPTER = "08_choosing_hyperparameters.ipynb"
KERNEL_NAME = "svmkit"
# Generous bounds for a shared 2-core machine: each chapter runs in about a minute or two there.
RUN_ALL_TIMEOUT_S = 480
SLIDER_REDRAW_TIMEOUT_S = 60

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(1200)]


# --------------------------------------------------------------------------------------------------
# A JupyterLab server in a temporary directory, stopped (with its kernels) even on failure
# --------------------------------------------------------------------------------------------------
@dataclass
class LabServer:
    url: str
    token: str
    root: Path
    log: Path

    def notebook_url(self, name: str) -> str:
        # `reset` starts from an empty workspace: only this notebook is open.
        return f"{self.url}lab/tree/{name}?reset&token={self.token}"

    def api(self, path: str, method: str = "GET") -> object:
        request = urllib.request.Request(f"{self.url}api/{path}?token={self.token}", method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self) -> None:
        """End every session (and its kernel), so that one chapter's kernel does not outlive it."""
        for session in self.api("sessions"):
            self.api(f"sessions/{session['id']}", method="DELETE")

    def log_tail(self, characters: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-characters:]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_environment(base: Path) -> dict[str, str]:
    """A student's environment: this Python, live widgets, inline figures; private Jupyter dirs."""
    env = dict(os.environ)
    # The book build's switch to precomputed sliders, and the tests' Agg backend (which would hide
    # every figure in a kernel), are exactly what this test must not inherit.
    for name in ("SVMKIT_STATIC_WIDGETS", "MPLBACKEND"):
        env.pop(name, None)
    env.update(
        PYTHONHASHSEED="0",
        TF_CPP_MIN_LOG_LEVEL="2",
        # The book build's kernel tooling: TensorFlow's import-time notices stay off the page (a
        # student's own Jupyter shows them, as it does for any TensorFlow import).
        PYTHONPATH=str(Path(__file__).resolve().parents[1] / "book" / "_ext" / "kernel"),
        JUPYTER_CONFIG_DIR=str(base / "config"),
        JUPYTER_DATA_DIR=str(base / "data"),
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        JUPYTER_PATH=str(base / "kernel-prefix" / "share" / "jupyter"),
        JUPYTERLAB_SETTINGS_DIR=str(base / "lab-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(base / "lab-workspaces"),
    )
    return env


def _copy_notebook(name: str, root: Path) -> None:
    """A copy of the chapter that asks for the ``svmkit`` kernel (this environment's Python)."""
    notebook = json.loads((ROOT / "book" / name).read_text(encoding="utf-8"))
    notebook["metadata"]["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": f"Python ({KERNEL_NAME})",
        "language": "python",
    }
    (root / name).write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")


def _wait_until_up(server: subprocess.Popen, url: str, token: str, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"JupyterLab exited with {server.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{url}api/status?token={token}", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"JupyterLab did not answer within 90 s:\n{log.read_text()[-4000:]}")


def _stop(server: subprocess.Popen, url: str, token: str, runtime: Path) -> None:
    """Ask the server to shut down (it stops its kernels), then make sure of it by process id."""
    if server.poll() is None:
        try:
            request = urllib.request.Request(f"{url}api/shutdown?token={token}", method="POST")
            urllib.request.urlopen(request, timeout=5).close()
            server.wait(timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            pass
    if server.poll() is None:
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(server.pid, sig)
                server.wait(timeout=wait)
                break
            except (ProcessLookupError, subprocess.TimeoutExpired):
                continue
    # Kernels run in sessions of their own; any left over still names our runtime directory.
    for process in psutil.process_iter(["pid", "cmdline"]):
        if any(str(runtime) in part for part in process.info["cmdline"] or []):
            try:
                process.kill()
            except psutil.Error:
                pass


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[LabServer]:
    base = tmp_path_factory.mktemp("jupyterlab")
    root = base / "notebooks"
    root.mkdir()
    for name in (ANIMATION_CHAPTER, SLIDER_CHAPTER):
        _copy_notebook(name, root)
    env = _server_environment(base)
    settings = base / "lab-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    # No "would you like Jupyter news?" prompt and no request for it.
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    subprocess.run(
        [sys.executable, "-m", "ipykernel", "install", "--prefix", str(base / "kernel-prefix"),
         "--name", KERNEL_NAME, "--display-name", f"Python ({KERNEL_NAME})"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    port, token = _free_port(), secrets.token_hex(24)
    url = f"http://127.0.0.1:{port}/"
    log = base / "jupyterlab.log"
    command = [
        sys.executable, "-m", "jupyter", "lab",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", "--ServerApp.open_browser=False",
        f"--ServerApp.root_dir={root}", "--ServerApp.allow_root=True",
        "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    with log.open("w") as log_file:
        server = subprocess.Popen(
            command, env=env, cwd=root, stdout=log_file, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    try:
        _wait_until_up(server, url, token, log)
        yield LabServer(url=url, token=token, root=root, log=log)
    finally:
        _stop(server, url, token, base / "runtime")


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        message = (
            "Debian Chromium is missing: install it with `sudo apt-get install chromium` "
            "(the browser tests drive /usr/bin/chromium through Playwright)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_FLAGS)
        yield browser
        browser.close()


# --------------------------------------------------------------------------------------------------
# Driving a notebook in JupyterLab
# --------------------------------------------------------------------------------------------------
class LiveNotebook:
    """A notebook open in JupyterLab, with the console errors and blocked requests it caused."""

    def __init__(self, browser, lab: LabServer, name: str) -> None:
        self.lab, self.name = lab, name
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.errors: list[str] = []
        self.external: list[str] = []
        self.page.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), self._block_external)
        self.page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        self.page.on("console", self._on_console)
        cells = json.loads((lab.root / name).read_text(encoding="utf-8"))["cells"]
        self.sources = ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]
        self.page.goto(lab.notebook_url(name), wait_until="load")
        # JupyterLab attaches cells progressively; wait until every code cell is in the page.
        self.page.wait_for_function(
            "n => document.querySelectorAll('.jp-Notebook .jp-CodeCell').length === n",
            arg=len(self.sources), timeout=90_000,
        )  # fmt: skip
        # The kernel is up once the toolbar's indicator says idle.
        self.page.wait_for_selector(
            ".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000
        )

    def _block_external(self, route) -> None:
        self.external.append(route.request.url)
        route.abort()

    def _on_console(self, message) -> None:
        if message.type == "error":
            location = message.location.get("url", "") if message.location else ""
            self.errors.append(f"console: {message.text} ({location})")

    def code_cell_index(self, *fragments: str) -> int:
        """Position (among code cells) of the first cell whose source contains all ``fragments``.

        Read from the notebook file: JupyterLab renders off-screen editors lazily, so their text
        is not reliably in the page.
        """
        matches = [
            i for i, source in enumerate(self.sources) if all(f in source for f in fragments)
        ]  # fmt: skip
        assert matches, f"no code cell of {self.name} contains all of {fragments}"
        return matches[0]

    def screenshot(self) -> Path:
        """Save what the page shows next to the server log, for a failure message."""
        path = self.lab.log.with_name(f"{Path(self.name).stem}-{int(time.time())}.png")
        self.page.screenshot(path=str(path), full_page=False)
        return path

    def run_all(self, timeout_s: float = RUN_ALL_TIMEOUT_S) -> float:
        """Run → Run All Cells from the menu bar, and wait until no prompt shows ``[*]``."""
        start = time.monotonic()
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        self.page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
        busy = "Array.from(document.querySelectorAll('.jp-InputPrompt'))" \
               ".some(p => p.textContent.includes('[*]'))"  # fmt: skip
        try:
            self.page.wait_for_function(busy, timeout=30_000)
            self.page.wait_for_function(f"!({busy})", timeout=timeout_s * 1000, polling=500)
        except Exception as error:
            pytest.fail(
                f"{self.name}: Run All did not finish ({error}); see {self.screenshot()}\n"
                f"server log:\n{self.lab.log_tail()}"
            )
        return time.monotonic() - start

    def prompts(self) -> list[str]:
        return self.page.evaluate(
            "Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt'))"
            ".map(p => p.textContent.trim())"
        )

    def error_outputs(self) -> list[str]:
        """Tracebacks and stderr text (JupyterLab renders both with the stderr MIME type)."""
        return self.page.evaluate(
            "Array.from(document.querySelectorAll("
            "'.jp-OutputArea-output[data-mime-type=\"application/vnd.jupyter.stderr\"]'))"
            ".map(o => o.innerText.slice(0, 2000))"
        )

    def assert_ran_cleanly(self) -> None:
        prompts = self.prompts()
        unexecuted = [i for i, prompt in enumerate(prompts) if not re.search(r"\[\d+\]", prompt)]
        errors = self.error_outputs()
        assert not errors, f"{self.name}: error or stderr outputs:\n" + "\n---\n".join(errors)
        assert not unexecuted, f"{self.name}: code cells {unexecuted} did not run: {prompts}"
        assert not self.errors, f"{self.name}: console errors:\n" + "\n".join(self.errors)
        assert not self.external, f"{self.name}: requests to other hosts: {self.external}"

    def close(self) -> None:
        self.page.close()
        self.lab.shut_down_kernels()


# Records every distinct picture that a cell's output shows, as the kernel updates it, together with
# whether the cell was still running then (its prompt reads [*]). In the page, so that no update is
# missed between two polls from Python.
_WATCH_OUTPUT_IMAGES = """
(index) => {
  const cell = document.querySelectorAll('.jp-Notebook .jp-CodeCell')[index];
  const seen = window.__svmkitFrames = [];
  const record = () => {
    const running = cell.querySelector('.jp-InputPrompt').textContent.includes('[*]');
    for (const img of cell.querySelectorAll('.jp-OutputArea img')) {
      const key = img.src.length + ':' + img.src.slice(-64);
      if (!seen.some(s => s.key === key)) seen.push({key, running});
    }
  };
  new MutationObserver(record).observe(cell, {subtree: true, childList: true, attributes: true,
                                              attributeFilter: ['src']});
}
"""

# A digest of the bytes an <img> shows (widget images are blob: URLs, so compare content).
_IMAGE_DIGEST = """
async (img) => {
  const bytes = await (await fetch(img.src)).arrayBuffer();
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest)).map(b => b.toString(16).padStart(2, '0')).join('');
}
"""


# --------------------------------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------------------------------
def test_margin_animation_redraws_while_training(chromium, lab):
    notebook = LiveNotebook(chromium, lab, ANIMATION_CHAPTER)
    try:
        # The first cell that trains with a MarginAnimation callback.
        training = notebook.code_cell_index("MarginAnimation(", "fit(", "callbacks=")
        notebook.page.evaluate(_WATCH_OUTPUT_IMAGES, training)
        seconds = notebook.run_all()
        notebook.assert_ran_cleanly()
        frames = notebook.page.evaluate("window.__svmkitFrames")
        while_running = [frame for frame in frames if frame["running"]]
        assert len(while_running) >= 3, (
            f"the live animation showed {len(while_running)} different pictures while training "
            f"({len(frames)} in all); expected it to redraw during the run"
        )
        print(f"{ANIMATION_CHAPTER}: ran in {seconds:.0f} s, {len(while_running)} live frames")
    finally:
        notebook.close()


def test_slider_redraws_the_figure_through_the_kernel(chromium, lab):
    notebook = LiveNotebook(chromium, lab, SLIDER_CHAPTER)
    try:
        seconds = notebook.run_all()
        notebook.assert_ran_cleanly()
        cell_index = notebook.code_cell_index("slider_figure(")
        cell = notebook.page.locator(".jp-Notebook .jp-CodeCell").nth(cell_index)
        sliders = cell.locator(".widget-slider")
        assert sliders.count() >= 1, "the live chapter shows no ipywidgets slider"
        image = cell.locator(".jp-OutputArea img.widget-image").first
        image.wait_for(state="visible", timeout=30_000)
        before = image.evaluate(_IMAGE_DIGEST)
        readout = cell.locator(".widget-readout").first
        value_before = readout.inner_text()

        # Drag the first slider's handle to the far right, as a student would with the mouse.
        sliders.first.scroll_into_view_if_needed()
        notebook.page.wait_for_timeout(300)  # let the scroll settle before reading positions
        track = sliders.first.bounding_box()
        grip = sliders.first.locator(".noUi-handle").bounding_box()
        assert track and grip, "the slider is not visible"
        mouse = notebook.page.mouse
        mouse.move(grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2)
        mouse.down()
        mouse.move(track["x"] + track["width"] - 2, grip["y"] + grip["height"] / 2, steps=12)
        mouse.up()
        for _ in range(40):
            if readout.inner_text() != value_before:
                break
            notebook.page.wait_for_timeout(250)
        assert readout.inner_text() != value_before, (
            f"dragging the handle did not move the slider; see {notebook.screenshot()}"
        )

        deadline = time.monotonic() + SLIDER_REDRAW_TIMEOUT_S
        after = before
        while after == before and time.monotonic() < deadline:
            notebook.page.wait_for_timeout(250)
            after = image.evaluate(_IMAGE_DIGEST)
        assert after != before, (
            f"the figure did not change within {SLIDER_REDRAW_TIMEOUT_S} s of moving the slider "
            f"from {value_before} to {readout.inner_text()}"
        )
        shown_error = cell.locator(".widget-html").all_inner_texts()
        assert not any(text.strip() for text in shown_error), (
            f"the slider callback failed: {shown_error}"
        )
        notebook.assert_ran_cleanly()
        print(f"{SLIDER_CHAPTER}: ran in {seconds:.0f} s; slider redraw checked")
    finally:
        notebook.close()


def _code_cell(source: str, index: int) -> dict:
    return {"cell_type": "code", "execution_count": None, "id": f"playground-{index}",
            "metadata": {}, "outputs": [], "source": source}


def test_playground_points_reach_python(chromium, lab):
    """The SVM playground (svmkit.playground, an anywidget) syncs both ways through the kernel.

    Shift-clicking in the canvas adds a point of the other class that shows up in ``pg.X`` and
    ``pg.y``, with the browser's training result in ``pg.result``; ``pg.set_params`` in Python
    retrains the view. The notebook lives in a subfolder, beside the chapter copies.
    """
    name = "playground/live_playground.ipynb"
    (lab.root / "playground").mkdir(exist_ok=True)
    sources = [
        "from svmkit.playground import Playground\n"
        "pg = Playground('blobs', n_points=20, kernel='linear')\npg",
        "print('points', len(pg.X), 'last', pg.X[-1].round(1).tolist(), pg.y[-1],\n"
        "      'nSupport', pg.result.get('nSupport'))",
        "pg.set_params(kernel='rbf', C=10.0, sigma=0.5)",
    ]
    (lab.root / name).write_text(json.dumps({
        "cells": [_code_cell(source, i) for i, source in enumerate(sources)],
        "metadata": {"kernelspec": {"name": KERNEL_NAME, "display_name": f"Python ({KERNEL_NAME})",
                                    "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }))  # fmt: skip
    notebook = LiveNotebook(chromium, lab, name)
    page = notebook.page
    try:
        # Three quick cells can finish between two polls of run_all, and a first menu click can
        # come before the session is ready: retry until every prompt shows an execution count.
        executed = ("() => Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputPrompt'))"
                    ".every(p => /\\[\\d+\\]/.test(p.textContent))")
        for attempt in range(4):
            page.keyboard.press("Escape")  # close a menu left open by an earlier attempt
            page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
            page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
            try:
                page.wait_for_function(executed, timeout=20_000 * (attempt + 1))
                break
            except Exception:
                print(f"Run All, attempt {attempt + 1}: prompts {notebook.prompts()}")
        notebook.assert_ran_cleanly()
        page.wait_for_function("(window.svmkitPlaygrounds || []).length === 1", timeout=30_000)
        canvas = page.locator(".svmkit-playground canvas").first
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        # Data point (2, -2.5) of the default view [-3, 3]²; shift-click adds the class -1.
        page.keyboard.down("Shift")
        page.mouse.click(box["x"] + 5 / 6 * box["width"], box["y"] + 5.5 / 6 * box["height"])
        page.keyboard.up("Shift")
        browser_support = page.evaluate("window.svmkitPlaygrounds[0].state().result.nSupport")

        cells = page.locator(".jp-Notebook .jp-CodeCell")
        cells.nth(1).locator(".jp-InputArea-editor").click()
        page.keyboard.press("Control+Enter")  # run this cell in place
        page.wait_for_function(
            "cell => (cell.querySelector('.jp-OutputArea-output') || {}).innerText"
            "?.includes('points 21')",
            arg=cells.nth(1).element_handle(), timeout=30_000,
        )  # fmt: skip
        printed = cells.nth(1).locator(".jp-OutputArea-output").first.inner_text()
        assert "last [2.0, -2.5] -1.0" in printed, printed
        assert f"nSupport {browser_support}" in printed, (printed, browser_support)

        cells.nth(2).locator(".jp-InputArea-editor").click()
        page.keyboard.press("Control+Enter")
        page.wait_for_function(
            "() => window.svmkitPlaygrounds[0].state().kernel === 'rbf'", timeout=30_000
        )
        state = page.evaluate("window.svmkitPlaygrounds[0].state()")
        assert (state["C"], state["sigma"]) == (10.0, 0.5)
        page.wait_for_function(executed, timeout=30_000)
        notebook.assert_ran_cleanly()
    finally:
        notebook.close()


def test_the_server_is_isolated(lab):
    """The server serves only the temporary copies, and the kernel spec runs this Python."""
    assert sorted(p.name for p in lab.root.glob("*.ipynb")) == sorted(
        [ANIMATION_CHAPTER, SLIDER_CHAPTER]
    )
    spec = lab.root.parent / "kernel-prefix" / "share" / "jupyter" / "kernels" / KERNEL_NAME
    argv = json.loads((spec / "kernel.json").read_text())["argv"]
    assert Path(argv[0]).resolve() == Path(sys.executable).resolve()
