"""SmoothGrad: saliency averaged over Gaussian-perturbed copies of the input."""

from __future__ import annotations

from typing import Any

from ._noise import noisy_gradients
from ._types import Array, Attribution, Inputs, Params, Settings, prepare, unavailable


def smoothgrad(
    model: Any,
    params: Params,
    x: Array,
    target: Array,
    inputs: Inputs | None = None,
    settings: Settings | None = None,
) -> Attribution:
    """Mean gradient over ``settings.samples`` noisy copies (noise std ``inputs.sigma`` × range).

    Sigma is an array (never a retrace); a fixed ``inputs.key`` gives the same map every call;
    sigma 0 gives saliency.

    References:
        Smilkov et al. (2017), SmoothGrad: removing noise by adding noise.
    """
    x, inputs, settings = prepare(x, inputs, settings)
    grads = noisy_gradients(model, params, x, target, inputs, settings)
    return Attribution(grads.mean(axis=0), unavailable())
