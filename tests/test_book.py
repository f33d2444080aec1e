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
# SVMKIT_SITE points the tests at a site built elsewhere (jupyter-book build --path-output DIR).
SITE = Path(os.environ.get("SVMKIT_SITE", ROOT / "_build" / "html"))
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
PLAYGROUND_PAGES = _pages_containing("svmkit-playground-static")


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
def test_the_duality_chapter_has_a_playground():
    assert any("duality" in page for page in PLAYGROUND_PAGES), (
        f"no page with an svmkit playground among {NOTEBOOK_PAGES}"
    )


@pytest.mark.browser
@pytest.mark.parametrize("page_name", PLAYGROUND_PAGES)
def test_every_playground_trains_and_takes_clicks(browser, site_url, page_name):
    """The SVM playground works on the built page with no kernel and no network.

    Its agreement with scikit-learn and its interaction are tested in tests/test_playground.py.
    """
    visit = PageVisit(browser, urljoin(site_url, f"{page_name}.html"))
    try:
        count = visit.page.locator(".svmkit-playground-static").count()
        visit.page.wait_for_function(f"(window.svmkitPlaygrounds || []).length === {count}")
        for index in range(count):
            result = visit.page.evaluate(f"window.svmkitPlaygrounds[{index}].train()")
            assert result["nSupport"] >= 1 and result["converged"], result
        canvas = visit.page.locator(".svmkit-playground canvas").first
        canvas.scroll_into_view_if_needed()
        before = visit.page.evaluate("window.svmkitPlaygrounds[0].state().points.length")
        canvas.click(position={"x": 12, "y": 12})
        after = visit.page.evaluate("window.svmkitPlaygrounds[0].state().points.length")
        assert after == before + 1, "a click on the playground added no point"
        assert "pg0.p=" in visit.page.evaluate("location.hash"), "the state is not in the URL"
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


# --------------------------------------------------------------------------------------------------
# Publishing (issue 15): 404 page, sitemap, link previews, logo and favicon, axe-core on every
# page, and the chapters' players driven from the keyboard.
# --------------------------------------------------------------------------------------------------
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _site_base() -> str:
    """The address the site is published at, as book/_ext/site_urls.py derives it."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("site_urls", ROOT / "book/_ext/site_urls.py")
    site_urls = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(site_urls)
    base = CONFIG.get("html", {}).get("baseurl") or site_urls.pages_url(CONFIG["repository"]["url"])
    return base if base.endswith("/") else base + "/"


SITE_BASE = _site_base()
SITE_PREFIX = urlparse(SITE_BASE).path  # e.g. /svmkit/ on GitHub Pages


def _meta(html: str, key: str) -> str | None:
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html)
    return match.group(1) if match else None


def test_404_page_links_from_the_site_root():
    """The 404 page is served at any depth, so its links are absolute paths under the prefix."""
    html = (SITE / "404.html").read_text()
    assert "Page not found" in html
    local = re.findall(r'(?:href|src)="(/[^"]*)"', html)
    assert local, "the 404 page links nothing"
    assert all(link.startswith(SITE_PREFIX) for link in local), [
        link for link in local if not link.startswith(SITE_PREFIX)
    ]
    for link in local:
        target = SITE / unquote(urlparse(link).path)[len(SITE_PREFIX):]
        assert target.exists(), f"404.html links {link}, which the site lacks"


def test_sitemap_lists_every_page_at_the_published_address():
    sitemap = (SITE / "sitemap.xml").read_text()
    listed = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    expected = {f"{SITE_BASE}{page}.html" for page in PAGES}
    assert expected <= listed, f"missing from sitemap.xml: {sorted(expected - listed)}"
    assert all(url.startswith(SITE_BASE) for url in listed)


@pytest.mark.parametrize("page", PAGES)
def test_page_has_link_preview_metadata(page):
    """OpenGraph tags: title, description and a card image that the site ships."""
    html = (SITE / f"{page}.html").read_text()
    assert _meta(html, "og:url") == f"{SITE_BASE}{page}.html"
    assert _meta(html, "og:title")
    description = _meta(html, "og:description")
    assert description and len(description) >= 40, f"{page}: description {description!r}"
    image = _meta(html, "og:image")
    assert image and image.startswith(SITE_BASE), image
    assert (SITE / image[len(SITE_BASE):]).is_file(), f"{page}: {image} is not in the site"
    assert _meta(html, "og:image:alt")


def test_logo_and_favicon_are_on_every_page():
    for page in PAGES:
        html = (SITE / f"{page}.html").read_text()
        favicon = re.search(r'<link rel="icon" href="([^"]+)"', html)
        assert favicon, f"{page} has no favicon"
        assert (SITE / page).parent.joinpath(favicon.group(1)).resolve().is_file()
        logos = re.findall(r'<img src="([^"]+)" class="logo__image[^"]*" alt="([^"]+)"', html)
        assert logos, f"{page} shows no logo"
        for source, _alt in logos:
            assert (SITE / page).parent.joinpath(source).resolve().is_file()


@pytest.mark.parametrize("page", PAGES)
def test_every_figure_has_a_meaningful_alt_text(page):
    """Alt text describes the figure (its caption, book/_ext/figure_alt.py), not its file name."""
    html = (SITE / f"{page}.html").read_text()
    article = html[html.find("<article"):html.rfind("</article>")]
    for tag in re.findall(r"<img\b[^>]*>", article):
        alt = re.search(r'\balt="([^"]*)"', tag)
        text = alt.group(1).strip() if alt else ""
        assert len(text) >= 8, f"{page}: an image has alt text {text!r}"
        assert not re.search(r"\.(png|jpe?g|gif|svg)$|^_images/|[0-9a-f]{32}", text), (
            f"{page}: alt text is a file name: {text!r}"
        )


class _PrefixHandler(_QuietHandler):
    """Serves the site under SITE_PREFIX and answers unknown paths with 404.html, like Pages."""

    def translate_path(self, path: str) -> str:
        clean = urlparse(path).path
        if clean.startswith(SITE_PREFIX):
            clean = "/" + clean[len(SITE_PREFIX):]
        return super().translate_path(clean)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        if code != 404:
            return super().send_error(code, message, explain)
        body = (SITE / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None


@pytest.fixture(scope="module")
def published_url() -> Iterator[str]:
    """The site as published: under its path prefix, with a 404 page."""
    handler = functools.partial(_PrefixHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{SITE_PREFIX}"
    server.shutdown()


def _all_built_pages() -> list[str]:
    """Every HTML page of the site (the toc's pages, search, index, 404), without the reports."""
    return sorted(
        path.relative_to(SITE).with_suffix("").as_posix()
        for path in SITE.rglob("*.html")
        if not path.relative_to(SITE).parts[0].startswith(("_", "reports"))
        and path.name != "index.html"  # the root index.html only redirects to the intro
    )


@pytest.mark.browser
def test_missing_page_shows_the_styled_404_page(browser, published_url):
    visit = PageVisit(browser, urljoin(published_url, "book/no/such/chapter.html"))
    try:
        assert visit.page.locator("article h1").first.text_content().strip() == "Page not found"
        assert not visit.failed_local, f"the 404 page failed to load {visit.failed_local}"
        stylesheets = visit.page.evaluate("document.styleSheets.length")
        assert stylesheets >= 3, "the 404 page lost its style sheets"
        visit.page.locator("article a", has_text="introduction").first.click()
        visit.page.wait_for_load_state("load")
        assert visit.page.url.endswith(("/book/intro.html", f"{SITE_PREFIX}index.html"))
    finally:
        visit.close()


@pytest.mark.browser
def test_every_page_passes_axe_wcag_a_and_aa(browser, published_url):
    """axe-core (from PyPI axe-playwright-python, injected from disk) finds no WCAG 2 A/AA issue."""
    axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe()
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    problems = []
    for page_name in _all_built_pages():
        visit = PageVisit(browser, urljoin(published_url, f"{page_name}.html"))
        try:
            # Let MathJax finish typesetting, so that axe sees the page a reader sees.
            visit.page.evaluate("() => window.MathJax?.startup?.promise")
            results = axe.run(visit.page, options=options)
            for violation in results.response["violations"]:
                targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
                problems.append(f"{page_name}: {violation['id']} ({violation['impact']}) "
                                f"x{len(violation['nodes'])}: {violation['help']}; e.g. {targets}")
        finally:
            visit.close()
    assert not problems, "axe-core found WCAG A/AA violations:\n" + "\n".join(problems)


def _chapter_player(browser, site_url, pages: list[str], selector: str):
    if not pages:
        pytest.skip(f"no built page has a {selector} player")
    visit = PageVisit(browser, urljoin(site_url, f"{pages[0]}.html"))
    player = visit.page.locator(selector).first
    player.scroll_into_view_if_needed()
    return visit, player


@pytest.mark.browser
def test_chapter_animation_is_operable_from_the_keyboard(browser, site_url):
    visit, player = _chapter_player(browser, site_url, ANIMATION_PAGES, ".svmkit-animation")
    try:
        image, button = player.locator("img").first, player.locator("button").first
        slider = player.locator("input[type=range]").first
        assert player.get_attribute("aria-label") and button.get_attribute("aria-label") == "play"
        button.focus()
        visit.page.keyboard.press("Tab")
        assert visit.page.evaluate("document.activeElement.id") == slider.get_attribute("id")
        before = image.get_attribute("src")
        visit.page.keyboard.press("ArrowLeft")  # the player opens on the last frame
        assert image.get_attribute("src") != before
        after_left = image.get_attribute("src")
        visit.page.keyboard.press("ArrowRight")
        assert image.get_attribute("src") != after_left
        visit.page.keyboard.press("Home")
        first = image.get_attribute("src")
        visit.page.keyboard.press("Shift+Tab")
        visit.page.keyboard.press(" ")  # space on the play button
        assert button.get_attribute("aria-label") == "pause"
        visit.page.wait_for_timeout(800)
        assert image.get_attribute("src") != first, "space on play did not play"
        visit.page.keyboard.press(" ")
        assert button.get_attribute("aria-label") == "play"
        assert not visit.errors, "\n".join(visit.errors)
    finally:
        visit.close()


@pytest.mark.browser
def test_chapter_sliders_are_operable_from_the_keyboard(browser, site_url):
    visit, player = _chapter_player(browser, site_url, SLIDER_PAGES, ".svmkit-static-slider")
    try:
        image = player.locator("img").first
        slider = player.locator("input[type=range]").first
        slider.focus()
        key = "ArrowLeft" if slider.input_value() == slider.get_attribute("max") else "ArrowRight"
        before, alt_before = image.get_attribute("src"), image.get_attribute("alt")
        visit.page.keyboard.press(key)
        assert image.get_attribute("src") != before
        assert image.get_attribute("alt") != alt_before, "the alt text did not follow the slider"
        assert slider.get_attribute("aria-valuetext")
        assert not visit.errors, "\n".join(visit.errors)
    finally:
        visit.close()
