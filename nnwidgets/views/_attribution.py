"""Feature importance: bars per feature (tabular) or a heat map (images), diverging at 0."""

from __future__ import annotations

import math

import ipywidgets as W

from ..state import ExplorerState
from ._bars_canvas import BarsCanvas
from ._base import StateView
from ._convert import f32, number, values_table
from ._heat_canvas import HeatCanvas


class AttributionView(StateView, W.VBox):
    """Draws ``state.attribution``, coloured symmetrically around zero (red < 0 < blue).

    Images: a ``HeatCanvas``, each cell coloured by value / max |value|. Tabular inputs: one
    bar per feature on a ``BarsCanvas`` (each bar coloured the same way). Either way a step
    is one message with one float32 buffer and the table of exact values under the chart.
    """

    def __init__(self, state: ExplorerState, **kwargs: object) -> None:
        self.state = state
        self.canvas: BarsCanvas | HeatCanvas
        if len(state.input_shape) == 2:
            rows, cols = state.input_shape
            self.canvas = HeatCanvas(
                rows=rows, cols=cols, cell_px=max(8, min(32, 256 // max(rows, cols)))
            )
        else:
            n = math.prod(state.input_shape)
            self.canvas = BarsCanvas(
                [self._title()],
                [n],
                diverging=True,
                item_label="feature",
                x_label="feature",
                counts=False,  # the title is the method and class
                panel_width=620 if n > 12 else 340,
                panel_height=300,
            )
        self._owned = [self.canvas]
        self._redraw(None)
        self._watch(self._redraw, "version")
        super().__init__([self.canvas], **kwargs)
        self.add_class("nnw-attribution")

    def _title(self) -> str:
        s = self.state
        return f"{s.method} · class {s.class_names[s.explained]}"

    def _redraw(self, _: object) -> None:
        s = self.state
        a = f32(s.attribution)
        gap = s.completeness_gap
        gap = (
            ""
            if gap is None
            else (f'<div class="nnw-gap">completeness gap <b>{number(gap)}</b> (0 = exact)</div>')
        )
        names = s.dataset.feature_names
        table = values_table(names, a, f"nnw-explained-{s.explained}", s.version)
        with self.canvas.hold_sync():  # one message: values, title, gap and exact values
            if isinstance(self.canvas, HeatCanvas):
                self.canvas.title = self._title()
                self.canvas.show(a)
            else:
                self.canvas.groups = [self._title()]
                self.canvas.show([a])
            self.canvas.caption = gap + table
