"""The SVM playground: its Python side, and its ES module in Chromium on a standalone page.

The unit tests check the widget's traits, validation and static export. The browser tests write a
page from :meth:`Playground.to_html` (the same self-contained HTML the book build embeds), serve it
from 127.0.0.1 and drive it through the page's test API (``window.svmkitPlaygrounds``) and through
the mouse: the in-browser SMO must agree with scikit-learn's ``SVC`` (decision signs on a 100×100
grid, support-vector counts, dual objective), clicks and drags must edit the points, a slider must
retrain, and the URL hash must restore the state. Retrain + redraw times are printed, not asserted.
Like the other browser tests they skip locally without Debian's Chromium and fail under ``CI=true``.
"""

from __future__ import annotations

import functools
import http.server
import json
import math
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sklearn.svm import SVC
from test_book import CHROMIUM, LAUNCH_FLAGS

from svmkit import data
from svmkit.playground import PRESETS, Playground

STATIC_ENV = "SVMKIT_STATIC_WIDGETS"


# --------------------------------------------------------------------------------------------------
# The Python side
# --------------------------------------------------------------------------------------------------
def test_presets_come_from_svmkit_data():
    pg = Playground("circles", n_points=30, seed=3, static=True)
    X, y = data.make_circles(30, seed=3)
    np.testing.assert_allclose(pg.X, X, atol=1e-4)
    np.testing.assert_array_equal(pg.y, y)
    assert set(pg.presets) == set(PRESETS)
    assert all(len(points) == 30 for points in pg.presets.values())


def test_points_params_and_sklearn_arguments():
    pg = Playground(X=[[0.0, 1.0], [2.0, -1.0], [1.0, 1.0]], y=[0, 1, 1], kernel="linear", C=2.0,
                    static=True)
    assert pg.points == [[0.0, 1.0, -1.0], [2.0, -1.0, 1.0], [1.0, 1.0, 1.0]]
    assert pg.X.shape == (3, 2) and pg.y.tolist() == [-1.0, 1.0, 1.0]
    assert pg.params == {"kernel": "linear", "C": 2.0, "sigma": 1.0}
    assert pg.sklearn_params() == {"kernel": "linear", "C": 2.0}
    pg.set_params(kernel="rbf", sigma=0.5)
    assert pg.sklearn_params() == {"kernel": "rbf", "C": 2.0, "gamma": 2.0}
    pg.set_points(np.empty((0, 2)), [])
    assert pg.X.shape == (0, 2) and pg.y.shape == (0,)
    assert Playground(None, static=True).points == []


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"kernel": "poly"}, "kernel"),
        ({"C": 0.0}, "C"),
        ({"C": float("inf")}, "C"),
        ({"sigma": -1.0}, "sigma"),
        ({"preset": "spirals"}, "preset"),
        ({"n_points": 1}, "n_points"),
        ({"X": [[0.0, 1.0, 2.0]], "y": [1]}, "X"),
        ({"X": [[0.0, 1.0]], "y": [3]}, "y"),
        ({"X": [[0.0, 1.0]], "y": [1, -1]}, "y"),
        ({"X": [[0.0, 1.0]]}, "y"),
        ({"view": [1.0, 0.0, -1.0, 1.0]}, "view"),
    ],
)
def test_bad_arguments_raise_errors_naming_them(kwargs, name):
    with pytest.raises((ValueError, TypeError), match=rf"\b{name}\b"):
        Playground(**kwargs, static=True)


def test_assigning_a_bad_trait_names_it():
    pg = Playground(static=True)
    for name, value in [("C", -1.0), ("sigma", 0.0), ("kernel", "sigmoid")]:
        with pytest.raises(ValueError, match=rf"^{name} "):
            setattr(pg, name, value)
    with pytest.raises(ValueError, match="points"):
        pg.points = [[0.0, 1.0]]
    with pytest.raises(ValueError, match=r"^view "):
        pg.view = [0.0, 1.0, 1.0, 1.0]


def test_front_end_updates_reach_python():
    """What the browser sends (an ipywidgets state update) shows up in pg.X, pg.y and pg.result."""
    pg = Playground(None, static=False)
    pg.set_state({"points": [[0.5, -0.25, 1], [1.0, 2.0, -1]], "C": 3.0,
                  "result": {"nSupport": 2, "dualObjective": 0.5}})
    np.testing.assert_array_equal(pg.X, [[0.5, -0.25], [1.0, 2.0]])
    assert pg.y.tolist() == [1.0, -1.0] and pg.C == 3.0
    assert pg.result["nSupport"] == 2


def test_static_display_is_self_contained_html(monkeypatch):
    monkeypatch.setenv(STATIC_ENV, "1")
    pg = Playground("xor", n_points=20)
    assert pg.comm is None, "a static playground must not open a widget comm"
    bundle = pg._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    page = bundle["text/html"]
    module = (Path(__file__).resolve().parents[1] / "svmkit/_static/playground.js").read_text()
    assert module in page and '<script type="module">' in page
    assert "export default { render }" in module
    assert not re.search(r"\b(src|href)\s*=", page), "the export must not load anything"
    assert not re.search(r"https?://", page), "the export must not name any network resource"
    assert page.count("</script>") == 1 and page.count("</style>") == 1
    assert pg.to_html(standalone=True).startswith("<!doctype html>")


def test_live_display_is_a_widget(monkeypatch):
    monkeypatch.delenv(STATIC_ENV, raising=False)
    pg = Playground(static=False)
    assert pg.comm is not None
    bundle = pg._repr_mimebundle_()
    data_bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "application/vnd.jupyter.widget-view+json" in data_bundle
    assert "_esm" in pg.keys and "export default" in pg._esm


# --------------------------------------------------------------------------------------------------
# The ES module in Chromium
# --------------------------------------------------------------------------------------------------
class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def page_url(tmp_path_factory) -> Iterator[str]:
    """A page with two playgrounds, written from the static export, served from 127.0.0.1."""
    folder = tmp_path_factory.mktemp("playground")
    first = Playground("moons", n_points=40, C=10.0, sigma=0.5, static=True)
    second = Playground("blobs", n_points=30, kernel="linear", static=True)
    (folder / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>playground</title>'
        '<link rel="icon" href="data:,"></head><body>\n'
        f"{first.to_html()}<p>Between the playgrounds.</p>\n{second.to_html()}</body></html>\n"
    )
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
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


class Visit:
    """One page load: the page, its errors, and a short way to call a playground's controller."""

    def __init__(self, browser, url: str) -> None:
        self.page = browser.new_page(viewport={"width": 900, "height": 1000})
        self.errors: list[str] = []
        self.page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
        self.page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        self.page.on("console", lambda message: message.type == "error"
                     and self.errors.append(f"console: {message.text}"))
        self.page.goto(url, wait_until="load")
        self.page.wait_for_function("(window.svmkitPlaygrounds || []).length === 2")

    def call(self, method: str, *args, index: int = 0):
        return self.page.evaluate(
            "([index, method, args]) => window.svmkitPlaygrounds[index][method](...args)",
            [index, method, list(args)],
        )

    def state(self, index: int = 0) -> dict:
        return self.call("state", index=index)

    def root(self, index: int = 0):
        return self.page.locator(".svmkit-playground").nth(index)

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def visit(browser, page_url) -> Iterator[Visit]:
    opened = Visit(browser, page_url)
    yield opened
    assert not opened.errors, "\n".join(opened.errors)
    opened.close()


def _dataset(name: str, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    makers = {"blobs": data.make_blobs, "moons": data.make_moons, "circles": data.make_circles,
              "xor": data.make_xor}
    X, y = makers[name](n, seed=seed)
    # The page holds points rounded to 4 decimals; train scikit-learn on exactly those.
    return np.round(X.astype(np.float64), 4), y.astype(np.float64)


def _sklearn_dual_objective(svc: SVC, gamma: float) -> float:
    coef = svc.dual_coef_[0]
    vectors = svc.support_vectors_
    if svc.kernel == "linear":
        gram = vectors @ vectors.T
    else:
        gram = np.exp(-gamma * ((vectors[:, None, :] - vectors[None, :, :]) ** 2).sum(-1))
    return float(np.abs(coef).sum() - 0.5 * coef @ gram @ coef)


AGREEMENT_CASES = [
    ("blobs", "linear", 1.0, 1.0),
    ("moons", "linear", 0.1, 1.0),
    ("moons", "rbf", 10.0, 0.5),
    ("circles", "rbf", 1.0, 0.7),
    ("xor", "rbf", 100.0, 0.3),
    ("xor", "rbf", 0.1, 2.0),
    ("blobs", "rbf", 1000.0, 0.2),
]


@pytest.mark.browser
def test_browser_solver_agrees_with_scikit_learn(visit):
    grid = np.linspace(-3, 3, 100)
    gx, gy = (axis.ravel() for axis in np.meshgrid(grid, grid))
    report = []
    for name, kernel, C, sigma in AGREEMENT_CASES:
        X, y = _dataset(name, 80, seed=1)
        visit.call("setPoints", np.c_[X, y].tolist())
        visit.call("setParams", {"kernel": kernel, "C": C, "sigma": sigma})
        result = visit.call("train")
        gamma = 1.0 / (2.0 * sigma**2)
        svc = SVC(kernel=kernel, C=C, gamma=gamma, tol=1e-6).fit(X, y)
        ours = np.asarray(visit.call("decision", gx.tolist(), gy.tolist()))
        theirs = svc.decision_function(np.c_[gx, gy])
        case = f"{name}/{kernel}/C={C}/σ={sigma}"
        agreement = np.mean(np.sign(ours) == np.sign(theirs))
        assert agreement >= 0.99, f"{case}: signs agree on {agreement:.1%} of the grid"
        assert abs(result["nSupport"] - len(svc.support_)) <= 2, (
            f"{case}: {result['nSupport']} support vectors, scikit-learn {len(svc.support_)}"
        )
        expected = _sklearn_dual_objective(svc, gamma)
        assert math.isclose(result["dualObjective"], expected, rel_tol=1e-3), (
            f"{case}: dual objective {result['dualObjective']}, scikit-learn {expected}"
        )
        assert result["converged"], f"{case}: SMO stopped before its tolerance"
        report.append(f"{case}: signs {agreement:.2%}, SVs {result['nSupport']} vs "
                      f"{len(svc.support_)}, |f - f_sklearn| ≤ {np.abs(ours - theirs).max():.1e}")
    print("\n".join(report))


@pytest.mark.browser
def test_the_picture_shows_the_margin_bands(visit):
    """Canvas pixels away from points and contour lines have the band colour of f at that spot."""
    X, y = _dataset("moons", 40, seed=0)
    visit.call("setPoints", np.c_[X, y].tolist())
    visit.call("setParams", {"kernel": "rbf", "C": 10.0, "sigma": 0.5})
    visit.call("train")
    size = visit.page.evaluate("document.querySelector('.svmkit-pg-canvas').width")
    rng = np.random.default_rng(0)
    u, v = rng.uniform(0.02, 0.98, (2, 400))
    x, ydata = -3 + 6 * u, 3 - 6 * v
    f = np.asarray(visit.call("decision", x.tolist(), ydata.tolist()))
    far_from_points = np.min(np.hypot(x[:, None] - X[:, 0], ydata[:, None] - X[:, 1]), axis=1) > 0.4
    far_from_lines = np.min(np.abs(f[:, None] - np.array([-1.0, 0.0, 1.0])), axis=1) > 0.15
    chosen = np.flatnonzero(far_from_points & far_from_lines)[:60]
    assert chosen.size >= 30
    pixels = visit.page.evaluate(
        """([us, vs]) => {
            const canvas = document.querySelector('.svmkit-pg-canvas');
            const context = canvas.getContext('2d');
            return us.map((u, k) => Array.from(context.getImageData(
                Math.floor(u * canvas.width), Math.floor(vs[k] * canvas.height), 1, 1).data));
        }""",
        [u[chosen].tolist(), v[chosen].tolist()],
    )
    bands = np.array([[0x9C, 0xC3, 0xE0], [0xDC, 0xEB, 0xF6],  # svmkit.plot.BAND_COLORS
                      [0xF8, 0xE0, 0xD0], [0xEE, 0xB0, 0x8F]])
    expected = np.digitize(f[chosen], [-1.0, 0.0, 1.0], right=True)
    shown = np.argmin(np.abs(np.asarray(pixels)[:, None, :3] - bands[None]).sum(-1), axis=1)
    assert size >= 420
    assert np.mean(shown == expected) >= 0.95, list(zip(shown, expected, strict=True))


def _canvas_point(visit, x: float, y: float, index: int = 0) -> tuple[float, float]:
    box = visit.root(index).locator("canvas").bounding_box()
    return box["x"] + (x + 3) / 6 * box["width"], box["y"] + (3 - y) / 6 * box["height"]


@pytest.mark.browser
def test_clicks_add_drag_and_erase_points(visit):
    visit.call("setPoints", [])
    page = visit.page
    page.mouse.click(*_canvas_point(visit, 1.0, 1.0))
    page.keyboard.down("Shift")
    page.mouse.click(*_canvas_point(visit, -1.0, -1.0))
    page.keyboard.up("Shift")
    points = visit.state()["points"]
    assert len(points) == 2
    np.testing.assert_allclose(np.array(points)[:, :2], [[1.0, 1.0], [-1.0, -1.0]], atol=0.05)
    assert [p[2] for p in points] == [1, -1], "click adds class +1, shift-click the other class"

    visit.root().get_by_role("button", name=re.compile("Class −1")).click()  # the touch toggle
    page.mouse.click(*_canvas_point(visit, 1.5, -1.5))
    state = visit.state()
    assert state["points"][-1][2] == -1
    assert state["result"]["nSupport"] >= 2

    start = _canvas_point(visit, 1.0, 1.0)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*_canvas_point(visit, 0.0, 2.0), steps=5)
    page.mouse.up()
    moved = visit.state()["points"][0]
    np.testing.assert_allclose(moved[:2], [0.0, 2.0], atol=0.05)
    assert len(visit.state()["points"]) == 3, "dragging moves a point, it adds none"

    visit.root().get_by_role("button", name="Eraser").click()
    page.mouse.click(*_canvas_point(visit, 0.0, 2.0))
    assert len(visit.state()["points"]) == 2
    visit.root().get_by_role("button", name="Clear").click()
    assert visit.state()["points"] == []
    visit.root().get_by_role("button", name="XOR").click()
    assert len(visit.state()["points"]) == 40


@pytest.mark.browser
def test_dragging_the_C_slider_retrains(visit):
    visit.call("setParams", {"kernel": "rbf", "C": 0.1, "sigma": 0.5})
    before = visit.call("train")
    slider = visit.root().get_by_label("log₁₀ C")
    box = slider.bounding_box()
    middle = box["y"] + box["height"] / 2
    visit.page.mouse.move(box["x"] + 0.3 * box["width"], middle)
    visit.page.mouse.down()
    visit.page.mouse.move(box["x"] + box["width"] - 2, middle, steps=8)
    visit.page.mouse.up()
    visit.page.wait_for_timeout(100)
    state = visit.state()
    assert state["C"] > 100, f"the slider did not move C: {state['C']}"
    assert state["result"]["dualObjective"] > before["dualObjective"], "no retrain after the drag"
    stats = visit.root().locator(".svmkit-pg-stats").inner_text()
    assert f"{state['result']['nSupport']} support vectors" in stats


@pytest.mark.browser
def test_the_url_hash_round_trips(visit, browser, page_url):
    X, y = _dataset("xor", 25, seed=4)
    visit.call("setPoints", np.c_[X, y].tolist())
    visit.call("setParams", {"kernel": "rbf", "C": 12.5, "sigma": 0.8})
    visit.call("setParams", {"C": 0.5}, index=1)
    shared = visit.page.evaluate("location.hash")
    assert "pg0.k=rbf" in shared and "pg1.C=0.5" in shared
    expected = [visit.state(0), visit.state(1)]
    probe = np.linspace(-2.5, 2.5, 7).tolist()
    expected_f = visit.call("decision", probe, probe[::-1])

    restored = Visit(browser, page_url + shared)
    try:
        for index in (0, 1):
            state = restored.state(index)
            for key in ("kernel", "C", "sigma"):
                assert state[key] == expected[index][key], (index, key)
            np.testing.assert_allclose(state["points"], expected[index]["points"], atol=1e-4)
        np.testing.assert_allclose(restored.call("decision", probe, probe[::-1]), expected_f,
                                   rtol=1e-3, atol=1e-3)
        assert not restored.errors, restored.errors
    finally:
        restored.close()


@pytest.mark.browser
def test_controls_are_labelled_for_assistive_technology(visit):
    root = visit.root()
    assert root.locator("canvas").get_attribute("aria-label").startswith("SVM playground")
    for slider in root.locator("input[type=range]").all():
        assert root.locator(f"label[for='{slider.get_attribute('id')}']").count() == 1
    names = [button.inner_text().strip() for button in root.locator("button").all()]
    assert all(names) and {"Eraser", "Clear", "Linear", "RBF"} <= set(names)
    pressed = root.locator("button[aria-pressed=true]").all_inner_texts()
    assert "RBF" in pressed and any(text.startswith("Class +1") for text in pressed)
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
    results = axe_module.Axe().run(visit.page, options={
        "runOnly": {"type": "tag", "values": tags}, "resultTypes": ["violations"]})
    problems = [f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes'][:2]]}"
                for v in results.response["violations"]]
    assert not problems, "axe-core found WCAG A/AA violations:\n" + "\n".join(problems)


@pytest.mark.browser
def test_report_retrain_and_redraw_times(visit):
    """Retrain + redraw (200×200 grid) for 50, 200 and 500 points, printed for the record."""
    lines = []
    visit.call("train", {"cold": True})  # let the JIT compile the solver and the drawing first
    for C, sigma in ((1.0, 0.5), (0.1, 2.0)):  # a typical setting; one where every point is an SV
        for n in (50, 200, 500):
            X, y = _dataset("moons", n, seed=2)
            visit.call("setPoints", np.c_[X, y].tolist())
            visit.call("setParams", {"kernel": "rbf", "C": C, "sigma": sigma})
            cold = [visit.call("train", {"cold": True}) for _ in range(5)]
            warm = []
            for factor in (0.5, 2.0, 1.0, 4.0, 0.25):  # C slider moves: cached Gram, warm start
                visit.call("setParams", {"C": C * factor})
                warm.append(visit.call("train"))
            median = lambda runs, key: float(np.median([run[key] for run in runs]))  # noqa: E731
            lines.append(
                f"C={C} σ={sigma} n={n} ({cold[0]['nSupport']} SVs): retrain+redraw median "
                f"{median(cold, 'ms'):.1f} ms, best {min(run['ms'] for run in cold):.1f} ms "
                f"(train {median(cold, 'trainMs'):.1f} + draw {median(cold, 'drawMs'):.1f}); "
                f"after a C change {median(warm, 'ms'):.1f} ms"
            )
    print("\nChromium, shared 2-core CPU:\n" + "\n".join(lines))
    assert json.dumps(lines)
