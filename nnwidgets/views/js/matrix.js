import {
  BAR_TICKS, arr, colorBar, divergingRGB, follow, inNextFrame, ticks, tippedCanvas, valuesTable,
} from "./common.js";

// A matrix heat map (weights, gradients, tiled feature maps) on one canvas: the cells as one
// image (a rows x cols ImageData scaled up, so a 256 x 256 matrix is one drawImage), grey
// lines between tiles, index ticks, axis titles, a colour bar with short tick labels, and the
// page-built table of the values drawn. Blocks: each drawn cell stands for fr x fc values of
// the matrix (their peak |value|, sent by Python); ticks and hover text name matrix indices.
export const TITLE = 20, TICKS = 16, LABEL = 14, BAR = 10, PAD = 6;
export const MIN_BAR = 120;  // the colour bar is at least this wide, whatever the matrix
export const CHAR = 6;  // px per character of an 11 px label, for fitting without a canvas
// viridis at nine stops (matplotlib's), interpolated linearly
export const VIRIDIS = [[68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142],
  [33, 144, 141], [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37]];
// [r, g, b] of `f` in [0, 1] on viridis (clamped)
export function viridisRGB(f) {
  const x = Math.min(1, Math.max(0, f)) * (VIRIDIS.length - 1), i = Math.min(7, Math.floor(x));
  const t = x - i, a = VIRIDIS[i], b = VIRIDIS[i + 1];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * t));
}
// The colour of value `v` on a scheme over [lo, hi] (diverging: 0 is white, ±max(|lo|, |hi|)
// full colour); null for NaN / inf.
export function colorOf(v, scheme, lo, hi) {
  if (!Number.isFinite(v)) return null;
  if (scheme === "viridis") return viridisRGB(hi > lo ? (v - lo) / (hi - lo) : 0.5);
  const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  return divergingRGB(v / m);
}
// Index ticks 0 .. n-1 (whole numbers, about six), never past the last index
export function indexTicks(n) {
  if (n <= 1) return n === 1 ? [0] : [];
  return ticks(0, n - 1).filter((v) => Number.isInteger(v) && v <= n - 1);
}
// The layout in CSS pixels: the plot box at (x0, y0) of w x h, the canvas W x H
export function layout(o) {
  const rows = Math.ceil(o.rows / o.fr), cols = Math.ceil(o.cols / o.fc);
  let cell = o.cell_px;
  if (!(cell > 0)) cell = Math.min(o.width_px / Math.max(1, cols), o.height_px / Math.max(1, rows));
  cell = Math.max(0.25, cell);
  const w = cols * cell, h = rows * cell;
  // the row title turned up the left side where it fits (~6 px a character), else a line
  // "rows: ..." under the column title (a flat matrix: a conv layer's 3 kernel rows)
  const rotated = !o.y_label || CHAR * o.y_label.length <= h + 24;
  const x0 = o.axes ? 34 + (o.y_label && rotated ? LABEL : 0) : PAD, y0 = TITLE;
  const titles = (o.x_label ? LABEL : 0) + (o.y_label && !rotated ? LABEL : 0);
  const below = y0 + h + (o.axes ? TICKS + titles : PAD);
  const barW = Math.max(MIN_BAR, w);
  const W = Math.ceil(Math.max(x0 + w, PAD + barW) + PAD);
  const H = Math.ceil(below + 6 + BAR + BAR_TICKS + (o.color_label ? LABEL : 0));
  const barX = Math.min(x0, W - PAD - barW);
  return { rows, cols, cell, x0, y0, w, h, below, barX, barW, W, H, rotated };
}
function render({ model, el }) {
  const { canvas, ctx, at, tell } = tippedCanvas(el, "nnw-matrix-canvas");
  const cells = document.createElement("canvas"), cctx = cells.getContext("2d");
  let frame = 0, table = null;
  const opts = () => {
    const [fr, fc] = model.get("block").length === 2 ? model.get("block") : [1, 1];
    return {
      rows: model.get("rows"), cols: model.get("cols"), fr, fc, cell_px: model.get("cell_px"),
      width_px: model.get("width_px"), height_px: model.get("height_px"),
      axes: model.get("axes"), x_label: model.get("x_label"), y_label: model.get("y_label"),
      color_label: model.get("color_label"),
    };
  };
  const span = (i, f, n) => (f > 1 ? `${i * f}–${Math.min(n, (i + 1) * f) - 1}` : String(i));
  const draw = () => {
    const o = opts(), g = layout(o), dpr = window.devicePixelRatio || 1;
    const v = arr(model.get("values"), Float32Array);
    const scheme = model.get("scheme"), lo = model.get("lo"), hi = model.get("hi");
    if (canvas.width !== Math.round(g.W * dpr) || canvas.height !== Math.round(g.H * dpr)) {
      canvas.style.width = g.W + "px"; canvas.style.height = g.H + "px";
      canvas.width = Math.round(g.W * dpr); canvas.height = Math.round(g.H * dpr);
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0); ctx.clearRect(0, 0, g.W, g.H);
    ctx.font = "11px sans-serif"; ctx.fillStyle = "#333";
    ctx.textAlign = "center"; ctx.textBaseline = "alphabetic";
    ctx.fillText(model.get("title"), g.W / 2, 14, g.W - 4);
    let sum = 0;
    if (v.length === g.rows * g.cols && v.length > 0) {
      cells.width = g.cols; cells.height = g.rows;
      const image = cctx.createImageData(g.cols, g.rows);
      for (let i = 0; i < v.length; i++) {
        const c = colorOf(v[i], scheme, lo, hi) || [221, 221, 221];
        if (Number.isFinite(v[i])) sum += v[i];
        image.data[4 * i] = c[0]; image.data[4 * i + 1] = c[1]; image.data[4 * i + 2] = c[2];
        image.data[4 * i + 3] = 255;
      }
      cctx.putImageData(image, 0, 0);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(cells, g.x0, g.y0, g.w, g.h);
    }
    const tiles = model.get("tiles");
    if (tiles.length === 2) {  // grey lines between the blocks of tiles[0] rows x tiles[1] cols
      ctx.strokeStyle = "#555"; ctx.lineWidth = 1; ctx.beginPath();
      for (let r = tiles[0]; r < o.rows; r += tiles[0]) {
        const y = g.y0 + (r / o.fr) * g.cell;
        ctx.moveTo(g.x0, y); ctx.lineTo(g.x0 + g.w, y);
      }
      for (let c = tiles[1]; c < o.cols; c += tiles[1]) {
        const x = g.x0 + (c / o.fc) * g.cell;
        ctx.moveTo(x, g.y0); ctx.lineTo(x, g.y0 + g.h);
      }
      ctx.stroke();
    }
    ctx.strokeStyle = "#aaa"; ctx.strokeRect(g.x0 - 0.5, g.y0 - 0.5, g.w + 1, g.h + 1);
    if (o.axes) {  // matrix indices at cell centres; titles under and left of them
      ctx.fillStyle = "#555"; ctx.textBaseline = "top"; ctx.textAlign = "center";
      const xt = indexTicks(o.cols), yt = indexTicks(o.rows);
      for (const c of xt) {
        ctx.fillText(String(c), g.x0 + ((c + 0.5) / o.fc) * g.cell, g.y0 + g.h + 3);
      }
      ctx.textAlign = "right"; ctx.textBaseline = "middle";
      for (const r of yt) ctx.fillText(String(r), g.x0 - 4, g.y0 + ((r + 0.5) / o.fr) * g.cell);
      ctx.fillStyle = "#333"; ctx.textAlign = "center"; ctx.textBaseline = "top";
      if (o.x_label) ctx.fillText(o.x_label, g.x0 + g.w / 2, g.y0 + g.h + TICKS, g.W - 4);
      if (o.y_label && g.rotated) {
        ctx.save(); ctx.translate(2, g.y0 + g.h / 2); ctx.rotate(-Math.PI / 2);
        ctx.fillText(o.y_label, 0, 0); ctx.restore();
      } else if (o.y_label) {
        const y = g.y0 + g.h + TICKS + (o.x_label ? LABEL : 0);
        ctx.fillText(`rows: ${o.y_label}`, g.x0 + g.w / 2, y, g.W - 4);
      }
    }
    // the colour bar: lo .. hi on the cells' scheme, short labels at round values
    colorBar(ctx, { x: g.barX, y: g.below + 6, w: g.barW, h: BAR, lo, hi,
      color: (value) => colorOf(value, scheme, lo, hi), label: o.color_label });
    canvas.dataset.frame = String(++frame);
    canvas.dataset.checksum = sum.toPrecision(8);  // gradients can be ~1e-6: significant digits
    table = table || valuesTable(el);  // the exact values drawn, by matrix index
    const name = (i) => {
      const r = Math.floor(i / g.cols), c = i % g.cols;
      if (o.fr > 1 || o.fc > 1) {
        return `rows ${span(r, o.fr, o.rows)}, cols ${span(c, o.fc, o.cols)} (peak)`;
      }
      return `(${r}, ${c})`;
    };
    table(name, v, model.get("table_class"), model.get("table_version"));
  };
  const schedule = inNextFrame(draw);
  canvas.addEventListener("pointermove", (ev) => {
    const o = opts(), g = layout(o), [x, y] = at(ev);
    const c = Math.floor((x - g.x0) / g.cell), r = Math.floor((y - g.y0) / g.cell);
    if (r < 0 || r >= g.rows || c < 0 || c >= g.cols) { tell(0, 0, ""); return; }
    const value = arr(model.get("values"), Float32Array)[r * g.cols + c];
    const shown = value === undefined ? "" : value.toPrecision(4);
    const peak = o.fr > 1 || o.fc > 1 ? "peak " : "";
    tell(x, y, `row ${span(r, o.fr, o.rows)}, col ${span(c, o.fc, o.cols)}: ${peak}${shown}`);
  });
  const keys = ["rows", "cols", "block", "values", "lo", "hi", "scheme", "title", "x_label",
    "y_label", "axes", "tiles", "color_label", "cell_px", "width_px", "height_px",
    "table_class", "table_version"];
  return follow(model, keys, draw, schedule, el);
}
export default { render };
