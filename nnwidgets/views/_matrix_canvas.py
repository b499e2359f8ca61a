"""A matrix heat map on a canvas: weights, gradients and tiled feature maps, from one buffer.

The course tabs drew these as bqplot ``HeatMap`` marks: a step of the gradients or feature-map
tab re-sent the mark's colours as nested JSON-able arrays and re-ran bqplot's d3 update (11–37
ms per step in the page for a 64 x 32 gradient), and their exact values were an HTML table
built in Python. Here a step is the float32 cells and two numbers of the colour range; the page
draws them as one image in its next animation frame and builds the values table from the same
buffer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import anywidget
import numpy as np
import traitlets as t

from ._base import Captioned, set_changed
from ._convert import block_peak, f32
from ._js import esm

_ESM = esm("matrix")


class MatrixCanvas(Captioned, anywidget.AnyWidget):
    """A ``rows`` x ``cols`` matrix coloured on ``scheme`` over ``[lo, hi]``, with a colour bar.

    ``show(matrix, tiles, labels, names)`` draws a 2-D array: cell ``(i, j)`` in row ``i`` (row
    0 on top), column ``j``. A matrix with a side above ``max_side`` is drawn as block peaks
    (``block_peak``: each cell the largest-magnitude value of its ``fr`` x ``fc`` block, sign
    kept), its ticks and hover text still in the matrix's indices; ``note`` says so for a
    title. ``tiles=(h, w, ...)`` draws grey lines between blocks of ``h`` rows and ``w``
    columns (conv kernels, feature-map channels). ``labels=(x, y)`` titles the axes.
    ``names=(col_names, row_names)`` writes names on the axes instead of index ticks (the
    words of a sentence: an attention map's keys and queries), in ``labels``' order; the
    page turns column names that would overlap and, where the cells are too narrow even
    for that, writes every k-th. The hover tip then reads "query 'not' · key 'bad': 0.4231".
    ``color_bar=False`` draws no colour bar (small maps sharing another map's bar).

    The colour range: ``color_range(lo, hi)`` fixes it (a diverging scheme is symmetric
    around 0 at ±max(|lo|, |hi|)); with ``auto_range`` each ``show`` spans the finite values
    drawn. Cells are square, sized to fit ``width_px`` x ``height_px`` unless ``cell_px``
    (> 0) is given. The page builds the table of the values drawn (``table_class``).
    """

    _esm = _ESM
    rows = t.Int(1, help="Matrix rows.").tag(sync=True)
    cols = t.Int(1, help="Matrix columns.").tag(sync=True)
    block = t.List(
        t.Int(), [1, 1], read_only=True, help="Matrix rows and columns per drawn cell (fr, fc)."
    ).tag(sync=True)
    values = t.Bytes(b"", help="float32 cells drawn, row-major (block peaks if blocked).").tag(
        sync=True
    )
    scheme = t.Enum(["diverging", "viridis"], "diverging", help="Colour scheme.").tag(sync=True)
    lo = t.Float(-1.0, help="Value at the colour bar's left end.").tag(sync=True)
    hi = t.Float(1.0, help="Value at the colour bar's right end.").tag(sync=True)
    auto_range = t.Bool(False, help="Each show() sets lo / hi to the values drawn.")
    max_side = t.Int(256, help="At most this many cells per side (larger: block peaks).")
    title = t.Unicode("", help="Text above the map.").tag(sync=True)
    x_label = t.Unicode("", help="Title under the column indices.").tag(sync=True)
    y_label = t.Unicode("", help="Title left of the row indices.").tag(sync=True)
    axes = t.Bool(True, help="Draw row / column indices and the axis titles.").tag(sync=True)
    tiles = t.List(t.Int(), help="[h, w]: lines between blocks of h rows, w columns.").tag(
        sync=True
    )
    col_names = t.List(
        t.Unicode(), help="A name per column written under it ([]: index ticks)."
    ).tag(sync=True)
    row_names = t.List(
        t.Unicode(), help="A name per row written left of it ([]: index ticks)."
    ).tag(sync=True)
    color_bar = t.Bool(True, help="Draw the colour bar under the map.").tag(sync=True)
    color_label = t.Unicode("", help="Title under the colour bar.").tag(sync=True)
    cell_px = t.Float(0.0, help="Side of a drawn cell in px (0: fit the box).").tag(sync=True)
    width_px = t.Int(320, help="Width of the box the cells fit in (px).").tag(sync=True)
    height_px = t.Int(320, help="Height of the box the cells fit in (px).").tag(sync=True)

    def __init__(self, matrix: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._clicks: list[Callable[[int, int], None]] = []
        self.on_msg(self._message)
        if matrix is not None:
            self.show(matrix)

    def on_cell_click(self, callback: Callable[[int, int], None]) -> None:
        """Call ``callback(row, col)`` (of the cells drawn) when a cell is clicked in the page."""
        self._clicks.append(callback)

    def _message(self, _: Any, content: Any, buffers: Any) -> None:
        if not isinstance(content, dict) or content.get("event") != "cell_click":
            return
        row, col = content.get("row"), content.get("col")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (row, col)):
            return
        if not (0 <= row < max(1, self.rows) and 0 <= col < max(1, self.cols)):
            return  # a click the page sent for another matrix than this one
        for callback in self._clicks:
            callback(row, col)

    @property
    def note(self) -> str:
        """'' or, for a matrix drawn as block peaks, e.g. " · peak |value| of 128×1 blocks"."""
        fr, fc = self.block
        return "" if (fr, fc) == (1, 1) else f" · peak |value| of {fr}×{fc} blocks"

    def color_range(self, lo: float, hi: float) -> None:
        """Fix the colour bar's range to ``[lo, hi]`` (finite, ``lo < hi``)."""
        lo, hi = float(lo), float(hi)
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise ValueError(f"lo, hi: expected finite numbers with lo < hi, received {lo}, {hi}")
        with self.hold_sync():
            self.lo, self.hi = lo, hi

    def show(
        self,
        matrix: Any,
        tiles: tuple[int, ...] | None = None,
        labels: tuple[str, str] = ("", ""),
        names: tuple[Sequence[str] | None, Sequence[str] | None] | None = None,
    ) -> None:
        """Draw the 2-D ``matrix`` with its ``tiles``, axis ``labels`` and axis ``names``.

        ``tiles``: ``(h, w, ...)`` or None; ``labels``: the axis titles ``(x, y)``; ``names``:
        ``(col_names, row_names)``, each a name per column / row of ``matrix`` or None (index
        ticks); a wrong count is a ValueError. What changed goes to the page in one message
        with the values.

        Examples:
            >>> m = MatrixCanvas()
            >>> m.show(np.eye(2), labels=("key", "query"), names=(["a", "b"], ["a", "b"]))
            >>> m.col_names, m.row_names
            (['a', 'b'], ['a', 'b'])
        """
        m = f32(matrix)
        if m.ndim != 2 or 0 in m.shape:
            raise ValueError(f"matrix: expected a non-empty 2-D array, received shape {m.shape}")
        col_names, row_names = _axis_names(names, m.shape)
        drawn, block = block_peak(m, self.max_side)
        drawn = np.ascontiguousarray(drawn, dtype="<f4")
        frame = {
            "rows": m.shape[0],
            "cols": m.shape[1],
            "tiles": [int(tiles[0]), int(tiles[1])] if tiles else [],
            "x_label": labels[0],
            "y_label": labels[1],
            "col_names": col_names,
            "row_names": row_names,
        }
        with self.hold_sync():  # one update: the cells and whatever else changed
            set_changed(self, frame)
            if list(block) != self.block:
                self.set_trait("block", list(block))
            if self.auto_range:
                finite = drawn[np.isfinite(drawn)]
                lo = float(finite.min()) if finite.size else 0.0
                hi = float(finite.max()) if finite.size else 1.0
                self.lo, self.hi = (lo, hi) if hi > lo else (lo - 0.5, lo + 0.5)
            self.values = drawn.tobytes()

    def array(self) -> np.ndarray:
        """The cells drawn, ``(ceil(rows / fr), ceil(cols / fc))`` float32 (what the page has)."""
        fr, fc = self.block
        shape = (-(-self.rows // fr), -(-self.cols // fc))
        return np.frombuffer(self.values, "<f4").reshape(shape)


def _axis_names(names: Any, shape: tuple[int, ...]) -> tuple[list[str], list[str]]:
    """``names=(col_names, row_names)`` checked against the matrix's ``shape``, as lists."""
    if names is None:
        return [], []
    if isinstance(names, str) or not hasattr(names, "__len__") or len(names) != 2:
        raise ValueError(
            f"names: expected a pair (column names, row names), each a sequence of "
            f"strings or None, received {names!r}"
        )
    out = []
    for k, (given, n, axis) in enumerate(zip(names, shape[::-1], ("column", "row"))):
        if given is None:
            out.append([])
            continue
        if isinstance(given, str):
            raise ValueError(
                f"names[{k}]: expected {n} {axis} names (a sequence of strings), received "
                f"the string {given!r}"
            )
        listed = [str(s) for s in given]
        if len(listed) != n:
            shown = listed if len(listed) <= 8 else [*listed[:8], "..."]
            raise ValueError(
                f"names[{k}]: expected {n} {axis} names (one per {axis} of the "
                f"{shape[0]} x {shape[1]} matrix) or None, received {len(listed)}: {shown}"
            )
        out.append(listed)
    return out[0], out[1]
