"""Occlusion: slide a window over the input, fill it, and measure how much the score drops."""

from __future__ import annotations

import functools
import itertools
import math
from typing import Any

import jax.numpy as jnp
import numpy as np

from ._baselines import make_baseline
from ._perturb import masked_scores, spread
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

    Captum's placement: along an axis of ``n`` elements the window starts at ``0, s, 2s, ...``
    for ``ceil((n - w) / s) + 1`` positions, so the trailing elements are always covered; when
    ``n - w`` is not a multiple of ``s`` the last window is cut at the border.

    Raises:
        ValueError: a window larger than the input, or a stride larger than the window on an
            axis the window does not cover whole (it would skip elements).

    Examples:
        >>> windows((3,), (2,), (1,)).astype(int)
        array([[1, 1, 0],
               [0, 1, 1]])
        >>> windows((3,), (2,), (2,)).astype(int)
        array([[1, 1, 0],
               [0, 0, 1]])
    """
    window, stride = _per_axis("window", window, shape), _per_axis("stride", stride, shape)
    if any(w > n for w, n in zip(window, shape)):
        raise ValueError(f"window: expected at most the input's shape {shape}, got {window}")
    if any(s > w and w < n for n, w, s in zip(shape, window, stride)):
        raise ValueError(
            f"stride: expected at most the window {window} on every axis the window does not "
            f"cover whole, got {stride}"
        )
    starts = [range(0, s * math.ceil((n - w) / s) + 1, s) for n, w, s in zip(shape, window, stride)]
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
    """Each element's mean score drop over the windows that cover it (Captum's ``Occlusion``).

    ``settings.window`` / ``settings.stride`` per input axis (one int applies to every axis;
    window 1 on tabular data occludes one feature at a time; for an ``(H, W, C)`` image pass
    ``(w, w, C)`` to occlude whole pixels). Windows are placed as ``windows`` says and filled
    with the baseline (``settings.baseline``: ``inputs.baseline`` by default). With window 1
    a linear model gives ``w * (x - baseline)``.

    With a mask (``settings.groups > 0``) each group of ``inputs.mask`` is one window and
    ``window`` / ``stride`` are ignored: every feature gets its group's score drop.

    References:
        Zeiler, Fergus (2014), Visualizing and understanding convolutional networks.
    """
    x, inputs, settings = prepare(x, inputs, settings)
    baseline = make_baseline(x, inputs, settings)
    fx = target_fn(model, params, target)(x)
    if settings.groups:
        keep = inputs.mask.ravel()[None] != jnp.arange(settings.groups)[:, None]
        drop = fx - masked_scores(model, params, x, target, keep, baseline)
        return Attribution(spread(drop, inputs, settings).reshape(x.shape), unavailable())
    masks = windows(tuple(x.shape), settings.window, settings.stride)
    drop = fx - masked_scores(model, params, x, target, jnp.asarray(~masks), baseline)  # (P,)
    covered = masks.sum(axis=0).astype(np.float32)  # >= 1: the windows cover every element
    attribution = (jnp.asarray(masks, x.dtype).T @ drop) / covered
    return Attribution(attribution.reshape(x.shape), unavailable())
