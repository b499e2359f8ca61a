"""Attention rollout: how much each input token flows into each position through all layers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp

from ._types import Array


def attention_entries(model: Any) -> tuple[str, ...]:
    """The model's attention-weight entries (``layer_kinds`` "attention"), in order."""
    kinds = getattr(model, "layer_kinds", ())
    return tuple(n for n, k in zip(model.layer_names, kinds) if k == "attention")


@jax.jit
def attention_rollout(weights: Sequence[Array]) -> Array:
    """Rollout of Abnar & Zuidema (2020) over ``weights``, each ``(T, T, heads)``, in order.

    Each layer's weights are averaged over its heads, the residual connection is added as
    ``0.5 A + 0.5 I`` (rows renormalised), and the layers are multiplied from the first:
    row ``q`` of the result is how much each input token reaches position ``q`` at the top.
    Every row sums to 1.

    Examples:
        >>> import numpy as np
        >>> w = np.full((3, 3, 2), 1 / 3, np.float32)
        >>> np.asarray(attention_rollout((w,))).sum(axis=1).round(5).tolist()
        [1.0, 1.0, 1.0]
    """
    steps = weights[0].shape[0]
    eye = jnp.eye(steps, dtype=jnp.float32)
    out = eye
    for w in weights:
        a = 0.5 * jnp.mean(w, axis=-1) + 0.5 * eye
        a = a / jnp.sum(a, axis=-1, keepdims=True)
        out = a @ out
    return out
