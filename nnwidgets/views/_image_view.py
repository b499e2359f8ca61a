"""Colour image inputs: the image drawn on a canvas, and a picker of the data set's examples."""

from __future__ import annotations

from typing import Any

import anywidget
import ipywidgets as W
import numpy as np
import traitlets as t

from ..state import ExplorerState
from ._base import IndexSlider, StateView
from ._convert import IMAGE_BOX, channels_of, data_range, fit_cell, unit8
from ._js import esm

_ESM = esm("image")


class ImageCanvas(anywidget.AnyWidget):
    """A ``rows`` x ``cols`` RGB picture, each pixel a ``cell_px`` square (no smoothing).

    ``pixels`` holds the colours as uint8 bytes, ``(rows, cols, 3)`` row-major; ``show``
    sets them from an array.
    """

    _esm = _ESM
    rows = t.Int(8, help="Image rows.").tag(sync=True)
    cols = t.Int(8, help="Image columns.").tag(sync=True)
    cell_px = t.Int(8, help="Side of a pixel on screen (>= 1).").tag(sync=True)
    pixels = t.Bytes(b"", help="uint8 RGB bytes, (rows, cols, 3) row-major.").tag(sync=True)

    def show(self, rgb: Any) -> None:
        """Draw ``rgb``: uint8 of shape ``(rows, cols, 3)``."""
        v = np.asarray(rgb)
        if v.shape != (self.rows, self.cols, 3) or v.dtype != np.uint8:
            raise ValueError(
                f"rgb: expected uint8 of shape {(self.rows, self.cols, 3)}, "
                f"received {v.dtype} {tuple(v.shape)}"
            )
        self.pixels = v.tobytes()


class ExamplePicker(W.VBox):
    """Loads ``state.dataset.X_test[i]`` (and its label) into the state as the slider moves.

    ``index`` picks the example (on release), ``load`` loads it again after an edit, and
    ``label`` names the picked example's true class.
    """

    def __init__(self, state: ExplorerState, **kwargs: Any) -> None:
        self.state = state
        n = len(state.dataset.X_test)
        self.index = IndexSlider(
            0,
            min=0,
            max=max(0, n - 1),
            description="example",
            continuous_update=False,  # one recompute per pick, not one per example passed
            disabled=n < 2,
            layout={"width": "260px"},
            style={"description_width": "56px"},
        )
        self.load = W.Button(
            description="load", tooltip="load this example again", layout={"width": "66px"}
        )
        self.label = W.HTML()
        self.index.observe(self._pick, names="value")
        self.load.on_click(self._pick)
        self._say()
        row = W.HBox([self.load, self.label], layout={"align_items": "center"})
        super().__init__([self.index, row], **kwargs)
        self.add_class("nnw-example-picker")

    def close(self) -> None:
        """Close the picker and the widgets inside it."""
        for w in (self.index, self.load, self.label, *self.children):
            w.close()
        super().close()

    def _pick(self, _: object) -> None:
        ds, i = self.state.dataset, self.index.value
        y = int(ds.y_test[i])
        with self.state.publishing():  # the step and the label it names: one message
            with self.state.batch():  # the example and its true label: one recompute
                self.state.x = ds.X_test[i]
                if 0 <= y < len(ds.class_names):
                    self.state.label = y
            self._say()

    def _say(self) -> None:
        ds, i = self.state.dataset, self.index.value
        names, y = ds.class_names, int(ds.y_test[i])
        name = names[y] if 0 <= y < len(names) else y
        self.label.value = (
            f'<span class="nnw-example-label" data-index="{i}" data-count="{len(ds.X_test)}">'
            f"true label: <b>{name}</b></span>"
        )


class ImageView(StateView, W.VBox):
    """Shows ``state.x`` of an ``(H, W, C)`` input as a picture, with an example picker.

    Colours are the values scaled from the data set's range to 0..255 (RGB for C >= 3, the
    first three channels; grey from the channel mean for C = 2). The picture fits a ``box``
    px square: each pixel ``floor(box / max(H, W))`` screen pixels (at least 1).
    """

    def __init__(self, state: ExplorerState, box: int = IMAGE_BOX, **kwargs: Any) -> None:
        self.state = state
        rows, cols, channels = state.input_shape
        ds = state.dataset
        self.low, self.high = data_range(ds.X_train, ds.X_test)
        self.canvas = ImageCanvas(rows=rows, cols=cols, cell_px=fit_cell(rows, cols, box))
        self.picker = ExamplePicker(state)
        kind = "RGB" if channels >= 3 else f"grey (mean of {channels} channels)"
        extra = f", channels 0–2 of {channels}" if channels > 3 else ""
        self.note = W.HTML(
            f'<span class="nnw-note">{rows}×{cols} {kind}{extra}; '
            f"{self.low:.3g}–{self.high:.3g} drawn as 0–255</span>",
            layout={"max_width": f"{max(260, rows * self.canvas.cell_px)}px"},  # wraps
        )
        self._shown: Any = None
        self._owned = [self.canvas, self.picker, self.note]
        self._redraw(None)
        self._watch(self._redraw, "version")
        super().__init__([self.canvas, self.picker, self.note], **kwargs)
        self.add_class("nnw-image-view")

    def _redraw(self, _: object) -> None:
        if self.state.x is not self._shown:  # a new input (not only a new method or class)
            self._shown = self.state.x
            self.canvas.show(unit8(channels_of(self.state.x), self.low, self.high))
