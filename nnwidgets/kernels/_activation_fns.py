"""An activation function and its derivative on a grid (the activation-function view's curves)."""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp

from ..models import ACTIVATIONS
from ._types import Array


@functools.partial(jax.jit, static_argnames="name")
def activation_curve(name: str, z: Array) -> tuple[Array, Array]:
    """``(f(z), f'(z))`` for activation ``name``, element-wise, ``f'`` by ``jax.grad``.

    Examples:
        >>> f, df = activation_curve("relu", jnp.array([-1.0, 2.0]))
        >>> f.tolist(), df.tolist()
        ([0.0, 2.0], [0.0, 1.0])
    """
    if name not in ACTIVATIONS:
        raise ValueError(f"name: expected one of {sorted(ACTIVATIONS)}, got {name!r}")
    f = ACTIVATIONS[name]
    z = jnp.asarray(z, jnp.float32)
    return f(z), jax.vmap(jax.grad(lambda s: f(s)))(z.ravel()).reshape(z.shape)
