"""Progress bars that suit where the code runs.

In a live notebook ``tqdm.auto`` draws a widget bar. While the book is built
(``SVMKIT_STATIC_WIDGETS=1``) a widget would need a kernel to render, and anything on stderr fails
the strict build, so the bar is plain text on stdout and only its final state is kept.
"""

from __future__ import annotations

import os
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
    if os.environ.get("SVMKIT_STATIC_WIDGETS") == "1":
        from tqdm.std import tqdm

        kwargs.setdefault("file", sys.stdout)
        kwargs.setdefault("mininterval", 3600.0)  # the first and final states only
        kwargs.setdefault("ascii", True)
    else:
        from tqdm.auto import tqdm
    return tqdm(iterable, total=total, desc=desc, disable=not enabled, **kwargs)
