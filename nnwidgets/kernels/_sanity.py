"""Model-parameter randomisation test (Adebayo et al. 2018), cascading from the top layer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp

from ..models import param_groups
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


def random_like(key: Array, params: Params) -> Params:
    """Fresh random parameters shaped like ``params``: each leaf normal with the leaf's std.

    The re-initialisation of a model that has no ``init`` of ours (a user's Flax, Equinox or
    Haiku model): the same scale as the trained values, none of their structure.
    """
    leaves, treedef = jax.tree_util.tree_flatten(params)
    keys = jax.random.split(key, max(len(leaves), 1))
    fresh = [
        jax.random.normal(k, jnp.shape(leaf), jnp.float32) * jnp.std(jnp.asarray(leaf, jnp.float32))
        for k, leaf in zip(keys, leaves)
    ]
    return jax.tree_util.tree_unflatten(treedef, fresh)


def randomisation_check(
    attribute: Callable[[Params], Array],
    model: Any,
    params: Params,
    key: Array,
    *,
    absolute: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> list[tuple[str, float]]:
    """Re-randomise the parameter groups from the output back, cumulatively; compare maps.

    Args:
        attribute: ``params -> map`` (the method to check, on a fixed input and target).
        model: a ``Sequential`` (``init`` gives the random weights) or a ``UserModel``
            (``random_like``: normal with each leaf's std); ``param_groups`` gives the order.
        params: the trained parameters.
        key: PRNG key for the random weights.
        absolute: compare ``|map|`` (as in the paper's main figures).
        progress: called with ``(done, total)`` after each group.

    Returns:
        ``[(name of the last group randomised, Spearman rho), ...]``, top group first. A
        method that depends on the weights falls towards 0 as more groups are randomised.
    """
    original = attribute(params)
    fresh = model.init(key) if hasattr(model, "init") else random_like(key, params)
    flat, treedef = jax.tree_util.tree_flatten_with_path(params)
    groups = [model.name_leaf(path)[0] for path, _ in flat]
    current = [leaf for _, leaf in flat]
    new = jax.tree_util.tree_leaves(fresh)
    order = list(param_groups(model, params))
    out: list[tuple[str, float]] = []
    for done, name in enumerate(reversed(order), 1):
        current = [n if g == name else c for c, n, g in zip(current, new, groups)]
        m = attribute(jax.tree_util.tree_unflatten(treedef, current))
        a, b = (jnp.abs(original), jnp.abs(m)) if absolute else (original, m)
        out.append((name, float(spearman(a, b))))
        if progress is not None:
            progress(done, len(order))
    return out
