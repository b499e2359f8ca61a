"""ExplorerState.set_params: the same model with new weights (training, checkpoints), live.

Everything that depends on the weights follows (the step, the embedding, the weight
statistics; the sanity check is cleared); other weights are refused and nothing changes.
"""

import jax
import numpy as np
import pytest
from kernel_reference import direct

from nnwidgets import Explorer
from nnwidgets.models import pretrained
from nnwidgets.state import build_state


@pytest.fixture()
def iris():
    m = pretrained("iris")
    state = build_state(m.model, m.params, data=(m.dataset.X_test, m.dataset.y_test))
    return state, m


def scaled(params, factor):
    return jax.tree_util.tree_map(lambda a: np.asarray(a) * np.float32(factor), params)


def test_new_weights_change_every_output(iris):
    state, m = iris
    state.prepare("embedding", "weights")
    before = (state.probs.copy(), state.embedding_points.copy(), state.version)
    stats = {k: float(v.mean) for k, v in state.weight_summary.items()}
    state.set_trait("sanity", [("dense_1", 0.5)])
    new = scaled(m.params, 0.5)
    state.set_params(new)
    assert state.params is new and state.version > before[2]
    np.testing.assert_allclose(state.probs, direct(state).probs, rtol=1e-6)
    assert not np.allclose(state.probs, before[0])
    fresh = build_state(m.model, new, data=(m.dataset.X_test, m.dataset.y_test))
    fresh.prepare("embedding")
    assert not np.allclose(state.embedding_points, before[1])
    np.testing.assert_allclose(state.embedding_points, fresh.embedding_points, rtol=1e-5)
    assert {k: float(v.mean) for k, v in state.weight_summary.items()} == pytest.approx(
        {k: v * 0.5 for k, v in stats.items()}
    )
    assert state.sanity == [] and state.error == ""


def test_an_explorer_follows_its_state(iris):
    _, m = iris
    app = Explorer(m.model, m.params, data=(m.dataset.X_test, m.dataset.y_test))
    try:
        canvas = app.views[3].canvas  # the probabilities
        shown = bytes(canvas.values)
        app.state.set_params(scaled(m.params, -1.0))
        assert bytes(canvas.values) != shown
        np.testing.assert_allclose(
            np.frombuffer(canvas.values, "<f4"), app.state.probs, rtol=1e-6
        )
    finally:
        app.close()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p[:-1], r"params: expected the structure of the model's parameters"),
        (lambda p: jax.tree_util.tree_map(lambda a: np.asarray(a)[:1], p),
         r"params: expected \[0\]\['b'\] of shape \(8,\) and dtype float32, got shape \(1,\) "),
        (lambda p: jax.tree_util.tree_map(lambda a: np.asarray(a, np.float64), p),
         r"params: expected \[0\]\['b'\] of shape \(8,\) and dtype float32, got shape \(8,\) "
         r"and dtype float64"),
        (lambda p: jax.tree_util.tree_map(lambda a: np.full_like(a, np.nan), p),
         r"params: expected finite values, got NaN or inf in \[0\]\['b'\]"),
    ],
)
def test_other_weights_are_refused_and_nothing_changes(iris, change, message):
    state, m = iris
    probs, version, params = state.probs.copy(), state.version, state.params
    with pytest.raises(ValueError, match=message):
        state.set_params(change(m.params))
    assert state.params is params and state.version == version
    np.testing.assert_array_equal(state.probs, probs)


def test_the_first_tab_shown_can_be_chosen():
    app = Explorer("iris", tab="activation functions")
    try:
        titles = [title for title, _ in app.tab_list]
        assert titles[app.tabs.selected_index] == "activation functions"
        assert app.tab_view("activation functions").layer.value  # built, as it is shown
    finally:
        app.close()
    shown = r"tab: expected one of \['network', .*\] \(the course tabs shown\), got 'wieghts'"
    with pytest.raises(ValueError, match=shown):
        Explorer("iris", tab="wieghts")
    with pytest.raises(ValueError, match=r"got 'weights'"):
        Explorer("iris", tab="weights", hide=["weights"])
