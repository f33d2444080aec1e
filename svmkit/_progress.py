"""Progress bars that suit where the code runs.

In a terminal (scripts, benchmarks) and in a live notebook, ``tqdm.auto`` draws its usual bar (text
on stderr, or a widget). While the book is built the kernel's output is static
(:func:`svmkit.widgets.static_output`, the one static-vs-live rule): a widget would need a kernel to
render, and anything on stderr fails the strict build, so the bar is plain text on stdout and only
its first and final states are kept.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any


def progress_bar(
    iterable: Iterable[Any] | None = None,
    *,
    total: int | None = None,
    desc: str = "",
    enabled: bool = True,
    **kwargs: Any,
) -> Any:
    """Return a tqdm progress bar (or a silent one when ``enabled`` is False).

    Examples
    --------
    >>> bar = progress_bar(range(3), desc="demo", enabled=False)
    >>> sum(bar)
    3
    """
    from svmkit.widgets import live_kernel, static_output

    if live_kernel() and static_output(widgets=False):
        from tqdm.std import tqdm

        kwargs.setdefault("file", sys.stdout)
        kwargs.setdefault("mininterval", 3600.0)  # the first and final states only
        kwargs.setdefault("ascii", True)
    else:
        from tqdm.auto import tqdm
    return tqdm(iterable, total=total, desc=desc, disable=not enabled, **kwargs)
