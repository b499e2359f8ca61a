import { arr, inNextFrame, savePngButton } from "./common.js";

const LISTED = 4096;  // data-values (what browser tests read) only for grids this small
function render({ model, el }) {
  const canvas = document.createElement("canvas"), cells = document.createElement("canvas");
  canvas.className = "nnw-paint-canvas";
  canvas.style.cssText = "display:block;cursor:crosshair;touch-action:none;border:1px solid #888";
  const wrap = document.createElement("div");
  wrap.style.cssText = "position:relative;display:inline-block";
  wrap.appendChild(canvas); el.appendChild(wrap);
  savePngButton(wrap, canvas, "digit");
  const ctx = canvas.getContext("2d"), cctx = cells.getContext("2d");
  let rows, cols, px, values, image, sent = 0;
  const read = () => {  // a copy of the synced float32 bytes (missing cells: 0)
    const out = new Float32Array(rows * cols), v = arr(model.get("value"), Float32Array);
    out.set(v.subarray(0, out.length));
    return out;
  };
  const pixel = (i) => {  // low: white, high: black (ink on paper)
    const lo = model.get("low"), span = model.get("high") - lo || 1;
    const g = Math.round(255 * (1 - Math.min(1, Math.max(0, (values[i] - lo) / span))));
    image.data[4 * i] = image.data[4 * i + 1] = image.data[4 * i + 2] = g;
    image.data[4 * i + 3] = 255;
  };
  const blit = () => {  // one cell per pixel of `cells`, scaled up without smoothing
    cctx.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(cells, 0, 0, cols * px, rows * px);
    if (px >= 6) {  // grid lines only where cells are big enough to keep their colour
      ctx.strokeStyle = "#ddd"; ctx.lineWidth = 1; ctx.beginPath();
      for (let c = 1; c < cols; c++) {
        ctx.moveTo(c * px + 0.5, 0); ctx.lineTo(c * px + 0.5, rows * px);
      }
      for (let r = 1; r < rows; r++) {
        ctx.moveTo(0, r * px + 0.5); ctx.lineTo(cols * px, r * px + 0.5);
      }
      ctx.stroke();
    }
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[i];
    canvas.dataset.checksum = sum.toFixed(4);
    if (values.length <= LISTED) canvas.dataset.values = values.join(",");
  };
  const draw = () => {
    rows = model.get("rows"); cols = model.get("cols"); px = Math.max(1, model.get("cell_px"));
    canvas.width = cols * px; canvas.height = rows * px;
    cells.width = cols; cells.height = rows;
    image = cctx.createImageData(cols, rows); values = read();
    for (let i = 0; i < rows * cols; i++) pixel(i);
    blit();
  };
  const send = inNextFrame(() => {  // the whole grid, once per frame of a stroke
    model.set("value", new DataView(values.slice().buffer)); model.save_changes();
    canvas.dataset.sent = String(++sent);
  });
  const stamp = (r0, c0) => {  // a round brush of `brush_size` cells across
    const s = Math.max(1, model.get("brush_size")), v = Math.fround(model.get("brush"));
    const h = (s - 1) / 2, top = r0 - Math.floor(h), left = c0 - Math.floor(h);
    let changed = false;
    for (let dr = 0; dr < s; dr++) for (let dc = 0; dc < s; dc++) {
      if ((dr - h) ** 2 + (dc - h) ** 2 > (s / 2) ** 2 + 0.01 && s > 2) continue;
      const r = top + dr, c = left + dc, i = r * cols + c;
      if (r < 0 || r >= rows || c < 0 || c >= cols || values[i] === v) continue;
      values[i] = v; pixel(i); changed = true;
    }
    return changed;
  };
  let last = null;
  const paint = (ev) => {
    const b = canvas.getBoundingClientRect();
    const c = Math.floor((ev.clientX - b.left - canvas.clientLeft) / canvas.clientWidth * cols);
    const r = Math.floor((ev.clientY - b.top - canvas.clientTop) / canvas.clientHeight * rows);
    if (r < 0 || r >= rows || c < 0 || c >= cols) { last = null; return; }
    const [r1, c1] = last || [r, c], n = Math.max(Math.abs(r - r1), Math.abs(c - c1));
    let changed = false;
    for (let k = 0; k <= n; k++) {  // every cell on the line from the last one: no gaps
      const f = n ? k / n : 1;
      changed = stamp(Math.round(r1 + (r - r1) * f), Math.round(c1 + (c - c1) * f)) || changed;
    }
    last = [r, c];
    if (changed) { blit(); send(); }
  };
  let down = false;
  canvas.addEventListener("pointerdown", (ev) => {
    down = true; last = null; canvas.setPointerCapture(ev.pointerId); paint(ev);
  });
  canvas.addEventListener("pointermove", (ev) => { if (down) paint(ev); });
  const up = () => { down = false; last = null; };
  canvas.addEventListener("pointerup", up); canvas.addEventListener("pointercancel", up);
  const keys = ["value", "rows", "cols", "cell_px", "low", "high"];
  for (const k of keys) model.on("change:" + k, draw);
  draw();
  return () => { for (const k of keys) model.off("change:" + k, draw); };
}
export default { render };
