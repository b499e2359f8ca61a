"""Headless widget tests: a dummy comm stands in for the browser; set_state is a user action."""

import jax
import numpy as np
import pytest
from kernel_reference import expected
from widget_comm import dummy_comm, updates  # noqa: F401  (fixture)

from nnwidgets import Explorer
from nnwidgets.apps._explorer import TABS
from nnwidgets.state import build_state
from nnwidgets.views import (
    ActivationView,
    AttributionView,
    ProbabilityView,
    SanityCheckView,
    StatusLine,
)


def drawn(view):
    """The values a view's canvas draws (float32: features, pixels row-major, or classes)."""
    return np.frombuffer(view.canvas.values, "<f4")


def test_slider_drag_updates_bars_to_kernel_numbers():
    ex = Explorer("breast_cancer")
    sliders = ex.views[2].sliders
    probs_view = next(v for v in ex.views if isinstance(v, ProbabilityView))
    attr_view = next(v for v in ex.views if isinstance(v, AttributionView))
    x0 = ex.state.x.copy()
    n_prob, n_attr = len(updates(probs_view.canvas)), len(updates(attr_view.canvas))
    v0 = ex.state.version
    sliders[4].set_state({"value": 1.25})  # what the browser sends during a drag
    assert ex.state.version == v0 + 1  # exactly one kernel call and publish
    x = x0.copy()
    x[4] = 1.25
    np.testing.assert_array_equal(ex.state.x, x)
    e = expected(ex.state, x)
    np.testing.assert_allclose(drawn(probs_view), e.probs, rtol=1e-6)
    assert probs_view.canvas.highlight == int(np.argmax(e.probs))  # the predicted class
    assert probs_view.canvas.domain == [0.0, 1.0]  # a fixed axis: no rescale per step
    assert probs_view.canvas.labels == list(ex.state.class_names)
    np.testing.assert_allclose(drawn(attr_view), e.attribution, rtol=1e-5, atol=1e-7)
    assert attr_view.canvas.diverging  # coloured by value in JS
    assert not attr_view.canvas.counts  # titled "method · class name", no "(30)"
    # one batched message per chart per step (hold_sync), carrying values as a binary buffer
    (message,) = updates(probs_view.canvas)[n_prob:]
    assert ["values"] in message["buffer_paths"]
    assert "table_version" in message["state"]
    assert set(message["state"]) <= {"highlight", "table_class", "table_version"}
    (message,) = updates(attr_view.canvas)[n_attr:]
    # the values as a binary buffer and the table's version (the page builds the table of
    # exact values from the buffer; the title only when the method or class change)
    assert set(message["state"]) == {"table_version"}
    assert message["buffer_paths"] == [["values"]]
    # the moved slider is not echoed back with a float32-rounded value
    assert not [m for m in updates(sliders[4]) if "value" in m["state"]]
    # the table the browser tests read: the predicted class and the update it shows
    assert probs_view.canvas.table_class == f"nnw-predicted-{int(np.argmax(e.probs))}"
    assert probs_view.canvas.table_version == ex.state.version
    ex.close()


def test_every_layer_activation_follows_the_input():
    ex = Explorer("iris")
    view = ex.views[5]
    ex.views[2].sliders[2].set_state({"value": -1.0})
    e = expected(ex.state, ex.state.x)
    shown = np.frombuffer(view.canvas.values, "<f4")  # every layer back to back
    assert view.canvas.sizes == [np.size(p) for p in e.post]
    np.testing.assert_allclose(
        shown, np.concatenate([np.ravel(p) for p in e.post]), rtol=1e-5, atol=1e-6
    )
    ex.close()


def test_bars_canvas_checks_its_values_and_ignores_stray_clicks():
    from nnwidgets.views._bars_canvas import BarsCanvas

    with pytest.raises(ValueError, match="sizes: expected 2 counts"):
        BarsCanvas(["a", "b"], [3])
    canvas = BarsCanvas(["a", "b"], [2, 3])
    with pytest.raises(ValueError, match=r"values\[1\]: expected 3 values, received 2"):
        canvas.show([[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="values: expected 2 arrays"):
        canvas.show([[1, 2]])
    canvas.show([[1, 2], [[3], [4], [5]]])
    assert np.frombuffer(canvas.values, "<f4").tolist() == [1, 2, 3, 4, 5]
    clicks = []
    canvas.on_bar_click(lambda group, index: clicks.append((group, index)))
    for content in [
        {"event": "element_click", "group": "b", "index": 2},
        {"event": "element_click", "group": "b", "index": 3},  # out of range
        {"event": "element_click", "group": "c", "index": 0},  # no such group
        {"event": "hover", "group": "a", "index": 0},
        "garbage",
    ]:
        canvas._handle_custom_msg(content, [])
    assert clicks == [("b", 2)]
    canvas.close()


def test_heat_canvas_and_bars_canvas_refuse_bad_values():
    from nnwidgets.views._bars_canvas import BarsCanvas
    from nnwidgets.views._heat_canvas import HeatCanvas

    heat = HeatCanvas(rows=2, cols=3)
    with pytest.raises(ValueError, match=r"values: expected shape \(2, 3\), received \(3, 2\)"):
        heat.show(np.zeros((3, 2)))
    heat.show(np.zeros((2, 3)))  # a constant model: all zeros, no 0/0 in the colour limit
    assert heat.limit == 1.0
    heat.show([[1, -4, np.nan], [0, 2, 3]])  # a NaN cell is drawn grey, not in the limit
    assert heat.limit == 4.0
    bars = BarsCanvas(["p"], [2])
    for bad in ([1.0], [1.0, 0.0], [0.0, np.inf]):
        with pytest.raises(Exception, match=r"domain: expected \[\] or \[low, high\]"):
            bars.domain = bad
    bars.domain = [0.0, 1.0]
    heat.close()
    bars.close()


def test_painting_a_pixel_updates_heatmap():
    ex = Explorer("digits")
    painter = ex.views[2]
    attr_view = ex.views[4]
    x = painter.canvas.array()
    x[0, 0] = 1.0
    n_attr = len(updates(attr_view.canvas))
    painter.canvas.set_state({"value": x.astype("<f4").tobytes()})  # a stroke: float32 bytes
    np.testing.assert_array_equal(ex.state.x, x)
    e = expected(ex.state, x)
    heat = attr_view.canvas
    assert (heat.rows, heat.cols) == (8, 8)
    np.testing.assert_allclose(drawn(attr_view).reshape(8, 8), e.attribution, rtol=1e-5, atol=1e-7)
    # coloured over the largest |value| (full colour), titled with the method and class
    assert heat.limit == pytest.approx(float(np.abs(e.attribution).max()), rel=1e-5)
    assert heat.title == f"saliency · class {ex.state.class_names[ex.state.explained]}"
    (message,) = updates(heat)[n_attr:]  # one message: the values as a buffer and the limit
    assert message["buffer_paths"] == [["values"]]
    assert set(message["state"]) <= {"limit", "title", "caption", "table_class", "table_version"}
    np.testing.assert_allclose(drawn(ex.views[3]), e.probs, rtol=1e-6)
    # painted values are not echoed back (echo_update=False on the canvas value)
    assert not [m for m in painter.canvas.comm.messages if m and m.get("method") == "echo_update"]
    ex.close()


def test_load_sample_and_clear_move_the_canvas():
    ex = Explorer("digits")
    painter = ex.views[2]
    painter.sample.value = 7
    v0 = ex.state.version
    painter.load.click()
    assert ex.state.version == v0 + 1  # one recompute: the canvas redraw does not feed back
    np.testing.assert_array_equal(ex.state.x, ex.state.dataset.X_test[7])
    np.testing.assert_allclose(painter.canvas.array(), ex.state.dataset.X_test[7])
    assert "true label" in painter.label.value
    painter.clear.click()
    assert not painter.canvas.array().any() and not ex.state.x.any()
    ex.close()


def test_method_dropdown_switches_attribution_and_shows_gap():
    ex = Explorer("wine")
    controls, attr_view = ex.views[1], ex.views[4]
    controls.method.set_state({"index": 2})
    assert ex.state.method == "integrated_gradients"
    e = expected(ex.state, ex.state.x)
    np.testing.assert_allclose(drawn(attr_view), e.attribution, rtol=1e-5, atol=1e-7)
    assert "completeness gap" in attr_view.canvas.caption
    name = ex.state.class_names[ex.state.explained]
    assert attr_view.canvas.groups == [f"integrated gradients · class {name}"]  # menu's name
    controls.target.set_state({"index": 3})  # "predicted", then the classes
    assert ex.state.target == 2 and ex.state.explained == 2
    controls.target.set_state({"index": 0})
    assert ex.state.target is None
    controls.settings["sigma"].set_state({"value": 0.4})
    assert ex.state.sigma == 0.4
    ex.close()


def test_controls_show_only_the_current_methods_settings_and_forward_them():
    ex = Explorer("breast_cancer")
    controls = ex.views[1]

    def shown():
        return {n for n, c in controls.settings.items() if c.layout.display != "none"}

    assert shown() == {"absolute"}
    ex.state.method = "occlusion"
    assert shown() == {"window", "stride", "baseline_kind"}  # tabular: no superpixels
    assert controls.settings["window"].max == 30  # tabular: 1-D input of 30 features
    controls.settings["baseline_kind"].set_state({"index": 1})  # occlusion fills with "mean"
    assert ex.state.baseline_kind == "mean" and ex.state.error == ""
    e = expected(ex.state, ex.state.x)
    np.testing.assert_allclose(ex.state.attribution, e.attribution, rtol=1e-5, atol=1e-6)
    ex.state.method = "kernel_shap"
    assert shown() == {"coalitions", "baseline_kind", "seed"}
    assert ex.state.completeness_gap is not None and abs(ex.state.completeness_gap) < 1e-4
    controls.settings["baseline_kind"].set_state({"index": 0})  # "zero"
    assert ex.state.baseline_kind == "zero"
    controls.settings["baseline_kind"].set_state({"index": 1})  # "mean"
    assert ex.state.baseline_kind == "mean"
    np.testing.assert_allclose(ex.state.baseline, ex.state.dataset.X_train.mean(0), rtol=1e-6)
    assert "blur" not in controls.settings["baseline_kind"].options  # tabular: no blur
    assert e is not None
    ex.close()


def test_error_shows_in_widget_last_plot_stays_next_move_works():
    ex = Explorer("breast_cancer")
    status = next(v for v in ex.views if isinstance(v, StatusLine))
    probs_view = ex.views[3]
    before = drawn(probs_view).copy()
    bad = ex.state.x.copy()
    bad[0] = np.inf
    ex.state.x = bad
    assert "nnw-error" in status.value and "mean radius" in status.value
    np.testing.assert_array_equal(drawn(probs_view), before)
    ex.views[2].sliders[1].set_state({"value": 0.3})
    assert "nnw-error" not in status.value and ex.state.error == ""
    ex.close()


def test_close_releases_the_state():
    ex = Explorer("iris")
    state = ex.state
    ex.close()
    ex.close()  # idempotent (ipywidgets calls close again from __del__)
    assert n_observers(state) == n_observers(build_state("iris"))  # only the state's own


def n_observers(state):
    return sum(len(h) for by_type in state._trait_notifiers.values() for h in by_type.values())


def test_user_function_model_in_explorer():
    def fn(w, x):
        return x @ w

    w = np.array([[1.0, -1.0], [0.5, 2.0]], np.float32)
    X = np.random.default_rng(0).normal(size=(20, 2))
    ex = Explorer(fn, w, data=(X, (X[:, 0] > 0).astype(int)))
    ex.views[2].sliders[0].set_state({"value": 0.5})
    np.testing.assert_allclose(ex.state.attribution, w[:, ex.state.explained], rtol=1e-6)
    ex.close()


def test_text_fallback_names_what_to_install():
    ex = Explorer("iris")
    assert "JupyterLab" in repr(ex) and "pip install nnwidgets" in repr(ex)
    ex.close()


def test_constructor_errors_name_the_argument():
    with pytest.raises(ValueError, match="model: expected one of"):
        Explorer("cifar")
    with pytest.raises(ValueError, match="data: expected"):
        Explorer(lambda p, x: x, None)


def test_sliders_open_on_their_grid_so_the_page_sends_no_burst_on_load():
    """The browser snaps slider values to the 0.01 grid: the Explorer starts on it already."""
    ex = Explorer("breast_cancer")
    sliders = ex.views[2].sliders
    raw = ex.state.dataset.X_test[0]
    assert not np.array_equal(ex.state.x, raw)  # the data set is not on the grid: snapped
    for s, v, r in zip(sliders, ex.state.x, raw):
        assert s.value == round(s.value, 2)  # already what noUiSlider would send back
        assert np.float32(s.value) == v
        assert abs(s.value - r) <= 0.005 + 1e-7
    ex.close()


def test_status_line_shows_the_notice_of_an_all_zero_map():
    X = np.array([[1.0, 2.0], [2.0, 1.0]], np.float32)
    fn = lambda p, x: jax.numpy.stack([jax.numpy.round(x[0]), x[1]])  # noqa: E731
    ex = Explorer(fn, None, data=(X, np.array([0, 1])), target=0)
    line = next(v for v in ex.views if isinstance(v, StatusLine))
    assert 'class="nnw-notice"' in line.value and "attribution is all zero" in line.value
    ex.state.target = 1  # d x1 / dx = (0, 1): the notice goes
    assert "nnw-notice" not in line.value and "ready" in line.value
    ex.close()


def test_rapid_slider_moves_one_kernel_call_and_at_most_one_message_per_widget_each():
    """100 set_state calls as fast as the browser can send them: no backlog, no extra work."""
    from ipywidgets.widgets.widget import _instances

    ex = Explorer("breast_cancer")
    slider = ex.views[2].sliders[3]
    counts = {k: len(updates(w)) for k, w in _instances.items() if hasattr(w.comm, "messages")}
    v0 = ex.state.version
    values = np.linspace(slider.min, slider.max, 100)
    for v in values:
        slider.set_state({"value": float(v)})
    assert ex.state.version == v0 + 100  # one kernel call and one publish per value
    sent = {
        k: len(updates(w)) - counts.get(k, 0)
        for k, w in _instances.items()
        if hasattr(w.comm, "messages")
    }
    changed = {k: n for k, n in sent.items() if n}
    assert max(changed.values()) <= 100, changed  # at most one message per widget per step
    probs_view = next(v for v in ex.views if isinstance(v, ProbabilityView))
    attr_view = next(v for v in ex.views if isinstance(v, AttributionView))
    assert sent[probs_view.canvas.model_id] == 100 and sent[attr_view.canvas.model_id] == 100
    assert sent[slider.model_id] == 0  # the dragged slider is never echoed back
    per_step = sum(changed.values()) / 100
    # one message per changed widget, and four in all: the probability, attribution and
    # activation canvases and the network tab's, each with its exact-values table
    assert per_step == 4, changed
    x = ex.state.dataset.X_test[0].copy()
    x = np.array([round(float(v), 2) for v in x], np.float32)
    x[3] = np.float32(values[-1])
    np.testing.assert_array_equal(ex.state.x, x)
    e = expected(ex.state, x)
    np.testing.assert_allclose(drawn(probs_view), e.probs, rtol=1e-6)
    np.testing.assert_allclose(drawn(attr_view), e.attribution, rtol=1e-5, atol=1e-7)
    ex.close()


def test_a_slider_step_is_not_echoed_and_moves_no_axis_domain():
    """The page gets no echo of the value it sent, and every mark a step redraws has scales
    whose domain stays put: fixed, or bqplot's stabilized mode (a domain that followed each
    value would redraw the axis and every mark on the scale in the browser)."""
    import bqplot as bq

    from nnwidgets.views._base import widget_tree

    ex = Explorer("breast_cancer")
    # the lab and the matrix tabs draw on canvases (no bqplot mark); these tabs' marks redraw
    assert not [w for w in widget_tree(ex) if isinstance(w, bq.Mark)]
    slider = ex.views[2].sliders[3]
    checked = 0
    for tab in ("activation functions", "embedding"):
        ex.tabs.selected_index = [t for t, _ in TABS].index(tab)
        marks = [w for w in widget_tree(ex.tab_view(tab)) if isinstance(w, bq.Mark)]
        before = {m.model_id: len(updates(m)) for m in marks}
        sent, echoed = len(updates(slider)), len(slider.comm.messages)
        slider.set_state({"value": slider.value + 0.05})
        # stock ipywidgets 8 sends an echo_update
        assert slider.comm.messages[echoed:] == [] and updates(slider)[sent:] == []
        for mark in marks:
            for message in updates(mark)[before[mark.model_id] :]:
                for key in set(message.get("state", {})) & set(mark.scales):
                    scale, checked = mark.scales[key], checked + 1
                    fixed = scale.min is not None and scale.max is not None
                    if isinstance(scale, bq.LinearScale):
                        assert fixed or scale.stabilized, (tab, type(mark).__name__, key)
                    elif isinstance(scale, bq.ColorScale):
                        assert fixed, (tab, type(mark).__name__, key)
    assert checked >= 4  # the neurons' points on f and f', the input's point in the embedding
    # the probability, attribution and activation canvases keep a fixed or steady domain of
    # their own (the same rule, in their script)
    x = ex.state.x.copy()  # the kernel changing the value itself still updates the slider
    x[3] = np.float32(1.25)
    sent = len(updates(slider))
    ex.state.x = x
    assert [m["state"] for m in updates(slider)[sent:]] == [{"value": 1.25}]
    ex.close()


def test_clicking_a_neuron_explains_it_with_one_recompute():
    ex = Explorer("iris")
    view = next(v for v in ex.views if isinstance(v, ActivationView))
    v0 = ex.state.version
    view.canvas._handle_custom_msg({"event": "element_click", "group": "dense_1", "index": 3}, [])
    s = ex.state
    assert (s.method, s.layer, s.neuron, s.version) == ("neuron_gradient", "dense_1", 3, v0 + 1)
    np.testing.assert_allclose(s.attribution, expected(s, s.x).attribution, rtol=1e-5, atol=1e-7)
    ex.close()


def test_sanity_check_button_plots_the_randomisation_curve_with_progress():
    ex = Explorer("digits")
    titles = [t for t, _ in TABS]
    ex.tabs.selected_index = titles.index("sanity check")  # the user opens the tab
    view = ex.tab_view("sanity check")
    assert isinstance(view, SanityCheckView) and view in ex.views
    steps = []
    view.progress.observe(lambda c: steps.append(c.new), names="value")
    view.button.click()
    assert steps[-3:] == [1, 2, 3] and view.progress.max == 3
    assert list(view.line.x) == ["dense_3", "dense_2", "dense_1"]
    rho = np.asarray(view.line.y)
    assert rho.shape == (3,) and rho[-1] < 0.5
    assert [r for _, r in ex.state.sanity] == pytest.approx(rho.tolist(), abs=1e-6)
    table = view.readout  # the page builds the table of ρ per layer from this buffer
    assert table.table_class == "nnw-sanity-values" and table.names == list(view.line.x)
    np.testing.assert_array_equal(np.frombuffer(table.values, "<f4"), rho)
    assert not view.button.disabled
    ex.close()


def test_cnn_explorer_offers_grad_cam_and_an_mlp_refuses_it():
    ex = Explorer("digits_cnn")
    controls = ex.views[1]
    ex.state.method = "grad_cam"
    assert ex.state.error == "" and ex.state.attribution.shape == (8, 8)
    shown = {n for n, c in controls.settings.items() if c.layout.display != "none"}
    assert shown == {"layer", "cam_relu"}
    np.testing.assert_allclose(
        ex.state.attribution, expected(ex.state, ex.state.x).attribution, rtol=1e-4, atol=1e-6
    )
    controls.settings["cam_relu"].set_state({"value": False})  # the "ReLU" checkbox
    assert ex.state.cam_relu is False and ex.state.error == ""
    np.testing.assert_allclose(
        ex.state.attribution, expected(ex.state, ex.state.x).attribution, rtol=1e-4, atol=1e-6
    )
    assert ex.state.activations["conv_1"].shape == (8, 8, 8)
    ex.close()
    mlp = Explorer("digits")
    mlp.state.method = "grad_cam"
    assert mlp.state.method == "saliency" and "grad_cam needs a model with a Conv2D" in (
        mlp.state.error
    )
    mlp.close()


def test_superpixels_and_occlusion_bounds_on_an_image():
    ex = Explorer("digits_cnn")
    controls, state = ex.views[1], ex.state

    def shown():
        return {n for n, c in controls.settings.items() if c.layout.display != "none"}

    cells = controls.settings["superpixel"]
    assert [v for _, v in cells.options] == [0, 2, 4, 7]
    assert cells.options[2][0] == "4×4"
    state.method = "occlusion"
    assert shown() == {"window", "stride", "superpixel", "baseline_kind"}
    controls.settings["window"].set_state({"value": 3})
    assert state.window == 3 and controls.settings["stride"].max == 3  # stride <= window
    controls.settings["stride"].set_state({"value": 3})
    assert state.stride == 3 and controls.settings["window"].min == 3
    cells.set_state({"index": 2})  # 4x4: one window per superpixel
    assert state.superpixel == 4 and state.error == ""
    assert shown() == {"superpixel", "baseline_kind"}  # window and stride do not apply
    a = state.attribution
    np.testing.assert_allclose(a, expected(state, state.x).attribution, rtol=1e-5, atol=1e-6)
    assert all(np.ptp(a[r : r + 4, c : c + 4]) == 0 for r in (0, 4) for c in (0, 4))
    state.method = "grad_cam"
    assert "superpixel" not in shown()
    ex.close()


def test_hidden_tabs_do_not_redraw_until_shown_then_catch_up():
    from ipywidgets.widgets.widget import _instances

    from nnwidgets.views import EmbeddingView, StructureView

    ex = Explorer("breast_cancer")
    structure = next(v for v in ex.views if isinstance(v, StructureView))
    assert not any(isinstance(v, EmbeddingView) for v in ex.views)  # built when first shown
    embedding = ex.tab_view("embedding")  # built now, hidden: it waits
    assert ex.tabs.selected_index == 0 and ex.tabs.children[0].children == (structure,)
    ours = {k: w for k, w in _instances.items() if hasattr(w.comm, "messages")}
    before = {k: len(updates(w)) for k, w in ours.items()}
    ex.views[2].sliders[0].set_state({"value": 0.5})
    sent = {k: len(updates(w)) - before[k] for k, w in ours.items()}
    assert sent[structure.canvas.model_id] == 1  # the visible tab follows the input
    assert sent[embedding.current.model_id] == 0  # a hidden one waits
    ex.tabs.selected_index = [t for t, _ in TABS].index("embedding")  # shown: one catch-up
    np.testing.assert_allclose(
        [embedding.current.x[0], embedding.current.y[0]], ex.state.embedding, rtol=1e-6
    )
    ex.close()


def test_unbuilt_tabs_say_they_are_being_built_and_closing_leaves_no_widget():
    from ipywidgets.widgets.widget import _instances

    before = set(_instances)
    ex = Explorer("iris")
    holders = ex.tabs.children
    placeholder = holders[1].children[0]  # the weights tab, not built yet
    assert "building this view" in placeholder.value
    assert all(h.children == (placeholder,) for h in holders[1:])
    for title, _ in TABS:  # the user opens every tab: each view replaces the placeholder
        ex.tabs.selected_index = [t for t, _ in TABS].index(title)
    assert not any(placeholder in h.children for h in holders)
    ex.close()
    left = [_instances[k] for k in set(_instances) - before]
    assert not left, [(type(w).__name__, getattr(w, "description", "")) for w in left]


def test_apps_carry_a_app_guard_for_their_own_root():
    """The notebook's shortcuts are kept out of each app (the browser tests check the page)."""
    from nnwidgets import Playground
    from nnwidgets.views import AppGuard

    ex, pg = Explorer("iris"), Playground()
    for app, css in ((ex, "nnw-explorer"), (pg, "nnw-playground")):
        guards = [w for w in app.children if isinstance(w, AppGuard)]
        assert [g.selector for g in guards] == [f".{css}"] and css in app._dom_classes
        assert guards[0].layout.display == "none"
    ex.close()
    pg.close()


def test_what_a_new_user_saw_names_methods_outputs_and_neurons():
    """Menu names in titles, feature names on the bars, every output in the network, Grad-CAM
    offered only where it works, and neuron gradient on a neuron that is active."""
    from nnwidgets.views import AttributionView, MethodControls, StructureView

    tabular = build_state("breast_cancer", method="feature_ablation")
    bars = AttributionView(tabular)
    assert bars.canvas.groups == [
        "feature ablation · class " + tabular.class_names[tabular.explained]
    ]
    assert bars.canvas.labels == list(tabular.dataset.feature_names)
    assert "grad_cam" not in [v for _, v in MethodControls(tabular).method.options]
    digits = build_state("digits")
    net = StructureView(digits)
    assert net.canvas.columns[-1] == 10  # every class, whatever its value
    assert "grad_cam" in [v for _, v in MethodControls(build_state("digits_cnn")).method.options]
    layer = digits.model.layer_names[0]
    acts = np.ravel(digits.activations[layer])
    dead = int(np.flatnonzero(acts == 0)[0])
    with digits.batch():
        digits.layer, digits.neuron = layer, dead
    digits.method = "neuron_gradient"
    assert digits.neuron != dead and acts[digits.neuron] != 0
    assert np.abs(digits.attribution).max() > 0 and "all zero" not in digits.notice
    heat = AttributionView(digits)
    assert heat.canvas.title == f"neuron gradient · {layer}[{digits.neuron}]"


def test_a_values_table_refuses_names_that_do_not_match_and_sends_new_names_only():
    from nnwidgets.views._values_table import ValuesTable

    table = ValuesTable(table_class="nnw-test")
    table.show([1.0, 2.0], ["a", "b"])
    assert table.names == ["a", "b"] and np.frombuffer(table.values, "<f4").tolist() == [1, 2]
    sent = len(updates(table))
    table.show([3.0, 4.0], ["a", "b"])  # the same names: only the values travel
    news = updates(table)[sent:]
    assert [m["buffer_paths"] for m in news] == [[["values"]]]
    assert "names" not in news[0]["state"]
    with pytest.raises(ValueError, match="names: expected 2 names"):
        table.show([1.0, 2.0], ["a"])
    table.close()
