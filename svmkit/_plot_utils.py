"""Small helpers that several plotting and grading modules share (internal).

Examples
--------
>>> series_of({"loss": [1, 0.5]})
{'loss': [1.0, 0.5]}
>>> [mask.tolist() for mask in class_masks([0, 1, 1])]
[[True, False, False], [False, True, True]]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np


def class_masks(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks of the negative and positive class; accepts ±1, {0, 1} or bool labels."""
    y = np.asarray(y).reshape(-1)
    values = set(np.unique(y).tolist())
    if not values <= {-1, 1} and not values <= {0, 1}:
        raise ValueError(f"y must hold two classes as ±1 or {{0, 1}}; got values {sorted(values)}")
    positive = y > 0
    return ~positive, positive


def series_of(history: Any) -> dict[str, list[float]]:
    """Series from a svmkit ``History``, a Keras ``History`` or any mapping of name -> values."""
    if hasattr(history, "history") and isinstance(history.history, Mapping):
        history = history.history
    if not isinstance(history, Mapping):
        try:
            history = dict(history)
        except (TypeError, ValueError) as error:
            raise TypeError(
                "expected a History or a mapping of series names to values; "
                f"got {type(history).__name__}"
            ) from error
    return {
        str(name): [float(v) for v in np.asarray(values, dtype=float).reshape(-1)]
        for name, values in history.items()
    }
