import {
  BAR_TICKS, arr, colorBar, divergingRGB, follow, inNextFrame, ticks, tippedCanvas, valuesTable,
} from "./common.js";

// A matrix heat map (weights, gradients, tiled feature maps, attention) on one canvas: the cells
// as one image (a rows x cols ImageData scaled up, so a 256 x 256 matrix is one drawImage), grey
// lines between tiles, index ticks or names (the words of a sentence) on the axes, axis titles,
// a colour bar with short tick labels (unless `color_bar` is off), and the page-built table of
// the values drawn. Blocks: each drawn cell stands for fr x fc values of the matrix (their peak
// |value|, sent by Python); ticks and hover text name matrix indices.
export const TITLE = 20, TICKS = 16, LABEL = 14, BAR = 10, PAD = 6;
export const MIN_BAR = 120;  // the colour bar is at least this wide, whatever the matrix
export const CHAR = 6;  // px per character of an 11 px label, for fitting without a canvas
export const MARGIN = 34;  // px left of the map for the row labels, at least (more if wider)
// px between the centre lines of two 11 px names stacked (rows) or side by side rotated
// (columns) that do not overlap; px between two flat names in a row. Index ticks are digits
// (8 px tall, no descenders): TICK_LINE between rows, TICK_GAP between two in a row.
export const LINE = 12, GAP = 6, TICK_LINE = 10, TICK_GAP = 4;
export const FONT = "11px sans-serif";
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
// The smallest whole step of 1, 2 or 5 times a power of ten that is at least `x`
export function niceStep(x) {
  if (!(x > 1)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(x)));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= x - 1e-9 * p);
}
// Index ticks 0 .. n-1 (whole numbers, about six), never past the last index. With `pitch` px
// per index, ticks at least `room` px apart (a label's width and a gap): where the round step
// would put them closer (cells under ~8 px), a rounder step (1, 2, 5 x 10^k) that does not.
export function indexTicks(n, pitch = Infinity, room = 0) {
  if (n <= 1) return n === 1 ? [0] : [];
  const t = ticks(0, n - 1).filter((v) => Number.isInteger(v) && v <= n - 1);
  const step = t.length > 1 ? t[1] - t[0] : 1;
  if (step * pitch >= room) return t;
  const wide = niceStep(room / pitch), out = [];
  for (let v = 0; v <= n - 1; v += wide) out.push(v);
  return out;
}
// Every k-th of n labels `pitch` px apart (centre to centre), from the first, for the smallest
// k that puts them at least `room` px apart: a subset of names that never overlap.
export function thin(n, pitch, room) {
  const k = Math.max(1, Math.ceil(room / pitch - 1e-9));
  const out = [];
  for (let i = 0; i < n; i += k) out.push(i);
  return out;
}
// How to write n column names of widths `widths` px under cells `pitch` px wide: { angle (0,
// 45° or 90°, in radians: the text turned up by it), shown (the indices drawn) }. Flat when
// every two neighbours fit side by side with GAP between them; else turned by 45° when the
// cells are at least LINE·√2 wide (two parallel labels LINE apart), else upright (90°), every
// name if the cells are LINE wide, otherwise every k-th (`thin`).
export function columnLabels(widths, pitch) {
  const n = widths.length, all = Array.from(widths, (_, i) => i);
  const flat = widths.every((w, i) => i === 0 || (widths[i - 1] + w) / 2 + GAP <= pitch);
  if (flat) return { angle: 0, shown: all };
  if (pitch >= LINE * Math.SQRT2) return { angle: Math.PI / 4, shown: all };
  return { angle: Math.PI / 2, shown: thin(n, pitch, LINE) };
}
// The box a label `w` px long takes around its anchor (a cell's centre, `top` px under the map)
// turned up by `angle`: px it reaches left and right of the anchor and down from the top. Flat:
// centred, LINE tall. Turned: the text ends at the anchor (right-aligned) and runs down-left,
// LINE thick.
export function labelBox(w, angle) {
  if (!angle) return { left: w / 2, right: w / 2, down: LINE };
  const c = Math.cos(angle), s = Math.sin(angle);
  return { left: w * c + (LINE / 2) * s, right: (LINE / 2) * s, down: w * s + LINE * c };
}
// `names` if it names each of n indices, else null (index ticks)
export function named(names, n) {
  return Array.isArray(names) && names.length === n && n > 0 ? names : null;
}
// The labels along the two axes, for a map of cells `cell` px: { cols: [{ i, text, w, x }],
// angle, rows: [{ i, text, w, y }] } (x, y: px from the map's left / top edge to the cell's
// centre; w: the text's width by `measure`). Names where given (every name the cells leave room
// for), else index ticks thinned so that their labels do not overlap.
export function axisLabels(o, cell, measure) {
  const colNames = named(o.col_names, o.cols), rowNames = named(o.row_names, o.rows);
  const cp = cell / o.fc, rp = cell / o.fr;  // px per matrix index along each axis
  let cols, angle = 0;
  if (colNames) {
    const widths = colNames.map((s) => measure(s));
    const fit = columnLabels(widths, cp);
    angle = fit.angle;
    cols = fit.shown.map((i) => ({ i, text: colNames[i], w: widths[i] }));
  } else {
    const room = measure(String(Math.max(0, o.cols - 1))) + TICK_GAP;
    cols = indexTicks(o.cols, cp, room).map((i) => ({ i, text: String(i), w: measure(String(i)) }));
  }
  const shown = rowNames ? thin(o.rows, rp, LINE) : indexTicks(o.rows, rp, TICK_LINE);
  const rows = shown.map((i) => {
    const text = rowNames ? rowNames[i] : String(i);
    return { i, text, w: measure(text), y: (i + 0.5) * rp };
  });
  for (const c of cols) c.x = (c.i + 0.5) * cp;
  return { cols, angle, rows };
}
// The layout in CSS pixels: the plot box at (x0, y0) of w x h, the canvas W x H. `measure(text)`
// is an 11 px label's width (the page's ctx.measureText; CHAR a character without a canvas):
// the left margin grows to the widest row label and to column names turned down-left past the
// map's left edge, the space under the map to the turned names' depth (`depth`), so that no
// label is cut off.
export function layout(o, measure = (s) => CHAR * s.length) {
  const rows = Math.ceil(o.rows / o.fr), cols = Math.ceil(o.cols / o.fc);
  let cell = o.cell_px;
  if (!(cell > 0)) cell = Math.min(o.width_px / Math.max(1, cols), o.height_px / Math.max(1, rows));
  cell = Math.max(0.25, cell);
  const w = cols * cell, h = rows * cell, bar = o.color_bar !== false;
  // the row title turned up the left side where it fits, else a line "rows: ..." under the
  // column title (a flat matrix: a conv layer's 3 kernel rows)
  const rotated = !o.y_label || measure(o.y_label) <= h + 24;
  const labels = o.axes ? axisLabels(o, cell, measure) : { cols: [], angle: 0, rows: [] };
  let left = 0, right = w, depth = o.axes ? TICKS : 0;  // the column labels' reach
  for (const c of labels.cols) {
    const box = labelBox(c.w, labels.angle);
    left = Math.min(left, c.x - box.left); right = Math.max(right, c.x + box.right);
    if (labels.angle) depth = Math.max(depth, 3 + box.down + 3);
  }
  const rowW = Math.max(0, ...labels.rows.map((r) => r.w));
  let x0 = PAD;
  if (o.axes) {
    x0 = (o.y_label && rotated ? LABEL : 0) + Math.max(MARGIN, Math.ceil(rowW) + 8);
    x0 = Math.max(x0, Math.ceil(2 - left));
  }
  const y0 = TITLE;
  const titles = (o.x_label ? LABEL : 0) + (o.y_label && !rotated ? LABEL : 0);
  const below = y0 + h + (o.axes ? depth + titles : PAD);
  const barW = bar ? Math.max(MIN_BAR, w) : 0;
  const W = Math.ceil(Math.max(x0 + w + PAD, x0 + right + 2, bar ? 2 * PAD + barW : 0));
  const H = Math.ceil(bar ? below + 6 + BAR + BAR_TICKS + (o.color_label ? LABEL : 0) : below);
  const barX = Math.min(x0, W - PAD - barW);
  return { rows, cols, cell, x0, y0, w, h, below, barX, barW, W, H, rotated, depth, bar,
    labels };
}
// Matrix indices i .. of drawn cell `i` with `f` indices a cell, out of n: "3" or "256–511"
export function span(i, f, n) {
  return f > 1 ? `${i * f}–${Math.min(n, (i + 1) * f) - 1}` : String(i);
}
// What drawn cell (r, c) is called, for its hover tip and its row of the values table. Without
// names "row 3, col 5" (tip) and "(3, 5)" (table), blocks by their index ranges; with names
// (either axis) the axis titles and the names: "query 'not' · key 'bad'" (tip), "query 3 'not'
// · key 4 'bad'" (table: a word can occur twice).
export function cellText(o, r, c, table = false) {
  const rn = o.fr === 1 && named(o.row_names, o.rows);
  const cn = o.fc === 1 && named(o.col_names, o.cols);
  const blocked = o.fr > 1 || o.fc > 1;
  if (!rn && !cn) {
    if (!table) return `row ${span(r, o.fr, o.rows)}, col ${span(c, o.fc, o.cols)}`;
    return blocked ? `rows ${span(r, o.fr, o.rows)}, cols ${span(c, o.fc, o.cols)} (peak)`
      : `(${r}, ${c})`;
  }
  const part = (title, names, i, f, n) => {
    if (!names) return `${title} ${span(i, f, n)}`;
    return table ? `${title} ${i} '${names[i]}'` : `${title} '${names[i]}'`;
  };
  return `${part(o.y_label || "row", rn, r, o.fr, o.rows)} · ` +
    `${part(o.x_label || "col", cn, c, o.fc, o.cols)}`;
}
// The hover tip of drawn cell (r, c) holding `value`: "query 'not' · key 'bad': 0.4231"
export function tipText(o, r, c, value) {
  const shown = value === undefined ? "" : value.toPrecision(4);
  return `${cellText(o, r, c)}: ${o.fr > 1 || o.fc > 1 ? "peak " : ""}${shown}`;
}
function render({ model, el }) {
  const { canvas, ctx, at, tell } = tippedCanvas(el, "nnw-matrix-canvas");
  const cells = document.createElement("canvas"), cctx = cells.getContext("2d");
  let frame = 0, table = null, last = null;
  const widths = new Map();  // label text -> px, in FONT
  const measure = (s) => {
    if (!widths.has(s)) {
      ctx.font = FONT;
      widths.set(s, ctx.measureText(s).width);
      if (widths.size > 4096) widths.clear();
    }
    return widths.get(s);
  };
  const opts = () => {
    const [fr, fc] = model.get("block").length === 2 ? model.get("block") : [1, 1];
    return {
      rows: model.get("rows"), cols: model.get("cols"), fr, fc, cell_px: model.get("cell_px"),
      width_px: model.get("width_px"), height_px: model.get("height_px"),
      axes: model.get("axes"), x_label: model.get("x_label"), y_label: model.get("y_label"),
      color_label: model.get("color_label"), color_bar: model.get("color_bar"),
      row_names: model.get("row_names"), col_names: model.get("col_names"),
    };
  };
  const draw = () => {
    const o = opts(), g = layout(o, measure), dpr = window.devicePixelRatio || 1;
    last = { o, g };
    const v = arr(model.get("values"), Float32Array);
    const scheme = model.get("scheme"), lo = model.get("lo"), hi = model.get("hi");
    if (canvas.width !== Math.round(g.W * dpr) || canvas.height !== Math.round(g.H * dpr)) {
      canvas.style.width = g.W + "px"; canvas.style.height = g.H + "px";
      canvas.width = Math.round(g.W * dpr); canvas.height = Math.round(g.H * dpr);
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0); ctx.clearRect(0, 0, g.W, g.H);
    ctx.font = FONT; ctx.fillStyle = "#333";
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
    if (o.axes) {  // indices or names at cell centres; titles under and left of them
      ctx.fillStyle = "#555";
      const { cols, rows, angle } = g.labels, top = g.y0 + g.h + 3;
      for (const c of cols) {
        if (!angle) {
          ctx.textAlign = "center"; ctx.textBaseline = "top";
          ctx.fillText(c.text, g.x0 + c.x, top);
          continue;
        }
        ctx.save(); ctx.translate(g.x0 + c.x, top + (LINE / 2) * Math.cos(angle));
        ctx.rotate(-angle); ctx.textAlign = "right"; ctx.textBaseline = "middle";
        ctx.fillText(c.text, 0, 0); ctx.restore();
      }
      ctx.textAlign = "right"; ctx.textBaseline = "middle";
      for (const r of rows) ctx.fillText(r.text, g.x0 - 4, g.y0 + r.y);
      ctx.fillStyle = "#333"; ctx.textAlign = "center"; ctx.textBaseline = "top";
      if (o.x_label) ctx.fillText(o.x_label, g.x0 + g.w / 2, g.y0 + g.h + g.depth, g.W - 4);
      if (o.y_label && g.rotated) {
        ctx.save(); ctx.translate(2, g.y0 + g.h / 2); ctx.rotate(-Math.PI / 2);
        ctx.fillText(o.y_label, 0, 0); ctx.restore();
      } else if (o.y_label) {
        const y = g.y0 + g.h + g.depth + (o.x_label ? LABEL : 0);
        ctx.fillText(`rows: ${o.y_label}`, g.x0 + g.w / 2, y, g.W - 4);
      }
    }
    if (g.bar) {  // the colour bar: lo .. hi on the cells' scheme, short labels at round values
      colorBar(ctx, { x: g.barX, y: g.below + 6, w: g.barW, h: BAR, lo, hi,
        color: (value) => colorOf(value, scheme, lo, hi), label: o.color_label });
    }
    canvas.dataset.frame = String(++frame);
    canvas.dataset.checksum = sum.toPrecision(8);  // gradients can be ~1e-6: significant digits
    // what the page wrote on the axes, for tests: the names (or indices) drawn, and the angle
    const { cols, rows, angle } = g.labels;
    canvas.dataset.labels = JSON.stringify({ cols: cols.map((c) => c.text),
      rows: rows.map((r) => r.text), angle: Math.round((angle * 180) / Math.PI) });
    table = table || valuesTable(el);  // the exact values drawn, by matrix index
    const name = (i) => cellText(o, Math.floor(i / g.cols), i % g.cols, true);
    table(name, v, model.get("table_class"), model.get("table_version"));
  };
  const schedule = inNextFrame(draw);
  // the drawn cell under the pointer, or null
  const cellAt = (ev) => {
    if (!last) return null;
    const { g } = last, [x, y] = at(ev);
    const c = Math.floor((x - g.x0) / g.cell), r = Math.floor((y - g.y0) / g.cell);
    return r < 0 || r >= g.rows || c < 0 || c >= g.cols ? null : { r, c, x, y };
  };
  canvas.addEventListener("pointermove", (ev) => {
    const hit = cellAt(ev);
    if (!hit) { tell(0, 0, ""); return; }
    const { o, g } = last, { r, c, x, y } = hit;
    tell(x, y, tipText(o, r, c, arr(model.get("values"), Float32Array)[r * g.cols + c]));
  });
  canvas.addEventListener("click", (ev) => {  // the kernel decides what a click does
    const hit = cellAt(ev);
    if (hit) model.send({ event: "cell_click", row: hit.r, col: hit.c });
  });
  const keys = ["rows", "cols", "block", "values", "lo", "hi", "scheme", "title", "x_label",
    "y_label", "axes", "tiles", "color_label", "color_bar", "row_names", "col_names", "cell_px",
    "width_px", "height_px", "table_class", "table_version"];
  return follow(model, keys, draw, schedule, el);
}
export default { render };
