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


CHAPTER_PAGES = [p for p in NOTEBOOK_PAGES if re.fullmatch(r"book/\d\d_\w+", p)]
COLAB_MEMORY_GB = 12  # a free Colab runtime has 12.7 GB in all


@pytest.mark.parametrize("page", CHAPTER_PAGES)
def test_every_chapter_fits_a_free_colab_runtime(page):
    """ChapterClock glues the kernel's peak resident memory; it must stay below Colab's 12 GB."""
    # myst-nb keeps a page's glued values next to its executed copy, in <page>.glue.json.
    glued = json.loads((ROOT / "_build" / "jupyter_execute" / f"{page}.glue.json").read_text())
    name = f"ch{int(Path(page).name[:2])}_peak_gb"
    assert name in glued, f"{page} glues no {name} (ChapterClock.glue in its last cell)"
    peak = float(glued[name]["data"]["text/plain"])
    assert 0 < peak < COLAB_MEMORY_GB, f"{page} peaks at {peak:.1f} GB"


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


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_tables_displayed_by_cells_render_as_tables(page):
    """A results table shown with IPython.display.Markdown becomes an HTML table, not raw pipes."""
    html = (SITE / f"{page}.html").read_text(encoding="utf-8")
    # The rule under a table's header, left as text ("---" may have become "—" on the way).
    rule = r"^\s*(?:<p>)?\|(?:\s*:?(?:-{3,}|—+):?\s*\|)+\s*$"
    raw_rules = re.findall(rule, html, flags=re.MULTILINE)
    assert not raw_rules, f"{page}: Markdown tables left as text, e.g. {raw_rules[0]!r}"


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


# --------------------------------------------------------------------------------------------------
# Classroom edition (issue 10) and offline maths (issue 9): no exercise shows as passed, every check
# cell is blank, the student site has the exercises and none of the solutions, formulas are typeset
# and nothing is loaded from another host.
# --------------------------------------------------------------------------------------------------
STUDENT_SITE = SITE.parent / "student" / "html"  # `make student-book` (book/_ext/student_site.py)
# A call of svmkit.exercises.check in a cell (not a method such as grader.check, not a definition).
CHECK_CALL = re.compile(r"(?<![\w.])check\(")
SOLUTION_DIRECTIVE = re.compile(r"^\s*(`{3,}|:{3,})\{solution\}", re.MULTILINE)


def _verdicts() -> dict[str, tuple[str, str]]:
    """How each verdict of svmkit.exercises.check reads: (plain-text prefix, HTML prefix)."""
    from svmkit.exercises import check

    verdicts = {}
    for status, answer in (("passed", 1), ("not yet", 2), ("not answered", ...)):
        result = check(answer, lambda value: value == 1, "probe")
        assert result.status == status
        html_text = re.sub(r"<[^>]+>", "", result._repr_html_())
        verdicts[status] = (str(result).split("probe")[0], html_text.split("probe")[0])
    return verdicts


VERDICTS = _verdicts()


@functools.lru_cache(maxsize=64)
def _light_html(path: Path) -> str:
    """The page's HTML with inline base64 images cut short (they make pages megabytes long)."""
    return re.sub(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]{64,}", "data:,", path.read_text())


def _soup(path: Path):
    from bs4 import BeautifulSoup

    return BeautifulSoup(_light_html(path), "html.parser")


def _text(element) -> str:
    return " ".join(element.get_text(" ").split())


def _site_html(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.relative_to(site).parts[0] != "reports")


def test_no_page_shows_an_exercise_as_passed():
    """Cell outputs never carry the "passed" verdict (the API page's docstrings may quote it)."""
    shown = []
    for path in _site_html(SITE):
        for output in _soup(path).select("div.cell_output"):
            text = _text(output)
            shown += [f"{path.relative_to(SITE)}: {text[:120]}" for mark in VERDICTS["passed"]
                      if mark.strip() in text]  # fmt: skip
    assert not shown, "exercises shown as passed on the site:\n" + "\n".join(shown)


def test_every_check_cell_is_blank_and_says_not_answered_yet():
    """Each visible cell that calls check() leaves its answer as `...`; its page says so.

    The verdicts are read from the built pages, cell by cell (the page shows the notebook's code
    cells in order, less those tagged remove-cell), not from _build/jupyter_execute: myst-nb writes
    that copy without outputs when a notebook comes from the execution cache.
    """
    problems, checked = [], 0
    for page in NOTEBOOK_PAGES:
        cells = json.loads((ROOT / f"{page}.ipynb").read_text())["cells"]
        visible = [
            cell for cell in cells
            if cell["cell_type"] == "code"
            and "remove-cell" not in cell.get("metadata", {}).get("tags", [])
        ]  # fmt: skip
        shown = _soup(SITE / f"{page}.html").select("article div.cell")
        assert len(shown) == len(visible), f"{page}: {len(shown)} cells, {len(visible)} visible"
        for cell, html_cell in zip(visible, shown, strict=True):
            source = "".join(cell["source"])
            if not CHECK_CALL.search(source):
                continue
            checked += 1
            outputs = " ".join(_text(output) for output in html_cell.select(".cell_output"))
            said = {
                status for status, marks in VERDICTS.items()
                if any(mark.strip() in outputs for mark in marks)
            }  # fmt: skip
            first_line = source.strip().splitlines()[0]
            if "..." not in source:
                problems.append(f"{page}, cell starting {first_line!r}: no `...` answer")
            if said != {"not answered"}:
                problems.append(
                    f"{page}, cell starting {first_line!r}: shows {sorted(said) or 'no verdict'}"
                )
    assert checked, "no check cells found in the chapters"
    assert not problems, "\n".join(problems)


def _solution_counts_in_sources() -> dict[str, int]:
    counts = {}
    for page in NOTEBOOK_PAGES:
        cells = json.loads((ROOT / f"{page}.ipynb").read_text())["cells"]
        markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        counts[page] = len(SOLUTION_DIRECTIVE.findall(markdown))
    return counts


def _solution_fingerprints(page: str) -> tuple[list[list[str]], int]:
    """For each solution on the full site's page, its sentences found nowhere else on the page.

    Also returns the number of exercises on the page.
    """
    soup = _soup(SITE / f"{page}.html")
    solutions = soup.select("div.solution")
    exercises = len(soup.select("div.exercise"))
    texts = []
    for solution in solutions:
        title = solution.select_one(".admonition-title")
        if title is not None:
            title.extract()
        texts.append(_text(solution))
    for solution in solutions:
        solution.extract()
    elsewhere = _text(soup)
    fingerprints = []
    for text in texts:
        pieces = re.split(r"(?<=[.:;!?])\s+|\s{2,}", text)
        fingerprints.append([p for p in pieces if len(p) >= 25 and p not in elsewhere])
    return fingerprints, exercises


@pytest.fixture(scope="module")
def student_site() -> Path:
    if not STUDENT_SITE.joinpath("index.html").exists():
        message = "the student site is not built: run `make student-book` (make test does it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return STUDENT_SITE


def test_student_site_has_every_exercise_and_no_solution(student_site):
    expected = _solution_counts_in_sources()
    assert sum(expected.values()) > 0, "no {solution} blocks in the chapters"
    problems = []
    for page in PAGES:
        assert (student_site / f"{page}.html").exists(), f"{page} missing from the student site"
    for page in NOTEBOOK_PAGES:
        fingerprints, exercises = _solution_fingerprints(page)
        student = _soup(student_site / f"{page}.html")
        if len(fingerprints) != expected[page]:
            problems.append(f"{page}: {len(fingerprints)} solutions on the full site, "
                            f"{expected[page]} in the notebook")  # fmt: skip
        if student.select("div.solution, .solution"):
            problems.append(f"{page}: the student page has solution blocks")
        if len(student.select("div.exercise")) != exercises:
            problems.append(f"{page}: {len(student.select('div.exercise'))} exercises on the "
                            f"student page, {exercises} on the full site")  # fmt: skip
        text = _text(student)
        for number, sentences in enumerate(fingerprints, start=1):
            if expected[page] and not sentences:
                problems.append(f"{page}: solution {number} has no text of its own to look for")
            leaked = [sentence for sentence in sentences if sentence in text]
            if leaked:
                problems.append(f"{page}: solution {number} appears on the student page: {leaked}")
    assert not problems, "\n".join(problems)


def test_student_site_ships_no_page_sources(student_site):
    """The sources (and the download buttons that serve them) still hold the solution blocks."""
    assert not (student_site / "_sources").exists(), "the student site ships _sources/"
    leaks = []
    for path in student_site.rglob("*"):
        if path.is_file() and path.suffix in {".ipynb", ".md", ".txt", ".html", ".js", ".json"}:
            if SOLUTION_DIRECTIVE.search(path.read_text(errors="replace")):
                leaks.append(str(path.relative_to(student_site)))
    assert not leaks, f"files with {{solution}} blocks in the student site: {leaks}"


_LOADING_LINKS = {
    "stylesheet", "preload", "modulepreload", "prefetch", "preconnect", "dns-prefetch", "icon",
    "apple-touch-icon", "manifest", "mask-icon",
}  # fmt: skip


def _is_remote(url: str) -> bool:
    return bool(re.match(r"^([a-z][a-z0-9+.-]*:)?//", url.strip(), re.IGNORECASE)) and not (
        url.strip().lower().startswith("file:")
    )


def test_no_page_loads_a_script_or_style_sheet_from_another_host():
    """Every <script src>, loading <link> and embedded resource of every page is local."""
    remote = []
    for path in _site_html(SITE):
        soup = _soup(path)
        for tag in soup.find_all(["script", "img", "iframe", "audio", "video", "source"]):
            if tag.get("src") and _is_remote(tag["src"]):
                remote.append(f"{path.relative_to(SITE)}: <{tag.name} src={tag['src']}>")
        for tag in soup.find_all("link"):
            rel = {value.lower() for value in tag.get("rel", [])}
            if rel & _LOADING_LINKS and tag.get("href") and _is_remote(tag["href"]):
                remote.append(f"{path.relative_to(SITE)}: <link rel={sorted(rel)} {tag['href']}>")
    for path in sorted((SITE / "_static").rglob("*.css")):
        for url in re.findall(r"@import\s+(?:url\()?['\"]?([^'\")\s;]+)", path.read_text()):
            if _is_remote(url):
                remote.append(f"{path.relative_to(SITE)}: @import {url}")
    assert not remote, "resources from other hosts:\n" + "\n".join(sorted(set(remote)))


MATH_PAGES = [
    page for page in PAGES
    if (SITE / f"{page}.html").exists() and 'class="math' in (SITE / f"{page}.html").read_text()
]  # fmt: skip


@pytest.mark.browser
@pytest.mark.parametrize("page_name", PAGES)
def test_formulas_are_typeset_offline_and_nothing_is_fetched_elsewhere(
    browser, site_url, page_name
):
    """MathJax, served from _static, typesets every formula; the page asks no other host."""
    visit = PageVisit(browser, urljoin(site_url, f"{page_name}.html"))
    try:
        visit.page.evaluate("() => window.MathJax?.startup?.promise")
        visit.page.wait_for_timeout(300)
        assert not visit.external, f"{page_name} requested other hosts: {visit.external}"
        if page_name not in MATH_PAGES:
            return
        formulas = visit.page.evaluate(
            "() => { const all = Array.from(document.querySelectorAll('article .math'));"
            " return [all.length, all.filter(m => !m.querySelector('mjx-container')).length]; }"
        )
        assert formulas[0] > 0 and formulas[1] == 0, (
            f"{page_name}: {formulas[1]} of {formulas[0]} formulas were not typeset"
        )
        raw = visit.page.evaluate(
            "() => { const article = document.querySelector('article').cloneNode(true);"
            " article.querySelectorAll('pre, code, script, .cell_input').forEach(e => e.remove());"
            " return (article.innerText.match(/\\\\[([]|\\$\\$/g) || []).length; }"
        )
        assert raw == 0, f"{page_name} shows {raw} raw TeX delimiters"
        assert not visit.errors, "\n".join(visit.errors)
    finally:
        visit.close()
