"""Class probabilities as bars, the predicted class highlighted, exact values below."""

from __future__ import annotations

import bqplot as bq
import ipywidgets as W
import numpy as np

from ..state import ExplorerState
from ._base import StateView
from ._convert import f32, values_table


class ProbabilityView(StateView, W.VBox):
    """Bars of ``state.probs`` over ``state.class_names``."""

    def __init__(self, state: ExplorerState, **kwargs: object) -> None:
        self.state = state
        names = list(state.class_names)
        xs = bq.OrdinalScale()
        ys = bq.LinearScale(min=0.0, max=1.0)
        cs = bq.ColorScale(colors=["#9ecae1", "#e6550d"], min=0.0, max=1.0)
        self.bars = bq.Bars(
            x=names,
            y=f32(state.probs),
            color=self._highlight(),
            scales={"x": xs, "y": ys, "color": cs},
            padding=0.15,
        )
        self.figure = bq.Figure(
            marks=[self.bars],
            title="class probabilities",
            axes=[bq.Axis(scale=xs), bq.Axis(scale=ys, side="left", tick_format=".1f")],
            fig_margin={"top": 40, "bottom": 30, "left": 40, "right": 10},
            layout={"width": "340px", "height": "230px"},
        )
        self.readout = W.HTML(self._table())
        self._owned = [self.figure, self.readout]
        self._watch(self._redraw, "version")
        super().__init__([self.figure, self.readout], **kwargs)
        self.add_class("nnw-probabilities")

    def _highlight(self) -> np.ndarray:
        return f32(np.arange(len(self.state.class_names)) == self.state.predicted)

    def _table(self) -> str:
        s = self.state
        return values_table(s.class_names, s.probs, f"nnw-predicted-{s.predicted}", s.version)

    def _redraw(self, _: object) -> None:
        with self.bars.hold_sync():
            self.bars.y = f32(self.state.probs)
            self.bars.color = self._highlight()
        self.readout.value = self._table()
