"""Your own sequence model, as it is: its hidden states and attention maps in the Explorer.

Flax Linen / NNX and Equinox recurrent and attention modules (and a plain function's taps)
are read through the same layer capture as any other layer: ``layer_kinds`` says which
entries are states over time and which are attention weights ``(T, T, heads)``. The values
are checked against the framework's own outputs and against weights computed by hand from
the modules' parameters.
"""

from __future__ import annotations

import equinox as eqx
import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx

from nnwidgets import Explorer
from nnwidgets.models import adapt, tap
from nnwidgets.views import AttentionView, HiddenStateView

T, F = 7, 3  # steps and features of one series
RNG = np.random.default_rng(0)
X = RNG.normal(size=(48, T, F)).astype(np.float32)
Y = (X[:, :, 0].mean(axis=1) > 0).astype(np.int32) + (X[:, -1, 1] > 0)  # 3 classes


def softmax_rows(logits):
    """Softmax over the keys of ``(T_query, T_key, heads)`` logits."""
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# --- the models -----------------------------------------------------------------------------
class LinenAttention(nn.Module):
    """Dense -> self-attention (2 heads) -> mean over time -> Dense."""

    @nn.compact
    def __call__(self, x):
        h = nn.Dense(8)(x)
        a = nn.MultiHeadDotProductAttention(num_heads=2)(h)  # self-attention: keys = queries
        return nn.Dense(3)(a.mean(axis=-2))


class LinenCausal(nn.Module):
    @nn.compact
    def __call__(self, x):
        mask = nn.make_causal_mask(jnp.ones(x.shape[:-1]))
        # SelfAttention calls its parent's __call__ (intercepted twice): recorded once
        a = nn.SelfAttention(num_heads=3, qkv_features=6)(x, mask=mask)
        return nn.Dense(3)(a[..., -1, :])


class LinenRNN(nn.Module):
    """A GRU over time, an LSTM returning its carry, the last state -> Dense."""

    @nn.compact
    def __call__(self, x):
        h = nn.RNN(nn.GRUCell(5))(x)
        carry, _ = nn.RNN(nn.LSTMCell(6), return_carry=True)(h)
        return nn.Dense(3)(carry[1])


class NnxSequence(nnx.Module):
    def __init__(self, rngs: nnx.Rngs) -> None:
        self.rnn = nnx.RNN(nnx.GRUCell(F, 8, rngs=rngs))
        self.att = nnx.MultiHeadAttention(num_heads=2, in_features=8, decode=False, rngs=rngs)
        self.head = nnx.Linear(8, 3, rngs=rngs)

    def __call__(self, x):
        return self.head(self.att(self.rnn(x)).mean(axis=-2))


class EqxEncoder(eqx.Module):
    """An LSTM over time: its cell scanned (the steps inside the scan are not recorded)."""

    cell: eqx.nn.LSTMCell

    def __call__(self, x):
        def step(carry, xt):
            carry = self.cell(xt, carry)
            return carry, carry[0]

        zeros = jnp.zeros(self.cell.hidden_size)
        return jax.lax.scan(step, (zeros, zeros), x)[1]


class EqxSequence(eqx.Module):
    encoder: EqxEncoder
    attention: eqx.nn.MultiheadAttention
    head: eqx.nn.Linear

    def __init__(self, key: jax.Array) -> None:
        k1, k2, k3 = jax.random.split(key, 3)
        self.encoder = EqxEncoder(eqx.nn.LSTMCell(F, 8, key=k1))
        self.attention = eqx.nn.MultiheadAttention(2, 8, key=k2)
        self.head = eqx.nn.Linear(8, 3, key=k3)

    def __call__(self, x):
        h = self.encoder(x)
        causal = jnp.tril(jnp.ones((len(x), len(x)), bool))
        a = self.attention(h, h, h, mask=causal)
        return self.head(a.mean(axis=0))


def transformer(p, x):
    """A hand-written one-block transformer (2 heads) and a scanned tanh RNN, with taps."""
    h = tap("embed", x @ p["embed"])
    q = (h @ p["wq"]).reshape(len(x), 2, -1)
    k = (h @ p["wk"]).reshape(len(x), 2, -1)
    v = (h @ p["wv"]).reshape(len(x), 2, -1)
    w = jax.nn.softmax(jnp.einsum("qhd,khd->qkh", q, k) / np.sqrt(q.shape[-1]), axis=1)
    w = tap("block.attention", w, kind="attention")
    a = tap("block", h + jnp.einsum("qkh,khd->qhd", w, v).reshape(len(x), -1), kind="state")

    def step(s, at):
        s = jnp.tanh(at @ p["wx"] + s @ p["wh"])
        return s, s

    _, states = jax.lax.scan(step, jnp.zeros(p["wh"].shape[0]), a)
    states = tap("rnn", states, kind="state")
    return states[-1] @ p["out"]


def transformer_params():
    keys = jax.random.split(jax.random.key(3), 7)
    shapes = {"embed": (F, 8), "wq": (8, 8), "wk": (8, 8), "wv": (8, 8)}
    shapes |= {"wx": (8, 5), "wh": (5, 5), "out": (5, 3)}
    return {n: jax.random.normal(k, s) * 0.5 for k, (n, s) in zip(keys, shapes.items())}


def build(kind):
    """``(model, params)`` as the user hands them over."""
    if kind == "flax.linen":
        return LinenAttention(), LinenAttention().init(jax.random.key(0), X[:1])
    if kind == "flax.linen rnn":
        return LinenRNN(), LinenRNN().init(jax.random.key(1), X[:1])
    if kind == "flax.nnx":
        return NnxSequence(nnx.Rngs(2)), None
    if kind == "equinox":
        return EqxSequence(jax.random.key(4)), None
    return transformer, transformer_params()


@pytest.fixture(scope="module")
def apps():
    """``get(kind) -> (model, params as given, Explorer)``: each built once, closed at the end."""
    built = {}

    def get(kind):
        if kind not in built:
            model, params = build(kind)
            built[kind] = (model, params, Explorer(model, params, data=(X, Y)))
        return built[kind]

    yield get
    for *_, ex in built.values():
        ex.close()


# --- layer kinds, shapes and values ---------------------------------------------------------
def test_linen_attention_weights_are_the_softmax_of_its_own_projections(apps):
    model, v, ex = apps("flax.linen")
    m, p = ex.state.model, ex.state.params
    att = "MultiHeadDotProductAttention_0"
    assert m.layer_names == ("Dense_0", f"{att}.weights", att, "Dense_1")
    assert m.layer_kinds == ("dense", "attention", "state", "dense")
    assert m.layer_shapes == ((T, 8), (T, T, 2), (T, 8), (3,))
    x = X[5]
    logits, trace = m.apply(p, x)
    np.testing.assert_allclose(logits, model.apply(v, x[None])[0], rtol=1e-5, atol=1e-6)
    # by hand from the parameters: q, k of shape (T, heads, 4), softmax over the keys
    params = jax.tree.map(np.asarray, v["params"])
    h = x @ params["Dense_0"]["kernel"] + params["Dense_0"]["bias"]
    qk = params[att]
    q = np.einsum("tf,fhd->thd", h, qk["query"]["kernel"]) + qk["query"]["bias"]
    k = np.einsum("tf,fhd->thd", h, qk["key"]["kernel"]) + qk["key"]["bias"]
    want = softmax_rows(np.einsum("qhd,khd->qkh", q, k) / np.sqrt(4))
    w = np.asarray(trace[f"{att}.weights"].post)
    np.testing.assert_allclose(w, want, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(w.sum(axis=1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(trace[att].post, trace[att].pre)
    # its projections are its parts (counted in its parameters), not layers of their own
    rows = {r["name"]: r for r in m.summary()}
    assert rows[att]["params"] == 4 * (8 * 8 + 8)
    assert rows[f"{att}.weights"]["type"] == "attention weights"


@pytest.mark.filterwarnings("ignore:SelfAttention will be deprecated:DeprecationWarning")
def test_a_causal_mask_gives_zero_weights_to_later_keys():
    model = LinenCausal()
    v = model.init(jax.random.key(5), X[:1])
    m, p = adapt(model, v, X)
    name = "SelfAttention_0.weights"
    assert m.layer_names == (name, "SelfAttention_0", "Dense_0")
    assert m.layer_kinds == ("attention", "state", "dense")
    w = np.asarray(m.apply(p, X[0])[1][name].post)
    assert w.shape == (T, T, 3)
    np.testing.assert_array_equal(w[np.triu_indices(T, 1)], 0.0)
    np.testing.assert_allclose(w.sum(axis=1), 1.0, rtol=1e-5)


def test_linen_rnn_states_are_the_modules_own_outputs(apps):
    model, v, ex = apps("flax.linen rnn")
    m, p = ex.state.model, ex.state.params
    assert m.layer_names == ("RNN_0", "RNN_1", "Dense_0")
    assert m.layer_kinds == ("state", "state", "dense")
    assert m.layer_shapes == ((T, 5), (T, 6), (3,))
    x = X[2]
    _, trace = m.apply(p, x)
    _, inter = model.apply(v, x[None], capture_intermediates=True, mutable=["intermediates"])
    gru = inter["intermediates"]["RNN_0"]["__call__"][0]
    _, lstm = inter["intermediates"]["RNN_1"]["__call__"][0]  # (carry, outputs)
    np.testing.assert_allclose(trace["RNN_0"].post, gru[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(trace["RNN_1"].post, lstm[0], rtol=1e-5, atol=1e-6)
    # the cells' parameters are the layers' (the cells are built beside them: GRUCell_0)
    counts = {r["name"]: r["params"] for r in m.summary()}
    size = {k: sum(np.size(a) for a in jax.tree.leaves(c)) for k, c in v["params"].items()}
    assert counts["RNN_0"] == size["GRUCell_0"] and counts["RNN_1"] == size["LSTMCell_0"]
    assert list(m.param_order[:1]) == ["GRUCell_0.ir"]  # in the order the model used them


def test_nnx_rnn_and_attention_show_states_and_weights_as_flax_computes_them(apps):
    model, _, ex = apps("flax.nnx")
    m, p = ex.state.model, ex.state.params
    assert m.layer_names == ("rnn", "att.weights", "att", "head")
    assert m.layer_kinds == ("state", "attention", "state", "dense")
    x = X[7]
    _, trace = m.apply(p, x)
    h = model.rnn(x[None])
    np.testing.assert_allclose(trace["rnn"].post, h[0], rtol=1e-5, atol=1e-6)
    # Flax's own weights of the module's own query and key projections: (1, heads, T, T)
    own = nn.dot_product_attention_weights(model.att.query(h), model.att.key(h))
    want = np.moveaxis(np.asarray(own)[0], 0, -1)
    np.testing.assert_allclose(trace["att.weights"].post, want, rtol=1e-4, atol=1e-6)


def test_equinox_attention_weights_and_a_scanned_lstm(apps):
    model, _, ex = apps("equinox")
    m, p = ex.state.model, ex.state.params
    assert not m.batched
    # the encoder scans its LSTMCell: the steps are not recorded, the encoder's states are
    assert m.layer_names == ("encoder", "attention.weights", "attention", "head")
    assert m.layer_kinds == ("state", "attention", "state", "dense")
    x = X[1]
    _, trace = m.apply(p, x)
    h = np.asarray(model.encoder(x))
    np.testing.assert_allclose(trace["encoder"].post, h, rtol=1e-5, atol=1e-6)
    att = model.attention  # by hand from its projections, with the causal mask it was given
    q = (h @ np.asarray(att.query_proj.weight).T).reshape(T, 2, 4)  # no biases by default
    k = (h @ np.asarray(att.key_proj.weight).T).reshape(T, 2, 4)
    logits = np.einsum("qhd,khd->qkh", q, k) / 2.0
    logits[np.triu_indices(T, 1)] = -np.inf
    np.testing.assert_allclose(
        trace["attention.weights"].post, softmax_rows(logits), rtol=1e-4, atol=1e-6
    )
    counts = {r["name"]: r["params"] for r in m.summary()}
    assert counts["encoder"] == 4 * 8 * (F + 8 + 1)


class EqxPerHeadMask(eqx.Module):
    attention: eqx.nn.MultiheadAttention

    def __call__(self, x):
        causal = jnp.tril(jnp.ones((len(x), len(x)), bool))
        mask = jnp.stack([causal, ~causal | jnp.eye(len(x), dtype=bool)])  # (heads, T, T)
        return self.attention(x, x, x, mask)[-1]


def test_equinox_per_head_masks_mask_each_heads_weights():
    model = EqxPerHeadMask(eqx.nn.MultiheadAttention(2, F, key=jax.random.key(7)))
    m, p = adapt(model, None, X[:4])
    w = np.asarray(m.apply(p, X[0])[1]["attention.weights"].post)
    np.testing.assert_array_equal(w[..., 0][np.triu_indices(T, 1)], 0.0)  # later keys
    np.testing.assert_array_equal(w[..., 1][np.tril_indices(T, -1)], 0.0)  # earlier keys
    np.testing.assert_allclose(w.sum(axis=1), 1.0, rtol=1e-5)


def test_a_function_declares_its_kinds_with_tap(apps):
    p = transformer_params()
    with pytest.warns(UserWarning, match=r"tap\('inside'\) inside a jax.lax.scan"):

        def scanned(p, x):  # a tap inside a scan body cannot be kept: a warning, no crash
            def step(s, xt):
                s = tap("inside", jnp.tanh(xt @ p["embed"] + s))
                return s, s

            return jax.lax.scan(step, jnp.zeros(8), x)[1][-1] @ p["wv"][:, :3]

        m, _ = adapt(scanned, p, X)
    assert "inside" not in m.layer_names
    m, p = apps("function")[2].state.model, apps("function")[2].state.params
    assert m.layer_names == ("embed", "block.attention", "block", "rnn", "output")
    assert m.layer_kinds == ("dense", "attention", "state", "state", "dense")
    w = np.asarray(m.apply(p, X[0])[1]["block.attention"].post)
    np.testing.assert_allclose(w.sum(axis=1), 1.0, rtol=1e-5)
    with pytest.raises(ValueError, match=r"tap\('h', kind=...\): expected None or one of"):
        tap("h", X[0], kind="lstm")

    def heads_first(p, x):
        w = jax.nn.softmax(jnp.einsum("qd,kd->qk", x, x)[None].repeat(2, 0), axis=-1)
        w = tap("attention", jnp.moveaxis(w, -1, 1), kind="attention")  # (heads, T, T) wrong
        return w.sum(axis=(0, 1))[:3] @ p

    with pytest.raises(ValueError, match=r"expected weights of shape \(T, T, heads\)"):
        adapt(heads_first, np.eye(3, dtype=np.float32), X)


# --- the Explorer's sequence tabs ---------------------------------------------------------
KINDS = ["flax.linen", "flax.linen rnn", "flax.nnx", "equinox", "function"]
STATES = {
    "flax.linen": ["MultiHeadDotProductAttention_0"],
    "flax.linen rnn": ["RNN_0", "RNN_1"],
    "flax.nnx": ["rnn", "att"],
    "equinox": ["encoder", "attention"],
    "function": ["block", "rnn"],
}
ATTENTION = {
    "flax.linen": "MultiHeadDotProductAttention_0.weights",
    "flax.nnx": "att.weights",
    "equinox": "attention.weights",
    "function": "block.attention",
}


@pytest.mark.parametrize("kind", KINDS)
def test_the_explorer_shows_hidden_states_and_attention_maps(apps, kind):
    ex = apps(kind)[2]
    s = ex.state
    assert not s.error and s.input_kind == "series"
    name = ATTENTION.get(kind)
    own = ["hidden states", "attention"] if name else ["hidden states", "network"]
    assert [t for t, _ in ex.tab_list][:2] == own  # an attention tab only with attention
    states = ex.tab_view("hidden states")
    assert isinstance(states, HiddenStateView)
    assert list(states.states.options) == STATES[kind]
    np.testing.assert_allclose(
        states.state_map.array(), np.asarray(s.activations[states.states.value]).T
    )
    if name is None:
        assert s.rollout is None
        return
    ex.tabs.selected_index = 1  # the attention tab shown: it redraws on every step
    view = ex.tab_view("attention")
    assert isinstance(view, AttentionView)
    s.x = X[9]
    w = np.asarray(s.activations[name])
    assert w.shape[:2] == (T, T) and sorted(h for n, h in view.heads) == [0, 1]
    np.testing.assert_allclose(w.sum(axis=1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(view.heads[(name, 1)].array(), w[:, :, 1])
    np.testing.assert_allclose(s.rollout.sum(axis=1), 1.0, rtol=1e-5)
