"""export_html: an app as one static page (headless checks; tests/browser/test_export_browser.py
opens the pages in Chromium)."""

import base64
import html
import json
import pathlib
import re

import ipywidgets as W
import pytest
from widget_comm import dummy_comm  # noqa: F401 (autouse fixture)

import nnwidgets
from nnwidgets import Explorer, Playground
from nnwidgets.views._base import widget_tree
from nnwidgets.views._export_html import export_html
from nnwidgets.views._frame import StepFrame

DATA = re.compile(r'<script type="application/json" id="nnw-export-data">(.*?)</script>', re.S)


def page_data(path):
    """The page's embedded modules and canvas states, as the page's script reads them."""
    return json.loads(DATA.search(pathlib.Path(path).read_text()).group(1))


def canvases(app):
    """The anywidget canvases the page draws: visible, in a built tab, not the frame."""
    out = []

    def walk(w):
        if w.layout.display == "none" or isinstance(w, StepFrame):
            return
        if hasattr(type(w), "_esm"):
            out.append(w)
        for child in getattr(w, "children", ()):
            walk(child)

    walk(app)
    return out


def embedded(widget, saved):
    """Whether ``saved`` is the page's copy of ``widget``'s state as it is now."""
    try:
        assert_state_embedded(widget, saved)
    except (AssertionError, KeyError):
        return False
    return True


def assert_state_embedded(widget, saved):
    """The page's copy of ``widget``'s synced state: the same JSON, the same bytes."""
    state = widget.get_state()
    for name, value in saved["state"].items():
        assert state[name] == value, name
    for path, b64 in zip(saved["buffer_paths"], saved["buffers"]):
        assert base64.b64decode(b64) == bytes(state[path[0]]), path
    binary = {n for n, v in state.items() if isinstance(v, (bytes, memoryview))}
    assert binary <= {p[0] for p in saved["buffer_paths"]}


@pytest.fixture(scope="module")
def digits_app():
    return Explorer("digits")


def test_path_must_be_an_html_file(tmp_path, digits_app):
    for bad in ("page.txt", str(tmp_path), 3, None, b"page.html"):
        with pytest.raises(
            ValueError, match=r"path: expected a str or PathLike ending in '\.html'"
        ):
            export_html(digits_app, bad, title="x")
    with pytest.raises(ValueError, match=r"received 'page\.txt'"):
        export_html(digits_app, "page.txt", title="x")


def test_explorer_page_embeds_every_canvas_state_and_module_once(tmp_path):
    app = Explorer("digits")
    s = app.state
    s.x = s.dataset.X_test[7]
    s.method = "integrated_gradients"
    path = export_html(app, tmp_path / "digits.html", title="digits <lesson>")
    assert path == tmp_path / "digits.html"
    text = path.read_text()
    assert "<title>digits &lt;lesson&gt;</title>" in text
    assert f"exported from nnwidgets {nnwidgets.__version__} on " in text
    assert "a static page: no kernel" in text
    assert "http://" not in text.replace("http://www.w3.org", "")  # nothing to fetch
    assert "https://" not in text
    data = page_data(path)
    shown = canvases(app)
    assert len(shown) == len(data["widgets"]) == 5  # painter, probs, attribution, activations, net
    for k, widget in enumerate(shown):
        saved = data["widgets"][f"w{k}"]
        assert data["modules"][saved["module"]]["esm"] == widget._esm
        assert_state_embedded(widget, saved)
        assert f'data-nnw-widget="w{k}"' in text
    sources = [m["esm"] for m in data["modules"].values()]
    assert len(sources) == len(set(sources)) == len({w._esm for w in shown})
    for source in sources:  # the module is in the data only, never a second time in the page
        assert text.count(json.dumps(source, separators=(",", ":")).replace("<", "\\u003c")) == 1
    # the controls' current values, the placeholder tabs
    assert '<span class="nnw-export-value">integrated gradients</span>' in text
    assert text.count("not opened before export</small>") == len(app.tab_list) - 1
    assert "AppGuard" not in text and "StepFrame" not in text


def test_a_hidden_tab_view_shows_the_current_state(tmp_path):
    app = Explorer("digits")
    view = app.tab_view("gradients")  # built, then hidden: it stops redrawing
    app.tabs.selected_index = 0
    app.state.x = app.state.dataset.X_test[11]
    path = export_html(app, tmp_path / "p.html", title="t")
    saved = list(page_data(path)["widgets"].values())
    app.tabs.selected_index = [t for t, _ in app.tab_list].index("gradients")
    inside = canvases(view)  # showing the tab now: each already as the page has it
    assert inside and all(any(embedded(w, entry) for entry in saved) for w in inside)
    assert "gradients<small>" not in path.read_text()  # built: not "not opened"


def test_playground_page_has_its_canvases_figures_and_training_values(tmp_path):
    pg = Playground(dataset="circle", hidden=[4, 4])
    for _ in range(3):
        pg.state.step_once()
    path = export_html(pg, str(tmp_path / "pg.html"), title="playground")
    text = path.read_text()
    data = page_data(path)
    shown = canvases(pg)
    assert len(data["widgets"]) == len(shown)
    for k, widget in enumerate(shown):
        assert_state_embedded(widget, data["widgets"][f"w{k}"])
    figures = [w for w in widget_tree(pg) if type(w).__name__ == "Figure"]
    visible = [f for f in figures if f in widget_tree(pg.curves) or f in widget_tree(pg.tabs)]
    assert visible and text.count('src="data:image/png;base64,') >= len(visible) - 1
    assert "step 3" in html.unescape(re.sub(r"<[^>]+>", "", text))
    assert 'aria-pressed="true">x1</button>' in text  # the feature toggles' current values


def test_non_ascii_and_script_endings_stay_inside_the_data(tmp_path):
    app = Explorer("sentiment_lstm")
    app.state.text = "</script><b>naïve</b> film"
    path = export_html(app, tmp_path / "s.html", title="s")
    text = path.read_text()
    assert text.count("</script>") == 2  # the data block's and the module's own
    data = page_data(path)
    tokens = [w for w in canvases(app) if type(w).__name__ == "TokenStrip"]
    assert len(tokens) == 1
    saved = next(v for v in data["widgets"].values() if "tokens" in v["state"])
    assert saved["state"]["tokens"] == tokens[0].tokens


def test_a_float_json_cannot_hold_is_written_as_null(tmp_path):
    from nnwidgets.views import TokenStrip

    strip = TokenStrip()
    strip.hi = float("inf")  # JSON.parse would refuse the page's data with "Infinity" in it
    strip.caption = "<b>kept</b>"
    path = export_html(W.VBox([strip]), tmp_path / "b.html", title="t")
    (saved,) = page_data(path)["widgets"].values()
    assert saved["state"]["hi"] is None and saved["state"]["lo"] == strip.lo
    assert saved["state"]["caption"] == "<b>kept</b>"
    assert "Infinity" not in path.read_text()
