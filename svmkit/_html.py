"""The self-contained HTML/JS image player shared by the animation and the slider players.

Both :meth:`svmkit.animate.MarginAnimation.to_html` and :meth:`svmkit.widgets.StaticSlider.to_html`
show precomputed images behind one or more ``<input type="range">``. The markup, style and script
are package data — ``svmkit/_static/player.html``, ``player.css`` and ``player.js`` — and Python
only fills in a JSON configuration and the images as ``data:`` URIs, so a page needs no CDN and
no kernel. :func:`render_player` is that one entry point; the other helpers encode the images and
keep a page below :data:`MAX_HTML_BYTES`.
"""

from __future__ import annotations

import base64
import html
import json
import math
import string
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["MAX_HTML_BYTES", "Axis", "check_html_size", "data_uri", "render_player"]

#: Upper bound on a generated HTML player, so that a page stays light and below the limits of
#: notebook viewers; a larger player raises ``ValueError`` with a hint instead of being truncated.
MAX_HTML_BYTES = 5 * 1024 * 1024

_MIME = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif"}


@cache
def _static_text(name: str) -> str:
    return (resources.files("svmkit") / "_static" / name).read_text(encoding="utf-8")


def _image_format(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "png"
    if data.startswith(b"\xff\xd8"):
        return "jpeg"
    if data.startswith(b"GIF8"):
        return "gif"
    raise ValueError("unknown image format (expected PNG, JPEG or GIF bytes)")


def data_uri(data: bytes) -> str:
    """A ``data:`` URI holding PNG, JPEG or GIF bytes, so a page needs no image files.

    Examples
    --------
    >>> data_uri(b"GIF89a")
    'data:image/gif;base64,R0lGODlh'
    """
    return f"data:{_MIME[_image_format(data)]};base64,{base64.b64encode(data).decode('ascii')}"


def check_html_size(text: str, what: str, hint: str) -> str:
    """Return ``text``, or raise ``ValueError`` (naming ``what``, with ``hint``) above the limit.

    Examples
    --------
    >>> check_html_size("<div></div>", "this player", "use fewer frames")
    '<div></div>'
    """
    size = len(text.encode("utf-8"))
    if size > MAX_HTML_BYTES:
        raise ValueError(
            f"{what} would be {size / 2**20:.1f} MB, above the {MAX_HTML_BYTES / 2**20:.0f} MB "
            f"limit for a page; {hint}"
        )
    return text


def _script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element (no ``</script>`` can close it early)."""
    return json.dumps(value).replace("</", "<\\/")


@dataclass(frozen=True)
class Axis:
    """One slider of a player.

    Parameters
    ----------
    labels : sequence of str
        What each position shows, e.g. ``["0.1", "1", "10"]`` or ``["frame 1 of 9", ...]``.
    name : str, optional
        A parameter name: the slider gets a ``<label>`` and an ``<output>`` with its value, and
        reads ``"C = 10"``. Without a name it steps through frames, with a counter ``"2 / 9"``.
    start : int, default 0
        The position shown first.

    Examples
    --------
    >>> Axis(["0.1", "1", "10"], name="C").setting(2), Axis(["frame 1", "frame 2"]).setting(0)
    ('C = 10', 'frame 1')
    """

    labels: Sequence[str]
    name: str | None = None
    start: int = 0

    def setting(self, position: int) -> str:
        """How the slider reads at ``position``, e.g. ``"C = 10"`` or ``"frame 2 of 9"``."""
        label = self.labels[position]
        return f"{self.name} = {label}" if self.name else label


def render_player(
    frames: Sequence[bytes],
    axes: Sequence[Axis],
    *,
    css_class: str,
    aria_label: str,
    alt: tuple[str, str],
    captions: Sequence[str] | None = None,
    delay_ms: int | None = None,
    controls_first: bool = False,
) -> str:
    """Self-contained HTML/JS player of ``frames`` behind one slider per axis.

    Parameters
    ----------
    frames : sequence of bytes
        PNG/JPEG/GIF images, in row-major (:func:`itertools.product`) order of ``axes``.
    axes : sequence of Axis
        The sliders.
    css_class : str
        Class of the player's ``<div>`` (tests and pages find players by it).
    aria_label : str
        What the player is, and which keys drive it, for screen readers.
    alt : (str, str)
        The image's alt text is ``alt[0] + "the settings" + alt[1]``.
    captions : sequence of str, optional
        One caption per frame, shown under the image.
    delay_ms : int, optional
        Add a play/pause button stepping through the first axis, one frame per ``delay_ms``.
    controls_first : bool, default False
        Put the sliders above the image instead of below.

    Returns
    -------
    str
        A ``<style>``, a ``<div>`` with the image of the start setting (what remains without
        JavaScript) and a ``<script>`` that builds the controls; the ``<div>``'s id is fresh,
        so one object can be shown twice on a page.

    Examples
    --------
    >>> gif = b"GIF89a"
    >>> text = render_player([gif, gif], [Axis(["1", "2"], name="C")], css_class="demo",
    ...                      aria_label="demo", alt=("figure (", ")"))
    >>> 'alt="figure (C = 1)"' in text, text.count("data:image/gif")  # 2 frames + the first shown
    (True, 3)
    """
    sizes = [len(axis.labels) for axis in axes]
    if len(frames) != math.prod(sizes):
        raise ValueError(f"expected {math.prod(sizes)} frames for axes of sizes {sizes}; "
                         f"got {len(frames)}")
    # Row-major strides turn slider positions into an index of the product order.
    strides = [math.prod(sizes[k + 1:]) for k in range(len(axes))]
    start = sum(axis.start * stride for axis, stride in zip(axes, strides, strict=True))
    uris = [data_uri(frame) for frame in frames]
    config = {
        "axes": [{"name": axis.name, "labels": list(axis.labels), "start": axis.start,
                  "stride": stride} for axis, stride in zip(axes, strides, strict=True)],
        "alt": list(alt),
        "play": None if delay_ms is None else {"delay": int(delay_ms)},
        "captions": None if captions is None else list(captions),
        "controlsFirst": controls_first,
    }
    settings = ", ".join(axis.setting(axis.start) for axis in axes)
    template = string.Template(_static_text("player.html"))
    return template.substitute(
        id=f"svmkit-{css_class.removeprefix('svmkit-')}-{uuid.uuid4().hex[:12]}",
        css_class=html.escape(css_class),
        aria_label=html.escape(aria_label),
        src=uris[start],
        alt=html.escape(f"{alt[0]}{settings}{alt[1]}"),
        css=_static_text("player.css"),
        script=_static_text("player.js"),
        frames=_script_json(uris),
        config=_script_json(config),
    )
