"""Layer specs and a pure sequential network: ``init(key)`` and ``apply(params, x)``."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple, Union

import jax
import jax.numpy as jnp

Array = jax.Array
Params = tuple[dict[str, Array], ...]

ACTIVATIONS: Mapping[str, Callable[[Array], Array]] = {
    "identity": lambda z: z,
    "relu": jax.nn.relu,
    "tanh": jnp.tanh,
    "sigmoid": jax.nn.sigmoid,
    "gelu": jax.nn.gelu,
    "softplus": jax.nn.softplus,
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


@dataclasses.dataclass(frozen=True)
class Flatten:
    """Reshape the input to a vector (no parameters)."""

    name: str | None = None


Layer = Union[Dense, Flatten]


class LayerValues(NamedTuple):
    """One layer's values for one input: ``pre`` (before activation) and ``post`` (after)."""

    pre: Array
    post: Array


@dataclasses.dataclass(frozen=True)
class Sequential:
    """A network as a hashable spec, so it can be a static argument of ``jax.jit``.

    Args:
        input_shape: shape of one example, e.g. ``(30,)`` or ``(8, 8)``.
        layers: the layers in order; the last layer's output are the logits.

    Examples:
        >>> import jax
        >>> net = Sequential((4,), (Dense(3, "relu"), Dense(2)))
        >>> params = net.init(jax.random.key(0))
        >>> logits, trace = net.apply(params, jax.numpy.ones(4))
        >>> logits.shape, list(trace)
        ((2,), ['dense_1', 'dense_2'])
    """

    input_shape: tuple[int, ...]
    layers: tuple[Layer, ...]

    def __post_init__(self) -> None:
        shape = tuple(self.input_shape)
        if not shape or not all(isinstance(d, int) and d > 0 for d in shape):
            raise ValueError(
                f"Sequential(input_shape=...): expected a tuple of positive ints, got {shape!r}"
            )
        object.__setattr__(self, "input_shape", shape)
        object.__setattr__(self, "layers", tuple(self.layers))
        if not any(isinstance(layer, Dense) for layer in self.layers):
            raise ValueError("Sequential(layers=...): expected at least one Dense layer, got none")
        if len(self.input_shape) > 1 and not isinstance(self.layers[0], Flatten):
            raise ValueError(
                f"Sequential(layers=...): input_shape {self.input_shape} has rank "
                f"{len(self.input_shape)}; expected Flatten() as the first layer, "
                f"got {type(self.layers[0]).__name__}"
            )

    @property
    def layer_names(self) -> tuple[str, ...]:
        """Names of the Dense layers, in order (the keys of ``apply``'s trace)."""
        names, count = [], 0
        for layer in self.layers:
            if isinstance(layer, Dense):
                count += 1
                names.append(layer.name or f"dense_{count}")
        return tuple(names)

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """Units of each Dense layer, in the order of ``layer_names``."""
        return tuple(la.features for la in self.layers if isinstance(la, Dense))

    @property
    def n_outputs(self) -> int:
        """Number of logits."""
        return [la for la in self.layers if isinstance(la, Dense)][-1].features

    def init(self, key: Array) -> Params:
        """Random parameters: LeCun-normal weights (He-normal before ReLU/GELU), zero biases."""
        params: list[dict[str, Array]] = []
        fan_in = math.prod(self.input_shape)
        for layer in self.layers:
            if isinstance(layer, Flatten):
                params.append({})
                continue
            key, sub = jax.random.split(key)
            gain = 2.0 if layer.activation in ("relu", "gelu") else 1.0
            w = jax.random.normal(sub, (fan_in, layer.features), jnp.float32)
            params.append(
                {"w": w * jnp.sqrt(gain / fan_in), "b": jnp.zeros(layer.features, jnp.float32)}
            )
            fan_in = layer.features
        return tuple(params)

    def apply(self, params: Params, x: Array) -> tuple[Array, dict[str, LayerValues]]:
        """Forward pass of one example.

        Args:
            params: as returned by ``init`` (one dict per layer).
            x: one input of shape ``input_shape``.

        Returns:
            ``(logits, trace)``: logits of shape ``(n_outputs,)`` and, for every Dense
            layer by name, its pre- and post-activation values.
        """
        trace: dict[str, LayerValues] = {}
        names = iter(self.layer_names)
        h = x
        for layer, p in zip(self.layers, params):
            if isinstance(layer, Flatten):
                h = jnp.reshape(h, (-1,))
                continue
            pre = h @ p["w"] + p["b"]
            h = ACTIVATIONS[layer.activation](pre)
            trace[next(names)] = LayerValues(pre, h)
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
        """Inverse of ``to_dict``."""
        kinds = {"Dense": Dense, "Flatten": Flatten}
        try:
            layers = tuple(
                kinds[d["type"]](**{k: v for k, v in d.items() if k != "type"})
                for d in spec["layers"]
            )
            return cls(tuple(spec["input_shape"]), layers)
        except (KeyError, TypeError) as e:
            raise ValueError(f"Sequential.from_dict(spec=...): malformed spec {spec!r}: {e}") from e


def check_params(model: Sequential, params: Any) -> Params:
    """Return ``params`` as float32 arrays, or raise ValueError naming the first mismatch."""
    expected = jax.eval_shape(model.init, jax.random.key(0))
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
            if arr.shape != spec.shape:
                raise ValueError(
                    f"params[{i}][{k!r}]: expected shape {spec.shape}, got {arr.shape}"
                )
            layer[k] = arr
        out.append(layer)
    return tuple(out)
