"""Shared step of the perturbation methods: the model's target score on many masked inputs."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from ._types import Array, Params, target_fn


def masked_scores(
    model: Any, params: Params, x: Array, target: Array, keep: Array, fill: Array
) -> Array:
    """Scores ``f(keep * x + (1 - keep) * fill)`` for each row of ``keep`` (``(P, x.size)``)."""
    f = target_fn(model, params, target)
    keep = keep.astype(x.dtype)
    flat_x, flat_fill = x.ravel(), jnp.broadcast_to(fill, x.shape).ravel()
    mixed = keep * flat_x[None] + (1 - keep) * flat_fill[None]
    return jax.vmap(lambda z: f(z.reshape(x.shape)))(mixed)
