"""Playground training speed: steps per second, updates per second, frames in the browser.

``python benchmarks/playground.py [--seconds 5] [--no-browser] [--json out.json]``

Two problems: spiral with 6 hidden layers of 8 tanh neurons and all seven features (batch
10), and digits with 64-32 ReLU layers (batch 64, Adam). For each, three figures:

- kernel: ``train_chunk`` alone, 100 steps per call (``np.asarray`` of the losses each
  call), for ``--seconds``: the ceiling the hardware allows.
- chunk + snapshot: the same chunk followed by the ``snapshot`` kernel the state publishes
  (losses, accuracy, output picture, every neuron's thumbnail, gradients, weight stats).
- Playground playing: ``PlaygroundState.play()`` with ``speed`` 100 and every view of a
  ``Playground`` attached (widget messages serialised, not sent), for ``--seconds``: steps/s
  and published updates/s (capped at 20/s by design); then ten pauses, each after 0.3 s of
  play: how long ``pause()`` takes to return (the training thread has stopped by then).

Then the browser: a Voila page (real Chromium, as tests/browser) with a spiral 6x8
Playground at ``speed`` 25; press play, count for ``--seconds`` the frames the decision
boundary canvas and the network canvas draw (``data-frame``) and the steps the page's
counter advances.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys
import time
from typing import Any

import jax
import numpy as np

from nnwidgets import Playground
from nnwidgets.models import FEATURES

#: The Playground's canvas frame counts and step, read in the page (playground_frames.js).
FRAMES = (pathlib.Path(__file__).resolve().parent / "playground_frames.js").read_text()

PROBLEMS = {
    "spiral 6x8 tanh, batch 10": {
        "dataset": "spiral",
        "features": list(FEATURES),
        "hidden": [8] * 6,
        "activation": "tanh",
        "batch_size": 10,
        "optimizer": "sgd",
    },
    "digits 64-32 relu, batch 64": {
        "dataset": "digits",
        "hidden": [64, 32],
        "activation": "relu",
        "batch_size": 64,
        "optimizer": "adam",
        "learning_rate": 0.003,
    },
}
CHUNK = 100


def measure_python(seconds: float) -> list[dict[str, Any]]:
    rows = []
    for name, config in PROBLEMS.items():
        pg = Playground(**config, speed=100)
        s = pg.state
        params, _, losses = s.chunk(CHUNK)  # compile
        np.asarray(losses)
        s.snapshot(params)
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            np.asarray(s.chunk(CHUNK)[2])
            n += CHUNK
        kernel = n / (time.perf_counter() - t0)
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            params, _, losses = s.chunk(CHUNK)
            np.asarray(losses)
            s.snapshot(params)
            n += CHUNK
        with_snapshot = n / (time.perf_counter() - t0)
        step0, version0 = s.step, s.version
        t0 = time.perf_counter()
        s.play()
        time.sleep(seconds)
        s.pause()
        elapsed = time.perf_counter() - t0
        steps, updates = s.step - step0, s.version - version0
        pauses = []
        for _ in range(10):  # pause() returns once the thread has stopped
            s.play()
            time.sleep(0.3)
            t1 = time.perf_counter()
            s.pause()
            pauses.append(time.perf_counter() - t1)
        rows.append(
            {
                "problem": name,
                "kernel_steps_per_s": kernel,
                "chunk_and_snapshot_steps_per_s": with_snapshot,
                "playing_steps_per_s": steps / elapsed,
                "playing_updates_per_s": updates / elapsed,
                "pause_ms_median": 1e3 * float(np.median(pauses)),
                "pause_ms_max": 1e3 * max(pauses),
                "error": s.error,
            }
        )
        pg.close()
    return rows


def measure_browser(seconds: float) -> dict[str, Any]:
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests" / "browser"))
    import tempfile

    import nbformat
    import nnw_browser as nb
    from playwright.sync_api import sync_playwright

    work = pathlib.Path(tempfile.mkdtemp(prefix="nnw-bench-pg-"))
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "from nnwidgets import Playground\n"
            "from nnwidgets.models import FEATURES\n"
            'Playground(dataset="spiral", features=list(FEATURES), hidden=[8] * 6, speed=25)'
        )
    ]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    (work / "nb").mkdir()
    nbformat.write(notebook, work / "nb" / "playground.ipynb")
    server = nb.start_voila(work / "nb", work)
    try:
        with sync_playwright() as p:
            browser = nb.launch_chromium(p)
            page = nb.new_page(browser)
            page.goto(server.url("playground"), timeout=180_000)
            page.wait_for_selector(".nnw-playground canvas.nnw-boundary-canvas", timeout=180_000)
            page.locator(".nnw-playground button.nnw-play").click()
            # the first chunk compiled and arrived
            page.wait_for_function(FRAMES, arg=0, timeout=120_000)
            b0, n0, s0 = page.evaluate(FRAMES, -1)
            t0 = time.perf_counter()
            time.sleep(seconds)
            b1, n1, s1 = page.evaluate(FRAMES, -1)
            elapsed = time.perf_counter() - t0
            page.locator(".nnw-playground button.nnw-play").click()
            browser.close()
    finally:
        server.stop()
    return {
        "problem": "spiral 6x8 tanh, batch 10, speed 25 (Voila)",
        "boundary_fps": (b1 - b0) / elapsed,
        "network_fps": (n1 - n0) / elapsed,
        "steps_per_s_on_page": (s1 - s0) / elapsed,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--json", type=pathlib.Path)
    args = ap.parse_args()
    rows = measure_python(args.seconds)
    print(f"jax {jax.__version__}, {jax.devices()[0].platform}")
    head = ("problem", "kernel steps/s", "+ snapshot steps/s", "playing steps/s", "updates/s")
    print(
        f"{head[0]:30s} {head[1]:>15s} {head[2]:>19s} {head[3]:>16s} {head[4]:>10s} "
        f"{'pause ms (median / max)':>24s}"
    )
    for r in rows:
        print(
            f"{r['problem']:30s} {r['kernel_steps_per_s']:15.0f} "
            f"{r['chunk_and_snapshot_steps_per_s']:19.0f} {r['playing_steps_per_s']:16.0f} "
            f"{r['playing_updates_per_s']:10.1f} "
            f"{r['pause_ms_median']:15.1f} / {r['pause_ms_max']:5.1f}"
        )
    result: dict[str, Any] = {"python": rows}
    if not args.no_browser:
        b = measure_browser(args.seconds)
        result["browser"] = b
        print(
            f"browser: {b['problem']}: boundary canvas {b['boundary_fps']:.1f} frames/s, "
            f"network canvas {b['network_fps']:.1f} frames/s, "
            f"{b['steps_per_s_on_page']:.0f} steps/s shown"
        )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
