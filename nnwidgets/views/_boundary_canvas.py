"""A heat map of a 2-D model's output over the input plane, with data points (anywidget).

Arrays travel as binary ``Bytes`` traits (little-endian float32 / uint8, row-major); the browser
receives each as a ``DataView`` and reads it as a typed array without copying.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import anywidget
import numpy as np
import traitlets as t

from ._js import constants, esm

# Plot-area margins in CSS pixels (left, top, right, bottom): ticks and labels live in them;
# defined once, in js/boundary.js.
MARGIN = tuple(constants("boundary")[k] for k in ("ML", "MT", "MR", "MB"))

_ESM = esm("boundary")


def data_to_pixel(
    x1: float, x2: float, extent: Sequence[float], size_px: int
) -> tuple[float, float]:
    """Where the data point ``(x1, x2)`` lands on the canvas, in CSS pixels (as js/boundary.js).

    Examples:
        >>> data_to_pixel(0.0, 0.0, [-6, 6, -6, 6], 300)
        (180.0, 158.0)
    """
    e0, e1, e2, e3 = (float(v) for v in extent)
    return (
        MARGIN[0] + (x1 - e0) / (e1 - e0) * size_px,
        MARGIN[1] + (e3 - x2) / (e3 - e2) * size_px,
    )


def _f32(name: str, x: Any, shape: tuple[int | None, ...]) -> np.ndarray:
    """``x`` as little-endian float32 of ``shape`` (None = any length), else a ValueError."""
    a = np.asarray(x, dtype="<f4")
    if a.ndim != len(shape) or any(s is not None and s != d for s, d in zip(shape, a.shape)):
        want = ", ".join("n" if s is None else str(s) for s in shape) + (
            "," if len(shape) == 1 else ""
        )
        raise ValueError(f"{name}: expected shape ({want}), received {a.shape}")
    return a


class BoundaryCanvas(anywidget.AnyWidget):
    """A square heat map of a model's output over (x1, x2) with data points; a click adds one.

    The grid's row 0 is the top of the plot (``x2 = extent[3]``), column 0 the left
    (``x1 = extent[0]``). Colours run orange (``vmin``) - white - blue (``vmax``).
    """

    _esm = _ESM
    grid = t.Bytes(b"", help="float32 (grid_size, grid_size), row-major, row 0 = top.").tag(
        sync=True
    )
    grid_size = t.Int(50, help="Grid cells per side.").tag(sync=True)
    vmin = t.Float(-1.0, help="Value drawn orange (and below).").tag(sync=True)
    vmax = t.Float(1.0, help="Value drawn blue (and above).").tag(sync=True)
    extent = t.List(
        t.Float(), default_value=[-6.0, 6.0, -6.0, 6.0], minlen=4, maxlen=4,
        help="(x1min, x1max, x2min, x2max) of the plot.",
    ).tag(sync=True)  # fmt: skip
    points = t.Bytes(b"", help="float32 (n, 2) point coordinates (x1, x2).").tag(sync=True)
    values = t.Bytes(b"", help="float32 (n,) labels (0/1) or values.").tag(sync=True)
    test_mask = t.Bytes(b"", help="uint8 (n,), 1 = test point (black outline).").tag(sync=True)
    discrete = t.Bool(True, help="Values are class labels 0/1 (else coloured like the grid).").tag(
        sync=True
    )
    show_test = t.Bool(True, help="Draw the test points.").tag(sync=True)
    size_px = t.Int(300, help="Side of the square plot area in pixels.").tag(sync=True)
    add_label = t.Float(0.0, help="Label or value that a click adds.").tag(sync=True)
    add_enabled = t.Bool(True, help="Whether a click in the plot asks to add a point.").tag(
        sync=True
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._add_callbacks: list[Callable[[float, float], Any]] = []
        self.on_msg(self._on_custom)

    def _on_custom(self, _widget: Any, content: Any, _buffers: Any) -> None:
        """Forward ``{"event": "add", "x1", "x2"}`` from the browser to the ``on_add`` callbacks."""
        if not isinstance(content, dict) or content.get("event") != "add":
            return
        x1, x2 = float(content["x1"]), float(content["x2"])
        for callback in list(self._add_callbacks):
            callback(x1, x2)

    def on_add(self, callback: Callable[[float, float], Any], remove: bool = False) -> None:
        """Call ``callback(x1, x2)`` (data coordinates) when the user clicks inside the plot."""
        if remove:
            self._add_callbacks.remove(callback)
        else:
            self._add_callbacks.append(callback)

    def show(self, grid: Any, vmin: float | None = None, vmax: float | None = None) -> None:
        """Draw ``grid`` (n, n) with colour range [vmin, vmax] (None keeps the current bound)."""
        g = np.asarray(grid, dtype="<f4")
        if g.ndim != 2 or g.shape[0] != g.shape[1] or g.shape[0] == 0:
            raise ValueError(f"grid: expected a square array (n, n), received shape {g.shape}")
        n = g.shape[0]
        lo = self.vmin if vmin is None else float(vmin)
        hi = self.vmax if vmax is None else float(vmax)
        if not lo < hi:
            raise ValueError(f"vmin, vmax: expected vmin < vmax, received {lo}, {hi}")
        with self.hold_sync():
            self.grid, self.grid_size, self.vmin, self.vmax = g.tobytes(), n, lo, hi

    def set_points(self, points: Any, values: Any, test_mask: Any = None) -> None:
        """Draw ``points`` (n, 2) with ``values`` (n,); ``test_mask`` (n,) marks test points."""
        p = _f32("points", points, (None, 2))
        n = p.shape[0]
        v = _f32("values", values, (n,))
        m = np.zeros(n, np.uint8) if test_mask is None else np.asarray(test_mask)
        if m.shape != (n,):
            raise ValueError(f"test_mask: expected shape ({n},), received {m.shape}")
        with self.hold_sync():
            self.points, self.values = p.tobytes(), v.tobytes()
            self.test_mask = (m != 0).astype(np.uint8).tobytes()
