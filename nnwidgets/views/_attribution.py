"""Feature importance: bars per feature (tabular) or a heat map (images), diverging at 0."""

from __future__ import annotations

import math

import bqplot as bq
import ipywidgets as W
import numpy as np

from ..state import ExplorerState
from ._bars_canvas import BarsCanvas
from ._base import StateView
from ._convert import f32, number, values_table

SCHEME = "RdBu"  # red negative, blue positive, white at zero


class AttributionView(StateView, W.VBox):
    """Draws ``state.attribution``, coloured symmetrically around zero.

    Images: a bqplot heat map; the colours are the map divided by its largest magnitude on a
    fixed [-1, 1] scale, so a step sends the mark only (not the scale too). Tabular inputs: one
    bar per feature on a ``BarsCanvas`` (each bar coloured by value / max |value|), so a step
    is one message with one float32 buffer. The table under the chart keeps the exact values.
    """

    def __init__(self, state: ExplorerState, **kwargs: object) -> None:
        self.state = state
        self.colors: bq.ColorScale | None = None
        chart: W.Widget
        if len(state.input_shape) == 2:
            self.colors = bq.ColorScale(scheme=SCHEME, mid=0.0, min=-1.0, max=1.0)
            self.mark, axes = self._heatmap()
            self.canvas = None
            chart = self.figure = bq.Figure(
                marks=[self.mark],
                axes=axes,
                fig_margin={"top": 40, "bottom": 30, "left": 40, "right": 10},
                layout={"width": "340px", "height": "300px"},
            )
        else:
            n = math.prod(state.input_shape)
            self.mark = self.figure = None
            chart = self.canvas = BarsCanvas(
                [self._title()],
                [n],
                diverging=True,
                item_label="feature",
                x_label="feature",
                counts=False,  # the title is the method and class
                panel_width=620 if n > 12 else 340,
                panel_height=300,
            )
        self.readout = W.HTML()
        self._owned = [chart, self.readout]
        self._redraw(None)
        self._watch(self._redraw, "version")
        super().__init__([chart, self.readout], **kwargs)
        self.add_class("nnw-attribution")

    def _title(self) -> str:
        s = self.state
        return f"{s.method} · class {s.class_names[s.explained]}"

    def _heatmap(self) -> tuple[bq.Mark, list[bq.Axis]]:
        rows, cols = self.state.input_shape
        xs = bq.LinearScale(min=-0.5, max=cols - 0.5)
        ys = bq.LinearScale(min=-0.5, max=rows - 0.5, reverse=True)
        mark = bq.HeatMap(
            x=np.arange(cols),
            y=np.arange(rows),
            color=f32(self.state.attribution),
            scales={"x": xs, "y": ys, "color": self.colors},
        )
        axes = [
            bq.Axis(scale=xs, tick_values=np.arange(cols), tick_format="d"),
            bq.Axis(scale=ys, side="left", tick_values=np.arange(rows), tick_format="d"),
        ]
        return mark, axes

    def _redraw(self, _: object) -> None:
        s = self.state
        a = f32(s.attribution)
        if self.canvas is not None:
            with self.canvas.hold_sync():
                self.canvas.groups = [self._title()]
                self.canvas.show([a])
        else:
            limit = float(np.abs(a).max()) or 1.0  # a constant model gives all zeros: no 0/0
            with self.mark.hold_sync():
                self.mark.color = a / np.float32(limit)
            self.figure.title = self._title()
        gap = s.completeness_gap
        gap = (
            ""
            if gap is None
            else (f'<div class="nnw-gap">completeness gap <b>{number(gap)}</b> (0 = exact)</div>')
        )
        names = s.dataset.feature_names
        self.readout.value = gap + values_table(names, a, f"nnw-explained-{s.explained}", s.version)
