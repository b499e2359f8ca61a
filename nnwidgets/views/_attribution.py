"""Feature importance: bars per feature (tabular) or a heat map (images), diverging at 0."""

from __future__ import annotations

import math

import ipywidgets as W

from ..state import ExplorerState
from ._bars_canvas import BarsCanvas
from ._base import StateView, set_changed
from ._controls import LABELS
from ._convert import (
    IMAGE_BOX,
    block_mean,
    data_range,
    f32,
    fit_cell,
    grey_of,
    image_map,
    number,
    unit8,
)
from ._heat_canvas import HeatCanvas

#: Images with a longer side are drawn as block means, at most this many cells a side.
HEAT_SIDE = 32


def attribution_title(s: ExplorerState) -> str:
    """The method as the menu names it, and what it explains (a class or a neuron)."""
    if s.method == "neuron_gradient":
        layer = s.layer or s.model.layer_names[0]
        return f"{LABELS[s.method]} · {layer}[{s.neuron}]"
    return f"{LABELS[s.method]} · class {s.class_names[s.explained]}"


def gap_html(gap: float | None) -> str:
    """The completeness gap as a line of HTML ('' for a method without one)."""
    if gap is None:
        return ""
    return f'<div class="nnw-gap">completeness gap <b>{number(gap)}</b> (0 = exact)</div>'


class AttributionView(StateView, W.VBox):
    """Draws ``state.attribution``, coloured symmetrically around zero (red < 0 < blue).

    Images ``(H, W)`` or ``(H, W, C)``: a ``HeatCanvas``, each cell coloured by value / max
    |value| (``(H, W, C)``: summed over the channels), fitted to a ``box`` px square like the
    input, with a colour scale; ``mode`` switches between the map and the map as a tint over
    the input in grey. Tabular inputs: one bar per feature on a ``BarsCanvas`` (each bar
    coloured the same way). Either way a step is one float32 buffer; the page builds the
    table of exact values under the chart from it. Large images are shown smaller, as block
    means of at most ``HEAT_SIDE`` cells a side (the map says so), and the table lists the
    cells drawn (over 400: the 50 largest |value|).
    """

    def __init__(self, state: ExplorerState, box: int = IMAGE_BOX, **kwargs: object) -> None:
        self.state = state
        self.canvas: BarsCanvas | HeatCanvas
        shape = state.input_shape
        children: list[W.Widget] = []
        if len(shape) in (2, 3):
            rows, cols = shape[:2]
            block = -(-max(rows, cols) // HEAT_SIDE)  # pixels per drawn cell (block_mean)
            side = -(-max(rows, cols) // block)  # drawn cells along the longer side
            names = state.dataset.feature_names  # a name per pixel, when the data set has them
            self.canvas = HeatCanvas(
                rows=rows,
                cols=cols,
                max_side=HEAT_SIDE,
                cell_px=fit_cell(side, side, box),
                cell_names=list(names) if len(names) == rows * cols and block == 1 else [],
            )
            self._box = box
            self._range = data_range(state.dataset.X_train, state.dataset.X_test)
            self._ink = len(shape) == 2 or shape[2] == 1  # as the painter draws it
            self.mode = W.ToggleButtons(
                options=[("map", False), ("on image", True)],
                value=False,
                tooltips=["the attribution alone", "the attribution tinting the input (grey)"],
                style={"button_width": "100px"},
            )
            self.mode.add_class("nnw-attribution-mode")
            self.mode.observe(self._redraw, names="value")
            children.append(self.mode)
        else:
            n = math.prod(shape)
            self.canvas = BarsCanvas(
                [self._title()],
                [n],
                diverging=True,
                item_label="feature",
                x_label="feature",
                counts=False,  # the title is the method and class
                panel_width=540 if n > 12 else 340,  # fits a notebook cell on a 700 px page
                panel_height=300,
                labels=list(state.dataset.feature_names),  # the features' names, not 0..n-1
            )
        self._owned = [self.canvas, *children]
        self._redraw(None)
        self._watch(self._redraw, "version")
        super().__init__([*children, self.canvas], **kwargs)
        self.add_class("nnw-attribution")

    def _title(self) -> str:
        return attribution_title(self.state)

    def _redraw(self, _: object) -> None:
        s = self.state
        gap = gap_html(s.completeness_gap)
        css = f"nnw-explained-{s.explained}"  # the page builds the values table (same buffer)
        if not isinstance(self.canvas, HeatCanvas):
            with self.canvas.hold_sync():  # one update: values, title, gap, the table's class
                set_changed(self.canvas, {"groups": [self._title()]})
                self.canvas.show([f32(s.attribution)])
                self.canvas.caption = gap
                self.canvas.table_class, self.canvas.table_version = css, s.version
            return
        a = image_map(s.attribution)
        rows, cols = a.shape
        channels = s.input_shape[2] if len(s.input_shape) == 3 else 1
        if channels > 1:
            gap += (
                f'<div class="nnw-note nnw-channel-sum">map: the sum over {channels} channels</div>'
            )
        with self.canvas.hold_sync():  # one message: values, title, gap and exact values
            self.canvas.title = self._title()
            self.canvas.show(a)
            b = self.canvas.block
            if b > 1:  # the map says it is smaller too
                gap += (
                    f'<div class="nnw-note nnw-downsampled-map" data-block="{b}">map: a '
                    f"{-(-rows // b)}×{-(-cols // b)} average of {rows}×{cols} "
                    f"({b}×{b} pixel blocks)</div>"
                )
            self.canvas.overlay = self.mode.value
            if self.mode.value:  # the input in grey under the tint (sent only while shown)
                grey, _ = block_mean(grey_of(s.x), self._box)
                self.canvas.show_base(unit8(grey, *self._range, ink=self._ink))
            self.canvas.caption = gap
            self.canvas.table_class, self.canvas.table_version = css, s.version
