"""Feature importance: bars per feature (tabular) or a heat map (images), diverging at 0."""

from __future__ import annotations

import bqplot as bq
import ipywidgets as W
import numpy as np

from ..state import ExplorerState
from ._base import StateView, steady_scale
from ._convert import f32, number, values_table

SCHEME = "RdBu"  # red negative, blue positive, white at zero


class AttributionView(StateView, W.VBox):
    """Draws ``state.attribution`` with a colour scale symmetric around zero.

    The colours are the map divided by its largest magnitude on a fixed [-1, 1] scale, so a
    step sends the mark only (not the scale too); the bars and the table keep the values.
    """

    def __init__(self, state: ExplorerState, **kwargs: object) -> None:
        self.state = state
        self.colors = bq.ColorScale(scheme=SCHEME, mid=0.0, min=-1.0, max=1.0)
        if len(state.input_shape) == 2:
            self.mark, axes = self._heatmap()
        else:
            self.mark, axes = self._bars()
        wide = len(state.input_shape) == 1 and state.input_shape[0] > 12
        self.figure = bq.Figure(
            marks=[self.mark],
            axes=axes,
            fig_margin={"top": 40, "bottom": 30, "left": 40, "right": 10},
            layout={"width": "620px" if wide else "340px", "height": "300px"},
        )
        self.readout = W.HTML()
        self._owned = [self.figure, self.readout]
        self._redraw(None)
        self._watch(self._redraw, "version")
        super().__init__([self.figure, self.readout], **kwargs)
        self.add_class("nnw-attribution")

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

    def _bars(self) -> tuple[bq.Mark, list[bq.Axis]]:
        xs, ys = bq.OrdinalScale(), steady_scale()
        names = [f"{i}" for i in range(len(self.state.dataset.feature_names))]
        mark = bq.Bars(
            x=names,
            y=f32(self.state.attribution),
            color=f32(self.state.attribution),
            scales={"x": xs, "y": ys, "color": self.colors},
            padding=0.1,
            tooltip=bq.Tooltip(fields=["x", "y"], formats=["", ".4g"]),
        )
        return mark, [
            bq.Axis(scale=xs, label="feature"),
            bq.Axis(scale=ys, side="left", tick_format=".2g"),
        ]

    def _redraw(self, _: object) -> None:
        s = self.state
        a = f32(s.attribution)
        limit = float(np.abs(a).max()) or 1.0  # a constant model gives all zeros: no 0/0
        with self.mark.hold_sync():
            if isinstance(self.mark, bq.Bars):
                self.mark.y = a
            self.mark.color = a / np.float32(limit)
        self.figure.title = f"{s.method} · class {s.class_names[s.explained]}"
        gap = s.completeness_gap
        gap = (
            ""
            if gap is None
            else (f'<div class="nnw-gap">completeness gap <b>{number(gap)}</b> (0 = exact)</div>')
        )
        names = s.dataset.feature_names
        self.readout.value = gap + values_table(names, a, f"nnw-explained-{s.explained}", s.version)
