"""The apps' layout, headless: what lets every view fit its box and reflow down to ~700 px.

The browser checks the result by bounding boxes (tests/browser/test_layout_browser.py); the
network canvas's width fitting and input-label thinning are tested in js/test/views.test.mjs.
"""

from widget_comm import dummy_comm  # noqa: F401  (fixture)

from nnwidgets import Playground
from nnwidgets.state import build_state
from nnwidgets.views import AppGuard, StructureView


def test_playground_rows_wrap_and_the_network_picture_fits_its_box():
    pg = Playground(dataset="digits", hidden=[8])
    try:
        (pictures,) = [c for c in pg.children if pg.network in getattr(c, "children", ())]
        assert pictures.layout.flex_flow == "row wrap"  # boundary and curves go under
        # the network at its full 640 px (less only in a narrower app: js fits the canvas)
        assert pg.network.layout.flex == "0 1 640px" and pg.network.canvas.width_px == 640
        assert pictures.children[1].layout.max_width == "360px"  # boundary and curves
        (columns,) = [
            c
            for c in pg.controls.children
            if pg.controls.controls["dataset"]
            in [w for box in c.children for w in getattr(box, "children", ())]
        ]
        assert columns.layout.flex_flow == "row wrap"  # training under data and network
        assert pg.network.canvas.columns == [64, 8, 10]
        assert len(pg.network.canvas.input_labels) == 64  # js draws every 3rd (labelStep)
    finally:
        pg.close()


def test_explorer_network_canvas_is_at_most_760_px_and_the_css_wraps_what_is_wide():
    view = StructureView(build_state("digits_cnn"))
    try:
        assert view.canvas.width_px == 760
    finally:
        view.close()
    css = AppGuard._css
    for rule in (
        ".nnw-app .jupyter-widget-tab > .lm-TabBar > .lm-TabBar-content",  # tab titles whole
        ".nnw-app .widget-tab-contents .widget-hbox",  # figures side by side, else wrapped
        ".nnw-app .nnw-activations > *",  # the activations' panels wrap to the row's width
    ):
        assert rule + " {" in css, rule
