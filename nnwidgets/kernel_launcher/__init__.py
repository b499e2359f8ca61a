"""The "Python 3 (nnwidgets)" kernel: ipykernel that imports nnwidgets while the reader reads.

A fresh kernel spends about a second on imports before an Explorer's first widget message
(``import jax`` alone ~0.5-0.9 s here, ipywidgets, anywidget, nnwidgets; bqplot comes with
the first bqplot-drawn course tab). This
kernel (``python -m nnwidgets.kernel_launcher -f {connection_file}``, the kernelspec ``nnwidgets``
installed with the package; the bundled notebooks use it) is the ordinary ipykernel, plus
a background thread that, once the kernel is up, imports ``nnwidgets.apps`` and starts JAX's
CPU client. When the first cell runs the imports are done, or the cell waits for the
remainder (Python's per-module import locks): nothing runs twice. ``NNWIDGETS_PRELOAD=0``
turns the preload off.

The kernel also announces a widget message as busy only if its handler is still running after
0.1 s (``_quiet.py``: a slider step then changes no kernel status in the frontend, which spares
JupyterLab a toolbar re-layout per step); ``NNWIDGETS_BUSY_DELAY=0`` restores ipykernel's
busy/idle around every message, another number of seconds sets the delay.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

ENV = "NNWIDGETS_PRELOAD"
#: Set by the preload thread when it has finished (for tests and diagnostics).
preloaded = threading.Event()


def preload() -> None:
    """Import what an Explorer needs and start JAX's CPU client (errors surface later)."""
    try:
        import jax

        import nnwidgets.apps  # noqa: F401  (jax, ipywidgets, anywidget, nnwidgets)

        jax.devices()
    except Exception:  # the user's own import reports it, in their cell
        pass
    finally:
        preloaded.set()


def main() -> None:
    """Start ipykernel; once it is initialised, preload in a daemon thread."""
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]  # as ipykernel_launcher: the shell adds the working directory back
    from ipykernel.kernelapp import IPKernelApp

    from ._quiet import QuietCommKernel

    app = IPKernelApp.instance(kernel_class=QuietCommKernel)
    app.initialize()
    if os.environ.get(ENV, "").strip().lower() not in {"0", "off", "false", "no"}:
        threading.Thread(target=preload, name="nnwidgets-preload", daemon=True).start()
    app.start()
