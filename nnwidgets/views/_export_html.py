"""An app as one static HTML page: opens from file://, with no kernel and no network.

``export_html`` walks the widget tree: boxes become flex boxes, text widgets their HTML, the
controls read-only copies showing their current values, a tab block a bar of buttons. Each
canvas (an anywidget) is drawn in the page by its own ES module from its synced state as it
is now (``js/export_page.js`` renders it with a read-only model, as anywidget would with a
kernel); a bqplot figure is a PNG drawn in Python (``figure_png``).
"""

from __future__ import annotations

import base64
import datetime
import html
import itertools
import json
import math
import os
import pathlib
import sys
from typing import Any

import ipywidgets as W
from ipywidgets.widgets.widget import _remove_buffers
from ipywidgets.widgets.widget_selection import _MultipleSelection, _Selection
from ipywidgets.widgets.widget_selectioncontainer import _SelectionContainer

from ._app_guard import AppGuard
from ._base import widget_tree
from ._frame import StepFrame
from ._js import JS_DIR

#: A placeholder tab (the Explorer builds a tab's view when the tab is first shown).
PLACEHOLDER = "nnw-tab-placeholder"
#: Synced traits the page does not need: the module (embedded once), the widget plumbing.
_DROPPED = {"_esm", "_css", "_anywidget_id", "layout", "_dom_classes", "tabbable", "tooltip"}
_esc = html.escape


def export_html(root: W.Widget, path: str | os.PathLike[str], *, title: str) -> pathlib.Path:
    """Write ``root`` as it looks now into one self-contained HTML page at ``path``.

    Args:
        root: the app (any widget; its tree is walked).
        path: where to write, ending in ``.html``.
        title: the page's title and heading.

    Returns:
        The path written.

    Raises:
        ValueError: ``path`` is not a str or PathLike ending in ``.html``.

    Examples:
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "lesson.html"
        >>> export_html(W.VBox([W.HTML("<b>a lesson</b>")]), path, title="lesson") == path
        True
        >>> "<b>a lesson</b>" in path.read_text()
        True
    """
    target = _check_path(path)
    _catch_up(root)
    page = _Page()
    body = page.widget(root)
    target.write_text(page.document(title, body), encoding="utf-8")
    return target


def _check_path(path: Any) -> pathlib.Path:
    """``path`` as a Path; ValueError unless it is a str or PathLike ending in ``.html``."""
    if not isinstance(path, (str, os.PathLike)) or not os.fspath(path).lower().endswith(".html"):
        raise ValueError(f"path: expected a str or PathLike ending in '.html', received {path!r}")
    return pathlib.Path(path)


def _catch_up(root: W.Widget) -> None:
    """Let views paused in hidden tabs redraw once: the page shows the current state in all."""
    for w in widget_tree(root):
        if w.__dict__.get("_active", True) is False and hasattr(w, "set_active"):
            w.set_active(True)
            w.set_active(False)


def _css(w: Any) -> str:
    """The widget's layout as an inline CSS declaration list (ipywidgets' names, hyphenated)."""
    layout = getattr(w, "layout", None)
    if not isinstance(layout, W.Layout):
        return ""
    decls = []
    for name in layout.keys:
        value = getattr(layout, name)
        if not name.startswith("_") and value not in (None, ""):
            decls.append(f"{name.replace('_', '-')}:{value}")
    return ";".join(decls)


def _open(tag: str, w: Any, *classes: str, style: str = "", **attrs: str) -> str:
    """An opening tag with the widget's classes and layout (and ``style`` before it)."""
    names = [*classes, *getattr(w, "_dom_classes", ())]
    css = ";".join(s for s in (style, _css(w)) if s)
    extra = "".join(f' {k.replace("_", "-")}="{_esc(v)}"' for k, v in attrs.items())
    return f'<{tag} class="{_esc(" ".join(names))}" style="{_esc(css)}"{extra}>'


def _description(w: Any) -> str:
    text = getattr(w, "description", "") or ""
    if not text:
        return ""
    shown = text if getattr(w, "description_allow_html", False) else _esc(text)
    width = getattr(getattr(w, "style", None), "description_width", "") or ""
    style = f' style="width:{_esc(width)};max-width:none"' if width else ""
    return f"<label{style}>{shown}</label>"


def _number(w: Any, value: Any) -> str:
    """A slider's readout: its ``readout_format`` where Python reads it the same way."""
    fmt = getattr(w, "readout_format", "") or ""
    try:
        return format(value, fmt)
    except (TypeError, ValueError):
        return str(value)


def _is_figure(w: Any) -> bool:
    bqplot = sys.modules.get("bqplot")  # a figure exists only if bqplot was imported
    return bqplot is not None and isinstance(w, bqplot.Figure)


class _Page:
    """The page being written: each canvas module once, each canvas's saved state."""

    def __init__(self) -> None:
        self.modules: dict[str, dict[str, str]] = {}
        self.by_source: dict[str, str] = {}
        self.widgets: dict[str, dict[str, Any]] = {}
        self.ids = itertools.count()

    def widget(self, w: Any) -> str:
        """The HTML of ``w`` and everything inside it ('' for hidden and non-visual ones)."""
        if getattr(getattr(w, "layout", None), "display", None) == "none" or isinstance(
            w, (StepFrame, AppGuard)
        ):
            return ""
        for kind, method in _DISPATCH:
            if kind(w):
                return method(self, w)
        return self.missing(w)

    def anywidget(self, w: Any) -> str:
        source = str(w._esm)
        if source not in self.by_source:
            key = f"m{len(self.by_source)}"
            self.by_source[source] = key
            self.modules[key] = {"esm": source, "css": str(getattr(w, "_css", "") or "")}
        state, paths, buffers = _remove_buffers(w.get_state())
        key = f"w{next(self.ids)}"
        self.widgets[key] = {
            "module": self.by_source[source],
            "state": {k: v for k, v in state.items() if k not in _DROPPED},
            "buffer_paths": [p for p in paths if p[0] not in _DROPPED],
            "buffers": [
                base64.b64encode(bytes(b)).decode("ascii")
                for p, b in zip(paths, buffers)
                if p[0] not in _DROPPED
            ],
        }
        return _open("div", w, "nnw-export-canvas", data_nnw_widget=key) + "</div>"

    def box(self, w: Any) -> str:
        kind = (
            "nnw-export-grid"
            if isinstance(w, W.GridBox)
            else "nnw-export-hbox"
            if isinstance(w, W.HBox)
            else "nnw-export-vbox"
        )
        inner = "".join(self.widget(c) for c in w.children)
        return _open("div", w, "nnw-export-box", kind) + inner + "</div>"

    def tabs(self, w: Any) -> str:
        children, titles = list(w.children), list(w.titles)
        titles += [""] * (len(children) - len(titles))
        waiting = [_is_placeholder(c) for c in children]
        shown = w.selected_index
        if shown is None or shown >= len(children) or waiting[shown]:
            shown = next((i for i, p in enumerate(waiting) if not p), -1)
        bar, panels = [], []
        for i, (child, name, wait) in enumerate(zip(children, titles, waiting)):
            label = _esc(name or f"tab {i + 1}")
            if wait:
                note = "not opened before export"
                bar.append(f'<button type="button" disabled title="{note}">{label}')
                bar.append(f"<small>{note}</small></button>")
                panels.append('<div class="nnw-export-panel" hidden></div>')
                continue
            selected = "true" if i == shown else "false"
            bar.append(
                f'<button type="button" role="tab" aria-selected="{selected}">{label}</button>'
            )
            hidden = "" if i == shown else " hidden"
            panels.append(f'<div class="nnw-export-panel"{hidden}>{self.widget(child)}</div>')
        head = f'<div class="nnw-export-tabbar" role="tablist">{"".join(bar)}</div>'
        return _open("div", w, "nnw-export-tabs") + head + "".join(panels) + "</div>"

    def html(self, w: Any) -> str:
        return _open("div", w, "nnw-export-html") + _description(w) + w.value + "</div>"

    def label(self, w: Any) -> str:
        return _open("div", w, "nnw-export-label") + _esc(w.value) + "</div>"

    def button(self, w: Any) -> str:
        attrs = {"title": w.tooltip} if w.tooltip else {}
        text = _esc(w.description or w.icon or "")
        return _open("button", w, "nnw-export-button", type="button", disabled="", **attrs) + (
            text + "</button>"
        )

    def toggle(self, w: Any) -> str:
        pressed = "true" if w.value else "false"
        return _open(
            "button", w, "nnw-export-button", type="button", disabled="", aria_pressed=pressed
        ) + (_esc(w.description) + "</button>")

    def checkbox(self, w: Any) -> str:
        checked = " checked" if w.value else ""
        box = f'<input type="checkbox" disabled{checked}>'
        return _open("div", w, "nnw-export-control") + box + _esc(w.description) + "</div>"

    def buttons(self, w: Any) -> str:
        parts = []
        for i, name in enumerate(w._options_labels):
            pressed = "true" if i == w.index else "false"
            parts.append(f'<button type="button" disabled aria-pressed="{pressed}">')
            parts.append(f"{_esc(name)}</button>")
        return self.control(w, "".join(parts))

    def selection(self, w: Any) -> str:
        label = w.label if not isinstance(w, _MultipleSelection) else ", ".join(w.label)
        return self.control(w, f'<span class="nnw-export-value">{_esc(str(label))}</span>')

    def slider(self, w: Any) -> str:
        value = w.value
        if isinstance(value, tuple):  # a range slider
            readout = " – ".join(_number(w, v) for v in value)
            track = ""
        else:
            readout = _number(w, value)
            track = (
                f'<input type="range" disabled min="{w.min}" max="{w.max}" '
                f'step="{getattr(w, "step", None) or "any"}" value="{value}">'
            )
        return self.control(w, f'{track}<span class="nnw-export-value">{_esc(readout)}</span>')

    def text(self, w: Any) -> str:
        shown = "••••" if isinstance(w, W.Password) else str(w.value)
        return self.control(w, f'<span class="nnw-export-value">{_esc(shown)}</span>')

    def output(self, w: Any) -> str:
        parts = [_output_html(o) for o in w.outputs]
        return _open("div", w, "nnw-export-output") + "".join(parts) + "</div>"

    def image(self, w: Any) -> str:
        data = base64.b64encode(bytes(w.value)).decode("ascii")
        src = f"data:image/{_esc(w.format)};base64,{data}"
        return _open("img", w, "nnw-export-image", src=src)

    def figure(self, w: Any) -> str:
        from ._picture import figure_png

        png = figure_png(w)
        name = _esc(w.title or "figure")
        if png is None:  # a figure with nothing on it
            return _open("div", w, "nnw-export-missing") + f"{name}: nothing drawn</div>"
        data = base64.b64encode(png).decode("ascii")
        img = f'<img alt="{name}" src="data:image/png;base64,{data}">'
        return _open("div", w, "nnw-export-figure") + img + "</div>"

    def control(self, w: Any, shown: str) -> str:
        return _open("div", w, "nnw-export-control") + _description(w) + shown + "</div>"

    def missing(self, w: Any) -> str:
        if not isinstance(w, W.DOMWidget):
            return ""
        name = _esc(type(w).__name__)
        return _open("div", w, "nnw-export-missing") + f"{name}: not in the export</div>"

    def document(self, title: str, body: str) -> str:
        """The whole page: header, the app, the canvases' data and the script drawing them."""
        from .. import __version__

        when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        data = {"modules": self.modules, "widgets": self.widgets}
        # "<" only occurs inside JSON strings: escaped, no "</script>" can end the block
        payload = json.dumps(_finite(data), separators=(",", ":"), allow_nan=False)
        payload = payload.replace("<", "\\u003c")
        css = (JS_DIR / "export_page.css").read_text(encoding="utf-8")
        script = (JS_DIR / "export_page.js").read_text(encoding="utf-8")
        return (
            "<!DOCTYPE html>\n"
            '<html lang="en"><head><meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_esc(title)}</title>\n<style>\n{css}</style></head>\n<body>\n"
            f'<header class="nnw-export-header"><h1>{_esc(title)}</h1>'
            f"<p>exported from nnwidgets {_esc(__version__)} on {when}; a static page: "
            "no kernel</p></header>\n"
            f"{body}\n"
            f'<script type="application/json" id="nnw-export-data">{payload}</script>\n'
            f'<script type="module">\n{script}</script>\n</body></html>\n'
        )


def _finite(value: Any) -> Any:
    """``value`` with NaN and ±inf floats as None (null): JSON.parse refuses them."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _is_placeholder(w: Any) -> bool:
    """Whether a tab's child is still the "building this view…" placeholder."""
    if PLACEHOLDER in getattr(w, "_dom_classes", ()):
        return True
    children = getattr(w, "children", ())
    return len(children) == 1 and PLACEHOLDER in getattr(children[0], "_dom_classes", ())


def _output_html(output: dict[str, Any]) -> str:
    """One of an Output widget's outputs: text, HTML or a PNG."""
    kind = output.get("output_type")
    if kind == "stream":
        return f"<pre>{_esc(output.get('text', ''))}</pre>"
    if kind == "error":
        return f"<pre>{_esc(output.get('ename', ''))}: {_esc(output.get('evalue', ''))}</pre>"
    data = output.get("data", {})
    if "text/html" in data:
        return str(data["text/html"])
    if "image/png" in data:
        return f'<img src="data:image/png;base64,{data["image/png"]}">'
    return f"<pre>{_esc(str(data.get('text/plain', '')))}</pre>"


def _slider(w: Any) -> bool:
    return "Slider" in type(w).__name__ and hasattr(w, "min") and hasattr(w, "max")


#: (test, how to write it), first match wins; canvases first (they may subclass a Box).
_DISPATCH = (
    (lambda w: hasattr(type(w), "_esm"), _Page.anywidget),
    (_is_figure, _Page.figure),
    (lambda w: isinstance(w, _SelectionContainer), _Page.tabs),
    (lambda w: isinstance(w, W.Box), _Page.box),
    (lambda w: isinstance(w, (W.HTML, W.HTMLMath)), _Page.html),
    (lambda w: isinstance(w, W.Label), _Page.label),
    (lambda w: isinstance(w, W.Button), _Page.button),
    (lambda w: isinstance(w, W.ToggleButton), _Page.toggle),
    (lambda w: isinstance(w, (W.Checkbox, W.Valid)), _Page.checkbox),
    (lambda w: isinstance(w, W.ToggleButtons), _Page.buttons),
    (lambda w: isinstance(w, (_Selection, _MultipleSelection)), _Page.selection),
    (_slider, _Page.slider),
    (lambda w: isinstance(w, W.Output), _Page.output),
    (lambda w: isinstance(w, W.Image), _Page.image),
    (lambda w: hasattr(w, "value") and isinstance(w, W.DOMWidget), _Page.text),
)
