"""The fused per-step kernel: everything one slider step needs, in one call and one transfer."""

from __future__ import annotations

import functools
import math
import weakref
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from ..models import ACTIVATIONS, param_groups
from ._attention import attention_entries, attention_rollout
from ._feature_ablation import feature_ablation
from ._grad_cam import grad_cam
from ._gradient_x_input import gradient_x_input
from ._integrated_gradients import integrated_gradients
from ._kernel_shap import kernel_shap
from ._lime import lime
from ._neuron_gradient import neuron_gradient
from ._occlusion import occlusion
from ._param_grads import grad_norms, loss_and_param_grads
from ._pca import project
from ._saliency import saliency
from ._smoothgrad import smoothgrad
from ._smoothgrad_sq import smoothgrad_sq
from ._tokens import on_embeddings
from ._tsne import knn_place
from ._types import Array, Inputs, Params, Settings, check_target, default_inputs
from ._vargrad import vargrad

#: Every attribution method by name; all share the call shape of ``_types``.
KERNELS = {
    "saliency": saliency,
    "gradient_x_input": gradient_x_input,
    "integrated_gradients": integrated_gradients,
    "smoothgrad": smoothgrad,
    "smoothgrad_sq": smoothgrad_sq,
    "vargrad": vargrad,
    "occlusion": occlusion,
    "feature_ablation": feature_ablation,
    "kernel_shap": kernel_shap,
    "lime": lime,
    "grad_cam": grad_cam,
    "neuron_gradient": neuron_gradient,
}
METHODS = tuple(KERNELS)
_BASELINE = ("baseline", "blur_sigma")
#: The settings each method reads; the others are reset so they never cause a compile.
RELEVANT: dict[str, tuple[str, ...]] = {
    "saliency": ("absolute",),
    "gradient_x_input": (),
    "integrated_gradients": ("steps", "rule", "chunk", *_BASELINE),
    "smoothgrad": ("samples",),
    "smoothgrad_sq": ("samples",),
    "vargrad": ("samples",),
    "occlusion": ("window", "stride", "groups", *_BASELINE),
    "feature_ablation": ("groups", *_BASELINE),
    "kernel_shap": ("coalitions", "exact_max", "groups", *_BASELINE),
    "lime": ("coalitions", "kernel_width", "ridge", "groups", *_BASELINE),
    "grad_cam": ("layer", "cam_relu"),
    "neuron_gradient": ("layer",),
}
#: Methods whose completeness gap is meaningful.
WITH_GAP = ("integrated_gradients", "kernel_shap")


class Explanation(NamedTuple):
    """Host-side (numpy) result of one ``explain`` call.

    Attributes:
        logits: ``(C,)``.
        probs: ``(C,)`` softmax of the logits.
        target: the class explained (the predicted one when asked for ``-1``).
        attribution: shape of the input.
        completeness_gap: IG's and KernelSHAP's gap, 0.0 for other methods.
        pre: per traced layer, pre-activation values (flat).
        post: per traced layer, post-activation values (flat).
        slopes: per traced layer, the activation's derivative at the pre-activations (flat).
        loss: cross-entropy for ``extras.label`` (with ``param_grads=True``).
        grad_norms: per parameter group (layer), the norm of d loss / d params.
        param_grads: every parameter leaf's gradient, flat, in ``tree_leaves`` order.
        embedding: the embedded layer's activation in PCA coordinates (``embed_layer``).
        rollout: ``(T, T)`` attention rollout of a model with attention layers, else None.
    """

    logits: np.ndarray
    probs: np.ndarray
    target: int
    attribution: np.ndarray
    completeness_gap: float
    pre: tuple[np.ndarray, ...]
    post: tuple[np.ndarray, ...]
    slopes: tuple[np.ndarray, ...] = ()
    loss: float | None = None
    grad_norms: np.ndarray | None = None
    param_grads: tuple[np.ndarray, ...] | None = None
    embedding: np.ndarray | None = None
    rollout: np.ndarray | None = None


class Extras(NamedTuple):
    """Array inputs of the optional parts of a step (views that need more than the map).

    Attributes:
        label: int32 true class for the loss and its parameter gradients.
        pca_mean: ``(d,)`` mean of the embedded layer's activations over the data set.
        pca_components: ``(d, 2)`` the fitted PCA directions.
        ref_acts: ``(n, d)`` the layer's activations over the data set (t-SNE placement).
        ref_coords: ``(n, 2)`` their t-SNE coordinates.
    """

    label: Array
    pca_mean: Array
    pca_components: Array
    ref_acts: Array
    ref_coords: Array


def static_settings(method: str, settings: Settings | None = None) -> Settings:
    """``settings`` with every field ``method`` ignores reset to its default.

    ``settings`` is a static argument of ``explain_flat``: passing the canonical value means
    changing, say, IG steps while SmoothGrad is shown never compiles anything.

    Raises:
        ValueError: ``method`` is not one of ``METHODS``.
    """
    if method not in KERNELS:
        raise ValueError(f"method: expected one of {list(METHODS)}, got {method!r}")
    settings = settings or Settings()
    return Settings(**{name: getattr(settings, name) for name in RELEVANT[method]})


@functools.partial(
    jax.jit,
    static_argnames=("model", "method", "settings", "param_grads", "embed_layer", "embed_method"),
)
def explain_flat(
    model: Any,
    params: Params,
    x: Array,
    target: Array,
    inputs: Inputs,
    extras: Extras | None = None,
    *,
    method: str = "saliency",
    settings: Settings = Settings(),  # noqa: B008  (frozen, hashable: a static argument)
    param_grads: bool = False,
    embed_layer: str = "",
    embed_method: str = "pca",
) -> Array:
    """Forward pass, activations, probabilities and one attribution, packed in one float32 vector.

    Every value that changes while a slider moves (``x``, ``target``, ``inputs``, ``params``)
    is an array argument; only ``model`` (a hashable spec), ``method`` and the shape-fixing
    ``settings`` are static (pass ``static_settings(method, settings)``).

    Args:
        model: a ``Sequential`` or ``UserModel`` (``apply`` and ``logits``).
        params: the model parameters.
        x: one input of ``model.input_shape``.
        target: int32 class index; ``-1`` explains the predicted class.
        inputs: the array arguments of the methods (baseline, key, sigma, range, ...).
        extras: label and PCA arrays, needed by ``param_grads`` / ``embed_layer``.
        method: one of ``METHODS``.
        settings: the static settings.
        param_grads: also the loss for ``extras.label`` and its gradient w.r.t. ``params``.
        embed_layer: also this layer's activation in the embedding's coordinates.
        embed_method: ``"pca"`` (projection on ``extras``' directions) or ``"tsne"`` (placed
            among its nearest neighbours in ``extras.ref_acts``).

    Returns:
        Layout ``[logits, probs, target, attribution, gap, pre..., post..., slopes...]`` then,
        when
        asked, ``[loss, grad norms..., grads...]`` and ``[embedding (2)]``, then for a model
        with attention layers ``[rollout (T x T)]``; see ``unpack``.
    """
    ids, own = x, model  # a token model is explained from its embeddings on
    model, x, inputs, settings, per_token = on_embeddings(
        model, params, x, inputs, settings, method
    )
    (logits, trace), vjp = jax.vjp(lambda z: model.apply(params, z), x)
    t = jnp.where(target < 0, jnp.argmax(logits), target).astype(jnp.int32)
    if method in ("saliency", "gradient_x_input"):  # reuse the forward pass
        cotangent = (
            jax.nn.one_hot(t, logits.shape[0], dtype=logits.dtype),
            jax.tree_util.tree_map(jnp.zeros_like, trace),
        )
        (grad,) = vjp(cotangent)
        if method == "saliency":
            attribution = jnp.abs(grad) if settings.absolute else grad
        else:
            attribution = grad * x
        gap = jnp.zeros((), x.dtype)
    elif method in KERNELS:
        attribution, gap = KERNELS[method](model, params, x, t, inputs, settings)
    else:
        raise ValueError(f"method: expected one of {list(METHODS)}, got {method!r}")
    parts = [
        logits,
        jax.nn.softmax(logits),
        t.astype(x.dtype)[None],
        per_token(attribution).ravel(),
        gap[None],
    ]
    # in the model's layer order: a dict that went through jax.vjp comes back key-sorted
    layers = [trace[n] for n in model.layer_names]
    parts += [v.pre.ravel() for v in layers] + [v.post.ravel() for v in layers]
    parts += [  # each layer's activation slope f'(pre): where it saturates, which ReLUs are dead
        _slope(ACTIVATIONS[a], v.pre.ravel()) for a, v in zip(model.activation_names, layers)
    ]
    if (param_grads or embed_layer) and extras is None:
        raise ValueError("extras: expected Extras(label, pca_mean, ...), got None")
    if param_grads:
        loss, grads = loss_and_param_grads(own, params, ids, extras.label)
        parts += [loss[None], grad_norms(model, grads)]
        parts += [g.ravel() for g in jax.tree_util.tree_leaves(grads)]
    if embed_layer:
        a = trace[embed_layer].post
        if embed_method == "tsne":
            parts.append(knn_place(extras.ref_acts, extras.ref_coords, a))
        else:
            parts.append(project(extras.pca_mean, extras.pca_components, a))
    attention = attention_entries(model)
    if attention:  # how each token reaches each position through every layer
        parts.append(attention_rollout(tuple(trace[n].post for n in attention)).ravel())
    return jnp.concatenate([p.astype(jnp.float32) for p in parts])


def _slope(f: Any, z: Array) -> Array:
    """``f'(z)`` of an elementwise ``f``: one forward-mode pass (traces faster than vmap(grad))."""
    return jax.jvp(f, (z,), (jnp.ones_like(z),))[1]


def _offsets(model: Any) -> tuple[int, int, tuple[int, ...]]:
    return model.n_outputs, math.prod(model.input_shape), model.layer_sizes


#: Per model, per parameter tree structure: how many groups ``param_groups`` finds.
_GROUP_COUNTS: weakref.WeakKeyDictionary[Any, dict[Any, int]] = weakref.WeakKeyDictionary()


def _group_count(model: Any, params: Params) -> int:
    """``len(param_groups(model, params))``, found once per model and tree structure."""
    treedef = jax.tree_util.tree_structure(params)
    try:
        counts = _GROUP_COUNTS.setdefault(model, {})
    except TypeError:  # a model that takes no weak reference: count every time
        return len(param_groups(model, params))
    if treedef not in counts:
        counts[treedef] = len(param_groups(model, params))
    return counts[treedef]


def unpack(
    model: Any, flat: np.ndarray, params: Params | None = None, embed: bool = False
) -> Explanation:
    """Split ``explain_flat``'s vector into an ``Explanation`` of numpy views (no copies).

    Pass ``params`` when the call had ``param_grads=True`` (for the gradients' shapes) and
    ``embed=True`` when it had an ``embed_layer``.
    """
    c, n_in, sizes = _offsets(model)
    i = 0

    def take(n: int) -> np.ndarray:
        nonlocal i
        i += n
        return flat[i - n : i]

    logits, probs, t = take(c), take(c), take(1)
    attribution = take(n_in).reshape(model.input_shape)
    gap = take(1)
    pre = tuple(take(n) for n in sizes)
    post = tuple(take(n) for n in sizes)
    slopes = tuple(take(n) for n in sizes)
    loss = norms = grads = embedding = None
    if params is not None:
        loss = float(take(1)[0])
        norms = take(_group_count(model, params))
        leaves = jax.tree_util.tree_leaves(params)
        grads = tuple(take(leaf.size).reshape(leaf.shape) for leaf in leaves)
    if embed:
        embedding = take(2)
    rollout = None
    attention = attention_entries(model)
    if attention:
        steps = dict(zip(model.layer_names, model.layer_shapes))[attention[0]][0]
        rollout = take(steps * steps).reshape(steps, steps)
    if i != flat.size:
        raise ValueError(f"flat: expected {i} values for this layout, got {flat.size}")
    return Explanation(
        logits,
        probs,
        int(t[0]),
        attribution,
        float(gap[0]),
        pre,
        post,
        slopes,
        loss,
        norms,
        grads,
        embedding,
        rollout,
    )


def explain(
    model: Any,
    params: Params,
    x: Any,
    target: int = -1,
    inputs: Inputs | None = None,
    *,
    method: str = "saliency",
    settings: Settings | None = None,
    **given: Any,
) -> Explanation:
    """Convenience wrapper: ``explain_flat`` on host values, unpacked to numpy.

    ``given`` fills ``Inputs`` fields when ``inputs`` is None (``baseline=``, ``sigma=``,
    ``key=``, ...); ``settings`` defaults to ``Settings()`` and is made canonical here.

    Examples:
        >>> from nnwidgets.models import pretrained
        >>> m = pretrained("iris")
        >>> e = explain(m.model, m.params, m.dataset.X_test[0], method="integrated_gradients")
        >>> e.attribution.shape, abs(e.completeness_gap) < 1e-2
        ((4,), True)
    """
    x = jnp.asarray(x, jnp.float32)
    inputs = default_inputs(x, **given) if inputs is None else inputs
    if target != -1:
        check_target(target, model.n_outputs)
    flat = explain_flat(
        model,
        params,
        x,
        jnp.int32(target),
        inputs,
        method=method,
        settings=static_settings(method, settings),
    )
    return unpack(model, np.asarray(flat))
