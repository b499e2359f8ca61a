"""Contract types shared by all kernels: one call shape for every attribution method.

Every method is ``method(model, params, x, target, inputs=None, settings=None)`` and returns
an :class:`Attribution`. ``model`` is a ``Sequential`` / ``UserModel`` (anything with
``logits(params, x)``; Grad-CAM and neuron attribution also use ``apply``'s trace) or a plain
function ``logit_fn(params, x) -> logits``. ``target`` is an int32 class index. ``inputs``
holds the values that may change while a slider moves (arrays: never a retrace);
``settings`` holds the ones that fix shapes (hashable: one compile per distinct value).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

Array = jax.Array
Params = Any
#: ``logit_fn(params, x) -> logits``: one example of the model's input shape in, ``(C,)`` out.
LogitFn = Callable[[Params, Array], Array]

IG_RULES = ("left", "right", "middle", "trapezoid", "gauss_legendre")
BASELINES = ("input", "blur", "uniform")


class Attribution(NamedTuple):
    """What every method returns.

    Attributes:
        attribution: same shape as the input.
        completeness_gap: ``sum(attribution) - (f(x) - f(baseline))`` for Integrated Gradients
            and KernelSHAP (zero for exact integration / an exact fit); 0 for other methods.
    """

    attribution: Array
    completeness_gap: Array


IGResult = Attribution  # the name issue 2's API used for Integrated Gradients' result


class Inputs(NamedTuple):
    """Array arguments: they change freely (slider, sigma, seed) without recompiling.

    Attributes:
        baseline: reference input, the input's shape (IG, ablation, KernelSHAP, LIME).
        key: PRNG key (SmoothGrad family, uniform baseline, KernelSHAP, LIME).
        sigma: noise standard deviation as a fraction of each feature's range (scalar).
        low: per-feature minimum of the data (the input's shape).
        high: per-feature maximum of the data (the input's shape).
        neuron: int32 index of the neuron (flattened over its layer) for neuron attribution.
        mask: int32 group id of every feature (the input's shape, ids ``0..G-1``) for
            occlusion, feature ablation, KernelSHAP and LIME; read only when
            ``Settings.groups`` is ``G > 0``. Default: each feature its own group.
    """

    baseline: Array
    key: Array
    sigma: Array
    low: Array
    high: Array
    neuron: Array
    mask: Array


def default_inputs(x: Array, **given: Any) -> Inputs:
    """``Inputs`` for ``x`` with defaults: zero baseline, key 0, sigma 0.15, range [0, 1].

    The default ``mask`` puts each feature in its own group.
    """
    x = jnp.asarray(x, jnp.float32)
    values = {
        "baseline": jnp.zeros_like(x),
        "key": jax.random.key(0),
        "sigma": 0.15,
        "low": jnp.zeros_like(x),
        "high": jnp.ones_like(x),
        "neuron": 0,
        "mask": np.arange(x.size, dtype=np.int32).reshape(x.shape),
        **given,
    }
    for name in ("baseline", "low", "high"):
        shape = jnp.shape(values[name])
        if shape not in ((), x.shape):
            raise ValueError(
                f"{name}: expected a scalar or the input's shape {x.shape}, got {shape}"
            )
    _check_mask_shape(values["mask"], x.shape)
    return Inputs(
        baseline=jnp.broadcast_to(jnp.asarray(values["baseline"], jnp.float32), x.shape),
        key=values["key"],
        sigma=jnp.asarray(values["sigma"], jnp.float32),
        low=jnp.broadcast_to(jnp.asarray(values["low"], jnp.float32), x.shape),
        high=jnp.broadcast_to(jnp.asarray(values["high"], jnp.float32), x.shape),
        neuron=jnp.asarray(values["neuron"], jnp.int32),
        mask=jnp.asarray(values["mask"], jnp.int32),
    )


def _check_mask_shape(mask: Any, shape: tuple[int, ...]) -> None:
    dtype = getattr(mask, "dtype", None) or np.asarray(mask).dtype
    if jnp.shape(mask) != shape or not jnp.issubdtype(dtype, jnp.integer):
        raise ValueError(
            f"mask: expected int group ids of the input's shape {shape}, got "
            f"{dtype} of shape {jnp.shape(mask)}"
        )


def check_mask(mask: Any, groups: int) -> None:
    """Raise if a concrete ``mask`` does not hold every group id ``0..groups-1`` and no other.

    A traced mask (inside ``jit``) is not known and passes; the Explorer checks its masks
    when they are assigned.
    """
    if isinstance(mask, jax.core.Tracer):
        return
    ids = np.unique(np.asarray(mask))
    if len(ids) != groups or ids[0] != 0 or ids[-1] != groups - 1:
        raise ValueError(
            f"mask: expected the group ids 0..{groups - 1} (settings.groups = {groups}), each "
            f"used, got ids {ids.tolist()[:12]}{' ...' if len(ids) > 12 else ''}"
        )


@dataclasses.dataclass(frozen=True)
class Settings:
    """Static, shape-fixing settings (hashable). Each method reads only its own.

    Attributes:
        steps: Integrated Gradients' points on the path.
        rule: IG quadrature, one of ``IG_RULES``.
        chunk: IG gradients evaluated ``chunk`` points at a time (0: all at once).
        baseline: ``"input"`` (``Inputs.baseline``), ``"blur"`` (the input blurred, for
            images) or ``"uniform"`` (uniform noise over the data range).
        blur_sigma: Gaussian blur width in pixels for the blurred baseline.
        samples: noisy copies for SmoothGrad, SmoothGrad-squared and VarGrad.
        absolute: saliency's absolute value instead of the signed gradient.
        window: occlusion window per input axis (Captum's ``sliding_window_shapes``).
        stride: occlusion stride per input axis, at most the window on every axis the window
            does not cover whole.
        groups: number of feature groups in ``Inputs.mask`` for occlusion, feature
            ablation, KernelSHAP and LIME; 0 (the default): no mask, each feature alone.
        coalitions: sampled coalitions / perturbations for KernelSHAP and LIME.
        exact_max: KernelSHAP enumerates every coalition when features <= this.
        kernel_width: LIME's exponential kernel width (cosine distance).
        ridge: LIME's ridge penalty.
        layer: layer name for Grad-CAM (default: the last Conv2D) and neuron attribution
            (default: the first traced layer).
        cam_relu: Grad-CAM keeps only the positive evidence (``relu`` of the map).
    """

    steps: int = 32
    rule: str = "middle"
    chunk: int = 0
    baseline: str = "input"
    blur_sigma: float = 1.0
    samples: int = 16
    absolute: bool = False
    window: tuple[int, ...] = (1,)
    stride: tuple[int, ...] = (1,)
    coalitions: int = 256
    exact_max: int = 12
    kernel_width: float = 0.25
    ridge: float = 1e-3
    layer: str = ""
    groups: int = 0
    cam_relu: bool = True

    def __post_init__(self) -> None:
        def positive(name: str, value: Any) -> None:
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name}: expected an int >= 1, got {value!r}")

        positive("steps", self.steps)
        positive("samples", self.samples)
        positive("coalitions", self.coalitions)
        for name, what in (("chunk", "no chunking"), ("groups", "no mask")):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{name}: expected an int >= 0 (0 = {what}), got {value!r}")
        if self.rule not in IG_RULES:
            raise ValueError(f"rule: expected one of {list(IG_RULES)}, got {self.rule!r}")
        if self.baseline not in BASELINES:
            raise ValueError(f"baseline: expected one of {list(BASELINES)}, got {self.baseline!r}")
        for name in ("window", "stride"):
            value = tuple(getattr(self, name))
            if not value or not all(isinstance(v, int) and v >= 1 for v in value):
                raise ValueError(f"{name}: expected a tuple of ints >= 1, got {value!r}")
            object.__setattr__(self, name, value)
        if not self.kernel_width > 0:
            raise ValueError(f"kernel_width: expected a float > 0, got {self.kernel_width!r}")
        if not self.ridge >= 0:
            raise ValueError(f"ridge: expected a float >= 0, got {self.ridge!r}")

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes``."""
        return dataclasses.replace(self, **changes)


def logits_of(model: Any) -> LogitFn:
    """``model.logits`` for a model object, else the plain logit function.

    A plain function whose output is a scalar (shape ``()``) is read as one output, shape
    ``(1,)``: its score is target 0.
    """
    if hasattr(model, "logits"):
        return model.logits

    def logits(params: Params, x: Array) -> Array:
        out = model(params, x)
        return jnp.reshape(out, (1,)) if jnp.ndim(out) == 0 else out

    return logits


def check_target(target: Any, n_classes: int) -> None:
    """Raise if a concrete ``target`` is outside ``[0, n_classes)`` (a traced one is not known).

    JAX clamps out-of-range indices silently, so without this a wrong class would be
    explained without a word.
    """
    if isinstance(target, jax.core.Tracer):
        return
    value = int(target)
    if not 0 <= value < n_classes:
        raise ValueError(f"target: expected a class index in [0, {n_classes}), got {value}")


def target_fn(model: Any, params: Params, target: Array) -> Callable[[Array], Array]:
    """The scalar every gradient method explains: ``x -> logits(params, x)[target]``."""
    logits = logits_of(model)

    def f(z: Array) -> Array:
        out = logits(params, z)
        check_target(target, out.shape[0])
        return out[target]

    return f


def prepare(
    x: Any, inputs: Inputs | None, settings: Settings | None
) -> tuple[Array, Inputs, Settings]:
    """``x`` as float32, the defaults for missing ``inputs`` / ``settings``, shapes checked.

    Raises:
        ValueError: the baseline, the data range or the mask does not have ``x``'s shape, or
            a concrete mask does not hold the ids ``0..settings.groups-1``.
    """
    x = jnp.asarray(x, jnp.float32)
    inputs = default_inputs(x) if inputs is None else inputs
    settings = settings or Settings()
    for name in ("baseline", "low", "high"):
        shape = jnp.shape(getattr(inputs, name))
        if shape != x.shape:
            raise ValueError(f"{name}: expected the input's shape {x.shape}, got {shape}")
    _check_mask_shape(inputs.mask, x.shape)
    if settings.groups:
        check_mask(inputs.mask, settings.groups)
    return x, inputs, settings


def unavailable() -> Array:
    """The completeness gap of a method that has none."""
    return jnp.zeros((), jnp.float32)
