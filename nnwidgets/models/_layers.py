"""Layer specs and a pure sequential network: ``init(key)`` and ``apply(params, x)``."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any, Union

import jax
import jax.numpy as jnp
import numpy as np

from ._param_groups import key_name
from ._sequence_layers import SEQUENCE_LAYERS, Embedding, SequenceLayer
from ._trace import ACTIVATIONS, LayerValues

Array = jax.Array
Params = tuple[dict[str, Array], ...]


#: Weight initialisations by name ("default" is LeCun-normal, He-normal before ReLU/GELU).
INITS: Mapping[str, Any] = {
    "default": None,
    "glorot_uniform": jax.nn.initializers.glorot_uniform(),
    "he_normal": jax.nn.initializers.he_normal(),
    "lecun_normal": jax.nn.initializers.lecun_normal(),
    "normal_1": jax.nn.initializers.normal(1.0),
    "zeros": jax.nn.initializers.zeros,
}


@dataclasses.dataclass(frozen=True)
class Dense:
    """A fully connected layer ``y = act(x @ w + b)``.

    Args:
        features: number of output units.
        activation: one of ``ACTIVATIONS`` (``"relu"``, ``"tanh"``, ``"sigmoid"``,
            ``"gelu"``, ``"softplus"``, ``"identity"``).
        name: display name; defaults to ``dense_<i>``.
    """

    features: int
    activation: str = "identity"
    name: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.features, int) or self.features < 1:
            raise ValueError(f"Dense(features=...): expected a positive int, got {self.features!r}")
        if self.activation not in ACTIVATIONS:
            raise ValueError(
                f"Dense(activation=...): expected one of {sorted(ACTIVATIONS)}, "
                f"got {self.activation!r}"
            )


def _positive_pair(layer: str, arg: str, value: Any) -> tuple[int, int]:
    """``value`` as a pair of positive ints (one int means the same in both directions)."""
    pair = (value, value) if isinstance(value, int) and not isinstance(value, bool) else value
    try:
        pair = tuple(pair)
    except TypeError:
        pair = ()
    if len(pair) != 2 or not all(isinstance(d, int) and not isinstance(d, bool) for d in pair):
        pair = ()
    if not pair or min(pair) < 1:
        raise ValueError(
            f"{layer}({arg}=...): expected a positive int or a pair of positive ints, got {value!r}"
        )
    return pair  # type: ignore[return-value]


@dataclasses.dataclass(frozen=True)
class Conv2D:
    """A 2-D convolution ``y = act(conv(x, w) + b)`` of one ``(H, W, C)`` example.

    A rank-2 input ``(H, W)`` (e.g. the 8x8 digits) is read as one channel ``(H, W, 1)``.
    The output has shape ``(H', W', features)``: with ``"SAME"`` padding
    ``H' = ceil(H / stride)``, with ``"VALID"`` ``H' = (H - kernel) // stride + 1``.

    Args:
        features: number of output channels.
        kernel_size: ``(kh, kw)``, or one int for a square kernel.
        stride: ``(sh, sw)``, or one int.
        padding: ``"SAME"`` (zero padding, output ``ceil(H / stride)``) or ``"VALID"``.
        activation: one of ``ACTIVATIONS``.
        name: display name; defaults to ``conv_<i>``.
    """

    features: int
    kernel_size: tuple[int, int] = (3, 3)
    stride: tuple[int, int] = (1, 1)
    padding: str = "SAME"
    activation: str = "identity"
    name: str | None = None

    def __post_init__(self) -> None:
        if (
            isinstance(self.features, bool)
            or not isinstance(self.features, int)
            or self.features < 1
        ):
            raise ValueError(
                f"Conv2D(features=...): expected a positive int, got {self.features!r}"
            )
        object.__setattr__(
            self, "kernel_size", _positive_pair("Conv2D", "kernel_size", self.kernel_size)
        )
        object.__setattr__(self, "stride", _positive_pair("Conv2D", "stride", self.stride))
        if self.padding not in ("SAME", "VALID"):
            raise ValueError(
                f"Conv2D(padding=...): expected 'SAME' or 'VALID', got {self.padding!r}"
            )
        if self.activation not in ACTIVATIONS:
            raise ValueError(
                f"Conv2D(activation=...): expected one of {sorted(ACTIVATIONS)}, "
                f"got {self.activation!r}"
            )


@dataclasses.dataclass(frozen=True)
class _Pool2D:
    """Shared fields and checks of ``MaxPool2D`` and ``AvgPool2D``."""

    window: tuple[int, int] = (2, 2)
    stride: tuple[int, int] | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        kind = type(self).__name__
        object.__setattr__(self, "window", _positive_pair(kind, "window", self.window))
        if self.stride is not None:
            object.__setattr__(self, "stride", _positive_pair(kind, "stride", self.stride))

    @property
    def strides(self) -> tuple[int, int]:
        """The effective stride: ``stride``, or ``window`` when it is ``None``."""
        return self.window if self.stride is None else self.stride


@dataclasses.dataclass(frozen=True)
class MaxPool2D(_Pool2D):
    """Maximum over ``window``-sized patches of an ``(H, W, C)`` map (no parameters).

    Windows that do not fit at the border are dropped (``"VALID"``), so the output is
    ``((H - wh) // sh + 1, (W - ww) // sw + 1, C)``. A rank-2 input is read as one channel.

    Args:
        window: ``(wh, ww)``, or one int.
        stride: ``(sh, sw)``, or one int; ``None`` means ``window`` (no overlap).
        name: display name (pooling layers are not in ``apply``'s trace).
    """


@dataclasses.dataclass(frozen=True)
class AvgPool2D(_Pool2D):
    """Mean over ``window``-sized patches of an ``(H, W, C)`` map (no parameters).

    Windows that do not fit at the border are dropped (``"VALID"``), so the output is
    ``((H - wh) // sh + 1, (W - ww) // sw + 1, C)``. A rank-2 input is read as one channel.

    Args:
        window: ``(wh, ww)``, or one int.
        stride: ``(sh, sw)``, or one int; ``None`` means ``window`` (no overlap).
        name: display name (pooling layers are not in ``apply``'s trace).
    """


@dataclasses.dataclass(frozen=True)
class Flatten:
    """Reshape the input to a vector (no parameters)."""

    name: str | None = None


Layer = Union[Dense, Conv2D, MaxPool2D, AvgPool2D, Flatten, SequenceLayer]
_LAYER_TYPES = {
    cls.__name__: cls for cls in (Dense, Conv2D, MaxPool2D, AvgPool2D, Flatten, *SEQUENCE_LAYERS)
}


def _describe(i: int, layer: Any) -> str:
    name = f" {layer.name!r}" if getattr(layer, "name", None) else ""
    return f"layers[{i}] ({type(layer).__name__}{name})"


def _walk(input_shape: tuple[int, ...], layers: tuple[Any, ...]) -> tuple[Any, ...]:
    """``(input shape, output shape)`` of every layer; ValueError naming the first misfit.

    The input shape of a 2-D layer fed a rank-2 map has the channel axis added: ``(H, W, 1)``.
    In a sequence model (one with a sequence layer) a Dense layer fed ``(T, F)`` acts on
    every step: ``(T, features)``.
    """
    shapes, shape = [], input_shape
    sequence = any(isinstance(layer, SequenceLayer) for layer in layers)
    for i, layer in enumerate(layers):
        where = f"Sequential(layers=...): {_describe(i, layer)}"
        if isinstance(layer, Embedding) and i:
            raise ValueError(f"{where}: expected Embedding only as the first layer")
        if isinstance(layer, SequenceLayer):
            out = layer.out_shape(shape, where)
        elif isinstance(layer, (Conv2D, _Pool2D)):
            if len(shape) == 2:
                shape = (*shape, 1)
            if len(shape) != 3:
                hint = " (2-D layers must come before Flatten and Dense)" if i else ""
                raise ValueError(
                    f"{where}: expected an (H, W, C) or (H, W) input, got shape {shape}{hint}"
                )
            if isinstance(layer, Conv2D):
                what, size, step = "kernel_size", layer.kernel_size, layer.stride
                same = layer.padding == "SAME"
            else:
                what, size, step, same = "window", layer.window, layer.strides, False
            if not same and (size[0] > shape[0] or size[1] > shape[1]):
                raise ValueError(
                    f"{where}: expected {what} no larger than its {shape[:2]} input map"
                    f"{'' if isinstance(layer, _Pool2D) else ' (or padding=SAME)'}, got {size}"
                )
            hw = tuple(
                -(-n // s) if same else (n - k) // s + 1 for n, k, s in zip(shape[:2], size, step)
            )
            out = (*hw, layer.features if isinstance(layer, Conv2D) else shape[2])
        elif isinstance(layer, Dense):
            if sequence and len(shape) == 2:  # a sequence: the same Dense on every step
                out = (shape[0], layer.features)
            elif len(shape) != 1:
                raise ValueError(
                    f"{where}: expected a vector input, got shape {shape}; a multi-dimensional "
                    "input must reach Flatten() before the first Dense layer"
                )
            else:
                out = (layer.features,)
        else:
            out = (math.prod(shape),)
        shapes.append((shape, out))
        shape = out
    return tuple(shapes)


@dataclasses.dataclass(frozen=True)
class Sequential:
    """A network as a hashable spec, so it can be a static argument of ``jax.jit``.

    Args:
        input_shape: shape of one example, e.g. ``(30,)``, ``(8, 8)`` or ``(28, 28, 3)``.
        layers: the layers in order; the last layer's output are the logits. A
            multi-dimensional input may pass ``Conv2D`` and pooling layers, then must
            reach a ``Flatten`` before the first ``Dense``.

    Raises:
        ValueError: at construction, naming the first layer whose input does not fit.

    Examples:
        >>> import jax
        >>> net = Sequential((4,), (Dense(3, "relu"), Dense(2)))
        >>> params = net.init(jax.random.key(0))
        >>> logits, trace = net.apply(params, jax.numpy.ones(4))
        >>> logits.shape, list(trace)
        ((2,), ['dense_1', 'dense_2'])
        >>> cnn = Sequential((8, 8), (Conv2D(4, activation="relu"), MaxPool2D(),
        ...                           Flatten(), Dense(3)))
        >>> cnn.layer_names, cnn.layer_shapes, cnn.layer_sizes
        (('conv_1', 'dense_1'), ((8, 8, 4), (3,)), (256, 3))
    """

    input_shape: tuple[int, ...]
    layers: tuple[Layer, ...]

    def __post_init__(self) -> None:
        shape = tuple(self.input_shape)
        if not shape or not all(
            isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in shape
        ):
            raise ValueError(
                f"Sequential(input_shape=...): expected a tuple of positive ints, got {shape!r}"
            )
        object.__setattr__(self, "input_shape", shape)
        object.__setattr__(self, "layers", tuple(self.layers))
        for i, layer in enumerate(self.layers):
            if not isinstance(layer, tuple(_LAYER_TYPES.values())):
                raise ValueError(
                    f"Sequential(layers=...): expected layers[{i}] to be one of "
                    f"{list(_LAYER_TYPES)}, got {type(layer).__name__}"
                )
        if not any(isinstance(layer, Dense) for layer in self.layers):
            raise ValueError("Sequential(layers=...): expected at least one Dense layer, got none")
        # Not a dataclass field: excluded from ==, hash and repr, derived from the fields.
        object.__setattr__(self, "_shapes", _walk(shape, self.layers))
        self._name_layers()  # the trace's entries and names: read on every slider step
        names = self.layer_names
        if len(set(names)) != len(names):
            dup = sorted({n for n in names if names.count(n) > 1})
            raise ValueError(
                f"Sequential(layers=...): expected distinct layer names, got {dup} repeated"
            )

    @property
    def layer_names(self) -> tuple[str, ...]:
        """Names of the entries of ``apply``'s trace, in order.

        One per Conv2D and Dense layer (unnamed: ``conv_<i>``, ``dense_<i>``, each kind
        counted on its own); a sequence layer adds its own (``lstm_1``, ``block_1``, ...)
        and its parts (``lstm_1.forget_gate``, ``block_1.attention``, ...) before it.
        """
        return self._names  # type: ignore[attr-defined, no-any-return]

    def _name_layers(self) -> None:
        """The trace's entries and every layer's name (set once: read on every step)."""
        count: dict[str, int] = {}
        bases, entries = [], []
        for i, (layer, (shape, out)) in enumerate(zip(self.layers, self._shapes)):  # type: ignore[attr-defined]
            if isinstance(layer, (Dense, Conv2D, SequenceLayer)):
                kind = (
                    layer.kind
                    if isinstance(layer, SequenceLayer)
                    else ("dense" if isinstance(layer, Dense) else "conv")
                )
                count[kind] = count.get(kind, 0) + 1
                base = layer.name or f"{kind}_{count[kind]}"
            else:
                base = layer.name or f"{type(layer).__name__.lower()}_{i}"
            bases.append(base)
            if isinstance(layer, SequenceLayer):
                parts = layer.entries(shape)
            elif isinstance(layer, (Dense, Conv2D)):
                parts = (("", out, layer.activation),)
            else:
                parts = ()
            entries += [(base + suffix, tuple(sh), act, i, suffix) for suffix, sh, act in parts]
        object.__setattr__(self, "_bases", tuple(bases))
        object.__setattr__(self, "_entries", tuple(entries))
        object.__setattr__(self, "_names", tuple(e[0] for e in entries))

    @property
    def layer_shapes(self) -> tuple[tuple[int, ...], ...]:
        """Shape of each trace entry, in the order of ``layer_names``.

        ``(features,)`` for Dense, ``(H', W', features)`` for Conv2D, ``(T, units)`` for a
        recurrent layer's states and gates, ``(T, T, heads)`` for attention weights.
        """
        return tuple(e[1] for e in self._entries)  # type: ignore[attr-defined]

    @property
    def activation_names(self) -> tuple[str, ...]:
        """Activation function of each trace entry, in the order of ``layer_names``."""
        return tuple(e[2] for e in self._entries)  # type: ignore[attr-defined]

    @property
    def layer_kinds(self) -> tuple[str, ...]:
        """What each trace entry is, in the order of ``layer_names``.

        ``"dense"``, ``"conv"``, ``"state"`` (a sequence layer's output: over time, or a
        recurrent layer's ``.final`` state, a pooled vector),
        ``"gate"`` (a part of a recurrent layer or a block), ``"attention"`` (``(T, T,
        heads)`` weights) or ``"embedding"``.
        """
        kinds = []
        for _, _, _, i, suffix in self._entries:  # type: ignore[attr-defined]
            layer = self.layers[i]
            if isinstance(layer, Dense):
                kinds.append("dense")
            elif isinstance(layer, Conv2D):
                kinds.append("conv")
            elif isinstance(layer, Embedding):
                kinds.append("embedding")
            elif suffix in (".weights", ".attention"):
                kinds.append("attention")
            else:
                kinds.append("gate" if suffix not in ("", ".final") else "state")
        return tuple(kinds)

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """Number of values of each traced layer (the product of ``layer_shapes``)."""
        return tuple(math.prod(s) for s in self.layer_shapes)

    @property
    def token_input(self) -> bool:
        """The input is token ids (the first layer is an ``Embedding``)."""
        return isinstance(self.layers[0], Embedding)

    @property
    def param_order(self) -> tuple[str, ...]:
        """Names of the layers with parameters, in order: see ``param_groups``."""
        shapes = self.param_shapes()
        return tuple(b for b, p in zip(self._bases, shapes) if p)  # type: ignore[attr-defined]

    def name_leaf(self, path: tuple[Any, ...]) -> tuple[str, str]:
        """``(layer name, parameter name)`` of a parameter's key path in ``init``'s tuple."""
        index, bases = int(key_name(path[0])), self._bases  # type: ignore[attr-defined]
        if not 0 <= index < len(bases):
            raise ValueError(
                f"params: expected a leaf of one of this model's {len(bases)} layers, got one "
                f"of layer {index} (parameters of another network?)"
            )
        return bases[index], key_name(path[-1])

    @property
    def n_outputs(self) -> int:
        """Number of logits."""
        return [la for la in self.layers if isinstance(la, Dense)][-1].features

    def summary(self) -> list[dict[str, Any]]:
        """One row per layer: name, type, output shape, parameter count, activation.

        Examples:
            >>> net = Sequential((4,), (Dense(3, "relu"), Dense(2)))
            >>> [(r["name"], r["params"]) for r in net.summary()]
            [('dense_1', 15), ('dense_2', 8)]
        """
        shapes = self.param_shapes()
        rows = []
        for i, (layer, (_, out)) in enumerate(zip(self.layers, self._shapes)):  # type: ignore[attr-defined]
            rows.append(
                {
                    "name": self._bases[i],  # type: ignore[attr-defined]
                    "type": type(layer).__name__,
                    "output_shape": tuple(out),
                    "params": sum(math.prod(v) for v in shapes[i].values()),
                    "activation": getattr(layer, "activation", ""),
                }
            )
        return rows

    def param_shapes(self) -> tuple[dict[str, tuple[int, ...]], ...]:
        """The shape of every parameter, per layer (what ``init`` returns), without JAX.

        Examples:
            >>> Sequential((4,), (Dense(3, "relu"), Dense(2))).param_shapes()
            ({'w': (4, 3), 'b': (3,)}, {'w': (3, 2), 'b': (2,)})
        """
        out: list[dict[str, tuple[int, ...]]] = []
        for layer, (shape, _) in zip(self.layers, self._shapes):  # type: ignore[attr-defined]
            if isinstance(layer, SequenceLayer):
                out.append(layer.param_shapes(shape))
            elif isinstance(layer, (Dense, Conv2D)):
                out.append({"w": self._weight_shape(layer, shape), "b": (layer.features,)})
            else:
                out.append({})
        return tuple(out)

    def _weight_shape(self, layer: Dense | Conv2D, shape: tuple[int, ...]) -> tuple[int, ...]:
        if isinstance(layer, Conv2D):
            return (*layer.kernel_size, shape[-1], layer.features)
        if len(shape) == 2:  # a Dense on every step of a sequence
            return (shape[-1], layer.features)
        return (math.prod(shape), layer.features)

    def init(self, key: Array, scheme: str = "default") -> Params:
        """Random parameters: weights drawn by ``scheme``, zero biases.

        Dense weights are ``(fan_in, features)``; Conv2D weights ``(kh, kw, c_in, features)``
        with ``fan_in = kh * kw * c_in``. Flatten and pooling layers have no parameters.
        Sequence layers draw their own (Glorot-uniform inputs, orthogonal recurrent weights,
        a forget-gate bias of 1, unit LayerNorm scales); ``scheme`` is for Dense and Conv2D.

        Args:
            key: PRNG key.
            scheme: one of ``INITS``: "default" (LeCun-normal, He-normal before ReLU/GELU),
                "glorot_uniform", "he_normal", "lecun_normal", "normal_1" (std 1: large
                weights saturate tanh) or "zeros" (every unit the same: no symmetry breaking).
        """
        if scheme not in INITS:
            raise ValueError(f"init scheme: expected one of {list(INITS)}, got {scheme!r}")
        params: list[dict[str, Array]] = []
        for layer, (shape, _) in zip(self.layers, self._shapes):  # type: ignore[attr-defined]
            if isinstance(layer, SequenceLayer):
                key, sub = jax.random.split(key)
                params.append(layer.init(sub, shape))
                continue
            if not isinstance(layer, (Dense, Conv2D)):
                params.append({})
                continue
            w_shape = self._weight_shape(layer, shape)
            fan_in = math.prod(w_shape[:-1])
            key, sub = jax.random.split(key)
            if scheme == "default":
                gain = 2.0 if layer.activation in ("relu", "gelu") else 1.0
                w = jax.random.normal(sub, w_shape, jnp.float32) * jnp.sqrt(gain / fan_in)
            else:
                w = INITS[scheme](sub, w_shape, jnp.float32)
            params.append({"w": w, "b": jnp.zeros(layer.features, jnp.float32)})
        return tuple(params)

    def padding_mask(self, x: Array) -> Array:
        """``(T,)`` bool, False at padding tokens (token input); all True otherwise."""
        first = self.layers[0]
        if isinstance(first, Embedding):
            return first.ids(x) != first.pad_id
        steps = self.input_shape[0] if len(self.input_shape) else 1
        return jnp.ones(steps, bool)

    def embed(self, params: Params, x: Array) -> Array:
        """The first layer's vectors ``(T, features)`` of token ids ``x`` (token input only)."""
        first = self.layers[0]
        if not isinstance(first, Embedding):
            raise ValueError("model: expected a model whose first layer is an Embedding")
        return first.lookup(params[0], first.ids(x))

    def apply(
        self,
        params: Params,
        x: Array,
        taps: Mapping[str, Array] | None = None,
        *,
        embedded: Array | None = None,
        mask: Array | None = None,
    ) -> tuple[Array, dict[str, LayerValues]]:
        """Forward pass of one example.

        Args:
            params: as returned by ``init`` (one dict per layer).
            x: one input of shape ``input_shape`` (ignored when ``embedded`` is given).
            taps: optional values added to named Dense / Conv2D layers' post-activation
                outputs (shape of the layer's ``layer_shapes`` entry). Differentiating with
                respect to a zero tap gives the gradient with respect to that hidden layer
                (e.g. Grad-CAM).
            embedded: a token model's embedding vectors ``(T, features)``: the pass starts
                after the ``Embedding`` (attribution with respect to the embeddings).
            mask: ``(T,)`` bool padding mask used with ``embedded`` (default: from ``x``).

        Returns:
            ``(logits, trace)``: logits of shape ``(n_outputs,)`` and, for every entry of
            ``layer_names``, its pre- and post-activation values (of the entry's
            ``layer_shapes``; ``post`` includes the tap).

        Raises:
            ValueError: a tap names no Dense / Conv2D layer or has the wrong shape.
        """
        taps = {} if taps is None else taps
        expected = {
            e[0]: e[1]
            for e in self._entries  # type: ignore[attr-defined]
            if isinstance(self.layers[e[3]], (Dense, Conv2D))
        }
        for name, tap in taps.items():
            if name not in expected:
                raise ValueError(f"taps: expected layer names from {list(expected)}, got {name!r}")
            if tuple(jnp.shape(tap)) != expected[name]:
                raise ValueError(
                    f"taps[{name!r}]: expected shape {expected[name]}, got {tuple(jnp.shape(tap))}"
                )
        sequence = any(isinstance(layer, SequenceLayer) for layer in self.layers)
        if sequence and mask is None:
            mask = self.padding_mask(x)
        trace: dict[str, LayerValues] = {}
        h = x
        shapes = self._shapes  # type: ignore[attr-defined]
        bases = self._bases  # type: ignore[attr-defined]
        for i, (layer, p, (shape, _)) in enumerate(zip(self.layers, params, shapes)):
            if isinstance(layer, SequenceLayer):
                if isinstance(layer, Embedding) and embedded is not None:
                    h, parts = embedded, {"": LayerValues(embedded, embedded)}
                else:
                    h, parts = layer.forward(p, h, mask)
                for suffix, values in parts.items():
                    trace[bases[i] + suffix] = values
                continue
            if isinstance(layer, Flatten):
                h = jnp.reshape(h, (-1,))
                continue
            if isinstance(layer, _Pool2D):
                h = jnp.reshape(h, shape)
                if layer.strides == layer.window:  # no overlap: a reshape and a reduction
                    h = _tiled_pool(h, layer.window, isinstance(layer, AvgPool2D))
                    continue
                # Concrete numpy init values, so JAX uses its differentiable max/sum reducers.
                window, strides = (*layer.window, 1), (*layer.strides, 1)
                if isinstance(layer, AvgPool2D):
                    total = jax.lax.reduce_window(
                        h, np.zeros((), h.dtype), jax.lax.add, window, strides, "VALID"
                    )
                    h = total / math.prod(layer.window)
                else:
                    h = jax.lax.reduce_window(
                        h, np.array(-np.inf, h.dtype), jax.lax.max, window, strides, "VALID"
                    )
                continue
            if isinstance(layer, Conv2D):
                pre = _conv_im2col(jnp.reshape(h, shape), p["w"], layer)
                pre = pre + jnp.reshape(p["b"], (1, 1, -1))
            elif h.ndim == 2:  # the same Dense on every step of a sequence
                pre = h @ p["w"] + p["b"][None, :]
            else:
                pre = h @ p["w"] + p["b"]
            h = ACTIVATIONS[layer.activation](pre)
            name = bases[i]
            if name in taps:
                h = h + taps[name]
            trace[name] = LayerValues(pre, h)
        return h, trace

    def logits(self, params: Params, x: Array) -> Array:
        """Logits only; shape ``(n_outputs,)``."""
        return self.apply(params, x)[0]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able description (used in the bundled weight files)."""
        return {
            "input_shape": list(self.input_shape),
            "layers": [{"type": type(la).__name__, **dataclasses.asdict(la)} for la in self.layers],
        }

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any]) -> Sequential:
        """Inverse of ``to_dict`` (also after a JSON round trip: lists become tuples)."""
        try:
            layers = tuple(
                _LAYER_TYPES[d["type"]](**{k: v for k, v in d.items() if k != "type"})
                for d in spec["layers"]
            )
            return cls(tuple(spec["input_shape"]), layers)
        except (KeyError, TypeError) as e:
            raise ValueError(f"Sequential.from_dict(spec=...): malformed spec {spec!r}: {e}") from e


def _conv_im2col(h: Array, w: Array, layer: Conv2D) -> Array:
    """``conv(h, w)`` of one ``(H, W, C)`` map as patches @ kernel (XLA's ``"SAME"`` padding).

    For the small maps of a teaching CNN this is 2-3x faster on CPU than XLA's convolution,
    forwards and backwards (measured on the digits CNN: whole-data-set saliency 18 -> 6 ms).
    """
    kh, kw, c_in, c_out = w.shape
    (sh, sw), (H, W) = layer.stride, h.shape[:2]
    if layer.padding == "SAME":
        oh, ow = -(-H // sh), -(-W // sw)
        ph, pw = max((oh - 1) * sh + kh - H, 0), max((ow - 1) * sw + kw - W, 0)
        h = jnp.pad(h, ((ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    else:
        oh, ow = (H - kh) // sh + 1, (W - kw) // sw + 1
    patches = [
        h[i : i + (oh - 1) * sh + 1 : sh, j : j + (ow - 1) * sw + 1 : sw, :]
        for i in range(kh)
        for j in range(kw)
    ]  # (i, j, c) order: the rows of the HWIO kernel reshaped
    return jnp.concatenate(patches, axis=-1) @ jnp.reshape(w, (kh * kw * c_in, c_out))


def _tiled_pool(h: Array, window: tuple[int, int], mean: bool) -> Array:
    """Max (or mean) over non-overlapping ``window`` tiles; a ragged border is dropped.

    The max is taken at the first arg-max of each tile (row-major), so its gradient goes to
    that one element, as with ``reduce_window`` and PyTorch; ``jnp.max`` would split it
    among ties, which are common here (ReLU of a constant background).
    """
    (wh, ww), (H, W, C) = window, h.shape
    tiles = h[: H // wh * wh, : W // ww * ww].reshape(H // wh, wh, W // ww, ww, C)
    if mean:
        return tiles.mean(axis=(1, 3))
    flat = tiles.transpose(0, 2, 4, 1, 3).reshape(H // wh, W // ww, C, wh * ww)
    first = jnp.argmax(flat, axis=-1)[..., None]
    return jnp.take_along_axis(flat, first, axis=-1)[..., 0]


def check_params(model: Sequential, params: Any) -> Params:
    """Return ``params`` as float32 arrays, or raise ValueError naming the first mismatch."""
    expected = model.param_shapes()
    if not isinstance(params, (tuple, list)) or len(params) != len(expected):
        raise ValueError(
            f"params: expected a sequence of {len(expected)} per-layer dicts for this model, "
            f"got {type(params).__name__} of length {getattr(params, '__len__', lambda: '?')()}"
        )
    out = []
    for i, (want, got) in enumerate(zip(expected, params)):
        if not isinstance(got, Mapping) or set(got) != set(want):
            raise ValueError(f"params[{i}]: expected keys {sorted(want)}, got {got!r:.80}")
        layer = {}
        for k, spec in want.items():
            arr = jnp.asarray(got[k], jnp.float32)
            if arr.shape != spec:
                raise ValueError(f"params[{i}][{k!r}]: expected shape {spec}, got {arr.shape}")
            layer[k] = arr
        out.append(layer)
    return tuple(out)
