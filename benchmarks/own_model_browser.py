"""Your own 28x28 Flax NNX CNN in real Chromium: click on the painter -> last plot painted.

``python benchmarks/own_model_browser.py [--steps 30] [--json out.json] [--only voila|lab]``

Two notebooks, each one Explorer, served by Voila and then by JupyterLab (one server at a time,
started with this interpreter on a free 127.0.0.1 port and stopped by PID with its kernels at
the end, see tests/browser/nnw_browser.py):

- "own": a user's own Flax NNX module as it is, ``NnxCNN`` of benchmarks/own_model.py (28x28x1:
  conv 3x3x8 ReLU, 2x2 max pool, conv 3x3x16 ReLU, 2x2 max pool, flatten, 784 -> 10; random
  init, ``nnx.Rngs(0)``, no training) on the digits resized to 28x28 with
  ``jax.image.resize``: ``Explorer(model, data=...)``.
- "reference": the bundled ``Explorer("digits_cnn")``, an 8x8 ``Sequential`` CNN.

Both pages are open side by side (a browser context each) and take turns step by step, so
both see the same load. One step: the Python side picks a cell of the painter's canvas
(``.nnw-digit-painter canvas.nnw-paint-canvas``) that the step really changes (paint steps a
blank cell, erase steps an inked one, a cell not clicked before while there are any; the
brush toggle is switched between steps, untimed) and clicks its centre. Measured in the page
by benchmarks/paint_probe.js (shared with benchmarks/browser_latency.py), an init script
installed before the page loads:

- t0: ``performance.now()`` in a capturing ``pointerdown`` listener on the document, when the
  event reaches the page (before the painter's own handler).
- last plot painted: every drawing call (``putImageData``, ``drawImage``, ``fillRect``,
  ``clearRect``, ``strokeRect``, ``fillText``, ``strokeText``, ``stroke``, ``fill``) of
  ``CanvasRenderingContext2D.prototype`` on a plot canvas of the app (class ``nnw-*-canvas``
  inside ``.nnw-explorer``) is stamped with ``performance.now()``, the last one per canvas
  kept; a MutationObserver on the app root stamps changes inside bqplot figures
  (``svg.svg-figure``). The step's latency is the latest of these after t0. The views draw in
  ``requestAnimationFrame`` callbacks, so a drawing call's time is the frame it shows in.
- first readout change: the first change of the probability readout's text (the exact-value
  table of ``.nnw-probabilities``) after t0.
- where the time goes: the painter's buffer sent and the kernel's messages received on the
  kernel websocket (a wrapped ``WebSocket``), and each view's last drawing call after t0.

The next step waits until the kernel's answer has arrived (the readout changed) and nothing
was drawn (canvas or SVG), changed in the readout or received from the kernel for 300 ms.
Warm-up steps are not counted. Reported per page and server: median and p95 of both, which
view painted last, the breakdown above (medians) and ``/proc/loadavg`` (the machine may be
shared: the figures are as noisy as its load).
"""

from __future__ import annotations

import argparse
import ast
import collections
import contextlib
import json
import os
import pathlib
import platform
import sys
import tempfile
import time
from typing import Any

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests" / "browser"))
import nnw_browser as nb  # tests/browser/nnw_browser.py: servers, Chromium, open_explorer
from browser_latency import _sample, probe  # this directory: one step's summary, as that file's

HERE = pathlib.Path(__file__).resolve().parent

KINDS = {"voila": "Voila", "lab": "JupyterLab"}
DEFAULT_STEPS = 30
WARMUP = 3
QUIET_MS = 300  # between steps: no drawing call and no SVG change for this long
STEP_TIMEOUT_MS = 20_000
TOGGLE_WAIT_S = 0.4  # the brush toggle -> kernel -> canvas.brush round trip (untimed)
SEED = 0


def _class_source(path: pathlib.Path, name: str) -> str:
    """The source of class ``name`` in ``path`` (read, not imported: no JAX in this process)."""
    text = path.read_text()
    (node,) = [n for n in ast.parse(text).body if isinstance(n, ast.ClassDef) and n.name == name]
    return ast.get_source_segment(text, node)


#: benchmarks/own_model.py's NnxCNN: the model whose kernel and Explorer step that file times.
NNX_CNN = _class_source(HERE / "own_model.py", "NnxCNN")

#: The pages: notebook name -> (label in the table, cell source).
PAGES = {
    "own_cnn": (
        "own Flax NNX CNN 28x28",
        "import jax\nimport numpy as np\nfrom flax import nnx\n\n"
        "from nnwidgets import Explorer\n"
        "from nnwidgets.models import dataset_from_arrays, load_dataset\n\n\n" + NNX_CNN + "\n\n\n"
        'digits = load_dataset("digits")\n'
        "X = np.asarray(\n"
        '    jax.image.resize(digits.X_test, (len(digits.X_test), 28, 28), "linear")[..., None]\n'
        ")\n"
        "data = dataset_from_arrays(X, digits.y_test, class_names=digits.class_names, "
        'name="digits 28x28")\n'
        "Explorer(NnxCNN(nnx.Rngs(0)), data=data)\n",
    ),
    "digits_cnn": (
        'Explorer("digits_cnn") 8x8 Sequential',
        'from nnwidgets import Explorer\nExplorer("digits_cnn")\n',
    ),
}

# Runs before the page's own scripts: stamps each input that starts a step, the plots'
# drawing calls and SVG changes, the first probability readout change and the kernel's
# websocket messages per step (window.__nnwProbe).
_PROBE = (HERE / "paint_probe.js").read_text()
_CANVAS = ".nnw-digit-painter canvas.nnw-paint-canvas"
_ARM = {"root": ".nnw-explorer", "readout": nb.PROBS}
_CLICK = {"type": "pointerdown", "selector": _CANVAS}  # a click on the painter starts a step


# -- one page ----------------------------------------------------------------------------------


class PainterPage:
    """One Explorer page in a context of its own, instrumented before it loads."""

    def __init__(self, browser: Any, server: nb.Server, name: str) -> None:
        self.name, self.label = name, PAGES[name][0]
        self.page = nb.new_page(browser)
        self.page.add_init_script(_PROBE)
        t = time.monotonic()
        nb.open_explorer(self.page, server, name)
        self.open_s = time.monotonic() - t
        self.visibility = probe(self.page, "__nnwProbe.arm", _ARM)
        probe(self.page, "__nnwProbe.set", _CLICK)
        self.canvas = self.page.locator(_CANVAS).first
        self.canvas.scroll_into_view_if_needed()
        self.mode = "paint"
        self.used: set[int] = set()
        self.last_cell = -1
        self.rng = np.random.default_rng(SEED)
        self.results: list[dict[str, Any]] = []
        self.failures = 0

    def _set_brush(self, mode: str) -> None:
        buttons = self.page.locator(".nnw-digit-painter .widget-toggle-buttons button")
        buttons.filter(has_text=mode).first.click()
        time.sleep(TOGGLE_WAIT_S)  # the brush value goes through the kernel (t.link)
        self.mode = mode

    def _pick(self) -> tuple[int, int, int]:
        """A cell this step changes: (index, rows, cols); unused cells first."""
        values = nb.canvas_values(self.page)
        side = round(len(values) ** 0.5)
        lo, hi = values.min(), values.max()
        mid = (lo + hi) / 2 if hi > lo else lo + 0.5
        ok = values < mid if self.mode == "paint" else values > mid
        fresh = [i for i in np.flatnonzero(ok) if i not in self.used]
        pool = fresh or [i for i in np.flatnonzero(ok) if i != self.last_cell]
        if not pool:
            raise RuntimeError(f"{self.label}: no cell to {self.mode}")
        return int(self.rng.choice(pool)), side, side

    def step(self, counted: bool) -> None:
        """Switch paint/erase, click a cell that changes, wait for the answer and quiet."""
        self._set_brush("erase" if self.mode == "paint" else "paint")
        cell, rows, cols = self._pick()
        self.used.add(cell)
        self.last_cell = cell
        r, c = divmod(cell, cols)
        box = self.canvas.bounding_box()
        x = box["x"] + (c + 0.5) * box["width"] / cols
        y = box["y"] + (r + 0.5) * box["height"] / rows
        n = probe(self.page, "__nnwProbe.counts")[0]
        self.page.mouse.click(x, y)
        done = probe(self.page, "__nnwProbe.wait", n, QUIET_MS, STEP_TIMEOUT_MS)
        s = done["step"]
        if not counted:
            return
        sample = _sample(s, done["ok"], s["ws_in"] if s else 0)  # browser_latency's summary
        if sample is None:
            self.failures += 1
            return
        self.results.append({"cell": cell, "mode": self.mode, **sample})

    def close(self) -> None:
        context = self.page.context
        with contextlib.suppress(Exception):  # Voila asks to shut the page's kernel down
            self.page.close(run_before_unload=True)
        time.sleep(0.5)
        with contextlib.suppress(Exception):
            context.close()


def _stats(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"median_ms": None, "p95_ms": None}
    a = np.asarray(values, dtype=float)
    return {"median_ms": float(np.median(a)), "p95_ms": float(np.percentile(a, 95))}


def _summary(p: PainterPage, steps: int) -> dict[str, Any]:
    rs = p.results
    last_views = collections.Counter(r["last_view"] for r in rs)
    return {
        "page": p.label,
        "steps": len(rs),
        "missed": steps - len(rs),
        "open_s": round(p.open_s, 1),
        "visibility": p.visibility,
        "last_paint": _stats([r["last_paint_ms"] for r in rs]),
        "probs_readout": _stats([r["readout_ms"] for r in rs]),
        "dispatch": _stats([r["dispatch_ms"] for r in rs]),
        **{
            k: _stats([r[f"{k}_ms"] for r in rs if r[f"{k}_ms"] is not None])
            for k in ("ws_out", "ws_in_first", "ws_in_last")
        },
        "ws_in_per_step": float(np.median([r["ws_in"] for r in rs])) if rs else None,
        "canvases_per_step": float(np.median([r["canvases"] for r in rs])) if rs else None,
        "draw_calls_per_step": float(np.median([r["draw_calls"] for r in rs])) if rs else None,
        "svg_changes_per_step": float(np.median([r["svg_changes"] for r in rs])) if rs else None,
        "last_view": dict(last_views.most_common()),
        "views_median_ms": {
            v: float(np.median([r["views_ms"][v] for r in rs if v in r["views_ms"]]))
            for v in sorted({v for r in rs for v in r["views_ms"]})
        },
        "samples": rs,
    }


# -- servers -----------------------------------------------------------------------------------


def _write_notebooks(directory: pathlib.Path) -> None:
    for name, (_, source) in PAGES.items():
        nb.write_notebook(directory / f"{name}.ipynb", source)


def _loadavg() -> str:
    try:
        return pathlib.Path("/proc/loadavg").read_text().strip()
    except OSError:
        return "n/a"


def measure(steps: int, kinds: tuple[str, ...]) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    out: dict[str, Any] = {
        "steps": steps,
        "warmup": WARMUP,
        "quiet_ms": QUIET_MS,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "loadavg_start": _loadavg(),
        "servers": {},
    }
    with tempfile.TemporaryDirectory(prefix="nnw-own-browser-") as tmp:
        root = pathlib.Path(tmp)
        books = root / "notebooks"
        _write_notebooks(books)
        with sync_playwright() as pw:
            browser = nb.launch_chromium(pw)
            out["chromium"] = browser.version
            try:
                for kind in kinds:
                    work = root / kind
                    env = {"NNWIDGETS_COMPILATION_CACHE": str(work / "jax-cache")}
                    server = nb.START[kind](books, work, env)
                    pages: list[PainterPage] = []
                    try:
                        print(f"{KINDS[kind]}: opening both Explorers", file=sys.stderr)
                        pages = [PainterPage(browser, server, name) for name in PAGES]
                        load = [_loadavg()]
                        for i in range(WARMUP + steps):
                            for p in pages:  # the two models take turns, step by step
                                p.step(counted=i >= WARMUP)
                        load.append(_loadavg())
                        out["servers"][kind] = {
                            "loadavg": load,
                            "pages": {p.name: _summary(p, steps) for p in pages},
                        }
                    finally:
                        for p in pages:
                            p.close()
                        server.stop()
            finally:
                browser.close()
    out["loadavg_end"] = _loadavg()
    return out


def _ms(v: float | None) -> str:
    return "-" if v is None else f"{v:.0f}"


def format_table(result: dict[str, Any]) -> str:
    lines = [
        f"click on the painter -> last plot painted; {result['steps']} steps per page after "
        f"{result['warmup']} warm-up, quiet {result['quiet_ms']} ms between steps; "
        f"{result['cpus']} CPUs, chromium {result.get('chromium', '?')}",
        "",
        "| server | page | last plot painted ms (median / p95) | first readout change ms "
        "(median / p95) | steps | canvases / draw calls / SVG changes per step | "
        "last painted (steps) |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    for kind, res in result["servers"].items():
        for s in res["pages"].values():
            lp, pr = s["last_paint"], s["probs_readout"]
            views = ", ".join(f"{k} {v}" for k, v in s["last_view"].items())
            missed = f" ({s['missed']} missed)" if s["missed"] else ""
            lines.append(
                f"| {KINDS[kind]} | {s['page']} | {_ms(lp['median_ms'])} / {_ms(lp['p95_ms'])} "
                f"| {_ms(pr['median_ms'])} / {_ms(pr['p95_ms'])} "
                f"| {s['steps']}{missed} "
                f"| {s['canvases_per_step']:.0f} / {s['draw_calls_per_step']:.0f} / "
                f"{s['svg_changes_per_step']:.0f} | {views} |"
            )
    lines += [
        "",
        "where the time goes, ms after the click (median): painter's buffer sent, kernel "
        "messages received (first, last, count), each view's last drawing call",
        "",
    ]
    for kind, res in result["servers"].items():
        for s in res["pages"].values():
            views = ", ".join(f"{k} {v:.0f}" for k, v in s["views_median_ms"].items())
            ws = (
                f"sent {_ms(s['ws_out']['median_ms'])}, received "
                f"{_ms(s['ws_in_first']['median_ms'])}-{_ms(s['ws_in_last']['median_ms'])} "
                f"({s['ws_in_per_step']:.0f} messages)"
            )
            lines.append(f"- {KINDS[kind]}, {s['page']}: {ws}; {views}")
    lines.append("")
    for kind, res in result["servers"].items():
        own, ref = (res["pages"][n]["last_paint"]["median_ms"] for n in PAGES)
        if own and ref:
            lines.append(f"{KINDS[kind]}: own / reference, last plot median: {own / ref:.2f}x")
        lines.append(f"{KINDS[kind]}: /proc/loadavg before / after: {' | '.join(res['loadavg'])}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=DEFAULT_STEPS, help="measured steps per page")
    ap.add_argument("--json", type=pathlib.Path, help="also write the figures to this file")
    ap.add_argument("--only", choices=list(KINDS), action="append", help="one server kind")
    args = ap.parse_args()
    kinds = tuple(k for k in ("voila", "lab") if not args.only or k in args.only)
    result = measure(args.steps, kinds)
    result["command"] = "python benchmarks/own_model_browser.py " + " ".join(sys.argv[1:])
    print(format_table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
