import { arr, diverging, follow, inNextFrame, steady, tippedCanvas } from "./common.js";

export const TOP = 22, LEFT = 40, RIGHT = 6, PAD = 0.05;  // panel margins (px), bar gap
function render({ model, el }) {
  const { canvas, ctx, at, tell } = tippedCanvas(el, "nnw-bars-canvas");
  const domains = [];  // each panel's value axis, kept across redraws (steady)
  let frame = 0, panels = [];
  const draw = () => {
    const names = model.get("groups"), sizes = model.get("sizes"), xl = model.get("x_label");
    const BOTTOM = xl ? 30 : 6;
    const PW = model.get("panel_width"), PH = model.get("panel_height");
    const v = arr(model.get("values"), Float32Array), dpr = window.devicePixelRatio || 1;
    const W = PW * names.length;
    canvas.style.width = W + "px"; canvas.style.height = PH + "px";
    canvas.width = Math.round(W * dpr); canvas.height = Math.round(PH * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0); ctx.clearRect(0, 0, W, PH);
    ctx.font = "11px sans-serif";
    panels = [];
    let o = 0, sum = 0, weighted = 0;  // what tests read back: Σ v and Σ (i + 1) v
    const blocks = model.get("blocks"), totals = model.get("totals");
    names.forEach((name, g) => {
      const n = sizes[g], x0 = g * PW + LEFT, w = PW - LEFT - RIGHT, h = PH - TOP - BOTTOM;
      const per = blocks[g] || 1, total = totals[g] === undefined ? n : totals[g];
      let lo = Infinity, hi = -Infinity;
      for (let i = 0; i < n; i++) {
        const y = v[o + i];
        if (!(y === y) || Math.abs(y) === Infinity) continue;
        lo = Math.min(lo, y); hi = Math.max(hi, y); sum += y; weighted += (i + 1) * y;
      }
      if (lo > hi) { lo = 0; hi = 0; }
      const fixed = model.get("domain");
      const d = domains[g] = fixed.length === 2 ? fixed : steady(domains[g], lo, hi);
      const Y = (y) => TOP + h * (d[1] - y) / (d[1] - d[0]);
      ctx.fillStyle = "#333"; ctx.textAlign = "center"; ctx.textBaseline = "alphabetic";
      const counted = per > 1 ? `${name} (${total}; a bar: peak of ${per})` : `${name} (${n})`;
      ctx.fillText(model.get("counts") ? counted : name, g * PW + PW / 2, 14);
      ctx.textAlign = "right"; ctx.textBaseline = "middle"; ctx.fillStyle = "#666";
      for (const t of new Set([d[0], 0, d[1]])) {
        if (t >= d[0] && t <= d[1]) ctx.fillText(Number(t.toPrecision(2)).toString(), x0 - 4, Y(t));
      }
      ctx.strokeStyle = "#ccc"; ctx.lineWidth = 1;
      ctx.beginPath(); ctx.moveTo(x0, TOP); ctx.lineTo(x0, TOP + h); ctx.stroke();
      ctx.beginPath(); ctx.moveTo(x0, Y(0)); ctx.lineTo(x0 + w, Y(0)); ctx.stroke();
      const bw = w / Math.max(n, 1), div = model.get("diverging");
      let most = 0;
      for (let i = 0; div && i < n; i++) {
        if (Number.isFinite(v[o + i])) most = Math.max(most, Math.abs(v[o + i]));
      }
      if (xl) {  // bar labels (or indices) under the bars where they fit, then the axis label
        ctx.fillStyle = "#666"; ctx.textAlign = "center"; ctx.textBaseline = "top";
        const labels = model.get("labels").length === n ? model.get("labels") : null;
        const widest = labels ? Math.max(...labels.map((l) => ctx.measureText(l).width)) : 0;
        const every = Math.max(1, Math.ceil(Math.max(14, widest + 4) / bw));
        for (let i = 0; i < n; i += every) {
          ctx.fillText(labels ? labels[i] : String(i), x0 + (i + 0.5) * bw, TOP + h + 3);
        }
        ctx.fillText(xl, x0 + w / 2, TOP + h + 16);
      }
      for (let i = 0; i < n; i++) {
        const y = v[o + i];
        if (!(y === y) || Math.abs(y) === Infinity) continue;
        const a = Y(Math.max(y, 0)), b = Y(Math.min(y, 0));
        ctx.fillStyle = i === model.get("highlight") ? model.get("highlight_color") :
          div ? diverging(most ? y / most : 0) : model.get("color");
        const left = x0 + i * bw + PAD * bw / 2;
        ctx.fillRect(left, a, Math.max(1, bw * (1 - PAD)), Math.max(b - a, 0.5));
      }
      panels.push({ name, n, o, x0, w, bw, per, total });
      o += n;
    });
    canvas.dataset.frame = String(++frame);
    canvas.dataset.checksum = sum.toFixed(4);
    canvas.dataset.weighted = weighted.toFixed(4);
    canvas.dataset.highlight = String(model.get("highlight"));
  };
  const schedule = inNextFrame(draw);
  const hit = (ev) => {
    const [x, y] = at(ev);
    if (y < TOP) return null;
    for (const p of panels) {
      if (x >= p.x0 && x < p.x0 + p.w) {
        const i = Math.floor((x - p.x0) / p.bw);
        return i >= 0 && i < p.n ? { p, i, x, y } : null;
      }
    }
    return null;
  };
  canvas.addEventListener("click", (ev) => {
    const h = hit(ev);
    if (h) model.send({ event: "element_click", group: h.p.name, index: h.i });
  });
  canvas.addEventListener("pointermove", (ev) => {
    const h = hit(ev);
    canvas.style.cursor = h ? "pointer" : "";
    if (!h) { tell(0, 0, ""); return; }
    const v = arr(model.get("values"), Float32Array)[h.p.o + h.i];
    const shown = v === undefined ? "" : v.toPrecision(4), labels = model.get("labels");
    const item = labels.length === h.p.n ? labels[h.i] : h.i, per = h.p.per;
    const last = Math.min(h.p.total, (h.i + 1) * per) - 1;
    tell(h.x, h.y, per > 1 ? `${model.get("item_label")}s ${h.i * per}–${last}: peak ${shown}` :
      `${model.get("item_label")} ${item}: ${shown}`);
  });
  const keys = ["groups", "sizes", "blocks", "totals", "values", "color", "diverging", "x_label",
    "counts", "panel_width", "panel_height", "domain", "labels", "highlight", "highlight_color"];
  return follow(model, keys, draw, schedule, el);
}
export default { render };
