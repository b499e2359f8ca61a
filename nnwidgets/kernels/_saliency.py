"""Vanilla saliency: the gradient of the target logit with respect to the input."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from ._types import Array, Attribution, Inputs, Params, Settings, prepare, target_fn, unavailable


def saliency(
    model: Any,
    params: Params,
    x: Array,
    target: Array,
    inputs: Inputs | None = None,
    settings: Settings | None = None,
) -> Attribution:
    """Gradient of logit ``target`` with respect to ``x`` (``settings.absolute``: its size).

    Args:
        model: a model with ``logits(params, x)`` or a function ``(params, x) -> logits``.
        params: the model parameters.
        x: one input, any shape.
        target: int32 class index (an array, so changing it never retraces).
        inputs: unused.
        settings: ``absolute``.

    Returns:
        ``Attribution(map of x's shape, 0)``.

    Examples:
        >>> import jax.numpy as jnp
        >>> w = jnp.array([[1., -2.], [3., 4.]])
        >>> saliency(lambda p, x: x @ p, w, jnp.ones(2), jnp.int32(1)).attribution
        Array([-2.,  4.], dtype=float32)

    References:
        Simonyan, Vedaldi, Zisserman (2014), Deep inside convolutional networks.
    """
    x, _, settings = prepare(x, inputs, settings)
    g = jax.grad(target_fn(model, params, target))(x)
    return Attribution(jnp.abs(g) if settings.absolute else g, unavailable())
