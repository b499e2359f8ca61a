"""Soak: process memory and live widgets over long Explorer / Playground sessions and rebuilds.

``python benchmarks/soak.py [--updates 10000] [--rebuilds 50] [--json out.json]``

Headless: every widget gets a sink comm (``SinkComm``) that serialises each message to JSON
as the kernel would and then drops it, so nothing the benchmark keeps grows with the run.
Each figure is taken after ``gc.collect()``: RSS (psutil, MB), live widgets (ipywidgets'
registry), open comms (the comm manager's registry), threads.

- Explorer soak, for ``digits`` (images, painter) and ``breast_cancer`` (tabular, sliders):
  start (no app), built, warm (every method the model supports and every course tab used
  once), then ``--updates`` assignments of ``state.x`` (a test example plus noise), the
  method switched every ``--method-every`` updates through every supported method and the
  shown course tab moved on every ``--tab-every`` updates (so every view redraws), with a
  figure every tenth of the run; end; and after ``close()``.
- Explorer rebuilds: ``--rebuilds`` times build the Explorer, show every tab, three updates,
  ``close()``; a figure after every tenth and at the end, with how many of the closed apps'
  states are still alive (weak references: 0 means ``close()`` let everything go).
- Playground soak (spiral, two hidden layers): warm (a step, both tabs shown), then
  ``--playground-updates`` published updates from cycles of ten ``step_once`` and a 0.25 s
  play / pause, the hidden layers changed every fifth cycle (the weights and gradients tabs
  are rebuilt then); ``--playground-rebuilds`` times build, play 0.1 s, ``close()``.

The widget count must come back to the start's after every ``close()``: a leaked widget is
reported in the table (and the exit status is 1).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import pathlib
import platform
import sys
import threading
import time
import weakref
from collections.abc import Iterator
from typing import Any

import comm
import numpy as np
import psutil
from comm.base_comm import BaseComm
from ipywidgets.widgets.widget import _instances

from nnwidgets import Explorer, Playground
from nnwidgets.apps._explorer import TABS
from nnwidgets.kernels import conv_layers
from nnwidgets.state import METHODS

MODELS = ("digits", "breast_cancer")
PLAYGROUND = {"dataset": "spiral", "hidden": [8, 8]}
_process = psutil.Process()


class SinkComm(BaseComm):
    """A comm without a kernel: serialises what a widget sends (as the kernel would), keeps nothing.

    ``messages`` and ``bytes`` count over every SinkComm (buffers counted by size).
    """

    messages = 0
    bytes = 0

    def publish_msg(
        self,
        msg_type: str,
        data: Any = None,
        metadata: Any = None,
        buffers: Any = None,
        **keys: Any,
    ) -> None:
        size = len(json.dumps(data, default=str))
        size += sum(memoryview(b).nbytes for b in buffers or ())
        SinkComm.messages += 1
        SinkComm.bytes += size


@contextlib.contextmanager
def sink_comms() -> Iterator[None]:
    """Give every widget opened inside a ``SinkComm`` (restores ``comm.create_comm`` after)."""
    old = comm.create_comm
    comm.create_comm = lambda *args, **kwargs: SinkComm(*args, **kwargs)
    try:
        yield
    finally:
        comm.create_comm = old


def probe(phase: str, **extra: Any) -> dict[str, Any]:
    """RSS and live widgets / comms / threads now, after a full garbage collection."""
    gc.collect()
    return {
        "phase": phase,
        **extra,
        "rss_mb": _process.memory_info().rss / 2**20,
        "widgets": len(_instances),
        "comms": len(comm.get_comm_manager().comms),
        "threads": threading.active_count(),
    }


def supported_methods(ex: Explorer) -> list[str]:
    """The attribution methods this model accepts (Grad-CAM needs a conv layer)."""
    return [m for m in METHODS if m != "grad_cam" or conv_layers(ex.state.model)]


def inputs(ds: Any, n: int, seed: int = 0) -> Iterator[np.ndarray]:
    """``n`` inputs: random test examples of ``ds`` plus 5 % noise, inside the data range.

    Takes the data set, not the app: a generator holding the app would keep it alive.
    """
    rng = np.random.default_rng(seed)
    lo, hi = np.asarray(ds.lo, np.float32), np.asarray(ds.hi, np.float32)
    X = np.asarray(ds.X_test, np.float32)
    for _ in range(n):
        x = X[rng.integers(len(X))] + rng.normal(0, 0.05, X.shape[1:]) * (hi - lo)
        yield np.clip(x, lo, hi).astype(np.float32)


def show_every_tab(ex: Explorer, x: Iterator[np.ndarray]) -> None:
    for i in range(len(TABS)):
        ex.tabs.selected_index = i
        ex.state.x = next(x)


def soak_explorer(
    model: str, updates: int, *, method_every: int = 250, tab_every: int = 50
) -> dict[str, Any]:
    """One Explorer, ``updates`` input changes with method switches and every tab in turn."""
    points = [probe("start")]
    t0 = time.perf_counter()
    ex = Explorer(model)
    points.append(probe("built", seconds=time.perf_counter() - t0))
    methods = supported_methods(ex)
    x = inputs(ex.state.dataset, 10 * len(methods) + len(TABS) + updates)
    t0 = time.perf_counter()
    for method in methods:  # warm-up: every method and every tab once
        ex.state.method = method
        for _ in range(10):
            ex.state.x = next(x)
    show_every_tab(ex, x)
    points.append(probe("warm", seconds=time.perf_counter() - t0))
    errors = set()
    version0, messages0 = ex.state.version, SinkComm.messages
    t0 = time.perf_counter()
    for i in range(1, updates + 1):
        if i % method_every == 0:
            ex.state.method = methods[(i // method_every) % len(methods)]
        if i % tab_every == 0:
            ex.tabs.selected_index = (i // tab_every) % len(TABS)
        ex.state.x = next(x)
        if ex.state.error:
            errors.add(ex.state.error)
        if i % max(1, updates // 10) == 0 and i < updates:
            points.append(probe(f"{i} updates", seconds=time.perf_counter() - t0))
    seconds = time.perf_counter() - t0
    points.append(probe("end", seconds=seconds))
    published = ex.state.version - version0
    state = weakref.ref(ex.state)
    ex.close()
    del ex
    points.append(probe("closed"))
    points[-1]["alive"] = int(state() is not None)  # after gc: did close() let it go?
    return {
        "model": model,
        "methods": methods,
        "updates": updates,
        "published": published,
        "messages": SinkComm.messages - messages0,
        "updates_per_s": updates / seconds,
        "errors": sorted(errors),
        "points": points,
    }


def rebuild_explorers(model: str, rebuilds: int) -> dict[str, Any]:
    """Build, show every tab, update, close; ``rebuilds`` times. Are the closed apps freed?"""
    points = [probe("start")]
    states: list[weakref.ref] = []
    t0 = time.perf_counter()
    for i in range(1, rebuilds + 1):
        ex = Explorer(model)
        x = inputs(ex.state.dataset, len(TABS) + 3, seed=i)
        show_every_tab(ex, x)
        for _ in range(3):
            ex.state.x = next(x)
        states.append(weakref.ref(ex.state))
        ex.close()
        del ex
        if i % max(1, rebuilds // 5) == 0 or i == rebuilds:
            points.append(probe(f"{i} rebuilds", seconds=time.perf_counter() - t0))
            points[-1]["alive"] = sum(ref() is not None for ref in states)  # after gc
    return {"model": model, "rebuilds": rebuilds, "points": points}


def soak_playground(updates: int, rebuilds: int) -> dict[str, Any]:
    """A Playground: step_once and play/pause cycles, then build / play / close rebuilds."""
    points = [probe("start")]
    pg = Playground(**PLAYGROUND)
    s = pg.state
    points.append(probe("built"))
    s.step_once()
    for i in range(len(pg.tabs.children)):
        pg.tabs.selected_index = i
        s.step_once()
    s.play()
    time.sleep(0.25)
    s.pause()
    points.append(probe("warm"))
    version0, cycles, t0 = s.version, 0, time.perf_counter()
    layers = ([8, 8], [6, 6, 6])
    while s.version - version0 < updates:
        cycles += 1
        if cycles % 5 == 0:
            s.hidden = layers[(cycles // 5) % 2]
        for _ in range(10):
            s.step_once()
        s.play()
        time.sleep(0.25)
        s.pause()
        pg.tabs.selected_index = cycles % len(pg.tabs.children)
    seconds = time.perf_counter() - t0
    published, steps, error = s.version - version0, s.step, s.error
    points.append(probe("end", seconds=seconds))
    state = weakref.ref(s)
    pg.close()
    del pg, s
    points.append(probe("closed"))
    points[-1]["alive"] = int(state() is not None)
    states: list[weakref.ref] = []
    t0 = time.perf_counter()
    for i in range(1, rebuilds + 1):
        pg = Playground(**PLAYGROUND)
        pg.state.play()
        time.sleep(0.1)
        states.append(weakref.ref(pg.state))
        pg.close()  # stops the training thread
        del pg
        if i % max(1, rebuilds // 4) == 0 or i == rebuilds:
            points.append(probe(f"{i} rebuilds", seconds=time.perf_counter() - t0))
            points[-1]["alive"] = sum(ref() is not None for ref in states)  # after gc
    return {
        "updates": published,
        "cycles": cycles,
        "last_run_steps": steps,
        "error": error,
        "rebuilds": rebuilds,
        "points": points,
    }


def run(
    updates: int = 10_000,
    rebuilds: int = 50,
    playground_updates: int = 300,
    playground_rebuilds: int = 20,
    *,
    models: tuple[str, ...] = MODELS,
    method_every: int = 250,
    tab_every: int = 50,
) -> dict[str, Any]:
    """Every part of the soak; ``leaks`` lists each phase whose widget count is off."""
    with sink_comms():
        baseline = probe("baseline")
        result: dict[str, Any] = {"baseline": baseline, "explorer": [], "rebuilds": []}
        for model in models:
            result["explorer"].append(
                soak_explorer(model, updates, method_every=method_every, tab_every=tab_every)
            )
        for model in models:
            result["rebuilds"].append(rebuild_explorers(model, rebuilds))
        result["playground"] = soak_playground(playground_updates, playground_rebuilds)
        result["final"] = probe("final")
        result["cleared"] = clear_caches()
    result["leaks"] = leaks(result)
    return result


def clear_caches() -> dict[str, Any]:
    """What the process keeps once every app is closed: drop the kernel caches, measure again.

    ``step_kernel``'s LRU cache (one jitted step per model and configuration) and JAX's
    compiled executables are shared by every app of a model, not owned by one app; glibc's
    ``malloc_trim`` then returns freed heap pages to the system.
    """
    import ctypes

    import jax

    from nnwidgets.kernels import step_kernel

    step_kernel.cache_clear()
    jax.clear_caches()
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    return probe("caches cleared")


def leaks(result: dict[str, Any]) -> list[str]:
    """Phases after a ``close()`` whose widgets, comms or threads exceed the baseline."""
    base = result["baseline"]
    out = []
    parts = [
        *((f"explorer {r['model']}", r["points"]) for r in result["explorer"]),
        *((f"rebuilds {r['model']}", r["points"]) for r in result["rebuilds"]),
        ("playground", result["playground"]["points"]),
    ]
    for name, points in parts:
        for p in points:
            if p["phase"] == "closed" or "rebuilds" in p["phase"]:
                wrong = [
                    f"{key} {p[key]} (baseline {base[key]})"
                    for key in ("widgets", "comms", "threads")
                    if p[key] != base[key]
                ]
                if p.get("alive"):
                    wrong.append(f"{p['alive']} closed apps' states alive")
                if wrong:
                    out.append(f"{name}, {p['phase']}: {', '.join(wrong)}")
    return out


def format_table(result: dict[str, Any]) -> str:
    lines = [
        f"{'part':30s} {'phase':16s} {'RSS MB':>8s} {'widgets':>8s} {'comms':>6s} "
        f"{'threads':>7s} {'alive':>5s} {'s':>7s}"
    ]

    def rows(part: str, points: list[dict[str, Any]]) -> None:
        for p in points:
            alive = "" if "alive" not in p else str(p["alive"])
            secs = "" if "seconds" not in p else f"{p['seconds']:.1f}"
            lines.append(
                f"{part:30s} {p['phase']:16s} {p['rss_mb']:8.1f} {p['widgets']:8d} "
                f"{p['comms']:6d} {p['threads']:7d} {alive:>5s} {secs:>7s}"
            )

    rows("baseline", [result["baseline"]])
    for r in result["explorer"]:
        rows(f"Explorer {r['model']}", r["points"])
    for r in result["rebuilds"]:
        rows(f"Explorer {r['model']} rebuild", r["points"])
    rows("Playground", result["playground"]["points"])
    rows("final", [result["final"], result["cleared"]])
    lines.append("")
    for r in result["explorer"]:
        grow_warm = r["points"][-2]["rss_mb"] - next(
            p["rss_mb"] for p in r["points"] if p["phase"] == "warm"
        )
        lines.append(
            f"Explorer {r['model']}: {r['updates']} updates ({r['updates_per_s']:.0f}/s), "
            f"{r['published']} published, {r['messages']} widget messages, "
            f"{len(r['methods'])} methods; RSS warm -> end {grow_warm:+.1f} MB"
            + (f"; errors: {r['errors']}" if r["errors"] else "")
        )
    pg = result["playground"]
    lines.append(
        f"Playground: {pg['updates']} published updates in {pg['cycles']} cycles"
        + (f"; error: {pg['error']}" if pg["error"] else "")
    )
    lines.append("leaks:" + ("" if result["leaks"] else " none"))
    lines += [f"  {leak}" for leak in result["leaks"]]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--updates", type=int, default=10_000, help="Explorer updates per model")
    ap.add_argument("--rebuilds", type=int, default=50, help="Explorer rebuilds per model")
    ap.add_argument("--playground-updates", type=int, default=300)
    ap.add_argument("--playground-rebuilds", type=int, default=20)
    ap.add_argument("--method-every", type=int, default=250, help="updates per method")
    ap.add_argument("--tab-every", type=int, default=50, help="updates per shown tab")
    ap.add_argument("--models", nargs="+", default=list(MODELS))
    ap.add_argument("--json", type=pathlib.Path, help="also write the figures to this file")
    args = ap.parse_args()
    t0 = time.perf_counter()
    result = run(
        args.updates,
        args.rebuilds,
        args.playground_updates,
        args.playground_rebuilds,
        models=tuple(args.models),
        method_every=args.method_every,
        tab_every=args.tab_every,
    )
    import jax

    result["machine"] = {
        "python": sys.version.split()[0],
        "jax": jax.__version__,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "seconds": time.perf_counter() - t0,
    }
    print(
        f"jax {jax.__version__}, {jax.devices()[0].platform}, python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs, {result['machine']['seconds']:.0f} s"
    )
    print(format_table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    sys.exit(1 if result["leaks"] else 0)


if __name__ == "__main__":
    main()
