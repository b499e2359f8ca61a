"""Occlusion: slide a window over the input, fill it, and measure how much the score drops."""

from __future__ import annotations

import functools
import itertools
import math
from typing import Any

import jax.numpy as jnp
import numpy as np

from ._perturb import masked_scores
from ._types import Array, Attribution, Inputs, Params, Settings, prepare, target_fn, unavailable


def _per_axis(name: str, value: tuple[int, ...], shape: tuple[int, ...]) -> tuple[int, ...]:
    if len(value) == 1:
        return value * len(shape)
    if len(value) != len(shape):
        raise ValueError(
            f"{name}: expected one int or {len(shape)} ints for an input of shape {shape}, "
            f"got {value}"
        )
    return value


@functools.cache
def windows(shape: tuple[int, ...], window: tuple[int, ...], stride: tuple[int, ...]) -> np.ndarray:
    """``(P, prod(shape))`` boolean masks, True inside each window position.

    Examples:
        >>> windows((3,), (2,), (1,)).astype(int)
        array([[1, 1, 0],
               [0, 1, 1]])
    """
    window, stride = _per_axis("window", window, shape), _per_axis("stride", stride, shape)
    if any(w > n for w, n in zip(window, shape)):
        raise ValueError(f"window: expected at most the input's shape {shape}, got {window}")
    starts = [range(0, n - w + 1, s) for n, w, s in zip(shape, window, stride)]
    masks = np.zeros((math.prod(len(r) for r in starts), *shape), bool)
    for i, corner in enumerate(itertools.product(*starts)):
        masks[(i, *(slice(c, c + w) for c, w in zip(corner, window)))] = True
    return masks.reshape(len(masks), -1)


def occlusion(
    model: Any,
    params: Params,
    x: Array,
    target: Array,
    inputs: Inputs | None = None,
    settings: Settings | None = None,
) -> Attribution:
    """Each element's mean score drop over the windows that cover it.

    ``settings.window`` / ``settings.stride`` per input axis (one int applies to every axis;
    window 1 on tabular data occludes one feature at a time); the window is filled with
    ``inputs.replacement``. With window 1 a linear model gives ``w * (x - replacement)``.

    References:
        Zeiler, Fergus (2014), Visualizing and understanding convolutional networks.
    """
    x, inputs, settings = prepare(x, inputs, settings)
    masks = windows(tuple(x.shape), settings.window, settings.stride)
    scores = masked_scores(model, params, x, target, jnp.asarray(~masks), inputs.replacement)
    drop = target_fn(model, params, target)(x) - scores  # (P,)
    covered = masks.sum(axis=0).astype(np.float32)
    total = jnp.asarray(masks, x.dtype).T @ drop
    attribution = jnp.where(covered > 0, total / np.maximum(covered, 1), 0.0)
    return Attribution(attribution.reshape(x.shape), unavailable())
