"""The app's page-side helper (anywidget): notebook shortcuts kept out, a lost kernel said."""

from __future__ import annotations

import anywidget
import traitlets as t

from ._js import css, esm

_ESM = esm("app_guard")


# ipywidgets marks every view of a closed comm (kernel restarted, stopped or killed)
# ``jupyter-widgets-disconnected``; the status line then says what happened and what to do.
_CSS = css("app_guard")


class AppGuard(anywidget.AnyWidget):
    """An invisible widget that keeps Lumino's shortcuts off the app around it.

    It marks the app's root and every control that takes the focus inside it
    ``data-lm-suppress-shortcuts``, and its stylesheet makes the status line of an app whose
    kernel is gone say so (ipywidgets only draws a broken-link icon on each widget) and keeps
    the app's slider handles off their own compositor layers (a cheaper frame per step).

    JupyterLab and Notebook 7 run their command-mode shortcuts on key presses inside cell
    outputs: with a slider focused, the arrow keys move the cell selection (Notebook 7 even
    swallows the slider's own arrow keys) and ``x`` / ``d d`` cut or delete the cell holding
    the app. Inside the marked element the keys reach the app's controls only.
    """

    _esm = _ESM
    _css = _CSS
    selector = t.Unicode(help="CSS selector of the app's root element.").tag(sync=True)

    def __init__(self, selector: str, **kwargs: object) -> None:
        super().__init__(selector=selector, layout={"display": "none"}, **kwargs)
