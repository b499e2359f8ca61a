"""VarGrad: the variance of the gradient over noisy copies."""

from __future__ import annotations

from typing import Any

from ._noise import noisy_gradients
from ._types import Array, Attribution, Inputs, Params, Settings, prepare, unavailable


def vargrad(
    model: Any,
    params: Params,
    x: Array,
    target: Array,
    inputs: Inputs | None = None,
    settings: Settings | None = None,
) -> Attribution:
    """Variance of the gradient over noisy copies (zero for a linear model).

    References:
        Adebayo et al. (2018), Local explanation methods for deep neural networks lack
        sensitivity to parameter values.
    """
    x, inputs, settings = prepare(x, inputs, settings)
    grads = noisy_gradients(model, params, x, target, inputs, settings)
    return Attribution(grads.var(axis=0), unavailable())
