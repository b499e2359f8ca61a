"""Token inputs: attribution with respect to the embeddings, one value per token.

A token model (``Sequential`` whose first layer is an ``Embedding``) takes ids, which have no
gradient. Every method explains instead the model from its embeddings on,
``OnEmbeddings(model, mask)``: the input is the ``(T, d)`` embedding vectors of the ids, the
padding mask is held fixed (the ids decide which steps are padding, as Captum's layer
attribution on BERT holds the attention mask). A token's value is the sum over its ``d``
numbers for Integrated Gradients, gradient x input, SmoothGrad-squared and VarGrad (so IG
stays complete), the gradient's length for saliency, SmoothGrad and neuron gradients, and the
token's effect for the perturbation methods. The baseline is given as ids too (all padding
by default: the padding vector is zero, so that is the zero-embedding baseline);
perturbation methods perturb whole tokens (KernelSHAP, LIME and feature ablation take each
token as one feature; occlusion's window covers a token's vector whole).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import jax.numpy as jnp

from ._types import Array, Inputs, Params, Settings

#: Methods that perturb groups of features: a token is one group.
_GROUPED = ("feature_ablation", "kernel_shap", "lime")


@dataclasses.dataclass(frozen=True, eq=False)
class OnEmbeddings:
    """A token model from its embeddings on: ``apply(params, e)`` with ``e`` of ``(T, d)``.

    Everything else (layer names, shapes, parameter groups) is the token model's.
    """

    model: Any
    mask: Array

    def __getattr__(self, name: str) -> Any:
        if name in ("model", "mask"):  # not set yet (copying): no recursion
            raise AttributeError(name)
        return getattr(self.model, name)

    @property
    def input_shape(self) -> tuple[int, ...]:
        """``(T, d)``: the embedding vectors of the ``T`` tokens."""
        return (self.model.input_shape[0], self.model.layers[0].features)

    def apply(self, params: Params, e: Array, taps: Any = None) -> tuple[Array, dict[str, Any]]:
        """The token model's forward pass from the embeddings ``e`` on."""
        return self.model.apply(params, None, taps, embedded=e, mask=self.mask)

    def logits(self, params: Params, e: Array) -> Array:
        """Logits only."""
        return self.apply(params, e)[0]


def is_token_model(model: Any) -> bool:
    """The model takes token ids (``Sequential.token_input``)."""
    return bool(getattr(model, "token_input", False))


def on_embeddings(
    model: Any, params: Params, x: Array, inputs: Inputs, settings: Settings, method: str
) -> tuple[Any, Array, Inputs, Settings, Callable[[Array], Array]]:
    """``(model, x, inputs, settings, finish)`` in embedding space for a token model.

    For any other model everything is returned as it is and ``finish`` is the identity.
    ``finish`` turns an attribution of the embeddings ``(T, d)`` into one per token ``(T,)``.
    """
    if not is_token_model(model):
        return model, x, inputs, settings, lambda a: a
    if settings.baseline == "blur":
        raise ValueError(
            "baseline: expected 'input' or 'uniform' for a token model (a sentence has no "
            "blur), got 'blur'"
        )
    e = model.embed(params, x)
    d = e.shape[-1]
    table = params[0]["table"]
    mask = model.padding_mask(x)
    spread = jnp.broadcast_to(inputs.mask[:, None], e.shape)
    if method in _GROUPED and not settings.groups:  # each token one group, not each number
        spread = jnp.broadcast_to(jnp.arange(e.shape[0], dtype=jnp.int32)[:, None], e.shape)
        settings = settings.replace(groups=e.shape[0])
    if method == "occlusion":  # a window of tokens covers their vectors whole
        settings = settings.replace(window=(settings.window[0], d), stride=(settings.stride[0], d))
    inputs_e = inputs._replace(
        baseline=model.embed(params, inputs.baseline),
        low=jnp.broadcast_to(jnp.min(table, axis=0)[None, :], e.shape),
        high=jnp.broadcast_to(jnp.max(table, axis=0)[None, :], e.shape),
        mask=spread,
    )
    return OnEmbeddings(model, mask), e, inputs_e, settings, _PER_TOKEN.get(method, _sum)


def _sum(a: Array) -> Array:
    return jnp.sum(a, axis=-1)


def _mean(a: Array) -> Array:
    return jnp.mean(a, axis=-1)


def _norm(a: Array) -> Array:
    return jnp.sqrt(jnp.sum(jnp.square(a), axis=-1))


#: How a method's map of the embeddings becomes one value per token (default: the sum).
#: Perturbation methods give every number of a token the whole token's effect (as Captum):
#: the mean is that effect. A gradient's sum over a vector's numbers has no meaning (after a
#: LayerNorm it is the same for every token): its length is the token's saliency.
_PER_TOKEN = {
    "occlusion": _mean,
    "feature_ablation": _mean,
    "kernel_shap": _mean,
    "lime": _mean,
    "saliency": _norm,
    "smoothgrad": _norm,
    "neuron_gradient": _norm,
}
