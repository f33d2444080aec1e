"""Drop repeated <script> entries from pages.

sphinx-thebe (loaded by Jupyter Book 1 for its launch buttons) adds its inline configuration
script on every ``env-before-read-docs`` event, which fires more than once per build here. The
second copy re-declares ``const THEBE_JS_URL`` and the browser throws a SyntaxError on every page.
"""

from __future__ import annotations

from typing import Any


def _drop_repeated_scripts(app: Any, pagename: str, templatename: str, context: dict, doctree: Any):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple[str, str]] = set()
    unique = []
    for script in scripts:
        # Inline scripts come with filename None or "" depending on who added them.
        filename = getattr(script, "filename", script) or ""
        key = (str(filename), str(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app: Any) -> dict[str, Any]:
    # Run last, after every extension has added its scripts.
    app.connect("html-page-context", _drop_repeated_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
