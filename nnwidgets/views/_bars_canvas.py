"""Small bar charts on one canvas: one panel per group, redrawn from one float32 buffer.

The Explorer's activation view redraws every layer's bars on every slider step. As bqplot
marks that was one widget message and one d3 redraw per layer (each bar a transition, each
redraw also clearing the mark's legend); here a step is one message carrying one binary
buffer, and the browser paints the panels in its next animation frame.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import anywidget
import numpy as np
import traitlets as t

from ._base import Captioned
from ._js import esm

_ESM = esm("bars")


class BarsCanvas(Captioned, anywidget.AnyWidget):
    """One small bar chart per group, side by side on one canvas.

    ``values`` holds every group's values back to back (float32, group order). A click on a
    bar calls the callbacks registered with ``on_bar_click`` with ``(group, index)``; hovering
    shows the value. With ``blocks``, bar ``i`` of group ``g`` stands for values
    ``i * blocks[g]`` up to ``(i + 1) * blocks[g]`` of ``totals[g]`` (the caller sends one value
    per bar, e.g. the block's peak); titles and hover text say so.
    """

    _esm = _ESM
    groups = t.List(t.Unicode(), help="Panel titles, one per group.").tag(sync=True)
    sizes = t.List(t.Int(), help="Bars per group.").tag(sync=True)
    blocks = t.List(
        t.Int(), help="Per group: values each bar stands for (empty: one value per bar)."
    ).tag(sync=True)
    totals = t.List(t.Int(), help="Per group: values before blocking (with blocks).").tag(sync=True)
    values = t.Bytes(b"", help="float32 values of every group, back to back.").tag(sync=True)
    color = t.Unicode("#6baed6", help="Bar colour (CSS).").tag(sync=True)
    diverging = t.Bool(
        False, help="Colour each bar by value / max |value| of its group: red < 0 < blue."
    ).tag(sync=True)
    x_label = t.Unicode("", help="Axis label under the bars ('' = no x axis).").tag(sync=True)
    counts = t.Bool(True, help="Titles say how many bars: 'name (n)'.").tag(sync=True)
    item_label = t.Unicode("neuron", help="What a bar is, for the hover text.").tag(sync=True)
    panel_width = t.Int(300, help="Width of each panel in pixels.").tag(sync=True)
    panel_height = t.Int(160, help="Height of the panels in pixels.").tag(sync=True)
    domain = t.List(
        t.Float(), help="A fixed y range [low, high]; empty = follow the data (steady)."
    ).tag(sync=True)
    labels = t.List(
        t.Unicode(), help="One label per bar under the axis and in the hover text (else indices)."
    ).tag(sync=True)
    highlight = t.Int(-1, help="Index of the bar drawn in highlight_color (-1: none).").tag(
        sync=True
    )
    highlight_color = t.Unicode("#e6550d", help="Colour of the highlighted bar.").tag(sync=True)

    @t.validate("domain")
    def _valid_domain(self, proposal: Any) -> list[float]:
        d = list(proposal["value"])
        if d and not (len(d) == 2 and np.isfinite(d).all() and d[0] < d[1]):
            raise t.TraitError(
                f"domain: expected [] or [low, high] with low < high, received {d!r}"
            )
        return d

    def __init__(self, groups: Sequence[str], sizes: Sequence[int], **kwargs: Any) -> None:
        if len(groups) != len(sizes) or any(int(n) < 0 for n in sizes):
            raise ValueError(
                f"sizes: expected {len(groups)} counts >= 0 (one per group), received {sizes!r}"
            )
        super().__init__(groups=list(groups), sizes=[int(n) for n in sizes], **kwargs)
        self._clicks: list[Callable[[str, int], None]] = []
        self.on_msg(self._message)

    def show(self, values: Sequence[Any]) -> None:
        """Draw ``values``: one array per group (any shape; flattened, cast to float32)."""
        if len(values) != len(self.sizes):
            raise ValueError(
                f"values: expected {len(self.sizes)} arrays (one per group), received {len(values)}"
            )
        flat = [np.asarray(v, dtype="<f4").ravel() for v in values]
        for g, (v, n) in enumerate(zip(flat, self.sizes)):
            if v.size != n:
                raise ValueError(f"values[{g}]: expected {n} values, received {v.size}")
        self.values = (np.concatenate(flat) if flat else np.zeros(0, "<f4")).tobytes()

    def on_bar_click(self, callback: Callable[[str, int], None]) -> None:
        """Call ``callback(group, index)`` when a bar is clicked in the browser."""
        self._clicks.append(callback)

    def _message(self, _: Any, content: Any, buffers: Any) -> None:
        if not isinstance(content, dict) or content.get("event") != "element_click":
            return
        group, index = content.get("group"), content.get("index")
        if group not in self.groups or not isinstance(index, int):
            return
        if not 0 <= index < self.sizes[self.groups.index(group)]:
            return
        for callback in self._clicks:
            callback(group, index)
