"""Grey image painter: paint or erase pixels with a brush, clear, or load an example."""

from __future__ import annotations

import ipywidgets as W
import numpy as np
import traitlets as t

from ..state import ExplorerState
from ._base import StateView
from ._convert import IMAGE_BOX, data_range, f32, fit_cell
from ._image_view import ExamplePicker
from ._paint_canvas import PaintCanvas


class DigitPainter(StateView, W.VBox):
    """Paints ``state.x`` of an ``(H, W)`` or ``(H, W, 1)`` input; each stroke assigns it.

    The canvas fits a ``box`` px square (``floor(box / max(H, W))`` px a cell, at least 1)
    and draws the data set's range from white (smallest value) to black (largest). The brush
    paints the largest value or erases to the smallest; its size is in cells. ``picker``
    loads an example of the data set (``sample``, ``load`` and ``label`` are its parts).
    """

    def __init__(self, state: ExplorerState, box: int = IMAGE_BOX, **kwargs: object) -> None:
        self.state = state
        rows, cols = state.input_shape[:2]
        low, high = data_range(state.dataset.X_train, state.dataset.X_test)
        self.canvas = PaintCanvas(
            rows=rows,
            cols=cols,
            cell_px=fit_cell(rows, cols, box),
            low=low,
            high=high,
            brush=high,
            value=_wire(state.x),
        )
        self.brush = W.ToggleButtons(
            options=[("paint", high), ("erase", low)], value=high, style={"button_width": "66px"}
        )
        t.link((self.brush, "value"), (self.canvas, "brush"))
        side = max(rows, cols)
        self.brush_size = W.IntSlider(
            max(1, side // 14),  # 8x8: one cell, 28x28: two, 224x224: sixteen
            min=1,
            max=max(2, side // 4),
            description="brush",
            layout={"width": "260px"},
            style={"description_width": "56px"},
        )
        t.link((self.brush_size, "value"), (self.canvas, "brush_size"))
        self.clear = W.Button(description="clear", layout={"width": "66px"})
        self.picker = ExamplePicker(state)
        self.sample, self.load, self.label = self.picker.index, self.picker.load, self.picker.label
        self._syncing = False
        # the controls no wider than a small canvas: the painter and the probabilities still
        # fit side by side on a 700 px page
        tools = W.HBox([self.brush, self.clear])
        self._owned = [self.canvas, self.brush, self.brush_size, self.clear, self.picker, tools]
        self.canvas.observe(self._painted, names="value")
        self.clear.on_click(lambda _: setattr(state, "x", np.full(state.input_shape, low)))
        self._watch(self._redraw, "version")
        super().__init__([self.canvas, tools, self.brush_size, self.picker], **kwargs)
        self.add_class("nnw-digit-painter")

    def _painted(self, change: t.Bunch) -> None:
        if self._syncing:  # our own redraw, not the user's stroke
            return
        self.state.x = self.canvas.array().reshape(self.state.input_shape)

    def _redraw(self, _: object) -> None:
        x = _wire(self.state.x)
        if x != self.canvas.value:  # not the stroke the browser just sent
            self._syncing = True
            try:
                self.canvas.value = x
            finally:
                self._syncing = False


def _wire(x: object) -> bytes:
    """An input as the canvas's float32 bytes (row-major, little-endian; a channel of 1 too)."""
    return f32(x).astype("<f4", copy=False).tobytes()
