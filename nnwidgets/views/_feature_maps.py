"""Every channel of every conv layer for the current input, tiled into one heat map per layer.

Also the tiling helpers that the weights and gradients views share (each heat map is a
``MatrixCanvas``). Tiling only rearranges values for display: no value is computed or changed.
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from ..state import ExplorerState
from ._base import StateView
from ._convert import f32
from ._matrix_canvas import MatrixCanvas


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


#: A layer's tiled feature maps with more rows or columns than this: block peaks.
FEATURE_SIDE = 128


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
        self.plots: dict[str, MatrixCanvas] = {}
        self.tiles: dict[str, tuple[int, int, int, int]] = {}
        for name, shape in shapes.items():
            if len(shape) != 3:
                continue
            h, w, c = shape
            rows, cols = grid_shape(c)
            self.tiles[name] = (h, w, rows, cols)
            plot = MatrixCanvas(
                scheme="viridis",
                auto_range=True,
                max_side=FEATURE_SIDE,
                axes=False,
                color_label="activation",
                width_px=320,  # the grid at most 320 px wide and 400 px tall
                height_px=400,
                table_class=f"nnw-feature-values nnw-layer-{name}",
            )
            plot.show(tile_channels(f32(state.activations[name])), self.tiles[name])
            plot.title = f"{name}: {c} channels of {h}×{w}{plot.note}"
            self.plots[name] = plot
        children: list[W.Widget] = list(self.plots.values())
        if not children:
            children = [W.HTML('<div class="nnw-note">this model has no convolutional layer</div>')]
        self._owned = list(children)
        self._watch(self._redraw, "version")
        super().__init__(children, layout={"flex_flow": "row wrap"}, **kwargs)
        self.add_class("nnw-feature-maps")

    def _redraw(self, _: object) -> None:
        for name, plot in self.plots.items():
            with plot.hold_sync():
                plot.show(tile_channels(f32(self.state.activations[name])), self.tiles[name])
                plot.table_version = self.state.version
