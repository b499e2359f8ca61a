import {
  BAR_TICKS, arr, colorBar, divergingRGB, follow, inNextFrame, tippedCanvas, valuesTable,
} from "./common.js";

// A tokenised sentence as a row of word chips (wrapping onto more lines when narrow), each
// chip's background the diverging colour of its token's value over ±max(|lo|, |hi|), under a
// title and over a small colour bar. Unknown words (read as <unk> by the model) get a dashed
// border, a "?" and a note. Every text is set through textContent: tokens are user input.
export const BAR_W = 160, BAR = 8, LABEL = 14, PAD = 6;
export const INK_FLIP = 0.55;  // |f| from which a chip's text is white, not dark
// A chip's look for `v` over [lo, hi]: its background [r, g, b] and its text colour; a value
// that is not finite (or a token without one) is grey.
export function chipColor(v, lo, hi) {
  if (!Number.isFinite(v)) return { rgb: [221, 221, 221], ink: "#333" };
  const f = v / (Math.max(Math.abs(lo), Math.abs(hi)) || 1);
  return { rgb: divergingRGB(f), ink: Math.abs(f) >= INK_FLIP ? "#fff" : "#222" };
}
// The line under the strip about unknown words ("" when there are none)
export function unknownNote(unknown) {
  const n = unknown.filter(Boolean).length;
  if (!n) return "";
  return n === 1 ? "1 unknown word (shown dashed) is read as <unk>" :
    `${n} unknown words (shown dashed) are read as <unk>`;
}
// A chip's data-value: the float32 value with digits enough to read it back exactly
export function valueText(v) {
  return v === undefined ? "" : Number.isFinite(v) ? v.toPrecision(9) : String(v);
}
// Hover text of token `i`: "word · value"
export function tipText(word, v) {
  return `${word} · ${v === undefined ? "no value" : v.toPrecision(4)}`;
}
// The colour bar under the chips (lo .. hi coloured as the chips are), w px wide at (x, y)
export function drawBar(ctx, x, y, w, lo, hi, label) {
  colorBar(ctx, { x, y, w, h: BAR, lo, hi, color: (v) => chipColor(v, lo, hi).rgb, label });
}
const CHIP = "display:inline-block;margin:2px 3px;padding:2px 7px;border-radius:4px;" +
  "font:13px/18px sans-serif;cursor:default;border:1px solid rgba(0,0,0,0.18)";
function chip(word, unknown, i) {
  const span = document.createElement("span");
  span.className = "nnw-token" + (unknown ? " nnw-unknown" : "");
  span.dataset.index = String(i);
  span.style.cssText = CHIP + (unknown ? ";border:1px dashed #222" : "");
  span.textContent = word;
  if (unknown) {
    const mark = document.createElement("sup");
    mark.textContent = "?"; mark.style.cssText = "margin-left:2px;font-weight:bold;line-height:0";
    span.appendChild(mark);
  }
  return span;
}
function render({ model, el }) {
  const { canvas, tip, ctx, tell } = tippedCanvas(el, "nnw-token-bar");
  const wrap = tip.parentNode;  // the tip is placed in it: chips, note and bar go in there too
  wrap.style.display = "block";
  const title = document.createElement("div"), row = document.createElement("div");
  const note = document.createElement("div");
  title.className = "nnw-title"; title.style.cssText = "font:12px sans-serif;color:#333";
  row.className = "nnw-tokens"; row.style.cssText = "display:flex;flex-wrap:wrap;padding:3px 0";
  note.className = "nnw-note"; note.style.cssText = "font:11px sans-serif;color:#666";
  wrap.insertBefore(title, canvas); wrap.insertBefore(row, canvas); wrap.insertBefore(note, canvas);
  canvas.style.marginTop = "4px";
  let frame = 0, table = null, built = "";
  const draw = () => {
    const tokens = model.get("tokens"), unknown = model.get("unknown");
    const v = arr(model.get("values"), Float32Array), lo = model.get("lo"), hi = model.get("hi");
    const label = model.get("color_label"), dpr = window.devicePixelRatio || 1;
    title.textContent = model.get("title"); title.style.display = title.textContent ? "" : "none";
    const key = JSON.stringify([tokens, unknown]);
    if (key !== built) {  // rebuild the chips only when the words change; recolour each draw
      built = key;
      row.replaceChildren(...tokens.map((w, i) => chip(w, !!unknown[i], i)));
      if (!tokens.length) {
        const empty = document.createElement("span");
        empty.className = "nnw-empty"; empty.textContent = "type a sentence";
        empty.style.cssText = "font:13px sans-serif;color:#999;padding:2px 3px";
        row.appendChild(empty);
      }
    }
    let sum = 0;
    row.querySelectorAll(".nnw-token").forEach((span, i) => {
      const x = v.length === tokens.length ? v[i] : undefined, c = chipColor(x, lo, hi);
      span.style.background = `rgb(${c.rgb.join(",")})`; span.style.color = c.ink;
      span.dataset.value = valueText(x);
      if (Number.isFinite(x)) sum += x;
    });
    note.textContent = unknownNote(unknown.slice(0, tokens.length));
    note.style.display = note.textContent ? "" : "none";
    const W = BAR_W + 2 * PAD, H = BAR + BAR_TICKS + (label ? LABEL : 0);
    if (canvas.width !== Math.round(W * dpr) || canvas.height !== Math.round(H * dpr)) {
      canvas.style.width = W + "px"; canvas.style.height = H + "px";
      canvas.width = Math.round(W * dpr); canvas.height = Math.round(H * dpr);
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0); ctx.clearRect(0, 0, W, H);
    ctx.font = "11px sans-serif";
    drawBar(ctx, PAD, 0, BAR_W, lo, hi, label);
    row.dataset.frame = String(++frame);
    row.dataset.checksum = sum.toPrecision(8);
    table = table || valuesTable(el);  // the exact values drawn, by token
    const name = (i) => `${i}: ${tokens[i]}`;
    table(name, v.length === tokens.length ? v : new Float32Array(0),
      model.get("table_class"), model.get("table_version"));
  };
  row.addEventListener("pointermove", (ev) => {
    const span = ev.target.closest ? ev.target.closest(".nnw-token") : null;
    if (!span) { tell(0, 0, ""); return; }
    const i = Number(span.dataset.index), tokens = model.get("tokens");
    const v = arr(model.get("values"), Float32Array);
    const b = wrap.getBoundingClientRect();
    tell(ev.clientX - b.left, ev.clientY - b.top,
      tipText(tokens[i], v.length === tokens.length ? v[i] : undefined));
  });
  row.addEventListener("pointerleave", () => tell(0, 0, ""));
  const keys = ["tokens", "unknown", "values", "lo", "hi", "title", "color_label",
    "table_class", "table_version"];
  return follow(model, keys, draw, inNextFrame(draw), el);
}
export default { render };
