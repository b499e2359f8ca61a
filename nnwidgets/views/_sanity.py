"""The randomisation sanity check: a button, a progress bar and the rank-correlation curve."""

from __future__ import annotations

import bqplot as bq
import ipywidgets as W
import numpy as np

from ..state import ExplorerState
from ._base import StateView
from ._values_table import ValuesTable


class SanityCheckView(StateView, W.VBox):
    """Run ``state.sanity_check()`` on click and plot ``state.sanity``.

    A method that explains the model (not just the input) loses rank correlation with its
    original map as more layers, top first, get random weights (Adebayo et al. 2018).
    """

    def __init__(self, state: ExplorerState, **kwargs: object) -> None:
        self.state = state
        self.button = W.Button(
            description="sanity check",
            icon="random",
            tooltip="randomise the layers top-down and compare the maps",
        )
        self.progress = W.IntProgress(  # layers randomised so far
            value=0, min=0, max=1, description="layers", layout={"width": "220px"}
        )
        self.button.on_click(self._run)
        xs, ys = bq.OrdinalScale(), bq.LinearScale(min=-1.0, max=1.0)
        self.line = bq.Lines(
            x=[], y=[], scales={"x": xs, "y": ys}, marker="circle", colors=["#d6604d"]
        )
        self.figure = bq.Figure(
            marks=[self.line],
            title="correlation with the trained map",
            axes=[
                bq.Axis(scale=xs, label="randomised down to"),
                bq.Axis(scale=ys, side="left", tick_format=".1f", label="Spearman ρ"),
            ],
            fig_margin={"top": 40, "bottom": 40, "left": 60, "right": 10},  # room for "ρ"
            layout={"width": "395px", "height": "230px"},
        )
        self.readout = ValuesTable()  # ρ per layer, exact (shown once there is a result)
        self._owned = [self.button, self.progress, self.figure, self.readout]
        self._watch(self._redraw, "sanity")
        super().__init__(
            [W.HBox([self.button, self.progress]), self.figure, self.readout], **kwargs
        )
        self.add_class("nnw-sanity-check")

    def _run(self, _: object) -> None:
        self.button.disabled = True
        self.progress.value = 0
        try:
            self.state.sanity_check(progress=self._step)
        finally:
            self.button.disabled = False

    def _step(self, done: int, total: int) -> None:
        self.progress.max, self.progress.value = total, done

    def _redraw(self, _: object) -> None:
        names = [name for name, _ in self.state.sanity]
        rho = np.array([r for _, r in self.state.sanity], np.float32)
        with self.line.hold_sync():
            self.line.x, self.line.y = names, rho
        with self.readout.hold_sync():
            self.readout.show(rho, names)
            self.readout.table_class = "nnw-sanity-values" if names else ""
