"""JavaScript shared by the anywidget canvases (prepended to each ``_ESM``)."""

#: TensorFlow-Playground colours, ``arr(v, T)``: a synced Bytes trait as a typed array, and
#: ``diverging(f)``: the RdBu colour of ``f`` in [-1, 1] (red < 0 < blue),
#: ``tippedCanvas(el, cls)``: a canvas with a hover tip and pointer -> canvas pixel mapping,
#: ``captioned(el, model)``: the ``caption`` trait's HTML under it, ``follow(...)``: redraw
#: on trait changes (and the caption), and
#: ``inNextFrame(draw)``: a function that runs ``draw`` once in the next animation frame
#: however often it is called before then.
COMMON_JS = """
const ORANGE = [245, 147, 34], WHITE = [255, 255, 255], BLUE = [8, 119, 189];
function arr(v, T) {  // ipywidgets 8 delivers Bytes as DataView; accept ArrayBuffer/views too
  if (!v) return new T(0);
  if (v instanceof ArrayBuffer) v = new DataView(v);
  if (!ArrayBuffer.isView(v)) return new T(0);
  const n = Math.floor(v.byteLength / T.BYTES_PER_ELEMENT);
  if (v.byteOffset % T.BYTES_PER_ELEMENT === 0) return new T(v.buffer, v.byteOffset, n);
  return new T(v.buffer.slice(v.byteOffset, v.byteOffset + n * T.BYTES_PER_ELEMENT));
}
// RdBu (colorbrewer) around a pale white: red for negative, blue for positive, f in [-1, 1]
const RED = [178, 24, 43], BLUE_DARK = [33, 102, 172], PALE = [247, 247, 247];
function diverging(f) {
  const c = f < 0 ? RED : BLUE_DARK, a = Math.min(1, Math.abs(f));
  return `rgb(${[0, 1, 2].map((i) => Math.round(PALE[i] + (c[i] - PALE[i]) * a)).join(",")})`;
}
// A canvas of class `cls` with a hover tip beside it, appended to `el`; `at(ev)` maps a pointer
// event to canvas pixels, `tell(x, y, text)` shows the tip there (text "" hides it).
function tippedCanvas(el, cls) {
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
function captioned(el, model) {
  const div = document.createElement("div");
  div.className = "nnw-caption"; el.appendChild(div);
  const set = () => { div.innerHTML = model.get("caption"); };
  model.on("change:caption", set); set();
  return () => model.off("change:caption", set);
}
// Draw now and, through `schedule`, again whenever one of `keys` changes; with `el`, also
// show the caption under the picture. Returns the render's clean-up.
function follow(model, keys, draw, schedule, el = null) {
  for (const k of keys) model.on("change:" + k, schedule);
  draw();
  const uncaption = el ? captioned(el, model) : () => {};
  return () => { for (const k of keys) model.off("change:" + k, schedule); uncaption(); };
}
function inNextFrame(draw) {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; draw(); });
  };
}
"""
