"""The Playground in real Chromium (Voila and JupyterLab), with an Explorer in the same page.

Press play: the epoch counter, the loss curve and the decision-boundary picture advance.
While it trains, drag one of the Explorer's sliders: the Explorer still follows the hand and
ends on the kernel's values for the final slider position. Press pause: nothing on the page
changes over the next second.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from nnwidgets.views._network_canvas import node_positions, node_size

from . import nnw_browser as nb
from .test_explorer_browser import assert_page_shows_kernel

pytestmark = pytest.mark.browser

PG = ".nnw-playground"
EPOCH = f"{PG} .nnw-epoch"
CURVES = f"{PG} .nnw-curve-values"
BOUNDARY = f"{PG} canvas.nnw-boundary-canvas"
NETWORK = f"{PG} canvas.nnw-network-canvas"
FEATURE = 3  # an Explorer slider the other tests leave alone


def _snapshot(page):
    """What the Playground shows now: step, curve points, picture checksums and frames."""
    return page.evaluate(nb.js("playground_snapshot"), [EPOCH, CURVES, BOUNDARY, NETWORK])


def _wait_step_above(page, step, timeout=nb.UPDATE_TIMEOUT):
    page.wait_for_function(
        nb.js("dataset_above"), arg=[EPOCH, "step", step], timeout=timeout * 1000
    )


def _still_for(page, seconds):
    """A check that the Playground shows the same before and after ``seconds``."""

    def check():
        before = _snapshot(page)
        time.sleep(seconds)
        assert _snapshot(page) == before, "the Playground is still changing"

    return check


def test_play_trains_pause_freezes_and_the_explorer_responds_meanwhile(playground):
    page, x = playground.page, playground.x.copy()
    page.locator(BOUNDARY).wait_for(timeout=nb.UPDATE_TIMEOUT * 1000)
    before = _snapshot(page)
    play = page.locator(f"{PG} button.nnw-play")
    play.scroll_into_view_if_needed()
    play.click()

    # training: the counter, the curve and both pictures advance
    _wait_step_above(page, before["step"] + 40, timeout=60)
    page.wait_for_function(
        nb.js("dataset_above"),
        arg=[CURVES, "points", before["points"] + 5],
        timeout=nb.UPDATE_TIMEOUT * 1000,
    )
    during = _snapshot(page)
    assert during["boundary"] != before["boundary"], "the decision boundary did not change"
    assert during["network"] != before["network"], "the weights on the network did not change"
    assert during["boundary_frame"] > before["boundary_frame"] + 3

    # the Explorer below still follows a mouse drag while the Playground trains
    handle = page.locator(f".nnw-input-sliders .nnw-feature-{FEATURE} .noUi-handle")
    handle.scroll_into_view_if_needed()
    old_value = nb.slider_value(page, FEATURE)
    probs_before = nb.text_of(page, nb.PROBS)
    box = handle.bounding_box()
    x0, y0 = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x0, y0)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(x0 - 3 * i, y0)  # to the left: the defaults sit mid-range
        time.sleep(0.03)
    page.mouse.up()
    nb.wait_text_change(page, nb.PROBS, probs_before)
    nb.wait_quiet(page, quiet_ms=600)
    value = nb.slider_value(page, FEATURE)
    assert value < old_value, (old_value, value)
    x[FEATURE] = np.float32(value)
    assert_page_shows_kernel(page, playground.model, x)
    playground.x = x
    still = _snapshot(page)
    assert still["step"] > during["step"], "training stopped while the Explorer was used"

    # pause: within a moment the page stops changing, and stays still for a second
    play.scroll_into_view_if_needed()
    play.click()
    page.wait_for_function(
        nb.js("text_includes"),
        arg=[f"{PG} button.nnw-play", "play"],
        timeout=nb.UPDATE_TIMEOUT * 1000,
    )
    nb.eventually(_still_for(page, 0.3), timeout=5)  # the last update's messages in flight
    paused = _snapshot(page)
    time.sleep(1.0)
    assert _snapshot(page) == paused, "the Playground changed after pause"
    nb.screenshot(page, playground.artifact)


def test_hover_a_link_and_click_a_thumbnail(playground):
    page = playground.page
    canvas = page.locator(NETWORK)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    columns = [2, 4, 4, 2]  # x1, x2 -> 4 -> 4 -> two classes (the notebook's Playground)
    nodes = node_positions(columns, 640, 360, 34)
    size = node_size(columns, 360, 34)
    # hover the middle of the link x2 -> dense_1[2]: the tooltip names it and its weight
    (x_a, y_a), (x_b, y_b) = nodes[1], nodes[2 + 2]
    start, end = x_a + size / 2, x_b - size / 2  # links run from edge to edge
    t = 0.5
    page.mouse.move(box["x"] + start + t * (end - start), box["y"] + y_a + t * (y_b - y_a))
    tip = page.locator(f"{PG} .nnw-link-tip")
    page.wait_for_function(
        nb.js("text_includes"),
        arg=[f"{PG} .nnw-link-tip", "x2 → dense_1[2]"],
        timeout=nb.UPDATE_TIMEOUT * 1000,
    )
    assert tip.text_content().startswith("weight ")
    # click the first neuron of the second hidden layer: it becomes the large map
    x, y = nodes[2 + 4]
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_selector(
        f'{PG} .nnw-boundary-title[data-focus="6"]', timeout=nb.UPDATE_TIMEOUT * 1000
    )
    assert nb.text_of(page, f"{PG} .nnw-boundary-title") == "dense_2[0]"
    assert canvas.get_attribute("data-selected") == "6"
