import {
  BAR_TICKS, arr, colorBar, divergingRGB, inNextFrame, tickLabel, ticks, tippedCanvas,
} from "./common.js";

// A multichannel time series (steps x channels, one float32 buffer) as a line chart the user
// edits: drag a point up or down (sweeping across steps sets those too, like painting), the
// values clamped to [y_lo, y_hi]. The edited series goes back as one float32 buffer at most
// once per animation frame. An optional second buffer (`shade`, e.g. attribution over the
// series) colours a band behind each step (one channel) or under each point, with a colour bar.
export const PAD = 6, TITLE = 16, LEGEND = 16, LEFT = 44, RIGHT = 12, INSET = 7;
export const TICKS = 15, XLABEL = 14, GAP = 8, BAR_W = 160, BAR = 8, LABEL = 14;
export const RADIUS = 3.5, HIT = 8, BAND = 10, MIN_W = 240;
export const COLORS = ["#111111", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e",
  "#a6761d", "#666666"];
// Channel `c`'s legend name
export function channelName(names, c) {
  return names[c] === undefined || names[c] === "" ? `channel ${c}` : String(names[c]);
}
// The canvas width: width_px, narrowed to the element's width (not below MIN_W; 0 = unknown)
export function fitWidth(widthPx, avail) {
  return avail > 0 ? Math.max(MIN_W, Math.min(widthPx, avail)) : widthPx;
}
// Legend items placed in rows across [x, x + w]: [{ c, x, row }], and the number of rows.
// `measure(text)` is a text's width in px (the canvas's measureText, or an estimate in tests).
export function legendRows(names, channels, x, w, measure) {
  const items = [];
  let cx = x, row = 0;
  for (let c = 0; c < channels; c++) {
    const iw = 22 + measure(channelName(names, c)) + 14;
    if (cx > x && cx + iw > x + w) { cx = x; row += 1; }
    items.push({ c, x: cx, row }); cx += iw;
  }
  return { items, rows: channels ? row + 1 : 0 };
}
// The layout in CSS pixels: the plot box (x0, y0, w, h), where the x axis, its title, the legend
// and the colour bar (only when `shaded`) go; the canvas W x H.
export function layout(o) {
  const legend = legendRows(o.names, o.channels, LEFT, o.W - LEFT - RIGHT, o.measure);
  const top = PAD + (o.title ? TITLE : 0), y0 = top + legend.rows * LEGEND + 4;
  const x0 = LEFT, w = Math.max(1, o.W - LEFT - RIGHT);
  const h = Math.max(2 * INSET + 10, o.height_px - y0 - TICKS - XLABEL - PAD);
  const below = y0 + h + TICKS + XLABEL;
  const barY = below + GAP, barW = Math.min(BAR_W, w);
  const H = o.shaded ? barY + BAR + BAR_TICKS + (o.color_label ? LABEL : 0) + PAD :
    below + PAD;
  return { x0, y0, w, h, top, legend, below, barY, barW, W: o.W, H: Math.ceil(H),
    steps: o.steps, channels: o.channels };
}
// Screen x of step t's point (steps sit at the centres of equal columns)
export function xOf(t, g) {
  return g.x0 + ((t + 0.5) * g.w) / Math.max(1, g.steps);
}
// Screen y of value v over [lo, hi] (INSET px inside the plot box at both ends)
export function yOf(v, g, lo, hi) {
  const span = hi > lo ? hi - lo : 1;
  return g.y0 + INSET + ((hi - v) / span) * (g.h - 2 * INSET);
}
// The step whose column holds screen x (clamped to 0 .. steps-1)
export function stepAt(px, g) {
  const t = Math.floor(((px - g.x0) / g.w) * g.steps);
  return Math.min(g.steps - 1, Math.max(0, t));
}
// The value at screen y, clamped to [lo, hi], as the float32 the buffer will hold
export function valueAt(py, g, lo, hi) {
  const f = (g.y0 + g.h - INSET - py) / (g.h - 2 * INSET);
  return Math.fround(Math.min(hi, Math.max(lo, lo + f * (hi - lo))));
}
// The point under (px, py): { step, channel, d } of the nearest point within `radius` px, or
// null. `values` is steps x channels, row-major.
export function hitPoint(px, py, values, g, lo, hi, radius = HIT) {
  if (!g.steps || !g.channels) return null;
  let best = null;
  const t0 = stepAt(px, g);
  for (let t = Math.max(0, t0 - 1); t <= Math.min(g.steps - 1, t0 + 1); t++) {
    for (let c = 0; c < g.channels; c++) {
      const v = values[t * g.channels + c];
      if (!Number.isFinite(v)) continue;
      const d = Math.hypot(px - xOf(t, g), py - yOf(v, g, lo, hi));
      if (d <= radius && (!best || d < best.d)) best = { step: t, channel: c, d };
    }
  }
  return best;
}
// The channel whose point at step t is nearest screen y (hover text)
export function nearestChannel(py, t, values, g, lo, hi) {
  let best = 0, bd = Infinity;
  for (let c = 0; c < g.channels; c++) {
    const d = Math.abs(py - yOf(values[t * g.channels + c], g, lo, hi));
    if (d < bd) { bd = d; best = c; }
  }
  return best;
}
// A drag from (t0, v0) to (t1, v1) on channel c: every step between gets the value on the
// straight line between them (no gaps when the pointer skips steps). True if any changed.
export function paintSegment(values, channels, c, t0, v0, t1, v1) {
  let changed = false;
  const n = Math.abs(t1 - t0), dir = t1 >= t0 ? 1 : -1;
  for (let k = 0; k <= n; k++) {
    const t = t0 + dir * k, f = n ? k / n : 1;
    const v = Math.fround(v0 + (v1 - v0) * f), i = t * channels + c;
    if (values[i] !== v) { values[i] = v; changed = true; }
  }
  return changed;
}
// Step ticks: whole steps from 0, at least `gap` px apart on a plot w px wide
export function stepTicks(steps, w, gap = 28) {
  if (steps <= 1) return steps === 1 ? [0] : [];
  const out = ticks(0, steps - 1).filter((v) => Number.isInteger(v) && v <= steps - 1);
  const step = out.length > 1 ? out[1] - out[0] : 1, px = (w / steps) * step;
  const every = Math.max(1, Math.ceil(gap / px));
  return out.filter((_, k) => k % every === 0);
}
// The shade band of (t, c): [x, y, w, h]; the whole column for one channel, else a band
// 2 BAND px high around the point, inside the plot box. Edges on whole pixels: no seams
// between neighbouring columns.
export function bandRect(t, c, v, g, lo, hi) {
  const cw = g.w / Math.max(1, g.steps), x = Math.round(g.x0 + t * cw);
  const w = Math.round(g.x0 + (t + 1) * cw) - x;
  if (g.channels === 1) return [x, g.y0, w, g.h];
  const at = Math.round(yOf(v, g, lo, hi));
  const y = Math.min(g.y0 + g.h, Math.max(g.y0, at - BAND));
  return [x, y, w, Math.min(g.y0 + g.h, Math.max(g.y0, at + BAND)) - y];
}
// The colour of a shade value over [lo, hi] (symmetric: ±max(|lo|, |hi|) full colour)
export function shadeRGB(s, lo, hi) {
  return Number.isFinite(s) ? divergingRGB(s / (Math.max(Math.abs(lo), Math.abs(hi)) || 1)) :
    [221, 221, 221];
}
// Hover text: "step t · name: value (label shade)"
export function hoverText(t, name, v, s, label) {
  const shade = s === undefined ? "" : ` (${label || "shade"} ${s.toPrecision(4)})`;
  return `step ${t} · ${name}: ${v.toPrecision(4)}${shade}`;
}
const rgb = (c) => `rgb(${c[0]},${c[1]},${c[2]})`;
// The grid lines (drawn each frame, over the shade bands) and the plot's frame
function drawGrid(ctx, g, lo, hi) {
  ctx.lineWidth = 1; ctx.beginPath();
  for (const v of hi > lo ? ticks(lo, hi) : [lo]) {
    if (v < lo || v > hi || v === 0) continue;
    const y = Math.round(yOf(v, g, lo, hi)) + 0.5;
    ctx.moveTo(g.x0, y); ctx.lineTo(g.x0 + g.w, y);
  }
  ctx.strokeStyle = "rgba(0,0,0,0.07)"; ctx.stroke();  // darker on the bands, as on white
  if (lo < 0 && hi > 0) {
    const y = Math.round(yOf(0, g, lo, hi)) + 0.5;
    ctx.strokeStyle = "rgba(0,0,0,0.22)"; ctx.beginPath();
    ctx.moveTo(g.x0, y); ctx.lineTo(g.x0 + g.w, y); ctx.stroke();
  }
  ctx.strokeStyle = "#aaa"; ctx.strokeRect(g.x0 + 0.5, g.y0 + 0.5, g.w - 1, g.h - 1);
}
// The axes' tick labels and title (drawn once into the background)
function drawAxes(ctx, g, lo, hi) {
  ctx.font = "11px sans-serif"; ctx.fillStyle = "#555";
  const extent = Math.max(Math.abs(lo), Math.abs(hi));
  ctx.textAlign = "right"; ctx.textBaseline = "middle";
  for (const v of hi > lo ? ticks(lo, hi) : [lo]) {
    if (v < lo || v > hi) continue;
    ctx.fillText(tickLabel(v, extent), g.x0 - 5, yOf(v, g, lo, hi), LEFT - 8);
  }
  ctx.textAlign = "center"; ctx.textBaseline = "top";
  for (const t of stepTicks(g.steps, g.w)) {
    const x = Math.round(xOf(t, g));
    ctx.fillRect(x, g.y0 + g.h, 1, 3);
    ctx.fillText(String(t), x + 0.5, g.y0 + g.h + 4);
  }
  ctx.fillStyle = "#333"; ctx.fillText("time step", g.x0 + g.w / 2, g.y0 + g.h + TICKS);
}
function drawLegend(ctx, g, names) {
  ctx.textAlign = "left"; ctx.textBaseline = "middle";
  for (const { c, x, row } of g.legend.items) {
    const y = g.top + row * LEGEND + LEGEND / 2, color = COLORS[c % COLORS.length];
    ctx.strokeStyle = color; ctx.lineWidth = 2;
    ctx.beginPath(); ctx.moveTo(x, y); ctx.lineTo(x + 16, y); ctx.stroke();
    ctx.fillStyle = color; ctx.beginPath(); ctx.arc(x + 8, y, RADIUS, 0, 2 * Math.PI); ctx.fill();
    ctx.fillStyle = "#333"; ctx.fillText(channelName(names, c), x + 22, y);
  }
}
function drawBands(ctx, g, values, colors, lo, hi) {  // colors: a CSS colour per (t, c)
  for (let t = 0; t < g.steps; t++) {
    for (let c = 0; c < g.channels; c++) {
      const i = t * g.channels + c, [x, y, w, h] = bandRect(t, c, values[i], g, lo, hi);
      ctx.fillStyle = colors[i]; ctx.fillRect(x, y, w, h);
    }
  }
}
function drawLines(ctx, g, values, lo, hi) {
  ctx.save();
  ctx.beginPath(); ctx.rect(g.x0, g.y0, g.w, g.h); ctx.clip();  // values beyond [lo, hi]
  ctx.lineJoin = "round";
  for (let c = 0; c < g.channels; c++) {
    const color = COLORS[c % COLORS.length];
    ctx.beginPath();
    for (let t = 0; t < g.steps; t++) {
      const x = xOf(t, g), y = yOf(values[t * g.channels + c], g, lo, hi);
      if (t) ctx.lineTo(x, y); else ctx.moveTo(x, y);
    }
    ctx.strokeStyle = "#fff"; ctx.lineWidth = 4; ctx.stroke();  // a halo: readable on bands
    ctx.strokeStyle = color; ctx.lineWidth = 2; ctx.stroke();
    ctx.beginPath();
    for (let t = 0; t < g.steps; t++) {
      const x = xOf(t, g), y = yOf(values[t * g.channels + c], g, lo, hi);
      ctx.moveTo(x + RADIUS, y); ctx.arc(x, y, RADIUS, 0, 2 * Math.PI);
    }
    ctx.fillStyle = color; ctx.fill();
    ctx.strokeStyle = "#fff"; ctx.lineWidth = 1; ctx.stroke();
  }
  ctx.restore();
}
const LISTED = 4096;  // data-values (what browser tests read) only for series this small
function render({ model, el }) {
  const { canvas, ctx, at, tell } = tippedCanvas(el, "nnw-series-canvas");
  canvas.style.touchAction = "none";
  let values = new Float32Array(0), g = null, frame = 0, sent = 0, drag = null;
  let avail = el.clientWidth;
  const opts = () => ({
    W: fitWidth(model.get("width_px"), avail), height_px: model.get("height_px"),
    steps: model.get("steps"), channels: model.get("channels"), title: model.get("title"),
    names: model.get("channel_names"), color_label: model.get("color_label"),
    shaded: shadeOf(model.get("steps") * model.get("channels")) !== null,
    measure: (s) => { ctx.font = "11px sans-serif"; return ctx.measureText(s).width; },
  });
  const read = () => {  // a copy of the synced float32 bytes (missing values: 0)
    const out = new Float32Array(model.get("steps") * model.get("channels"));
    const v = arr(model.get("value"), Float32Array);
    out.set(v.subarray(0, out.length));
    return out;
  };
  const shadeOf = (n) => {
    const s = arr(model.get("shade"), Float32Array);
    return s.length === n && n > 0 ? s : null;
  };
  // Everything but the series (title, legend, tick labels, colour bar: text, the slow part of a
  // frame) is drawn into `back` when it changes; a frame copies it and draws the series over it.
  const back = document.createElement("canvas"), bctx = back.getContext("2d");
  let backKey = "";
  const background = (o, dpr, ranges) => {
    const key = JSON.stringify([o.W, o.height_px, o.steps, o.channels, o.title, o.names,
      o.color_label, o.shaded, dpr, ranges]);
    if (key === backKey && g) return;
    backKey = key; g = layout(o);
    for (const c of [canvas, back]) {
      c.width = Math.round(g.W * dpr); c.height = Math.round(g.H * dpr);
    }
    canvas.style.width = g.W + "px"; canvas.style.height = g.H + "px";
    bctx.setTransform(dpr, 0, 0, dpr, 0, 0); bctx.clearRect(0, 0, g.W, g.H);
    bctx.font = "11px sans-serif";
    if (o.title) {
      bctx.fillStyle = "#333"; bctx.textAlign = "center"; bctx.textBaseline = "top";
      bctx.fillText(o.title, g.x0 + g.w / 2, PAD, g.W - 8);  // centred over the plot
    }
    drawLegend(bctx, g, o.names);
    drawAxes(bctx, g, ranges[0], ranges[1]);
    if (o.shaded) {  // the shade's colour bar under the x axis, coloured as the bands are
      const [lo, hi] = ranges.slice(2);
      colorBar(bctx, { x: g.x0, y: g.barY, w: g.barW, h: BAR, lo, hi,
        color: (v) => shadeRGB(v, lo, hi), label: o.color_label });
    }
    canvas.dataset.plot = JSON.stringify([g.x0, g.y0, g.w, g.h, INSET]);
  };
  let colors = { key: null, css: [] };  // the shade's colours, kept while it is unchanged
  const bandColors = (shade, slo, shi) => {
    const key = [model.get("shade"), slo, shi];
    if (!key.every((k, i) => k === colors.key?.[i])) {
      colors = { key, css: Array.from(shade, (v) => rgb(shadeRGB(v, slo, shi))) };
    }
    return colors.css;
  };
  const draw = () => {
    const start = window.performance.now(), o = opts(), dpr = window.devicePixelRatio || 1;
    const lo = model.get("y_lo"), hi = model.get("y_hi");
    const slo = model.get("shade_lo"), shi = model.get("shade_hi");
    background(o, dpr, [lo, hi, slo, shi]);
    if (values.length !== g.steps * g.channels) values = read();
    const shade = shadeOf(values.length);
    ctx.setTransform(1, 0, 0, 1, 0, 0); ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(back, 0, 0);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    if (shade) drawBands(ctx, g, values, bandColors(shade, slo, shi), lo, hi);
    drawGrid(ctx, g, lo, hi);
    drawLines(ctx, g, values, lo, hi);
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[i];
    canvas.dataset.frame = String(++frame);
    canvas.dataset.checksum = sum.toFixed(4);
    if (values.length <= LISTED) canvas.dataset.values = values.join(",");
    canvas.dataset.drawMs = (window.performance.now() - start).toFixed(3);
  };
  const schedule = inNextFrame(draw);
  const send = inNextFrame(() => {  // the whole series, once per frame of a drag
    model.set("value", new DataView(values.slice().buffer)); model.save_changes();
    canvas.dataset.sent = String(++sent);
  });
  const hover = (x, y) => {
    if (!g || !g.steps || !g.channels || x < g.x0 || x > g.x0 + g.w || y < g.y0 ||
      y > g.y0 + g.h) { tell(0, 0, ""); return; }
    const lo = model.get("y_lo"), hi = model.get("y_hi"), t = drag ? drag.step : stepAt(x, g);
    const c = drag ? drag.channel : nearestChannel(y, t, values, g, lo, hi);
    const i = t * g.channels + c, shade = shadeOf(values.length);
    tell(x, y, hoverText(t, channelName(model.get("channel_names"), c), values[i],
      shade ? shade[i] : undefined, model.get("color_label")));
  };
  const move = (x, y) => {  // the dragged channel follows the pointer across steps
    const lo = model.get("y_lo"), hi = model.get("y_hi");
    const t = stepAt(x, g), v = valueAt(y, g, lo, hi);
    const changed = paintSegment(values, g.channels, drag.channel, drag.step, drag.value, t, v);
    drag.step = t; drag.value = v;
    if (changed) { schedule(); send(); }
  };
  canvas.addEventListener("pointerdown", (ev) => {
    if (!g) return;
    const [x, y] = at(ev), lo = model.get("y_lo"), hi = model.get("y_hi");
    const hit = hitPoint(x, y, values, g, lo, hi);
    if (!hit) return;
    drag = { channel: hit.channel, step: hit.step, value: values[hit.step * g.channels +
      hit.channel] };
    canvas.setPointerCapture(ev.pointerId);
    move(x, y); hover(x, y);
  });
  canvas.addEventListener("pointermove", (ev) => {
    if (!g) return;
    const [x, y] = at(ev);
    if (drag) move(x, y);
    else {
      canvas.style.cursor = hitPoint(x, y, values, g, model.get("y_lo"), model.get("y_hi")) ?
        "ns-resize" : "";
    }
    hover(x, y);
  });
  const up = () => { drag = null; };
  canvas.addEventListener("pointerup", up); canvas.addEventListener("pointercancel", up);
  const reread = () => { values = read(); schedule(); };
  const keys = ["steps", "channels", "channel_names", "y_lo", "y_hi", "shade", "shade_lo",
    "shade_hi", "title", "color_label", "width_px", "height_px"];
  for (const k of keys) model.on("change:" + k, schedule);
  model.on("change:value", reread);
  values = read(); draw();
  const Observer = window.ResizeObserver;  // narrower than width_px: fit the element
  const sized = Observer && new Observer(() => {
    if (el.clientWidth !== avail) { avail = el.clientWidth; schedule(); }
  });
  if (sized) sized.observe(el);
  return () => {
    if (sized) sized.disconnect();
    for (const k of keys) model.off("change:" + k, schedule);
    model.off("change:value", reread);
  };
}
export default { render };
