"""Headless tests of the structure, activation-function and embedding views."""

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from widget_comm import dummy_comm, updates  # noqa: F401  (fixture)

from nnwidgets.kernels import pca
from nnwidgets.state import build_state
from nnwidgets.views import ActivationFunctionView, EmbeddingView, StructureView


def trace(state, x):
    return state.model.apply(state.params, jnp.asarray(x))[1]


def _links(canvas):
    """The canvas' link matrices, one per consecutive column pair (NaN: no link)."""
    flat, cols, out, o = np.frombuffer(canvas.links, "<f4"), canvas.columns, [], 0
    for a, b in itertools.pairwise(cols):
        out.append(flat[o : o + a * b].reshape(a, b))
        o += a * b
    assert o == flat.size
    return out


def test_structure_nodes_are_the_live_values_and_links_the_weights():
    s = build_state("breast_cancer")
    view = StructureView(s, k=8)
    canvas = view.canvas
    x = s.dataset.X_test[7]
    s.x = x
    t = trace(s, x)
    columns = [("input", x)] + [(n, np.asarray(t[n].post)) for n in s.model.layer_names]
    expect_values, labels, shown = [], [], []
    for name, values in columns:  # the test's own top-k: largest |value|, in index order
        idx = sorted(np.argsort(-np.abs(values))[:8])
        expect_values += [values[i] for i in idx]
        labels += [f"{name}[{i}]" for i in idx]
        shown.append(idx)
    np.testing.assert_allclose(
        np.frombuffer(canvas.node_values, "<f4"), expect_values, rtol=1e-5, atol=1e-6
    )
    # colours over the largest |value| (the limit is the canvas' full colour)
    assert canvas.node_limit == pytest.approx(float(np.abs(expect_values).max()), rel=1e-6)
    assert canvas.node_labels == labels and canvas.palette == "red_blue"
    assert canvas.columns == [8, 8, 8, 2]
    assert canvas.column_names == ["input", *s.model.layer_names]
    assert "input: 22 of 30" in canvas.caption
    assert not canvas.selectable

    # the link from the k-th shown input to the l-th shown dense_1 node carries w1[i, j]
    links = _links(canvas)
    w1 = np.asarray(s.params[0]["w"])
    np.testing.assert_allclose(links[0], w1[np.ix_(shown[0], shown[1])], rtol=1e-6)
    assert [m.shape for m in links] == [(8, 8), (8, 8), (8, 2)]
    biggest = max(float(np.abs(m).max()) for m in links)
    assert canvas.link_limit == pytest.approx(biggest)  # drawn at full width
    assert canvas.link_label == "weight" and "link = weight" in canvas.caption
    view.mode.value = "gradients"  # gradient flow: the same link carries dL/dw1[i, j]
    g = jax.grad(lambda p: -jax.nn.log_softmax(s.model.logits(p, jnp.asarray(x)))[s.label])(
        s.params
    )
    np.testing.assert_allclose(
        _links(canvas)[0], np.asarray(g[0]["w"])[np.ix_(shown[0], shown[1])], rtol=1e-4, atol=1e-7
    )
    assert canvas.link_label == "dL/dw" and "link = dL/dw" in canvas.caption
    assert "nnw-layer-summary" in view.summary.value and "total" in view.summary.value
    assert f"{sum(r['params'] for r in s.model.summary()):,}" in view.summary.value
    view.close()


def test_structure_step_is_one_canvas_message_with_buffers_only():
    """A slider step is one message: the node values as a binary buffer (the links too when
    the shown nodes change) and the colour limits; columns, names and palette stay."""
    s = build_state("breast_cancer")
    view = StructureView(s, k=8)
    x = np.array(s.x, np.float32)
    x[3] += 0.25
    before = len(updates(view.canvas))
    s.x = x
    sent = updates(view.canvas)[before:]
    assert len(sent) == 1
    buffers = {p[0] for p in sent[0]["buffer_paths"]}
    assert "node_values" in buffers and buffers <= {"node_values", "links"}  # links if changed
    # the table's version (the page builds the table of node values from the buffer); the
    # caption (limits, hidden-node note) when it changes
    assert sent[0]["state"]["table_version"] == s.version
    allowed = {"node_limit", "link_limit", "node_labels", "caption", "table_version"}
    assert set(sent[0]["state"]) <= allowed
    view.close()


def test_structure_of_a_cnn_draws_no_links_through_convolutions():
    s = build_state("digits_cnn")
    view = StructureView(s, k=8)
    links = _links(view.canvas)
    assert len(links) == len(s.model.layer_names)
    assert np.isnan(links[0]).all()  # input -> conv: no one-to-one weights
    assert np.isfinite(np.frombuffer(view.canvas.node_values, "<f4")).all()
    view.close()


def test_activation_function_points_sit_on_the_curves_and_move_with_the_input():
    s = build_state("breast_cancer")  # tanh layers
    view = ActivationFunctionView(s)
    s.x = s.dataset.X_test[2]
    pre = np.asarray(trace(s, s.x)["dense_1"].pre)
    f, df = view.points
    np.testing.assert_allclose(f.x, pre, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(f.y, np.tanh(pre), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(df.y, 1 - np.tanh(pre) ** 2, rtol=1e-4, atol=1e-6)
    # the page builds the slopes' table from this buffer (rows named by neuron index)
    table = view.readout
    assert table.table_class == "nnw-slopes" and table.names == []
    assert table.table_version == s.version
    np.testing.assert_array_equal(np.frombuffer(table.values, "<f4"), np.asarray(df.y))
    z = np.asarray(view.curves[1].x)
    np.testing.assert_allclose(view.curves[1].y, 1 - np.tanh(z) ** 2, rtol=1e-4, atol=1e-6)
    view.layer.value = "dense_2"
    np.testing.assert_allclose(f.x, np.asarray(trace(s, s.x)["dense_2"].pre), rtol=1e-5, atol=1e-6)
    view.close()


def test_dead_relus_show_slope_zero():
    s = build_state("digits")
    view = ActivationFunctionView(s)
    pre = np.asarray(trace(s, s.x)["dense_1"].pre)
    np.testing.assert_array_equal(np.asarray(view.points[1].y), (pre > 0).astype(np.float32))
    view.close()


def test_embedding_points_are_the_pca_of_the_layer_and_the_current_point_moves():
    s = build_state("digits")
    view = EmbeddingView(s)
    acts = jax.vmap(lambda x: s.model.apply(s.params, x)[1][s.embed_layer].post)(
        jnp.asarray(s.dataset.X)
    )
    fitted = pca(acts, k=2)
    np.testing.assert_allclose(
        np.c_[view.cloud.x, view.cloud.y], fitted.coords, rtol=1e-4, atol=1e-4
    )
    for i in (3, 9):
        x = s.dataset.X_test[i]
        s.x = x
        a = np.asarray(trace(s, x)[s.embed_layer].post)
        want = (a - np.asarray(fitted.mean)) @ np.asarray(fitted.components)
        np.testing.assert_allclose(
            [view.current.x[0], view.current.y[0]], want, rtol=1e-4, atol=1e-4
        )
    view.layer.value = "dense_1"  # another layer: refit
    assert s.embed_layer == "dense_1" and len(view.cloud.x) == len(s.dataset.X)
    view.close()


def test_tsne_is_computed_once_with_progress_and_places_the_current_input():
    from nnwidgets.kernels import knn_place, step_traces

    s = build_state("iris")
    view = EmbeddingView(s)
    progress = []
    view.progress.observe(lambda c: progress.append(c.new), names="value")
    view.method.value = "tsne"
    assert s.embed_method == "tsne" and progress[-1] == 1.0 and len(progress) >= 10
    points = np.c_[view.cloud.x, view.cloud.y]
    assert points.shape == (len(s.dataset.X), 2) and np.isfinite(points).all()
    # same-class points are neighbours in the map (what t-SNE is for)
    d = ((points[:, None] - points[None]) ** 2).sum(-1) + np.eye(len(points)) * 1e9
    assert (s.dataset.y[d.argmin(1)] == s.dataset.y).mean() > 0.9
    # a data point is placed exactly on itself
    i = 3
    s.x = s.dataset.X[i]
    np.testing.assert_allclose([view.current.x[0], view.current.y[0]], points[i], atol=1e-3)
    acts = jax.vmap(lambda x: s.model.apply(s.params, x)[1][s.embed_layer].post)(
        jnp.asarray(s.dataset.X)
    )
    x = s.dataset.X_test[0] + 0.1
    s.x = x
    want = knn_place(acts, jnp.asarray(points), trace(s, x)[s.embed_layer].post)
    np.testing.assert_allclose([view.current.x[0], view.current.y[0]], want, rtol=1e-4, atol=1e-4)
    n = step_traces()
    progress.clear()
    view.method.value = "pca"
    view.method.value = "tsne"  # cached: no second run
    assert progress == [] and step_traces() == n
    view.close()
