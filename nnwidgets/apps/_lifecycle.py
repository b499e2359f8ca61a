"""Re-running a cell replaces the apps it built before: their views close, training stops.

IPython reports each run's cell id (``pre_run_cell``; JupyterLab, Notebook 7 and VS Code send
one). An app remembers the cell and the run that built it; the first app built by a later run
of the same cell closes the earlier run's apps, so re-running a cell N times keeps the widget
count flat (FAULTS 19) and never leaves a Playground training in the background. Several apps
built by one run all stay.
"""

from __future__ import annotations

import itertools
import weakref
from typing import Any

_runs = itertools.count(1)
_current: tuple[str | None, int] = (None, 0)  # (cell id, run number) of the running cell
_by_cell: dict[str, tuple[int, list[weakref.ref]]] = {}
_hooked: set[int] = set()


def _pre_run_cell(info: Any) -> None:
    global _current
    _current = (getattr(info, "cell_id", None), next(_runs))


def _hook() -> None:
    """Listen to ``pre_run_cell`` once per IPython shell (no shell: nothing to do).

    The first time, the cell running now has already passed its ``pre_run_cell``: its id is
    read from the kernel's request (the ``cellId`` that IPython's ``cell_id`` comes from), so
    the first app of a session is adopted like every later one.
    """
    global _current
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return
    shell = get_ipython()
    if shell is None or id(shell) in _hooked:
        return
    shell.events.register("pre_run_cell", _pre_run_cell)
    _hooked.add(id(shell))
    _current = (_running_cell_id(shell), next(_runs))


def _running_cell_id(shell: Any) -> str | None:
    """The ``cellId`` of the execute request being handled, if the frontend sent one."""
    kernel = getattr(shell, "kernel", None)
    try:
        parent = kernel.get_parent("shell")
    except (AttributeError, TypeError):  # no kernel (terminal IPython), or ipykernel < 6
        return None
    metadata = (parent or {}).get("metadata") or {}
    cell = metadata.get("cellId")
    return cell if isinstance(cell, str) else None


def adopt(app: Any) -> None:
    """Record ``app`` under the running cell; close what an earlier run of it built."""
    _hook()
    cell, run = _current
    if cell is None:
        return
    old_run, apps = _by_cell.get(cell, (run, []))
    if old_run != run:
        for ref in apps:
            old = ref()
            if old is not None:
                old.close()
        apps = []
    apps.append(weakref.ref(app))
    _by_cell[cell] = (run, apps)


_hook()  # importing nnwidgets in a cell already counts that cell's run
