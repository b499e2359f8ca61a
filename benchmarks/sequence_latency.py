"""Typing into a sequence model -> last plot painted, in real Chromium (Voila, JupyterLab,
Notebook 7).

``python benchmarks/sequence_latency.py [--steps 30] [--only voila|lab|nb7]
[--kernel-steps 200] [--json out.json]``

The bundled transformers at sequence length 32, each in a notebook of its own
(``Explorer("sentiment_transformer")``, ``Explorer("waveforms_transformer")``) on the nnwidgets
kernel, per server (started as benchmarks/browser_latency.py starts them: this interpreter, a
free 127.0.0.1 port, a fresh JAX compilation cache, one server and one kernel at a time), with
the "attention" tab shown (the per-step tab that redraws most for these models), then
"hidden states":

- sentiment, saliency, then integrated gradients (the method's dropdown, untimed): the text box
  emptied (untimed), then ``SENTENCE`` typed one character at a time (Playwright
  ``keyboard.type`` into the focused box: every keystroke sends the text), ``--steps`` counted
  after 3 warm-up; then Backspace as many times (3 warm-up), back to the empty box.
- waveforms, saliency: the left button held on a point of the series editor (channel 0, at the
  middle step where the two channels' points lie farthest apart), then 1 px moves straight up
  or down (each move sends the series' buffer once), ``--steps`` after 3 warm-up.

Measured in the page by benchmarks/paint_probe.js as browser_latency.py does (t0: the key or
mouse event in a capturing listener; every drawing call on a plot canvas ``nnw-*-canvas``: the
activations, the attention and hidden-state maps, the series editor), plus every DOM change
inside the token strip's chips (``.nnw-tokens``, the chips' colours and words: tokens.js draws
no canvas for them). A step ends when the probabilities' ``data-version`` (the kernel's update
count: one more character may not change the probabilities' text) has changed and nothing was
painted, changed or received from the kernel for 200 ms. Latency = the step's last paint - t0.
Reported per row: median / p95 / max, the probabilities drawn (the version's change), kernel
websocket frames per step, and where the time goes (medians): the input sent, the kernel's
first (a text box's echo), largest (the app's update) and last (idle) message received, each
view's last paint. Also per row: whether every step's
value reached the page (the version counts them) and the page ends on the typed text (its box
and chips). The floor row of the same run: browser_latency's (``_floor``: a slider and one
canvas, no model).

Then, unless ``--kernel-steps 0``, the kernel side of the same inputs (benchmarks/kernel_step.py
on ipykernel's python3 kernel, the attention tab shown): the widget's comm handler (``state.text
= ...`` and the views' redraws), median / p95.

Target (printed, not asserted): p95 <= 30 ms in Voila and JupyterLab.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys
import tempfile
import time
import traceback
from typing import Any

import browser_latency as bl  # this directory: servers, probe, steps' summaries, the floor
import kernel_step
import numpy as np
from browser_latency import nb  # tests/browser/nnw_browser.py

NOTEBOOKS = {
    "sentiment": 'from nnwidgets import Explorer\nExplorer("sentiment_transformer")',
    "waveforms": 'from nnwidgets import Explorer\nExplorer("waveforms_transformer")',
}
#: Attribution methods per app: (name, the method dropdown's label).
METHODS = {
    "sentiment": (("saliency", "saliency"), ("integrated_gradients", "integrated gradients")),
    "waveforms": (("saliency", "saliency"),),
}
#: The sequence tabs shown in turn -> the class of their view.
TAB_VIEWS = {"attention": "nnw-attention", "hidden states": "nnw-hidden-states"}
#: In-vocabulary words (the sentiment data set's); typed from its start.
SENTENCE = (
    "i thought the film was really good but the ending felt slow and the dialogue was not "
    "very clever"
)
TARGET_P95_MS = 30.0
KERNEL_STEPS = 200
KERNEL_APPS = ("sentiment", "sentiment_ig", "waveforms")  # kernel_step.py's names
TEXT_BOX = ".nnw-sequence-input .nnw-text-input input"
SERIES = ".nnw-sequence-input canvas.nnw-series-canvas"
TRIGGERS = {
    "type": {"type": "keydown", "selector": ".nnw-text-input"},  # any key
    "backspace": {"type": "keydown", "selector": ".nnw-text-input", "key": "Backspace"},
    "drag": {"type": "pointermove", "selector": SERIES},
}
#: The probe's readout is the probabilities' data-version; the chips' DOM changes are paints.
ARM = {"version": True, "dom": [".nnw-tokens"]}
METHOD_TIMEOUT_S = 120.0  # a method's first use compiles it (a cold cache: tens of seconds)


# -- inputs ------------------------------------------------------------------------------------


def _until_version(page: Any, above: int, timeout: float = METHOD_TIMEOUT_S) -> None:
    """Wait until the probabilities' data-version exceeds ``above`` (the kernel answered)."""
    deadline = time.monotonic() + timeout
    while bl._version(page) <= above:
        if time.monotonic() > deadline:
            raise RuntimeError(f"no kernel update after {timeout:.0f} s")
        page.wait_for_timeout(50)


def _choose_method(p: bl.Page, label: str) -> None:
    """Pick the attribution method by its dropdown label (untimed; waits for its compile)."""
    select = p.page.locator(".nnw-method-controls select").first
    index = select.evaluate(nb.js("option_index"), label)
    version = bl._version(p.page)
    p.untimed(lambda: select.select_option(index=index), change=False)
    _until_version(p.page, version)
    p.settle(-1)


def _show_tab(page: Any, tab: str) -> None:
    nb.show_tab(page, tab, TAB_VIEWS[tab])
    nb.wait_quiet(page, quiet_ms=500)


def _chips(page: Any) -> list[str]:
    return [c["word"] for c in page.evaluate(nb.js("token_chips"))]


def _typing(p: bl.Page, steps: int) -> dict[str, Any]:
    """Type ``SENTENCE``'s first ``WARMUP + steps`` characters into the emptied box, then
    delete them with Backspace; a summary per input."""
    page, n = p.page, bl.WARMUP + steps
    text = SENTENCE[:n]
    box = page.locator(TEXT_BOX).first
    box.scroll_into_view_if_needed()
    if box.input_value():
        p.untimed(lambda: box.fill(""))
    box.focus()
    out = {}
    for kind, keys in (("type", list(text)), ("backspace", ["Backspace"] * n)):
        version = bl._version(page)
        p.set(TRIGGERS[kind])
        press = page.keyboard.type if kind == "type" else page.keyboard.press
        samples = [p.step(lambda k=k, press=press: press(k)) for k in keys]
        p.set(None)
        p.settle(-1)
        shown = text if kind == "type" else ""
        words, chips = shown.split(), _chips(page)
        out[kind] = bl._summary(
            samples[bl.WARMUP :],
            {
                "values_reaching_page": bl._version(page) - version,
                "inputs": n,
                # the box holds the text and there is a chip per word (unknown: "<unk>")
                "page_ok": box.input_value() == shown
                and len(chips) == len(words)
                and all(c in (w, "<unk>") for c, w in zip(chips, words)),
            },
        )
    return out


def _point(page: Any, dataset: Any) -> tuple[float, float, int]:
    """Where to press: channel 0's point at the middle step where it lies farthest from
    channel 1's (page px), and the direction (+1 down, -1 up) with room for a drag."""
    canvas = page.locator(SERIES).first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    left, top, w, h, inset = json.loads(canvas.get_attribute("data-plot"))
    steps, channels = dataset.X_test.shape[1:]
    values = np.array(canvas.get_attribute("data-values").split(","), float)
    values = values.reshape(steps, channels)
    lo, hi = float(np.min(dataset.lo)), float(np.max(dataset.hi))
    # series.js: steps at column centres, values over [lo, hi] inside the plot's inset
    rows = top + inset + (hi - values) / (hi - lo) * (h - 2 * inset)
    middle = range(steps // 4, steps - steps // 4)
    t = max(middle, key=lambda s: abs(rows[s, 0] - rows[s, 1]))
    y = float(rows[t, 0])
    direction = -1 if y - top > top + h - y else 1
    return box["x"] + left + (t + 0.5) * w / steps, box["y"] + y, direction


def _dragging(p: bl.Page, steps: int, dataset: Any) -> dict[str, Any]:
    """Press a series point (untimed), move it 1 px at a time ``WARMUP + steps`` times."""
    page, n = p.page, bl.WARMUP + steps
    x, y, direction = _point(page, dataset)
    page.mouse.move(x, y)
    p.untimed(page.mouse.down)  # the press moves the point to the pointer: one update
    version = bl._version(page)
    p.set(TRIGGERS["drag"])
    try:
        samples = [
            p.step(lambda i=i: page.mouse.move(x, y + direction * i)) for i in range(1, n + 1)
        ]
    finally:
        p.set(None)
        page.mouse.up()
    p.settle(-1)
    extra = {"values_reaching_page": bl._version(page) - version, "inputs": n}
    extra["page_ok"] = extra["values_reaching_page"] == n
    return {"drag": bl._summary(samples[bl.WARMUP :], extra)}


def _measure(p: bl.Page, app: str, steps: int, dataset: Any) -> dict[str, Any]:
    """Per method and tab (each shown in turn): typing and Backspace, or drag steps."""
    p.arm(**ARM)
    out: dict[str, Any] = {}
    for method, label in METHODS[app]:
        if method != "saliency":
            _choose_method(p, label)
        for tab in TAB_VIEWS:
            _show_tab(p.page, tab)
            print(f"  {app}, {method}, {tab} tab", file=sys.stderr)
            out.setdefault(method, {})[tab] = (
                _typing(p, steps) if app == "sentiment" else _dragging(p, steps, dataset)
            )
    return out


# -- one server --------------------------------------------------------------------------------


def _run_server(browser, kind, notebooks, work, steps, datasets) -> dict[str, Any]:
    env = bl._server_env(work / "jax-cache", True)
    server = nb.START[bl.KINDS[kind][1]](notebooks, work, env)
    out: dict[str, Any] = {"kind": kind, "apps": {}, "opens": {}, "loadavg": [bl._loadavg()]}
    try:
        for app in NOTEBOOKS:
            if bl._jupyter(server):
                bl._shutdown_jupyter_kernels(server)  # one kernel at a time
            p = bl.Page(browser)
            try:
                out["opens"][app] = bl._open_timed(p, server, app)
                out["apps"][app] = _measure(p, app, steps, datasets[app])
            finally:
                p.close()
        out["floor"] = bl._floor(browser, server, steps)
        out["loadavg"].append(bl._loadavg())
    finally:
        server.stop()
    return out


def measure(steps: int, kinds: tuple[str, ...], kernel_steps: int = KERNEL_STEPS) -> dict[str, Any]:
    """Every figure of the tables, per server kind; then the kernel side (kernel_step.py)."""
    from playwright.sync_api import sync_playwright

    from nnwidgets.models import load_dataset

    if bl.WARMUP + steps > len(SENTENCE):
        raise ValueError(f"--steps: at most {len(SENTENCE) - bl.WARMUP} (the sentence's length)")
    datasets = {app: load_dataset(app) for app in NOTEBOOKS}
    result: dict[str, Any] = {
        "steps": steps,
        "warmup": bl.WARMUP,
        "quiet_ms": bl.QUIET_MS,
        "sentence": SENTENCE[: bl.WARMUP + steps],
        "loadavg_start": bl._loadavg(),
        "configs": {},
    }
    with tempfile.TemporaryDirectory(prefix="nnw-sequence-") as tmp, sync_playwright() as pw:
        work = pathlib.Path(tmp)
        notebooks = work / "notebooks"
        for name, source in NOTEBOOKS.items():
            nb.write_notebook(notebooks / f"{name}.ipynb", source)
        nb.write_notebook(notebooks / "floor.ipynb", bl.FLOOR_SOURCE)
        browser = nb.launch_chromium(pw)
        result["chromium"] = browser.version
        try:
            for kind in kinds:
                print(f"{kind}: starting", file=sys.stderr)
                t0 = time.monotonic()
                try:
                    r = _run_server(browser, kind, notebooks, work / kind, steps, datasets)
                except Exception as e:
                    traceback.print_exc()
                    r = {"kind": kind, "error": repr(e)}
                r["wall_s"] = round(time.monotonic() - t0, 1)
                result["configs"][kind] = r
                print(f"{kind}: {r['wall_s']} s", file=sys.stderr)
        finally:
            browser.close()
    result["loadavg_end"] = bl._loadavg()
    if kernel_steps:
        result["kernel"] = {app: kernel_step.measure(app, kernel_steps) for app in KERNEL_APPS}
        result["loadavg_after_kernel"] = bl._loadavg()
    return result


# -- the tables --------------------------------------------------------------------------------


def _rows(r: dict[str, Any]) -> list[tuple[str, str, str, str, dict[str, Any]]]:
    """(app, method, tab, input, summary) per row of one server, the floor last."""
    rows = [
        (app, method, tab, inp, res)
        for app, methods in r.get("apps", {}).items()
        for method, tabs in methods.items()
        for tab, inputs in tabs.items()
        for inp, res in inputs.items()
    ]
    if "floor" in r:
        rows.append(("floor", "-", "-", "slider key", r["floor"]))
    return rows


def _max(s: dict[str, Any], key: str) -> float | None:
    return max((x[key] for x in s["samples"]), default=None)


def format_table(result: dict[str, Any]) -> str:
    """``measure()``'s figures as markdown: latency per row, where its time goes, the kernel."""
    configs = result["configs"]
    lines = [
        f"Typed {result['sentence']!r}, then as many Backspaces; dragged a series point 1 px at "
        f"a time. Per row {result['steps']} steps after {result['warmup']} warm-up, each to its "
        f"last plot painted (canvas drawing calls, token chips' DOM changes) once "
        f"{result['quiet_ms']} ms passed with no paint, version change or kernel frame "
        f"(Chromium {result.get('chromium', '?')}); target (not asserted): p95 <= "
        f"{TARGET_P95_MS:g} ms in Voila and JupyterLab.",
        "",
        "| server | app | method | tab | input | last plot painted ms, median / p95 / max "
        "| probabilities drawn ms, median / p95 | kernel ws frames per step | steps (missed) "
        "| values reaching the page, page ends right | painted last |",
        "|---|---|---|---|---|---:|---:|---:|---:|---|---|",
    ]
    for r in configs.values():
        for app, method, tab, inp, s in _rows(r):
            lp, ro = s["last_paint"], s["readout"]
            missed = f" ({s['missed']})" if s["missed"] else ""
            last = ", ".join(f"{k} {v}" for k, v in list(s["last_view"].items())[:2])
            frames = "-" if s["frames_per_step"] is None else f"{s['frames_per_step']:.0f}"
            values = "-"
            if "inputs" in s:
                ok = "yes" if s["page_ok"] else "NO"
                values = f"{s['values_reaching_page']}/{s['inputs']}, {ok}"
            lines.append(
                f"| {bl.KINDS[r['kind']][0]} | {app} | {method} | {tab} | {inp} "
                f"| {bl._ms(lp['median_ms'])} / {bl._ms(lp['p95_ms'])} "
                f"/ {bl._ms(_max(s, 'last_paint_ms'))} "
                f"| {bl._ms(ro['median_ms'])} / {bl._ms(ro['p95_ms'])} | {frames} "
                f"| {s['steps']}{missed} | {values} | {last} |"
            )
    lines += [
        "",
        "Where the time goes, medians in ms after the input: sent on the kernel websocket, the "
        "kernel's first message received (the text box's echo where there is one), its largest "
        "(the views' update) and its last (the idle status), probabilities drawn, last plot "
        "painted; each view's last paint.",
        "",
        "| server | app | method | tab | input | sent | first in | update in | last in "
        "| probabilities | last paint | views |",
        "|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in configs.values():
        for app, method, tab, inp, s in _rows(r):
            views = ", ".join(
                f"{v.removeprefix('nnw-')} {bl._ms(t)}"
                for v, t in sorted(s["views_median_ms"].items(), key=lambda kv: kv[1])
            )
            lines.append(
                f"| {bl.KINDS[r['kind']][0]} | {app} | {method} | {tab} | {inp} "
                f"| {bl._ms(s['ws_out_median_ms'])} | {bl._ms(s['ws_in_first_median_ms'])} "
                f"| {bl._ms(s['ws_in_big_median_ms'])} | {bl._ms(s['ws_in_last_median_ms'])} "
                f"| {bl._ms(s['readout']['median_ms'])} "
                f"| {bl._ms(s['last_paint']['median_ms'])} | {views} |"
            )
    lines.append("")
    for r in configs.values():
        server = bl.KINDS[r["kind"]][0]
        if "error" in r:
            lines.append(f"{server}: {r['error']}")
        for app, o in r.get("opens", {}).items():
            run = o.get("from_run_all_ms")
            lines.append(
                f"{server}: first frame of {app} (a fresh compilation cache) "
                f"{bl._ms(o['from_nav_ms'])} ms from navigation"
                + ("" if run is None else f", {bl._ms(run)} ms from run-all")
            )
        lines.append(
            f"{server}: /proc/loadavg before / after the steps: "
            + " | ".join(r["loadavg"])
            + f"; wall {r['wall_s']} s"
        )
    lines.append(
        f"/proc/loadavg at the start / end: {result['loadavg_start']} | {result['loadavg_end']}"
    )
    if "kernel" in result:
        lines += [
            "",
            "The kernel side (benchmarks/kernel_step.py, ipykernel's python3 kernel, the "
            "attention tab shown; the widget's comm handler timed in the kernel):",
            kernel_step.format_table(result["kernel"]),
            f"/proc/loadavg after: {result['loadavg_after_kernel']}",
        ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--steps", type=int, default=bl.DEFAULT_STEPS, help="counted steps per row")
    ap.add_argument("--only", choices=list(bl.KINDS), action="append", help="one server kind")
    ap.add_argument(
        "--kernel-steps",
        type=int,
        default=KERNEL_STEPS,
        help="steps of kernel_step.py per sequence app (0: skip)",
    )
    ap.add_argument("--json", type=pathlib.Path, help="also write the figures to this file")
    args = ap.parse_args()
    kinds = tuple(k for k in bl.KINDS if not args.only or k in args.only)
    result = measure(args.steps, kinds, args.kernel_steps)
    bl.report(result, format_table, args.json)


if __name__ == "__main__":
    main()
