"""Layout in real Chromium: every view fits its app's box and reflows down to a ~700 px page.

The tabular and the digits_cnn Explorers and two Playgrounds (the 8x8 digits: 64 inputs; the
2-D spiral: thumbnails and the boundary picture) are opened in Voila at 700 px, then shown at
1500 px and at 700 px again (the views redraw at their new width), and in JupyterLab at 1500 px
with the file browser open. With each course tab shown in turn, the bounding boxes must show
that no element of an app extends past the app's right edge, that nothing inside the app is
cut off or scrolls sideways, and that the app fits its output area (no page-wide scroll either).
Screenshots: ``test-artifacts/layout-<server>-<notebook>-<width>*.png``.
"""

from __future__ import annotations

import contextlib

import pytest

from . import nnw_browser as nb
from .test_course_views_browser import TABS

pytestmark = pytest.mark.browser

NOTEBOOKS = {
    "tabular": 'from nnwidgets import Explorer\nExplorer("breast_cancer")',
    "cnn": 'from nnwidgets import Explorer\nExplorer("digits_cnn")',
    "playground": (
        "from nnwidgets import Playground\n"
        'display(Playground(dataset="digits", hidden=[8]))\n'
        'Playground(dataset="spiral", hidden=[6, 6], features=["x1", "x2", "sin x1", "sin x2"])'
    ),
}
APPS = {"tabular": (".nnw-explorer", 1), "cnn": (".nnw-explorer", 1), "playground": (".nnw-app", 2)}
PLAYGROUND_TABS = {
    "weights": "nnw-weights",
    "gradients": "nnw-gradients",
    "dynamics": "nnw-training-dynamics",
}
HEIGHT = 2400  # px: the viewport's height, tall enough for a screenshot of a whole app

#: Everything wrong with the layout of app ``index`` of ``selector``, as sentences: an element
#: past the app's right edge, an element whose content is cut off or scrolls sideways (its
#: scrollWidth beyond its width), the app wider than its output area, a page-wide scroll.
PROBLEMS = nb.js("layout_problems")
#: Resolves once the page's layout (every app's size and element count) has not changed for
#: ``quiet`` ms: bqplot figures and the canvases redraw a frame or more after a change.
SETTLED = nb.js("layout_settled")


def _write_notebooks(directory):
    for name, source in NOTEBOOKS.items():
        nb.write_notebook(directory / f"{name}.ipynb", source)
    return directory


@pytest.fixture(scope="module")
def layout_dir(tmp_path_factory):
    return _write_notebooks(tmp_path_factory.mktemp("layout-notebooks"))


@pytest.fixture(scope="module")
def voila(layout_dir, tmp_path_factory):
    """One Voila server for the module (each page load starts its own kernel)."""
    work = tmp_path_factory.mktemp("layout-voila")
    with nb.serving(nb.start_voila, layout_dir, work, "layout") as srv:
        yield srv


@pytest.fixture(scope="module")
def lab(layout_dir, tmp_path_factory):
    """One JupyterLab server for the module."""
    work = tmp_path_factory.mktemp("layout-lab")
    with nb.serving(nb.start_lab, layout_dir, work, "layout") as srv:
        yield srv


@pytest.fixture(scope="module")
def pages(chromium):
    """Each (server, notebook) page, opened once and shown at every width by the tests."""
    opened = {}
    yield opened
    for page in opened.values():
        with contextlib.suppress(Exception):
            page.context.close()


def _show_file_browser(page):
    """Lab's left sidebar with the file browser open (a fresh workspace may have it shut)."""
    browser = page.locator("#filebrowser")
    with contextlib.suppress(Exception):
        browser.wait_for(state="attached", timeout=10_000)
    if not browser.is_visible():
        page.locator('.jp-SideBar.jp-mod-left [data-id="filebrowser"]').click()
        browser.wait_for(state="visible", timeout=10_000)
    box = browser.bounding_box()
    assert box and box["width"] >= 150, f"the file browser is not open: {box}"


def _open(chromium, pages, server, notebook, width):
    key = (server.kind, notebook)
    if key in pages:
        return pages[key]
    context = chromium.new_context(viewport={"width": width, "height": HEIGHT})
    page = context.new_page()
    page.route("https://**/*", lambda route: route.abort())
    pages[key] = page
    page.goto(
        server.url(notebook), wait_until="domcontentloaded", timeout=nb.EXPLORER_TIMEOUT * 1000
    )
    if server.kind == "lab":
        _show_file_browser(page)
        nb._lab_run_all(page, nb.EXPLORER_TIMEOUT)
    selector, count = APPS[notebook]
    page.wait_for_function(
        nb.js("apps_ready"),
        arg=[selector, count],
        timeout=nb.EXPLORER_TIMEOUT * 1000,
    )
    return page


def _settle(page):
    nb.next_frames(page, 2)
    page.evaluate(SETTLED, [300, nb.UPDATE_TIMEOUT * 1000])


def _assert_fits(page, notebook, where):
    selector, count = APPS[notebook]
    problems = []
    for i in range(count):
        problems += [f"app {i}: {p}" for p in page.evaluate(PROBLEMS, [selector, i])]
    assert not problems, f"{where}:\n" + "\n".join(problems[:20])


def _tabs(page, notebook, index):
    """(title, tab locator, its view's class, the Tab widget) for app ``index``'s tabs."""
    selector, _ = APPS[notebook]
    app = page.locator(selector).nth(index)
    if notebook == "playground":
        bar, titles = app.locator(".nnw-playground-tabs"), PLAYGROUND_TABS
    else:
        bar, titles = app.locator(".nnw-tabs"), TABS
    return [
        (title, bar.get_by_role("tab", name=title, exact=True), cls, bar)
        for title, cls in titles.items()
    ]


def _check_every_tab(page, notebook, name):
    """Show each course tab of each app in turn; after each, the whole page must fit."""
    _settle(page)
    _assert_fits(page, notebook, f"{name}, as loaded")
    selector, count = APPS[notebook]
    nb.ARTIFACTS.mkdir(exist_ok=True)
    viewport = page.viewport_size
    for i in range(count):  # each app whole (the page itself may scroll inside Voila or Lab)
        app = page.locator(selector).nth(i)
        height = int(app.bounding_box()["height"]) + 100
        if height > viewport["height"]:  # taller than the viewport: the screenshot would cut it
            page.set_viewport_size({"width": viewport["width"], "height": height})
        app.screenshot(path=str(nb.ARTIFACTS / f"{name}-{i}.png"))
        page.set_viewport_size(viewport)
    for i in range(count):
        for title, tab, cls, bar in _tabs(page, notebook, i):
            tab.scroll_into_view_if_needed()
            tab.click()
            bar.locator(f".{cls}").first.wait_for(state="visible", timeout=nb.UPDATE_TIMEOUT * 1000)
            _settle(page)
            _assert_fits(page, notebook, f"{name}, app {i}, tab {title!r}")
            shot = nb.ARTIFACTS / f"{name}-{i}-{title.replace(' ', '_')}.png"
            bar.screenshot(path=str(shot))


def _assert_playground_networks(page):
    """Both network pictures at their full 640 px (the other columns wrap first). The digits
    Playground's 64 inputs: every k-th named (labels >= 12 px apart), never all of them in a
    smeared block; the spiral's 4 inputs: every one named."""
    canvases = page.locator(".nnw-playground canvas.nnw-network-canvas")
    widths = [canvases.nth(i).get_attribute("data-width") for i in range(2)]
    assert widths == ["640", "640"], widths
    steps = [int(canvases.nth(i).get_attribute("data-label-step")) for i in range(2)]
    assert steps[0] >= 2 and steps[1] == 1, f"input labels drawn every {steps} node(s)"


@contextlib.contextmanager
def _screenshot_if_failed(page, name):
    try:
        yield
    except BaseException:
        with contextlib.suppress(Exception):
            nb.screenshot(page, f"{name}-failed")
        raise


@pytest.mark.parametrize("notebook", list(NOTEBOOKS))
def test_voila_views_fit_at_700_then_1500_then_700_px(chromium, voila, pages, notebook):
    page = _open(chromium, pages, voila, notebook, 700)
    for width, name in ((700, "700"), (1500, "1500"), (700, "700-again")):
        page.set_viewport_size({"width": width, "height": HEIGHT})
        with _screenshot_if_failed(page, f"layout-voila-{notebook}-{name}"):
            _check_every_tab(page, notebook, f"layout-voila-{notebook}-{name}")
            if notebook == "playground":
                _assert_playground_networks(page)


@pytest.mark.parametrize("notebook", list(NOTEBOOKS))
def test_lab_views_fit_at_1500_px_with_the_file_browser_open(chromium, lab, pages, notebook):
    page = _open(chromium, pages, lab, notebook, 1500)
    with _screenshot_if_failed(page, f"layout-lab-{notebook}-1500"):
        _show_file_browser(page)
        _check_every_tab(page, notebook, f"layout-lab-{notebook}-1500")
        if notebook == "playground":
            _assert_playground_networks(page)
