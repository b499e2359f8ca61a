"""The tabular Explorer in real Chromium: latency, fast drag, messages, first frame, kernel RSS.

``python benchmarks/browser_latency.py [--steps 30] [--json out.json] [--only lab|voila]
[--no-off] [--no-preheat]``

One run measures JupyterLab and Voila, each with the nnwidgets server extension ON (TCP_NODELAY
on the kernel websockets) and OFF (``NNWIDGETS_TCP_NODELAY=0``), plus Voila with a preheated
kernel pool (``--preheat_kernel=True --pool_size=1``, extension ON), and prints one table.
Servers are started the way tests/browser does (this interpreter, a free 127.0.0.1 port, own
process group, stopped with their kernels at the end), one at a time, each with a fresh, empty
JAX compilation cache directory (``NNWIDGETS_COMPILATION_CACHE``).

Per server, on the breast-cancer Explorer (saliency):

- first interactive frame, cold: the first page load (Voila) / the first run-all (JupyterLab)
  on the fresh cache; an init script checks every animation frame for status "ready" with
  values in both tables. Times are from navigation start (``performance.now()``) and, in
  JupyterLab, also from the run-all click (a capturing ``pointerup`` stamp on the menu item;
  run-all is clicked as soon as the notebook's kernel websocket is open, and retried if Lab
  drops it, see nnw_browser._lab_run_all). Warm: the same again with a new kernel (Voila
  starts one per page; in JupyterLab the kernels are shut down through the REST API) and the
  same cache directory, once in a fresh browser context ("warm") and once in a new page of
  the first page's context, whose HTTP cache holds the server's scripts ("warm + browser
  cache"). The kernel updates that follow the first frame on their own (sliders sending
  their values back) are counted from ``data-version``. JupyterLab, also: run-all 3 s after
  the kernel websocket opened (a reader's pause), warm cache, once with ipykernel's
  ``python3`` kernelspec and once with ``nnwidgets`` (the bundled notebooks' kernel, which
  imports nnwidgets in the background once it is up). The other rows use ``nnwidgets``.
- kernel RSS (MB) of the page's kernel (matched by its id in the kernel websocket's URL)
  once the Explorer is shown.
- key step -> DOM: one slider is focused and ArrowRight pressed ``steps`` times; a capturing
  ``keydown`` listener stamps each press and a MutationObserver the first change of the
  probability or attribution readout text after it. The next key waits until the views
  have been quiet for 200 ms. Warm-up steps are not counted.
- ws frames per key step: websocket frames the page receives on kernel channels between a
  key press and quiet (Playwright ``framereceived``), median over the key steps.
- mouse step -> DOM: the mouse holds another slider's handle and moves 1 px at a time
  (about 4 slider steps), each move stamped by a capturing ``pointermove`` listener, each
  waiting for the DOM change and 200 ms of quiet.
- fast drag: 30 moves of 2 px spread over 1 s on a third slider, then quiet for 1.5 s.
  Reported: how many values reached the kernel (``data-version`` delta), the settle time
  (last DOM change minus last mouse move) and whether the page ends on the final input
  (all probabilities and attributions equal ``explain`` run here on the slider readouts).
  "moves took": Playwright's ``mouse.move`` returns once the page has handled the event, so
  a page busy redrawing stretches the 1 s drag.
- Voila preheat: three page loads (fresh context, fresh context, first context again), each
  once the pool's kernel has run the notebook (its process idle), then a few key steps.
"""

from __future__ import annotations

import argparse
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

KINDS = {"voila": "Voila", "lab": "JupyterLab"}
DEFAULT_STEPS = 30
WARMUP = 3
QUIET_MS = 200  # between steps: the views have not changed for this long
DRAG_MOVES, DRAG_S, DRAG_PX = 30, 1.0, 2.0
MOUSE_STEP_PX = 1.0
PRECHECK_STEPS = 5  # key steps on the preheated Voila page: is it interactive, how fast
PAUSE_S = 3.0  # JupyterLab: a reader's pause between opening the notebook and run-all
# the page prints 6 significant digits (tests/browser/test_explorer_browser.py)
PROB_TOL = {"rtol": 1e-4, "atol": 1e-12}
ATTR_TOL = {"rtol": 1e-4, "atol": 1e-6}
KERNEL_WS = re.compile(r"/api/kernels/([0-9a-f-]{36})/channels")

# Runs before the page's own scripts: stamps the first animation frame at which the Explorer
# is ready with values (and the data-version then), and every run-all click in JupyterLab.
_READY_WATCH = """
(() => {
  const w = window.__nnwOpen = {ready: null, version: null, runAll: []};
  document.addEventListener('pointerup', ev => {
    if (ev.target && ev.target.closest &&
        ev.target.closest('.lm-Menu-item[data-command="runmenu:run-all"]'))
      w.runAll.push(performance.now());
  }, true);
  const check = () => {
    const s = document.querySelector('.nnw-explorer .nnw-status');
    if (s && s.textContent.trim() === 'ready'
        && document.querySelector('.nnw-probabilities td.nnw-v')
        && document.querySelector('.nnw-attribution td.nnw-v')) {
      w.ready = performance.now();
      const d = document.querySelector('.nnw-probabilities details.nnw-values');
      w.version = d ? Number(d.dataset.version) : null;
      return;
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();
"""
# After the Explorer is open: stamps key presses, held-button pointer moves and readout changes.
_INSTRUMENT = """
() => {
  const stamps = window.__nnwLatency = {press: [], move: [], change: []};
  document.addEventListener('keydown', ev => {
    if (ev.key === 'ArrowRight') stamps.press.push(performance.now());
  }, true);
  document.addEventListener('pointermove', ev => {
    if (ev.buttons & 1) stamps.move.push(performance.now());
  }, true);
  const boxes = ['.nnw-probabilities', '.nnw-attribution'].map(
    s => document.querySelector(s + ' details.nnw-values').parentElement);
  let last = boxes.map(b => b.textContent);
  const seen = () => {
    const t = performance.now(), now = boxes.map(b => b.textContent);
    if (now.some((text, i) => text !== last[i])) stamps.change.push(t);
    last = now;
  };
  for (const b of boxes) new MutationObserver(seen).observe(
    b, {childList: true, subtree: true, characterData: true});
}
"""
# latency of each stamp in stamps[kind][start:]: the first readout change at or after it
_LATENCIES = """
([kind, start]) => {
  const {change} = window.__nnwLatency;
  return window.__nnwLatency[kind].slice(start).map(p => {
    const c = change.find(t => t >= p);
    return c === undefined ? null : c - p;
  });
}
"""
_COUNTS = (
    "() => Object.fromEntries(Object.entries(window.__nnwLatency).map(([k, v]) => [k, v.length]))"
)


# -- pages and servers -------------------------------------------------------------------------


class Page:
    """A fresh page that counts kernel-websocket frames and remembers its kernels' ids."""

    def __init__(self, browser: Any, context: Any = None):
        if context is None:  # a fresh context: nothing cached
            self.page, self.own_context = nb.new_page(browser), True
        else:  # a new page next to an earlier one: the browser's HTTP cache is warm
            self.page, self.own_context = context.new_page(), False
            self.page.route("https://**/*", lambda route: route.abort())
        self.frames = 0
        self.kernel_ids: list[str] = []
        self.page.on("websocket", self._ws)
        self.page.add_init_script(_READY_WATCH)

    def _ws(self, ws: Any) -> None:
        m = KERNEL_WS.search(ws.url)
        if not m:
            return
        if m.group(1) not in self.kernel_ids:
            self.kernel_ids.append(m.group(1))
        ws.on("framereceived", self._frame)

    def _frame(self, _payload: Any) -> None:
        self.frames += 1

    def close(self, keep_context: bool = False) -> None:
        context = self.page.context
        with contextlib.suppress(Exception):  # Voila asks to shut the page's kernel down
            self.page.close(run_before_unload=True)
        time.sleep(0.5)  # let the beforeunload request go out
        if self.own_context and not keep_context:
            with contextlib.suppress(Exception):
                context.close()


def _start_voila(
    notebooks: pathlib.Path, work: pathlib.Path, env: dict[str, str], extra: list[str]
) -> nb.Server:
    """nb.start_voila with extra command-line flags (the kernel pool)."""
    work.mkdir(parents=True, exist_ok=True)
    port, log = nb.free_port(), work / "voila.log"
    args = [
        sys.executable,
        "-m",
        "voila",
        str(notebooks),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--show_tracebacks=True",
        *extra,
    ]
    server = nb.Server(
        "voila", nb._popen(args, work, log, notebooks, env), port, log, "", notebooks
    )
    server.wait_ready("/")
    return server


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


def _shutdown_lab_kernels(server: nb.Server) -> None:
    """Delete every JupyterLab session and kernel (REST API), so the next run gets a new one."""
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


def _open_timed(
    p: Page, server: nb.Server, notebook: str = "tabular", pause_s: float = 0.0
) -> dict[str, Any]:
    """Open the tabular Explorer; times to the first ready frame (ms) and the load's updates.

    JupyterLab: run-all ``pause_s`` seconds after the notebook's kernel websocket opened (a
    reader's pause before running the first cell)."""
    page, timeout = p.page, nb.EXPLORER_TIMEOUT
    page.goto(server.url(notebook), wait_until="domcontentloaded", timeout=timeout * 1000)
    out: dict[str, Any] = {}
    if server.kind == "lab":  # run-all once the notebook's kernel websocket is open
        deadline = time.monotonic() + timeout
        while not p.kernel_ids and time.monotonic() < deadline:
            page.wait_for_timeout(20)
        page.wait_for_timeout(pause_s * 1000)
        out["run_all_attempts"] = nb._lab_run_all(page, timeout)
    page.wait_for_function("() => window.__nnwOpen.ready !== null", timeout=timeout * 1000)
    if server.kind == "lab":  # the cell has finished: no second run can replace the output
        page.wait_for_function(
            """() => /^\\s*\\[\\d+\\]:\\s*$/.test(document.querySelector(
                 '.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt').textContent)""",
            timeout=timeout * 1000,
        )
    nb.wait_quiet(page, quiet_ms=1000, timeout=60)
    w = page.evaluate("() => window.__nnwOpen")
    out["navigation"] = page.evaluate(  # where the time went: server response vs page scripts
        """() => { const n = performance.getEntriesByType('navigation')[0];
             return {response_start_ms: n.responseStart, response_end_ms: n.responseEnd,
                     dom_content_loaded_ms: n.domContentLoadedEventEnd,
                     load_ms: n.loadEventEnd}; }"""
    )
    out["from_nav_ms"] = w["ready"]
    if server.kind == "lab":
        out["from_run_all_ms"] = w["ready"] - w["runAll"][-1]
    out["version_at_ready"] = w["version"]
    out["version_settled"] = _version(page)
    out["load_updates"] = out["version_settled"] - (w["version"] or 0)
    out["kernel_rss_mb"] = _kernel_rss_mb(server, p.kernel_ids[-1]) if p.kernel_ids else None
    return out


# -- measurements on an open Explorer ---------------------------------------------------------


def _slider_ranges(page: Any) -> list[tuple[float, float, float, float]]:
    """``(value, min, max, track px)`` per slider (readout, aria-*, the noUi-base's width)."""
    rows = page.evaluate(
        """() => [...document.querySelectorAll('.nnw-input-sliders .noUi-handle')].map(h => [
             Number(h.getAttribute('aria-valuemin')), Number(h.getAttribute('aria-valuemax')),
             h.closest('.noUi-base').getBoundingClientRect().width])"""
    )
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


def _stats(latencies: list[float | None], planned: int) -> dict[str, Any]:
    ms = np.array([v for v in latencies if v is not None], dtype=float)
    if ms.size == 0:
        return {"median_ms": None, "p95_ms": None, "steps": 0, "missed": planned}
    return {
        "median_ms": float(np.median(ms)),
        "p95_ms": float(np.percentile(ms, 95)),
        "steps": int(ms.size),
        "missed": int(planned - ms.size),
        "samples_ms": [round(float(v), 3) for v in ms],
    }


def _wait_change(page: Any, n: int) -> None:
    with contextlib.suppress(Exception):  # no change for this step: counted as missed
        page.wait_for_function("n => window.__nnwLatency.change.length > n", arg=n, timeout=10_000)
    nb.wait_quiet(page, quiet_ms=QUIET_MS)


def _key_steps(p: Page, steps: int, exclude: set[int]) -> dict[str, Any]:
    page = p.page
    feature, _ = _pick(page, 0, 0.01 * (steps + WARMUP), exclude, right_only=True)
    exclude.add(feature)
    start = page.evaluate(_COUNTS)["press"]
    handle = page.locator(f".nnw-input-sliders .nnw-feature-{feature} .noUi-handle")
    handle.focus()
    frames = []
    for _ in range(WARMUP + steps):
        n, f0 = page.evaluate(_COUNTS)["change"], p.frames
        page.keyboard.press("ArrowRight")
        _wait_change(page, n)
        frames.append(p.frames - f0)
    out = _stats(page.evaluate(_LATENCIES, ["press", start])[WARMUP:], steps)
    out["feature"] = feature
    out["frames_per_step"] = float(np.median(frames[WARMUP:]))
    out["frames_samples"] = frames[WARMUP:]
    return out


def _mouse_steps(page: Any, steps: int, exclude: set[int]) -> dict[str, Any]:
    feature, direction = _pick(page, MOUSE_STEP_PX * (steps + WARMUP), 0, exclude)
    exclude.add(feature)
    start = page.evaluate(_COUNTS)["move"]
    handle = page.locator(f".nnw-input-sliders .nnw-feature-{feature} .noUi-handle")
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    x0, y0 = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x0, y0)
    page.mouse.down()
    try:
        for i in range(1, WARMUP + steps + 1):
            n = page.evaluate(_COUNTS)["change"]
            page.mouse.move(x0 + direction * i * MOUSE_STEP_PX, y0)
            _wait_change(page, n)
    finally:
        page.mouse.up()
    nb.wait_quiet(page, quiet_ms=500)
    out = _stats(page.evaluate(_LATENCIES, ["move", start])[WARMUP:], steps)
    out["feature"] = feature
    return out


def _page_equals_kernel(page: Any, model: Any) -> tuple[bool, str]:
    """Whether the page's probabilities and attribution are ``explain`` of its slider values."""
    from nnwidgets.kernels import explain

    x = nb.slider_values(page).astype(np.float32)
    e = explain(model.model, model.params, x, method="saliency")
    probs, attribution = nb.read_values(page, nb.PROBS), nb.read_values(page, nb.ATTRIBUTION)
    problems = []
    if not np.allclose(probs, e.probs, **PROB_TOL):
        problems.append(f"probabilities {probs} != {e.probs}")
    if not np.allclose(attribution, e.attribution.ravel(), **ATTR_TOL):
        problems.append("attribution differs")
    return not problems, "; ".join(problems)


def _fast_drag(page: Any, model: Any, exclude: set[int]) -> dict[str, Any]:
    feature, direction = _pick(page, DRAG_PX * DRAG_MOVES, 0, exclude)
    exclude.add(feature)
    handle = page.locator(f".nnw-input-sliders .nnw-feature-{feature} .noUi-handle")
    handle.scroll_into_view_if_needed()
    version0, counts0 = _version(page), page.evaluate(_COUNTS)
    value0 = nb.slider_value(page, feature)
    box = handle.bounding_box()
    x0, y0 = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x0, y0)
    page.mouse.down()
    t0 = time.monotonic()
    for i in range(1, DRAG_MOVES + 1):
        page.mouse.move(x0 + direction * i * DRAG_PX, y0)
        time.sleep(max(0.0, t0 + i * DRAG_S / DRAG_MOVES - time.monotonic()))
    took = time.monotonic() - t0
    page.mouse.up()
    nb.wait_quiet(page, quiet_ms=1500, timeout=60)
    stamps = page.evaluate("() => window.__nnwLatency")
    moves = stamps["move"][counts0["move"] :]
    changes = stamps["change"][counts0["change"] :]
    ok, why = _page_equals_kernel(page, model)
    return {
        "feature": feature,
        "moves": DRAG_MOVES,
        "drag_s": round(took, 3),
        "value_from": value0,
        "value_to": nb.slider_value(page, feature),
        "kernel_values": _version(page) - version0,
        "dom_changes": len(changes),
        "settle_ms": (changes[-1] - moves[-1]) if moves and changes else None,
        "final_ok": ok,
        "final_problem": why,
    }


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


def _run_server(browser, kind, nodelay, notebooks, work, steps, model) -> dict[str, Any]:
    """Cold open, RSS, key and mouse steps and the fast drag in one page; then a warm open in
    a fresh browser context and one in a new page of the first context (HTTP cache warm)."""
    env = _server_env(work / "jax-cache", nodelay)
    server = (nb.start_voila if kind == "voila" else nb.start_lab)(notebooks, work, env)
    out: dict[str, Any] = {"kind": kind, "nodelay": nodelay, "preheat": False}
    first = None
    try:
        first = Page(browser)
        out["cold"] = _open_timed(first, server)
        out["cache_files_after_cold"] = _files(work / "jax-cache")
        nb.next_frames(first.page)
        first.page.evaluate(_INSTRUMENT)
        used: set[int] = set()
        out["key"] = _key_steps(first, steps, used)
        out["mouse"] = _mouse_steps(first.page, steps, used)
        out["drag"] = _fast_drag(first.page, model, used)
        out["rss_after_steps_mb"] = _kernel_rss_mb(server, first.kernel_ids[-1])
        context = first.page.context
        first.close(keep_context=True)
        opens = [("warm", None, "tabular", 0.0), ("warm_cached", context, "tabular", 0.0)]
        if kind == "lab":  # run-all after a reader's pause: ipykernel vs the preloading kernel
            opens += [
                ("pause_python3", context, "tabular_python3", PAUSE_S),
                ("pause_nnwidgets", context, "tabular", PAUSE_S),
            ]
        for name, ctx, notebook, pause in opens:
            if kind == "lab":
                _shutdown_lab_kernels(server)  # the next run gets a new kernel
            p = Page(browser, ctx)
            try:
                out[name] = _open_timed(p, server, notebook, pause)
            finally:
                p.close()
    finally:
        _teardown(first, server, out)
    return out


def _teardown(first: Page | None, server: nb.Server, out: dict[str, Any]) -> None:
    """Close the first page's context, stop the server, record whether it logged NODELAY."""
    if first is not None:
        with contextlib.suppress(Exception):
            first.page.context.close()
    server.stop()
    out["nodelay_logged"] = _log_has_nodelay(server)


def _run_preheat(browser, notebooks, work) -> dict[str, Any]:
    """Voila with a pool of one pre-heated kernel (extension ON): three page loads (fresh
    context, fresh context, the first's context), each once the pool's kernel has run the
    notebook; then a few key steps on the last page."""
    env = _server_env(work / "jax-cache", True)
    flags = ["--preheat_kernel=True", "--pool_size=1"]
    server = _start_voila(notebooks, work, env, flags)
    out: dict[str, Any] = {"kind": "voila", "nodelay": True, "preheat": True}
    first = None
    try:
        known = {_wait_idle_kernel(server, set())}
        first = Page(browser)
        out["cold"] = _open_timed(first, server)
        context = first.page.context
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
            nb.next_frames(p.page)
            p.page.evaluate(_INSTRUMENT)
            out["key"] = _key_steps(p, PRECHECK_STEPS, set())
        finally:
            p.close()
    finally:
        _teardown(first, server, out)
    return out


def measure(
    steps: int = DEFAULT_STEPS,
    kinds: tuple[str, ...] = ("lab", "voila"),
    nodelay: tuple[bool, ...] = (True, False),
    preheat: bool = True,
) -> dict[str, Any]:
    """Every figure of the table, per configuration (``"lab-on"``, ``"voila-off"``, ...)."""
    from playwright.sync_api import sync_playwright

    from nnwidgets.models import pretrained

    model = pretrained("breast_cancer")
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="nnw-latency-") as tmp, sync_playwright() as pw:
        work = pathlib.Path(tmp)
        notebooks = work / "notebooks"
        nb.write_notebooks(notebooks)  # the bundled notebooks' kernel, "nnwidgets"
        nb.write_notebooks(notebooks, "python3", "_python3")  # ipykernel's, for comparison
        for path in notebooks.glob("*.ipynb"):  # Voila's pool preheats a kernel per notebook
            if path.stem not in ("tabular", "tabular_python3"):
                path.unlink()
        browser = nb.launch_chromium(pw)
        try:
            configs = [(k, on) for k in kinds for on in nodelay]
            for kind, on in configs:
                name = f"{kind}-{'on' if on else 'off'}"
                t0 = time.monotonic()
                try:
                    result[name] = _run_server(
                        browser, kind, on, notebooks, work / name, steps, model
                    )
                except Exception as e:
                    traceback.print_exc()
                    result[name] = {"kind": kind, "nodelay": on, "error": repr(e)}
                result[name]["wall_s"] = round(time.monotonic() - t0, 1)
                print(f"{name}: {result[name]['wall_s']} s", file=sys.stderr)
            if preheat and "voila" in kinds:
                (notebooks / "tabular_python3.ipynb").unlink()  # one pool kernel: tabular's
                t0 = time.monotonic()
                try:
                    result["voila-preheat"] = _run_preheat(browser, notebooks, work / "preheat")
                except Exception as e:
                    traceback.print_exc()
                    result["voila-preheat"] = {"kind": "voila", "preheat": True, "error": repr(e)}
                result["voila-preheat"]["wall_s"] = round(time.monotonic() - t0, 1)
                print(f"voila-preheat: {result['voila-preheat']['wall_s']} s", file=sys.stderr)
        finally:
            browser.close()
    return result


# -- the table ---------------------------------------------------------------------------------


def _get(r: dict[str, Any], *path: str) -> Any:
    for key in path:
        if not isinstance(r, dict) or key not in r:
            return None
        r = r[key]
    return r


def _ms(v: Any) -> str:
    return "-" if v is None else f"{v:.0f}" if v >= 100 else f"{v:.1f}"


def _column(name: str, r: dict[str, Any]) -> str:
    server = KINDS.get(r.get("kind", ""), name)
    if r.get("preheat"):
        return f"{server} preheat"
    return f"{server} ext {'ON' if r.get('nodelay') else 'OFF'}"


def format_table(result: dict[str, Any]) -> str:
    """``measure()``'s figures as one text table: a column per server configuration."""
    names = list(result)
    steps = next((_get(result[n], "key", "steps") for n in names if "key" in result[n]), 0)
    steps = (steps or 0) + next(
        (_get(result[n], "key", "missed") for n in names if "key" in result[n]), 0
    )

    def drag(r: dict[str, Any]) -> str:
        d = r.get("drag")
        return "-" if d is None else f"{d['kernel_values']}/{d['moves']}"

    def ok(r: dict[str, Any]) -> str:
        d = r.get("drag")
        return "-" if d is None else "yes" if d["final_ok"] else "NO"

    def missed(r: dict[str, Any]) -> str:
        k, m = r.get("key"), r.get("mouse")
        if k is None and m is None:
            return "-"
        return f"{k['missed'] if k else '-'}/{m['missed'] if m else '-'}"

    def num(v: Any, fmt: str = "{:.0f}") -> str:
        return "-" if v is None else fmt.format(v)

    rows: list[tuple[str, Any]] = [
        ("key step -> DOM median ms", lambda r: _ms(_get(r, "key", "median_ms"))),
        ("key step -> DOM p95 ms", lambda r: _ms(_get(r, "key", "p95_ms"))),
        ("mouse step -> DOM median ms", lambda r: _ms(_get(r, "mouse", "median_ms"))),
        ("mouse step -> DOM p95 ms", lambda r: _ms(_get(r, "mouse", "p95_ms"))),
        ("missed steps key/mouse", missed),
        ("ws frames per key step (median)", lambda r: num(_get(r, "key", "frames_per_step"))),
        ("fast drag: values reaching kernel", drag),
        ("fast drag: settle ms after last move", lambda r: _ms(_get(r, "drag", "settle_ms"))),
        ("fast drag: moves took s", lambda r: num(_get(r, "drag", "drag_s"), "{:.2f}")),
        ("fast drag: page ends on final value", ok),
        ("first frame cold ms from navigation", lambda r: _ms(_get(r, "cold", "from_nav_ms"))),
        ("first frame cold ms from run-all", lambda r: _ms(_get(r, "cold", "from_run_all_ms"))),
        ("first frame warm ms from navigation", lambda r: _ms(_get(r, "warm", "from_nav_ms"))),
        ("first frame warm ms from run-all", lambda r: _ms(_get(r, "warm", "from_run_all_ms"))),
        (
            "warm + browser cache ms from navigation",
            lambda r: _ms(_get(r, "warm_cached", "from_nav_ms")),
        ),
        (
            "warm + browser cache ms from run-all",
            lambda r: _ms(_get(r, "warm_cached", "from_run_all_ms")),
        ),
        (
            f"run-all {PAUSE_S:g} s after opening, ipykernel, ms",
            lambda r: _ms(_get(r, "pause_python3", "from_run_all_ms")),
        ),
        (
            f"run-all {PAUSE_S:g} s after opening, nnwidgets kernel, ms",
            lambda r: _ms(_get(r, "pause_nnwidgets", "from_run_all_ms")),
        ),
        ("kernel updates after first frame", lambda r: num(_get(r, "cold", "load_updates"))),
        ("kernel RSS MB, Explorer shown", lambda r: num(_get(r, "cold", "kernel_rss_mb"))),
        ("TCP_NODELAY=1 in server log", lambda r: "yes" if r.get("nodelay_logged") else "no"),
        ("wall time s", lambda r: num(r.get("wall_s"))),
    ]
    cols = [_column(n, result[n]) for n in names]
    width = max(12, *(len(c) for c in cols)) if cols else 12
    label = max(len(r[0]) for r in rows)
    lines = [
        f"browser benchmark: breast_cancer Explorer (saliency) in Chromium; {steps} key steps, "
        f"{steps} mouse steps ({MOUSE_STEP_PX:g} px each), fast drag: {DRAG_MOVES} moves of "
        f"{DRAG_PX:g} px in {DRAG_S:g} s",
        "ext = nnwidgets.server (TCP_NODELAY on the kernel websockets); "
        "OFF = NNWIDGETS_TCP_NODELAY=0",
        f"{'':{label}s}  " + "  ".join(f"{c:>{width}s}" for c in cols),
    ]
    for title, fn in rows:
        cells = [
            "error" if "error" in result[n] and fn(result[n]) == "-" else fn(result[n])
            for n in names
        ]
        lines.append(f"{title:{label}s}  " + "  ".join(f"{c:>{width}s}" for c in cells))
    for n in names:
        if "error" in result[n]:
            lines.append(f"{_column(n, result[n])}: {result[n]['error']}")
        problem = _get(result[n], "drag", "final_problem")
        if problem:
            lines.append(f"{_column(n, result[n])}: fast drag final page: {problem}")
    if "voila-preheat" in result:
        lines.append(
            "Voila preheat: cold / warm / warm + browser cache = 1st / 2nd / 3rd page load, "
            "each after the pool's kernel ran the notebook (cold: its cache was empty at "
            f"server start); key steps: {PRECHECK_STEPS}"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--steps", type=int, default=DEFAULT_STEPS, help="measured key and mouse steps per server"
    )
    ap.add_argument("--json", type=pathlib.Path, help="also write the figures to this file")
    ap.add_argument("--only", choices=list(KINDS), action="append", help="one server kind")
    ap.add_argument("--no-off", action="store_true", help="only with the extension ON")
    ap.add_argument("--no-preheat", action="store_true", help="no pre-heated Voila run")
    args = ap.parse_args()
    kinds = tuple(k for k in ("lab", "voila") if not args.only or k in args.only)
    nodelay = (True,) if args.no_off else (True, False)
    result = measure(args.steps, kinds, nodelay, not args.no_preheat)
    print(format_table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
