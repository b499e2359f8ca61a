"""Exact t-SNE in JAX, run in chunks so a progress bar can follow it.

t-SNE has no projection for a new point, so ``knn_place`` puts one among its neighbours.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp

from ._types import Array


def _sq_distances(a: Array) -> Array:
    sq = jnp.sum(a**2, axis=1)
    return jnp.maximum(sq[:, None] + sq[None, :] - 2.0 * a @ a.T, 0.0)


@functools.partial(jax.jit, static_argnames="perplexity")
def tsne_affinities(a: Array, *, perplexity: float = 30.0) -> Array:
    """Symmetric joint probabilities P (``(n, n)``) with each row's entropy = log(perplexity)."""
    a = a.reshape(a.shape[0], -1).astype(jnp.float32)
    d = _sq_distances(a)
    n = d.shape[0]
    off = 1.0 - jnp.eye(n, dtype=d.dtype)
    target = jnp.log(perplexity)

    def row_p(beta: Array) -> tuple[Array, Array]:
        logits = -d * beta[:, None]
        logits = jnp.where(off > 0, logits, -jnp.inf)
        p = jax.nn.softmax(logits, axis=1)
        entropy = -jnp.sum(jnp.where(p > 0, p * jnp.log(jnp.where(p > 0, p, 1.0)), 0.0), axis=1)
        return p, entropy

    def bisect(_: int, bounds: tuple[Array, Array]) -> tuple[Array, Array]:
        lo, hi = bounds
        mid = jnp.sqrt(lo * hi)
        _, h = row_p(mid)
        too_flat = h > target  # entropy too high: sharpen (larger beta)
        return jnp.where(too_flat, mid, lo), jnp.where(too_flat, hi, mid)

    scale = 1.0 / jnp.maximum(jnp.median(d), 1e-12)
    lo, hi = jax.lax.fori_loop(0, 64, bisect, (jnp.full(n, 1e-6) * scale, jnp.full(n, 1e6) * scale))
    p, _ = row_p(jnp.sqrt(lo * hi))
    return (p + p.T) / (2.0 * n)


@functools.partial(jax.jit, static_argnames="steps")
def tsne_steps(
    p: Array, y: Array, velocity: Array, start: Array, *, steps: int
) -> tuple[Array, Array]:
    """``steps`` gradient-descent-with-momentum iterations of t-SNE from iteration ``start``.

    Early exaggeration (x12) for the first 100 iterations, momentum 0.5 then 0.8, step 200.
    """

    def step(carry: tuple[Array, Array], it: Array) -> tuple[tuple[Array, Array], None]:
        y, v = carry
        exaggeration = jnp.where(it < 100, 12.0, 1.0)
        momentum = jnp.where(it < 250, 0.5, 0.8)
        w = 1.0 / (1.0 + _sq_distances(y))
        w = w * (1.0 - jnp.eye(y.shape[0], dtype=y.dtype))
        q = w / jnp.sum(w)
        coeff = (exaggeration * p - q) * w
        grad = 4.0 * (jnp.sum(coeff, axis=1)[:, None] * y - coeff @ y)
        v = momentum * v - 200.0 * grad
        return (y + v, v), None

    (y, velocity), _ = jax.lax.scan(step, (y, velocity), start + jnp.arange(steps))
    return y, velocity


def knn_place(ref_acts: Array, ref_coords: Array, a: Array, k: int = 5) -> Array:
    """A new activation's map position from its ``k`` nearest neighbours in the data.

    The inverse-distance weighted mean of their map coordinates (exact on a data point).
    """
    d = jnp.sum((ref_acts - a.ravel()[None]) ** 2, axis=1)
    neg, idx = jax.lax.top_k(-d, k)
    w = 1.0 / (jnp.sqrt(jnp.maximum(-neg, 0.0)) + 1e-6)
    return (w[:, None] * ref_coords[idx]).sum(axis=0) / w.sum()
