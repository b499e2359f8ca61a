"""Captum vs nnwidgets on the bundled digits MLP and CNN: the same maps, and what each costs.

``python benchmarks/captum_compare.py [--repeats N] [--json out.json]`` needs the optional
``compare`` extra (torch and captum): ``pip install -e ".[compare]"``.

1. Builds both bundled digits models in PyTorch (float32, CPU, eval mode) with the JAX
   weights: conv kernels HWIO -> OIHW, and the first Dense after a conv map permuted from
   JAX's H,W,C flatten order to PyTorch's C,H,W. Checks max |logit difference| < 1e-4 on all
   1,797 digits before timing anything.
2. For each method both libraries have, times (a) one input, the slider case (nnwidgets: the
   method's kernel, jitted and already compiled, result through ``np.asarray``; plus the fused
   Explorer update, the Explorer's own call (``step_kernel``: ``explain_flat`` compiled for
   the configuration, parameters packed), every layer's activation + probabilities + the map
   (the Explorer's saliency, and its default IG: midpoint, 32 steps, with the completeness gap) in
   one call, against Captum's attribute() + a forward pass whose hooks keep each layer's
   output, IG with ``return_convergence_delta``) and (b) all 1,797 digits at once
   (nnwidgets: ``attribute_batch``, ``jax.vmap`` of the kernel in chunks of about 4,096
   model evaluations; Captum: one batched call). Captum and nnwidgets alternate (single
   input: in turns of ``--block`` calls, 10 by default: switching framework on every call
   cost each side ~40 us here, most likely cold caches, which a slider drag never pays;
   ``--block 1`` alternates call by call), so machine noise
   hits both alike. Captum gets its fastest settings: every perturbation in one forward
   (``perturbations_per_eval``), all IG steps and noise samples in one batch; its KernelShap
   and Lime loop over a batch one example at a time, so their batch rows time Captum on 16
   digits and scale by 1797/16 (``--full-sampling``: all digits, minutes per call). KernelSHAP,
   LIME and SmoothGrad draw different random samples: timing only / loose comparison.
   torch keeps its default thread count (``--torch-threads`` to change it).
3. Prints one table (median / p95 microseconds, ratio Captum / nnwidgets, max map difference
   relative to the Captum map's max |value|), notes explaining the differences and the
   verdicts on the targets, and writes it all as JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import platform
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from nnwidgets.kernels import (
    KERNELS,
    Settings,
    attribute_batch,
    default_inputs,
    pack,
    pack_input,
    static_settings,
    step_kernel,
    unpack,
)
from nnwidgets.models import Conv2D, Dense, Flatten, MaxPool2D, pretrained

try:
    import captum
    import torch
    import torch.nn.functional as F
    from captum._utils.models.linear_model import SkLearnRidge
    from captum.attr import (
        FeatureAblation,
        InputXGradient,
        IntegratedGradients,
        KernelShap,
        LayerAttribution,
        LayerGradCam,
        Lime,
        NoiseTunnel,
        Occlusion,
        Saliency,
    )
    from captum.attr._core.lime import get_exp_kernel_similarity_function

    MISSING: ImportError | None = None
except ImportError as e:  # an optional extra: say how to get it
    MISSING = e

INSTALL = 'pip install -e ".[compare]"'
EXACT = 1e-4  # max relative map difference allowed where both compute the same thing
STEPS, SAMPLES, SIGMA, COALITIONS = 32, 16, 0.15, 256
WINDOW, STRIDE = (2, 2), (1, 1)
RULES = {  # nnwidgets Settings.rule -> captum IntegratedGradients(method=...)
    "middle": "riemann_middle",
    "gauss_legendre": "gausslegendre",
    "trapezoid": "riemann_trapezoid",
}
TARGETS = {"digits": 25.0, "digits_cnn": 3.5}  # fused Explorer update, single input
FUSED_IG_RULE = "middle"  # the Explorer's default Integrated Gradients (32 steps, midpoint)
MODELS = {"digits": "MLP", "digits_cnn": "CNN"}
SAMPLED, SUBSET = ("kernel_shap", "lime"), 16


# ----------------------------------------------------------------------------- models


def torch_model(model: Any, params: Any) -> tuple[Any, Any]:
    """The JAX ``Sequential`` as a ``torch.nn.Sequential`` with the same weights.

    Input ``(N, 1, H, W)`` (NCHW; a rank-2 JAX input is one channel). Returns the network and
    the activation module after its last conv layer (Grad-CAM's layer: JAX's ``post``).
    """
    nn = torch.nn
    acts = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "identity": None}
    h, w, c = (*model.input_shape, 1)[:3]
    modules: list[Any] = []
    flat_from: tuple[int, int, int] | None = None
    last_conv_act = None
    for layer, p in zip(model.layers, params):
        if isinstance(layer, Conv2D):
            kh, kw = layer.kernel_size
            if layer.padding != "SAME" or layer.stride != (1, 1) or kh % 2 == 0 or kw % 2 == 0:
                raise NotImplementedError(f"{layer}: only SAME, stride 1, odd kernels here")
            conv = nn.Conv2d(c, layer.features, (kh, kw), padding=(kh // 2, kw // 2))
            with torch.no_grad():
                conv.weight.copy_(torch.tensor(np.asarray(p["w"]).transpose(3, 2, 0, 1)))
                conv.bias.copy_(torch.tensor(np.asarray(p["b"])))
            modules.append(conv)
            c = layer.features
        elif isinstance(layer, MaxPool2D):
            (wh, ww), (sh, sw) = layer.window, layer.strides
            modules.append(nn.MaxPool2d((wh, ww), (sh, sw)))
            h, w = (h - wh) // sh + 1, (w - ww) // sw + 1
            continue
        elif isinstance(layer, Flatten):
            modules.append(nn.Flatten())
            flat_from = (h, w, c)
            continue
        elif isinstance(layer, Dense):
            weight = np.asarray(p["w"])  # (in, out); rows in H,W,C order after a 2-D map
            if flat_from is not None:  # to PyTorch's C,H,W flatten order
                weight = weight.reshape(*flat_from, -1).transpose(2, 0, 1, 3).reshape(weight.shape)
                flat_from = None
            lin = nn.Linear(*weight.shape)
            with torch.no_grad():
                lin.weight.copy_(torch.tensor(weight.T))
                lin.bias.copy_(torch.tensor(np.asarray(p["b"])))
            modules.append(lin)
        else:
            raise NotImplementedError(f"{type(layer).__name__}: not needed for the digits models")
        act = acts[layer.activation]
        if act is not None:
            modules.append(act())
        if isinstance(layer, Conv2D):
            last_conv_act = modules[-1]
    net = nn.Sequential(*modules).float().eval()
    for q in net.parameters():
        q.requires_grad_(False)  # attributions are w.r.t. the input only (as in nnwidgets)
    return net, last_conv_act


def check_logits(name: str, model: Any, params: Any, net: Any, X: np.ndarray) -> float:
    """Max |logit difference| on ``X``; exits if it is 1e-4 or more."""
    ours = np.asarray(jax.jit(jax.vmap(model.logits, (None, 0)))(params, X))
    with torch.no_grad():
        theirs = net(torch.from_numpy(X[:, None])).numpy()
    diff = float(np.abs(ours - theirs).max())
    if not diff < 1e-4:
        sys.exit(f"{name}: PyTorch logits differ from JAX by {diff:.2e} (>= 1e-4); weights wrong")
    return diff


# ----------------------------------------------------------------------------- methods


def captum_methods(net: Any, gradcam_layer: Any, cnn: bool) -> dict[str, Callable[..., Any]]:
    """``name -> f(x (N,1,8,8) tensor, target int or (N,) tensor) -> (N,1,8,8) tensor``."""
    sal, gxi, ig = Saliency(net), InputXGradient(net), IntegratedGradients(net)
    nt, occ, abl = NoiseTunnel(Saliency(net)), Occlusion(net), FeatureAblation(net)
    shap = KernelShap(net)
    lime = Lime(
        net,
        interpretable_model=SkLearnRidge(alpha=1e-3),
        similarity_func=get_exp_kernel_similarity_function("cosine", 0.25),
    )
    positions = (8 - WINDOW[0]) // STRIDE[0] + 1
    methods: dict[str, Callable[..., Any]] = {
        "saliency": lambda x, t: sal.attribute(x, target=t, abs=False),
        "gradient_x_input": lambda x, t: gxi.attribute(x, target=t),
    }
    for rule, theirs in RULES.items():
        methods[f"ig_{rule}"] = lambda x, t, m=theirs: ig.attribute(
            x, baselines=0.0, target=t, n_steps=STEPS, method=m
        )
    methods |= {
        "smoothgrad": lambda x, t: nt.attribute(
            x, nt_type="smoothgrad", nt_samples=SAMPLES, stdevs=SIGMA, target=t, abs=False
        ),
        "occlusion": lambda x, t: occ.attribute(
            x,
            sliding_window_shapes=(1, *WINDOW),
            strides=(1, *STRIDE),
            baselines=0.0,
            target=t,
            perturbations_per_eval=positions**2,
        ),
        "feature_ablation": lambda x, t: abl.attribute(
            x, baselines=0.0, target=t, perturbations_per_eval=64
        ),
        "kernel_shap": lambda x, t: shap.attribute(
            x, baselines=0.0, target=t, n_samples=COALITIONS, perturbations_per_eval=COALITIONS
        ),
        "lime": lambda x, t: lime.attribute(
            x, baselines=0.0, target=t, n_samples=COALITIONS, perturbations_per_eval=COALITIONS
        ),
    }
    if cnn:
        gc_ = LayerGradCam(net, gradcam_layer)
        methods["grad_cam"] = lambda x, t: LayerAttribution.interpolate(
            gc_.attribute(x, target=t, relu_attributions=True), (8, 8), "bilinear"
        )
    return methods


def nnw_settings(name: str) -> tuple[str, Settings]:
    """Our kernel name and canonical static settings for the row ``name``."""
    if name.startswith("ig_"):
        s = Settings(steps=STEPS, rule=name[3:])
        return "integrated_gradients", static_settings("integrated_gradients", s)
    s = Settings(samples=SAMPLES, window=WINDOW, stride=STRIDE, coalitions=COALITIONS)
    return name, static_settings(name, s)


def nnw_kernels(model: Any, name: str) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """(one input, vmapped batch) jitted attribution kernels for the row ``name``."""
    method, settings = nnw_settings(name)
    kernel = KERNELS[method]

    def one(params: Any, x: Any, t: Any, inputs: Any) -> Any:
        return kernel(model, params, x, t, inputs, settings).attribution

    def batch(params: Any, X: Any, y: Any, inputs: Any) -> Any:
        return attribute_batch(method, model, params, X, y, inputs, settings).attribution

    return jax.jit(one), batch


# ----------------------------------------------------------------------------- timing


@dataclasses.dataclass
class Row:
    method: str
    model: str
    mode: str
    n: int
    captum_med: float
    captum_p95: float
    nnw_med: float
    nnw_p95: float
    ratio: float
    max_rel_diff: float | None
    check: str
    load: float  # 1-minute load average when the row started (other processes included)


@dataclasses.dataclass
class Diff:
    """Map agreement: worst ``max |ours - theirs| / max |theirs|`` over the maps compared."""

    worst: float
    over: int  # maps above EXACT
    maps: int
    worst_scale: float  # max |Captum map| of the worst map
    worst_abs: float  # its max |difference|


def rel_diff(theirs: np.ndarray, ours: np.ndarray, count: int) -> Diff:
    """Per map ``max |ours - theirs| / max |theirs|`` (ours' max when theirs is all 0)."""
    a = np.reshape(theirs, (count, -1)).astype(np.float64)
    b = np.reshape(ours, (count, -1)).astype(np.float64)
    scale = np.abs(a).max(axis=1)
    scale = np.where(scale > 0, scale, np.abs(b).max(axis=1))
    err = np.abs(a - b).max(axis=1)
    rel = np.where(scale > 0, err / np.where(scale > 0, scale, 1.0), 0.0)
    i = int(np.argmax(rel))
    return Diff(float(rel[i]), int((rel > EXACT).sum()), count, float(scale[i]), float(err[i]))


def race(
    captum_fn: Callable[[int], Any],
    nnw_fn: Callable[[int], Any],
    args: list[int],
    repeats: int,
    budget: float,
    block: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Microseconds per call of each, alternating blocks of ``block`` calls (order flips).

    Both get the same inputs in the same order. Stops after ``repeats`` calls each, or once
    ``budget`` seconds have passed (after at least three blocks each).
    """
    times: tuple[list[float], list[float]] = ([], [])
    gc.collect()
    start = time.perf_counter()
    rounds = -(-repeats // block)
    for k in range(rounds):
        sides = [(captum_fn, times[0]), (nnw_fn, times[1])]
        for fn, out in sides if k % 2 == 0 else sides[::-1]:
            for j in range(block):
                a = args[(k * block + j) % len(args)]
                t0 = time.perf_counter_ns()
                fn(a)
                out.append((time.perf_counter_ns() - t0) / 1e3)
        if k >= 2 and time.perf_counter() - start > budget:
            break
    return np.asarray(times[0]), np.asarray(times[1])


@dataclasses.dataclass
class Bench:
    """How to time: calls per row, time budget per row, alternation block."""

    repeats: int
    batch_repeats: int
    budget: float
    block: int
    rows: list[Row] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)

    def measure(
        self,
        method: str,
        model: str,
        mode: str,
        captum_fn: Callable[[int], Any],
        nnw_fn: Callable[[int], Any],
        args: list[int],
        check: str,
        captum_scale: float = 1.0,
        nnw_map: Callable[[Any], np.ndarray] = np.asarray,
    ) -> None:
        """Warm both up (JAX compiles; these maps are compared), race them, add a Row.

        ``check``: "exact" (must agree within EXACT), "loose" / "differs" (difference shown,
        not judged) or "timing only". ``captum_scale`` multiplies Captum's times (its batch
        KernelShap / Lime timed on a subset and scaled to the whole set).
        """
        load = os.getloadavg()[0]
        warm = args[: 2 if check.startswith("timing only") else 8]
        theirs = [np.asarray(captum_fn(a)) for a in warm]
        ours = [nnw_map(nnw_fn(a)) for a in warm]
        diff = None
        if not check.startswith("timing only"):
            n = len(warm) * (1 if mode == "single" else theirs[0].shape[0])
            diff = rel_diff(np.concatenate(theirs), np.concatenate(ours), n)
        if check == "exact":
            assert diff is not None
            check = "ok" if diff.worst <= EXACT else f"FAIL {diff.over}/{diff.maps}"
            if diff.over:
                self.notes.append(
                    f"{model} {method} {mode}: {diff.over} of {diff.maps} maps over {EXACT:g}; "
                    f"the worst has max |Captum| {diff.worst_scale:.2e} and max |difference| "
                    f"{diff.worst_abs:.2e}"
                )
        reps, block = (self.repeats, self.block) if mode == "single" else (self.batch_repeats, 1)
        c_us, n_us = race(captum_fn, nnw_fn, args, reps, self.budget, block)
        c_us = c_us * captum_scale
        c_med, n_med = float(np.median(c_us)), float(np.median(n_us))
        self.rows.append(
            Row(
                method=method,
                model=model,
                mode=mode,
                n=len(c_us),
                captum_med=c_med,
                captum_p95=float(np.percentile(c_us, 95)),
                nnw_med=n_med,
                nnw_p95=float(np.percentile(n_us, 95)),
                ratio=c_med / n_med,
                max_rel_diff=None if diff is None else diff.worst,
                check=check,
                load=load,
            )
        )


CHECKS = {
    "saliency": "exact",
    "gradient_x_input": "exact",
    "ig_middle": "exact",
    "ig_gauss_legendre": "exact",
    "ig_trapezoid": "differs (note)",
    "smoothgrad": "loose (noise)",
    "occlusion": "exact",
    "feature_ablation": "exact",
    "kernel_shap": "timing only",
    "lime": "timing only",
    "grad_cam": "exact",
}


def bench_model(name: str, bench: Bench, args: argparse.Namespace, log: Callable) -> None:
    """Every row for the bundled model ``name``: single input, then the whole data set."""
    bundle = pretrained(name)
    model, params = bundle.model, bundle.params
    X = np.array(bundle.dataset.X, np.float32)  # a writable copy: torch.from_numpy shares it
    y = np.array(bundle.dataset.y, np.int32)
    count = len(X)
    net, layer = torch_model(model, params)
    label = MODELS[name]
    diff = check_logits(name, model, params, net, X)
    bench.notes.append(
        f"{label}: max |logit difference| PyTorch vs JAX, {count} digits: {diff:.1e}"
    )
    XT, YT = torch.from_numpy(X[:, None]), torch.from_numpy(y.astype(np.int64))
    inputs = default_inputs(jnp.zeros(model.input_shape), sigma=SIGMA)
    order = [int(i) for i in np.random.default_rng(0).permutation(count)]
    methods = captum_methods(net, layer, "cnn" in name)
    wanted = args.methods

    # The slider step, the same work on both sides: every layer's activation, the
    # probabilities and the map (IG: also its completeness gap). Captum: the method's
    # attribute() and a forward pass whose hooks keep each layer's output; nnwidgets:
    # the Explorer's step kernel (one call, one transfer).
    activations: list[Any] = []
    hooks = [
        module.register_forward_hook(lambda _m, _i, out: activations.append(out))
        for module in net
    ]
    ig = IntegratedGradients(net)
    steps = {
        "fused_explorer_update": (
            "saliency",
            lambda x, t: methods["saliency"](x, t),
        ),
        "fused_explorer_update_ig": (
            "integrated_gradients",
            lambda x, t: ig.attribute(
                x,
                baselines=0.0,
                target=t,
                n_steps=STEPS,
                method=RULES[FUSED_IG_RULE],
                return_convergence_delta=True,
            )[0],
        ),
    }
    for row, (method, attribute) in steps.items():
        if wanted is not None and row not in wanted:
            continue
        settings = static_settings(method, Settings(steps=STEPS, rule=FUSED_IG_RULE))

        def captum_step(i: int, attribute: Callable = attribute) -> np.ndarray:
            x = XT[i : i + 1]
            attribution = attribute(x, int(y[i])).detach().numpy()
            activations.clear()
            with torch.no_grad():
                torch.softmax(net(x), dim=-1).numpy()
                [a.numpy() for a in activations]
            return attribution

        # the Explorer's call: explain_flat compiled for this configuration, parameters and
        # Inputs packed once (they do not change while the input moves), x + target packed
        slow, layout = pack((params, inputs, None))
        step = step_kernel(model, layout, method=method, settings=settings)

        def nnw_step(i: int, step: Callable = step, slow: Any = slow) -> np.ndarray:
            return np.asarray(step(slow, pack_input(X[i], y[i])))

        def nnw_step_map(flat: np.ndarray) -> np.ndarray:
            return unpack(model, flat).attribution

        log(f"{label} {row} single")
        bench.measure(
            row, label, "single", captum_step, nnw_step, order, "exact", nnw_map=nnw_step_map
        )
    for hook in hooks:  # the other rows time Captum without them
        hook.remove()
    for method, theirs in methods.items():
        if wanted is not None and method not in wanted:
            continue
        one, batch = nnw_kernels(model, method)
        # Captum's KernelShap / Lime loop over a batch one example at a time (minutes for
        # 1,797 digits): unless --full-sampling, time them on SUBSET digits and scale.
        sub = count if args.full_sampling or method not in SAMPLED else SUBSET

        def c_one(i: int, f: Callable = theirs) -> np.ndarray:
            return f(XT[i : i + 1], int(y[i])).detach().numpy()

        def n_one(i: int, f: Callable = one) -> np.ndarray:
            return np.asarray(f(params, X[i], y[i], inputs))

        def c_all(_: int, f: Callable = theirs, sub: int = sub) -> np.ndarray:
            return f(XT[:sub], YT[:sub]).detach().numpy()

        def n_all(_: int, f: Callable = batch) -> np.ndarray:
            return np.asarray(f(params, X, y, inputs))

        check = CHECKS[method]
        log(f"{label} {method} single")
        bench.measure(method, label, "single", c_one, n_one, order, check)
        log(f"{label} {method} batch")
        scaled = f"{check}; Captum {sub} x{count / sub:.1f}" if sub != count else check
        bench.measure(method, label, "batch", c_all, n_all, [0], scaled, count / sub)
    if wanted is None:
        log(f"{label} notes")
        extra_notes(name, label, model, params, net, layer, X, y, inputs, bench.notes)


def extra_notes(
    name: str,
    label: str,
    model: Any,
    params: Any,
    net: Any,
    layer: Any,
    X: np.ndarray,
    y: np.ndarray,
    inputs: Any,
    notes: list[str],
) -> None:
    """Why the loose / differing rows differ, measured on the whole data set."""
    count = len(X)
    XT, YT = torch.from_numpy(X[:, None]), torch.from_numpy(y.astype(np.int64))
    # IG trapezoid: Captum's step sizes are 1/n with the two ends halved (sum (n-1)/n);
    # nnwidgets' weights are 1/(n-1) with the ends halved (sum 1, the trapezoid rule).
    _, batch = nnw_kernels(model, "ig_trapezoid")
    ours = np.asarray(batch(params, X, y, inputs))
    ig = IntegratedGradients(net)
    theirs = ig.attribute(XT, baselines=0.0, target=YT, n_steps=STEPS, method="riemann_trapezoid")
    theirs = theirs.detach().numpy()
    scaled = rel_diff(theirs * STEPS / (STEPS - 1), ours, count)
    notes.append(
        f"{label} ig_trapezoid: Captum's riemann_trapezoid weights sum to (n-1)/n = "
        f"{(STEPS - 1) / STEPS:.4f}, not 1 (nnwidgets: 1/(n-1), ends halved); Captum's map "
        f"x n/(n-1) vs nnwidgets: max rel diff {scaled.worst:.1e} ({scaled.over} maps > {EXACT:g})"
    )
    # SmoothGrad: different noise draws; how close are the maps all the same?
    _, batch = nnw_kernels(model, "smoothgrad")
    ours = np.asarray(batch(params, X, y, inputs)).reshape(count, -1)
    nt = NoiseTunnel(Saliency(net))
    theirs = nt.attribute(
        XT, nt_type="smoothgrad", nt_samples=SAMPLES, stdevs=SIGMA, target=YT, abs=False
    )
    theirs = theirs.detach().numpy().reshape(count, -1)
    sal = Saliency(net).attribute(XT, target=YT, abs=False).detach().numpy().reshape(count, -1)

    def pearson(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        a, b = a - a.mean(axis=1, keepdims=True), b - b.mean(axis=1, keepdims=True)
        return (a * b).sum(axis=1) / np.sqrt((a * a).sum(axis=1) * (b * b).sum(axis=1))

    corr, base = pearson(theirs, ours), pearson(sal, ours)
    mean_map = rel_diff(theirs.mean(0), ours.mean(0), 1)
    notes.append(
        f"{label} smoothgrad ({SAMPLES} samples, sigma {SIGMA}, different noise draws): "
        f"per-digit Pearson r Captum vs nnwidgets median {np.median(corr):.3f} (min "
        f"{corr.min():.3f}); nnwidgets SmoothGrad vs plain saliency median {np.median(base):.3f}; "
        f"mean map over the digits: max rel diff {mean_map.worst:.1e}"
    )
    if "cnn" not in name:
        return
    # Grad-CAM: which upsampling of the 4x4 map matches jax.image.resize(..., "linear")?
    _, batch = nnw_kernels(model, "grad_cam")
    ours = np.asarray(batch(params, X, y, inputs))
    cam = LayerGradCam(net, layer).attribute(XT, target=YT, relu_attributions=True).detach()
    found = []
    for mode, kw in (
        ("nearest", {}),
        ("bilinear", {"align_corners": False}),
        ("bilinear align_corners=True", {"align_corners": True}),
        ("bicubic", {"align_corners": False}),
        ("area", {}),
    ):
        up = F.interpolate(cam, (8, 8), mode=mode.split()[0], **kw).numpy()
        d = rel_diff(up, ours, count)
        found.append(f"{mode} {d.worst:.1e} ({d.over} maps > {EXACT:g})")
    notes.append(
        f"{label} grad_cam, Captum's 4x4 map upsampled to 8x8 vs jax.image.resize 'linear' (max "
        "rel diff): " + ", ".join(found)
    )


# ----------------------------------------------------------------------------- output


def fmt_us(v: float) -> str:
    return f"{v:,.0f}" if v >= 100 else f"{v:.1f}"


def table(rows: list[Row]) -> str:
    head = (
        "method",
        "model",
        "mode",
        "n",
        "captum med us",
        "captum p95 us",
        "nnw med us",
        "nnw p95 us",
        "ratio",
        "max rel diff",
        "check",
        "load",
    )
    body = [
        (
            r.method,
            r.model,
            r.mode,
            str(r.n),
            fmt_us(r.captum_med),
            fmt_us(r.captum_p95),
            fmt_us(r.nnw_med),
            fmt_us(r.nnw_p95),
            f"{r.ratio:.1f}x",
            "-" if r.max_rel_diff is None else f"{r.max_rel_diff:.1e}",
            r.check,
            f"{r.load:.1f}",
        )
        for r in rows
    ]
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]
    right = {3, 4, 5, 6, 7, 8, 9, 11}

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))
        )

    return "\n".join([line(head), "  ".join("-" * w for w in widths), *map(line, body)])


def verdicts(rows: list[Row]) -> list[str]:
    out = []
    for r in rows:
        if r.method.startswith("fused_explorer_update"):
            goal = TARGETS["digits" if r.model == "MLP" else "digits_cnn"]
            met = "MET" if r.ratio >= goal else "NOT met"
            what = "IG" if r.method.endswith("_ig") else "saliency"
            out.append(
                f"fused Explorer update ({what}), {r.model}, single: {r.ratio:.1f}x "
                f"(>= {goal}x) {met}"
            )
    slower = [f"{r.method}/{r.model}/{r.mode} ({r.ratio:.2f}x)" for r in rows if r.ratio < 1]
    out.append(
        "faster than Captum on every row: "
        + ("MET" if not slower else "NOT met; slower on " + ", ".join(slower))
    )
    bad = [f"{r.method}/{r.model}/{r.mode} ({r.check})" for r in rows if r.check.startswith("FAIL")]
    out.append(
        f"maps agree within {EXACT:g} (relative) where they compute the same thing: "
        + ("yes" if not bad else "NO: " + ", ".join(bad))
    )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=300, help="timed calls per single-input row")
    ap.add_argument("--batch-repeats", type=int, default=10, help="timed calls per batch row")
    ap.add_argument(
        "--budget", type=float, default=4.0, help="seconds per row before stopping early (>= 3)"
    )
    ap.add_argument(
        "--full-sampling",
        action="store_true",
        help=f"time Captum's KernelShap / Lime batch on all digits, not {SUBSET} scaled (slow)",
    )
    ap.add_argument(
        "--block",
        type=int,
        default=10,
        help="single-input calls per turn when alternating (1: strict call-by-call)",
    )
    ap.add_argument(
        "--torch-threads", type=int, default=0, help="torch.set_num_threads (0: its default)"
    )
    ap.add_argument(
        "--cpus",
        type=int,
        nargs="*",
        default=None,
        help="run pinned to these CPUs (os.sched_setaffinity; torch threads = their number)",
    )
    ap.add_argument("--methods", nargs="*", default=None, help="only these rows (debugging)")
    ap.add_argument("--models", nargs="*", default=list(MODELS), help="bundled model names")
    ap.add_argument("--json", type=str, default=None, help="also write the results here")
    ap.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args = ap.parse_args()
    if MISSING is not None:
        sys.exit(
            f"captum_compare needs PyTorch and Captum ({MISSING}).\n"
            f"Install the optional extra:  {INSTALL}"
        )
    t_start = time.perf_counter()
    load_start = os.getloadavg()

    def log(msg: str) -> None:
        if not args.quiet:
            print(f"[{time.perf_counter() - t_start:6.1f}s] {msg}", file=sys.stderr, flush=True)

    if args.cpus:
        os.sched_setaffinity(0, set(args.cpus))
        # torch's OpenMP team larger than the CPUs it may use stalls at every barrier
        args.torch_threads = args.torch_threads or len(set(args.cpus))
    bench = Bench(args.repeats, args.batch_repeats, args.budget, args.block)
    # Captum's notices that it set requires_grad / loops Lime per example: known, not news.
    warnings.filterwarnings("ignore", category=UserWarning, module="captum")
    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    for name in args.models:
        bench_model(name, bench, args, log)
    rows, notes = bench.rows, bench.notes
    elapsed = time.perf_counter() - t_start
    env = {
        "python": platform.python_version(),
        "jax": jax.__version__,
        "torch": torch.__version__,
        "captum": captum.__version__,
        "torch_threads": torch.get_num_threads(),
        "cpu_count": os.cpu_count(),
        "load_average_start": load_start,
        "load_average_end": os.getloadavg(),
        "repeats": args.repeats,
        "batch_repeats": args.batch_repeats,
        "budget_s": args.budget,
        "block": args.block,
        "cpus": sorted(os.sched_getaffinity(0)),
        "run_time_s": round(elapsed, 1),
    }
    threads = "set by --torch-threads / --cpus" if args.torch_threads else "torch's default"
    load = " -> ".join(
        ", ".join(f"{v:.2f}" for v in env[k]) for k in ("load_average_start", "load_average_end")
    )
    print(
        f"Captum {env['captum']} (torch {env['torch']}, {env['torch_threads']} threads, "
        f"{threads}) vs nnwidgets (jax {env['jax']}, CPU); {env['cpu_count']} cores, running on "
        f"CPUs {env['cpus']}{' (pinned by --cpus)' if args.cpus else ''}; "
        f"load average {load}"
    )
    print(
        "single = one digit (the slider case; Captum and nnwidgets alternate in turns of "
        f"{args.block} calls), batch = all 1,797 digits in one call (alternating "
        "call by call); times in microseconds; ratio = Captum median / nnwidgets median; max "
        "rel diff = max over maps of max|Captum - nnwidgets| / max|Captum map| (single: 8 "
        "digits; batch: all); load = 1-minute load average as the row started"
    )
    print(table(rows))
    print()
    for n in notes:
        print("- " + n)
    print()
    for v in verdicts(rows):
        print("* " + v)
    print(f"run time {elapsed:.0f} s")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(
                {
                    "environment": env,
                    "rows": [dataclasses.asdict(r) for r in rows],
                    "notes": notes,
                    "verdicts": verdicts(rows),
                },
                f,
                indent=2,
            )


if __name__ == "__main__":
    main()
