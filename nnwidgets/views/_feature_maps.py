"""Every channel of every conv layer for the current input, tiled into one heat map per layer.

Also the tiling helpers and ``MatrixPlot`` (one canvas HeatMap of a 2-D array, optionally a
grid of blocks) that the weights and gradients views share. Tiling only rearranges values
for display: no value is computed or changed.
"""

from __future__ import annotations

import bqplot as bq
import ipywidgets as W
import numpy as np

from ..state import ExplorerState
from ._base import StateView
from ._convert import axis_ticks, block_peak, f32, integer_ticks


def tile(blocks: np.ndarray) -> np.ndarray:
    """``(h, w, rows, cols)`` -> ``(rows*h, cols*w)``: block ``(r, c)`` at rows ``r*h:(r+1)*h``.

    Conv kernels ``(kh, kw, c_in, c_out)`` tile as they are (input channels down, output
    channels across); a feature map ``(H, W, C)`` after ``reshape(H, W, rows, cols)``
    (channel ``k`` at grid row ``k // cols``, column ``k % cols``).

    Examples:
        >>> tile(np.arange(8).reshape(2, 2, 1, 2)).tolist()
        [[0, 2, 1, 3], [4, 6, 5, 7]]
    """
    h, w, rows, cols = blocks.shape
    return np.transpose(blocks, (2, 0, 3, 1)).reshape(rows * h, cols * w)


def grid_shape(n: int) -> tuple[int, int]:
    """Rows and columns of a grid holding exactly ``n`` tiles, as square as possible.

    Examples:
        >>> grid_shape(8), grid_shape(16), grid_shape(7)
        ((2, 4), (4, 4), (1, 7))
    """
    rows = max(d for d in range(1, int(np.sqrt(n)) + 1) if n % d == 0)
    return rows, n // rows


def tile_channels(a: np.ndarray) -> np.ndarray:
    """A feature map ``(H, W, C)`` as one 2-D array of its channels (see ``tile``)."""
    h, w, c = a.shape
    return tile(np.reshape(a, (h, w, *grid_shape(c))))


def _padded(m: np.ndarray) -> np.ndarray:
    """``m`` with a NaN row / column added to a single one (bqplot's HeatMap needs 2 x 2).

    The scales keep the true range, so the padding lies outside the plot.
    """
    if m.shape[0] == 1:
        m = np.concatenate([m, np.full((1, m.shape[1]), np.nan, np.float32)])
    if m.shape[1] == 1:
        m = np.concatenate([m, np.full((m.shape[0], 1), np.nan, np.float32)], axis=1)
    return m


#: A matrix with more rows or columns than this is drawn as block peaks (``block_peak``).
MATRIX_SIDE = 256
#: The same for a layer's tiled feature maps.
FEATURE_SIDE = 128
#: Figure margin (px) under the plot that bqplot's horizontal ColorAxis takes (a 20 px bar
#: 44 px above the figure's bottom edge, its tick labels under it).
COLOR_BAR = 48


def _drawn(m: np.ndarray, block: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """HeatMap ``x``, ``y`` (cell centres in the full matrix's indices) and ``color``."""
    p = _padded(m)
    fr, fc = block
    x = np.arange(p.shape[1]) * fc + (fc - 1) / 2
    return f32(x), f32(np.arange(p.shape[0]) * fr + (fr - 1) / 2), p


class MatrixPlot:
    """A 2-D array as one canvas HeatMap: cell ``(i, j)`` at ``x=j, y=i``, row 0 on top.

    ``show(m, tiles=(h, w, rows, cols))`` also draws grey lines between the blocks. Only
    ``color`` is sent when the shape and layout are unchanged (one message per update). A
    matrix with a side above ``max_side`` is drawn as block peaks (``block_peak``), its axes
    still in the full matrix's indices; ``note`` then says so, for the view's title. With
    ``color_label``, a colour bar under the map (``color_axis``, a ``ColorAxis`` of
    ``colors``) is ticked over the colour scale's range: ``color_range`` for a scale with a
    fixed min / max, the values drawn for a data-driven one.
    """

    def __init__(
        self,
        colors: bq.ColorScale,
        matrix: np.ndarray,
        *,
        max_side: int = MATRIX_SIDE,
        color_label: str | None = None,
        **kwargs: object,
    ) -> None:
        self.xs, self.ys = bq.LinearScale(), bq.LinearScale(reverse=True)
        self.max_side = max_side
        m = f32(matrix)
        x, y, p = _drawn(*block_peak(m, max_side))
        self.mark = bq.HeatMap(
            x=x, y=y, color=p, scales={"x": self.xs, "y": self.ys, "color": colors}
        )
        self.grid = bq.Lines(
            x=f32([0, 0]), y=f32([0, 0]), scales={"x": self.xs, "y": self.ys}, visible=False
        )
        self.grid.colors, self.grid.stroke_width = ["#555555"], 1.0
        self.axes = [
            bq.Axis(scale=self.xs, tick_format="d", num_ticks=4),
            bq.Axis(scale=self.ys, side="left", tick_format="d", num_ticks=4),
        ]
        axes = self.axes if kwargs.pop("axes", True) else []
        margin = {"top": 30, "bottom": 40 if axes else 10, "left": 45, "right": 10}
        self.color_axis: bq.ColorAxis | None = None
        if color_label is not None:
            self.color_axis = bq.ColorAxis(scale=colors, label=color_label, side="bottom")
            axes, margin["bottom"] = [*axes, self.color_axis], margin["bottom"] + COLOR_BAR
        self.figure = bq.Figure(
            marks=[self.mark, self.grid], axes=axes, fig_margin=margin, **kwargs
        )
        self._layout: tuple | None = None
        self.block = (1, 1)
        self.show(m)

    @property
    def note(self) -> str:
        """'' or, for a matrix drawn as block peaks, e.g. " · peak |value| of 128×1 blocks"."""
        fr, fc = self.block
        return "" if self.block == (1, 1) else f" · peak |value| of {fr}×{fc} blocks"

    def color_range(self, lo: float, hi: float) -> None:
        """Tick the colour bar over ``[lo, hi]``, short labels (``axis_ticks``).

        Call it before the colour scale's range changes: bqplot's ColorAxis redraws its ticks
        when the scale's domain changes, not when its ``tick_values`` do.
        """
        if self.color_axis is not None:
            ticks, fmt = axis_ticks(lo, hi, most=4)  # a bar of ~120 px: "−1µ 0 1µ"
            with self.color_axis.hold_sync():
                self.color_axis.tick_values, self.color_axis.tick_format = ticks, fmt

    def _data_range(self, m: np.ndarray) -> None:
        """A data-driven colour scale spans the values drawn: tick the bar over them."""
        s = self.mark.scales["color"]
        if self.color_axis is not None and (s.min is None or s.max is None):
            finite = m[np.isfinite(m)]
            if finite.size:
                self.color_range(float(finite.min()), float(finite.max()))

    def show(
        self, matrix: np.ndarray, tiles: tuple[int, ...] | None = None, labels: tuple = ("", "")
    ) -> None:
        """Draw ``matrix``; a new shape or tiling also resets the ranges and block lines."""
        m = f32(matrix)
        shape = m.shape
        m, self.block = block_peak(m, self.max_side)
        self._data_range(m)  # before the colours: they move a data-driven scale's domain
        if (shape, tiles, labels) == self._layout:
            self.mark.color = _padded(m)
            return
        self._layout = (shape, tiles, labels)
        rows, cols = shape
        x_axis, y_axis = self.axes  # index ticks: whole rows and columns, never past the last
        x_axis.tick_values, y_axis.tick_values = integer_ticks(cols), integer_ticks(rows)
        with self.xs.hold_sync():
            self.xs.min, self.xs.max = -0.5, cols - 0.5
        with self.ys.hold_sync():
            self.ys.min, self.ys.max = -0.5, rows - 0.5
        x, y, p = _drawn(m, self.block)
        with self.mark.hold_sync():
            self.mark.x, self.mark.y, self.mark.color = x, y, p
        h, w, nr, nc = tiles or (rows, cols, 1, 1)  # block boundaries sit between cells
        xs = [[c * w - 0.5] * 2 for c in range(1, nc)] + [[-0.5, cols - 0.5]] * (nr - 1)
        ys = [[-0.5, rows - 0.5]] * (nc - 1) + [[r * h - 0.5] * 2 for r in range(1, nr)]
        with self.grid.hold_sync():
            if xs:
                self.grid.x, self.grid.y = f32(xs), f32(ys)
            self.grid.visible = bool(xs)
        for axis, label in zip(self.axes, labels):
            axis.label = label


class FeatureMapView(StateView, W.VBox):
    """``state.activations`` of each conv layer: its channels in a grid, one heat map per layer.

    Colours span each layer's values for the current input (the colour scale's own range),
    one scale for all the layer's channels: one colour bar ("activation") under each layer's
    grid. Tiles of more than ``FEATURE_SIDE`` values a side are drawn as block peaks (the
    title says so).
    """

    def __init__(self, state: ExplorerState, **kwargs: object) -> None:
        self.state = state
        shapes = dict(zip(state.model.layer_names, getattr(state.model, "layer_shapes", ())))
        self.plots: dict[str, MatrixPlot] = {}
        self.tiles: dict[str, tuple[int, int, int, int]] = {}
        for name, shape in shapes.items():
            if len(shape) != 3:
                continue
            h, w, c = shape
            rows, cols = grid_shape(c)
            # pixels per value: the grid 320 px wide (bqplot's colour bar is the plot's width
            # less 200 px), at most 400 px tall
            cell = min(320 / (cols * w), 400 / (rows * h))
            tiled = tile_channels(f32(state.activations[name]))
            plot = MatrixPlot(
                bq.ColorScale(scheme="viridis"),
                tiled,
                max_side=FEATURE_SIDE,
                axes=False,
                color_label="activation",
                title=f"{name}: {c} channels of {h}×{w}",
            )
            m = plot.figure.fig_margin  # the plot and its margins (the colour bar's)
            plot.figure.layout.width = f"{cols * w * cell + m['left'] + m['right']:.0f}px"
            plot.figure.layout.height = f"{rows * h * cell + m['top'] + m['bottom']:.0f}px"
            self.tiles[name] = (h, w, rows, cols)
            plot.show(tiled, self.tiles[name])
            plot.figure.title += plot.note
            self.plots[name] = plot
        children: list[W.Widget] = [p.figure for p in self.plots.values()]
        if not children:
            children = [W.HTML('<div class="nnw-note">this model has no convolutional layer</div>')]
        self._owned = list(children)
        self._watch(self._redraw, "version")
        super().__init__(children, **kwargs)
        self.add_class("nnw-feature-maps")

    def _redraw(self, _: object) -> None:
        for name, plot in self.plots.items():
            plot.show(tile_channels(f32(self.state.activations[name])), self.tiles[name])
