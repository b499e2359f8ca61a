"""The app's page-side helper (anywidget): notebook shortcuts kept out, a lost kernel said."""

from __future__ import annotations

import anywidget
import traitlets as t

_ESM = """
const ATTR = "data-lm-suppress-shortcuts";
function render({ model, el }) {
  // Lumino (JupyterLab, Notebook 7) matches shortcut selectors from the key event's target up
  // to the first element carrying ATTR: the focused control itself must carry it (selectors
  // such as "command mode :focus" match the control before any ancestor is looked at).
  const mark = () => {
    const root = el.closest(model.get("selector"));
    if (root === null) return false;
    if (!root.hasAttribute(ATTR)) {
      root.setAttribute(ATTR, "true");
      root.addEventListener("focusin", (ev) => ev.target.setAttribute?.(ATTR, "true"));
    }
    return true;
  };
  if (mark()) return;
  let tries = 0;  // the app's root is attached after this view renders
  const timer = setInterval(() => { if (mark() || ++tries > 200) clearInterval(timer); }, 50);
  return () => clearInterval(timer);
}
export default { render };
"""


# ipywidgets marks every view of a closed comm (kernel restarted, stopped or killed)
# ``jupyter-widgets-disconnected``; the status line then says what happened and what to do.
_CSS = """
.jupyter-widgets-disconnected.nnw-app .nnw-status::after {
  content: " \\2014  disconnected: the kernel stopped or restarted;"
    " run the cell again (or reload the page)";
  color: #b30000;
  font-weight: bold;
}
/* ipywidgets' slider CSS gives every handle (noUiSlider's origin) and filled track its own
   compositor layer (will-change: transform): with 30 sliders every frame of a slider step
   re-layerizes ~37 layers (JupyterLab, 2 cores: Layerize + Commit 6-9 ms of the frame the
   kernel's reply waits behind). The handles move the same without; 37 -> 22 layers. */
.nnw-app .widget-slider .noUi-origin,
.nnw-app .widget-slider .noUi-connect,
.nnw-app .jupyter-widget-slider .noUi-origin,
.nnw-app .jupyter-widget-slider .noUi-connect {
  will-change: auto;
}
"""


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
