"""Vanilla saliency: the gradient of the target logit with respect to the input."""

from __future__ import annotations

import jax

from ._types import Array, LogitFn, Params


def saliency(logit_fn: LogitFn, params: Params, x: Array, target: Array) -> Array:
    """Gradient of logit ``target`` with respect to ``x``.

    Args:
        logit_fn: ``(params, x) -> logits`` of shape ``(C,)``.
        params: the model parameters.
        x: one input, any shape.
        target: integer class index in ``[0, C)`` (an int32 array, so changing it never retraces).

    Returns:
        An array of ``x``'s shape.

    Examples:
        >>> import jax.numpy as jnp
        >>> w = jnp.array([[1., -2.], [3., 4.]])
        >>> saliency(lambda p, x: x @ p, w, jnp.ones(2), jnp.int32(1))
        Array([-2.,  4.], dtype=float32)

    References:
        Simonyan, Vedaldi, Zisserman (2014), Deep inside convolutional networks.
    """
    return jax.grad(lambda z: logit_fn(params, z)[target])(x)
