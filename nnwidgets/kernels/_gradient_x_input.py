"""Gradient × input."""

from __future__ import annotations

from typing import Any

import jax

from ._types import Array, Attribution, Inputs, Params, Settings, prepare, target_fn, unavailable


def gradient_x_input(
    model: Any,
    params: Params,
    x: Array,
    target: Array,
    inputs: Inputs | None = None,
    settings: Settings | None = None,
) -> Attribution:
    """Element-wise product of the gradient and the input; shape of ``x``.

    For a linear model ``x @ W`` this is ``W[:, target] * x``: each feature's contribution.

    References:
        Shrikumar et al. (2016), Not just a black box.
    """
    x, _, _ = prepare(x, inputs, settings)
    return Attribution(jax.grad(target_fn(model, params, target))(x) * x, unavailable())
