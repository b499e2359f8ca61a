"""Input -> last plot painted in real Chromium, in Voila, JupyterLab and Notebook 7.

``python benchmarks/browser_latency.py [--steps 30] [--drags 3] [--only voila|lab|nb7]
[--tabs network,gradients] [--no-opens] [--off] [--preheat] [--json out.json]``

What the user perceives of one step: the time from the key press (or mouse move) to the last
plot of the app painted. Per server (this interpreter, a free 127.0.0.1 port, its own process
group, stopped with its kernels at the end, a fresh JAX compilation cache directory; the way
tests/browser/nnw_browser.py starts them, one at a time) and per app, the tabular Explorer
(``Explorer("breast_cancer")``) and the digits Explorer (``Explorer("digits")``, an 8x8
painter), both with saliency, on the nnwidgets kernel, first with the default course tab
(network) shown, then with another per-step tab (gradients):

- key steps: ArrowRight on a slider handle (tabular: an input feature; digits: the example
  picker, which loads the next test digit), ``--steps`` times after 3 warm-up steps.
- mouse steps: the left button held, 1 px moves of a tabular slider's handle (about 4 slider
  steps each), or moves from cell to cell of the digits painter (a blank canvas, a snake path:
  each move paints one new cell).
- fast drag: 30 moves in 1 s, of 2 px on a tabular slider or from cell to cell of the painter,
  ``--drags`` times; reported: the last plot painted after the last move (median / max), how
  many values reached the kernel (the views' ``data-version``), and whether the page ends on
  the final input (probabilities and attribution equal ``explain`` run here on the input the
  page shows).

How, in the page (benchmarks/paint_probe.js, an init script installed before the page loads):
t0 is ``performance.now()`` in a capturing listener on the document; every drawing call on a
plot canvas of the app (class ``nnw-*-canvas``) and every DOM change inside a bqplot figure
(``svg.svg-figure``) is stamped; a step ends when the probability readout has changed and
nothing was painted, changed or received from the kernel for 200 ms. Latency = the step's last
paint - t0. Text changes (status line, readouts) are no paint. "First readout" is the first
change of the probability readout's text (the figure this benchmark reported before). Kernel
websocket frames per step: Playwright ``framereceived`` on the page's kernel channels between
the input and the step's end.

Also, unless ``--no-opens``: the first interactive frame (status "ready" with values, checked
every animation frame by benchmarks/first_frame.js) of the tabular Explorer, cold (the first
page load / run-all on the empty cache), warm (a new kernel, the cache filled, a fresh browser
context) and warm + browser cache (a new page in the first context); JupyterLab also: run-all
3 s after the kernel websocket opened, with ipykernel's kernelspec and with nnwidgets'; kernel
updates that follow the first frame on their own; the kernel's RSS with the Explorer shown.
``--off`` adds each server with ``NNWIDGETS_TCP_NODELAY=0`` (the server extension off),
``--preheat`` Voila with a pre-heated kernel pool (``--preheat_kernel=True --pool_size=1``).

The floor (a row of its own per server): the same key steps on a notebook with the Explorer's
slider kind (no echo) and key guard, whose kernel observer sets one anywidget
(benchmarks/floor_widget.js: the value as the readout's text, one bar drawn on a canvas in the
next animation frame): what a step costs through this server, kernel and page with no model
and no view of the lab.

Targets (printed, not asserted): p95 <= 25 ms in Voila, <= 30 ms in JupyterLab and Notebook 7;
median <= 20 ms in Voila.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import pathlib
import re
import sys
import tempfile
import time
import traceback
import urllib.request
from typing import Any

import numpy as np
import psutil

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests" / "browser"))
import nnw_browser as nb  # tests/browser/nnw_browser.py: servers, pages, readouts

HERE = pathlib.Path(__file__).resolve().parent

#: Server kinds: name on the command line -> (label, nnw_browser.START key).
KINDS = {
    "voila": ("Voila", "voila"),
    "lab": ("JupyterLab", "lab"),
    "nb7": ("Notebook 7", "notebook"),
}
#: The apps: nnw_browser notebook -> (label, bundled model).
APPS = {"tabular": ("tabular", "breast_cancer"), "digits": ("digits", "digits")}
#: Course tabs -> the class of their view (built by the kernel when first shown).
TAB_VIEWS = {
    "network": "nnw-structure",
    "gradients": "nnw-gradients",
    "feature maps": "nnw-feature-maps",
    "activation functions": "nnw-activation-functions",
}
TABS = ("network", "gradients")
#: Targets in ms (median, p95) per server kind; None: no target.
TARGETS = {"voila": (20.0, 25.0), "lab": (None, 30.0), "nb7": (None, 30.0)}
DEFAULT_STEPS = 30
DRAGS = 3
WARMUP = 3
QUIET_MS = 200  # a step ends when nothing was painted, changed or received for this long
UNTIMED_QUIET_MS = 400  # after untimed actions (clear the painter, press the button)
DRAG_QUIET_MS = 1000
STEP_TIMEOUT_MS = 10_000  # no readout change by then: the step is missed
DRAG_MOVES, DRAG_S, DRAG_PX = 30, 1.0, 2.0
MOUSE_STEP_PX = 1.0
PRECHECK_STEPS = 5  # key steps on the preheated Voila page: is it interactive, how fast
PAUSE_S = 3.0  # JupyterLab: a reader's pause between opening the notebook and run-all
# the page prints 6 significant digits (tests/browser/test_explorer_browser.py)
PROB_TOL = {"rtol": 1e-4, "atol": 1e-12}
ATTR_TOL = {"rtol": 1e-4, "atol": 1e-6}
KERNEL_WS = re.compile(r"/api/kernels/([0-9a-f-]{36})/channels")
APP_ROOT = ".nnw-explorer"
PAINTER = ".nnw-digit-painter canvas.nnw-paint-canvas"
#: What starts a step (benchmarks/paint_probe.js), per app and input.
TRIGGERS = {
    ("tabular", "key"): {"type": "keydown", "selector": ".nnw-input-sliders", "key": "ArrowRight"},
    ("tabular", "mouse"): {"type": "pointermove", "selector": ".nnw-input-sliders"},
    ("digits", "key"): {"type": "keydown", "selector": ".nnw-example-picker", "key": "ArrowRight"},
    ("digits", "mouse"): {"type": "pointermove", "selector": PAINTER},
}

PROBE = (HERE / "paint_probe.js").read_text()
FIRST_FRAME = (HERE / "first_frame.js").read_text()
PROBE_CALL = (HERE / "probe_call.js").read_text()


def probe(page: Any, name: str, *args: Any) -> Any:
    """Call (or read) ``name``, e.g. ``"__nnwProbe.wait"``, of the page-side probes."""
    return page.evaluate(PROBE_CALL, [name, list(args)])
#: The floor: the Explorer's own slider kind (no echo) and key guard around one anywidget
#: (benchmarks/floor_widget.js) that a kernel observer sets; the same server, kernelspec, probe
#: and key steps as the Explorer's rows, no computation and no view of the lab.
FLOOR_SOURCE = """import pathlib

import anywidget
import ipywidgets as W
import traitlets as t

from nnwidgets.views._app_guard import AppGuard
from nnwidgets.views._base import InputSlider


class Floor(anywidget.AnyWidget):
    _esm = pathlib.Path({js!r})
    value = t.Int(0).tag(sync=True)


slider = InputSlider(0.0, min=0.0, max=1000.0, step=0.01, description="floor")
slider.add_class("nnw-floor-slider")
floor = Floor()
slider.observe(lambda change: setattr(floor, "value", round(change.new * 100)), names="value")
app = W.VBox([AppGuard(".nnw-floor"), slider, floor])
app.add_class("nnw-floor")
app.add_class("nnw-app")
app
""".format(js=str(HERE / "floor_widget.js"))


# -- pages and servers -------------------------------------------------------------------------


class Page:
    """A fresh page, instrumented before it loads (paint probe, first frame), that counts the
    frames its kernel websockets receive and remembers its kernels' ids."""

    def __init__(self, browser: Any, context: Any = None):
        if context is None:  # a fresh context: nothing cached
            self.page, self.own_context = nb.new_page(browser), True
        else:  # a new page next to an earlier one: the browser's HTTP cache is warm
            self.page, self.own_context = context.new_page(), False
            self.page.route("https://**/*", lambda route: route.abort())
        self.frames = 0
        self.kernel_ids: list[str] = []
        self.trigger: dict[str, Any] | None = None
        self.page.on("websocket", self._ws)
        self.page.add_init_script(PROBE)
        self.page.add_init_script(FIRST_FRAME)

    def _ws(self, ws: Any) -> None:
        m = KERNEL_WS.search(ws.url)
        if not m:
            return
        if m.group(1) not in self.kernel_ids:
            self.kernel_ids.append(m.group(1))
        ws.on("framereceived", self._frame)

    def _frame(self, _payload: Any) -> None:
        self.frames += 1

    # the probe (benchmarks/paint_probe.js)

    def arm(self, **options: Any) -> str:
        """Arm the probe on the Explorer; ``options``: paint_probe.js's ``version``, ``dom``."""
        return probe(
            self.page, "__nnwProbe.arm", {"root": APP_ROOT, "readout": nb.PROBS, **options}
        )

    def set(self, trigger: dict[str, Any] | None) -> None:
        """The input that starts a step from now on (None: none); ends the current step."""
        self.trigger = trigger
        probe(self.page, "__nnwProbe.set", trigger)

    def counts(self) -> tuple[int, int]:
        """(steps so far, readout changes so far)."""
        return tuple(probe(self.page, "__nnwProbe.counts"))

    def settle(self, since: int, quiet_ms: int = UNTIMED_QUIET_MS) -> bool:
        return probe(self.page, "__nnwProbe.settle", since, quiet_ms, STEP_TIMEOUT_MS)

    def untimed(self, act: Any, change: bool = True) -> None:
        """``act()`` outside any step, then its readout change (if ``change``) and quiet."""
        trigger = self.trigger
        self.set(None)
        since = self.counts()[1] if change else -1
        act()
        self.settle(since)
        self.set(trigger)

    def step(self, act: Any) -> dict[str, Any] | None:
        """``act()`` (one input that the trigger stamps), wait for its end; its figures, None
        when it was missed (no readout change, or nothing painted)."""
        n = self.counts()[0]
        frames0 = self.frames
        act()
        r = probe(self.page, "__nnwProbe.wait", n, QUIET_MS, STEP_TIMEOUT_MS)
        return _sample(r["step"], r["ok"], self.frames - frames0)

    def steps_since(self, n: int) -> list[dict[str, Any]]:
        return probe(self.page, "__nnwProbe.since", n)

    def close(self, keep_context: bool = False) -> None:
        context = self.page.context
        with contextlib.suppress(Exception):  # Voila asks to shut the page's kernel down
            self.page.close(run_before_unload=True)
        time.sleep(0.5)  # let the beforeunload request go out
        if self.own_context and not keep_context:
            with contextlib.suppress(Exception):
                context.close()


def _view(label: str) -> str:
    """The view of a paint's label: "nnw-structure#3" (a canvas), "nnw-tokens:dom#7" (DOM)."""
    return label.split("#")[0].split(":")[0]


def _since(t: float | None, t0: float) -> float | None:
    return None if t is None else t - t0


def _sample(s: dict[str, Any] | None, ok: bool, frames: int) -> dict[str, Any] | None:
    if not ok or s is None or s["last"] is None:
        return None
    views: dict[str, float] = {}  # each view's last paint after t0
    for label, t in s["paint"].items():
        views[_view(label)] = max(views.get(_view(label), 0.0), t - s["t0"])
    return {
        "last_paint_ms": s["last"] - s["t0"],
        "readout_ms": s["readout"] - s["t0"],
        "dispatch_ms": s["t0"] - s["event_ts"],  # OS event -> our listener
        "last_view": _view(s["last_view"]),
        "frames": frames,
        "canvases": sum(":" not in k for k in s["paint"]),
        "draw_calls": s["calls"],
        "svg_changes": s["svg_changes"],
        "views_ms": views,
        # the input sent; the kernel's first, last and largest message received; their count
        "ws_out_ms": _since(s["ws_out"], s["t0"]),
        "ws_in_first_ms": _since(s["ws_in_first"], s["t0"]),
        "ws_in_last_ms": _since(s["ws_in_last"], s["t0"]),
        "ws_in_big_ms": _since(s.get("ws_in_big"), s["t0"]),  # the largest: the views' update
        "ws_in": s["ws_in"],
    }


def _start_voila(
    notebooks: pathlib.Path, work: pathlib.Path, env: dict[str, str], extra: list[str]
) -> nb.Server:
    """nb.start_voila with extra command-line flags (the kernel pool)."""
    return nb.start_voila(notebooks, work, env, tuple(extra))


def _kernel_rss_mb(server: nb.Server, kernel_id: str) -> float | None:
    for p in nb.kernel_processes(server):
        with contextlib.suppress(psutil.Error):
            if any(kernel_id in a for a in p.cmdline()):
                return p.memory_info().rss / 2**20
    return None


def _wait_idle_kernel(server: nb.Server, known: set[int], timeout: float = 120.0) -> int:
    """Wait for a kernel process not in ``known`` that has run its notebook (CPU idle); its pid."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        new = [p for p in nb.kernel_processes(server) if p.pid not in known]
        if new:
            p, quiet = new[0], 0
            while quiet < 3 and time.monotonic() < deadline:  # 1.5 s below 3 % CPU
                try:
                    busy = p.cpu_percent(interval=0.5) > 3.0
                    big = p.memory_info().rss > 150 * 2**20  # jax and the Explorer imported
                except psutil.Error:
                    break
                quiet = 0 if busy or not big else quiet + 1
            if quiet >= 3:
                return p.pid
        time.sleep(0.25)
    raise RuntimeError(f"no idle pre-heated kernel after {timeout:.0f} s; log {server.log}")


def _shutdown_jupyter_kernels(server: nb.Server) -> None:
    """Delete every session and kernel (REST API) of a JupyterLab / Notebook 7 server, so the
    next run gets a new kernel."""
    for what in ("sessions", "kernels"):
        url = f"{server.base}/api/{what}?token={server.token}"
        with urllib.request.urlopen(url, timeout=10) as r:
            items = json.load(r)
        for item in items:
            req = urllib.request.Request(
                f"{server.base}/api/{what}/{item['id']}?token={server.token}", method="DELETE"
            )
            with contextlib.suppress(Exception), urllib.request.urlopen(req, timeout=30):
                pass
    deadline = time.monotonic() + 30
    while nb.kernel_processes(server) and time.monotonic() < deadline:
        time.sleep(0.25)


def _version(page: Any) -> int:
    return int(page.locator(nb.PROBS).first.get_attribute("data-version"))


def _jupyter(server: nb.Server) -> bool:
    return server.kind in ("lab", "notebook")


def _open_timed(
    p: Page, server: nb.Server, notebook: str = "tabular", pause_s: float = 0.0
) -> dict[str, Any]:
    """Open an Explorer notebook; times to the first ready frame (ms) and the load's updates.

    JupyterLab / Notebook 7: run-all ``pause_s`` seconds after the notebook's kernel websocket
    opened (a reader's pause before running the first cell)."""
    page, timeout = p.page, nb.EXPLORER_TIMEOUT
    page.goto(server.url(notebook), wait_until="domcontentloaded", timeout=timeout * 1000)
    out: dict[str, Any] = {}
    if _jupyter(server):  # run-all once the notebook's kernel websocket is open
        deadline = time.monotonic() + timeout
        while not p.kernel_ids and time.monotonic() < deadline:
            page.wait_for_timeout(20)
        page.wait_for_timeout(pause_s * 1000)
        out["run_all_attempts"] = nb._lab_run_all(page, timeout)
    page.wait_for_function(
        PROBE_CALL, arg=["__nnwOpen.isReady", []], timeout=timeout * 1000
    )
    if _jupyter(server):  # the cell has finished: no second run can replace the output
        page.wait_for_function(nb.js("cell_finished"), timeout=timeout * 1000)
    nb.wait_quiet(page, quiet_ms=1000, timeout=60)
    w = probe(page, "__nnwOpen.state")
    out["navigation"] = probe(page, "__nnwOpen.navigation")
    out["from_nav_ms"] = w["ready"]
    if _jupyter(server):
        out["from_run_all_ms"] = w["ready"] - w["runAll"][-1]
    out["version_at_ready"] = w["version"]
    out["version_settled"] = _version(page)
    out["load_updates"] = out["version_settled"] - (w["version"] or 0)
    out["kernel_rss_mb"] = _kernel_rss_mb(server, p.kernel_ids[-1]) if p.kernel_ids else None
    return out


# -- inputs ------------------------------------------------------------------------------------


def _slider_ranges(page: Any) -> list[tuple[float, float, float, float]]:
    """``(value, min, max, track px)`` per slider (readout, aria-*, the noUi-base's width)."""
    rows = page.evaluate(nb.js("slider_ranges"))
    values = nb.slider_values(page)
    return [(float(v), lo, hi, px) for v, (lo, hi, px) in zip(values, rows)]


def _pick(page: Any, px: float, value_room: float, exclude: set[int], right_only=False):
    """A feature (not in ``exclude``) with room for ``px`` pixels (+ ``value_room``) of drag,
    and the direction (+1 right, -1 left) with that room."""
    for i, (v, lo, hi, track) in enumerate(_slider_ranges(page)):
        if i in exclude:
            continue
        need = px * (hi - lo) / track + value_room + 0.1
        if hi - v >= need:
            return i, 1.0
        if not right_only and v - lo >= need:
            return i, -1.0
    raise RuntimeError(f"no slider has room for a {px} px / {value_room} drag")


def _handle(page: Any, feature: int) -> Any:
    return page.locator(f".nnw-input-sliders .nnw-feature-{feature} .noUi-handle")


def _centre(locator: Any) -> tuple[float, float]:
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _painter_cells(page: Any) -> list[tuple[float, float]]:
    """The painter's cell centres (page px) along a snake path: row 0 left to right, row 1
    right to left, ... (each next cell a neighbour: a move paints that cell only)."""
    side = round(len(nb.canvas_values(page)) ** 0.5)
    canvas = page.locator(PAINTER).first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    w, h = box["width"] / side, box["height"] / side
    return [
        (box["x"] + (c + 0.5) * w, box["y"] + (r + 0.5) * h)
        for r in range(side)
        for c in (range(side) if r % 2 == 0 else range(side - 1, -1, -1))
    ]


def _clear_painter(p: Page) -> None:
    """Click the painter's "clear" (untimed); waits for the kernel's answer if it had ink."""
    page = p.page
    inked = bool(np.any(nb.canvas_values(page) > nb.canvas_values(page).min()))
    button = page.locator(".nnw-digit-painter button", has_text="clear").first
    p.untimed(button.click, change=inked)


def _start_stroke(p: Page) -> list[tuple[float, float]]:
    """Clear the painter, press the button on its first cell (untimed); the path's cells."""
    _clear_painter(p)
    cells = _painter_cells(p.page)
    p.page.mouse.move(*cells[0])
    p.untimed(p.page.mouse.down)
    return cells


# -- measurements on an open Explorer ---------------------------------------------------------


def _stats(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"median_ms": None, "p95_ms": None}
    a = np.asarray(values, dtype=float)
    return {"median_ms": float(np.median(a)), "p95_ms": float(np.percentile(a, 95))}


def _summary(samples: list[dict[str, Any] | None], extra: dict[str, Any]) -> dict[str, Any]:
    """Median / p95 of the counted steps' figures; missed steps counted."""
    rs = [s for s in samples if s is not None]

    def med(key: str) -> float | None:
        v = [r[key] for r in rs if r[key] is not None]
        return float(np.median(v)) if v else None

    return {
        **extra,
        "steps": len(rs),
        "missed": len(samples) - len(rs),
        "last_paint": _stats([r["last_paint_ms"] for r in rs]),
        "readout": _stats([r["readout_ms"] for r in rs]),
        "frames_per_step": med("frames"),
        "dispatch_median_ms": med("dispatch_ms"),
        "ws_out_median_ms": med("ws_out_ms"),
        "ws_in_first_median_ms": med("ws_in_first_ms"),
        "ws_in_last_median_ms": med("ws_in_last_ms"),
        "ws_in_big_median_ms": med("ws_in_big_ms"),
        "canvases_per_step": med("canvases"),
        "draw_calls_per_step": med("draw_calls"),
        "svg_changes_per_step": med("svg_changes"),
        "last_view": dict(collections.Counter(r["last_view"] for r in rs).most_common()),
        "views_median_ms": {
            v: float(np.median([r["views_ms"][v] for r in rs if v in r["views_ms"]]))
            for v in sorted({v for r in rs for v in r["views_ms"]})
        },
        "samples": rs,
    }


def _key_steps(p: Page, app: str, steps: int, used: set[int]) -> dict[str, Any]:
    page = p.page
    if app == "tabular":
        feature, _ = _pick(page, 0, 0.01 * (steps + WARMUP), used, right_only=True)
        used.add(feature)
        handle, extra = _handle(page, feature), {"feature": feature}
    else:  # the example picker: the next test digit
        handle, extra = page.locator(".nnw-example-picker .noUi-handle").first, {}
    handle.scroll_into_view_if_needed()
    handle.focus()
    p.set(TRIGGERS[(app, "key")])
    samples = [p.step(lambda: page.keyboard.press("ArrowRight")) for _ in range(WARMUP + steps)]
    p.set(None)
    return _summary(samples[WARMUP:], extra)


def _mouse_steps(p: Page, app: str, steps: int, used: set[int]) -> dict[str, Any]:
    page = p.page
    samples: list[dict[str, Any] | None] = []
    if app == "tabular":
        feature, direction = _pick(page, MOUSE_STEP_PX * (steps + WARMUP), 0, used)
        used.add(feature)
        x0, y0 = _centre(_handle(page, feature))
        page.mouse.move(x0, y0)
        page.mouse.down()
        p.set(TRIGGERS[(app, "mouse")])
        try:
            for i in range(1, WARMUP + steps + 1):
                x = x0 + direction * i * MOUSE_STEP_PX
                samples.append(p.step(lambda x=x: page.mouse.move(x, y0)))
        finally:
            p.set(None)
            page.mouse.up()
        p.settle(-1)
        return _summary(samples[WARMUP:], {"feature": feature})
    p.set(TRIGGERS[(app, "mouse")])
    cells, k = _start_stroke(p), 1
    try:
        for _ in range(WARMUP + steps):
            if k == len(cells):  # the canvas is full: clear it, start again (untimed)
                p.untimed(page.mouse.up, change=False)
                cells, k = _start_stroke(p), 1
            samples.append(p.step(lambda c=cells[k]: page.mouse.move(*c)))
            k += 1
    finally:
        p.set(None)
        page.mouse.up()
    p.settle(-1)
    return _summary(samples[WARMUP:], {})


def _page_input(page: Any, app: str, model: Any) -> np.ndarray:
    if app == "tabular":
        return nb.slider_values(page).astype(np.float32)
    shape = model.dataset.X_test.shape[1:]
    return nb.canvas_values(page).astype(np.float32).reshape(shape)


def _page_equals_kernel(page: Any, app: str, model: Any) -> tuple[bool, str]:
    """Whether the page's probabilities and attribution are ``explain`` of its input."""
    from nnwidgets.kernels import explain

    x = _page_input(page, app, model)
    e = explain(model.model, model.params, x, method="saliency")
    probs, attribution = nb.read_values(page, nb.PROBS), nb.read_values(page, nb.ATTRIBUTION)
    problems = []
    if not np.allclose(probs, e.probs, **PROB_TOL):
        problems.append(f"probabilities {probs} != {e.probs}")
    if not np.allclose(attribution, e.attribution.ravel(), **ATTR_TOL):
        problems.append("attribution differs")
    return not problems, "; ".join(problems)


def _fast_drag(p: Page, app: str, model: Any, used: set[int]) -> dict[str, Any]:
    """30 moves in 1 s with the button held; the last plot painted after the last move."""
    page = p.page
    out: dict[str, Any] = {}
    if app == "tabular":
        feature, direction = _pick(page, DRAG_PX * DRAG_MOVES, 0, used)
        used.add(feature)
        out["feature"] = feature
        x0, y0 = _centre(_handle(page, feature))
        page.mouse.move(x0, y0)
        page.mouse.down()
        path = [(x0 + direction * i * DRAG_PX, y0) for i in range(1, DRAG_MOVES + 1)]
    else:
        cells = _start_stroke(p)
        path = cells[1 : DRAG_MOVES + 1]
    version0, frames0 = _version(page), p.frames
    n0 = p.counts()[0]
    p.set(TRIGGERS[(app, "mouse")])
    t0 = time.monotonic()
    try:
        for i, (x, y) in enumerate(path, 1):
            page.mouse.move(x, y)
            time.sleep(max(0.0, t0 + i * DRAG_S / len(path) - time.monotonic()))
        took = time.monotonic() - t0
        p.settle(-1, DRAG_QUIET_MS)  # the last move's step is still open: its paints count
    finally:
        p.set(None)
        page.mouse.up()
    p.settle(-1)
    moves = p.steps_since(n0)
    last = max((s["last"] for s in moves if s["last"] is not None), default=None)
    readout = probe(page, "__nnwProbe.lastReadout")
    ok, why = _page_equals_kernel(page, app, model)
    out.update(
        {
            "moves": len(path),
            "moves_seen": len(moves),
            "drag_s": round(took, 3),
            "kernel_values": _version(page) - version0,
            "frames": p.frames - frames0,
            "last_paint_after_last_move_ms": (
                last - moves[-1]["t0"] if moves and last is not None else None
            ),
            "readout_after_last_move_ms": readout - moves[-1]["t0"] if moves else None,
            "final_ok": ok,
            "final_problem": why,
        }
    )
    return out


def _floor(browser: Any, server: nb.Server, steps: int) -> dict[str, Any]:
    """Key steps on the floor notebook (``FLOOR_SOURCE``): the transport, the kernel's message
    handling and one canvas frame, with no model and no view of the lab."""
    if _jupyter(server):
        _shutdown_jupyter_kernels(server)
    p = Page(browser)
    try:
        page, timeout = p.page, nb.EXPLORER_TIMEOUT
        page.goto(server.url("floor"), wait_until="domcontentloaded", timeout=timeout * 1000)
        if _jupyter(server):
            deadline = time.monotonic() + timeout
            while not p.kernel_ids and time.monotonic() < deadline:
                page.wait_for_timeout(20)
            nb._lab_run_all(page, timeout)
        handle = page.locator(".nnw-floor-slider .noUi-handle").first
        handle.wait_for(timeout=timeout * 1000)
        page.wait_for_timeout(1000)
        probe(page, "__nnwProbe.arm", {"root": ".nnw-floor", "readout": ".nnw-floor-readout"})
        handle.focus()
        p.set({"type": "keydown", "selector": ".nnw-floor-slider", "key": "ArrowRight"})
        samples = [p.step(lambda: page.keyboard.press("ArrowRight")) for _ in range(WARMUP + steps)]
        p.set(None)
        return _summary(samples[WARMUP:], {})
    finally:
        p.close()


def _show_tab(page: Any, title: str) -> None:
    nb.show_tab(page, title, TAB_VIEWS[title])
    nb.wait_quiet(page, quiet_ms=500)


def _measure_app(
    p: Page, app: str, model: Any, steps: int, drags: int, tabs: tuple[str, ...]
) -> dict[str, Any]:
    """Key steps, mouse steps and fast drags with each tab of ``tabs`` shown in turn."""
    p.arm()
    used: set[int] = set()  # tabular sliders already moved
    out: dict[str, Any] = {}
    for tab in tabs:
        if tab != "network":  # the default tab
            _show_tab(p.page, tab)
        print(f"  {app}, {tab} tab", file=sys.stderr)
        out[tab] = {
            "key": _key_steps(p, app, steps, used),
            "mouse": _mouse_steps(p, app, steps, used),
            "drags": [_fast_drag(p, app, model, used) for _ in range(drags)],
        }
    return out


# -- one server --------------------------------------------------------------------------------


def _server_env(cache: pathlib.Path, nodelay: bool) -> dict[str, str]:
    cache.mkdir(parents=True)  # fresh and empty: the first kernel compiles
    return {
        "NNWIDGETS_TCP_NODELAY": "1" if nodelay else "0",
        "NNWIDGETS_COMPILATION_CACHE": str(cache),
    }


def _files(path: pathlib.Path) -> int:
    return sum(1 for f in path.rglob("*") if f.is_file())


def _log_has_nodelay(server: nb.Server) -> bool:
    return "TCP_NODELAY=1 on the websocket" in server.log.read_text(errors="replace")


def _loadavg() -> str:
    try:
        return pathlib.Path("/proc/loadavg").read_text().strip()
    except OSError:
        return "n/a"


def _run_server(
    browser, kind, nodelay, notebooks, work, steps, drags, tabs, models, opens
) -> dict[str, Any]:
    """Per app: open it (the tabular one timed, cold), then key and mouse steps and fast
    drags per tab. Then, with ``opens``, warm opens of the tabular Explorer in a fresh browser
    context and in a new page of the first context (HTTP cache warm)."""
    env = _server_env(work / "jax-cache", nodelay)
    server = nb.START[KINDS[kind][1]](notebooks, work, env)
    out: dict[str, Any] = {"kind": kind, "nodelay": nodelay, "preheat": False, "apps": {}}
    out["loadavg"] = [_loadavg()]
    context = None
    try:
        for app in APPS:
            if _jupyter(server):
                _shutdown_jupyter_kernels(server)  # one kernel at a time
            p = Page(browser)
            try:
                out[f"open_{app}"] = _open_timed(p, server, app)
                if app == "tabular":
                    out["cold"] = out["open_tabular"]
                    out["cache_files_after_cold"] = _files(work / "jax-cache")
                out["apps"][app] = _measure_app(p, app, models[app], steps, drags, tabs)
                out[f"rss_after_steps_{app}_mb"] = _kernel_rss_mb(server, p.kernel_ids[-1])
            finally:
                if app == "tabular":
                    context = p.page.context
                p.close(keep_context=app == "tabular")
        out["floor"] = _floor(browser, server, steps)
        out["loadavg"].append(_loadavg())
        if opens:
            names = [("warm", None, "tabular", 0.0), ("warm_cached", context, "tabular", 0.0)]
            if kind == "lab":  # run-all after a reader's pause: ipykernel vs the preloading kernel
                names += [
                    ("pause_python3", context, "tabular_python3", PAUSE_S),
                    ("pause_nnwidgets", context, "tabular", PAUSE_S),
                ]
            for name, ctx, notebook, pause in names:
                if _jupyter(server):
                    _shutdown_jupyter_kernels(server)  # the next run gets a new kernel
                p = Page(browser, ctx)
                try:
                    out[name] = _open_timed(p, server, notebook, pause)
                finally:
                    p.close()
    finally:
        if context is not None:
            with contextlib.suppress(Exception):
                context.close()
        server.stop()
        out["nodelay_logged"] = _log_has_nodelay(server)
    return out


def _run_preheat(browser, notebooks, work) -> dict[str, Any]:
    """Voila with a pool of one pre-heated kernel (extension ON): three page loads (fresh
    context, fresh context, the first's context), each once the pool's kernel has run the
    notebook; then a few key steps on the last page."""
    env = _server_env(work / "jax-cache", True)
    server = _start_voila(notebooks, work, env, ["--preheat_kernel=True", "--pool_size=1"])
    out: dict[str, Any] = {"kind": "voila", "nodelay": True, "preheat": True}
    context = None
    try:
        known = {_wait_idle_kernel(server, set())}
        first = Page(browser)
        context = first.page.context
        out["cold"] = _open_timed(first, server)
        first.close(keep_context=True)
        known.add(_wait_idle_kernel(server, known))  # the pool's refill
        p = Page(browser)
        try:
            out["warm"] = _open_timed(p, server)
        finally:
            p.close()
        known.add(_wait_idle_kernel(server, known))
        p = Page(browser, context)
        try:
            out["warm_cached"] = _open_timed(p, server)
            _wait_idle_kernel(server, known)  # the refill: no compiling kernel next to the steps
            p.arm()
            out["key"] = _key_steps(p, "tabular", PRECHECK_STEPS, set())
        finally:
            p.close()
    finally:
        if context is not None:
            with contextlib.suppress(Exception):
                context.close()
        server.stop()
        out["nodelay_logged"] = _log_has_nodelay(server)
    return out


def measure(
    steps: int = DEFAULT_STEPS,
    kinds: tuple[str, ...] = tuple(KINDS),
    nodelay: tuple[bool, ...] = (True,),
    preheat: bool = False,
    drags: int = DRAGS,
    tabs: tuple[str, ...] = TABS,
    opens: bool = True,
) -> dict[str, Any]:
    """Every figure of the tables, per configuration (``"voila-on"``, ``"lab-off"``, ...)."""
    from playwright.sync_api import sync_playwright

    from nnwidgets.models import pretrained

    models = {app: pretrained(name) for app, (_, name) in APPS.items()}
    result: dict[str, Any] = {
        "steps": steps,
        "warmup": WARMUP,
        "drags": drags,
        "tabs": list(tabs),
        "quiet_ms": QUIET_MS,
        "loadavg_start": _loadavg(),
        "configs": {},
    }
    with tempfile.TemporaryDirectory(prefix="nnw-latency-") as tmp, sync_playwright() as pw:
        work = pathlib.Path(tmp)
        notebooks = work / "notebooks"
        nb.write_notebooks(notebooks)  # the bundled notebooks' kernel, "nnwidgets"
        nb.write_notebooks(notebooks, "python3", "_python3")  # ipykernel's, for comparison
        for path in notebooks.glob("*.ipynb"):  # Voila's pool preheats a kernel per notebook
            if path.stem not in (*APPS, "tabular_python3"):
                path.unlink()
        nb.write_notebook(notebooks / "floor.ipynb", FLOOR_SOURCE)
        browser = nb.launch_chromium(pw)
        result["chromium"] = browser.version
        configs = result["configs"]
        try:
            for kind in kinds:
                for on in nodelay:
                    name = f"{kind}-{'on' if on else 'off'}"
                    print(f"{name}: starting", file=sys.stderr)
                    t0 = time.monotonic()
                    try:
                        configs[name] = _run_server(
                            browser,
                            kind,
                            on,
                            notebooks,
                            work / name,
                            steps,
                            drags,
                            tabs,
                            models,
                            opens,
                        )
                    except Exception as e:
                        traceback.print_exc()
                        configs[name] = {"kind": kind, "nodelay": on, "error": repr(e)}
                    configs[name]["wall_s"] = round(time.monotonic() - t0, 1)
                    print(f"{name}: {configs[name]['wall_s']} s", file=sys.stderr)
            if preheat and "voila" in kinds:
                for path in notebooks.glob("*.ipynb"):  # one pool kernel: tabular's
                    if path.stem != "tabular":
                        path.unlink()
                t0 = time.monotonic()
                try:
                    configs["voila-preheat"] = _run_preheat(browser, notebooks, work / "preheat")
                except Exception as e:
                    traceback.print_exc()
                    configs["voila-preheat"] = {"kind": "voila", "preheat": True, "error": repr(e)}
                configs["voila-preheat"]["wall_s"] = round(time.monotonic() - t0, 1)
        finally:
            browser.close()
    result["loadavg_end"] = _loadavg()
    return result


# -- the tables --------------------------------------------------------------------------------


def _get(r: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(r, dict) or key not in r:
            return None
        r = r[key]
    return r


def _ms(v: Any) -> str:
    return "-" if v is None else f"{v:.0f}" if v >= 100 else f"{v:.1f}"


def _column(r: dict[str, Any]) -> str:
    server = KINDS[r["kind"]][0]
    if r.get("preheat"):
        return f"{server} preheated pool"
    return server if r.get("nodelay", True) else f"{server} ext OFF"


def _targets() -> str:
    parts = []
    for kind, (median, p95) in TARGETS.items():
        t = f"p95 <= {p95:g} ms" + (f", median <= {median:g} ms" if median else "")
        parts.append(f"{KINDS[kind][0]} {t}")
    return "; ".join(parts)


def format_table(result: dict[str, Any]) -> str:
    """``measure()``'s figures as markdown: step latency, fast drags, first frame and RSS."""
    configs = result["configs"]
    lines = [
        "Input -> last plot painted (drawing calls on the app's nnw-*-canvas canvases and "
        "changes in its bqplot SVG figures, instrumented before the page loads); "
        f"{result['steps']} steps per row after {result['warmup']} warm-up, a step ends after "
        f"{result['quiet_ms']} ms without paint, readout change or kernel frame; "
        f"Chromium {result.get('chromium', '?')}.",
        f"Targets (not asserted): {_targets()}.",
        "",
        "| server | app | tab | input | last plot painted ms, median / p95 | first readout "
        "change ms, median / p95 | kernel ws frames per step | steps (missed) | painted last |",
        "|---|---|---|---|---:|---:|---:|---:|---|",
    ]
    for r in configs.values():
        rows = [
            (app, tab, inp, res[inp])
            for app, tabs in r.get("apps", {}).items()
            for tab, res in tabs.items()
            for inp in ("key", "mouse")
        ]
        if "key" in r:  # the preheated pool: a few key steps on the tabular Explorer
            rows.append(("tabular", "network", "key", r["key"]))
        if "floor" in r:  # the same steps through a slider and one canvas, no computation
            rows.append(("floor", "-", "key", r["floor"]))
        for app, tab, inp, s in rows:
            lp, ro = s["last_paint"], s["readout"]
            missed = f" ({s['missed']})" if s["missed"] else ""
            last = ", ".join(f"{k} {v}" for k, v in list(s["last_view"].items())[:2])
            frames = "-" if s["frames_per_step"] is None else f"{s['frames_per_step']:.0f}"
            lines.append(
                f"| {_column(r)} | {APPS[app][0] if app in APPS else app} | {tab} | {inp} "
                f"| {_ms(lp['median_ms'])} / {_ms(lp['p95_ms'])} "
                f"| {_ms(ro['median_ms'])} / {_ms(ro['p95_ms'])} | {frames} "
                f"| {s['steps']}{missed} | {last} |"
            )
    lines += [
        "",
        f"Fast drag: {DRAG_MOVES} moves in {DRAG_S:g} s ({DRAG_PX:g} px on a tabular slider, "
        f"cell to cell on the digits painter), {result['drags']} per row.",
        "",
        "| server | app | tab | last plot painted after the last move ms, median / max "
        "| values reaching the kernel | moves took s | page ends on the final input |",
        "|---|---|---|---:|---:|---:|---|",
    ]
    for r in configs.values():
        for app, tabs in r.get("apps", {}).items():
            for tab, res in tabs.items():
                ds = res["drags"]
                after = [d["last_paint_after_last_move_ms"] for d in ds]
                after = [a for a in after if a is not None]
                settle = f"{_ms(np.median(after))} / {_ms(max(after))}" if after else "-"
                values = ", ".join(f"{d['kernel_values']}/{d['moves']}" for d in ds)
                took = ", ".join(f"{d['drag_s']:.2f}" for d in ds)
                ok = "yes" if all(d["final_ok"] for d in ds) else "NO"
                lines.append(
                    f"| {_column(r)} | {APPS[app][0]} | {tab} | {settle} | {values} | {took} "
                    f"| {ok} |"
                )
    lines += _open_table(configs)
    for r in configs.values():
        if "error" in r:
            lines.append(f"{_column(r)}: {r['error']}")
        for app, tabs in r.get("apps", {}).items():
            for tab, res in tabs.items():
                for d in res["drags"]:
                    if d["final_problem"]:
                        problem = d["final_problem"]
                        lines.append(f"{_column(r)}, {app}, {tab}: fast drag ends on: {problem}")
    lines.append("")
    lines.append(
        f"/proc/loadavg at the start / end: {result['loadavg_start']} | {result['loadavg_end']}"
    )
    for r in configs.values():
        if r.get("loadavg"):
            lines.append(
                f"{_column(r)}: /proc/loadavg before / after the steps: " + " | ".join(r["loadavg"])
            )
    return "\n".join(lines)


def _open_table(configs: dict[str, Any]) -> list[str]:
    names = [n for n in configs if "cold" in configs[n] or "error" in configs[n]]
    if not names:
        return []

    def num(v: Any, fmt: str = "{:.0f}") -> str:
        return "-" if v is None else fmt.format(v)

    def both(key: str) -> Any:
        def cell(r: dict[str, Any]) -> str:
            nav, run = _get(r, key, "from_nav_ms"), _get(r, key, "from_run_all_ms")
            return _ms(nav) if run is None else f"{_ms(nav)} / {_ms(run)}"

        return cell

    rows: list[tuple[str, Any]] = [
        ("first frame, tabular, cold: ms from navigation / run-all", both("cold")),
        ("first frame, digits, after tabular: ms from navigation / run-all", both("open_digits")),
        ("first frame, tabular, warm", both("warm")),
        ("first frame, tabular, warm + browser cache", both("warm_cached")),
        (
            f"run-all {PAUSE_S:g} s after opening, warm, ipykernel's kernel, ms",
            lambda r: _ms(_get(r, "pause_python3", "from_run_all_ms")),
        ),
        (
            f"run-all {PAUSE_S:g} s after opening, warm, nnwidgets kernel, ms",
            lambda r: _ms(_get(r, "pause_nnwidgets", "from_run_all_ms")),
        ),
        ("kernel updates after the first frame", lambda r: num(_get(r, "cold", "load_updates"))),
        (
            "kernel RSS with the tabular Explorer shown, MB",
            lambda r: num(_get(r, "cold", "kernel_rss_mb")),
        ),
        (
            "kernel RSS after the digits steps, MB",
            lambda r: num(r.get("rss_after_steps_digits_mb")),
        ),
        ("TCP_NODELAY=1 in the server log", lambda r: "yes" if r.get("nodelay_logged") else "no"),
        ("wall time, s", lambda r: num(r.get("wall_s"))),
    ]
    out = [
        "",
        "| | " + " | ".join(_column(configs[n]) for n in names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    for title, fn in rows:
        out.append(f"| {title} | " + " | ".join(fn(configs[n]) for n in names) + " |")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--steps", type=int, default=DEFAULT_STEPS, help="counted key / mouse steps per row"
    )
    ap.add_argument("--drags", type=int, default=DRAGS, help="fast drags per app and tab")
    ap.add_argument("--only", choices=list(KINDS), action="append", help="one server kind")
    ap.add_argument(
        "--tabs",
        default=",".join(TABS),
        help=f"course tabs shown in turn, comma-separated, from {list(TAB_VIEWS)}",
    )
    ap.add_argument("--no-opens", action="store_true", help="skip the warm first-frame rows")
    ap.add_argument("--off", action="store_true", help="also each server with the extension OFF")
    ap.add_argument("--preheat", action="store_true", help="also Voila with a preheated pool")
    ap.add_argument("--json", type=pathlib.Path, help="also write the figures to this file")
    args = ap.parse_args()
    tabs = tuple(t.strip() for t in args.tabs.split(",") if t.strip())
    if bad := [t for t in tabs if t not in TAB_VIEWS]:
        ap.error(f"--tabs: unknown {bad}, expected some of {list(TAB_VIEWS)}")
    kinds = tuple(k for k in KINDS if not args.only or k in args.only)
    result = measure(
        args.steps,
        kinds,
        (True, False) if args.off else (True,),
        args.preheat,
        args.drags,
        tabs,
        not args.no_opens,
    )
    report(result, format_table, args.json)


def report(result: dict[str, Any], table: Any, path: pathlib.Path | None) -> None:
    """Print ``table(result)`` (the command line in ``result``); write ``result`` to ``path``."""
    result["command"] = f"python benchmarks/{pathlib.Path(sys.argv[0]).name} " + " ".join(
        sys.argv[1:]
    )
    print(table(result))
    if path:
        path.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
