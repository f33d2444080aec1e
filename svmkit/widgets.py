"""Sliders over a figure that work in a live kernel *and* on the static website.

:func:`slider_figure` takes ``render(**values) -> Figure`` and a list of values per parameter.

* In a live Jupyter, JupyterLab or Colab kernel it returns ipywidgets ``SelectionSlider`` s
  driving an ``Image`` widget; renders are cached, so revisiting a setting is instant, and
  slider changes are debounced.
* When ``SVMKIT_STATIC_WIDGETS=1`` (the book build sets it), or without a kernel or ipywidgets, it
  renders every combination once and returns a :class:`StaticSlider`: a self-contained HTML/JS
  player (one ``<input type="range">`` per parameter swapping an ``<img>``), with no CDN, so it
  works on the website, offline and in a browser test. Published ipywidgets cannot do this: their
  Python callbacks need a kernel (see DESIGN.md, "Jupyter Book 1 facts").

The slider logic lives in :class:`SliderController` so it can be tested without a browser.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
import math
import os
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "MAX_HTML_BYTES",
    "SliderController",
    "StaticSlider",
    "encode_rgb",
    "figure_to_bytes",
    "live_kernel",
    "slider_figure",
    "static_output",
]

#: Upper bound on a generated HTML player, so that a page stays light and below the limits of
#: notebook viewers; a larger player raises ``ValueError`` with a hint instead of being truncated.
MAX_HTML_BYTES = 5 * 1024 * 1024

STATIC_ENV = "SVMKIT_STATIC_WIDGETS"

_MIME = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif"}


def live_kernel() -> bool:
    """Whether code runs inside an IPython kernel (Jupyter, JupyterLab, Colab), not a terminal.

    Examples
    --------
    >>> live_kernel()
    False
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def static_output(static: bool | None = None) -> bool:
    """Whether a widget should render as self-contained HTML (the website) instead of live widgets.

    The one rule shared by :func:`slider_figure` and :class:`svmkit.playground.Playground`: an
    explicit ``static`` wins; otherwise output is static when ``SVMKIT_STATIC_WIDGETS=1`` (the
    book build sets it), outside a kernel, or without ipywidgets.

    Examples
    --------
    >>> static_output(), static_output(False)
    (True, False)
    """
    if static is not None:
        return bool(static)
    return os.environ.get(STATIC_ENV) == "1" or not live_kernel() or not _has_ipywidgets()


def _image_format(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "png"
    if data.startswith(b"\xff\xd8"):
        return "jpeg"
    if data.startswith(b"GIF8"):
        return "gif"
    raise ValueError("unknown image format (expected PNG, JPEG or GIF bytes)")


def _data_uri(data: bytes) -> str:
    return f"data:{_MIME[_image_format(data)]};base64,{base64.b64encode(data).decode('ascii')}"


def _check_html_size(text: str, what: str, hint: str) -> str:
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


def _element_id(prefix: str) -> str:
    # A fresh id per HTML string: the same object may be displayed twice on one page.
    return f"svmkit-{prefix}-{uuid.uuid4().hex[:12]}"


def encode_rgb(pixels: Any, image_format: str = "png", *, quality: int = 80) -> bytes:
    """Encode an ``(h, w, 3|4)`` uint8 array as compact PNG (256-colour palette) or JPEG bytes.

    Examples
    --------
    >>> import numpy as np
    >>> pixels = np.zeros((4, 6, 3), dtype=np.uint8)
    >>> encode_rgb(pixels)[:4], encode_rgb(pixels, "jpeg")[:2]
    (b'\\x89PNG', b'\\xff\\xd8')
    """
    from PIL import Image

    image = Image.fromarray(pixels).convert("RGB")
    buffer = io.BytesIO()
    if image_format == "png":
        # A 256-colour palette is visually lossless for flat plot colours and ~3x smaller.
        image.quantize(256, method=Image.Quantize.FASTOCTREE).save(buffer, "png", optimize=False)
    elif image_format == "jpeg":
        image.save(buffer, "jpeg", quality=quality)
    else:
        raise ValueError(f"image_format must be 'png' or 'jpeg'; got {image_format!r}")
    return buffer.getvalue()


def figure_to_bytes(
    figure: Any, image_format: str = "png", *, dpi: float | None = None, close: bool = True
) -> bytes:
    """Render a matplotlib figure to compact PNG or JPEG bytes.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        The figure to render.
    image_format : {"png", "jpeg"}, default "png"
        PNG is palette-quantised (256 colours); JPEG uses quality 80.
    dpi : float, optional
        Resolution; defaults to the figure's own.
    close : bool, default True
        Close the figure in pyplot afterwards, so the notebook does not show it a second time.

    Returns
    -------
    bytes

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> figure = Figure(figsize=(2, 1), dpi=50)
    >>> _ = figure.add_subplot().plot([0, 1], [1, 0])
    >>> figure_to_bytes(figure)[:4]
    b'\\x89PNG'
    """
    import numpy as np
    from PIL import Image

    if not hasattr(figure, "savefig"):
        raise TypeError(f"render must return a matplotlib Figure; got {type(figure).__name__}")
    # savefig (not a new canvas) leaves a figure managed by pyplot intact; fast zlib level,
    # then re-encode compactly.
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi if dpi is not None else "figure",
                   pil_kwargs={"compress_level": 1})
    buffer.seek(0)
    data = encode_rgb(np.asarray(Image.open(buffer).convert("RGB")), image_format)
    if close:
        import matplotlib.pyplot as plt

        plt.close(figure)
    return data


def _label(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _check_params(params: Mapping[str, Sequence[Any]]) -> dict[str, list[Any]]:
    if not params:
        raise ValueError("give at least one parameter, e.g. C=[0.1, 1, 10]")
    checked = {}
    for name, values in params.items():
        if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
            raise TypeError(f"{name} must be a list of values; got {values!r}")
        values = list(values)
        if len(values) == 0:
            raise ValueError(f"{name} needs at least one value")
        checked[name] = values
    return checked


class SliderController:
    """Map slider positions to render calls, with an LRU cache of rendered images.

    Parameters
    ----------
    render : callable
        ``render(**values)`` returns a matplotlib ``Figure``.
    params : mapping of str to sequence
        Allowed values of each parameter, in slider order.
    initial : mapping, optional
        Starting values; defaults to the first value of each parameter.
    cache_size : int, default 128
        Number of rendered images kept.
    image_format : {"png", "jpeg"}, default "png"
        Encoding of the rendered images.

    Attributes
    ----------
    values : dict
        The current setting.
    render_calls : int
        How many times ``render`` has been called (cache hits do not count).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> def render(C, sigma):
    ...     figure = Figure(figsize=(1, 1), dpi=20)
    ...     figure.add_subplot().set_title(f"{C} {sigma}")
    ...     return figure
    >>> controller = SliderController(render, {"C": [0.1, 1.0], "sigma": [1, 2]})
    >>> image = controller.set("C", 1.0)
    >>> image = controller.set("C", 0.1)
    >>> image = controller.set("C", 1.0)  # cached
    >>> controller.values, controller.render_calls
    ({'C': 1.0, 'sigma': 1}, 2)
    """

    def __init__(
        self,
        render: Callable[..., Any],
        params: Mapping[str, Sequence[Any]],
        *,
        initial: Mapping[str, Any] | None = None,
        cache_size: int = 128,
        image_format: str = "png",
    ) -> None:
        self.render = render
        self.params = _check_params(params)
        self.image_format = image_format
        self.cache_size = int(cache_size)
        self.render_calls = 0
        self._cache: OrderedDict[tuple[int, ...], bytes] = OrderedDict()
        self.values = {name: values[0] for name, values in self.params.items()}
        if initial:
            self._assign(initial)

    def _index(self, name: str, value: Any) -> int:
        if name not in self.params:
            raise KeyError(f"unknown parameter {name!r}; expected one of {list(self.params)}")
        for i, option in enumerate(self.params[name]):
            if option is value or option == value:
                return i
        raise ValueError(f"{name}={value!r} is not one of {self.params[name]}")

    def _assign(self, values: Mapping[str, Any]) -> None:
        for name, value in values.items():
            self._index(name, value)  # validates before anything changes
        self.values.update(values)

    @property
    def key(self) -> tuple[int, ...]:
        """Indices of the current values, one per parameter."""
        return tuple(self._index(name, value) for name, value in self.values.items())

    def image(self) -> bytes:
        """Image bytes of the current setting, rendering only on a cache miss."""
        key = self.key
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        self.render_calls += 1
        data = figure_to_bytes(self.render(**self.values), self.image_format)
        self._cache[key] = data
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return data

    def set(self, name: str, value: Any) -> bytes:
        """Move one slider and return the image of the new setting."""
        return self.update({name: value})

    def update(self, values: Mapping[str, Any]) -> bytes:
        """Move several sliders at once (a single render) and return the image."""
        self._assign(values)
        return self.image()


class _Debouncer:
    """Run ``callback`` once, ``delay`` seconds after the last call, on the kernel's event loop.

    Without a running event loop (tests, plain Python) or with ``delay <= 0`` the callback runs
    at once. The callback runs on the loop's thread, so matplotlib is never used concurrently.
    """

    def __init__(self, callback: Callable[[], None], delay: float) -> None:
        self.callback = callback
        self.delay = delay
        self._handle: Any = None

    def __call__(self) -> None:
        import asyncio

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None or self.delay <= 0:
            self.callback()
            return
        if self._handle is not None:
            self._handle.cancel()
        self._handle = loop.call_later(self.delay, self.callback)


class StaticSlider:
    """Precomputed images over a parameter grid, shown by a self-contained HTML/JS player.

    Usually created by :func:`slider_figure`. Displays itself in a notebook through
    ``_repr_html_``; :meth:`to_html` returns the markup.

    Parameters
    ----------
    params : mapping of str to sequence
        Values of each parameter.
    frames : sequence of bytes
        One PNG/JPEG image per combination, in :func:`itertools.product` order of ``params``.
    initial : mapping, optional
        Setting shown first; defaults to the first value of each parameter.
    alt : str, default "figure"
        Alternative text of the image.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> def render(C):
    ...     figure = Figure(figsize=(1, 1), dpi=20)
    ...     figure.add_subplot().set_title(str(C))
    ...     return figure
    >>> player = slider_figure(render, static=True, C=[0.1, 1, 10])
    >>> player
    StaticSlider(C: 3 values; 3 images)
    >>> player.to_html().count('type="range"')
    1
    """

    def __init__(
        self,
        params: Mapping[str, Sequence[Any]],
        frames: Sequence[bytes],
        *,
        initial: Mapping[str, Any] | None = None,
        alt: str = "figure",
    ) -> None:
        self.params = _check_params(params)
        self.frames = list(frames)
        expected = math.prod(len(values) for values in self.params.values())
        if len(self.frames) != expected:
            raise ValueError(f"expected {expected} images (one per combination); "
                             f"got {len(self.frames)}")
        controller_values = dict(initial or {})
        self.initial = [
            self.params[name].index(controller_values[name]) if name in controller_values else 0
            for name in self.params
        ]
        self.alt = alt

    def __len__(self) -> int:
        return len(self.frames)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}: {len(values)} values" for name, values in self.params.items())
        return f"StaticSlider({sizes}; {len(self.frames)} images)"

    def to_html(self) -> str:
        """Self-contained HTML/JS player (no external resources); raises if above 5 MB."""
        root = _element_id("slider")
        names = list(self.params)
        labels = [[_label(v) for v in self.params[name]] for name in names]
        # Row-major strides turn slider positions into an index of the product order.
        strides = [math.prod(len(self.params[n]) for n in names[i + 1:]) for i in range(len(names))]
        start = sum(i * s for i, s in zip(self.initial, strides, strict=True))
        uris = [_data_uri(frame) for frame in self.frames]
        # The image's alt text names the setting it shows, e.g. "margin (C = 10, σ = 1)".
        setting = ", ".join(f"{n} = {labels[k][self.initial[k]]}" for k, n in enumerate(names))
        rows = []
        for k, name in enumerate(names):
            rows.append(
                f'<div style="display:flex;align-items:center;gap:0.6em;margin:0.15em 0">'
                f'<label for="{root}-s{k}" style="min-width:5em">{html.escape(name)}</label>'
                f'<input id="{root}-s{k}" type="range" min="0" max="{len(labels[k]) - 1}" '
                f'step="1" value="{self.initial[k]}" '
                f'aria-valuetext="{html.escape(name)} = {html.escape(labels[k][self.initial[k]])}" '
                f'style="flex:1;max-width:24em;min-height:24px">'
                f'<output id="{root}-v{k}" for="{root}-s{k}" style="min-width:4em">'
                f"{html.escape(labels[k][self.initial[k]])}</output></div>"
            )
        text = (
            f'<div id="{root}" class="svmkit-static-slider" role="group" '
            f'aria-label="{html.escape(self.alt)} (arrow keys on a slider change the figure)" '
            f'style="max-width:100%;font-family:sans-serif;font-size:0.9em">'
            + "".join(rows)
            + f'<img id="{root}-img" src="{uris[start]}" '
            f'alt="{html.escape(self.alt)} ({html.escape(setting)})" '
            f'style="max-width:100%;height:auto;display:block"></div>\n'
            f"<script>(function () {{\n"
            f"  var frames = {_script_json(uris)};\n"
            f"  var labels = {_script_json(labels)};\n"
            f"  var strides = {_script_json(strides)};\n"
            f"  var names = {_script_json(names)}, alt = {_script_json(self.alt)};\n"
            f'  var id = "{root}";\n'
            "  var image = document.getElementById(id + '-img');\n"
            "  var inputs = labels.map(function (_, k) {"
            " return document.getElementById(id + '-s' + k); });\n"
            "  function show() {\n"
            "    var index = 0, setting = [];\n"
            "    inputs.forEach(function (input, k) {\n"
            "      var position = parseInt(input.value, 10);\n"
            "      index += position * strides[k];\n"
            "      document.getElementById(id + '-v' + k).textContent = labels[k][position];\n"
            "      setting.push(names[k] + ' = ' + labels[k][position]);\n"
            "      input.setAttribute('aria-valuetext', setting[k]);\n"
            "    });\n"
            "    image.src = frames[index]; image.alt = alt + ' (' + setting.join(', ') + ')';\n"
            "  }\n"
            "  inputs.forEach(function (input) { input.addEventListener('input', show); });\n"
            "})();</script>"
        )
        return _check_html_size(text, "this slider", "use fewer values, a smaller figure or dpi, "
                                "or image_format='jpeg'")

    def _repr_html_(self) -> str:
        return self.to_html()


def _render_all(
    render: Callable[..., Any],
    params: dict[str, list[Any]],
    image_format: str,
) -> list[bytes]:
    names = list(params)
    return [figure_to_bytes(render(**dict(zip(names, combination, strict=True))), image_format)
            for combination in itertools.product(*params.values())]


def slider_figure(
    render: Callable[..., Any],
    /,
    *,
    static: bool | None = None,
    max_figures: int = 200,
    image_format: str = "png",
    alt: str | None = None,
    **params: Sequence[Any],
) -> Any:
    """Sliders over the parameters of a figure: live ipywidgets or a static HTML player.

    Parameters
    ----------
    render : callable
        ``render(**values)`` returns a matplotlib ``Figure`` for one setting.
    static : bool, optional
        Force the static player (True) or live widgets (False). By default the player is static
        when ``SVMKIT_STATIC_WIDGETS=1``, outside a kernel, or without ipywidgets.
    max_figures : int, default 200
        The static player renders every combination; a larger grid raises ``ValueError``.
    image_format : {"png", "jpeg"}, default "png"
        Encoding of the images.
    alt : str, optional
        What the figure shows, for readers who cannot see it (the static player appends the
        current setting, e.g. "(C = 10)"). Defaults to naming the parameters.
    **params : sequence
        The values of each slider, e.g. ``C=[0.01, 0.1, 1, 10]``; the first value is shown first.

    Returns
    -------
    StaticSlider or ipywidgets.VBox
        Either displays itself when it is the last expression of a cell.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> def render(C, sigma):
    ...     figure = Figure(figsize=(1.5, 1), dpi=30)
    ...     figure.add_subplot().set_title(f"C={C}, σ={sigma}")
    ...     return figure
    >>> player = slider_figure(render, C=[0.1, 1.0], sigma=[0.5, 1.0, 2.0])
    >>> len(player)
    6
    """
    if alt is not None and not isinstance(alt, str):
        raise TypeError(f"alt must be a string (the figure's description); got {alt!r}")
    params_checked = _check_params(params)
    if static_output(static):
        total = math.prod(len(values) for values in params_checked.values())
        if total > max_figures:
            raise ValueError(
                f"the static slider would render {total} figures (limit max_figures="
                f"{max_figures}); use fewer values per parameter"
            )
        if alt is None:
            alt = f"the figure redrawn for each setting of {', '.join(params_checked)}"
        return StaticSlider(params_checked, _render_all(render, params_checked, image_format),
                            alt=alt)
    return _live_sliders(render, params_checked, image_format)


def _has_ipywidgets() -> bool:
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


def _live_sliders(
    render: Callable[..., Any],
    params: dict[str, list[Any]],
    image_format: str,
    debounce: float = 0.15,
) -> Any:
    import ipywidgets as widgets

    controller = SliderController(render, params, image_format=image_format)
    image = widgets.Image(value=controller.image(), format=image_format)
    error = widgets.HTML()
    pending: dict[str, Any] = {}

    def flush() -> None:
        changes = dict(pending)
        pending.clear()
        try:
            image.value = controller.update(changes)
            error.value = ""
        except Exception as exception:  # shown next to the sliders: a callback's log is hidden
            error.value = f"<pre style='color:#b00'>{html.escape(repr(exception))}</pre>"

    debounced = _Debouncer(flush, debounce)
    sliders = []
    for name, values in params.items():
        slider = widgets.SelectionSlider(
            options=[(_label(value), value) for value in values],
            value=controller.values[name],
            description=name,
            continuous_update=False,
            style={"description_width": "initial"},
        )

        def on_change(change: dict[str, Any], name: str = name) -> None:
            pending[name] = change["new"]
            debounced()

        slider.observe(on_change, names="value")
        sliders.append(slider)
    box = widgets.VBox([*sliders, image, error])
    box.controller = controller  # handy for inspection in a notebook
    return box
