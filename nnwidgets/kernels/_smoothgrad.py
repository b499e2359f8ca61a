"""SmoothGrad: saliency averaged over Gaussian-perturbed copies of the input."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from ._saliency import saliency
from ._types import Array, LogitFn, Params


def smoothgrad(
    logit_fn: LogitFn,
    params: Params,
    x: Array,
    target: Array,
    key: Array,
    noise_scale: Array,
    *,
    samples: int,
) -> Array:
    """Mean saliency over ``samples`` inputs ``x + noise_scale * N(0, 1)``.

    ``noise_scale`` is an array (scalar or ``x``'s shape) so changing sigma never retraces;
    a fixed ``key`` gives the same map every call, and ``noise_scale = 0`` gives saliency.

    References:
        Smilkov et al. (2017), SmoothGrad: removing noise by adding noise.
    """
    if samples < 1:
        raise ValueError(f"smoothgrad samples: expected an int >= 1, got {samples!r}")
    noise = jax.random.normal(key, (samples, *x.shape), x.dtype)
    noisy = x[None] + noise * jnp.broadcast_to(noise_scale, x.shape)[None]
    grads = jax.vmap(lambda z: saliency(logit_fn, params, z, target))(noisy)
    return grads.mean(axis=0)
