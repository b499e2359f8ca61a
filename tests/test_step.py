"""The slider step as the apps call it: packed arguments, one compile per configuration."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from nnwidgets.kernels import (
    Extras,
    Settings,
    _step,
    default_inputs,
    explain_flat,
    pack,
    pack_input,
    static_settings,
    step_kernel,
    step_traces,
    unpack,
    unpack_tree,
)
from nnwidgets.models import pretrained
from nnwidgets.state import build_state


def test_pack_round_trip_keeps_every_leaf_dtype_and_key():
    tree = (
        [None, {"w": np.arange(6.0, dtype=np.float32).reshape(2, 3), "b": jnp.ones(3)}],
        default_inputs(jnp.zeros((2, 2)), key=jax.random.key(7), neuron=5, sigma=0.25),
        None,
    )
    slow, layout = pack(tree)
    assert layout is not None and len(slow) == len(layout.dtypes) == 3  # float32, int32, uint32
    back = jax.jit(unpack_tree, static_argnums=1)(slow, layout)
    assert jax.tree_util.tree_structure(back) == jax.tree_util.tree_structure(tree)
    for got, want in zip(jax.tree_util.tree_leaves(back), jax.tree_util.tree_leaves(tree)):
        if jax.dtypes.issubdtype(want.dtype, jax.dtypes.prng_key):
            np.testing.assert_array_equal(jax.random.key_data(got), jax.random.key_data(want))
            assert got.dtype == want.dtype
        else:
            assert got.dtype == jnp.asarray(want).dtype and got.shape == want.shape
            np.testing.assert_array_equal(got, want)


def test_a_tree_above_the_limit_is_passed_as_it_is(monkeypatch):
    monkeypatch.setattr(_step, "PACK_LIMIT", 10)
    tree = {"w": np.zeros(11, np.float32)}
    slow, layout = pack(tree)
    assert layout is None and slow is tree and unpack_tree(slow, layout) is tree


def test_pack_input_holds_x_then_target():
    fast = pack_input(np.array([[1.0, 2.0], [3.0, 4.0]]), -1)
    assert fast.dtype == np.float32
    np.testing.assert_array_equal(fast, [1, 2, 3, 4, -1])


@pytest.mark.parametrize("name", ["digits", "digits_cnn"])
@pytest.mark.parametrize("method", ["saliency", "integrated_gradients", "smoothgrad"])
def test_step_equals_explain_flat(name, method):
    m = pretrained(name)
    X = np.asarray(m.dataset.X, np.float32)
    inputs = default_inputs(jnp.zeros(m.model.input_shape), key=jax.random.key(3), sigma=0.2)
    settings = static_settings(method, Settings(steps=8, samples=4))
    slow, layout = pack((m.params, inputs, None))
    step = step_kernel(m.model, layout, method=method, settings=settings)
    for i, target in ((0, -1), (5, 3)):
        want = explain_flat(
            m.model, m.params, X[i], jnp.int32(target), inputs, method=method, settings=settings
        )
        np.testing.assert_allclose(step(slow, pack_input(X[i], target)), want, rtol=1e-5, atol=1e-5)


def test_one_trace_per_configuration_while_inputs_and_slow_values_move():
    m = pretrained("breast_cancer")
    rng = np.random.default_rng(0)
    settings = static_settings("integrated_gradients", Settings(steps=8))
    extras = Extras(np.int32(0), np.zeros(2), np.zeros((2, 2)), np.zeros((1, 1)), np.zeros((1, 2)))
    inputs = default_inputs(jnp.zeros(30))
    slow, layout = pack((m.params, inputs, extras))
    step = step_kernel(m.model, layout, method="integrated_gradients", settings=settings)
    step(slow, pack_input(np.zeros(30), -1))
    n = step_traces()
    for i in range(50):
        x = rng.normal(size=30).astype(np.float32)
        moved = inputs._replace(baseline=x * 0.1, sigma=jnp.float32(i / 50), key=jax.random.key(i))
        slow2, layout2 = pack((m.params, moved, extras._replace(label=np.int32(i % 2))))
        assert layout2 == layout
        again = step_kernel(m.model, layout2, method="integrated_gradients", settings=settings)
        assert again is step
        want = explain_flat(
            m.model,
            m.params,
            x,
            jnp.int32(i % 3 - 1),
            moved,
            method="integrated_gradients",
            settings=settings,
        )
        np.testing.assert_allclose(step(slow2, pack_input(x, i % 3 - 1)), want, rtol=1e-5)
    assert step_traces() == n


def test_the_state_repacks_when_a_slow_value_changes_and_not_when_the_input_moves():
    state = build_state("digits", method="neuron_gradient")
    first = state._slow()
    state.x = state.dataset.X_test[3]
    assert state._slow()[0] is first[0]  # the input moved: nothing packed again
    before = state.attribution.copy()
    state.neuron = 9  # an Inputs field: packed again, and the map follows it
    assert state._slow()[0] is not first[0]
    assert not np.allclose(state.attribution, before)
    flat = explain_flat(
        state.model,
        state.params,
        state.x,
        jnp.int32(-1),
        state.inputs(),
        Extras(np.int32(state.label), *state._pca, *state._ref),
        method="neuron_gradient",
        settings=state.settings(),
    )
    np.testing.assert_allclose(
        state.attribution, unpack(state.model, np.asarray(flat)).attribution, rtol=1e-6
    )


def test_a_replaced_parameter_leaf_is_packed_again():
    state = build_state("iris")
    before = state.logits.copy()
    layer = next(i for i, p in enumerate(state.params) if p)
    state.params[layer]["b"] = state.params[layer]["b"] + 1.0  # same dict, new leaf
    state.recompute()
    want = state.model.apply(state.params, jnp.asarray(state.x))[0]
    np.testing.assert_allclose(state.logits, want, rtol=1e-5)
    assert not np.allclose(state.logits, before)
