"""Reference inputs for path and perturbation methods: given, blurred input, uniform noise."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from ._types import Array, Inputs, Settings


def gaussian_blur(x: Array, sigma: float) -> Array:
    """``x`` blurred with a separable Gaussian of ``sigma`` pixels over its two leading axes."""
    radius = max(1, int(np.ceil(3 * sigma)))
    taps = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    taps = jnp.asarray(taps / taps.sum(), jnp.float32)
    out = x
    for axis in range(min(2, x.ndim)):
        out = jnp.apply_along_axis(lambda v: jnp.convolve(v, taps, mode="same"), axis, out)
    return out


def make_baseline(x: Array, inputs: Inputs, settings: Settings) -> Array:
    """The baseline ``settings.baseline`` asks for (``"input"`` uses ``inputs.baseline``)."""
    if settings.baseline == "blur":
        if x.ndim < 2:
            raise ValueError(
                f"baseline: 'blur' needs an image input (rank >= 2), got shape {x.shape}"
            )
        return gaussian_blur(x, settings.blur_sigma)
    if settings.baseline == "uniform":
        u = jax.random.uniform(jax.random.fold_in(inputs.key, 1), x.shape, x.dtype)
        return inputs.low + u * (inputs.high - inputs.low)
    return inputs.baseline
