"""A heat map on a canvas: a rows x cols grid coloured red < 0 < blue, from one float32 buffer.

The Explorer's image attribution redraws on every slider step or painted pixel. As a bqplot
``HeatMap`` that was a mark update and a d3 redraw, and the first frame had to load bqplot's
scripts for it; here a step is one message carrying one binary buffer, painted in the
browser's next animation frame.
"""

from __future__ import annotations

from typing import Any

import anywidget
import numpy as np
import traitlets as t

from ._base import Captioned
from ._convert import block_mean
from ._js import esm

_ESM = esm("heat")


class HeatCanvas(Captioned, anywidget.AnyWidget):
    """A ``rows`` x ``cols`` heat map: each cell coloured by value / ``limit``, red < 0 < blue.

    A colour scale (-limit, 0, +limit) is drawn under the map. With ``overlay`` on, the map
    is drawn over ``base`` (a grey picture of the input, ``show_base``, faded halfway to white
    so that tints show on dark pixels too): each cell tinted red
    or blue with an opacity that grows with |value|. Hovering shows a cell's row, column and
    value. ``show`` sets the values and the colour
    limit (their largest magnitude) in one message. An image with a side above ``max_side``
    is drawn as the means of square ``block`` x ``block`` pixel blocks (``block_mean``), so a
    step stays small however large the input; the axes and hover text still name pixels.
    """

    _esm = _ESM
    rows = t.Int(8, help="Grid rows.").tag(sync=True)
    cell_names = t.List(
        t.Unicode(),
        help="A name per cell for the values table (empty: 'pixel (r, c)', or the rows and "
        "columns of a block).",
    ).tag(sync=True)
    cols = t.Int(8, help="Grid columns.").tag(sync=True)
    cell_px = t.Int(32, help="Side of a drawn cell in screen pixels.").tag(sync=True)
    max_side = t.Int(64, help="At most this many cells per side (larger: block means).")
    block = t.Int(
        1, read_only=True, help="Image pixels per cell side (1: one cell per value)."
    ).tag(sync=True)
    values = t.Bytes(b"", help="float32 values drawn, row-major (block means if block > 1).").tag(
        sync=True
    )
    limit = t.Float(1.0, help="|value| drawn at full colour (> 0).").tag(sync=True)
    title = t.Unicode("", help="Text above the map.").tag(sync=True)
    overlay = t.Bool(False, help="Draw the map as a tint over ``base``.").tag(sync=True)
    base = t.Bytes(b"", help="uint8 grey picture under the overlay, row-major.").tag(sync=True)
    base_rows = t.Int(0, help="Rows of ``base``.").tag(sync=True)
    base_cols = t.Int(0, help="Columns of ``base``.").tag(sync=True)

    def show(self, values: Any) -> None:
        """Draw ``values`` (``(rows, cols)``), coloured over their largest finite magnitude.

        A side above ``max_side``: the block means are drawn (and coloured) instead.
        """
        v = np.asarray(values)
        if v.shape != (self.rows, self.cols):
            raise ValueError(
                f"values: expected shape {(self.rows, self.cols)}, received {tuple(v.shape)}"
            )
        drawn, block = block_mean(v, self.max_side)
        drawn = drawn.astype("<f4", copy=False)
        finite = np.abs(drawn[np.isfinite(drawn)])
        limit = float(finite.max(initial=0.0)) or 1.0  # all zeros (a constant model): no 0/0
        with self.hold_sync():
            self.set_trait("block", block)
            self.values, self.limit = drawn.tobytes(), limit

    def show_base(self, grey: Any) -> None:
        """Set the picture under the overlay: uint8 grey of any shape ``(r, c)``."""
        g = np.asarray(grey)
        if g.ndim != 2 or g.dtype != np.uint8:
            raise ValueError(f"grey: expected a 2-D uint8 array, received {g.dtype} {g.shape}")
        with self.hold_sync():
            self.base_rows, self.base_cols = g.shape
            self.base = g.tobytes()
