"""Small accessibility fixes of what docutils and the theme write (axe-core checks the site).

**Bibliography roles.** docutils writes a page's citations as
``<div role="list" class="citation-list">`` holding
``<div class="citation" role="doc-biblioentry">`` entries. DPUB-ARIA 1.1 deprecates
``doc-biblioentry``, and a ``list`` must own ``listitem`` children, so axe-core reports
``aria-deprecated-role`` (minor) on every entry and ``aria-required-children`` (critical) on
the list. The entries are items of that list: this says so, after docutils has written the page.

**Link contrast in admonitions.** ``static/accessibility.css`` darkens links on the tinted
backgrounds of exercises and notes, where the theme's link blue stays below WCAG AA's 4.5:1.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_ENTRY = re.compile(r'(<div class="citation"[^>]*?) role="doc-biblioentry"')


def fix_citation_roles(body: str) -> str:
    """Replace the deprecated ``doc-biblioentry`` role of citation entries by ``listitem``.

    Examples
    --------
    >>> fix_citation_roles('<div class="citation" id="id3" role="doc-biblioentry">')
    '<div class="citation" id="id3" role="listitem">'
    """
    return _ENTRY.sub(r'\1 role="listitem"', body)


def _page_context(app: Any, pagename: str, templatename: str, context: dict, doctree: Any):
    if isinstance(context.get("body"), str):
        context["body"] = fix_citation_roles(context["body"])


def _add_static_path(app: Any) -> None:
    app.config.html_static_path.append(str(Path(__file__).parent / "static"))


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", _add_static_path)
    app.add_css_file("accessibility.css")
    app.connect("html-page-context", _page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
