"""Checks of the built website (`_build/html`), most of them in a real browser.

`make test` builds the book first (every notebook executes in a fresh kernel, with warnings as
errors and any cell error failing the build), then runs this file. The browser is Debian's Chromium
driven by Playwright; it is never downloaded by Playwright. Without Chromium the browser tests are
skipped locally with a message saying how to get it; under ``CI=true`` a missing browser fails.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
CHROMIUM = "/usr/bin/chromium"
LAUNCH_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        pages += [chapter["file"] for chapter in part["chapters"]]
    return pages


PAGES = _toc_pages()
NOTEBOOK_PAGES = [p for p in PAGES if (ROOT / f"{p}.ipynb").exists()]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())

pytestmark = pytest.mark.skipif(
    not SITE.joinpath("index.html").exists() and os.environ.get("CI") != "true",
    reason="the site is not built: run `make book` (make test does it for you)",
)


# --------------------------------------------------------------------------------------------------
# Static checks of the build output (no browser)
# --------------------------------------------------------------------------------------------------
def test_every_toc_page_was_built():
    missing = [page for page in PAGES if not (SITE / f"{page}.html").exists()]
    assert not missing, f"pages missing from _build/html: {missing}"


def test_no_execution_reports_were_left_by_failing_notebooks():
    reports = SITE / "reports"
    failed = sorted(p.name for p in reports.glob("*")) if reports.exists() else []
    assert not failed, f"notebooks failed to execute, see {reports}: {failed}"


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_notebook_pages_carry_their_outputs(page):
    """Every chapter ran top to bottom during the build, without errors or stderr output."""
    html = (SITE / f"{page}.html").read_text()
    assert 'class="cell_output' in html, f"{page} has no executed outputs"
    executed = ROOT / "_build" / "jupyter_execute" / f"{page}.ipynb"
    cells = json.loads(executed.read_text())["cells"]
    code_cells = [cell for cell in cells if cell["cell_type"] == "code"]
    for index, cell in enumerate(code_cells):
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error", f"{page} code cell {index} raised"
            assert output.get("name") != "stderr", f"{page} code cell {index} wrote to stderr"


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_colab_link_points_at_this_chapters_notebook(page):
    repository = urlparse(CONFIG["repository"]["url"]).path.strip("/")
    branch = CONFIG["repository"]["branch"]
    expected = (
        f"{CONFIG['launch_buttons']['colab_url']}/github/{repository}/blob/{branch}/{page}.ipynb"
    )
    html = (SITE / f"{page}.html").read_text()
    links = set(re.findall(r'href="(https://colab\.research\.google\.com/[^"]+)"', html))
    assert links == {expected}, f"{page}: Colab links {links}, expected {expected}"


def test_every_page_stays_small():
    """Embedded animations and slider players keep each page at most 5 MB."""
    for page in PAGES:
        size = (SITE / f"{page}.html").stat().st_size
        assert size <= 5 * 1024 * 1024, f"{page}.html is {size / 1e6:.1f} MB"


# --------------------------------------------------------------------------------------------------
# Browser checks
# --------------------------------------------------------------------------------------------------
class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep pytest output clean
        pass


@pytest.fixture(scope="module")
def site_url() -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        message = (
            "Debian Chromium is missing: install it with `sudo apt-get install chromium` "
            "(the browser tests drive /usr/bin/chromium through Playwright)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_FLAGS)
        yield browser
        browser.close()


class PageVisit:
    """A page opened in the browser, with the console errors and failed local requests it caused."""

    def __init__(self, browser, url: str) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.errors: list[str] = []
        self.failed_local: list[str] = []
        self.external: list[str] = []
        self.page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), self._block_external)
        self.page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        self.page.on("console", self._on_console)
        self.page.on("requestfailed", self._on_failed)
        self.page.goto(url, wait_until="load")

    def _block_external(self, route) -> None:
        # The test machine is offline; the published site loads MathJax from its CDN.
        self.external.append(route.request.url)
        route.abort()

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        location = message.location.get("url", "") if message.location else ""
        if "Failed to load resource" in message.text and not location.startswith(
            "http://127.0.0.1"
        ):
            return  # an external resource this offline test blocked on purpose
        if "Failed to load resource" in message.text and any(
            location == url for url in self.external
        ):
            return
        self.errors.append(f"console: {message.text} ({location})")

    def _on_failed(self, request) -> None:
        if request.url.startswith("http://127.0.0.1"):
            self.failed_local.append(request.url)

    def close(self) -> None:
        self.page.close()


@pytest.mark.browser
@pytest.mark.parametrize("page_name", PAGES)
def test_page_loads_without_errors_or_broken_images(browser, site_url, page_name):
    visit = PageVisit(browser, urljoin(site_url, f"{page_name}.html"))
    try:
        visit.page.wait_for_timeout(300)
        broken = visit.page.evaluate(
            "Array.from(document.images).filter(i => i.complete && i.naturalWidth === 0)"
            ".map(i => i.src.slice(0, 120))"
        )
        assert not broken, f"broken images on {page_name}: {broken}"
        assert not visit.failed_local, f"local requests failed: {visit.failed_local}"
        assert not visit.errors, "\n".join(visit.errors)
        images_without_alt = visit.page.evaluate(
            "Array.from(document.querySelectorAll('article img'))"
            ".filter(i => !(i.getAttribute('alt') || '').trim()).length"
        )
        assert images_without_alt == 0, f"{images_without_alt} images lack alt text on {page_name}"
    finally:
        visit.close()


@pytest.mark.browser
def test_internal_links_resolve(browser, site_url):
    """Every internal link of every page points at a file that exists (and an anchor on it)."""
    broken = []
    for page_name in PAGES:
        visit = PageVisit(browser, urljoin(site_url, f"{page_name}.html"))
        hrefs = visit.page.evaluate(
            "Array.from(document.querySelectorAll('a[href]')).map(a => a.href)"
        )
        visit.close()
        for href in hrefs:
            parsed = urlparse(href)
            if parsed.scheme not in ("http", "https") or parsed.hostname != "127.0.0.1":
                continue
            target = SITE / unquote(parsed.path).lstrip("/")
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page_name}: {href}")
            elif parsed.fragment and target.suffix == ".html":
                text = target.read_text(errors="replace")
                anchors = (f'id="{parsed.fragment}"', f'name="{parsed.fragment}"')
                if not any(anchor in text for anchor in anchors):
                    broken.append(f"{page_name}: {href} (no such anchor)")
    assert not broken, "broken internal links:\n" + "\n".join(sorted(set(broken)))


@pytest.mark.browser
def test_search_finds_hinge(browser, site_url):
    visit = PageVisit(browser, urljoin(site_url, "search.html?q=hinge"))
    try:
        visit.page.wait_for_selector("#search-results li", timeout=20_000)
        results = visit.page.locator("#search-results li").count()
        assert results >= 1
        assert not visit.errors, "\n".join(visit.errors)
    finally:
        visit.close()


def _image_sources(page, selector: str) -> list[str]:
    return page.evaluate(
        f"Array.from(document.querySelectorAll({json.dumps(selector)})).map(i => i.src)"
    )


def _pages_containing(marker: str) -> list[str]:
    built = [p for p in NOTEBOOK_PAGES if (SITE / f"{p}.html").exists()]
    return [p for p in built if marker in (SITE / f"{p}.html").read_text()]


ANIMATION_PAGES = _pages_containing("svmkit-animation")
SLIDER_PAGES = _pages_containing("svmkit-static-slider")


@pytest.mark.browser
def test_the_margin_animation_chapter_has_an_animation():
    assert any("margin" in page for page in ANIMATION_PAGES), (
        f"no page with an svmkit animation among {NOTEBOOK_PAGES}"
    )


@pytest.mark.browser
@pytest.mark.parametrize("page_name", ANIMATION_PAGES)
def test_animation_shows_different_frames_after_play(browser, site_url, page_name):
    visit = PageVisit(browser, urljoin(site_url, f"{page_name}.html"))
    try:
        player = visit.page.locator(".svmkit-animation").first
        player.scroll_into_view_if_needed()
        image = player.locator("img").first
        before = image.get_attribute("src")
        player.locator("button").first.click()
        visit.page.wait_for_timeout(1500)
        after = image.get_attribute("src")
        assert before != after, "the animation did not move after pressing play"
        assert not visit.errors, "\n".join(visit.errors)
    finally:
        visit.close()


@pytest.mark.browser
@pytest.mark.parametrize("page_name", SLIDER_PAGES)
def test_every_slider_changes_the_figure(browser, site_url, page_name):
    visit = PageVisit(browser, urljoin(site_url, f"{page_name}.html"))
    try:
        players = visit.page.locator(".svmkit-static-slider")
        assert players.count() >= 1
        for index in range(players.count()):
            player = players.nth(index)
            player.scroll_into_view_if_needed()
            image = player.locator("img").first
            sliders = player.locator("input[type=range]")
            assert sliders.count() >= 1
            for slider_index in range(sliders.count()):
                slider = sliders.nth(slider_index)
                before = image.get_attribute("src")
                maximum = slider.get_attribute("max")
                current = slider.input_value()
                target = "0" if current == maximum else maximum
                slider.fill(target)  # sets the value and fires input/change events
                visit.page.wait_for_timeout(100)
                after = image.get_attribute("src")
                assert before != after, f"slider {slider_index} of player {index} changed nothing"
        assert not visit.errors, "\n".join(visit.errors)
    finally:
        visit.close()
