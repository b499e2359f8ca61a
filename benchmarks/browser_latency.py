"""Slider -> DOM latency of the tabular Explorer in real Chromium, under Voila and JupyterLab.

``python benchmarks/browser_latency.py [--steps 50] [--json out.json]``

Starts each server the way tests/browser does (this interpreter, a free 127.0.0.1 port, its
own process group, stopped with its kernels at the end), opens the breast-cancer Explorer,
focuses one feature slider and presses ArrowRight ``steps`` times. In the page, a capturing
``keydown`` listener stamps each press with ``performance.now()`` and a MutationObserver stamps
the first change of the probability or attribution readout text after it; one step's latency
is the difference. The next key is pressed only after the views have been quiet for 200 ms,
so steps never overlap. A few warm-up steps come first and are not counted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import pathlib
import sys
import tempfile
from typing import Any

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests" / "browser"))
import nnw_browser as nb  # tests/browser/nnw_browser.py: servers, pages, readouts

KINDS = {"voila": "Voila", "lab": "JupyterLab"}
WARMUP = 3

_INSTRUMENT = """
() => {
  const stamps = window.__nnwLatency = {press: [], change: []};
  document.addEventListener('keydown', ev => {
    if (ev.key === 'ArrowRight') stamps.press.push(performance.now());
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
_LATENCIES = """
() => {
  const {press, change} = window.__nnwLatency;
  return press.map(p => {
    const c = change.find(t => t >= p);
    return c === undefined ? null : c - p;
  });
}
"""


def _pick_feature(page: Any, room: float) -> int:
    """The first feature whose slider can move right by ``room`` (no step hits the maximum)."""
    ranges = page.evaluate(
        """() => [...document.querySelectorAll('.nnw-input-sliders .noUi-handle')].map(
             h => ['aria-valuenow', 'aria-valuemax'].map(a => Number(h.getAttribute(a))))"""
    )
    for i, (now, hi) in enumerate(ranges):
        if hi - now >= room:
            return i
    raise RuntimeError(f"no slider has {room} of room to the right")


def _run(page: Any, server: nb.Server, steps: int) -> dict[str, Any]:
    nb.open_explorer(page, server, "tabular")
    feature = _pick_feature(page, 0.01 * (steps + WARMUP) + 0.1)
    page.evaluate(_INSTRUMENT)
    handle = page.locator(f".nnw-input-sliders .nnw-feature-{feature} .noUi-handle")
    handle.focus()
    for _ in range(WARMUP + steps):
        n = page.evaluate("() => window.__nnwLatency.change.length")
        page.keyboard.press("ArrowRight")
        with contextlib.suppress(Exception):  # no change for this press: counted as missed
            page.wait_for_function(
                "n => window.__nnwLatency.change.length > n", arg=n, timeout=10_000
            )
        nb.wait_quiet(page, quiet_ms=200)
    latencies = page.evaluate(_LATENCIES)[WARMUP:]
    ms = np.array([v for v in latencies if v is not None], dtype=float)
    if ms.size == 0:
        raise RuntimeError(f"{server.kind}: no step changed the page; log {server.log}")
    return {
        "median_ms": float(np.median(ms)),
        "p95_ms": float(np.percentile(ms, 95)),
        "steps": int(ms.size),
        "missed": int(steps - ms.size),
        "feature": feature,
        "samples_ms": [round(float(v), 3) for v in ms],
    }


def measure(steps: int = 50, kinds: tuple[str, ...] = tuple(KINDS)) -> dict[str, Any]:
    """Median and p95 slider -> DOM latency in ms per server kind (``"voila"``, ``"lab"``)."""
    from playwright.sync_api import sync_playwright

    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="nnw-latency-") as tmp, sync_playwright() as p:
        work = pathlib.Path(tmp)
        notebooks = work / "notebooks"
        nb.write_notebooks(notebooks)
        browser = nb.launch_chromium(p)
        try:
            for kind in kinds:
                start = nb.start_voila if kind == "voila" else nb.start_lab
                server = start(notebooks, work / kind)
                page = None
                try:
                    page = nb.new_page(browser)
                    result[kind] = _run(page, server, steps)
                finally:
                    if page is not None:
                        page.context.close()
                    server.stop()
        finally:
            browser.close()
    return result


def format_table(result: dict[str, Any]) -> str:
    """``measure()``'s figures as a small text table."""
    any_row = next(iter(result.values()), {})
    lines = [
        f"browser slider -> DOM latency (breast_cancer Explorer, saliency, "
        f"{any_row.get('steps', 0)} ArrowRight steps, readout text change)",
        f"{'server':12s} {'median ms':>10s} {'p95 ms':>8s} {'steps':>6s} {'missed':>7s}",
    ]
    for kind, r in result.items():
        lines.append(
            f"{KINDS.get(kind, kind):12s} {r['median_ms']:10.1f} {r['p95_ms']:8.1f} "
            f"{r['steps']:6d} {r['missed']:7d}"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=50, help="measured key steps per server")
    ap.add_argument("--json", type=pathlib.Path, help="also write the figures to this file")
    ap.add_argument("--only", choices=list(KINDS), action="append", help="one server kind")
    args = ap.parse_args()
    result = measure(args.steps, tuple(args.only or KINDS))
    print(format_table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
