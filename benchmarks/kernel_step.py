"""A slider step as a real kernel handles it: ``python benchmarks/kernel_step.py [--steps 200]
[--apps tabular,digits,sentiment,sentiment_ig,waveforms]``.

Starts ipykernel's ``python3`` kernel with ``jupyter_client`` (the client plays the page), builds
an Explorer in it and sends the slider's ``comm_msg`` updates a page would send, one at a time,
each after the previous step's ``idle``. Per step it reads from the kernel's own message
headers (its clock, not the client's):

- handler: the widget's comm handler itself, timed in the kernel with ``perf_counter`` (the
  kernel call, every view's redraw, serialising and signing what goes out); "cpu": the same
  handler's CPU time on its thread (``thread_time``), which other load on the machine (or a
  virtual machine's steal) does not stretch;
- busy -> idle: the same plus ipykernel's own work around it (reading and checking the
  message, publishing ``busy`` and ``idle``);
- first out: ``busy`` -> the first widget message of the step;
- messages: widget messages (``comm_msg``) the step sent.

Each model is measured with the app's message frame (one message per step) and, in the same
kernel right after, with the frame closed (each widget sends its own update: the reference).
Tabular: the breast-cancer Explorer, a slider step; digits: a painted pixel (the painter's
float32 stroke). Sequence models (not run unless ``--apps`` names them), the bundled
transformers with the attention tab shown: sentiment, a character typed into or deleted from
the text box (the ``W.Text``'s value: ``state.text = ...``), with saliency and (sentiment_ig)
integrated gradients; waveforms, one point of the series moved by about a pixel (the
``SeriesEditor``'s float32 buffer). Prints median / p95 in ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

import numpy as np
from jupyter_client.manager import start_new_kernel

SETUP = {
    "tabular": """
from nnwidgets import Explorer
ex = Explorer("breast_cancer")
control = ex.views[2].sliders[3]
start = float(control.value)
print(control.comm.comm_id)
""",
    "digits": """
import numpy as np
from nnwidgets import Explorer
ex = Explorer("digits")
control = ex.views[2].canvas
print(control.comm.comm_id)
""",
}
#: The sequence Explorers: the bundled transformer, the attention tab shown (the per-step tab
#: that redraws most), the control a page sends its input through; the series' first values.
SEQUENCE = """
import json
from nnwidgets import Explorer
ex = Explorer({model!r}, method={method!r})
ex.tabs.selected_index = [title for title, _ in ex.tab_list].index("attention")
control = ex.views[2].{control}
print(json.dumps(control.array().ravel().tolist()) if {control!r} == "editor" else "")
print(control.comm.comm_id)
"""
SETUP["sentiment"] = SEQUENCE.format(
    model="sentiment_transformer", method="saliency", control="text"
)
SETUP["sentiment_ig"] = SEQUENCE.format(
    model="sentiment_transformer", method="integrated_gradients", control="text"
)
SETUP["waveforms"] = SEQUENCE.format(
    model="waveforms_transformer", method="saliency", control="editor"
)
DEFAULT_APPS = ("tabular", "digits")
#: Typed one character at a time, then deleted one at a time (in-vocabulary words)
SENTENCE = "i thought the film was really good but the ending felt slow"
POINT = 16  # the series' value moved: step 16, channel 0


#: Run in the kernel after SETUP: the control's comm handler, timed (wall and the thread's CPU).
TIMED = """
import json, time
handled, handled_cpu = [], []
def _timed(msg, _handle=control._handle_msg):
    t0, c0 = time.perf_counter(), time.thread_time()
    _handle(msg)
    handled.append(time.perf_counter() - t0)
    handled_cpu.append(time.thread_time() - c0)
control.comm.on_msg(_timed)
"""


def _stdout(kc, code: str) -> str:
    out: list[str] = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            raise RuntimeError("\n".join(msg["content"]["traceback"]))

    kc.execute_interactive(code, output_hook=hook, timeout=300)
    return "".join(out)


def _when(msg) -> dt.datetime:
    date = msg["header"]["date"]
    return date if isinstance(date, dt.datetime) else dt.datetime.fromisoformat(date)


def _there_and_back(k: int, n: int) -> int:
    """0, 1, ..., n - 1, n, n - 1, ..., 1, 0, 1, ...: step ``k`` of a walk over ``0..n``."""
    return k % n if (k // n) % 2 == 0 else n - k % n


def _state(kind: str, k: int, series: np.ndarray | None) -> tuple[dict, list[bytes]]:
    if kind == "tabular":  # back and forth over 0.2 in steps of 0.01, as arrow keys do
        return {"value": round(0.01 * _there_and_back(k, 20), 2)}, []
    if kind.startswith("sentiment"):  # typed character by character, then deleted
        return {"value": SENTENCE[: 1 + _there_and_back(k, len(SENTENCE) - 1)]}, []
    if kind == "waveforms":  # one point up and down by 0.01 (about a pixel of the editor)
        x = series.copy()
        x[POINT * 2] += 0.01 * _there_and_back(k, 30)
        return {}, [x.astype("<f4").tobytes()]
    x = np.zeros((8, 8), "<f4")
    x.flat[k % 64] = 1.0  # one painted pixel per step
    return {}, [x.tobytes()]


def _step(kc, comm_id: str, kind: str, k: int, series=None) -> tuple[float, float, int]:
    state, buffers = _state(kind, k, series)
    paths = [["value"]] if buffers else []
    data = {"method": "update", "state": state, "buffer_paths": paths}
    msg = kc.session.msg("comm_msg", {"comm_id": comm_id, "data": data})
    kc.session.send(kc.shell_channel.socket, msg, buffers=buffers)
    busy = first = None
    comms = 0
    while True:
        reply = kc.get_iopub_msg(timeout=30)
        if reply["parent_header"].get("msg_id") != msg["header"]["msg_id"]:
            continue
        kind_ = reply["msg_type"]
        if kind_ == "status" and reply["content"]["execution_state"] == "busy":
            busy = _when(reply)
        elif kind_ == "comm_msg":
            comms += 1
            first = first or _when(reply)
        elif kind_ == "status" and reply["content"]["execution_state"] == "idle":
            idle = _when(reply)
            break
    ms = lambda a, b: (b - a).total_seconds() * 1e3  # noqa: E731
    return ms(busy, idle), ms(busy, first) if first else float("nan"), comms


def measure(kind: str, steps: int) -> dict[str, dict[str, float]]:
    km, kc = start_new_kernel(kernel_name="python3")
    try:
        lines = _stdout(kc, SETUP[kind] + TIMED).strip().splitlines()
        comm_id = lines[-1]
        series = np.array(json.loads(lines[-2]), "<f4") if kind == "waveforms" else None
        rows = {}
        for label, code in (("one frame", ""), ("a message per widget", "ex.frame.close()")):
            if code:
                _stdout(kc, code)
            for k in range(20):  # warm-up (compiles, caches)
                _step(kc, comm_id, kind, k, series)
            _stdout(kc, "handled.clear(); handled_cpu.clear()")
            samples = np.array([_step(kc, comm_id, kind, k, series) for k in range(steps)])
            handled = json.loads(_stdout(kc, "print(json.dumps(handled))"))
            cpu = json.loads(_stdout(kc, "print(json.dumps(handled_cpu))"))
            busy, first, comms = samples.T
            rows[label] = {
                "handler_median_ms": float(np.median(handled) * 1e3),
                "handler_p95_ms": float(np.percentile(handled, 95) * 1e3),
                "handler_cpu_median_ms": float(np.median(cpu) * 1e3),
                "busy_idle_median_ms": float(np.median(busy)),
                "first_out_median_ms": float(np.nanmedian(first)),
                "messages_median": float(np.median(comms)),
            }
        return rows
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def format_table(results: dict[str, dict[str, dict[str, float]]]) -> str:
    """``measure()``'s figures per Explorer, one line per way of sending."""
    head = f"{'Explorer':12} {'sending':22} {'handler med':>11} {'p95':>6} {'cpu med':>7}"
    lines = [head + f" {'busy-idle':>9} {'1st out':>8} {'msgs':>5}   (ms; medians unless p95)"]
    for kind, rows in results.items():
        for label, r in rows.items():
            lines.append(
                f"{kind:12} {label:22} {r['handler_median_ms']:11.2f} {r['handler_p95_ms']:6.2f} "
                f"{r['handler_cpu_median_ms']:7.2f} {r['busy_idle_median_ms']:9.2f} "
                f"{r['first_out_median_ms']:8.2f} {r['messages_median']:5.0f}"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument(
        "--apps",
        default=",".join(DEFAULT_APPS),
        help=f"comma-separated, from {list(SETUP)} (default: %(default)s)",
    )
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    apps = [a.strip() for a in args.apps.split(",") if a.strip()]
    if bad := [a for a in apps if a not in SETUP]:
        parser.error(f"--apps: unknown {bad}, expected some of {list(SETUP)}")
    results = {kind: measure(kind, args.steps) for kind in apps}
    print(format_table(results))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
