"""SmoothGrad-squared: the mean of squared gradients over noisy copies."""

from __future__ import annotations

from typing import Any

from ._noise import noisy_gradients
from ._types import Array, Attribution, Inputs, Params, Settings, prepare, unavailable


def smoothgrad_sq(
    model: Any,
    params: Params,
    x: Array,
    target: Array,
    inputs: Inputs | None = None,
    settings: Settings | None = None,
) -> Attribution:
    """Mean of the squared gradient over noisy copies (non-negative; sigma 0: saliency²).

    References:
        Hooker et al. (2019), A benchmark for interpretability methods in deep neural networks.
    """
    x, inputs, settings = prepare(x, inputs, settings)
    grads = noisy_gradients(model, params, x, target, inputs, settings)
    return Attribution((grads**2).mean(axis=0), unavailable())
