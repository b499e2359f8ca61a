"""A canvas grid that the user paints by clicking or dragging (anywidget, no build step).

The cell values travel as one binary float32 buffer both ways (``value``, a ``Bytes``
trait): the kernel's redraws arrive in the browser as a ``DataView``, and each stroke goes
back the same way, with no JSON list of numbers in either direction. A stroke sends at most
one buffer per animation frame, however many cells the pointer crosses in it.
"""

from __future__ import annotations

from typing import Any

import anywidget
import numpy as np
import traitlets as t

from ._js import esm

_ESM = esm("paint")


def _bytes_from_json(js: Any, _: Any) -> bytes:
    """The browser's buffer (a memoryview) as bytes; ``None`` as empty."""
    return b"" if js is None else bytes(js)


class PaintCanvas(anywidget.AnyWidget):
    """A ``rows`` x ``cols`` grid of values; pointer down/drag sets cells to ``brush``.

    Cells are drawn grey from ``low`` (white) to ``high`` (black), one screen block of
    ``cell_px`` a side each, scaled up from one bitmap pixel per cell without smoothing.
    ``value`` holds the cells as float32 bytes (row-major, little-endian); ``show`` and
    ``array`` convert from and to a ``(rows, cols)`` array.
    """

    _esm = _ESM
    value = t.Bytes(b"", help="Row-major cell values as float32 bytes (little-endian).").tag(
        sync=True, echo_update=False, from_json=_bytes_from_json
    )
    rows = t.Int(8, help="Grid rows.").tag(sync=True)
    cols = t.Int(8, help="Grid columns.").tag(sync=True)
    cell_px = t.Int(28, help="Cell size in screen pixels (>= 1).").tag(sync=True)
    low = t.Float(0.0, help="Value drawn white.").tag(sync=True)
    high = t.Float(1.0, help="Value drawn black (> low).").tag(sync=True)
    brush = t.Float(1.0, help="Value a painted cell gets.").tag(sync=True)
    brush_size = t.Int(1, help="Brush diameter in cells (>= 1).").tag(sync=True)

    @t.validate("value")
    def _valid_value(self, proposal: Any) -> bytes:
        value = bytes(proposal["value"])
        n = 4 * self.rows * self.cols
        if len(value) != n:
            raise t.TraitError(
                f"value: expected {n} bytes ({self.rows}x{self.cols} float32), "
                f"received {len(value)}"
            )
        return value

    def show(self, values: Any) -> None:
        """Set the cells to ``values`` (shape ``(rows, cols)``, sent as float32)."""
        v = np.asarray(values, dtype="<f4")
        if v.shape != (self.rows, self.cols):
            raise ValueError(
                f"values: expected shape {(self.rows, self.cols)}, received {tuple(v.shape)}"
            )
        self.value = v.tobytes()

    def array(self) -> np.ndarray:
        """The cells as a float32 array of shape ``(rows, cols)`` (zeros before any value)."""
        if len(self.value) != 4 * self.rows * self.cols:
            return np.zeros((self.rows, self.cols), np.float32)
        return np.frombuffer(self.value, "<f4").reshape(self.rows, self.cols).astype(np.float32)
