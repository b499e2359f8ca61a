// Helpers shared by the views' modules. Python (nnwidgets/views/_js.py) joins this file and a
// view's own module into one ES module for anywidget, which loads it from a blob URL where
// relative imports do not resolve; node imports it directly for the unit tests (js/test/).
// Everything here is exported, so that a view module's import of this file can simply be
// dropped when the two are joined.
export const ORANGE = [245, 147, 34], WHITE = [255, 255, 255], BLUE = [8, 119, 189];
// A synced Bytes trait as a typed array `T` over the same memory where the alignment allows
// (ipywidgets 8 delivers Bytes as DataView; ArrayBuffer and typed views are accepted too).
export function arr(v, T) {
  if (!v) return new T(0);
  if (v instanceof ArrayBuffer) v = new DataView(v);
  if (!ArrayBuffer.isView(v)) return new T(0);
  const n = Math.floor(v.byteLength / T.BYTES_PER_ELEMENT);
  if (v.byteOffset % T.BYTES_PER_ELEMENT === 0) return new T(v.buffer, v.byteOffset, n);
  return new T(v.buffer.slice(v.byteOffset, v.byteOffset + n * T.BYTES_PER_ELEMENT));
}
// RdBu (colorbrewer) around a pale white: red for negative, blue for positive, f in [-1, 1]
export const RED = [178, 24, 43], BLUE_DARK = [33, 102, 172], PALE = [247, 247, 247];
export function divergingRGB(f) {  // [r, g, b]: ImageData pixels
  const c = f < 0 ? RED : BLUE_DARK, a = Math.min(1, Math.abs(f));
  return [0, 1, 2].map((i) => Math.round(PALE[i] + (c[i] - PALE[i]) * a));
}
export function diverging(f) {  // a CSS colour: fillStyle
  return `rgb(${divergingRGB(f).join(",")})`;
}
// A canvas of class `cls` with a hover tip beside it, appended to `el`; `at(ev)` maps a pointer
// event to canvas pixels, `tell(x, y, text)` shows the tip there (text "" hides it).
export function tippedCanvas(el, cls) {
  const wrap = document.createElement("div"), canvas = document.createElement("canvas");
  const tip = document.createElement("div");
  wrap.style.cssText = "position:relative;display:inline-block";
  canvas.className = cls; canvas.style.display = "block";
  tip.style.cssText = "position:absolute;display:none;pointer-events:none;background:#fff;" +
    "border:1px solid #999;border-radius:3px;padding:1px 5px;font:11px sans-serif;" +
    "white-space:nowrap";
  wrap.append(canvas, tip); el.appendChild(wrap);
  const at = (ev) => {
    const b = canvas.getBoundingClientRect();
    return [(ev.clientX - b.left) * (canvas.offsetWidth / b.width),
      (ev.clientY - b.top) * (canvas.offsetHeight / b.height)];
  };
  const tell = (x, y, text) => {
    tip.textContent = text; tip.style.display = text ? "block" : "none";
    tip.style.left = x + 12 + "px"; tip.style.top = y + 12 + "px";
  };
  canvas.addEventListener("pointerleave", () => { tip.style.display = "none"; });
  savePngButton(wrap, canvas, cls);
  return { canvas, tip, ctx: canvas.getContext("2d"), at, tell };
}
// The file a picture named `name` (a title or a CSS class) is saved as: a short lower-case
// slug without the "nnw-" prefix ("nnw-heat-canvas" -> "heat-canvas.png"); else "picture.png".
export function pngName(name) {
  const slug = String(name ?? "").toLowerCase().replace(/^nnw-/, "")
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+/, "").slice(0, 60).replace(/-+$/, "");
  return (slug || "picture") + ".png";
}
// The "PNG" button's look: in the wrapper's top-right corner, shown while the pointer is over
// the picture or the button has the keyboard focus (it takes no clicks while hidden).
const PNG_STYLE = ".nnw-png-wrap>.nnw-png{position:absolute;top:2px;right:2px;z-index:1;" +
  "padding:0 4px;font:10px/16px sans-serif;color:#333;background:rgba(255,255,255,.9);" +
  "border:1px solid #999;border-radius:3px;cursor:pointer;opacity:0;pointer-events:none}" +
  ".nnw-png-wrap:hover>.nnw-png,.nnw-png-wrap>.nnw-png:focus{opacity:1;pointer-events:auto}";
// A small "PNG" button on `wrap` (positioned: it holds `canvas`) that downloads the canvas's
// pixels as `pngName(name)`; returns the button.
export function savePngButton(wrap, canvas, name) {
  const doc = wrap.ownerDocument;
  if (doc.head && !doc.getElementById("nnw-png-style")) {
    const style = doc.createElement("style");
    style.id = "nnw-png-style"; style.textContent = PNG_STYLE; doc.head.appendChild(style);
  }
  const button = doc.createElement("button"), title = "save this picture as PNG";
  button.type = "button"; button.className = "nnw-png"; button.textContent = "PNG";
  button.title = title; button.setAttribute("aria-label", title);
  button.addEventListener("click", (ev) => {
    ev.stopPropagation();
    canvas.toBlob((blob) => {
      if (!blob) return;
      const url = window.URL.createObjectURL(blob), a = doc.createElement("a");
      a.href = url; a.download = pngName(name); a.style.display = "none";
      doc.body.appendChild(a); a.click(); a.remove();
      window.setTimeout(() => window.URL.revokeObjectURL(url), 10000);
    }, "image/png");
  });
  wrap.classList.add("nnw-png-wrap"); wrap.appendChild(button);
  return button;
}
// The `caption` trait's HTML (exact values, notes) in a div under the picture; the returned
// function stops following it.
export function captioned(el, model) {
  const div = document.createElement("div");
  div.className = "nnw-caption"; el.appendChild(div);
  const set = () => { div.innerHTML = model.get("caption"); };
  model.on("change:caption", set); set();
  return () => model.off("change:caption", set);
}
// Draw now and, through `schedule`, again whenever one of `keys` changes; with `el`, also
// show the caption under the picture. Returns the render's clean-up.
export function follow(model, keys, draw, schedule, el = null) {
  for (const k of keys) model.on("change:" + k, schedule);
  const uncaption = el ? captioned(el, model) : () => {};  // before a table the draw may add
  draw();
  return () => { for (const k of keys) model.off("change:" + k, schedule); uncaption(); };
}
export function inNextFrame(draw) {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; draw(); });
  };
}
// A bar chart's value axis [lo, hi] (0 always inside) that keeps the previous domain `d` until
// the data leave it or shrink below 60% of it: bqplot's "stabilized" scale. Bars grow from 0:
// the axis is padded by 12.5% on the sides the bars reach, and ends at 0 on a side they do not
// (all-positive norms or ReLU activations get no negative stretch).
export function steady(d, lo, hi) {
  lo = Math.min(lo, 0); hi = Math.max(hi, 0);
  const span = hi - lo || 1, pad = 0.125 * span, both = lo === hi;
  if (d && lo >= d[0] && hi <= d[1] && span >= 0.6 * (d[1] - d[0])) return d;
  return [lo < 0 || both ? lo - pad : 0, hi > 0 || both ? hi + pad : 0];
}
// Round tick values (steps of 1, 2 or 5 times a power of ten) covering [lo, hi], about 6 of them
export function ticks(lo, hi) {
  const raw = (hi - lo) / 6, p = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) || raw;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) {
    out.push(+v.toFixed(10));
  }
  return out;
}
// A short tick label for `v` on an axis whose largest |value| is `extent` (default |v|): two
// significant digits of the extent, trailing zeros dropped, minus as U+2212 ("0.88", "−0.4",
// "1200"). Axes with an extent below TINY or from HUGE on get SI prefixes, one prefix for the
// whole axis, chosen by the extent ("9µ" = 9e-6, "0.5µ", "12k", "1.5M"), as the bqplot axes do
// (tick_format in views/_convert.py): never "0.0000090", which a narrow margin cut to "0000090".
// Past pico and tera (below 1e-12, from 1e15 on): e-notation ("1.7e-23", not "17y").
export const TINY = 1e-3, HUGE = 1e4;
const PREFIXES = ["p", "n", "µ", "m", "", "k", "M", "G", "T"];  // 1e-12 ... 1e12
export function tickLabel(v, extent = Math.abs(v)) {
  if (!Number.isFinite(v)) return String(v).replace(/^-/, "−");
  let m = Math.abs(extent);
  if (!Number.isFinite(m) || m < Math.abs(v)) m = Math.abs(v);
  m = Number(m.toPrecision(2));  // 999.6e-6 is labelled as 0.001 is, not "1000µ"
  if (m === 0 || v === 0) return "0";
  let group = 0;
  if (m < TINY || m >= HUGE) group = Math.floor(Math.log10(m) / 3);
  if (Math.abs(group) > 4) return v.toExponential(1).replace(/^-/, "−").replace(/\.0e/, "e");
  const unit = Math.pow(10, 3 * group), digits = 1 - Math.floor(Math.log10(m / unit));
  const quantum = Math.pow(10, -digits);  // the last digit kept
  const scaled = Math.round(v / unit / quantum) * quantum;
  if (scaled === 0) return "0";
  const text = scaled.toFixed(Math.max(0, digits)).replace(/(\.\d*?)0+$/, "$1");
  return text.replace(/\.$/, "").replace(/^-/, "−") + PREFIXES[group + 4];
}
// A horizontal colour bar: a strip over [lo, hi] (lo at the left end), labels under it, a title
// under those. BAR_TICKS px under the strip hold the tick labels; the title goes below them.
export const BAR_TICKS = 14;
// Where a bar `w` px wide over [lo, hi] puts its tick labels: { x (px from the bar's left end),
// text, align } at round values (`ticks`) inside the range, thinned to one per ~40 px (two at
// least), labelled by `tickLabel` over the range's extent; lo >= hi: lo, in the middle.
export function barTicks(lo, hi, w) {
  const extent = Math.max(Math.abs(lo), Math.abs(hi));
  const marks = hi > lo ? ticks(lo, hi).filter((t) => t >= lo && t <= hi) : [lo];
  const every = Math.max(1, Math.ceil(marks.length / Math.max(2, Math.floor(w / 40))));
  return marks.filter((_, k) => k % every === 0).map((t) => ({
    x: hi > lo ? ((t - lo) / (hi - lo)) * w : w / 2, text: tickLabel(t, extent), align: "center",
  }));
}
// The labels of a bar `w` px wide over [-lim, lim]: "−lim" at its left end, "0" in the middle,
// "+lim" at its right end (aligned to stay over the strip).
export function endTicks(lim, w) {
  return [{ x: 0, text: tickLabel(-lim, lim), align: "left" },
    { x: w / 2, text: "0", align: "center" },
    { x: w, text: "+" + tickLabel(lim, lim), align: "right" }];
}
// Draw the bar on `ctx` with the strip's top-left corner at (x, y), w x h px: each pixel column
// coloured `color(v)` ([r, g, b] or a CSS colour; null: grey) of its centre's value, a grey
// frame; under it `marks` (default `barTicks`), each with a 3 px notch where it is centred, and
// `label` centred BAR_TICKS px below the strip. Sets the context's fill, stroke and text styles.
export function colorBar(ctx, { x, y, w, h, lo, hi, color, label = "",
  marks = barTicks(lo, hi, w) }) {
  for (let i = 0; i < w; i++) {
    const c = color(lo + ((i + 0.5) / w) * (hi - lo)) || [221, 221, 221];
    ctx.fillStyle = typeof c === "string" ? c : `rgb(${c.join(",")})`;
    ctx.fillRect(x + i, y, 1, h);
  }
  ctx.strokeStyle = "#aaa"; ctx.lineWidth = 1; ctx.strokeRect(x + 0.5, y + 0.5, w - 1, h - 1);
  ctx.fillStyle = "#444"; ctx.textBaseline = "top";
  for (const m of marks) {
    if (m.align === "center") ctx.fillRect(x + m.x, y + h, 1, 3);
    ctx.textAlign = m.align; ctx.fillText(m.text, x + m.x, y + h + 3);
  }
  if (label) {
    ctx.fillStyle = "#333"; ctx.textAlign = "center";
    ctx.fillText(label, x + w / 2, y + h + BAR_TICKS);
  }
}
// The exact-values table under a chart, built here from the very values the chart draws (the
// kernel sends the numbers once, as the chart's buffer, not also as HTML). More than
// TABLE_LIMIT values: the TABLE_TOP largest |value|, in index order, under a note saying so.
export const TABLE_LIMIT = 400, TABLE_TOP = 50;
// A value as the tables print it: Python's "%.6g" (six significant digits, ASCII minus).
export function number(v) {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  const [mant, ex] = v.toExponential(5).split("e"), exp = Number(ex);
  const trim = (s) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
  if (exp < -4 || exp >= 6) {
    return `${trim(mant)}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  return trim(v.toFixed(5 - exp));
}
export function escapeHtml(s) {
  return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
}
// Indices of the `k` largest |value| (ties: the lower index first; NaN last), in index order.
export function topIndices(values, k) {
  const mag = (i) => (Number.isNaN(values[i]) ? -1 : Math.abs(values[i]));
  const idx = Array.from(values, (_, i) => i);
  idx.sort((a, b) => mag(b) - mag(a) || a - b);
  return idx.slice(0, k).sort((a, b) => a - b);
}
// The table's HTML: a note when only some values are shown, then a row per value shown
// (`data-index`, the name `names(i)`, the value in `td.nnw-v`).
export function tableBody(names, values) {
  let shown = Array.from(values, (_, i) => i), note = "";
  if (values.length > TABLE_LIMIT) {
    shown = topIndices(values, TABLE_TOP);
    note = `<div class="nnw-note nnw-selected">showing the ${TABLE_TOP} largest |value| ` +
      `of ${values.length}</div>`;
  }
  const rows = shown.map((i) => `<tr data-index="${i}"><td>${escapeHtml(names(i))}</td>` +
    `<td class="nnw-v">${number(values[i])}</td></tr>`);
  return `${note}<table>${rows.join("")}</table>`;
}
// A collapsible "values" table appended to `el`, kept across redraws (it stays open while the
// values change). The returned `show(names, values, cls, version)` fills it: `cls` "" hides it;
// else the element has classes "nnw-values <cls>" and `data-version` (the kernel's update count).
export function valuesTable(el) {
  const details = document.createElement("details"), summary = document.createElement("summary");
  const body = document.createElement("div");
  summary.textContent = "values"; details.append(summary, body); el.appendChild(details);
  details.style.display = "none";
  return (names, values, cls, version) => {
    details.style.display = cls ? "" : "none";
    if (!cls) return;
    details.className = `nnw-values ${cls}`;
    details.dataset.version = String(version);
    body.innerHTML = tableBody(names, values);
  };
}
