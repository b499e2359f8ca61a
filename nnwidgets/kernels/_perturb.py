"""Shared steps of the perturbation methods: masked scores, feature groups, superpixel masks."""

from __future__ import annotations

import functools
import math
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ._types import Array, Inputs, Params, Settings, target_fn


def masked_scores(
    model: Any, params: Params, x: Array, target: Array, keep: Array, fill: Array
) -> Array:
    """Scores ``f(keep * x + (1 - keep) * fill)`` for each row of ``keep`` (``(P, x.size)``)."""
    f = target_fn(model, params, target)
    keep = keep.astype(x.dtype)
    flat_x, flat_fill = x.ravel(), jnp.broadcast_to(fill, x.shape).ravel()
    mixed = keep * flat_x[None] + (1 - keep) * flat_fill[None]
    return jax.vmap(lambda z: f(z.reshape(x.shape)))(mixed)


def n_groups(x: Array, settings: Settings) -> int:
    """How many players the method perturbs: ``settings.groups``, else one per feature."""
    return settings.groups or x.size


def spread(values: Array, inputs: Inputs, settings: Settings) -> Array:
    """Per-group ``values`` (``(..., G)``) given to every feature of each group (``(..., size)``).

    Without a mask (``settings.groups == 0``) the groups are the features: unchanged.
    """
    return values[..., inputs.mask.ravel()] if settings.groups else values


def grid_mask(shape: tuple[int, ...], cell: int) -> np.ndarray:
    """Square superpixels: group ids of ``cell`` x ``cell`` pixels, row by row.

    For an image ``(H, W)`` or ``(H, W, C)`` the cells tile the two spatial axes (the last row
    and column of cells are cut at the border) and a pixel's channels share its group; there
    are ``ceil(H / cell) * ceil(W / cell)`` groups. Any other shape, or ``cell`` 0, gives each
    feature its own group. The array is int32, read-only, and the same object for the same
    arguments (cached).

    Examples:
        >>> grid_mask((3, 4), 2)
        array([[0, 0, 1, 1],
               [0, 0, 1, 1],
               [2, 2, 3, 3]], dtype=int32)
        >>> grid_mask((2, 2, 3), 2)[..., 2]
        array([[0, 0],
               [0, 0]], dtype=int32)
    """
    if isinstance(cell, bool) or not isinstance(cell, (int, np.integer)) or cell < 0:
        raise ValueError(f"cell: expected an int >= 0 (0 = each feature alone), got {cell!r}")
    return _grid_mask(tuple(int(n) for n in shape), int(cell))


@functools.cache
def _grid_mask(shape: tuple[int, ...], cell: int) -> np.ndarray:
    if cell and len(shape) in (2, 3):
        rows = np.arange(shape[0]) // cell
        cols = np.arange(shape[1]) // cell
        ids = rows[:, None] * math.ceil(shape[1] / cell) + cols[None, :]
        mask = np.broadcast_to(ids.reshape(*ids.shape, *(1,) * (len(shape) - 2)), shape)
    else:
        mask = np.arange(math.prod(shape)).reshape(shape)
    mask = np.array(mask, np.int32)
    mask.flags.writeable = False
    return mask
