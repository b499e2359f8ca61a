import {
  BLUE_DARK, RED, arr, colorBar, diverging, endTicks, follow, inNextFrame, tippedCanvas,
  valuesTable,
} from "./common.js";

export const TOP = 24, LEFT = 24, BOTTOM = 48, RIGHT = 10;  // margins around the cells (px)
const ALPHA = 0.85;  // overlay: |value| = limit is drawn at this opacity over the image
const FADE = 0.5;  // overlay: the picture blended this far towards white, so tints show on ink
function render({ model, el }) {
  const { canvas, ctx, at, tell } = tippedCanvas(el, "nnw-heat-canvas");
  const under = document.createElement("canvas"), uctx = under.getContext("2d");
  let frame = 0, table = null;
  const geometry = () => {  // rows x cols: the drawn cells, each a b x b block of the image
    const b = Math.max(1, model.get("block")), px = Math.max(1, model.get("cell_px"));
    const R = model.get("rows"), C = model.get("cols");
    const rows = Math.ceil(R / b), cols = Math.ceil(C / b);
    return { rows, cols, R, C, b, px, W: LEFT + cols * px + RIGHT, H: TOP + rows * px + BOTTOM };
  };
  const tint = (f) => {  // overlay colour: red < 0 < blue, opacity growing with |f|
    const c = f < 0 ? RED : BLUE_DARK, a = ALPHA * Math.min(1, Math.abs(f));
    return `rgba(${c.join(",")},${a.toFixed(3)})`;
  };
  const drawBase = (x, y, w, h) => {  // the input in grey under the overlay; false: none yet
    const br = model.get("base_rows"), bc = model.get("base_cols");
    const g = arr(model.get("base"), Uint8Array);
    if (!br || !bc || g.length !== br * bc) return false;
    under.width = bc; under.height = br;
    const image = uctx.createImageData(bc, br);
    for (let i = 0; i < g.length; i++) {
      const v = Math.round(g[i] + FADE * (255 - g[i]));
      image.data[4 * i] = image.data[4 * i + 1] = image.data[4 * i + 2] = v;
      image.data[4 * i + 3] = 255;
    }
    uctx.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(under, x, y, w, h);
    return true;
  };
  const legend = (x, y, w, lim, over) => {  // the colour scale: -limit, 0, +limit
    if (over) { ctx.fillStyle = "#999"; ctx.fillRect(x, y, w, 9); }  // the tints over grey
    const color = (v) => (over ? tint(v / lim) : diverging(v / lim));
    colorBar(ctx, { x, y, w, h: 9, lo: -lim, hi: lim, color, marks: endTicks(lim, w) });
  };
  const draw = () => {
    const { rows, cols, b, px, W, H } = geometry(), dpr = window.devicePixelRatio || 1;
    const v = arr(model.get("values"), Float32Array), lim = model.get("limit") || 1;
    if (canvas.width !== Math.round(W * dpr) || canvas.height !== Math.round(H * dpr)) {
      canvas.style.width = W + "px"; canvas.style.height = H + "px";
      canvas.width = Math.round(W * dpr); canvas.height = Math.round(H * dpr);
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0); ctx.clearRect(0, 0, W, H);
    ctx.font = "11px sans-serif"; ctx.fillStyle = "#333";
    ctx.textAlign = "center"; ctx.textBaseline = "alphabetic";
    ctx.fillText(model.get("title"), LEFT + cols * px / 2, 15, W - 4);
    const over = model.get("overlay") && drawBase(LEFT, TOP, cols * px, rows * px);
    let sum = 0;
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
      const y = v[r * cols + c];
      const ok = y === y && Math.abs(y) !== Infinity;
      if (ok) sum += y;
      ctx.fillStyle = ok ? (over ? tint(y / lim) : diverging(y / lim)) : "#ddd";
      ctx.fillRect(LEFT + c * px, TOP + r * px, px, px);
    }
    ctx.fillStyle = "#666"; ctx.textBaseline = "top";  // pixel indices, spaced not to overlap
    const widest = ctx.measureText(String((cols - 1) * b)).width;
    const below = TOP + rows * px + 3, across = Math.ceil(Math.max(16, widest + 6) / px);
    for (let c = 0; c < cols; c += across) {
      ctx.fillText(String(c * b), LEFT + (c + 0.5) * px, below);
    }
    ctx.textAlign = "right"; ctx.textBaseline = "middle";
    for (let r = 0, down = Math.ceil(14 / px); r < rows; r += down) {
      ctx.fillText(String(r * b), LEFT - 4, TOP + (r + 0.5) * px);
    }
    legend(LEFT, TOP + rows * px + 20, cols * px, lim, over);
    canvas.dataset.frame = String(++frame);
    canvas.dataset.checksum = sum.toFixed(4);
    canvas.dataset.overlay = over ? "1" : "0";
    table = table || valuesTable(el);  // the exact values drawn (a block's mean), by name
    const names = model.get("cell_names"), R = model.get("rows"), C = model.get("cols");
    const span = (i, n) => `${i * b}–${Math.min(n, (i + 1) * b) - 1}`;
    const name = (i) => {
      const r = Math.floor(i / cols), c = i % cols;
      if (b > 1) return `pixels (${span(r, R)}, ${span(c, C)})`;
      return names.length === v.length ? names[i] : `pixel (${r}, ${c})`;
    };
    table(name, v, model.get("table_class"), model.get("table_version"));
  };
  const schedule = inNextFrame(draw);
  canvas.addEventListener("pointermove", (ev) => {
    const { rows, cols, R, C, b, px } = geometry(), [x, y] = at(ev);
    const c = Math.floor((x - LEFT) / px), r = Math.floor((y - TOP) / px);
    if (r < 0 || r >= rows || c < 0 || c >= cols) { tell(0, 0, ""); return; }
    const value = arr(model.get("values"), Float32Array)[r * cols + c];
    const shown = value === undefined ? "" : value.toPrecision(4);
    const span = (i, n) => `${i * b}–${Math.min(n, (i + 1) * b) - 1}`;
    tell(x, y, b > 1 ? `rows ${span(r, R)}, cols ${span(c, C)}: mean ${shown}` :
      `row ${r}, col ${c}: ${shown}`);
  });
  const keys = ["rows", "cols", "block", "cell_px", "values", "limit", "title", "overlay", "base",
    "cell_names", "table_class", "table_version"];
  return follow(model, keys, draw, schedule, el);
}
export default { render };
