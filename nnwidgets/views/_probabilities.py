"""Class probabilities as bars, the predicted class highlighted, exact values below."""

from __future__ import annotations

import ipywidgets as W

from ..state import ExplorerState
from ._bars_canvas import BarsCanvas
from ._base import StateView


class ProbabilityView(StateView, W.VBox):
    """Bars of ``state.probs`` over ``state.class_names`` on a fixed [0, 1] axis.

    A ``BarsCanvas``: a step sends the probabilities as a float32 buffer and the predicted
    class, drawn in orange; the page builds the table of exact values under the chart from
    the same buffer.
    """

    def __init__(self, state: ExplorerState, **kwargs: object) -> None:
        self.state = state
        names = [str(n) for n in state.class_names]
        self.canvas = BarsCanvas(
            ["class probabilities"],
            [len(names)],
            domain=[0.0, 1.0],
            labels=names,
            x_label="class",
            counts=False,
            item_label="class",
            color="#9ecae1",
            highlight_color="#e6550d",
            panel_width=max(340, 34 * len(names) + 46),
            panel_height=230,
        )
        self._owned = [self.canvas]
        self._redraw(None)
        self._watch(self._redraw, "version")
        super().__init__([self.canvas], **kwargs)
        self.add_class("nnw-probabilities")

    def _redraw(self, _: object) -> None:
        s = self.state
        with self.canvas.hold_sync():  # one update: values, highlight, the table's class
            self.canvas.highlight = int(s.predicted)
            self.canvas.show([s.probs])
            self.canvas.table_class = f"nnw-predicted-{s.predicted}"
            self.canvas.table_version = s.version
