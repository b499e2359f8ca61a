"""Sequence layers: equal to hand-unrolled numpy references; masks; traces; shapes; bad specs."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.test_util import check_grads

from nnwidgets.models import (
    GRU,
    LSTM,
    Dense,
    Embedding,
    LayerNorm,
    MultiHeadSelfAttention,
    PositionalEncoding,
    SequencePool,
    Sequential,
    SimpleRNN,
    TransformerBlock,
)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def lstm_reference(x, w, u, b, mask):
    """LSTM by hand: a Python loop over steps, gates i, f, g, o."""
    n = u.shape[0]
    h, c = np.zeros(n), np.zeros(n)
    hs, cs, gates = [], [], []
    for t in range(len(x)):
        z = x[t] @ w + h @ u + b
        i, f, g, o = (
            sigmoid(z[:n]),
            sigmoid(z[n : 2 * n]),
            np.tanh(z[2 * n : 3 * n]),
            sigmoid(z[3 * n :]),
        )
        if mask[t]:
            c = f * c + i * g
            h = o * np.tanh(c)
        hs.append(h)
        cs.append(c)
        gates.append((i, f, g, o))
    return np.array(hs), np.array(cs), gates


def gru_reference(x, w, u, b, b_hn, mask):
    """GRU by hand (PyTorch's equations)."""
    n = u.shape[0]
    h = np.zeros(n)
    hs = []
    for t in range(len(x)):
        xw, hu = x[t] @ w + b, h @ u
        r = sigmoid(xw[:n] + hu[:n])
        z = sigmoid(xw[n : 2 * n] + hu[n : 2 * n])
        cand = np.tanh(xw[2 * n :] + r * (hu[2 * n :] + b_hn))
        if mask[t]:
            h = (1 - z) * cand + z * h
        hs.append(h)
    return np.array(hs)


def series_net(layer, steps=7, features=3, classes=2):
    return Sequential((steps, features), (layer, Dense(classes)))


@pytest.mark.parametrize("return_sequences", [False, True])
def test_lstm_equals_a_hand_unrolled_reference(return_sequences):
    net = series_net(LSTM(5, return_sequences=return_sequences), classes=2)
    if return_sequences:
        net = Sequential((7, 3), (LSTM(5, return_sequences=True), SequencePool("last"), Dense(2)))
    params = net.init(jax.random.key(0))
    x = np.asarray(jax.random.normal(jax.random.key(1), (7, 3)))
    p = {k: np.asarray(v, np.float64) for k, v in params[0].items()}
    hs, cs, gates = lstm_reference(x, p["w"], p["u"], p["b"], np.ones(7, bool))
    _, trace = net.apply(params, jnp.asarray(x))
    np.testing.assert_allclose(trace["lstm_1"].post, hs, atol=1e-5)
    np.testing.assert_allclose(trace["lstm_1.cell"].pre, cs, atol=1e-5)
    np.testing.assert_allclose(trace["lstm_1.cell"].post, np.tanh(cs), atol=1e-5)
    for k, name in enumerate(["input_gate", "forget_gate", "candidate", "output_gate"]):
        want = np.array([g[k] for g in gates])
        np.testing.assert_allclose(trace[f"lstm_1.{name}"].post, want, atol=1e-5)
    logits = net.logits(params, jnp.asarray(x))
    dense = params[-1]
    np.testing.assert_allclose(logits, hs[-1] @ np.asarray(dense["w"]) + dense["b"], atol=1e-5)


def test_lstm_forget_bias_starts_at_one():
    b = LSTM(4).init(jax.random.key(0), (5, 2))["b"]
    np.testing.assert_array_equal(b, np.r_[np.zeros(4), np.ones(4), np.zeros(8)])


def test_gru_equals_a_hand_unrolled_reference():
    net = series_net(GRU(4))
    params = net.init(jax.random.key(2))
    p = {k: np.asarray(v, np.float64) for k, v in params[0].items()}
    p["b_hn"] = np.linspace(-0.3, 0.3, 4)  # a non-zero hidden bias is read where it belongs
    params = ({**params[0], "b_hn": jnp.asarray(p["b_hn"], jnp.float32)}, params[1])
    x = np.asarray(jax.random.normal(jax.random.key(3), (7, 3)))
    hs = gru_reference(x, p["w"], p["u"], p["b"], p["b_hn"], np.ones(7, bool))
    _, trace = net.apply(params, jnp.asarray(x))
    np.testing.assert_allclose(trace["gru_1"].post, hs, atol=1e-5)
    assert set(trace) == {
        "gru_1.reset_gate",
        "gru_1.update_gate",
        "gru_1.candidate",
        "gru_1",
        "gru_1.final",
        "dense_1",
    }
    np.testing.assert_allclose(trace["gru_1.final"].post, hs[-1], atol=1e-5)


def test_simple_rnn_equals_a_hand_unrolled_reference_and_post_is_act_of_pre():
    net = series_net(SimpleRNN(3, activation="tanh"))
    params = net.init(jax.random.key(4))
    p = {k: np.asarray(v, np.float64) for k, v in params[0].items()}
    x = np.asarray(jax.random.normal(jax.random.key(5), (7, 3)))
    h, hs = np.zeros(3), []
    for t in range(7):
        h = np.tanh(x[t] @ p["w"] + h @ p["u"] + p["b"])
        hs.append(h)
    _, trace = net.apply(params, jnp.asarray(x))
    np.testing.assert_allclose(trace["rnn_1"].post, np.array(hs), atol=1e-5)
    np.testing.assert_allclose(trace["rnn_1"].post, np.tanh(trace["rnn_1"].pre), atol=1e-6)


def text_net(**kw):
    return Sequential(
        (6,),
        (Embedding(10, 4), LSTM(3, **kw), Dense(2)),
    )


def test_padding_steps_carry_the_state_so_the_last_state_is_the_last_real_tokens():
    net = text_net()
    params = net.init(jax.random.key(6))
    short = jnp.array([3.0, 5, 7, 0, 0, 0])
    padded_more = jnp.array([3.0, 5, 7, 0, 0, 0])
    logits, trace = net.apply(params, short)
    states = np.asarray(trace["lstm_1"].post)
    np.testing.assert_array_equal(states[3:], np.repeat(states[2:3], 3, axis=0))
    # the same sentence without padding gives the same logits (a 3-step model)
    three = Sequential((3,), (Embedding(10, 4), LSTM(3), Dense(2)))
    np.testing.assert_allclose(three.logits(params, short[:3]), logits, atol=1e-6)
    np.testing.assert_allclose(net.logits(params, padded_more), logits, atol=1e-6)


def test_the_padding_vector_is_zero_and_ids_are_rounded_and_clipped():
    emb = Embedding(5, 3)
    p = emb.init(jax.random.key(0), (4,))
    np.testing.assert_array_equal(p["table"][0], 0.0)
    p = {"table": jnp.ones((5, 3))}
    out, _ = emb.forward(p, jnp.array([0.0, 1.2, 9.0, -3.0]), jnp.ones(4, bool))
    np.testing.assert_array_equal(out[:, 0], [0.0, 1.0, 1.0, 0.0])  # 9 -> 4, -3 -> 0 (padding)


def attention_net(heads=2):
    return Sequential(
        (6,),
        (
            Embedding(12, 8),
            PositionalEncoding(),
            MultiHeadSelfAttention(heads),
            SequencePool(),
            Dense(3),
        ),
    )


def test_attention_rows_sum_to_one_and_masked_keys_get_zero():
    net = attention_net(heads=4)
    params = net.init(jax.random.key(7))
    x = jnp.array([4.0, 2, 9, 1, 0, 0])
    _, trace = net.apply(params, x)
    w = np.asarray(trace["attention_1.weights"].post)
    assert w.shape == (6, 6, 4)
    np.testing.assert_allclose(w.sum(axis=1), 1.0, atol=1e-6)
    np.testing.assert_array_equal(w[:, 4:, :], 0.0)


def test_attention_equals_a_numpy_reference():
    layer = MultiHeadSelfAttention(2)
    p = {k: np.asarray(v, np.float64) for k, v in layer.init(jax.random.key(8), (5, 4)).items()}
    x = np.asarray(jax.random.normal(jax.random.key(9), (5, 4)), np.float64)
    mask = np.array([True, True, True, False, True])
    out, parts = layer.forward(
        {k: jnp.asarray(v, jnp.float32) for k, v in p.items()},
        jnp.asarray(x, jnp.float32),
        jnp.asarray(mask),
    )
    q, k, v = x @ p["wq"], x @ p["wk"], x @ p["wv"]
    heads = []
    for h in range(2):
        sl = slice(2 * h, 2 * h + 2)
        s = q[:, sl] @ k[:, sl].T / np.sqrt(2)
        s[:, ~mask] = -np.inf
        a = np.exp(s - s.max(axis=1, keepdims=True))
        a /= a.sum(axis=1, keepdims=True)
        np.testing.assert_allclose(parts[".weights"].post[:, :, h], a, atol=1e-5)
        heads.append(a @ v[:, sl])
    want = np.concatenate(heads, axis=1) @ p["wo"] + p["bo"]
    np.testing.assert_allclose(out, want, atol=1e-4)


def test_an_all_padding_input_has_no_nan():
    net = attention_net()
    params = net.init(jax.random.key(10))
    logits, trace = net.apply(params, jnp.zeros(6))
    assert np.isfinite(logits).all()
    assert np.all(np.asarray(trace["attention_1.weights"].post) == 0)
    g = jax.grad(lambda e: net.apply(params, None, embedded=e, mask=jnp.ones(6, bool))[0][0])(
        jnp.zeros((6, 8))
    )
    assert np.isfinite(g).all()


def test_transformer_block_traces_and_matches_its_definition():
    net = Sequential(
        (5,),
        (
            Embedding(9, 8),
            TransformerBlock(heads=2, mlp_features=16),
            SequencePool("max"),
            Dense(2),
        ),
    )
    params = net.init(jax.random.key(11))
    x = jnp.array([1.0, 2, 3, 4, 0])
    _, trace = net.apply(params, x)
    assert net.layer_names == (
        "embedding_1",
        "block_1.attention",
        "block_1.mlp",
        "block_1",
        "pool_1",
        "dense_1",
    )
    assert net.layer_shapes[1:3] == ((5, 5, 2), (5, 16))
    assert net.layer_kinds == ("embedding", "attention", "gate", "state", "state", "dense")
    np.testing.assert_allclose(
        trace["block_1.mlp"].post, jax.nn.gelu(trace["block_1.mlp"].pre), atol=1e-6
    )
    np.testing.assert_allclose(trace["block_1.attention"].post.sum(axis=1)[:4], 1.0, atol=1e-6)


def test_layer_norm_normalises_each_step():
    out, _ = LayerNorm().forward(
        {"scale": jnp.ones(4), "bias": jnp.zeros(4)},
        jnp.arange(8.0).reshape(2, 4),
        jnp.ones(2, bool),
    )
    np.testing.assert_allclose(out.mean(axis=1), 0.0, atol=1e-6)
    np.testing.assert_allclose(out.var(axis=1), 1.0, atol=1e-3)


@pytest.mark.parametrize(
    "mode, want", [("mean", [2.0, 3.0]), ("max", [4.0, 5.0]), ("last", [4.0, 5.0])]
)
def test_sequence_pool_skips_padding(mode, want):
    h = jnp.array([[0.0, 1.0], [4.0, 5.0], [100.0, 100.0]])
    out, _ = SequencePool(mode).forward({}, h, jnp.array([True, True, False]))
    np.testing.assert_allclose(out, want)


def test_positional_encoding_is_the_sinusoid():
    out, _ = PositionalEncoding().forward({}, jnp.zeros((3, 4)), jnp.ones(3, bool))
    np.testing.assert_allclose(
        out[1], [np.sin(1), np.cos(1), np.sin(0.01), np.cos(0.01)], atol=1e-6
    )


def test_gradients_through_the_recurrent_layers_are_right():
    for layer in (SimpleRNN(3), LSTM(3), GRU(3)):
        net = series_net(layer, steps=4, features=2)
        params = net.init(jax.random.key(12))
        x = jax.random.normal(jax.random.key(13), (4, 2))
        check_grads(
            lambda z, net=net, params=params: net.logits(params, z),
            (x,),
            order=1,
            modes="rev",
            atol=1e-2,
            rtol=1e-2,
        )


def test_parameter_groups_summary_and_round_trip_of_a_sequence_model():
    net = Sequential(
        (6,),
        (
            Embedding(10, 8),
            PositionalEncoding(),
            TransformerBlock(2, 16),
            LSTM(4, return_sequences=True),
            SequencePool(),
            Dense(2),
        ),
    )
    assert net.param_order == ("embedding_1", "block_1", "lstm_1", "dense_1")
    rows = net.summary()
    assert [r["type"] for r in rows][:3] == ["Embedding", "PositionalEncoding", "TransformerBlock"]
    assert rows[0]["params"] == 80
    assert Sequential.from_dict(net.to_dict()) == net
    params = net.init(jax.random.key(0))
    assert jax.tree_util.tree_map(jnp.shape, params) == net.param_shapes()
    assert net.token_input


def test_dense_on_a_sequence_acts_on_every_step_but_not_on_an_image():
    net = Sequential(
        (5, 2),
        (Dense(8, "relu"), PositionalEncoding(), TransformerBlock(2, 8), SequencePool(), Dense(3)),
    )
    assert net.layer_shapes[0] == (5, 8)
    with pytest.raises(ValueError, match="expected a vector input"):
        Sequential((8, 8), (Dense(3),))


@pytest.mark.parametrize(
    "build, match",
    [
        (lambda: LSTM(0), r"LSTM\(units=...\): expected an int >= 1, got 0"),
        (lambda: GRU(3, return_sequences="yes"), r"GRU\(return_sequences=...\): expected a bool"),
        (lambda: SimpleRNN(3, activation="swish"), r"SimpleRNN\(activation=...\): expected one of"),
        (lambda: Embedding(1, 4), r"Embedding\(vocab_size=...\): expected an int >= 2, got 1"),
        (
            lambda: Embedding(5, 4, pad_id=5),
            r"Embedding\(pad_id=...\): expected an id in \[0, 5\), got 5",
        ),
        (lambda: SequencePool("median"), r"SequencePool\(mode=...\): expected one of"),
        (
            lambda: Sequential(
                (4,), (Embedding(5, 6), MultiHeadSelfAttention(4), SequencePool(), Dense(2))
            ),
            r"divisible by heads=4",
        ),
        (
            lambda: Sequential((4,), (Dense(3), Embedding(5, 4))),
            r"layers\[1\] \(Embedding\): expected Embedding only as the first layer",
        ),
        (
            lambda: Sequential((4,), (Embedding(5, 4), LSTM(3), LSTM(3), Dense(2))),
            r"sequence input, got shape \(3,\).*return_sequences=True",
        ),
        (
            lambda: Sequential((4, 2), (Embedding(5, 4), Dense(2))),
            r"expected token ids of shape \(steps,\), got shape \(4, 2\)",
        ),
    ],
)
def test_bad_sequence_specs_are_refused_with_a_clear_message(build, match):
    with pytest.raises(ValueError, match=match):
        build()


def test_taps_on_a_sequence_entry_are_refused():
    net = text_net()
    params = net.init(jax.random.key(0))
    with pytest.raises(
        ValueError, match=r"taps: expected layer names from \['dense_1'\], got 'lstm_1'"
    ):
        net.apply(params, jnp.zeros(6), taps={"lstm_1": jnp.zeros((6, 3))})
