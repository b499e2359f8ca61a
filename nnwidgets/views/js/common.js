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
export function diverging(f) {
  const c = f < 0 ? RED : BLUE_DARK, a = Math.min(1, Math.abs(f));
  return `rgb(${[0, 1, 2].map((i) => Math.round(PALE[i] + (c[i] - PALE[i]) * a)).join(",")})`;
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
  return { canvas, tip, ctx: canvas.getContext("2d"), at, tell };
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
  draw();
  const uncaption = el ? captioned(el, model) : () => {};
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
// the data leave it or shrink below 60% of it: bqplot's "stabilized" scale
export function steady(d, lo, hi) {
  lo = Math.min(lo, 0); hi = Math.max(hi, 0);
  const span = hi - lo || 1;
  if (d && lo >= d[0] && hi <= d[1] && span >= 0.6 * (d[1] - d[0])) return d;
  return [lo - 0.125 * span, hi + 0.125 * span];
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
