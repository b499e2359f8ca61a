"""A canvas grid that the user paints by clicking or dragging (anywidget, no build step)."""

from __future__ import annotations

import anywidget
import traitlets as t

_ESM = """
function render({ model, el }) {
  const rows = model.get("rows"), cols = model.get("cols"), px = model.get("cell_px");
  const canvas = document.createElement("canvas");
  canvas.width = cols * px; canvas.height = rows * px;
  canvas.className = "nnw-paint-canvas";
  canvas.style.cssText = "cursor:crosshair;touch-action:none;border:1px solid #888";
  el.appendChild(canvas);
  const ctx = canvas.getContext("2d");
  let values = model.get("value").slice();
  const draw = () => {
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
      const g = Math.round(255 * (1 - Math.min(1, Math.max(0, values[r * cols + c]))));
      ctx.fillStyle = `rgb(${g},${g},${g})`;
      ctx.fillRect(c * px, r * px, px, px);
      ctx.strokeStyle = "#ddd"; ctx.strokeRect(c * px + 0.5, r * px + 0.5, px - 1, px - 1);
    }
    canvas.dataset.values = values.join(",");
  };
  let down = false;
  const paint = (ev) => {
    const b = canvas.getBoundingClientRect();
    const c = Math.floor((ev.clientX - b.left) / b.width * cols);
    const r = Math.floor((ev.clientY - b.top) / b.height * rows);
    if (r < 0 || r >= rows || c < 0 || c >= cols) return;
    const v = model.get("brush"), i = r * cols + c;
    if (values[i] === v) return;
    values[i] = v; draw();
    model.set("value", values.slice()); model.save_changes();
  };
  canvas.addEventListener("pointerdown", (ev) => {
    down = true; canvas.setPointerCapture(ev.pointerId); paint(ev);
  });
  canvas.addEventListener("pointermove", (ev) => { if (down) paint(ev); });
  const up = () => { down = false; };
  canvas.addEventListener("pointerup", up); canvas.addEventListener("pointercancel", up);
  model.on("change:value", () => { values = model.get("value").slice(); draw(); });
  draw();
}
export default { render };
"""


class PaintCanvas(anywidget.AnyWidget):
    """A ``rows`` x ``cols`` grid of values in [0, 1]; pointer down/drag sets cells to ``brush``."""

    _esm = _ESM
    value = t.List(t.Float(), help="Row-major cell values.").tag(sync=True, echo_update=False)
    rows = t.Int(8, help="Grid rows.").tag(sync=True)
    cols = t.Int(8, help="Grid columns.").tag(sync=True)
    cell_px = t.Int(28, help="Cell size in pixels.").tag(sync=True)
    brush = t.Float(1.0, help="Value a painted cell gets (0 erases).").tag(sync=True)
