"""Summary statistics and a histogram of one weight array (the weights view's numbers)."""

from __future__ import annotations

import functools
from typing import NamedTuple

import jax
import jax.numpy as jnp

from ._types import Array


class WeightStats(NamedTuple):
    """Statistics of one array of weights.

    Attributes:
        mean: mean value.
        var: variance.
        min: smallest value.
        max: largest value.
        counts: histogram counts, ``(bins,)``.
        edges: histogram bin edges, ``(bins + 1,)``.
    """

    mean: Array
    var: Array
    min: Array
    max: Array
    counts: Array
    edges: Array


@functools.partial(jax.jit, static_argnames="bins")
def weight_stats(w: Array, *, bins: int = 30) -> WeightStats:
    """Mean, variance, min, max and a ``bins``-bin histogram of ``w`` (any shape).

    Examples:
        >>> s = weight_stats(jnp.array([0.0, 1.0, 2.0, 3.0]), bins=3)
        >>> float(s.mean), float(s.var), s.counts.tolist()
        (1.5, 1.25, [1.0, 1.0, 2.0])
    """
    v = jnp.ravel(w).astype(jnp.float32)
    lo, hi = v.min(), v.max()
    hi = jnp.where(hi > lo, hi, lo + 1.0)  # a constant array still gets a valid bin range
    counts, edges = jnp.histogram(v, bins=bins, range=(lo, hi))
    return WeightStats(v.mean(), v.var(), v.min(), v.max(), counts.astype(jnp.float32), edges)
