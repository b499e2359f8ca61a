"""Gradients at Gaussian-perturbed copies of the input (the SmoothGrad family's common step)."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from ._types import Array, Inputs, Params, Settings, target_fn


def noisy_gradients(
    model: Any, params: Params, x: Array, target: Array, inputs: Inputs, settings: Settings
) -> Array:
    """``(samples, *x.shape)`` gradients at ``x + sigma * (high - low) * N(0, 1)``."""
    noise = jax.random.normal(inputs.key, (settings.samples, *x.shape), x.dtype)
    scale = inputs.sigma * (inputs.high - inputs.low)
    noisy = x[None] + noise * jnp.broadcast_to(scale, x.shape)[None]
    return jax.vmap(jax.grad(target_fn(model, params, target)))(noisy)
