"""Give bibliography entries a valid ARIA role.

docutils writes a page's citations as ``<div role="list" class="citation-list">`` holding
``<div class="citation" role="doc-biblioentry">`` entries. DPUB-ARIA 1.1 deprecates
``doc-biblioentry``, and a ``list`` must own ``listitem`` children, so axe-core reports
``aria-deprecated-role`` (minor) on every entry and ``aria-required-children`` (critical) on
the list. The entries are items of that list: this says so, after docutils has written the page.
"""

from __future__ import annotations

import re
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


def setup(app: Any) -> dict[str, Any]:
    app.connect("html-page-context", _page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
