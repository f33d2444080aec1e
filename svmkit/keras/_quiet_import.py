"""Import Keras without TensorFlow's start-up notices landing in notebook outputs.

TensorFlow 2.21 writes an absl banner and a oneDNN notice to file descriptor 2 when it is first
imported, whatever ``TF_CPP_MIN_LOG_LEVEL`` says. In a notebook that is stderr output on the page
(and a failure of the strict book build). Turning oneDNN off would silence it, but also change the
numerics and slow TensorFlow down, so instead the import runs with fd 2 captured and everything but
those two known notices is written back.
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
from types import ModuleType

KNOWN_NOTICES = (
    "All log messages before absl::InitializeLog() is called are written to STDERR",
    "oneDNN custom operations are on",
)


def import_keras_quietly() -> ModuleType:
    """Import and return :mod:`keras`, dropping only TensorFlow's known start-up notices.

    Examples
    --------
    >>> import_keras_quietly().__name__
    'keras'
    """
    if "keras" in sys.modules:
        return sys.modules["keras"]
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real stderr (embedded interpreters): import as usual
        return importlib.import_module("keras")
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            keras = importlib.import_module("keras")
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        capture.seek(0)
        captured = capture.read().decode(errors="replace")
    kept = [line for line in captured.splitlines() if not any(n in line for n in KNOWN_NOTICES)]
    if kept:
        sys.stderr.write("\n".join(kept) + "\n")
    return keras
