"""What every view shares: observe the state, and undo that exactly once on close."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as W
import traitlets as t

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

    def set_active(self, active: bool) -> None:
        """Pause redraws while hidden; catch up once (one redraw per handler) when shown."""
        self._active = active
        if active:
            for handler in self.__dict__.pop("_stale", {}):
                handler(None)

    def close(self) -> None:
        """Stop observing the state and close owned widgets; safe to call twice."""
        watches = self.__dict__.pop("_watches", [])
        for handler, names in watches:
            self.state.unobserve(handler, names=names)
        for widget in self.__dict__.pop("_owned", []):
            widget.close()
        super().close()  # type: ignore[misc]
