"""Grad-CAM: a conv layer's channels weighted by their mean gradient, upsampled to the input."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from ._types import Array, Attribution, Inputs, Params, Settings, prepare, unavailable


def conv_layers(model: Any) -> tuple[str, ...]:
    """Names of the traced layers whose output is a feature map (rank 3: H, W, C).

    A model that says what its entries are (``layer_kinds``) names its conv layers: the
    ``(T, T, heads)`` attention weights of a sequence model are no feature maps.
    """
    shapes = getattr(model, "layer_shapes", None)
    if shapes is None:
        return ()
    kinds = getattr(model, "layer_kinds", None) or ("conv",) * len(shapes)
    return tuple(
        n for n, s, k in zip(model.layer_names, shapes, kinds) if len(s) == 3 and k == "conv"
    )


def grad_cam(
    model: Any,
    params: Params,
    x: Array,
    target: Array,
    inputs: Inputs | None = None,
    settings: Settings | None = None,
) -> Attribution:
    """``relu(sum_k alpha_k A_k)`` on ``settings.layer`` (default: the last conv layer).

    ``A`` is the layer's output, ``alpha_k`` the spatial mean of ``d logit / d A_k``. The map
    is resized (bilinear) to the input's two spatial axes and repeated over its channels.
    ``settings.cam_relu=False`` keeps the negative evidence (Captum's ``LayerGradCam``
    default, ``relu_attributions=False``).

    Raises:
        ValueError: the model has no conv layer, or ``settings.layer`` is not one.

    References:
        Selvaraju et al. (2017), Grad-CAM.
    """
    x, _, settings = prepare(x, inputs, settings)
    convs = conv_layers(model)
    if not convs:
        names = getattr(model, "layer_names", ())
        raise ValueError(
            f"method: grad_cam needs a model with a Conv2D layer; this model's layers are "
            f"{list(names)} (choose another method, or a CNN such as 'digits_cnn')"
        )
    layer = settings.layer or convs[-1]
    if layer not in convs:
        raise ValueError(f"layer: expected one of the conv layers {list(convs)}, got {layer!r}")
    shape = dict(zip(model.layer_names, model.layer_shapes))[layer]

    def score(tap: Array) -> tuple[Array, Array]:
        logits, trace = model.apply(params, x, taps={layer: tap})
        return logits[target], trace[layer].post

    grad, acts = jax.grad(score, has_aux=True)(jnp.zeros(shape, x.dtype))
    alpha = grad.mean(axis=(0, 1))
    cam = (acts * alpha[None, None]).sum(axis=-1)
    cam = jax.nn.relu(cam) if settings.cam_relu else cam
    cam = jax.image.resize(cam, x.shape[:2], "linear")
    if x.ndim == 3:
        cam = jnp.broadcast_to(cam[..., None], x.shape)
    return Attribution(cam, unavailable())
