"""Model-parameter randomisation test (Adebayo et al. 2018), cascading from the top layer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp

from ._types import Array, Params


def spearman(a: Array, b: Array) -> Array:
    """Spearman rank correlation of two arrays (ties broken by position).

    Examples:
        >>> float(spearman(jnp.array([1., 2., 3.]), jnp.array([10., 30., 20.])))
        0.5
    """
    ra = jnp.argsort(jnp.argsort(a.ravel())).astype(jnp.float32)
    rb = jnp.argsort(jnp.argsort(b.ravel())).astype(jnp.float32)
    ra, rb = ra - ra.mean(), rb - rb.mean()
    return (ra @ rb) / jnp.sqrt((ra @ ra) * (rb @ rb) + 1e-30)


def randomisation_check(
    attribute: Callable[[Params], Array],
    model: Any,
    params: Params,
    key: Array,
    *,
    absolute: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> list[tuple[str, float]]:
    """Re-randomise the layers top-down, cumulatively; compare each map with the trained one.

    Args:
        attribute: ``params -> map`` (the method to check, on a fixed input and target).
        model: a ``Sequential`` (``init`` gives the random weights, ``layers`` the order).
        params: the trained parameters.
        key: PRNG key for the random weights.
        absolute: compare ``|map|`` (as in the paper's main figures).
        progress: called with ``(done, total)`` after each layer.

    Returns:
        ``[(name of the last layer randomised, Spearman rho), ...]``, top layer first. A
        method that depends on the weights falls towards 0 as more layers are randomised.
    """
    original = attribute(params)
    fresh = model.init(key)
    trainable = [i for i, p in enumerate(params) if p]  # layers with parameters, bottom-up
    names = list(getattr(model, "layer_names", [str(i) for i in trainable]))
    out: list[tuple[str, float]] = []
    current = list(params)
    for done, (i, name) in enumerate(zip(reversed(trainable), reversed(names)), 1):
        current[i] = fresh[i]
        m = attribute(tuple(current))
        a, b = (jnp.abs(original), jnp.abs(m)) if absolute else (original, m)
        out.append((name, float(spearman(a, b))))
        if progress is not None:
            progress(done, len(trainable))
    return out
