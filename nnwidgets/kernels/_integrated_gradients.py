"""Integrated Gradients with the midpoint Riemann rule, vectorised over the path with vmap."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from ._saliency import saliency
from ._types import Array, IGResult, LogitFn, Params


def integrated_gradients(
    logit_fn: LogitFn, params: Params, x: Array, target: Array, baseline: Array, *, steps: int
) -> IGResult:
    """Path integral of the gradient from ``baseline`` to ``x``, times ``x - baseline``.

    The midpoint rule is exact whenever the gradient is linear along the path (for example
    ``f = sum(x**2)`` gives ``x**2``), so the completeness gap measures only the curvature
    the rule misses. ``steps`` is static: it fixes the shape of the path.

    Args:
        logit_fn: ``(params, x) -> logits``.
        params: the model parameters.
        x: one input.
        target: int32 class index.
        baseline: the reference input, same shape as ``x``.
        steps: number of points on the path (>= 1).

    Returns:
        ``IGResult(attribution, completeness_gap)``.

    References:
        Sundararajan, Taly, Yan (2017), Axiomatic attribution for deep networks.
    """
    if steps < 1:
        raise ValueError(f"integrated_gradients steps: expected an int >= 1, got {steps!r}")
    alphas = (jnp.arange(steps, dtype=x.dtype) + 0.5) / steps
    path = baseline[None] + alphas.reshape((-1,) + (1,) * x.ndim) * (x - baseline)[None]
    grads = jax.vmap(lambda z: saliency(logit_fn, params, z, target))(path)
    attribution = grads.mean(axis=0) * (x - baseline)
    delta = logit_fn(params, x)[target] - logit_fn(params, baseline)[target]
    return IGResult(attribution, attribution.sum() - delta)
