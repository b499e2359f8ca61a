"""Weights, gradients, feature maps and outputs views: headless, checked against jax directly."""

import re

import jax
import numpy as np
import optax
import pytest
from widget_comm import dummy_comm, message_counts, updates  # noqa: F401  (fixture)

from nnwidgets.state import build_state
from nnwidgets.views._convert import number
from nnwidgets.views._feature_maps import FeatureMapView, grid_shape, tile_channels
from nnwidgets.views._gradients_view import GradientsView
from nnwidgets.views._outputs import OutputsView
from nnwidgets.views._weights_view import CONV_AXES, WeightsView


def with_params(state):
    """(layer name, params dict) of the layers with parameters, in order."""
    return list(zip(state.model.layer_names, [p for p in state.params if p]))


def reference(state, x, label):
    """Loss, d loss / d params and probabilities for (x, label): the loss in float64 numpy
    from the model's logits, its gradient from jax and optax's cross-entropy."""

    def loss(params):
        logits = state.model.logits(params, x)
        return optax.softmax_cross_entropy_with_integer_labels(logits, np.int32(label))

    grads = jax.grad(loss)(state.params)
    logits = np.asarray(state.model.logits(state.params, x), np.float64)
    top = logits.max()
    value = top + np.log(np.exp(logits - top).sum()) - logits[label]
    probs = jax.nn.softmax(state.model.logits(state.params, x))
    return float(value), grads, np.asarray(probs)


def blocks(matrix, h, w):
    """Block (r, c) of a tiled matrix, for checking tiles against the arrays they came from."""
    return lambda r, c: np.asarray(matrix)[r * h : (r + 1) * h, c * w : (c + 1) * w]


@pytest.mark.parametrize("name", ["digits", "breast_cancer"])
def test_weights_view_draws_the_params_and_their_summary(name):
    state = build_state(name)
    view = WeightsView(state)
    assert "nnw-weights" in view._dom_classes
    # every parameter array by module path: each layer's weights, then its bias
    arrays = [f"{n}.{k}" for n, _ in with_params(state) for k in ("w", "b")]
    assert list(view.layer.options) == arrays == list(state.weight_summary)
    for layer, p in reversed(with_params(state)):
        view.layer.set_state({"index": arrays.index(f"{layer}.w")})  # what the browser sends
        assert view.layer.value == f"{layer}.w"
        s = state.weight_summary[f"{layer}.w"]
        w = np.asarray(p["w"], np.float32)
        np.testing.assert_array_equal(view.matrix.array(), w)  # the cells the page draws
        assert (view.matrix.rows, view.matrix.cols, view.matrix.block) == (*w.shape, [1, 1])
        assert view.matrix.tiles == [] and view.matrix.table_class == "nnw-weight-values"
        limit = max(abs(float(s.min)), abs(float(s.max)))
        assert (view.matrix.lo, view.matrix.hi) == pytest.approx((-limit, limit))
        np.testing.assert_array_equal(view.hist.y, s.counts)
        np.testing.assert_array_equal(view.hist.x, np.asarray(s.edges, np.float32)[:-1])
        assert view.hist.y.sum() == w.size
        text = view.stats.value
        assert f'data-layer="{layer}.w"' in text and "nnw-weight-stats" in text
        for stat, v in zip(["mean", "variance", "min", "max"], [s.mean, s.var, s.min, s.max]):
            assert f'data-stat="{stat}">{stat} <b class="nnw-v">{number(v)}</b>' in text
        assert number(w.min()) in text and number(w.max()) in text
    view.close()
    view.close()  # idempotent


def test_weights_view_tiles_conv_kernels_and_ignores_the_input():
    state = build_state("digits_cnn")
    view = WeightsView(state, layer="conv_2")  # a layer's name picks its weights
    assert view.layer.value == "conv_2.w"
    w = np.asarray(state.params[2]["w"])  # (kh, kw, c_in, c_out) = (3, 3, 8, 16)
    kh, kw, cin, cout = w.shape
    tiled = view.matrix.array()
    assert tiled.shape == (cin * kh, cout * kw)
    block = blocks(tiled, kh, kw)
    for i in range(cin):
        for o in range(cout):
            np.testing.assert_array_equal(block(i, o), w[:, :, i, o])
    assert view.matrix.tiles == [kh, kw]  # the page draws a line between kernels
    assert (view.matrix.x_label, view.matrix.y_label) == CONV_AXES
    s = state.weight_summary["conv_2.w"]
    np.testing.assert_array_equal(view.hist.y, s.counts)
    before = message_counts()
    state.x = state.dataset.X_test[5]  # weights do not depend on the input: nothing is sent
    after = message_counts()
    for widget in [view.matrix, view.hist, view.stats]:
        assert after[widget.model_id] == before[widget.model_id]
    view.layer.value = "dense_1.w"
    np.testing.assert_array_equal(view.matrix.array(), np.asarray(state.params[4]["w"]))
    assert view.matrix.tiles == []
    view.layer.value = "dense_1.b"  # a bias: its histogram and statistics, no heat map
    assert view.matrix.layout.display == "none"
    assert view.hist.y.sum() == state.params[4]["b"].size
    assert 'data-layer="dense_1.b"' in view.stats.value
    with pytest.raises(ValueError, match="layer: expected one of"):
        WeightsView(state, layer="pool")
    view.close()


@pytest.mark.parametrize(
    ("name", "layers"), [("digits_cnn", ["conv_1", "dense_1"]), ("digits", ["dense_2"])]
)
def test_gradients_view_matches_jax_grad(name, layers):
    state = build_state(name)
    view = GradientsView(state)
    assert "nnw-gradients" in view._dom_classes
    names = [n for n, _ in with_params(state)]
    assert view.norms.labels == names and view.norms.table_class == "nnw-grad-norms"
    x = state.dataset.X_test[5]
    state.x = x
    state.label = 3
    loss, grads, _ = reference(state, x, 3)
    assert state.loss == pytest.approx(loss, rel=1e-5, abs=1e-7)
    graded = [g for g in grads if g]
    norms = [np.sqrt(sum(float(np.sum(np.square(v))) for v in g.values())) for g in graded]
    np.testing.assert_allclose(np.frombuffer(view.norms.values, "<f4"), norms, rtol=1e-5)
    assert view.norms.table_version == view.matrix.table_version == state.version
    assert 'data-label="3"' in view.readout.value and number(state.loss) in view.readout.value
    arrays = list(view.layer.options)
    assert arrays == [f"{n}.{k}" for n in names for k in ("w", "b")]
    for layer in layers:
        view.layer.set_state({"index": arrays.index(f"{layer}.w")})
        g = np.asarray(graded[names.index(layer)]["w"])
        color = view.matrix.array()  # in dL/dθ's own units, the bar ±max |dL/dθ|
        assert view.limit == pytest.approx(float(np.abs(g).max()), rel=1e-6)
        assert (view.matrix.lo, view.matrix.hi) == pytest.approx((-view.limit, view.limit))
        assert view.matrix.title == f"dL/dθ · {layer}.w" and view.matrix.color_label == "dL/dθ"
        if g.ndim == 4:
            kh, kw, cin, cout = g.shape
            block = blocks(color, kh, kw)
            for i in range(cin):
                for o in range(cout):
                    np.testing.assert_allclose(block(i, o), g[:, :, i, o], rtol=1e-4, atol=1e-9)
        else:
            np.testing.assert_allclose(color, g, rtol=1e-4, atol=1e-9)
    # the label picker drives state.label: one recompute, new loss and gradients
    v0 = state.version
    view.label.set_state({"index": 7})  # options are the classes in order
    assert state.label == 7 and state.version == v0 + 1
    loss, grads, _ = reference(state, x, 7)
    assert state.loss == pytest.approx(loss, rel=1e-5, abs=1e-7)
    g = np.asarray([g for g in grads if g][names.index(layers[-1])]["w"])
    np.testing.assert_allclose(view.matrix.array(), g, rtol=1e-4, atol=1e-9)
    state.label = 2  # and follows it when it changes elsewhere
    assert view.label.value == 2
    view.close()


def test_feature_maps_are_the_conv_activations():
    state = build_state("digits_cnn")
    view = FeatureMapView(state)
    assert "nnw-feature-maps" in view._dom_classes
    assert list(view.plots) == ["conv_1", "conv_2"]
    x = state.dataset.X_test[5]
    state.x = x
    _, trace = state.model.apply(state.params, x)
    for layer, plot in view.plots.items():
        act = state.activations[layer]
        h, w, c = act.shape
        rows, cols = grid_shape(c)
        assert view.tiles[layer] == (h, w, rows, cols)
        np.testing.assert_array_equal(plot.array(), tile_channels(act))
        assert plot.tiles == [h, w] and plot.scheme == "viridis"
        assert (plot.lo, plot.hi) == (float(act.min()), float(act.max()))  # the layer's range
        block = blocks(plot.array(), h, w)
        for k in range(c):
            np.testing.assert_array_equal(block(k // cols, k % cols), act[:, :, k])
            np.testing.assert_allclose(
                block(k // cols, k % cols), trace[layer].post[:, :, k], rtol=1e-5, atol=1e-6
            )
    view.close()
    dense = FeatureMapView(build_state("digits"))
    assert "this model has no convolutional layer" in dense.children[0].value
    dense.close()


@pytest.mark.parametrize(("name", "k"), [("digits", 3), ("breast_cancer", 3), ("digits", 5)])
def test_outputs_view_top_k_and_loss(name, k):
    state = build_state(name)
    view = OutputsView(state, k=k)
    assert "nnw-outputs" in view._dom_classes
    x = state.dataset.X_test[5]
    state.x = x
    for label in [state.label, (state.label + 1) % len(state.class_names)]:
        view.label.set_state({"index": label})
        loss, _, probs = reference(state, x, label)
        order = np.argsort(-probs, kind="stable")[: min(k, len(probs))]
        text = view.readout.value
        assert [int(i) for i in re.findall(r'data-class="(\d+)"', text)] == list(order)
        shown = [float(v) for v in re.findall(r'nnw-rank.*?class="nnw-v">([^<]+)<', text)]
        np.testing.assert_allclose(shown, probs[order], rtol=1e-5)
        names = re.findall(r'nnw-rank" data-class="\d+"><b>([^<]+)<', text)
        assert names == [state.class_names[i] for i in order]
        assert state.loss == pytest.approx(loss, rel=1e-5, abs=1e-7)
        assert f'nnw-loss" data-label="{label}"' in text and number(state.loss) in text
        assert f'data-version="{state.version}"' in text
        # the exact values, a table the page builds from the top k's float32 buffer
        table = view.table
        assert table.names == names and table.table_class == "nnw-topk-values"
        np.testing.assert_allclose(np.frombuffer(table.values, "<f4"), probs[order], rtol=1e-5)
        assert table.table_version == state.version
    with pytest.raises(ValueError, match="k: expected an int >= 1"):
        OutputsView(state, k=0)
    view.close()


def test_one_input_change_sends_at_most_one_message_per_widget():
    state = build_state("digits_cnn")
    views = [WeightsView(state), GradientsView(state), FeatureMapView(state), OutputsView(state)]
    weights, grads, maps, _ = views
    before = message_counts()
    v0 = state.version
    state.x = state.dataset.X_test[7]
    assert state.version == v0 + 1
    sent = {k: n - before.get(k, 0) for k, n in message_counts().items()}
    changed = {k: n for k, n in sent.items() if n}
    assert max(changed.values()) == 1, changed
    assert sent[grads.matrix.model_id] == sent[grads.norms.model_id] == 1
    assert all(sent[p.model_id] == 1 for p in maps.plots.values())
    assert sent[weights.matrix.model_id] == sent[weights.hist.model_id] == 0
    assert sent[grads.label.model_id] == sent[grads.layer.model_id] == 0
    for view in views:
        view.close()
    state.x = state.dataset.X_test[8]  # closed views no longer listen


def test_function_models_get_notes_and_odd_channel_counts_tile_exactly():
    def fn(p, x):  # no parameters at all: nothing to weigh or differentiate
        return jax.numpy.stack([x[0] * 2.0, x[1]])

    X = np.array([[1.0, 2.0], [2.0, 1.0]], np.float32)
    state = build_state(fn, None, data=(X, np.array([0, 1])))
    for cls, css in [(WeightsView, "nnw-weights"), (GradientsView, "nnw-gradients")]:
        view = cls(state)
        assert css in view._dom_classes and "no float parameters" in view.children[0].value
        view.close()
    outputs = OutputsView(state)
    assert state.loss is None and "—" in outputs.readout.value
    outputs.close()

    from nnwidgets.models import Conv2D, Dense, Flatten, Sequential

    net = Sequential((5, 4), (Conv2D(6, activation="tanh"), Flatten(), Dense(2)))
    X = np.random.default_rng(0).normal(size=(4, 5, 4)).astype(np.float32)
    state = build_state(net, net.init(jax.random.key(0)), data=(X, np.array([0, 1, 0, 1])))
    maps, weights = FeatureMapView(state), WeightsView(state)
    assert grid_shape(6) == (2, 3) and maps.tiles["conv_1"] == (5, 4, 2, 3)
    act, block = state.activations["conv_1"], blocks(maps.plots["conv_1"].array(), 5, 4)
    for k in range(6):
        np.testing.assert_array_equal(block(k // 3, k % 3), act[:, :, k])
    w = np.asarray(state.params[0]["w"])  # (3, 3, 1, 6): one row of six kernels
    assert weights.matrix.array().shape == (3, 18)
    for o in range(6):
        np.testing.assert_array_equal(blocks(weights.matrix.array(), 3, 3)(0, o), w[..., 0, o])
    maps.close()
    weights.close()


def test_count_axes_tick_whole_numbers():
    """Histograms tick whole counts (the heat maps' index ticks: js/test/matrix.test.mjs)."""
    state = build_state("digits")
    view = WeightsView(state, layer="dense_1")
    assert view.matrix.array().shape == (64, 64)  # dense_1.w: 64 inputs x 64 units
    counts = np.asarray(view.hist_figure.axes[1].tick_values)
    assert np.array_equal(counts, counts.astype(int)) and len(set(counts)) == len(counts)
    assert counts[-1] <= state.weight_summary["dense_1.w"].counts.max()
    view.close()
