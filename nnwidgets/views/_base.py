"""What every view shares: observe the state, and undo that exactly once on close."""

from __future__ import annotations

import os
import pathlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as W
import traitlets as t

from . import _picture

if TYPE_CHECKING:
    import bqplot as bq


def steady_scale(**kwargs: Any) -> bq.LinearScale:
    """A data-driven linear scale that keeps its domain while the data stay inside it.

    bqplot's ``stabilized`` mode: the domain (the data range padded by 25 %) changes only
    when the data leave it or shrink below 60 % of it. A slider step then redraws the bars
    alone, not the axis and every mark on the scale (in JupyterLab that was ~7 ms of the
    page's main thread per step), and the axis holds still under the hand.
    """
    import bqplot as bq  # only the bqplot-drawn views need it (see nnwidgets.views)

    return bq.LinearScale(stabilized=True, **kwargs)


class InputSlider(W.FloatSlider):
    """A FloatSlider whose value the kernel does not echo back (one message less per step).

    The page already shows the value it sent; when the kernel changes the value itself
    (``state.x`` assigned in code, a sample loaded) it still sends a normal update.
    """

    value = t.CFloat(0.0, help="Float value").tag(sync=True, echo_update=False)


class InputText(W.Text):
    """A Text box whose value the kernel does not echo back (as ``InputSlider``).

    Each keystroke sends the text once; the kernel's reply is the step's update alone.
    """

    value = t.Unicode("", help="String value").tag(sync=True, echo_update=False)


class Captioned(t.HasTraits):
    """A canvas's text under its picture: notes (``caption``) and the exact-values table.

    The page builds the table from the values the canvas draws (``valuesTable`` in
    ``js/common.js``): the kernel sends the numbers once, as the canvas's float32 buffer.
    """

    caption = t.Unicode("", help="HTML under the picture (notes), sent with the values.").tag(
        sync=True
    )
    table_class = t.Unicode(
        "",
        help="'' = no values table; else the page builds the table of the drawn values under "
        "the caption, with these CSS classes (e.g. 'nnw-predicted-3').",
    ).tag(sync=True)
    table_version = t.Int(0, help="The state's update count, the table's data-version.").tag(
        sync=True
    )


class IndexSlider(W.IntSlider):
    """An IntSlider whose value the kernel does not echo back (as ``InputSlider``)."""

    value = t.CInt(0, help="Int value").tag(sync=True, echo_update=False)


def _identity(value: Any) -> Any:
    return value


def _widen(widget: Any, value: Any) -> None:
    """Let ``widget`` show ``value``: add it to a selection's options, widen a range's ends."""
    if isinstance(widget, W.widgets.widget_selection._Selection):
        pairs = [o if isinstance(o, tuple) else (str(o), o) for o in widget.options]
        if value not in [v for _, v in pairs]:
            pairs.append((str(value), value))
            if all(isinstance(v, (int, float)) for _, v in pairs):
                pairs.sort(key=lambda p: p[1])
            widget.options = pairs
    elif hasattr(widget, "min") and hasattr(widget, "max") and value is not None:
        if value < widget.min:
            widget.min = value
        if value > widget.max:
            widget.max = value


class ControlLink:
    """Links ``state.<name>`` and ``widget.value`` both ways; the control never edits the state.

    ``traitlets.link`` breaks on a value the state takes but the control cannot show: a
    Dropdown without that option raises, a slider clamps the value and writes the clamped one
    back into the state. This link widens the control first (adds the option, moves the
    slider's end), and when the state refuses the control's value, puts the state's value
    back on the control. ``transform`` is ``(state -> widget, widget -> state)``.
    """

    def __init__(
        self,
        state: Any,
        name: str,
        widget: Any,
        transform: tuple[Callable[[Any], Any], Callable[[Any], Any]] = (_identity, _identity),
    ) -> None:
        self.state, self.name, self.widget = state, name, widget
        self.to_widget, self.to_state = transform
        self._updating, self._linked = False, True
        self._show(None)
        state.observe(self._show, names=name)
        widget.observe(self._take, names="value")

    def _set_widget(self, value: Any) -> None:
        self._updating = True
        try:
            _widen(self.widget, value)
            self.widget.value = value
        finally:
            self._updating = False

    def _show(self, _: object) -> None:
        if not self._updating:
            self._set_widget(self.to_widget(getattr(self.state, self.name)))

    def _take(self, change: Any) -> None:
        if self._updating:
            return
        self._updating = True
        try:
            setattr(self.state, self.name, self.to_state(change.new))
        finally:
            self._updating = False
        shown = self.to_widget(getattr(self.state, self.name))
        if shown != self.widget.value:  # refused (or normalised) by the state
            self._set_widget(shown)

    def unlink(self) -> None:
        """Stop syncing (idempotent)."""
        if self._linked:
            self._linked = False
            self.state.unobserve(self._show, names=self.name)
            self.widget.unobserve(self._take, names="value")


def layer_entries(model: Any) -> list[tuple[str, tuple[int, ...]]]:
    """``(name, shape)`` of the layers the activations panel and the network graph show.

    Every trace entry but a sequence layer's parts (gates, a block's MLP, attention weights):
    the hidden-states and attention tabs show those.
    """
    names = model.layer_names
    shapes = getattr(model, "layer_shapes", None) or [(n,) for n in model.layer_sizes]
    kinds = getattr(model, "layer_kinds", None) or ("",) * len(names)
    return [
        (n, tuple(s)) for n, s, k in zip(names, shapes, kinds) if k not in ("gate", "attention")
    ]


def set_changed(widget: Any, values: dict[str, Any]) -> None:
    """Assign each of ``values`` that differs from the widget's own.

    On a slider step: a list trait validates every element on each assignment, even of an
    equal list.
    """
    for name, value in values.items():
        if getattr(widget, name) != value:
            setattr(widget, name, value)


def widget_tree(root: Any) -> list[Any]:
    """``root`` and every widget reachable through its synced traits, each once.

    Children, marks, scales, axes, layouts and styles: what closing an app must close too.
    """
    seen: dict[int, Any] = {}
    stack = [root]
    while stack:
        w = stack.pop()
        if id(w) in seen:
            continue
        seen[id(w)] = w
        for name in w.keys:
            value = getattr(w, name, None)
            values = value.values() if isinstance(value, dict) else value
            if isinstance(values, (list, tuple)) or isinstance(value, dict):
                stack.extend(v for v in values if isinstance(v, W.Widget))
            elif isinstance(value, W.Widget):
                stack.append(value)
    return list(seen.values())


class StateView:
    """Mixin for a widget that draws a state: ``_watch`` observes, ``close`` unobserves.

    ``close`` is idempotent (ipywidgets calls it again from ``__del__``) and also closes the
    widgets listed in ``_owned`` (figures, marks' parents) so re-running a cell leaks nothing.
    """

    state: Any
    _owned: list[Any]

    def _watch(self, handler: Callable[[Any], None], names: str | list[str]) -> None:
        def gated(change: Any) -> None:
            if self.__dict__.get("_active", True):
                handler(change)
            else:  # not on screen (a hidden tab): redraw once when shown
                self.__dict__.setdefault("_stale", {})[handler] = None

        self.state.observe(gated, names=names)
        self.__dict__.setdefault("_watches", []).append((gated, names))

    def _link(self, name: str, widget: Any, **kwargs: Any) -> ControlLink:
        """``ControlLink(self.state, name, widget)``, unlinked when this view closes."""
        link = ControlLink(self.state, name, widget, **kwargs)
        self.__dict__.setdefault("_links", []).append(link)
        return link

    def save_png(self, path: str | os.PathLike[str]) -> pathlib.Path:
        """Write this view as it is now to the ``.png`` file ``path``; return the path.

        Drawn in Python from the values the view shows (``nnwidgets.views._picture``).
        """
        return _picture.save_png(self, path)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        """The widget, plus a PNG of it for a saved notebook (``_picture.with_picture``)."""
        return _picture.with_picture(self, super()._repr_mimebundle_(**kwargs))  # type: ignore[misc]

    def set_active(self, active: bool) -> None:
        """Pause redraws while hidden; catch up once (one redraw per handler) when shown."""
        self._active = active
        if active:
            for handler in self.__dict__.pop("_stale", {}):
                handler(None)

    def close(self) -> None:
        """Stop observing the state and close owned widgets; safe to call twice."""
        for link in self.__dict__.pop("_links", []):
            link.unlink()
        watches = self.__dict__.pop("_watches", [])
        for handler, names in watches:
            self.state.unobserve(handler, names=names)
        for widget in self.__dict__.pop("_owned", []):
            widget.close()
        super().close()  # type: ignore[misc]
