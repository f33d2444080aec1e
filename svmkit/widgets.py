"""Sliders over a figure that work in a live kernel *and* on the static website.

:func:`slider_figure` takes ``render(**values) -> Figure`` and a list of values per parameter.

* In a live Jupyter, JupyterLab or Colab kernel it returns ipywidgets ``SelectionSlider`` s
  driving an ``Image`` widget; renders are cached, so revisiting a setting is instant, and
  slider changes are debounced.
* When ``SVMKIT_STATIC_WIDGETS=1`` (the book build sets it), or without a kernel or ipywidgets, it
  renders every combination once and returns a :class:`StaticSlider`: a self-contained HTML/JS
  player (one ``<input type="range">`` per parameter swapping an ``<img>``), with no CDN, so it
  works on the website, offline and in a browser test. Published ipywidgets cannot do this: their
  Python callbacks need a kernel.

The slider logic lives in :class:`SliderController` so it can be tested without a browser; the
player's markup and script are the package's one player template (see ``svmkit._html``).
:func:`static_output` is the one rule that decides between live and static output, for the
sliders, :class:`svmkit.playground.Playground` and :class:`svmkit.animate.MarginAnimation`.
"""

from __future__ import annotations

import html
import io
import itertools
import math
import os
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from svmkit._html import MAX_HTML_BYTES, Axis, check_html_size, render_player

__all__ = [
    "MAX_HTML_BYTES",
    "STATIC_ENV",
    "SliderController",
    "StaticSlider",
    "encode_rgb",
    "figure_to_bytes",
    "live_kernel",
    "slider_figure",
    "static_output",
]

#: The environment variable the book build sets to ``1`` for static, self-contained output.
STATIC_ENV = "SVMKIT_STATIC_WIDGETS"


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


def static_output(static: bool | None = None, *, widgets: bool = True) -> bool:
    """Whether to show self-contained HTML (the website) instead of live output in a kernel.

    The one rule for every svmkit display: an explicit ``static`` wins; otherwise output is
    static when the environment variable ``SVMKIT_STATIC_WIDGETS`` is ``1`` (the book build sets
    it), and else whenever there is no live kernel to talk to.

    Parameters
    ----------
    static : bool, optional
        The caller's explicit choice, returned as is when given.
    widgets : bool, default True
        Whether the live output needs ipywidgets (sliders, playground): without them it is
        static too. :class:`~svmkit.animate.MarginAnimation` only needs IPython's display.

    Returns
    -------
    bool

    Examples
    --------
    >>> static_output(), static_output(False)
    (True, False)
    """
    if static is not None:
        return bool(static)
    if os.environ.get(STATIC_ENV) == "1":
        return True
    return not live_kernel() or (widgets and not _has_ipywidgets())


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
    >>> player.to_html().count("data:image/png")  # the three images, and the first one shown
    4
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
        axes = [Axis([_label(value) for value in values], name=name, start=start)
                for (name, values), start in zip(self.params.items(), self.initial, strict=True)]
        # The image's alt text names the setting it shows, e.g. "margin (C = 10, σ = 1)".
        text = render_player(
            self.frames, axes, css_class="svmkit-static-slider",
            aria_label=f"{self.alt} (arrow keys on a slider change the figure)",
            alt=(f"{self.alt} (", ")"), controls_first=True,
        )
        return check_html_size(text, "this slider", "use fewer values, a smaller figure or dpi, "
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
        Force the static player (True) or live widgets (False). By default
        :func:`static_output` decides: static when ``SVMKIT_STATIC_WIDGETS=1``, outside a kernel,
        or without ipywidgets.
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
