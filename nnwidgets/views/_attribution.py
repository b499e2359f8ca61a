"""Feature importance: bars per feature (tabular) or a heat map (images), diverging at 0."""

from __future__ import annotations

import math

import ipywidgets as W

from ..state import ExplorerState
from ._bars_canvas import BarsCanvas
from ._base import StateView
from ._convert import f32, image_table, number, values_table
from ._heat_canvas import HeatCanvas

#: Images with a longer side are drawn as block means, at most this many cells a side.
HEAT_SIDE = 32


class AttributionView(StateView, W.VBox):
    """Draws ``state.attribution``, coloured symmetrically around zero (red < 0 < blue).

    Images: a ``HeatCanvas``, each cell coloured by value / max |value|. Tabular inputs: one
    bar per feature on a ``BarsCanvas`` (each bar coloured the same way). Either way a step
    is one message with one float32 buffer and the table of exact values under the chart.
    Large images are shown smaller, as block means: at most ``HEAT_SIDE`` cells a side in
    the map and a 16 x 16 grid in the table (``image_table``), each saying so.
    """

    def __init__(self, state: ExplorerState, **kwargs: object) -> None:
        self.state = state
        self.canvas: BarsCanvas | HeatCanvas
        if len(state.input_shape) == 2:
            rows, cols = state.input_shape
            block = -(-max(rows, cols) // HEAT_SIDE)  # pixels per drawn cell (block_mean)
            side = -(-max(rows, cols) // block)  # drawn cells along the longer side
            self.canvas = HeatCanvas(
                rows=rows, cols=cols, max_side=HEAT_SIDE, cell_px=max(4, min(32, 256 // side))
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
        names, css = s.dataset.feature_names, f"nnw-explained-{s.explained}"
        table = (image_table if a.ndim == 2 else values_table)(names, a, css, s.version)
        with self.canvas.hold_sync():  # one message: values, title, gap and exact values
            if isinstance(self.canvas, HeatCanvas):
                self.canvas.title = self._title()
                self.canvas.show(a)
                b = self.canvas.block
                if b > 1:  # the map says it is smaller too
                    rows, cols = a.shape
                    gap += (
                        f'<div class="nnw-note nnw-downsampled-map" data-block="{b}">map: a '
                        f"{-(-rows // b)}×{-(-cols // b)} average of {rows}×{cols} "
                        f"({b}×{b} pixel blocks)</div>"
                    )
            else:
                self.canvas.groups = [self._title()]
                self.canvas.show([a])
            self.canvas.caption = gap + table
