"""Static exports (``export_html``) opened from file:// in real Chromium, with no server.

Three apps are built here, in the test process, and exported: a digits Explorer with its own
input and method, a sequence-model Explorer with its own text, and a Playground after a few
training steps. Each page must load with no request but its own file (everything else is
aborted and counted), draw every canvas with its own module (no blank picture), print in its
values tables the numbers the app's state holds here, show the token chips' words, and log no
error. The canvases' "PNG" buttons (``savePngButton`` in js/common.js) download the canvas's
own pixels. Screenshots at 700 and 1400 px wide go to test-artifacts/.
"""

from __future__ import annotations

import io
import json
import pathlib
import shutil
import subprocess

import anywidget
import numpy as np
import pytest
from ipywidgets.embed import dependency_state, embed_data
from PIL import Image

from nnwidgets import Explorer, Playground
from nnwidgets.views._export_html import export_html

from . import nnw_browser as nb

pytestmark = pytest.mark.browser

DIGIT = 5  # X_test[DIGIT]: the digits Explorer's input
TEXT = "a truly wonderful film with a dull end"
STEPS = 5  # Playground training steps before the export
TIMEOUT = 30_000  # ms: the page's modules import and every canvas draws
PROB_TOL = {"rtol": 1e-5, "atol": 1e-6}  # the tables print 6 significant digits


@pytest.fixture(scope="module")
def apps(tmp_path_factory):
    """The three apps, each exported: ``{name: (app, path)}``."""
    out = tmp_path_factory.mktemp("exports")
    digits = Explorer("digits")
    digits.state.x = digits.state.dataset.X_test[DIGIT]
    digits.state.method = "integrated_gradients"
    text = Explorer("sentiment_lstm")
    text.state.text = TEXT
    pg = Playground(dataset="circle", hidden=[4, 4])
    for _ in range(STEPS):
        pg.state.step_once()
    made = {"digits": digits, "sentiment": text, "playground": pg}
    yield {
        name: (app, export_html(app, out / f"{name}.html", title=name))
        for name, app in made.items()
    }
    for app in made.values():
        app.close()


class StaticPage:
    """A page opened from file:// with every other request aborted and recorded."""

    def __init__(self, browser, path, width, ready=True):
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.requests, self.errors = [], []
        self.page.on("request", self._request)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._route)
        self.page.goto(path.as_uri())
        if ready:  # an export's script marks the body when every canvas has drawn
            self.page.wait_for_selector("body[data-nnw-ready]", state="attached", timeout=TIMEOUT)
            nb.next_frames(self.page)

    def _request(self, request):
        if not request.url.startswith(("file:", "blob:", "data:")):
            self.requests.append(request.url)

    def _route(self, route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            self.requests.append(route.request.url)
            route.abort()

    def check(self, canvases):
        """Every one of ``canvases`` drawn, nothing fetched, nothing logged as an error."""
        body = self.page.locator("body")
        assert body.get_attribute("data-nnw-failed") == "0", self.page.content()[:2000]
        assert int(body.get_attribute("data-nnw-drawn")) == canvases
        drawn = self.page.evaluate(nb.js("canvas_pixels"))
        assert drawn, "no canvas on the page"
        for c in drawn:
            assert c["width"] > 0 and c["height"] > 0, c
            assert c["colours"] > 1, f"a blank canvas: {c}"
        assert not self.requests, self.requests
        assert not self.errors, self.errors

    def close(self):
        self.context.close()


@pytest.fixture
def opened(chromium, request):
    pages = []

    def open_page(path, width=1400, ready=True):
        pages.append(StaticPage(chromium, path, width, ready))
        return pages[-1]

    yield open_page
    report = getattr(request.node, "rep_call", None)
    for k, p in enumerate(pages):
        if report is None or report.failed:
            nb.screenshot(p.page, f"{request.node.name}-{k}-failed")
        p.close()


def widgets_in(path):
    return path.read_text().count("data-nnw-widget=")


@pytest.mark.parametrize("width", [700, 1400])
def test_exported_explorer_draws_its_state_offline(apps, opened, width):
    app, path = apps["digits"]
    p = opened(path, width)
    p.check(widgets_in(path))
    s = app.state
    assert nb.table_class(p.page, nb.PROBS, "nnw-predicted-") == int(s.predicted)
    np.testing.assert_allclose(nb.read_values(p.page, nb.PROBS), s.probs, **PROB_TOL)
    np.testing.assert_allclose(
        nb.read_values(p.page, nb.ATTRIBUTION), np.ravel(s.attribution), rtol=1e-5, atol=1e-6
    )
    assert "integrated gradients" in nb.text_of(p.page, ".nnw-method-controls")
    shown = [float(v) for v in nb.canvas_values(p.page)]
    np.testing.assert_array_equal(shown, np.ravel(s.x).astype(np.float32))
    assert p.page.locator(".nnw-export-tabbar button:disabled").count() == len(app.tab_list) - 1
    # the page fits the window: it never scrolls sideways
    assert p.page.evaluate(nb.js("page_width")) <= width
    nb.screenshot(p.page, f"export-explorer-{width}")


def test_exported_sequence_explorer_shows_the_words_and_probabilities(apps, opened):
    app, path = apps["sentiment"]
    p = opened(path)
    p.check(widgets_in(path))
    chips = p.page.evaluate(nb.js("token_chips"))
    unknown = set(app.state.unknown_words)  # read as <unk> by the model, drawn so
    want = ["<unk>" if w in unknown else w for w in TEXT.split()]
    assert [c["word"] for c in chips] == want
    s = app.state
    assert nb.table_class(p.page, nb.PROBS, "nnw-predicted-") == int(s.predicted)
    np.testing.assert_allclose(nb.read_values(p.page, nb.PROBS), s.probs, **PROB_TOL)


@pytest.mark.parametrize("width", [700, 1400])
def test_exported_playground_shows_the_trained_state(apps, opened, width):
    pg, path = apps["playground"]
    p = opened(path, width)
    p.check(widgets_in(path))
    epoch = nb.text_of(p.page, ".nnw-playground .nnw-epoch")
    assert f"step {STEPS} " in " ".join(epoch.split())
    weights = nb.read_values(p.page, ".nnw-weights details.nnw-weight-values")
    np.testing.assert_allclose(weights, np.ravel(pg.state.params[0]["w"]), rtol=1e-5, atol=1e-6)
    assert p.page.locator(".nnw-curves .nnw-export-figure img").count() == 2
    assert p.page.evaluate(nb.js("page_width")) <= width
    # a tab's content shows when its button is clicked
    tabs = p.page.locator(".nnw-playground-tabs > .nnw-export-tabbar > button")
    panels = p.page.locator(".nnw-playground-tabs > .nnw-export-panel")
    tabs.nth(1).click()
    assert panels.nth(1).is_visible() and not panels.nth(0).is_visible()
    nb.screenshot(p.page, f"export-playground-{width}")


@pytest.mark.parametrize(
    ("canvas", "name", "keyboard"),
    [
        (".nnw-attribution canvas.nnw-heat-canvas", "heat-canvas.png", False),
        (".nnw-digit-painter canvas.nnw-paint-canvas", "digit.png", True),
    ],
)
def test_png_button_saves_the_canvas_pixels(apps, opened, canvas, name, keyboard):
    _, path = apps["digits"]
    p = opened(path)
    page = p.page
    before = page.evaluate(nb.js("png_button"), canvas)
    assert before is not None, f"no PNG button on {canvas}"
    assert before["opacity"] == 0 and before["title"] == "save this picture as PNG"
    assert before["label"] == before["title"]
    button = page.locator(canvas).locator("xpath=..").locator("> button.nnw-png")
    with page.expect_download() as caught:
        if keyboard:  # Tab reaches it; it shows while focused
            button.focus()
            assert page.evaluate(nb.js("png_button"), canvas)["opacity"] == 1
            page.keyboard.press("Enter")
        else:
            page.locator(canvas).hover()
            nb.eventually(lambda: _shown(page, canvas))
            button.click()
    download = caught.value
    assert download.suggested_filename == name
    with Image.open(io.BytesIO(download.path().read_bytes())) as im:
        assert im.format == "PNG"
        assert im.size == (before["width"], before["height"])
        pixels = np.asarray(im.convert("RGBA")).reshape(-1, 4)
    assert len(np.unique(pixels, axis=0)) > 1, "a blank picture"


def _shown(page, canvas):
    assert page.evaluate(nb.js("png_button"), canvas)["opacity"] == 1, "the PNG button is hidden"


# -- the embed manager check: ipywidgets' own HTML embedding, offline -------------------------

#: npm packages the check installs into .cache/embed (pinned, as scripts/_setup.sh pins eslint)
EMBED_PACKAGES = {"@jupyter-widgets/html-manager": "1.0.15", "requirejs": "2.3.8"}
EMBED_DIR = nb.ROOT / ".cache" / "embed"
EMBED_FILES = {  # copied beside the page: everything it loads is a file next to it
    "require.js": "node_modules/requirejs/require.js",
    "embed-amd.js": "node_modules/@jupyter-widgets/html-manager/dist/embed-amd.js",
}


def _installed(name, version):
    package = EMBED_DIR / "node_modules" / name / "package.json"
    return package.exists() and json.loads(package.read_text())["version"] == version


@pytest.fixture(scope="module")
def embed_scripts():
    """The embed manager's AMD script and requirejs, installed from npm if missing."""
    if not all(_installed(n, v) for n, v in EMBED_PACKAGES.items()):
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm not found: scripts/test.sh installs Debian's nodejs and npm")
        EMBED_DIR.mkdir(parents=True, exist_ok=True)
        specs = [f"{n}@{v}" for n, v in EMBED_PACKAGES.items()]
        cmd = [npm, "install", "--prefix", str(EMBED_DIR), "--no-audit", "--no-fund", *specs]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            pytest.fail(f"npm install {' '.join(specs)} failed:\n{done.stderr[-3000:]}")
    return {name: EMBED_DIR / rel for name, rel in EMBED_FILES.items()}


def test_embed_manager_draws_an_anywidget_canvas_offline(apps, opened, embed_scripts, tmp_path):
    """ipywidgets' embed manager (html-manager's embed-amd.js, requirejs) and anywidget's own
    front end, all from files, draw a canvas from ``embed_data``'s state (defaults kept: the
    front end has no defaults for anywidget's model and view names)."""
    app, _ = apps["digits"]
    probs = next(v for v in app.views if "nnw-probabilities" in v._dom_classes).canvas
    # the canvas and what it holds (its layout), not every widget of this process
    state = dependency_state(probs, drop_defaults=False)
    data = embed_data(views=[probs], drop_defaults=False, state=state)
    for name, src in embed_scripts.items():
        shutil.copyfile(src, tmp_path / name)
    front = pathlib.Path(anywidget.__file__).parent / "nbextension" / "index.js"
    shutil.copyfile(front, tmp_path / "anywidget.js")
    shutil.copyfile(nb.JS / "embed_require_config.js", tmp_path / "config.js")
    saved = json.dumps(data["manager_state"]).replace("<", "\\u003c")
    view = json.dumps(data["view_specs"][0])
    page = tmp_path / "embed.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8">\n'
        '<script src="require.js"></script><script src="config.js"></script>\n'
        '<script src="embed-amd.js"></script></head><body class="nnw-probabilities">\n'
        f'<script type="application/vnd.jupyter.widget-state+json">{saved}</script>\n'
        f'<script type="application/vnd.jupyter.widget-view+json">{view}</script>\n'
        "</body></html>\n"
    )
    p = opened(page, ready=False)  # not an export: wait for the table the canvas builds
    p.page.wait_for_selector(f"{nb.PROBS} td.nnw-v", state="attached", timeout=TIMEOUT)
    nb.next_frames(p.page)
    (drawn,) = p.page.evaluate(nb.js("canvas_pixels"), "canvas.nnw-bars-canvas")
    assert drawn["width"] > 0 and drawn["colours"] > 1, drawn
    np.testing.assert_allclose(nb.read_values(p.page, nb.PROBS), app.state.probs, **PROB_TOL)
    assert nb.table_class(p.page, nb.PROBS, "nnw-predicted-") == int(app.state.predicted)
    assert not p.requests, p.requests
    assert not p.errors, p.errors
