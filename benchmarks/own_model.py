"""Your own model vs ``Sequential``: one slider step, ``python benchmarks/own_model.py``.

Options: ``[--steps 2000] [--profile] [--json out.json]``.

Prints median and p95 of one slider step for models handed to the Explorer as they are (see
nnwidgets/models/_adapters.py), each beside the same network written as
``nnwidgets.models.Sequential`` with the same weights, in the same run:

- digits MLP, Flatten-64-32-10 with ReLU (the bundled ``"digits"`` weights): a Flax NNX module
  (``x.reshape(x.shape[0], -1)``: it takes a batch axis, as NNX code usually does) vs the
  bundled ``Sequential``. Target: NNX within 1.2x of Sequential.
- a 28x28 CNN (the digits resized to 28x28 with ``jax.image.resize``): conv 3x3x8 ReLU, 2x2
  max pool, conv 3x3x16 ReLU, 2x2 max pool, 784 -> 10; Flax NNX (``nnx.max_pool``) vs
  ``Sequential`` (random weights, copied from one into the other).

Methods saliency and integrated_gradients (32 steps). Three measures per row, as
benchmarks/run.py: the fused kernel alone (``state.kernel()`` + ``np.asarray``), the state's
whole update with no views (assign ``state.x``: validate, kernel, unpack, publish every
output) and a full Explorer step (the painter's ``set_state``: views redraw, widget messages
serialised but not sent). Inputs: a test example plus Gaussian noise (sd 0.05), a new one
each step; the runs of the two models take turns step by step (the same load on both). Both
models' outputs and maps are checked to agree before timing. A "bare jit" row times the model
alone (logits and their gradient, one ``jax.jit``, no nnwidgets).

Then where the NNX CNN's extra time goes: each of its layer ops, forward and input gradient at
the batch of Integrated Gradients' path (32), as Flax runs it (XLA's convolution,
``lax.reduce_window``) and as ``Sequential`` computes it (slices and one matmul, a reshape and
a max). ``--profile`` adds a cProfile of the NNX CNN's state update (integrated_gradients),
top functions by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pathlib
import pstats
import sys
import time
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from nnwidgets import Explorer
from nnwidgets.kernels import pack_input
from nnwidgets.models import (
    Conv2D,
    Dense,
    Flatten,
    MaxPool2D,
    Sequential,
    dataset_from_arrays,
    load_dataset,
    pretrained,
)
from nnwidgets.state import build_state

METHODS = ("saliency", "integrated_gradients")


class NnxMLP(nnx.Module):
    """Flatten-64-32-10 with ReLU, as the bundled ``"digits"`` Sequential."""

    def __init__(self, rngs: nnx.Rngs) -> None:
        self.l1 = nnx.Linear(64, 64, rngs=rngs)
        self.l2 = nnx.Linear(64, 32, rngs=rngs)
        self.l3 = nnx.Linear(32, 10, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        h = x.reshape(x.shape[0], -1)
        return self.l3(nnx.relu(self.l2(nnx.relu(self.l1(h)))))


class NnxCNN(nnx.Module):
    """28x28x1: conv 8 ReLU, pool 2, conv 16 ReLU, pool 2, 784 -> 10."""

    def __init__(self, rngs: nnx.Rngs) -> None:
        self.conv1 = nnx.Conv(1, 8, (3, 3), rngs=rngs)
        self.conv2 = nnx.Conv(8, 16, (3, 3), rngs=rngs)
        self.out = nnx.Linear(7 * 7 * 16, 10, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        h = nnx.max_pool(nnx.relu(self.conv1(x)), (2, 2), (2, 2))
        h = nnx.max_pool(nnx.relu(self.conv2(h)), (2, 2), (2, 2))
        return self.out(h.reshape(h.shape[0], -1))


CNN_SEQUENTIAL = Sequential(
    (28, 28, 1),
    (
        Conv2D(8, (3, 3), activation="relu"),
        MaxPool2D((2, 2)),
        Conv2D(16, (3, 3), activation="relu"),
        MaxPool2D((2, 2)),
        Flatten(),
        Dense(10),
    ),
)


def copy_weights(module: nnx.Module, layers: list[Any], params: Any) -> None:
    """Write the Sequential's ``{"w", "b"}`` of each layer into the NNX layers, in order."""
    for layer, p in zip(layers, (p for p in params if p)):
        layer.kernel.value = jnp.asarray(p["w"])
        layer.bias.value = jnp.asarray(p["b"])


def mlp_pair() -> dict[str, tuple[Any, Any, Any]]:
    bundled = pretrained("digits")
    module = NnxMLP(nnx.Rngs(0))
    copy_weights(module, [module.l1, module.l2, module.l3], bundled.params)
    ds = bundled.dataset
    return {
        "Sequential": (bundled.model, bundled.params, ds),
        "flax.nnx": (module, None, ds),
    }


def cnn_pair() -> dict[str, tuple[Any, Any, Any]]:
    digits = load_dataset("digits")
    big = np.asarray(
        jax.image.resize(digits.X_test, (len(digits.X_test), 28, 28), "linear")[..., None]
    )
    ds = dataset_from_arrays(big, digits.y_test, class_names=digits.class_names)
    params = CNN_SEQUENTIAL.init(jax.random.key(0))
    module = NnxCNN(nnx.Rngs(0))
    copy_weights(module, [module.conv1, module.conv2, module.out], params)
    return {
        "Sequential": (CNN_SEQUENTIAL, params, ds),
        "flax.nnx": (module, None, ds),
    }


def stats(samples: list[float]) -> tuple[float, float]:
    us = np.asarray(samples) * 1e6
    return float(np.median(us)), float(np.percentile(us, 95))


def interleaved(values: Any, runs: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """Median and p95 of each run over ``values``, the runs taking turns at every value.

    Taking turns puts both models under the same load (the machine is shared).
    """
    for run in runs.values():
        run(values[0])  # compiled and warm
    out: dict[str, list[float]] = {kind: [] for kind in runs}
    for v in values:
        for kind, run in runs.items():
            t0 = time.perf_counter()
            run(v)
            out[kind].append(time.perf_counter() - t0)
    return {kind: stats(samples) for kind, samples in out.items()}


def kernel_run(state: Any) -> Any:
    step, slow = state.kernel()  # what the state runs for its current method and settings
    return lambda x: np.asarray(step(slow, pack_input(x, -1)))


def bare(model: Any, params: Any) -> Any:
    """One jitted call of the model's logits and their gradient for the top class (numpy out)."""
    if isinstance(model, Sequential):
        logits = jax.jit(model.logits)
        grad = jax.jit(jax.grad(lambda p, x, t: model.logits(p, x)[t], argnums=1))
    else:
        graphdef, params = nnx.split(model)
        logits = jax.jit(lambda p, x: nnx.merge(graphdef, p)(x[None])[0])
        grad = jax.jit(jax.grad(lambda p, x, t: nnx.merge(graphdef, p)(x[None])[0, t], argnums=1))

    @jax.jit
    def step(p: Any, x: jax.Array) -> tuple[jax.Array, jax.Array]:
        out = logits(p, x)
        return out, grad(p, x, jnp.argmax(out))

    return lambda x: tuple(np.asarray(a) for a in step(params, x))


def measure(
    problem: str, pair: dict[str, tuple[Any, Any, Any]], steps: int
) -> list[tuple[Any, ...]]:
    rows = []
    first = next(iter(pair.values()))[2]
    rng = np.random.default_rng(0)
    xs = (first.X_test[:1] + rng.normal(0, 0.05, (steps, *first.input_shape))).astype(np.float32)
    # what the browser sends: the painted cells as one float32 buffer
    cells = [memoryview(x.astype("<f4").tobytes()) for x in xs[: min(500, steps)]]
    for method in METHODS:
        states = {
            kind: build_state(model, params, data=ds, method=method)
            for kind, (model, params, ds) in pair.items()
        }
        for s in states.values():  # both models compute the same maps
            s.x = xs[0]
        ref, nnx_state = states["Sequential"], states["flax.nnx"]
        np.testing.assert_allclose(nnx_state.logits, ref.logits, rtol=1e-4, atol=1e-4)
        np.testing.assert_allclose(nnx_state.attribution, ref.attribution, rtol=1e-3, atol=1e-4)
        apps = {
            kind: Explorer(model, params, data=ds, method=method)
            for kind, (model, params, ds) in pair.items()
        }
        measures = {
            "fused kernel": (xs, {k: kernel_run(s) for k, s in states.items()}),
            "state update (assign state.x)": (
                xs,
                {k: (lambda x, s=s: setattr(s, "x", x)) for k, s in states.items()},
            ),
            "Explorer step (painter set_state)": (
                cells,
                {
                    k: (lambda v, w=ex.views[2].canvas: w.set_state({"value": v}))
                    for k, ex in apps.items()
                },
            ),
        }
        if method == "saliency":  # the model's own cost, without nnwidgets
            measures["bare jit: logits and grad"] = (xs, {k: bare(*pair[k][:2]) for k in pair})
        for what, (values, runs) in measures.items():
            for kind, (median, p95) in interleaved(values, runs).items():
                rows.append((problem, kind, method, what, median, p95))
        for ex in apps.values():
            ex.close()
    return rows


def conv_xla(x: jax.Array, w: jax.Array) -> jax.Array:
    """What ``nnx.Conv`` runs: XLA's convolution, ``"SAME"`` padding."""
    return jax.lax.conv_general_dilated(x, w, (1, 1), "SAME", dimension_numbers=CONV_DIMS)


def conv_patches(x: jax.Array, w: jax.Array) -> jax.Array:
    """The same convolution as Sequential computes it: shifted slices, one matmul."""
    kh, kw, c, out = w.shape
    h, wd = x.shape[1:3]
    pad = jnp.pad(x, ((0, 0), (kh // 2, kh // 2), (kw // 2, kw // 2), (0, 0)))
    cols = [pad[:, i : i + h, j : j + wd] for i in range(kh) for j in range(kw)]
    return jnp.concatenate(cols, axis=-1) @ w.reshape(kh * kw * c, out)


def pool_window(x: jax.Array) -> jax.Array:
    """What ``nnx.max_pool`` runs: ``lax.reduce_window`` (gradient: select-and-scatter)."""
    return nnx.max_pool(x, (2, 2), (2, 2))


def pool_tiles(x: jax.Array) -> jax.Array:
    """The same 2x2 max pool as Sequential computes it: a reshape and a max."""
    b, h, w, c = x.shape
    return x.reshape(b, h // 2, 2, w // 2, 2, c).max(axis=(2, 4))


CONV_DIMS = ("NHWC", "HWIO", "NHWC")


def layer_ops(reps: int) -> list[tuple[str, float, float]]:
    """Each CNN layer op, forward and input gradient at the IG batch (32 path points)."""
    key = jax.random.key(0)
    runs, args = {}, {}
    for c_in, c_out, size in ((1, 8, 28), (8, 16, 14)):
        x = jax.random.normal(key, (32, size, size, c_in))
        w = jax.random.normal(key, (3, 3, c_in, c_out))
        for name, f in (("XLA conv (nnx.Conv)", conv_xla), ("slices @ kernel", conv_patches)):
            label = f"conv {c_in}->{c_out} {size}x{size}: {name}"
            runs[label] = jax.jit(jax.grad(lambda x, w, f=f: jnp.sum(f(x, w) ** 2)))
            args[label] = (x, w)
        if c_in == 1:
            np.testing.assert_allclose(
                *(np.asarray(runs[k](*args[k])) for k in list(runs)[-2:]), rtol=1e-3, atol=1e-3
            )
    x = jax.random.normal(key, (32, 28, 28, 8))
    for name, f in (("reduce_window (nnx.max_pool)", pool_window), ("reshape + max", pool_tiles)):
        label = f"max pool 2x2 28x28x8: {name}"
        runs[label] = jax.jit(jax.grad(lambda x, f=f: jnp.sum(f(x) ** 2)))
        args[label] = (x,)
    calls = {k: (lambda _, f=f, a=args[k]: np.asarray(f(*a))) for k, f in runs.items()}
    return [(k, *v) for k, v in interleaved(list(range(reps)), calls).items()]


def profile_update(pair: dict[str, tuple[Any, Any, Any]], kind: str, steps: int) -> str:
    model, params, ds = pair[kind]
    s = build_state(model, params, data=ds, method="integrated_gradients")
    rng = np.random.default_rng(1)
    xs = (ds.X_test[:1] + rng.normal(0, 0.05, (steps, *ds.input_shape))).astype(np.float32)
    s.x = xs[0]
    prof = cProfile.Profile()
    prof.enable()
    for x in xs:
        s.x = x
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(8)
    return out.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=2000, help="slider steps per measure")
    ap.add_argument("--profile", action="store_true", help="cProfile the NNX CNN state update")
    ap.add_argument("--json", type=pathlib.Path, help="also write the figures to this file")
    args = ap.parse_args()
    pairs = {"digits MLP 64-32-10": mlp_pair(), "28x28 CNN 8-16": cnn_pair()}
    rows = [r for problem, pair in pairs.items() for r in measure(problem, pair, args.steps)]
    print(f"jax {jax.__version__}, {jax.devices()[0].platform}, python {sys.version.split()[0]}")
    print(
        f"{'model':20s} {'kind':11s} {'method':21s} {'what':34s} {'median µs':>10s} {'p95 µs':>8s}"
    )
    for r in rows:
        print(f"{r[0]:20s} {r[1]:11s} {r[2]:21s} {r[3]:34s} {r[4]:10.0f} {r[5]:8.0f}")
    ratios = {}
    by = {(r[0], r[1], r[2], r[3]): r[4] for r in rows}
    print("\nNNX / Sequential (median)")
    for (problem, kind, method, what), median in by.items():
        if kind == "flax.nnx":
            ratio = median / by[(problem, "Sequential", method, what)]
            ratios[f"{problem} | {method} | {what}"] = ratio
            print(f"{problem:20s} {method:21s} {what:34s} {ratio:5.2f}x")
    ops = layer_ops(300)
    print("\nCNN layer ops, forward + input gradient, batch 32 (median / p95 µs)")
    for name, median, p95 in ops:
        print(f"{name:58s} {median:8.0f} {p95:8.0f}")
    if args.profile:
        print(profile_update(pairs["28x28 CNN 8-16"], "flax.nnx", min(args.steps, 300)))
    if args.json:
        keys = ("model", "kind", "method", "what", "median_us", "p95_us")
        result = {
            "steps": [dict(zip(keys, r)) for r in rows],
            "nnx_over_sequential": ratios,
            "cnn_layer_ops": [dict(zip(("op", "median_us", "p95_us"), r)) for r in ops],
        }
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    jnp.zeros(1).block_until_ready()
    main()
