"""Neuron attribution: what a hidden neuron responds to, as the gradient of its activation."""

from __future__ import annotations

from typing import Any

import jax

from ._types import Array, Attribution, Inputs, Params, Settings, prepare, unavailable


def neuron_gradient(
    model: Any,
    params: Params,
    x: Array,
    target: Array,
    inputs: Inputs | None = None,
    settings: Settings | None = None,
) -> Attribution:
    """Gradient of neuron ``inputs.neuron`` of ``settings.layer`` (post-activation) w.r.t. x.

    ``target`` is unused; the neuron index is flat over the layer's output (an array, so
    clicking another neuron never retraces). The default layer is the first traced one.

    Raises:
        ValueError: ``settings.layer`` is not one of the model's layers.
    """
    x, inputs, settings = prepare(x, inputs, settings)
    names = tuple(getattr(model, "layer_names", ()))
    if not names:
        raise ValueError("method: neuron_gradient needs a model with named layers (a Sequential)")
    layer = settings.layer or names[0]
    if layer not in names:
        raise ValueError(f"layer: expected one of {list(names)}, got {layer!r}")
    size = dict(zip(names, model.layer_sizes))[layer]

    def activation(z: Array) -> Array:
        return model.apply(params, z)[1][layer].post.ravel()[inputs.neuron % size]

    return Attribution(jax.grad(activation)(x), unavailable())
