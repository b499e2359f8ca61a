"""A fast mouse drag of one tabular slider in real Chromium, under Voila and JupyterLab.

30 mouse moves within about a second send the kernel far more values than a key step does.
Whatever the widget manager and the servers drop or merge on the way, the page must end on
the final slider value: the readout where the mouse let go, and the probabilities and the
attribution of exactly that input. The views' ``data-version`` (the kernel-side update count)
must not grow by more than one update per move: no backlog of stale inputs.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from . import nnw_browser as nb
from .test_explorer_browser import assert_page_shows_kernel

pytestmark = pytest.mark.browser

FEATURE = 2  # a slider the other tests leave alone
MOVES = 30
DRAG_S = 1.0  # the moves are spread evenly over this time
PX_PER_MOVE = 2.0  # ~0.09 of the value per move on a 134 px track: every move changes the value


def _slider_geometry(page, feature):
    """``(value_min, value_max, track_px)`` of one slider (aria-* and the noUi-base's width);
    the tabular Explorer shows one slider per feature, in order."""
    return tuple(page.evaluate(nb.js("slider_ranges"))[feature])


def _version(page, table):
    return int(page.locator(table).first.get_attribute("data-version"))


def test_fast_mouse_drag_ends_on_the_final_value(tabular):
    page, x = tabular.page, tabular.x.copy()
    assert_page_shows_kernel(page, tabular.model, x)  # the page holds what we think it holds
    version0 = _version(page, nb.PROBS)
    assert _version(page, nb.ATTRIBUTION) == version0

    handle = page.locator(f".nnw-input-sliders .nnw-feature-{FEATURE} .noUi-handle")
    handle.scroll_into_view_if_needed()
    old_value = nb.slider_value(page, FEATURE)
    lo, hi, track_px = _slider_geometry(page, FEATURE)
    per_px = (hi - lo) / track_px  # slider value per CSS pixel
    span = MOVES * PX_PER_MOVE * per_px
    direction = 1.0 if hi - old_value > span + 0.1 else -1.0  # towards the side with room
    assert old_value + direction * span > lo + 0.1, "no room for the drag on either side"

    box = handle.bounding_box()
    x0, y0 = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x0, y0)
    page.mouse.down()
    start = time.monotonic()
    for i in range(1, MOVES + 1):
        page.mouse.move(x0 + direction * i * PX_PER_MOVE, y0)
        time.sleep(max(0.0, start + i * DRAG_S / MOVES - time.monotonic()))
    page.mouse.up()
    nb.wait_quiet(page, quiet_ms=1000)  # a backlog would show in data-version, checked below

    value = nb.slider_value(page, FEATURE)
    expected = old_value + direction * span  # noUiSlider moves the handle by the mouse's delta
    assert abs(value - expected) <= per_px + 0.01 + 1e-9, (old_value, value, expected)
    aria = float(handle.get_attribute("aria-valuetext").replace("\u2212", "-"))
    assert abs(aria - value) < 0.005 + 1e-9, (aria, value)

    x[FEATURE] = np.float32(value)
    assert_page_shows_kernel(page, tabular.model, x)  # the final value, not an earlier one
    tabular.x = x
    np.testing.assert_allclose(
        nb.slider_values(page).astype(np.float32), x, rtol=0, atol=1e-6, err_msg="readouts"
    )

    version = _version(page, nb.PROBS)
    assert _version(page, nb.ATTRIBUTION) == version
    assert 1 <= version - version0 <= MOVES + 1, (
        f"data-version went {version0} -> {version} for {MOVES} mouse moves"
    )
    nb.screenshot(page, tabular.artifact)
