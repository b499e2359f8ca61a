"""Digit painter: paint or erase pixels, clear, or load a sample from the data set."""

from __future__ import annotations

import ipywidgets as W
import numpy as np
import traitlets as t

from ..state import ExplorerState
from ._base import StateView
from ._convert import f32
from ._paint_canvas import PaintCanvas


class DigitPainter(StateView, W.VBox):
    """Paints ``state.x`` for image models; every stroke assigns a new input to the state."""

    def __init__(self, state: ExplorerState, **kwargs: object) -> None:
        self.state = state
        rows, cols = state.input_shape
        self.canvas = PaintCanvas(
            rows=rows,
            cols=cols,
            cell_px=max(2, min(28, 288 // max(rows, cols))),  # at most ~288 px across
            value=_wire(state.x),
        )
        self.brush = W.ToggleButtons(
            options=[("paint", 1.0), ("erase", 0.0)], value=1.0, style={"button_width": "60px"}
        )
        t.link((self.brush, "value"), (self.canvas, "brush"))
        self.clear = W.Button(description="clear", layout={"width": "60px"})
        n = len(state.dataset.X_test)
        self.sample = W.BoundedIntText(
            0,
            min=0,
            max=n - 1,
            description="sample",
            layout={"width": "140px"},
            style={"description_width": "50px"},
        )
        self.load = W.Button(description="load", layout={"width": "60px"})
        self.label = W.HTML()
        self._syncing = False
        self._owned = [self.canvas, self.brush, self.clear, self.sample, self.load, self.label]
        self.canvas.observe(self._painted, names="value")
        self.clear.on_click(lambda _: setattr(state, "x", np.zeros(state.input_shape)))
        self.load.on_click(self._load_sample)
        self._watch(self._redraw, "version")
        super().__init__(
            [
                self.canvas,
                W.HBox([self.brush, self.clear]),
                W.HBox([self.sample, self.load, self.label]),
            ],
            **kwargs,
        )
        self.add_class("nnw-digit-painter")

    def _painted(self, change: t.Bunch) -> None:
        if self._syncing:  # our own redraw, not the user's stroke
            return
        self.state.x = self.canvas.array()

    def _load_sample(self, _: object) -> None:
        ds = self.state.dataset
        with self.state.batch():  # the sample and its true label: one recompute
            self.state.x = ds.X_test[self.sample.value]
            self.state.label = int(ds.y_test[self.sample.value])
        self.label.value = f"true label: <b>{ds.class_names[ds.y_test[self.sample.value]]}</b>"

    def _redraw(self, _: object) -> None:
        x = _wire(self.state.x)
        if x != self.canvas.value:  # not the stroke the browser just sent
            self._syncing = True
            try:
                self.canvas.value = x
            finally:
                self._syncing = False


def _wire(x: object) -> bytes:
    """An input as the canvas's float32 bytes (row-major, little-endian)."""
    return f32(x).astype("<f4", copy=False).tobytes()
