"""Gradient × input."""

from __future__ import annotations

from ._saliency import saliency
from ._types import Array, LogitFn, Params


def gradient_x_input(logit_fn: LogitFn, params: Params, x: Array, target: Array) -> Array:
    """Element-wise product of the saliency map and the input; shape of ``x``.

    For a linear model ``x @ W`` this is ``W[:, target] * x``: each feature's contribution.

    References:
        Shrikumar et al. (2016), Not just a black box.
    """
    return saliency(logit_fn, params, x, target) * x
