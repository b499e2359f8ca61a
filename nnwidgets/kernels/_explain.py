"""The fused per-step kernel: everything one slider step needs, in one call and one transfer."""

from __future__ import annotations

import functools
import math
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from ._gradient_x_input import gradient_x_input  # noqa: F401  (re-exported API; fused below)
from ._integrated_gradients import integrated_gradients
from ._smoothgrad import smoothgrad
from ._types import Array, Params

METHODS = ("saliency", "gradient_x_input", "integrated_gradients", "smoothgrad")


class Explanation(NamedTuple):
    """Host-side (numpy) result of one ``explain`` call.

    Attributes:
        logits: ``(C,)``.
        probs: ``(C,)`` softmax of the logits.
        target: the class explained (the predicted one when asked for ``-1``).
        attribution: shape of the input.
        completeness_gap: Integrated Gradients' gap, 0.0 for other methods.
        pre: per Dense layer, pre-activation values.
        post: per Dense layer, post-activation values.
    """

    logits: np.ndarray
    probs: np.ndarray
    target: int
    attribution: np.ndarray
    completeness_gap: float
    pre: tuple[np.ndarray, ...]
    post: tuple[np.ndarray, ...]


def static_settings(method: str, steps: int, samples: int) -> tuple[int, int]:
    """``(steps, samples)`` with the ones ``method`` ignores set to fixed values.

    They are static arguments of ``explain_flat``: passing the canonical pair means changing
    IG steps while SmoothGrad is shown (or the reverse) never compiles anything.
    """
    return (
        steps if method == "integrated_gradients" else 1,
        samples if method == "smoothgrad" else 1,
    )


def _attribute(
    model: Any,
    params: Params,
    x: Array,
    t: Array,
    baseline: Array,
    key: Array,
    noise_scale: Array,
    method: str,
    steps: int,
    samples: int,
    grad: Array,
) -> tuple[Array, Array]:
    none = jnp.zeros((), x.dtype)  # methods without a completeness gap report 0
    if method == "saliency":
        return grad, none
    if method == "gradient_x_input":
        return grad * x, none
    if method == "integrated_gradients":
        return integrated_gradients(model.logits, params, x, t, baseline, steps=steps)
    if method == "smoothgrad":
        return smoothgrad(model.logits, params, x, t, key, noise_scale, samples=samples), none
    raise ValueError(f"method: expected one of {list(METHODS)}, got {method!r}")


@functools.partial(jax.jit, static_argnames=("model", "method", "steps", "samples"))
def explain_flat(
    model: Any,
    params: Params,
    x: Array,
    target: Array,
    baseline: Array,
    key: Array,
    noise_scale: Array,
    *,
    method: str = "saliency",
    steps: int = 32,
    samples: int = 16,
) -> Array:
    """Forward pass, activations, probabilities and one attribution, packed in one float32 vector.

    Every value that changes while a slider moves (``x``, ``target``, ``baseline``, ``key``,
    ``noise_scale``, ``params``) is an array argument; only ``model`` (hashable spec) and
    the shape-fixing settings ``method``, ``steps``, ``samples`` are static.

    Args:
        model: a ``Sequential`` or ``FunctionModel`` (``apply`` and ``logits``).
        params: the model parameters.
        x: one input of ``model.input_shape``.
        target: int32 class index; ``-1`` explains the predicted class.
        baseline: Integrated Gradients' reference, ``x``'s shape.
        key: PRNG key for SmoothGrad's noise.
        noise_scale: SmoothGrad's noise standard deviation (scalar or ``x``'s shape).
        method: one of ``METHODS``.
        steps: Integrated Gradients' path points.
        samples: SmoothGrad's noisy copies.

    Returns:
        Layout ``[logits, probs, target, attribution, gap, pre..., post...]``; see ``unpack``.
    """
    (logits, trace), vjp = jax.vjp(lambda z: model.apply(params, z), x)
    t = jnp.where(target < 0, jnp.argmax(logits), target).astype(jnp.int32)
    cotangent = (
        jax.nn.one_hot(t, logits.shape[0], dtype=logits.dtype),
        jax.tree_util.tree_map(jnp.zeros_like, trace),
    )
    (grad,) = vjp(cotangent)  # saliency reuses the forward pass
    attribution, gap = _attribute(
        model, params, x, t, baseline, key, noise_scale, method, steps, samples, grad
    )
    parts = [
        logits,
        jax.nn.softmax(logits),
        t.astype(x.dtype)[None],
        attribution.ravel(),
        gap[None],
    ]
    parts += [v.pre.ravel() for v in trace.values()] + [v.post.ravel() for v in trace.values()]
    return jnp.concatenate([p.astype(jnp.float32) for p in parts])


def _offsets(model: Any) -> tuple[int, int, tuple[int, ...]]:
    return model.n_outputs, math.prod(model.input_shape), model.layer_sizes


def unpack(model: Any, flat: np.ndarray) -> Explanation:
    """Split ``explain_flat``'s vector into an ``Explanation`` of numpy views (no copies)."""
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
    return Explanation(logits, probs, int(t[0]), attribution, float(gap[0]), pre, post)


def explain(
    model: Any,
    params: Params,
    x: Any,
    target: int = -1,
    baseline: Any = None,
    key: Array | None = None,
    noise_scale: Any = 0.0,
    *,
    method: str = "saliency",
    steps: int = 32,
    samples: int = 16,
) -> Explanation:
    """Convenience wrapper: ``explain_flat`` on host values, unpacked to numpy.

    Examples:
        >>> from nnwidgets.models import pretrained
        >>> m = pretrained("iris")
        >>> e = explain(m.model, m.params, m.dataset.X_test[0], method="integrated_gradients")
        >>> e.attribution.shape, abs(e.completeness_gap) < 1e-2
        ((4,), True)
    """
    x = jnp.asarray(x, jnp.float32)
    baseline = jnp.zeros_like(x) if baseline is None else jnp.asarray(baseline, jnp.float32)
    key = jax.random.key(0) if key is None else key
    flat = explain_flat(
        model,
        params,
        x,
        jnp.int32(target),
        baseline,
        key,
        jnp.broadcast_to(jnp.asarray(noise_scale, jnp.float32), x.shape),
        method=method,
        steps=steps,
        samples=samples,
    )
    return unpack(model, np.asarray(flat))
