"""Helpers for the course pages: numbers in the prose come from the cell that computed them.

The website is built with myst-nb, whose ``glue`` stores a value under a name so that the prose can
insert it (``{glue:text}`accuracy:.1%```). :func:`glue` is that function when myst-nb is installed
and a quiet no-op otherwise (Colab, a plain Jupyter), so the chapters run anywhere unchanged.
"""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T")


def glue(name: str, value: T) -> T:
    """Store ``value`` under ``name`` for the page's prose, and return it unchanged.

    Parameters
    ----------
    name : str
        The key the prose refers to, e.g. ``"ch2_accuracy"`` in ``{glue:text}`ch2_accuracy:.1%```.
    value : object
        A number (or any object myst-nb can display as text).

    Returns
    -------
    object
        ``value`` itself, so that ``accuracy = glue("ch2_accuracy", accuracy)`` reads naturally.

    Examples
    --------
    >>> glue("example_margin", 1.668)
    1.668
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be an identifier-like string, got {name!r}")
    try:
        from myst_nb import glue as myst_glue
    except ImportError:  # Colab or plain Jupyter: nothing to glue into
        return value
    myst_glue(name, _plain(value), display=False)
    return value


def _plain(value: Any) -> Any:
    """numpy and torch scalars become Python numbers, so format specs like ``:.1%`` work."""
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "ndim", 0) == 0:
        return item()
    return value
