"""A canvas grid that the user paints by clicking or dragging (anywidget, no build step).

The cell values travel as one binary float32 buffer both ways (``value``, a ``Bytes``
trait): the kernel's redraws arrive in the browser as a ``DataView``, and each stroke goes
back the same way, with no JSON list of numbers in either direction.
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
function render({ model, el }) {
  const rows = model.get("rows"), cols = model.get("cols"), px = model.get("cell_px");
  const canvas = document.createElement("canvas");
  canvas.width = cols * px; canvas.height = rows * px;
  canvas.className = "nnw-paint-canvas";
  canvas.style.cssText = "cursor:crosshair;touch-action:none;border:1px solid #888";
  el.appendChild(canvas);
  const ctx = canvas.getContext("2d");
  const read = () => {  // a copy of the synced float32 bytes (missing cells: 0)
    const out = new Float32Array(rows * cols), v = arr(model.get("value"), Float32Array);
    out.set(v.subarray(0, out.length));
    return out;
  };
  let values = read();
  const cell = (r, c) => {
    const g = Math.round(255 * (1 - Math.min(1, Math.max(0, values[r * cols + c]))));
    ctx.fillStyle = `rgb(${g},${g},${g})`;
    ctx.fillRect(c * px, r * px, px, px);
    if (px >= 6) {  // grid lines only where cells are big enough to keep their colour
      ctx.strokeStyle = "#ddd"; ctx.strokeRect(c * px + 0.5, r * px + 0.5, px - 1, px - 1);
    }
  };
  const draw = () => {
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) cell(r, c);
    canvas.dataset.values = values.join(",");
  };
  let down = false;
  const paint = (ev) => {
    const b = canvas.getBoundingClientRect();
    const c = Math.floor((ev.clientX - b.left) / b.width * cols);
    const r = Math.floor((ev.clientY - b.top) / b.height * rows);
    if (r < 0 || r >= rows || c < 0 || c >= cols) return;
    const v = Math.fround(model.get("brush")), i = r * cols + c;
    if (values[i] === v) return;
    values[i] = v; cell(r, c); canvas.dataset.values = values.join(",");
    model.set("value", new DataView(values.slice().buffer)); model.save_changes();
  };
  canvas.addEventListener("pointerdown", (ev) => {
    down = true; canvas.setPointerCapture(ev.pointerId); paint(ev);
  });
  canvas.addEventListener("pointermove", (ev) => { if (down) paint(ev); });
  const up = () => { down = false; };
  canvas.addEventListener("pointerup", up); canvas.addEventListener("pointercancel", up);
  const changed = () => { values = read(); draw(); };
  model.on("change:value", changed);
  draw();
  return () => model.off("change:value", changed);
}
export default { render };
"""
)


def _bytes_from_json(js: Any, _: Any) -> bytes:
    """The browser's buffer (a memoryview) as bytes; ``None`` as empty."""
    return b"" if js is None else bytes(js)


class PaintCanvas(anywidget.AnyWidget):
    """A ``rows`` x ``cols`` grid of values in [0, 1]; pointer down/drag sets cells to ``brush``.

    ``value`` holds the cells as float32 bytes (row-major, little-endian); ``show`` and
    ``array`` convert from and to a ``(rows, cols)`` array.
    """

    _esm = _ESM
    value = t.Bytes(b"", help="Row-major cell values as float32 bytes (little-endian).").tag(
        sync=True, echo_update=False, from_json=_bytes_from_json
    )
    rows = t.Int(8, help="Grid rows.").tag(sync=True)
    cols = t.Int(8, help="Grid columns.").tag(sync=True)
    cell_px = t.Int(28, help="Cell size in pixels.").tag(sync=True)
    brush = t.Float(1.0, help="Value a painted cell gets (0 erases).").tag(sync=True)

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
