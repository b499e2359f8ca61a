"""Principal component analysis of a layer's activations over a data set (the embedding view)."""

from __future__ import annotations

import functools
from typing import NamedTuple

import jax
import jax.numpy as jnp

from ._types import Array


class PCA(NamedTuple):
    """A fitted projection.

    Attributes:
        mean: ``(d,)`` the data's mean.
        components: ``(d, k)`` orthonormal directions of largest variance.
        coords: ``(n, k)`` the data projected.
        explained: ``(k,)`` fraction of the variance each component explains.
    """

    mean: Array
    components: Array
    coords: Array
    explained: Array


@functools.partial(jax.jit, static_argnames="k")
def pca(a: Array, *, k: int = 2) -> PCA:
    """PCA of the rows of ``a`` (``(n, d)``) by SVD, with a sign convention for stable plots.

    Each component's sign makes its largest-magnitude entry positive, so refitting the same
    data never mirrors the plot.
    """
    a = a.reshape(a.shape[0], -1).astype(jnp.float32)
    mean = a.mean(axis=0)
    _, s, vt = jnp.linalg.svd(a - mean[None], full_matrices=False)
    comps = vt[:k].T  # (d, k)
    signs = jnp.sign(comps[jnp.argmax(jnp.abs(comps), axis=0), jnp.arange(comps.shape[1])])
    comps = comps * jnp.where(signs == 0, 1.0, signs)[None]
    var = s**2
    return PCA(mean, comps, (a - mean[None]) @ comps, var[:k] / jnp.maximum(var.sum(), 1e-30))


def project(pca_mean: Array, components: Array, a: Array) -> Array:
    """One activation vector in the fitted PCA coordinates, ``(k,)``."""
    return (a.ravel() - pca_mean) @ components


@functools.partial(jax.jit, static_argnames=("model", "layer"))
def layer_outputs(model: object, params: object, xs: Array, *, layer: str) -> Array:
    """``(n, size)``: layer ``layer``'s post-activation for every input in ``xs``."""
    return jax.vmap(lambda x: model.apply(params, x)[1][layer].post.ravel())(xs)  # type: ignore[attr-defined]
