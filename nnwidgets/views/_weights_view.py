"""A layer's weights: the matrix (or its conv kernels) as a heat map, a histogram, statistics."""

from __future__ import annotations

import html

import bqplot as bq
import ipywidgets as W
import numpy as np

from ..state import ExplorerState
from ._base import StateView
from ._convert import f32, number
from ._feature_maps import MatrixPlot, tile

SCHEME = "RdBu"  # red negative, blue positive, white at zero

DENSE_AXES = ("unit (output)", "input")
CONV_AXES = ("output channel (kw columns each)", "input channel (kh rows each)")


def as_matrix(w: np.ndarray) -> tuple[np.ndarray, tuple[int, ...] | None, tuple[str, str]]:
    """A weight array as the 2-D array drawn, its tiling and the axis labels.

    Dense ``(fan_in, features)`` is drawn as it is; Conv2D ``(kh, kw, c_in, c_out)`` as a
    grid of kernels: input channel ``i`` and output channel ``o`` at block ``(i, o)``
    (``tile``), i.e. rows ``i*kh:(i+1)*kh``, columns ``o*kw:(o+1)*kw`` hold ``w[:, :, i, o]``.
    """
    w = f32(w)
    if w.ndim == 4:
        return tile(w), w.shape, CONV_AXES
    return w.reshape(w.shape[0], -1), None, DENSE_AXES


def weight_layers(state: ExplorerState) -> dict[str, int]:
    """Layer name -> index into ``state.params`` for the layers with parameters, in order."""
    with_params = [i for i, p in enumerate(state.params) if p]
    return dict(zip(state.model.layer_names, with_params))


class WeightsView(StateView, W.VBox):
    """One layer's ``params[i]["w"]`` and its ``state.weight_summary`` (picked in a Dropdown).

    The colour scale is symmetric around zero, ±max(|min|, |max|) of the summary. Weights do
    not depend on the input: this view redraws when the layer or the summary changes only.

    Args:
        state: the Explorer's state (a Sequential model with trained ``params``).
        layer: the layer shown first (default: the first layer with parameters).
    """

    def __init__(self, state: ExplorerState, layer: str | None = None, **kwargs: object) -> None:
        self.state = state
        state.prepare("weights")  # computed when a view first needs it
        self.index = weight_layers(state) if state.weight_summary else {}
        if not self.index:
            note = W.HTML('<div class="nnw-note">weights need a Sequential model</div>')
            self._owned = [note]
            super().__init__([note], **kwargs)
            self.add_class("nnw-weights")
            return
        names = list(self.index)
        if layer is not None and layer not in names:
            raise ValueError(f"layer: expected one of {names}, got {layer!r}")
        self.layer = W.Dropdown(options=names, value=layer or names[0], description="layer")
        self.colors = bq.ColorScale(scheme=SCHEME, mid=0.0)
        first = state.params[self.index[self.layer.value]]["w"]
        self.matrix = MatrixPlot(
            self.colors, as_matrix(first)[0], layout={"width": "380px", "height": "320px"}
        )
        xs, ys = bq.LinearScale(), bq.LinearScale(min=0.0)
        self.hist = bq.Bars(
            x=f32([0.0]), y=f32([0.0]), scales={"x": xs, "y": ys}, align="right", padding=0.05
        )
        self.hist.colors = ["#6baed6"]
        self.hist_figure = bq.Figure(
            marks=[self.hist],
            title="histogram",
            axes=[
                bq.Axis(scale=xs, tick_format=".2g", num_ticks=5),
                bq.Axis(scale=ys, side="left", tick_format="d", label="count"),
            ],
            fig_margin={"top": 30, "bottom": 30, "left": 45, "right": 10},
            layout={"width": "300px", "height": "220px"},
        )
        self.stats = W.HTML()
        self._owned = [self.layer, self.matrix.figure, self.hist_figure, self.stats]
        self.layer.observe(self._redraw, names="value")
        self._watch(self._redraw, "weight_summary")
        self._redraw(None)
        right = W.VBox([self.hist_figure, self.stats])
        super().__init__([self.layer, W.HBox([self.matrix.figure, right])], **kwargs)
        self.add_class("nnw-weights")

    def _redraw(self, _: object) -> None:
        name = self.layer.value
        s = self.state.weight_summary[name]
        w = self.state.params[self.index[name]]["w"]
        limit = max(abs(float(s.min)), abs(float(s.max))) or 1.0  # all-zero weights: no 0/0
        with self.colors.hold_sync():
            self.colors.min, self.colors.max = -limit, limit
        self.matrix.show(*as_matrix(w))
        self.matrix.figure.title = f"{name}.w {tuple(np.shape(w))}{self.matrix.note}"
        with self.hist.hold_sync():  # one bar per bin, from its left edge
            self.hist.x, self.hist.y = f32(s.edges)[:-1], f32(s.counts)
        cells = "".join(
            f'<span data-stat="{k}">{k} <b class="nnw-v">{number(v)}</b></span> '
            for k, v in zip(("mean", "variance", "min", "max"), (s.mean, s.var, s.min, s.max))
        )
        self.stats.value = (
            f'<div class="nnw-weight-stats" data-layer="{html.escape(name)}">'
            f"{html.escape(name)}.w ({np.size(w)} values): {cells}</div>"
        )
