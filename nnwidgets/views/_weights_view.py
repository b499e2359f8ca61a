"""A layer's weights: the matrix (or its conv kernels) as a heat map, a histogram, statistics."""

from __future__ import annotations

import html

import bqplot as bq
import ipywidgets as W
import numpy as np

from ..models import parameter_arrays
from ..state import ExplorerState
from ._base import StateView
from ._convert import axis_ticks, f32, integer_ticks, number, tick_format
from ._feature_maps import tile
from ._matrix_canvas import MatrixCanvas

DENSE_AXES = ("unit (output)", "input")
CONV_AXES = ("output channel (kw columns each)", "input channel (kh rows each)")


def as_matrix(
    w: np.ndarray, channels_first: bool = False
) -> tuple[np.ndarray, tuple[int, ...] | None, tuple[str, str]]:
    """A weight array as the 2-D array drawn, its tiling and the axis labels.

    Dense ``(fan_in, features)`` is drawn as it is; Conv2D ``(kh, kw, c_in, c_out)`` as a
    grid of kernels: input channel ``i`` and output channel ``o`` at block ``(i, o)``
    (``tile``), i.e. rows ``i*kh:(i+1)*kh``, columns ``o*kw:(o+1)*kw`` hold ``w[:, :, i, o]``.
    With ``channels_first`` (Equinox, PyTorch's layout) a matrix is ``(features, fan_in)`` and
    a kernel ``(c_out, c_in, kh, kw)``: both are drawn the same way as above. A vector (a
    bias) is one column; other ranks are flattened to one.
    """
    w = f32(w)
    if w.ndim == 4:
        w = np.transpose(w, (2, 3, 1, 0)) if channels_first else w
        return tile(w), w.shape, CONV_AXES
    if w.ndim == 2:
        return (w.T if channels_first else w), None, DENSE_AXES
    return w.reshape(-1, 1), None, ("", "value")


def shown_as_matrix(w: np.ndarray) -> bool:
    """Matrices and conv kernels get a heat map; the rest (biases, scales) a histogram only."""
    return np.ndim(w) in (2, 4)


def channels_first(state: object) -> bool:
    """The model stores weights as ``(out, in)`` / ``(out, in, kh, kw)`` (Equinox)."""
    return getattr(getattr(state, "model", None), "kind", "") == "equinox"


def weight_arrays(state: ExplorerState, tree: object = None) -> dict[str, np.ndarray]:
    """``"module path.name"`` -> array of ``state.params`` (or of ``tree``, e.g. gradients)."""
    return parameter_arrays(state.model, state.params if tree is None else tree)


class WeightsView(StateView, W.VBox):
    """Every parameter array by module path (picked in a Dropdown) and its statistics.

    Matrices and conv kernels are drawn as a heat map (kernels as a grid), every array gets
    a histogram with mean / variance / min / max (``state.weight_summary``). The colour scale
    is symmetric around zero, ±max(|min|, |max|), shown by a colour bar under the map. Axes
    print short labels at any magnitude ("−1µ 0 1µ", ``axis_ticks``). Weights do not depend
    on the input: this view redraws when the array picked or the summary changes only.

    Args:
        state: the Explorer's (or Playground's) state.
        layer: the array shown first (``"dense_1.w"``, ``"layers.0.weight"``; a layer's name
            picks its first matrix); default: the first matrix.
    """

    def __init__(self, state: ExplorerState, layer: str | None = None, **kwargs: object) -> None:
        self.state = state
        state.prepare("weights")  # computed when a view first needs it
        names = self._names()
        if not names:
            note = W.HTML(
                '<div class="nnw-note">no weights to show: the model has no float parameters</div>'
            )
            self._owned = [note]
            super().__init__([note], **kwargs)
            self.add_class("nnw-weights")
            return
        arrays = weight_arrays(state)
        matrices = [n for n in names if shown_as_matrix(arrays[n])] or names
        if layer is not None and layer not in names:
            picked = [n for n in matrices if n.rsplit(".", 1)[0] == layer]
            if not picked:
                raise ValueError(f"layer: expected one of {names}, got {layer!r}")
            layer = picked[0]
        self.layer = W.Dropdown(options=names, value=layer or matrices[0], description="array")
        self.matrix = MatrixCanvas(
            scheme="diverging", color_label="weight", table_class="nnw-weight-values"
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
                bq.Axis(scale=xs),  # ticks and formats: _redraw, from the values
                bq.Axis(scale=ys, side="left", label="count"),
            ],
            fig_margin={"top": 30, "bottom": 30, "left": 45, "right": 10},
            layout={"width": "300px", "height": "220px"},
        )
        self.stats = W.HTML()
        self._owned = [self.layer, self.matrix, self.hist_figure, self.stats]
        self.layer.observe(self._redraw, names="value")
        self._watch(self._new_summary, "weight_summary")
        self._redraw(None)
        right = W.VBox([self.hist_figure, self.stats])
        body = W.HBox([self.matrix, right], layout={"flex_flow": "row wrap"})
        super().__init__([self.layer, body], **kwargs)
        self.add_class("nnw-weights")

    def _names(self) -> list[str]:
        """The current parameters' arrays that have statistics (Playground: matrices only)."""
        summary = self.state.weight_summary
        return [n for n in weight_arrays(self.state) if n in summary]

    def _new_summary(self, change: object) -> None:
        names = self._names()
        if names and list(self.layer.options) != names:  # another network (Playground)
            keep = self.layer.value if self.layer.value in names else names[0]
            with self.layer.hold_trait_notifications():
                self.layer.options, self.layer.value = names, keep
        self._redraw(change)

    def _redraw(self, _: object) -> None:
        name = self.layer.value
        s = self.state.weight_summary.get(name)
        if s is None:  # statistics of this array not computed yet: they come with the next
            return
        w = weight_arrays(self.state)[name]
        limit = max(abs(float(s.min)), abs(float(s.max))) or 1.0  # all-zero weights: no 0/0
        matrix = shown_as_matrix(w)
        self.matrix.layout.display = None if matrix else "none"
        if matrix:
            with self.matrix.hold_sync():
                self.matrix.color_range(-limit, limit)
                self.matrix.show(*as_matrix(w, channels_first(self.state)))
                self.matrix.title = f"{name} {tuple(np.shape(w))}{self.matrix.note}"
        with self.hist.hold_sync():  # one bar per bin, from its left edge
            self.hist.x, self.hist.y = f32(s.edges)[:-1], f32(s.counts)
        x_axis, y_axis = self.hist_figure.axes  # ticks inside the bars' range [first, last]
        with x_axis.hold_sync():
            x_axis.tick_values, x_axis.tick_format = axis_ticks(s.edges[0], s.edges[-2])
        # whole counts on the count axis (auto ticks of a small maximum print "0 0 1 1")
        counts = integer_ticks(int(np.max(s.counts)) + 1)
        step = float(counts[1] - counts[0]) if len(counts) > 1 else 1.0
        with y_axis.hold_sync():
            y_axis.tick_values, y_axis.tick_format = counts, tick_format(0, counts[-1], step=step)
        self.hist_figure.title = f"histogram of {name}"
        cells = "".join(
            f'<span data-stat="{k}">{k} <b class="nnw-v">{number(v)}</b></span> '
            for k, v in zip(("mean", "variance", "min", "max"), (s.mean, s.var, s.min, s.max))
        )
        self.stats.value = (
            f'<div class="nnw-weight-stats" data-layer="{html.escape(name)}">'
            f"{html.escape(name)} {tuple(np.shape(w))} ({np.size(w)} values): {cells}</div>"
        )
