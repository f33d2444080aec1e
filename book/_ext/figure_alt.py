"""Alt text for the figures that notebook cells draw.

myst-nb writes a cell's image output without alt text, so the HTML falls back to the file name
(``_images/9811eb45….png``), which tells a screen-reader user nothing. The chapters caption a
figure in the paragraph right after the cell that draws it, in italics (``*Margin bands of …*``):
that caption becomes the image's alt text. A figure without such a caption is described by the
section it appears in. Alt text set in the cell's metadata (``mystnb.image.alt``) is kept.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes

MAX_ALT = 400  # characters; a caption longer than that is cut at a word boundary


def _enclosing_cell(node: nodes.Node) -> nodes.Element | None:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.container) and "cell" in parent.get("classes", []):
            return parent
        parent = parent.parent
    return None


def _caption_after(cell: nodes.Element) -> str | None:
    """The italic paragraph that follows the cell, if the chapter captions the figure there."""
    following = cell.next_node(descend=False, siblings=True, ascend=False)
    if isinstance(following, nodes.paragraph) and following.children and isinstance(
        following.children[0], nodes.emphasis
    ):
        return " ".join(following.children[0].astext().split())
    return None


def _section_title(node: nodes.Node) -> str | None:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.section) and parent.children:
            title = parent.children[0]
            if isinstance(title, nodes.title):
                return title.astext()
        parent = parent.parent
    return None


def describe(image: nodes.image) -> str | None:
    """Alt text for a notebook output image: its caption, or the section it illustrates."""
    cell = _enclosing_cell(image)
    if cell is None:
        return None
    caption = _caption_after(cell)
    if caption:
        return caption if len(caption) <= MAX_ALT else caption[:MAX_ALT].rsplit(" ", 1)[0] + " …"
    section = _section_title(cell)
    return f"Figure drawn by the code above, in the section “{section}”" if section else None


def _add_alt_text(app: Any, doctree: nodes.document, docname: str) -> None:
    for image in doctree.findall(nodes.image):
        if image.get("alt"):
            continue
        alt = describe(image)
        if alt:
            image["alt"] = alt


def setup(app: Any) -> dict[str, Any]:
    # doctree-resolved: glue references in captions are numbers by then, not roles.
    app.connect("doctree-resolved", _add_alt_text)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
