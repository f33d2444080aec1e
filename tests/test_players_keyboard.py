"""The HTML players (margin animation, static slider) in a real browser: keyboard, ARIA, axe-core.

Independent of the book build: the players are generated here, served on 127.0.0.1 and driven
with the keyboard only (Tab, arrow keys, space) in Debian's Chromium through Playwright. axe-core
(shipped inside PyPI ``axe-playwright-python``, injected from disk: nothing is fetched) checks the
players against WCAG 2.0-2.2 A/AA. Without Chromium these tests skip locally and fail under CI=true.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

import numpy as np
import pytest

CHROMIUM = "/usr/bin/chromium"
LAUNCH_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

pytestmark = pytest.mark.browser


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def _animation_html() -> str:
    torch = pytest.importorskip("torch")
    from svmkit.animate import MarginAnimation

    X = np.array([[-1.0, -1.0], [-1.5, 0.0], [1.0, 1.0], [1.5, 0.0]])
    y = np.array([-1, -1, 1, 1])
    model = torch.nn.Linear(2, 1)
    animation = MarginAnimation(X, y, every=1, resolution=30, live=False)
    animation.on_train_begin(model)
    for step in range(8):
        with torch.no_grad():
            model.weight.add_(0.5)
        animation.on_batch_end(step, {"loss": 1.0 / (step + 1), "model": model})
    animation.on_train_end({})
    return animation.to_html(fps=4)


def _slider_html() -> str:
    from matplotlib.figure import Figure

    from svmkit.widgets import slider_figure

    def render(C, sigma):
        figure = Figure(figsize=(1, 1), dpi=30)
        figure.add_subplot().set_title(f"{C} {sigma}")
        return figure

    player = slider_figure(render, static=True, C=[0.1, 1, 10], sigma=[1, 2],
                           alt="decision regions")
    return player.to_html()


@pytest.fixture(scope="module")
def players_url(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("players")
    (folder / "index.html").write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>players</title>"
        "</head><body><main><h1>Players</h1>" + _animation_html() + _slider_html()
        + "</main></body></html>", encoding="utf-8")
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()


@pytest.fixture(scope="module")
def page(players_url):
    if not Path(CHROMIUM).exists():
        message = "Debian Chromium is missing: `sudo apt-get install chromium`"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_FLAGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(players_url)
        yield page
        browser.close()
        assert not errors, errors


def _active(page, expression: str):
    return page.evaluate(f"document.activeElement.{expression}")


def test_animation_player_works_from_the_keyboard(page):
    player = page.locator(".svmkit-animation").first
    image, button = player.locator("img").first, player.locator("button").first
    slider = player.locator("input[type=range]").first
    assert player.get_attribute("role") == "group" and player.get_attribute("aria-label")
    assert button.get_attribute("aria-label") == "play"
    # Tab moves from the play button to the frame slider.
    button.focus()
    page.keyboard.press("Tab")
    assert _active(page, "id") == slider.get_attribute("id")
    # Arrow keys step through the frames; the slider says which frame it is on.
    page.keyboard.press("Home")
    first = image.get_attribute("src")
    page.keyboard.press("ArrowRight")
    assert image.get_attribute("src") != first
    assert slider.get_attribute("aria-valuetext") == "frame 2 of 9"
    assert image.get_attribute("alt").endswith("frame 2 of 9")
    # Space on the slider plays; space again pauses.
    page.keyboard.press(" ")
    assert button.get_attribute("aria-label") == "pause"
    page.wait_for_timeout(600)
    page.keyboard.press(" ")
    assert button.get_attribute("aria-label") == "play"
    moved = int(slider.input_value())
    assert moved > 1, "the animation did not advance while playing"
    # Back on the button (Shift+Tab), space plays too: the frame changes.
    page.keyboard.press("Shift+Tab")
    assert _active(page, "tagName") == "BUTTON"
    page.keyboard.press(" ")
    assert button.get_attribute("aria-label") == "pause"
    page.wait_for_timeout(600)
    assert int(slider.input_value()) != moved
    page.keyboard.press(" ")
    assert button.get_attribute("aria-label") == "play"


def test_slider_player_works_from_the_keyboard(page):
    player = page.locator(".svmkit-static-slider").first
    image = player.locator("img").first
    first, second = player.locator("input[type=range]").nth(0), player.locator(
        "input[type=range]").nth(1)
    assert player.get_attribute("role") == "group"
    assert image.get_attribute("alt") == "decision regions (C = 0.1, sigma = 1)"
    first.focus()
    before = image.get_attribute("src")
    page.keyboard.press("ArrowRight")
    assert image.get_attribute("src") != before
    assert first.get_attribute("aria-valuetext") == "C = 1"
    assert player.locator("output").first.text_content() == "1"
    assert image.get_attribute("alt") == "decision regions (C = 1, sigma = 1)"
    page.keyboard.press("Tab")
    assert _active(page, "id") == second.get_attribute("id")
    before = image.get_attribute("src")
    page.keyboard.press("ArrowRight")
    assert image.get_attribute("src") != before
    assert image.get_attribute("alt") == "decision regions (C = 1, sigma = 2)"


def test_players_pass_axe(page):
    axe = pytest.importorskip("axe_playwright_python.sync_playwright")
    results = axe.Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, results.generate_snapshot()
