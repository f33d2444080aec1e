"""Tests of svmkit.widgets: the slider controller, the static player and the live sliders."""

from __future__ import annotations

import asyncio
import fnmatch
import json
import re
import tomllib
from importlib import resources
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure

from svmkit import _html, widgets
from svmkit.widgets import SliderController, StaticSlider, slider_figure, static_output

ROOT = Path(__file__).resolve().parents[1]
PLAYER_FILES = ("player.html", "player.js", "player.css")


class Recorder:
    """A render function that remembers its calls and draws them (so images differ)."""

    def __init__(self):
        self.calls = []

    def __call__(self, **values):
        self.calls.append(values)
        figure = Figure(figsize=(1.6, 1.2), dpi=40)
        ax = figure.add_subplot()
        ax.plot([0, 1], [0, len(self.calls)])
        ax.set_title(" ".join(f"{k}={v}" for k, v in values.items()), fontsize=6)
        return figure


def frames_in_html(text):
    match = re.search(r"var frames = (\[.*?\]);", text)
    assert match
    return json.loads(match.group(1).replace("<\\/", "</"))


def test_controller_renders_once_per_change_with_the_right_arguments():
    render = Recorder()
    controller = SliderController(render, {"C": [0.01, 0.1, 1.0], "sigma": [0.5, 2.0]})
    first = controller.image()
    assert render.calls == [{"C": 0.01, "sigma": 0.5}]
    second = controller.set("sigma", 2.0)
    assert render.calls[-1] == {"C": 0.01, "sigma": 2.0} and len(render.calls) == 2
    assert second != first and second.startswith(b"\x89PNG")
    controller.set("C", 1.0)
    assert render.calls[-1] == {"C": 1.0, "sigma": 2.0}
    assert controller.render_calls == len(render.calls) == 3


def test_controller_cache_makes_revisits_free_and_is_lru():
    render = Recorder()
    controller = SliderController(render, {"C": [1, 2, 3]}, cache_size=2)
    images = {value: controller.set("C", value) for value in (1, 2)}
    assert controller.set("C", 1) == images[1] and len(render.calls) == 2  # cache hit
    controller.set("C", 3)  # evicts C=2, the least recently used
    controller.set("C", 1)
    assert len(render.calls) == 3
    controller.set("C", 2)
    assert len(render.calls) == 4 and render.calls[-1] == {"C": 2}


def test_controller_update_many_is_one_render_and_validates_first():
    render = Recorder()
    controller = SliderController(
        render, {"C": [1, 2], "kernel": ["gaussian", "laplacian"]}, initial={"kernel": "laplacian"}
    )
    assert controller.values == {"C": 1, "kernel": "laplacian"}
    controller.update({"C": 2, "kernel": "gaussian"})
    assert render.calls == [{"C": 2, "kernel": "gaussian"}]
    with pytest.raises(ValueError, match="C=5"):
        controller.update({"kernel": "laplacian", "C": 5})
    assert controller.values == {"C": 2, "kernel": "gaussian"}  # unchanged after an error
    with pytest.raises(KeyError, match="gamma"):
        controller.set("gamma", 1)


def test_static_player_one_image_per_combination_and_one_range_per_parameter():
    render = Recorder()
    player = slider_figure(render, static=True, C=[0.01, 0.1, 1.0], sigma=[0.5, 2.0])
    assert isinstance(player, StaticSlider) and len(player) == 6
    # itertools.product order: the last parameter varies fastest
    assert render.calls == [{"C": c, "sigma": s} for c in (0.01, 0.1, 1.0) for s in (0.5, 2.0)]
    text = player.to_html()
    uris = frames_in_html(text)
    assert len(uris) == 6 and len(set(uris)) == 6
    assert all(uri.startswith("data:image/png;base64,") for uri in uris)
    config = json.loads(re.search(r"var config = (\{.*?\});\n", text).group(1))
    assert [axis["name"] for axis in config["axes"]] == ["C", "sigma"]
    assert [axis["labels"] for axis in config["axes"]] == [["0.01", "0.1", "1"], ["0.5", "2"]]
    assert [axis["stride"] for axis in config["axes"]] == [2, 1]
    assert config["play"] is None and config["controlsFirst"] is True
    assert f'src="{uris[0]}"' in text and "(C = 0.01, sigma = 0.5)" in text
    assert "http://" not in text and "https://" not in text and "<script src" not in text
    first_ids = set(re.findall(r'id="(svmkit-static-slider-[0-9a-f]+)"', text))
    second_ids = set(re.findall(r'id="(svmkit-static-slider-[0-9a-f]+)"', player.to_html()))
    assert len(first_ids) == 1 and first_ids.isdisjoint(second_ids)
    assert 'class="svmkit-player svmkit-static-slider" role="group"' in player._repr_html_()


def test_the_player_template_is_package_data():
    folder = resources.files("svmkit") / "_static"
    for name in PLAYER_FILES:
        assert (folder / name).is_file(), name
    # pyproject ships every file of svmkit/_static in the wheel.
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"]["svmkit"]
    for path in (ROOT / "svmkit" / "_static").iterdir():
        relative = f"_static/{path.name}"
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), relative


def test_both_players_render_from_the_one_template(monkeypatch):
    from svmkit.animate import MarginAnimation

    slider = slider_figure(Recorder(), static=True, C=[1, 2])
    animation = MarginAnimation([[0.0, 0.0], [1.0, 1.0]], [-1, 1], resolution=8, live=False)
    animation.add_frame(lambda points: points[:, 0] - 0.5)
    for text in (slider.to_html(), animation.to_html()):
        for name in PLAYER_FILES[1:]:  # the script and the style, verbatim
            assert _html._static_text(name) in text
    monkeypatch.setattr(_html, "_static_text", lambda name: f"<p>{name}: $id $frames</p>")
    for text in (slider.to_html(), animation.to_html()):
        assert text.startswith("<p>player.html: svmkit-") and '["data:image/' in text


def test_static_mode_is_chosen_by_the_book_build_environment(monkeypatch):
    monkeypatch.setattr(widgets, "live_kernel", lambda: True)
    monkeypatch.setenv("SVMKIT_STATIC_WIDGETS", "1")
    assert isinstance(slider_figure(Recorder(), C=[1, 2]), StaticSlider)


def test_static_mode_outside_a_kernel(monkeypatch):
    monkeypatch.delenv("SVMKIT_STATIC_WIDGETS", raising=False)
    assert isinstance(slider_figure(Recorder(), C=[1, 2]), StaticSlider)


def test_static_output_is_one_rule_explicit_then_environment_then_kernel(monkeypatch):
    monkeypatch.setattr(widgets, "live_kernel", lambda: True)
    monkeypatch.setattr(widgets, "_has_ipywidgets", lambda: True)
    monkeypatch.setenv("SVMKIT_STATIC_WIDGETS", "1")
    assert static_output() is True and static_output(False) is False
    monkeypatch.setenv("SVMKIT_STATIC_WIDGETS", "0")
    assert static_output() is False and static_output(True) is True
    monkeypatch.delenv("SVMKIT_STATIC_WIDGETS")
    assert static_output() is False
    monkeypatch.setattr(widgets, "_has_ipywidgets", lambda: False)
    assert static_output() is True  # live sliders need ipywidgets
    assert static_output(widgets=False) is False  # a display handle does not
    monkeypatch.setattr(widgets, "live_kernel", lambda: False)
    assert static_output(widgets=False) is True


def test_static_grid_limit_raises_before_rendering():
    render = Recorder()
    with pytest.raises(ValueError, match="max_figures"):
        slider_figure(render, static=True, max_figures=5, a=[1, 2, 3], b=[1, 2])
    assert render.calls == []


def test_static_player_size_limit(monkeypatch):
    player = slider_figure(Recorder(), static=True, C=[1, 2, 3])
    monkeypatch.setattr(_html, "MAX_HTML_BYTES", 2_000)
    with pytest.raises(ValueError, match="MB"):
        player.to_html()


def test_parameter_validation():
    with pytest.raises(ValueError, match="at least one parameter"):
        slider_figure(Recorder(), static=True)
    with pytest.raises(ValueError, match="C needs"):
        slider_figure(Recorder(), static=True, C=[])
    with pytest.raises(TypeError, match="list of values"):
        slider_figure(Recorder(), static=True, kernel="gaussian")
    with pytest.raises(TypeError, match="Figure"):
        slider_figure(lambda C: None, static=True, C=[1])


def test_figure_to_bytes_closes_pyplot_figures_and_encodes_jpeg():
    figure = plt.figure(figsize=(1, 1), dpi=30)
    number = figure.number
    data = widgets.figure_to_bytes(figure, "jpeg")
    assert data.startswith(b"\xff\xd8")
    assert number not in plt.get_fignums()


def test_live_sliders_drive_the_image(monkeypatch):
    ipywidgets = pytest.importorskip("ipywidgets")
    monkeypatch.setattr(widgets, "live_kernel", lambda: True)
    monkeypatch.delenv("SVMKIT_STATIC_WIDGETS", raising=False)
    render = Recorder()
    box = slider_figure(render, C=[0.1, 1.0, 10.0], kernel=["gaussian", "laplacian"])
    assert isinstance(box, ipywidgets.VBox)
    sliders = [child for child in box.children if isinstance(child, ipywidgets.SelectionSlider)]
    image = next(child for child in box.children if isinstance(child, ipywidgets.Image))
    assert [s.description for s in sliders] == ["C", "kernel"]
    assert all(s.continuous_update is False for s in sliders)
    assert sliders[0].options == (("0.1", 0.1), ("1", 1.0), ("10", 10.0))  # labels, values
    before = image.value
    sliders[0].value = 10.0  # no running event loop here: the debouncer renders at once
    assert render.calls[-1] == {"C": 10.0, "kernel": "gaussian"}
    assert image.value != before
    sliders[0].value = 0.1  # cached: no new render
    assert image.value == before and len(render.calls) == 2


def test_debouncer_coalesces_rapid_changes_on_an_event_loop():
    calls = []

    async def scenario():
        debounced = widgets._Debouncer(lambda: calls.append(1), delay=0.02)
        for _ in range(5):
            debounced()
        await asyncio.sleep(0.1)
        debounced()
        await asyncio.sleep(0.1)

    asyncio.run(scenario())
    assert calls == [1, 1]
