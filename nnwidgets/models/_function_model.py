"""Adapter for a user's own JAX model given as a plain function ``f(params, x) -> logits``."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import jax

from ._layers import LayerValues

Array = jax.Array


@dataclasses.dataclass(frozen=True, eq=False)
class FunctionModel:
    """Wrap ``fn(params, x) -> logits`` (one example in, ``(n_outputs,)`` out).

    Such a model shows no hidden layers: the trace holds only the output.
    Hashing is by identity, so it can be a static argument of ``jax.jit``.

    Args:
        fn: the model function; must be traceable by JAX.
        input_shape: shape of one example.
        n_outputs: number of logits.
    """

    fn: Callable[[Any, Array], Array]
    input_shape: tuple[int, ...]
    n_outputs: int

    @property
    def layer_names(self) -> tuple[str, ...]:
        """Only the output layer."""
        return ("output",)

    @property
    def activation_names(self) -> tuple[str, ...]:
        """The output's (identity: logits are returned as they are)."""
        return ("identity",)

    @property
    def layer_shapes(self) -> tuple[tuple[int, ...], ...]:
        """The output layer's shape."""
        return ((self.n_outputs,),)

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """The output layer's size."""
        return (self.n_outputs,)

    def apply(self, params: Any, x: Array) -> tuple[Array, dict[str, LayerValues]]:
        """Logits and a one-entry trace."""
        out = self.fn(params, x)
        return out, {"output": LayerValues(out, out)}

    def logits(self, params: Any, x: Array) -> Array:
        """Logits only."""
        return self.fn(params, x)
