"""Keep the teacher's guide's measured chapter times true to the build that made the site.

The guide (``book/teachers_guide.ipynb``) reads every chapter's executed copy from the book's
jupyter-cache: the running and reading minutes that each chapter glues
(``svmkit.book.ChapterClock``) and the cache record's execution time. For that it must be

* executed after the chapters: Sphinx reads documents in sorted order, and this extension moves
  the guide to the end of the list explicitly rather than relying on its name;
* executed again whenever a chapter is: an incremental build re-reads only changed pages, so the
  guide is marked outdated with them (its notebook metadata asks myst-nb to always execute it);
* told where the cache is: ``SVMKIT_BOOK_CACHE`` is set for the kernels this build starts, from
  myst-nb's own setting (``_build/.jupyter_cache``, or wherever ``--path-output`` puts it).
"""

from __future__ import annotations

import os
from typing import Any

GUIDE = "book/teachers_guide"
CACHE_ENV = "SVMKIT_BOOK_CACHE"


def _reread_with_the_chapters(app: Any, env: Any, added: set, changed: set, removed: set):
    if GUIDE in env.found_docs and (added | changed | removed) - {GUIDE}:
        return [GUIDE]
    return []


def _read_last_and_point_at_the_cache(app: Any, env: Any, docnames: list[str]) -> None:
    if GUIDE in docnames:
        docnames.remove(GUIDE)
        docnames.append(GUIDE)
    cache = getattr(getattr(env, "mystnb_config", None), "execution_cache_path", None)
    if cache:
        # Inherited by the kernels that myst-nb starts for this build's notebooks.
        os.environ[CACHE_ENV] = str(cache)


def setup(app: Any) -> dict[str, Any]:
    app.connect("env-get-outdated", _reread_with_the_chapters)
    app.connect("env-before-read-docs", _read_last_and_point_at_the_cache)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
