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

from ._canvas_js import COMMON_JS

_ESM = (
    COMMON_JS
    + """
const TOP = 24, LEFT = 24, BOTTOM = 20, RIGHT = 6;  // mirror _heat_canvas.py
function render({ model, el }) {
  const { canvas, ctx, at, tell } = tippedCanvas(el, "nnw-heat-canvas");
  let frame = 0;
  const geometry = () => {
    const rows = model.get("rows"), cols = model.get("cols"), px = model.get("cell_px");
    return { rows, cols, px, W: LEFT + cols * px + RIGHT, H: TOP + rows * px + BOTTOM };
  };
  const draw = () => {
    const { rows, cols, px, W, H } = geometry(), dpr = window.devicePixelRatio || 1;
    const v = arr(model.get("values"), Float32Array), lim = model.get("limit") || 1;
    if (canvas.width !== Math.round(W * dpr) || canvas.height !== Math.round(H * dpr)) {
      canvas.style.width = W + "px"; canvas.style.height = H + "px";
      canvas.width = Math.round(W * dpr); canvas.height = Math.round(H * dpr);
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0); ctx.clearRect(0, 0, W, H);
    ctx.font = "11px sans-serif"; ctx.fillStyle = "#333";
    ctx.textAlign = "center"; ctx.textBaseline = "alphabetic";
    ctx.fillText(model.get("title"), LEFT + cols * px / 2, 15);
    let sum = 0;
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
      const y = v[r * cols + c];
      const ok = y === y && Math.abs(y) !== Infinity;
      if (ok) sum += y;
      ctx.fillStyle = ok ? diverging(y / lim) : "#ddd";
      ctx.fillRect(LEFT + c * px, TOP + r * px, px, px);
    }
    ctx.fillStyle = "#666"; ctx.textBaseline = "top";
    const below = TOP + rows * px + 3;
    for (let c = 0; c < cols; c++) ctx.fillText(String(c), LEFT + (c + 0.5) * px, below);
    ctx.textAlign = "right"; ctx.textBaseline = "middle";
    for (let r = 0; r < rows; r++) ctx.fillText(String(r), LEFT - 4, TOP + (r + 0.5) * px);
    canvas.dataset.frame = String(++frame);
    canvas.dataset.checksum = sum.toFixed(4);
  };
  const schedule = inNextFrame(draw);
  canvas.addEventListener("pointermove", (ev) => {
    const { rows, cols, px } = geometry(), [x, y] = at(ev);
    const c = Math.floor((x - LEFT) / px), r = Math.floor((y - TOP) / px);
    if (r < 0 || r >= rows || c < 0 || c >= cols) { tell(0, 0, ""); return; }
    const value = arr(model.get("values"), Float32Array)[r * cols + c];
    tell(x, y, `row ${r}, col ${c}: ${value === undefined ? "" : value.toPrecision(4)}`);
  });
  const keys = ["rows", "cols", "cell_px", "values", "limit", "title"];
  return follow(model, keys, draw, schedule, el);
}
export default { render };
"""
)


class HeatCanvas(anywidget.AnyWidget):
    """A ``rows`` x ``cols`` heat map: each cell coloured by value / ``limit``, red < 0 < blue.

    Hovering shows a cell's row, column and value. ``show`` sets the values and the colour
    limit (their largest magnitude) in one message.
    """

    _esm = _ESM
    caption = t.Unicode(
        "", help="HTML under the picture (exact values, notes), sent with the values."
    ).tag(sync=True)
    rows = t.Int(8, help="Grid rows.").tag(sync=True)
    cols = t.Int(8, help="Grid columns.").tag(sync=True)
    cell_px = t.Int(32, help="Cell side in pixels.").tag(sync=True)
    values = t.Bytes(b"", help="float32 values, row-major.").tag(sync=True)
    limit = t.Float(1.0, help="|value| drawn at full colour (> 0).").tag(sync=True)
    title = t.Unicode("", help="Text above the map.").tag(sync=True)

    def show(self, values: Any) -> None:
        """Draw ``values`` (``(rows, cols)``), coloured over their largest finite magnitude."""
        v = np.asarray(values, dtype="<f4")
        if v.shape != (self.rows, self.cols):
            raise ValueError(
                f"values: expected shape {(self.rows, self.cols)}, received {tuple(v.shape)}"
            )
        finite = np.abs(v[np.isfinite(v)])
        limit = float(finite.max(initial=0.0)) or 1.0  # all zeros (a constant model): no 0/0
        with self.hold_sync():
            self.values, self.limit = v.tobytes(), limit
