"""One kernel message per step, in real Chromium under Voila, JupyterLab and Notebook 7.

A page of its own (a copy of the tabular notebook) whose kernel websocket is watched from
before it opens: a slider key step must bring exactly one widget message (``comm_msg``) from
the kernel, and after it, and after a fast drag, every plot of the lab (probabilities,
attribution, activations, the network tab) shows the kernel's values for the input the page
holds.
"""

from __future__ import annotations

import time

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from nnwidgets.kernels import explain

from . import nnw_browser as nb
from .test_explorer_browser import assert_canvas_sum, assert_page_shows_kernel

pytestmark = pytest.mark.browser

NETWORK = ".nnw-structure canvas.nnw-network-canvas"
TOP_K = 8  # nodes per column the network tab shows (nnwidgets.views._structure.TOP_K)


@pytest.fixture
def watched(server, chromium, notebook_dir, models):
    """The tabular Explorer in a fresh page; ``frames`` collects the kernel's widget messages."""
    nb.write_notebooks(notebook_dir, suffix="_watched")
    page = nb.new_page(chromium)
    frames: list[float] = []

    def on_socket(ws):
        def received(payload):
            data = payload if isinstance(payload, bytes) else payload.encode()
            at = data.find(b'"msg_type": "')  # the message's own header comes first; a status
            if at >= 0 and data[at + 13 : at + 21] == b"comm_msg":  # message names its parent
                frames.append(time.monotonic())

        ws.on("framereceived", received)

    page.on("websocket", on_socket)
    nb.open_explorer(page, server, "tabular_watched")
    yield page, frames, models["tabular"]
    page.context.close()


def _network_sum(model, x):
    """What the network tab's nodes show: the top 8 |value| of the input and of each hidden
    layer, and every output (the sum ``network.js`` writes to ``data-nodesum``)."""
    e = explain(model.model, model.params, x, method="saliency")
    columns = [np.ravel(x), *(np.ravel(p) for p in e.post)]
    total = 0.0
    for k, v in enumerate(columns):
        shown = v if k == len(columns) - 1 else v[np.argsort(-np.abs(v), kind="stable")[:TOP_K]]
        total += float(np.sum(shown.astype(np.float64)))
    return total


def _assert_every_plot(page, model, x):
    assert_page_shows_kernel(page, model, x)  # probabilities, attribution, activations
    want = _network_sum(model, x)
    assert_canvas_sum(page, NETWORK, [want], key="nodesum")


def test_a_key_step_is_one_kernel_message_and_every_plot_follows(watched):
    page, frames, model = watched
    x = np.array([round(float(v), 2) for v in model.dataset.X_test[0]], np.float32)
    _assert_every_plot(page, model, x)
    # a values table the reader opened stays open while the page rebuilds its rows
    page.locator(f"{nb.PROBS} > summary").click()
    handle = page.locator(".nnw-input-sliders .nnw-feature-5 .noUi-handle")
    handle.focus()
    counts = []
    for _ in range(3):
        before, n = nb.text_of(page, nb.PROBS), len(frames)
        page.keyboard.press("ArrowRight")
        nb.wait_text_change(page, nb.PROBS, before)
        nb.wait_quiet(page, quiet_ms=400)
        counts.append(len(frames) - n)
        x[5] = np.float32(nb.slider_value(page, 5))
        _assert_every_plot(page, model, x)
    assert counts == [1, 1, 1], f"widget messages from the kernel per key step: {counts}"
    assert page.locator(nb.PROBS).first.get_attribute("open") is not None  # still open

    # a fast drag: many values; at most one message each, and the page ends on the last one
    handle = page.locator(".nnw-input-sliders .nnw-feature-9 .noUi-handle")
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    x0, y0 = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    n = len(frames)
    page.mouse.move(x0, y0)
    page.mouse.down()
    for i in range(1, 21):
        page.mouse.move(x0 - 2 * i, y0)
        time.sleep(0.03)
    page.mouse.up()
    nb.wait_quiet(page, quiet_ms=1000)
    x[9] = np.float32(nb.slider_value(page, 9))
    _assert_every_plot(page, model, x)
    assert 1 <= len(frames) - n <= 21, len(frames) - n
    nb.screenshot(page, "one-message-after-drag")

    # a course tab's canvases take their step from the same message: the gradients tab's
    # bars (their page-built table) and heat map (the sum it drew) equal jax.grad of the loss
    nb.show_tab(page, "gradients", "nnw-gradients")
    norms = ".nnw-gradients details.nnw-grad-norms"
    page.locator(norms).first.wait_for(state="attached", timeout=nb.UPDATE_TIMEOUT * 1000)
    handle = page.locator(".nnw-input-sliders .nnw-feature-5 .noUi-handle")
    handle.focus()
    before, n = nb.text_of(page, norms), len(frames)
    page.keyboard.press("ArrowRight")
    nb.wait_text_change(page, norms, before)
    nb.wait_quiet(page, quiet_ms=400)
    nb.next_frames(page, 3)
    assert len(frames) - n == 1
    x[5] = np.float32(nb.slider_value(page, 5))
    graded = _param_grads(model, x, int(model.dataset.y_test[0]))
    want = [np.sqrt(sum(float(np.sum(np.square(v))) for v in g.values())) for g in graded]
    np.testing.assert_allclose(nb.read_values(page, norms), want, rtol=1e-4)
    matrix = page.locator(".nnw-gradients canvas.nnw-matrix-canvas").first
    drawn = float(matrix.get_attribute("data-checksum"))
    w = np.asarray(graded[0]["w"], np.float64)  # dense_1.w, the array shown first
    assert drawn == pytest.approx(float(w.sum()), rel=1e-3, abs=1e-4 * float(np.abs(w).max()))
    nb.screenshot(page, "one-message-gradients-tab")


def _param_grads(model, x, label):
    """d loss / d params of the layers with parameters (the cross-entropy for ``label``)."""

    def loss(params):
        logits = model.model.logits(params, jnp.asarray(x))
        return optax.softmax_cross_entropy_with_integer_labels(logits, np.int32(label))

    return [g for g in jax.grad(loss)(model.params) if g]
