"""One command for the README's benchmark table: ``python benchmarks/run.py [--no-browser]``.

Prints median and p95 of one slider step, measured three ways for the digits MLP and the
breast-cancer MLP: the fused kernel alone (the state's ``kernel()`` + ``np.asarray``), the state's
whole update (validate, kernel, unpack, publish), and a full Explorer step (views included,
widget messages serialised but not sent). Then the browser table of
benchmarks/browser_latency.py: Voila, JupyterLab and Notebook 7, the tabular and the digits
Explorer with the network tab and the gradients tab shown: key, mouse and fast-drag steps timed
to the last plot painted, websocket frames per step, first interactive frame, kernel RSS.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np

from nnwidgets import Explorer
from nnwidgets.kernels import pack_input
from nnwidgets.state import build_state

N = 2000


def stats(samples: list[float]) -> tuple[float, float]:
    us = np.asarray(samples) * 1e6
    return float(np.median(us)), float(np.percentile(us, 95))


def kernel_step(ex: Explorer, xs: np.ndarray) -> tuple[float, float]:
    step, slow = ex.state.kernel()  # what the state runs for its current method and settings

    def run(x: np.ndarray) -> np.ndarray:
        return np.asarray(step(slow, pack_input(x, -1)))

    run(xs[0])
    out = []
    for x in xs:
        t0 = time.perf_counter()
        run(x)
        out.append(time.perf_counter() - t0)
    return stats(out)


def assign_step(xs: object, assign: object) -> tuple[float, float]:
    out = []
    for x in xs:
        t0 = time.perf_counter()
        assign(x)
        out.append(time.perf_counter() - t0)
    return stats(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-browser", action="store_true", help="skip the browser table")
    ap.add_argument(
        "--browser-steps", type=int, default=None, help="key and mouse steps per browser server"
    )
    ap.add_argument("--json", type=pathlib.Path, help="also write the figures to this file")
    args = ap.parse_args()
    rows = []
    for name in ("digits", "breast_cancer"):
        ex = Explorer(name)
        rng = np.random.default_rng(0)
        base = ex.state.dataset.X_test[:1]
        xs = (base + rng.normal(0, 0.05, (N, *ex.state.input_shape))).astype(np.float32)
        for method in ("saliency", "integrated_gradients"):
            ex.state.method = method
            rows.append(
                (
                    name,
                    method,
                    "fused kernel (state.kernel() + np.asarray)",
                    *kernel_step(ex, xs),
                )
            )
            alone = build_state(name, method=method)  # no views attached
            rows.append(
                (
                    name,
                    method,
                    "state update alone (assign state.x)",
                    *assign_step(xs, lambda x, s=alone: setattr(s, "x", x)),
                )
            )
            if name == "digits":
                canvas = ex.views[2].canvas
                # what the browser sends: the painted image as float32 bytes
                buffers = [memoryview(x.astype("<f4").tobytes()) for x in xs[:500]]
                step = (*assign_step(buffers, lambda v, w=canvas: w.set_state({"value": v})),)
            else:
                slider = ex.views[2].sliders[0]
                values = [round(-1 + 0.01 * (i % 200), 2) for i in range(500)]  # every step moves
                step = (*assign_step(values, lambda v, w=slider: w.set_state({"value": v})),)
            rows.append((name, method, "Explorer step (widget set_state, views redraw)", *step))
        ex.close()
    print(f"jax {jax.__version__}, {jax.devices()[0].platform}, python {sys.version.split()[0]}")
    print(f"{'model':14s} {'method':22s} {'what':48s} {'median µs':>10s} {'p95 µs':>9s}")
    for r in rows:
        print(f"{r[0]:14s} {r[1]:22s} {r[2]:48s} {r[3]:10.0f} {r[4]:9.0f}")
    result = {
        "steps": [dict(zip(("model", "method", "what", "median_us", "p95_us"), r)) for r in rows]
    }
    if not args.no_browser:
        sys.path.insert(0, str(pathlib.Path(__file__).parent))
        import browser_latency

        steps = args.browser_steps or browser_latency.DEFAULT_STEPS
        result["browser"] = browser_latency.measure(steps)
        print(browser_latency.format_table(result["browser"]))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    jnp.zeros(1).block_until_ready()
    main()
