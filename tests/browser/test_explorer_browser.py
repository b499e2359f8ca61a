"""The Explorer in real Chromium, served by Voila and by JupyterLab.

Each test makes one user interaction (a slider key step, a painted pixel), waits for the page
to show the result, then compares every probability and attribution the page prints with
``explain`` run here, in the test process, on the input the page now holds.
"""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from nnwidgets.kernels import Settings, explain
from nnwidgets.views._controls import LABELS

from . import nnw_browser as nb

pytestmark = pytest.mark.browser

# The page prints 6 significant digits, so compare relatively (1e-4) everywhere. A confident
# model's small probabilities (1e-5 ... 1e-16) are exact to float32's relative precision, so
# their absolute floor is tiny: 1e-4 absolute would accept any of them. Attributions can
# cancel to ~0, so they get an absolute floor of 1e-6.
PROB_TOL = {"rtol": 1e-4, "atol": 1e-12}
ATTR_TOL = {"rtol": 1e-4, "atol": 1e-6}


def assert_page_shows_kernel(page, model, x, timeout=nb.UPDATE_TIMEOUT):
    """Probabilities, attribution and the predicted / explained classes equal the kernel's.

    The page gets ``timeout`` seconds to show them: a quiet moment on the page does not prove
    the kernel has answered the last input (a busy kernel on a slow machine, e.g. one that
    trains the Playground in a thread, can pause for longer than any fixed quiet window).
    """
    e = explain(model.model, model.params, x, method="saliency")
    nb.eventually(lambda: _assert_values(page, e), timeout)
    # the chart too: the canvas drew these probabilities (Σ (i + 1) p_i tells classes apart)
    # and highlighted the predicted class
    chart = ".nnw-probabilities canvas.nnw-bars-canvas"
    assert_canvas_sum(page, chart, np.arange(1, e.probs.size + 1) * e.probs, key="weighted")
    assert page.locator(chart).get_attribute("data-highlight") == str(int(np.argmax(e.probs)))
    assert nb.table_class(page, nb.PROBS, "nnw-predicted-") == int(np.argmax(e.probs))
    assert nb.table_class(page, nb.ATTRIBUTION, "nnw-explained-") == e.target
    assert_activations_drawn(page, e)
    assert_no_error(page)
    return e


def _assert_values(page, e):
    """The probability and attribution tables print ``e``'s values."""
    probs, attribution = nb.read_values(page, nb.PROBS), nb.read_values(page, nb.ATTRIBUTION)
    np.testing.assert_allclose(probs, e.probs, **PROB_TOL, err_msg="probabilities on the page")
    np.testing.assert_allclose(
        attribution, e.attribution.ravel(), **ATTR_TOL, err_msg="attribution on the page"
    )


def assert_activations_drawn(page, e):
    """The canvases have painted the kernel's values: every layer's activations and the
    attribution, as bars (tabular) or a heat map (images) (the sum each drew, to 1e-3)."""
    post = np.concatenate([np.ravel(p) for p in e.post])
    assert_canvas_sum(page, ".nnw-activations canvas.nnw-bars-canvas", post)
    kinds = [
        k
        for k in ("bars", "heat")
        if page.locator(f".nnw-attribution canvas.nnw-{k}-canvas").count()
    ]
    assert kinds == (["heat"] if e.attribution.ndim == 2 else ["bars"]), kinds
    assert_canvas_sum(page, f".nnw-attribution canvas.nnw-{kinds[0]}-canvas", e.attribution)


def assert_canvas_sum(page, canvas, values, key="checksum"):
    """The canvas' ``data-<key>`` (the sum of what it drew) equals ``values``' sum to 1e-3."""
    values = np.ravel(values).astype(np.float64)
    tol = 1e-3 * max(1.0, float(np.abs(values).sum()))
    with contextlib.suppress(PlaywrightTimeout):  # it paints in the frame after the message
        page.wait_for_function(
            nb.js("canvas_sum_near"),
            arg=[canvas, key, float(values.sum()), tol],
            timeout=5000,
        )
    drawn = float(page.locator(canvas).first.get_attribute(f"data-{key}"))
    assert abs(drawn - values.sum()) <= tol, (canvas, drawn, float(values.sum()))


def assert_no_error(page):
    errors = page.locator(".nnw-error")
    assert errors.count() == 0, f"the Explorer shows an error: {errors.first.text_content()!r}"
    assert nb.text_of(page, ".nnw-explorer .nnw-status").strip() == "ready"


@pytest.mark.parametrize("feature", [0, 7])
def test_slider_key_step_updates_probabilities_and_attribution(tabular, feature):
    page, x = tabular.page, tabular.x.copy()
    assert_page_shows_kernel(page, tabular.model, x)  # the page holds what we think it holds
    old_value = nb.slider_value(page, feature)
    handle = page.locator(f".nnw-input-sliders .nnw-feature-{feature} .noUi-handle")
    before = nb.text_of(page, nb.PROBS)

    handle.focus()
    page.keyboard.press("ArrowRight")
    nb.wait_text_change(page, nb.PROBS, before)
    nb.wait_quiet(page, quiet_ms=400)  # the attribution may come a message later

    value = nb.slider_value(page, feature)  # noUiSlider snaps to the 0.01 grid: read it
    assert 0 < value - old_value <= 0.01 + 1e-9, (old_value, value)
    aria = float(handle.get_attribute("aria-valuetext").replace("\u2212", "-"))
    assert abs(aria - value) < 0.005 + 1e-9, (aria, value)
    x[feature] = np.float32(value)
    assert_page_shows_kernel(page, tabular.model, x)
    tabular.x = x
    nb.screenshot(page, tabular.artifact)


def test_painting_a_pixel_updates_probabilities_and_attribution(digits):
    page, x = digits.page, digits.x.copy()
    row, col = 2, 4  # a blank pixel inside the 0th test digit (a 2): a clearly visible change
    shown = nb.canvas_values(page).reshape(8, 8)
    np.testing.assert_array_equal(shown, x, err_msg="canvas data-values before painting")
    assert x[row, col] == 0.0
    assert_page_shows_kernel(page, digits.model, x)
    before = nb.text_of(page, nb.PROBS)

    canvas = page.locator(".nnw-digit-painter canvas.nnw-paint-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    cell_w, cell_h = box["width"] / 8, box["height"] / 8  # what the canvas's JS divides by
    page.mouse.click(box["x"] + (col + 0.5) * cell_w, box["y"] + (row + 0.5) * cell_h)
    nb.wait_text_change(page, nb.PROBS, before)
    nb.wait_quiet(page, quiet_ms=400)  # the attribution may come a message later

    x[row, col] = 1.0
    shown = nb.canvas_values(page).reshape(8, 8)
    np.testing.assert_array_equal(shown, x, err_msg="canvas data-values after painting")
    assert_page_shows_kernel(page, digits.model, x)
    digits.x = x
    nb.screenshot(page, digits.artifact)


def test_a_flax_models_explorer_follows_a_painted_stroke(flax_digits):
    """A user's Flax NNX module, given as it is: a stroke across the canvas updates every
    plot with the values of the module's own forward pass and gradient."""
    page, x = flax_digits.page, flax_digits.x.copy()
    np.testing.assert_array_equal(nb.canvas_values(page).reshape(8, 8), x)
    assert_page_shows_kernel(page, flax_digits.model, x)
    summary = page.locator(".nnw-layer-summary").text_content()  # the network tab's table
    assert "hidden" in summary and "out" in summary and "relu" in summary  # submodules by path
    before = nb.text_of(page, nb.PROBS)

    canvas = page.locator(".nnw-digit-painter canvas.nnw-paint-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    cell_w, cell_h = box["width"] / 8, box["height"] / 8
    row = 1  # a stroke along row 1, columns 1 -> 6
    page.mouse.move(box["x"] + 1.5 * cell_w, box["y"] + (row + 0.5) * cell_h)
    page.mouse.down()
    for col in range(1, 7):
        page.mouse.move(box["x"] + (col + 0.5) * cell_w, box["y"] + (row + 0.5) * cell_h)
    page.mouse.up()
    nb.wait_text_change(page, nb.PROBS, before)
    nb.wait_quiet(page, quiet_ms=600)

    shown = nb.canvas_values(page).reshape(8, 8)
    assert (shown[row, 1:7] > x[row, 1:7]).sum() >= 4, shown[row]  # the stroke was painted
    e = assert_page_shows_kernel(page, flax_digits.model, shown.astype(np.float32))
    read = flax_digits.model  # the module as the Explorer reads it, and its nnx.Param state
    user = read.model.logits(read.params, shown.astype(np.float32))
    np.testing.assert_allclose(e.logits, user, rtol=1e-5, atol=1e-6)
    flax_digits.x = shown.astype(np.float32)
    nb.screenshot(page, flax_digits.artifact)


def test_clicking_an_activation_bar_explains_that_neuron(tabular):
    """A click on bar 5 of the first layer's panel (BarsCanvas hit-testing in the page) makes
    the kernel explain that neuron; choosing saliency again brings the page back."""
    page, x, m = tabular.page, tabular.x.copy(), tabular.model
    canvas = page.locator(".nnw-activations canvas.nnw-bars-canvas").first
    method = page.locator(".nnw-method-controls select").first
    before = nb.text_of(page, nb.ATTRIBUTION)
    # panel 0: the bars span x = LEFT .. panel_width - RIGHT (40 .. 294 px), 16 of them
    canvas.click(position={"x": 40 + 5.5 * (254 / 16), "y": 100})
    nb.wait_text_change(page, nb.ATTRIBUTION, before)
    nb.wait_quiet(page, quiet_ms=400)
    shown_method = method.evaluate(nb.js("selected_text")).replace("\xa0", " ")
    assert shown_method == LABELS["neuron_gradient"]  # ipywidgets writes spaces as U+00A0
    e = explain(
        m.model, m.params, x, method="neuron_gradient",
        settings=Settings(layer="dense_1"), neuron=5,
    )  # fmt: skip
    nb.eventually(lambda: np.testing.assert_allclose(
        nb.read_values(page, nb.ATTRIBUTION), e.attribution.ravel(), **ATTR_TOL,
        err_msg="neuron 5",
    ))  # fmt: skip
    before = nb.text_of(page, nb.ATTRIBUTION)
    saliency = method.evaluate(nb.js("option_index"), LABELS["saliency"])
    method.select_option(index=saliency)
    nb.wait_text_change(page, nb.ATTRIBUTION, before)
    nb.wait_quiet(page, quiet_ms=400)
    assert_page_shows_kernel(page, m, x)


def test_the_notebooks_shortcuts_stay_out_of_the_explorer(tabular):
    """The app's root tells Lumino to skip its shortcuts inside it (JupyterLab, Notebook 7):
    without it Notebook 7 swallows a focused slider's arrow keys (the key-step test above)
    and command-mode keys (arrows, x, d d) act on the cell holding the app."""
    root = tabular.page.locator(".nnw-explorer").first
    assert root.get_attribute("data-lm-suppress-shortcuts") == "true"
    handle = tabular.page.locator(".nnw-input-sliders .nnw-feature-3 .noUi-handle")
    handle.focus()  # Lumino matches from the focused element up: it must carry the mark too
    assert handle.get_attribute("data-lm-suppress-shortcuts") == "true"


def test_slider_handles_get_no_compositor_layer_of_their_own(tabular):
    """AppGuard's stylesheet undoes ipywidgets' ``will-change: transform`` on the sliders'
    moving parts inside the app (fewer layers for every frame of a slider step)."""
    styles = tabular.page.evaluate(nb.js("slider_will_change"))
    assert len(styles) >= 30 and set(styles) == {"auto"}


def test_server_extension_sets_tcp_nodelay_on_the_kernel_websocket(tabular):
    """nnwidgets.server is active in this server and read the option back from the socket."""
    log = tabular.server.log.read_text(errors="replace")
    if tabular.server.kind in ("lab", "notebook"):
        assert "nnwidgets.server | extension was successfully loaded" in log
    assert "nnwidgets: TCP_NODELAY=1 on the websocket of kernel" in log
    assert "TCP_NODELAY=0" not in log
