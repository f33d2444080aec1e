"""Book-build tooling: keep TensorFlow's start-up notices out of executed notebook pages.

TensorFlow writes an absl banner and a oneDNN notice to file descriptor 2 the first time it is
imported, whatever ``TF_CPP_MIN_LOG_LEVEL`` says. In a notebook kernel that text becomes a stderr
output on the page. svmkit itself never touches file descriptors or the environment; the book build
(``make book``, the live-JupyterLab tests) puts this directory on ``PYTHONPATH`` instead, so that
every kernel it starts imports TensorFlow with fd 2 captured, drops exactly those two known notices
and writes anything else back. Turning oneDNN off would also silence it, but changes the numerics.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
import tempfile

KNOWN_NOTICES = (
    "All log messages before absl::InitializeLog() is called are written to STDERR",
    "oneDNN custom operations are on",
)


def _filtered(captured: str) -> str:
    kept = [line for line in captured.splitlines() if not any(n in line for n in KNOWN_NOTICES)]
    return "".join(line + "\n" for line in kept)


class _QuietLoader(importlib.abc.Loader):
    """Runs the real loader's ``exec_module`` with fd 2 captured."""

    def __init__(self, loader: importlib.abc.Loader) -> None:
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module) -> None:
        try:
            sys.stderr.flush()
            saved = os.dup(2)
        except (OSError, ValueError):
            self.loader.exec_module(module)
            return
        with tempfile.TemporaryFile() as capture:
            os.dup2(capture.fileno(), 2)
            try:
                self.loader.exec_module(module)
            finally:
                os.dup2(saved, 2)
                os.close(saved)
                capture.seek(0)
                rest = _filtered(capture.read().decode(errors="replace"))
                if rest:
                    sys.stderr.write(rest)


class _QuietTensorFlowFinder(importlib.abc.MetaPathFinder):
    """Wraps the loader of the top-level ``tensorflow`` package.

    Stays installed: Keras asks ``importlib.util.find_spec("tensorflow")`` before it imports it.
    """

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _QuietLoader(spec.loader)
        return spec


os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.meta_path.insert(0, _QuietTensorFlowFinder())
