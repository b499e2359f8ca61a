"""The course tabs in real Chromium: one slider step moves the structure graph's nodes, the
activation-function points and the embedding's current point to the kernel's values, and
every tab renders without a frontend error (one screenshot per view).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from nnwidgets.kernels import pca

from . import nnw_browser as nb
from .test_explorer_browser import assert_canvas_sum, assert_no_error, assert_page_shows_kernel

pytestmark = pytest.mark.browser

# tab title -> the CSS class of its view (each tab's view is built when first shown)
TABS = {
    "network": "nnw-structure",
    "weights": "nnw-weights",
    "gradients": "nnw-gradients",
    "activation functions": "nnw-activation-functions",
    "feature maps": "nnw-feature-maps",
    "embedding": "nnw-embedding",
    "outputs": "nnw-outputs",
    "sanity check": "nnw-sanity-check",
}
STRUCTURE = ".nnw-structure details.nnw-values"
SLOPES = ".nnw-activation-functions details.nnw-values"


def _embedding_point(page):
    text = nb.text_of(page, ".nnw-embedding .nnw-embedding-point")
    numbers = text.replace("\u2212", "-").split("PC 1")[1].replace("PC 2", "").split(",")
    return np.array([float(v) for v in numbers])


def _show_tab(page, title):
    nb.show_tab(page, title, TABS[title])
    nb.next_frames(page, 2)


def test_slider_step_moves_structure_activation_points_and_embedding(tabular):
    page, model, x = tabular.page, tabular.model, tabular.x.copy()
    feature = 5
    before = nb.text_of(page, STRUCTURE)
    handle = page.locator(f".nnw-input-sliders .nnw-feature-{feature} .noUi-handle")
    handle.focus()
    page.keyboard.press("ArrowRight")
    nb.wait_text_change(page, STRUCTURE, before)
    nb.wait_quiet(page, quiet_ms=400)
    x[feature] = np.float32(nb.slider_value(page, feature))
    assert_page_shows_kernel(page, model, x)
    tabular.x = x

    _, trace = model.model.apply(model.params, jnp.asarray(x))
    # structure: the shown nodes are the top 8 |values| of each column, in index order
    columns = [x] + [np.asarray(trace[n].post) for n in model.model.layer_names]
    want = np.concatenate([c[np.sort(np.argsort(-np.abs(c))[:8])] for c in columns])
    np.testing.assert_allclose(nb.read_values(page, STRUCTURE), want, rtol=1e-4, atol=1e-6)
    # the network canvas painted those nodes (the sum of the node values it coloured)
    assert_canvas_sum(page, ".nnw-structure canvas.nnw-network-canvas", want, key="nodesum")
    # hidden tabs catch up when shown: open each and wait for its readout to change
    # activation-function points: the first layer's tanh slopes at its pre-activations
    pre = np.asarray(trace[model.model.layer_names[0]].pre)
    want_slopes = 1 - np.tanh(pre) ** 2
    _show_tab(page, "activation functions")
    nb.eventually(  # a shown tab redraws once, a moment later
        lambda: np.testing.assert_allclose(
            nb.read_values(page, SLOPES), want_slopes, rtol=1e-4, atol=1e-6
        )
    )
    # embedding: the current input projected on the PCA of the default layer over the data
    layer = model.model.layer_names[-2]
    acts = jax.vmap(lambda z: model.model.apply(model.params, z)[1][layer].post)(
        jnp.asarray(model.dataset.X)
    )
    fitted = pca(acts, k=2)
    point = (np.asarray(trace[layer].post) - np.asarray(fitted.mean)) @ np.asarray(
        fitted.components
    )
    _show_tab(page, "embedding")
    version = int(page.locator(nb.PROBS).first.get_attribute("data-version"))
    page.wait_for_function(
        nb.js("dataset_above"),
        arg=[".nnw-embedding .nnw-embedding-point", "version", version - 1],
        timeout=nb.UPDATE_TIMEOUT * 1000,
    )
    np.testing.assert_allclose(_embedding_point(page), point, rtol=1e-4, atol=1e-5)
    _show_tab(page, "network")
    assert_no_error(page)


def test_every_tab_renders_without_a_frontend_error(digits):
    page = digits.page
    for title, css in TABS.items():
        tab = page.get_by_role("tab", name=title)
        tab.scroll_into_view_if_needed()
        tab.click()
        page.locator(f".nnw-tabs .{css}").first.wait_for(
            state="visible", timeout=nb.UPDATE_TIMEOUT * 1000
        )
        nb.next_frames(page, 3)
        panel = page.locator(
            ".nnw-tabs [role=tabpanel]:visible, .nnw-tabs .lm-TabPanel-stackedPanel"
            ":visible, .nnw-tabs .widget-tab-contents > :visible"
        ).first
        assert panel.count() == 1, title
        errors = page.locator(".nnw-explorer :text('Error displaying widget')")
        assert errors.count() == 0, f"{title}: {errors.first.text_content()}"
        nb.screenshot(page, f"{digits.artifact}-{title.replace(' ', '_')}")
    assert_no_error(page)
