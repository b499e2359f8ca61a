"""Sequence layers for ``Sequential``: embeddings, recurrent layers, self-attention.

Each layer is a frozen, hashable spec (a static argument of ``jax.jit``) that describes
itself to ``Sequential`` through four methods:

- ``out_shape(shape, where)``: the output shape for an input ``shape`` (ValueError naming
  the layer, ``where``, when it does not fit);
- ``param_shapes(shape)``: its parameters' shapes (``{}`` for a layer without any);
- ``entries(shape)``: what it adds to ``apply``'s trace, ``(suffix, shape, activation)`` per
  entry: the entry is named ``<layer name><suffix>`` (suffix ``""``: the layer's own output,
  ``".forget_gate"``: a part of it) and holds ``LayerValues(pre, post)`` with
  ``post = ACTIVATIONS[activation](pre)`` elementwise;
- ``forward(p, h, mask)``: ``(output, {suffix: LayerValues})`` for one example; ``mask`` is
  ``(T,)`` bool, False at padding steps (all True for a series).

Recurrent layers run with ``lax.scan`` and carry their state unchanged across padding steps,
so the last state is the one after the last real token. Attention gives padded keys weight 0.
"""

from __future__ import annotations

import abc
import dataclasses
import math
from typing import Any, ClassVar

import jax
import jax.numpy as jnp

from ._trace import ACTIVATIONS, LayerValues

Array = jax.Array

Entry = tuple[str, tuple[int, ...], str]
_GATE = "sigmoid"


def _int(layer: str, arg: str, value: Any, low: int = 1) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"{layer}({arg}=...): expected an int >= {low}, got {value!r}")


def _choice(layer: str, arg: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{layer}({arg}=...): expected one of {list(allowed)}, got {value!r}")


def _needs_steps(where: str, shape: tuple[int, ...]) -> tuple[int, int]:
    if len(shape) != 2:
        hint = " (pool over time before Dense, or return_sequences=True)" if len(shape) == 1 else ""
        raise ValueError(
            f"{where}: expected a (steps, features) sequence input, got shape {shape}{hint}"
        )
    return shape  # type: ignore[return-value]


def _glorot(key: Array, shape: tuple[int, ...]) -> Array:
    return jax.nn.initializers.glorot_uniform()(key, shape, jnp.float32)


def _orthogonal(key: Array, shape: tuple[int, ...]) -> Array:
    return jax.nn.initializers.orthogonal()(key, shape, jnp.float32)


class SequenceLayer(abc.ABC):
    """Base of the sequence layers: see the module docstring for the protocol.

    ``out_shape`` and ``forward`` are each layer's own; the others default to a layer with no
    parameters and nothing in the trace.
    """

    kind: ClassVar[str] = ""
    name: str | None

    @abc.abstractmethod
    def out_shape(self, shape: tuple[int, ...], where: str) -> tuple[int, ...]:
        """The output shape for an input ``shape`` (ValueError naming ``where`` if it misfits)."""

    def param_shapes(self, shape: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
        return {}

    def init(self, key: Array, shape: tuple[int, ...]) -> dict[str, Array]:
        return {}

    def entries(self, shape: tuple[int, ...]) -> tuple[Entry, ...]:
        return ()

    @abc.abstractmethod
    def forward(self, p: dict[str, Array], h: Array, mask: Array) -> tuple[Array, dict]:
        """``(output, {suffix: LayerValues})`` of one example; ``mask`` False at padding."""


@dataclasses.dataclass(frozen=True)
class Embedding(SequenceLayer):
    """Token ids ``(T,)`` -> vectors ``(T, features)``: row ``id`` of a learned table.

    Must be the first layer. Ids arrive as numbers (the inputs are float32) and are rounded
    and clipped to ``[0, vocab_size)``. The padding id's vector is zero and is not learned
    (as PyTorch's ``padding_idx``): a sequence of padding is the all-zero baseline, and
    every later layer masks padding steps.

    Args:
        vocab_size: number of token ids.
        features: length of each token's vector.
        pad_id: the padding token's id.
        name: display name; defaults to ``embedding_<i>``.
    """

    vocab_size: int
    features: int
    pad_id: int = 0
    name: str | None = None
    kind: ClassVar[str] = "embedding"

    def __post_init__(self) -> None:
        _int("Embedding", "vocab_size", self.vocab_size, 2)
        _int("Embedding", "features", self.features)
        _int("Embedding", "pad_id", self.pad_id, 0)
        if self.pad_id >= self.vocab_size:
            raise ValueError(
                f"Embedding(pad_id=...): expected an id in [0, {self.vocab_size}), "
                f"got {self.pad_id}"
            )

    def out_shape(self, shape: tuple[int, ...], where: str) -> tuple[int, ...]:
        if len(shape) != 1:
            raise ValueError(f"{where}: expected token ids of shape (steps,), got shape {shape}")
        return (shape[0], self.features)

    def param_shapes(self, shape: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
        return {"table": (self.vocab_size, self.features)}

    def init(self, key: Array, shape: tuple[int, ...]) -> dict[str, Array]:
        table = jax.random.normal(key, (self.vocab_size, self.features), jnp.float32)
        return {"table": table.at[self.pad_id].set(0.0)}

    def entries(self, shape: tuple[int, ...]) -> tuple[Entry, ...]:
        return (("", self.out_shape(shape, ""), "identity"),)

    def ids(self, x: Array) -> Array:
        """Token ids as int32 in ``[0, vocab_size)``."""
        return jnp.clip(jnp.round(x), 0, self.vocab_size - 1).astype(jnp.int32)

    def lookup(self, p: dict[str, Array], ids: Array) -> Array:
        """The vectors of int ``ids`` (the padding id's is zero)."""
        return p["table"][ids] * (ids != self.pad_id)[..., None].astype(jnp.float32)

    def forward(self, p: dict[str, Array], h: Array, mask: Array) -> tuple[Array, dict]:
        e = self.lookup(p, self.ids(h))
        return e, {"": LayerValues(e, e)}


@dataclasses.dataclass(frozen=True)
class PositionalEncoding(SequenceLayer):
    """Adds the fixed sinusoidal position code of Vaswani et al. (2017) to every step.

    Step ``t``, feature ``2i``: ``sin(t / 10000^(2i/d))``, feature ``2i+1``: the cosine. No
    parameters; not in ``apply``'s trace.
    """

    name: str | None = None
    kind: ClassVar[str] = "positions"

    def out_shape(self, shape: tuple[int, ...], where: str) -> tuple[int, ...]:
        return _needs_steps(where, shape)

    def forward(self, p: dict[str, Array], h: Array, mask: Array) -> tuple[Array, dict]:
        return h + sinusoid(*h.shape), {}


def sinusoid(steps: int, features: int) -> Array:
    """The ``(steps, features)`` sinusoidal position code."""
    pos = jnp.arange(steps, dtype=jnp.float32)[:, None]
    i = jnp.arange(features)[None, :]
    angle = pos / jnp.power(10000.0, (2 * (i // 2)) / features)
    return jnp.where(i % 2 == 0, jnp.sin(angle), jnp.cos(angle))


class _Recurrent(SequenceLayer):
    """Shared shape logic of ``SimpleRNN``, ``LSTM`` and ``GRU``."""

    units: int
    return_sequences: bool
    gates: ClassVar[int] = 1

    def _check(self) -> None:
        kind = type(self).__name__
        _int(kind, "units", self.units)
        if not isinstance(self.return_sequences, bool):
            raise ValueError(
                f"{kind}(return_sequences=...): expected a bool, got {self.return_sequences!r}"
            )

    def out_shape(self, shape: tuple[int, ...], where: str) -> tuple[int, ...]:
        steps, _ = _needs_steps(where, shape)
        return (steps, self.units) if self.return_sequences else (self.units,)

    def param_shapes(self, shape: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
        n = self.gates * self.units
        return {"w": (shape[-1], n), "u": (self.units, n), "b": (n,)}

    def init(self, key: Array, shape: tuple[int, ...]) -> dict[str, Array]:
        k1, k2 = jax.random.split(key)
        n = self.gates * self.units
        u = jnp.concatenate(
            [_orthogonal(k, (self.units, self.units)) for k in jax.random.split(k2, self.gates)],
            axis=1,
        )
        return {"w": _glorot(k1, (shape[-1], n)), "u": u, "b": jnp.zeros(n, jnp.float32)}

    def entries(self, shape: tuple[int, ...]) -> tuple[Entry, ...]:
        s = (shape[0], self.units)
        parts = (*((k, s, a) for k, a in self.PARTS), *self._more(s), ("", s, self.state_act))
        return parts if self.return_sequences else (*parts, (".final", (self.units,), "identity"))

    PARTS: ClassVar[tuple[tuple[str, str], ...]] = ()
    state_act: ClassVar[str] = "identity"

    def _more(self, s: tuple[int, int]) -> tuple[Entry, ...]:
        return ()

    def _finish(self, states: Array, trace: dict) -> tuple[Array, dict]:
        """The output (every state, or the last: also traced as ``.final``) and the trace."""
        if self.return_sequences:
            return states, trace
        trace[".final"] = LayerValues(states[-1], states[-1])
        return states[-1], trace


@dataclasses.dataclass(frozen=True)
class SimpleRNN(_Recurrent):
    """``h_t = act(x_t W + h_{t-1} U + b)`` over a ``(T, F)`` sequence (Elman network).

    Args:
        units: size of the hidden state.
        activation: one of ``ACTIVATIONS`` (``"tanh"`` by default).
        return_sequences: output every state ``(T, units)`` instead of the last ``(units,)``.
        name: display name; defaults to ``rnn_<i>``. Trace: the states, ``pre`` and ``post``
            (and ``.final``, the last state, without ``return_sequences``).
    """

    units: int
    activation: str = "tanh"
    return_sequences: bool = False
    name: str | None = None
    kind: ClassVar[str] = "rnn"

    def __post_init__(self) -> None:
        self._check()
        _choice("SimpleRNN", "activation", self.activation, tuple(sorted(ACTIVATIONS)))

    @property
    def state_act(self) -> str:  # type: ignore[override]
        """The states are ``activation(pre)``."""
        return self.activation

    def forward(self, p: dict[str, Array], h: Array, mask: Array) -> tuple[Array, dict]:
        act = ACTIVATIONS[self.activation]
        xw = h @ p["w"] + p["b"][None, :]

        def step(carry: Any, inp: Any) -> Any:
            state, last_pre = carry
            xw_t, m = inp
            pre = xw_t + state @ p["u"]
            new = act(pre)
            pre, new = jnp.where(m, pre, last_pre), jnp.where(m, new, state)
            return (new, pre), (pre, new)

        zero = jnp.zeros(self.units, jnp.float32)
        _, (pres, states) = jax.lax.scan(step, (zero, zero), (xw, mask))
        return self._finish(states, {"": LayerValues(pres, states)})


@dataclasses.dataclass(frozen=True)
class LSTM(_Recurrent):
    """Long short-term memory over a ``(T, F)`` sequence (gates in the order i, f, g, o).

    ``i, f, o = sigmoid(.)``, ``g = tanh(.)`` of ``x_t W + h_{t-1} U + b``;
    ``c_t = f * c_{t-1} + i * g``, ``h_t = o * tanh(c_t)``. The forget gate's bias starts at 1.

    Args:
        units: size of the hidden and cell state.
        return_sequences: output every state ``(T, units)`` instead of the last ``(units,)``.
        name: display name; defaults to ``lstm_<i>``. Trace: ``.input_gate``,
            ``.forget_gate``, ``.candidate``, ``.output_gate`` (pre-activation, gate),
            ``.cell`` (``c_t``, ``tanh(c_t)``) and the hidden states ``h_t``, each ``(T, units)``
            (and ``.final``, the last state, without ``return_sequences``).
    """

    units: int
    return_sequences: bool = False
    name: str | None = None
    kind: ClassVar[str] = "lstm"
    gates: ClassVar[int] = 4
    PARTS: ClassVar[tuple[tuple[str, str], ...]] = (
        (".input_gate", _GATE),
        (".forget_gate", _GATE),
        (".candidate", "tanh"),
        (".output_gate", _GATE),
    )

    def __post_init__(self) -> None:
        self._check()

    def init(self, key: Array, shape: tuple[int, ...]) -> dict[str, Array]:
        p = super().init(key, shape)
        p["b"] = p["b"].at[self.units : 2 * self.units].set(1.0)
        return p

    def _more(self, s: tuple[int, int]) -> tuple[Entry, ...]:
        return ((".cell", s, "tanh"),)

    def forward(self, p: dict[str, Array], h: Array, mask: Array) -> tuple[Array, dict]:
        xw = h @ p["w"] + p["b"][None, :]
        n = self.units

        def step(carry: Any, inp: Any) -> Any:
            state, cell = carry
            xw_t, m = inp
            z = xw_t + state @ p["u"]
            i, f = jax.nn.sigmoid(z[:n]), jax.nn.sigmoid(z[n : 2 * n])
            g, o = jnp.tanh(z[2 * n : 3 * n]), jax.nn.sigmoid(z[3 * n :])
            new_cell = f * cell + i * g
            new = o * jnp.tanh(new_cell)
            new_cell, new = jnp.where(m, new_cell, cell), jnp.where(m, new, state)
            return (new, new_cell), (z, new_cell, new)

        zero = jnp.zeros(n, jnp.float32)
        _, (z, cells, states) = jax.lax.scan(step, (zero, zero), (xw, mask))
        trace = {
            k: LayerValues(z[:, j * n : (j + 1) * n], ACTIVATIONS[a](z[:, j * n : (j + 1) * n]))
            for j, (k, a) in enumerate(self.PARTS)
        }
        trace[".cell"] = LayerValues(cells, jnp.tanh(cells))
        trace[""] = LayerValues(states, states)
        return self._finish(states, trace)


@dataclasses.dataclass(frozen=True)
class GRU(_Recurrent):
    """Gated recurrent unit over a ``(T, F)`` sequence (PyTorch's form, gates r, z, n).

    ``r, z = sigmoid(x_t W + h_{t-1} U + b)``, ``n = tanh(x_t W_n + b_n + r * (h_{t-1} U_n +
    b_hn))``, ``h_t = (1 - z) * n + z * h_{t-1}``.

    Args:
        units: size of the hidden state.
        return_sequences: output every state ``(T, units)`` instead of the last ``(units,)``.
        name: display name; defaults to ``gru_<i>``. Trace: ``.reset_gate``,
            ``.update_gate``, ``.candidate`` (pre-activation, value) and the states ``h_t``
            (and ``.final``, the last state, without ``return_sequences``).
    """

    units: int
    return_sequences: bool = False
    name: str | None = None
    kind: ClassVar[str] = "gru"
    gates: ClassVar[int] = 3
    PARTS: ClassVar[tuple[tuple[str, str], ...]] = (
        (".reset_gate", _GATE),
        (".update_gate", _GATE),
        (".candidate", "tanh"),
    )

    def __post_init__(self) -> None:
        self._check()

    def param_shapes(self, shape: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
        return {**super().param_shapes(shape), "b_hn": (self.units,)}

    def init(self, key: Array, shape: tuple[int, ...]) -> dict[str, Array]:
        return {**super().init(key, shape), "b_hn": jnp.zeros(self.units, jnp.float32)}

    def forward(self, p: dict[str, Array], h: Array, mask: Array) -> tuple[Array, dict]:
        xw = h @ p["w"] + p["b"][None, :]
        n = self.units

        def step(state: Array, inp: Any) -> Any:
            xw_t, m = inp
            hu = state @ p["u"]
            zr = xw_t[: 2 * n] + hu[: 2 * n]
            r, z = jax.nn.sigmoid(zr[:n]), jax.nn.sigmoid(zr[n:])
            zn = xw_t[2 * n :] + r * (hu[2 * n :] + p["b_hn"])
            new = (1 - z) * jnp.tanh(zn) + z * state
            new = jnp.where(m, new, state)
            return new, (jnp.concatenate([zr, zn]), new)

        _, (pre, states) = jax.lax.scan(step, jnp.zeros(n, jnp.float32), (xw, mask))
        trace = {
            k: LayerValues(pre[:, j * n : (j + 1) * n], ACTIVATIONS[a](pre[:, j * n : (j + 1) * n]))
            for j, (k, a) in enumerate(self.PARTS)
        }
        trace[""] = LayerValues(states, states)
        return self._finish(states, trace)


def attention_weights(q: Array, k: Array, mask: Array) -> Array:
    """Softmax of ``q k^T / sqrt(d)`` over the keys, ``(H, T, d)`` each -> ``(T, T, H)``.

    Padded keys (``mask`` False) get weight exactly 0; a query with no key left gets 0 everywhere.
    """
    scores = jnp.einsum("hqd,hkd->hqk", q, k) / math.sqrt(q.shape[-1])
    scores = jnp.where(mask[None, None, :], scores, -1e30)
    keep = mask[None, None, :].astype(scores.dtype)
    w = jnp.exp(scores - jnp.max(scores, axis=-1, keepdims=True)) * keep
    w = w / jnp.maximum(jnp.sum(w, axis=-1, keepdims=True), 1e-30)
    return jnp.transpose(w, (1, 2, 0))


def _attention_params(d: int, heads: int, key_size: int, prefix: str = "") -> dict:
    hk = heads * key_size
    return {
        f"{prefix}wq": (d, hk),
        f"{prefix}wk": (d, hk),
        f"{prefix}wv": (d, hk),
        f"{prefix}wo": (hk, d),
        f"{prefix}bo": (d,),
    }


def _init(key: Array, shapes: dict[str, tuple[int, ...]]) -> dict[str, Array]:
    out = {}
    for (name, shape), k in zip(shapes.items(), jax.random.split(key, len(shapes))):
        if len(shape) == 1:
            ones = name.endswith("scale")
            out[name] = (jnp.ones if ones else jnp.zeros)(shape, jnp.float32)
        else:
            out[name] = _glorot(k, shape)
    return out


def _self_attention(
    p: dict[str, Array], x: Array, mask: Array, heads: int, prefix: str = ""
) -> tuple[Array, Array]:
    """Multi-head self-attention of ``x (T, d)``: ``(output (T, d), weights (T, T, H))``."""
    steps = x.shape[0]

    def split(w: Array) -> Array:
        return jnp.transpose(jnp.reshape(x @ w, (steps, heads, -1)), (1, 0, 2))

    q, k, v = split(p[prefix + "wq"]), split(p[prefix + "wk"]), split(p[prefix + "wv"])
    w = attention_weights(q, k, mask)
    out = jnp.einsum("qkh,hkd->qhd", w, v).reshape(steps, -1)
    return out @ p[prefix + "wo"] + p[prefix + "bo"][None, :], w


def _check_heads(layer: str, where: str, d: int, heads: int) -> None:
    if d % heads:
        raise ValueError(
            f"{where}: expected features divisible by heads={heads} ({layer}), got {d} features"
        )


@dataclasses.dataclass(frozen=True)
class MultiHeadSelfAttention(SequenceLayer):
    """Scaled dot-product self-attention with ``heads`` heads over a ``(T, d)`` sequence.

    Each head projects to ``d / heads`` features; padded keys get weight 0 (padding mask).

    Args:
        heads: number of heads (must divide the input's features).
        name: display name; defaults to ``attention_<i>``. Trace: ``.weights`` ``(T, T,
            heads)`` (query x key per head; each row sums to 1) and the output ``(T, d)``.
    """

    heads: int = 2
    name: str | None = None
    kind: ClassVar[str] = "attention"

    def __post_init__(self) -> None:
        _int("MultiHeadSelfAttention", "heads", self.heads)

    def out_shape(self, shape: tuple[int, ...], where: str) -> tuple[int, ...]:
        _, d = _needs_steps(where, shape)
        _check_heads("MultiHeadSelfAttention", where, d, self.heads)
        return shape

    def param_shapes(self, shape: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
        d = shape[-1]
        return _attention_params(d, self.heads, d // self.heads)

    def init(self, key: Array, shape: tuple[int, ...]) -> dict[str, Array]:
        return _init(key, self.param_shapes(shape))

    def entries(self, shape: tuple[int, ...]) -> tuple[Entry, ...]:
        t = shape[0]
        return ((".weights", (t, t, self.heads), "identity"), ("", shape, "identity"))

    def forward(self, p: dict[str, Array], h: Array, mask: Array) -> tuple[Array, dict]:
        out, w = _self_attention(p, h, mask, self.heads)
        return out, {".weights": LayerValues(w, w), "": LayerValues(out, out)}


def layer_norm(x: Array, scale: Array, bias: Array, eps: float = 1e-5) -> Array:
    """Normalise over the last axis, then scale and shift."""
    mean = jnp.mean(x, axis=-1, keepdims=True)
    var = jnp.mean(jnp.square(x - mean), axis=-1, keepdims=True)
    shape = (1,) * (x.ndim - 1) + (-1,)
    return (x - mean) * jax.lax.rsqrt(var + eps) * scale.reshape(shape) + bias.reshape(shape)


@dataclasses.dataclass(frozen=True)
class LayerNorm(SequenceLayer):
    """Normalise each step's (or a vector's) features to mean 0, variance 1, then scale and shift.

    Args:
        name: display name; defaults to ``layernorm_<i>``.
    """

    name: str | None = None
    kind: ClassVar[str] = "layernorm"

    def out_shape(self, shape: tuple[int, ...], where: str) -> tuple[int, ...]:
        if len(shape) not in (1, 2):
            raise ValueError(
                f"{where}: expected a vector or a (steps, features) input, got shape {shape}"
            )
        return shape

    def param_shapes(self, shape: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
        return {"scale": (shape[-1],), "bias": (shape[-1],)}

    def init(self, key: Array, shape: tuple[int, ...]) -> dict[str, Array]:
        return _init(key, self.param_shapes(shape))

    def entries(self, shape: tuple[int, ...]) -> tuple[Entry, ...]:
        return (("", shape, "identity"),)

    def forward(self, p: dict[str, Array], h: Array, mask: Array) -> tuple[Array, dict]:
        out = layer_norm(h, p["scale"], p["bias"])
        return out, {"": LayerValues(out, out)}


@dataclasses.dataclass(frozen=True)
class TransformerBlock(SequenceLayer):
    """A pre-norm transformer encoder block over a ``(T, d)`` sequence.

    ``a = x + attention(LayerNorm(x))``, ``y = a + W2 act(W1 LayerNorm(a) + b1) + b2``.

    Args:
        heads: attention heads (must divide ``d``).
        mlp_features: width of the feed-forward layer.
        activation: the feed-forward layer's activation (one of ``ACTIVATIONS``).
        name: display name; defaults to ``block_<i>``. Trace: ``.attention`` ``(T, T,
            heads)``, ``.mlp`` (pre-activation, activation) ``(T, mlp_features)`` and the
            block's output ``(T, d)``.
    """

    heads: int = 2
    mlp_features: int = 32
    activation: str = "gelu"
    name: str | None = None
    kind: ClassVar[str] = "block"

    def __post_init__(self) -> None:
        _int("TransformerBlock", "heads", self.heads)
        _int("TransformerBlock", "mlp_features", self.mlp_features)
        _choice("TransformerBlock", "activation", self.activation, tuple(sorted(ACTIVATIONS)))

    def out_shape(self, shape: tuple[int, ...], where: str) -> tuple[int, ...]:
        _, d = _needs_steps(where, shape)
        _check_heads("TransformerBlock", where, d, self.heads)
        return shape

    def param_shapes(self, shape: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
        d = shape[-1]
        return {
            "ln1_scale": (d,),
            "ln1_bias": (d,),
            **_attention_params(d, self.heads, d // self.heads),
            "ln2_scale": (d,),
            "ln2_bias": (d,),
            "w1": (d, self.mlp_features),
            "b1": (self.mlp_features,),
            "w2": (self.mlp_features, d),
            "b2": (d,),
        }

    def init(self, key: Array, shape: tuple[int, ...]) -> dict[str, Array]:
        return _init(key, self.param_shapes(shape))

    def entries(self, shape: tuple[int, ...]) -> tuple[Entry, ...]:
        t = shape[0]
        return (
            (".attention", (t, t, self.heads), "identity"),
            (".mlp", (t, self.mlp_features), self.activation),
            ("", shape, "identity"),
        )

    def forward(self, p: dict[str, Array], h: Array, mask: Array) -> tuple[Array, dict]:
        att, w = _self_attention(p, layer_norm(h, p["ln1_scale"], p["ln1_bias"]), mask, self.heads)
        a = h + att
        pre = layer_norm(a, p["ln2_scale"], p["ln2_bias"]) @ p["w1"] + p["b1"][None, :]
        post = ACTIVATIONS[self.activation](pre)
        out = a + post @ p["w2"] + p["b2"][None, :]
        trace = {
            ".attention": LayerValues(w, w),
            ".mlp": LayerValues(pre, post),
            "": LayerValues(out, out),
        }
        return out, trace


@dataclasses.dataclass(frozen=True)
class SequencePool(SequenceLayer):
    """Pool a ``(T, d)`` sequence over time to one ``(d,)`` vector, skipping padding steps.

    Args:
        mode: ``"mean"``, ``"max"`` or ``"last"`` (the last real step's vector).
        name: display name; defaults to ``pool_<i>``. Trace: the pooled vector (the
            sequence's summary: the embedding tab's default layer).
    """

    mode: str = "mean"
    name: str | None = None
    kind: ClassVar[str] = "pool"

    def __post_init__(self) -> None:
        _choice("SequencePool", "mode", self.mode, ("mean", "max", "last"))

    def out_shape(self, shape: tuple[int, ...], where: str) -> tuple[int, ...]:
        return (_needs_steps(where, shape)[1],)

    def entries(self, shape: tuple[int, ...]) -> tuple[Entry, ...]:
        return (("", (shape[1],), "identity"),)

    def forward(self, p: dict[str, Array], h: Array, mask: Array) -> tuple[Array, dict]:
        out = self._pool(h, mask)
        return out, {"": LayerValues(out, out)}

    def _pool(self, h: Array, mask: Array) -> Array:
        m = mask[:, None]
        if self.mode == "mean":
            weight = m.astype(h.dtype)
            return jnp.sum(h * weight, axis=0) / jnp.maximum(jnp.sum(weight), 1.0)
        if self.mode == "max":
            peak = jnp.max(jnp.where(m, h, -jnp.inf), axis=0)
            return jnp.where(jnp.any(mask), peak, 0.0)
        last = jnp.maximum(jnp.max(jnp.where(mask, jnp.arange(h.shape[0]), 0)), 0)
        return h[last]


SEQUENCE_LAYERS = (
    Embedding,
    PositionalEncoding,
    SimpleRNN,
    LSTM,
    GRU,
    MultiHeadSelfAttention,
    LayerNorm,
    TransformerBlock,
    SequencePool,
)
