"""svmkit: support vector machines from the hinge loss to random-Fourier-feature kernel SVMs.

The top-level package is deliberately light: ``import svmkit`` loads neither PyTorch nor Keras.
The framework code lives in :mod:`svmkit.torch` and :mod:`svmkit.keras`, imported only when used;
the framework-free parts (data, numpy kernels, plots, widgets) are plain submodules.

Examples
--------
>>> import svmkit
>>> isinstance(svmkit.__version__, str)
True
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

__all__ = ["SVMClassifier", "__version__"]

_LAZY_ATTRIBUTES = {"SVMClassifier": "svmkit.estimator"}


def __getattr__(name: str) -> Any:
    # PEP 562: import the estimator (and with it a framework) only when somebody asks for it.
    if name in _LAZY_ATTRIBUTES:
        return getattr(importlib.import_module(_LAZY_ATTRIBUTES[name]), name)
    raise AttributeError(f"module 'svmkit' has no attribute {name!r}")
