"""What a forward pass's trace holds: ``LayerValues`` per layer, and the activations by name."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

import jax
import jax.numpy as jnp

Array = jax.Array

ACTIVATIONS: Mapping[str, Callable[[Array], Array]] = {
    "identity": lambda z: z,
    "relu": jax.nn.relu,
    "tanh": jnp.tanh,
    "sigmoid": jax.nn.sigmoid,
    "gelu": jax.nn.gelu,
    "softplus": jax.nn.softplus,
}


class LayerValues(NamedTuple):
    """One layer's values for one input: ``pre`` (before activation) and ``post`` (after)."""

    pre: Array
    post: Array
