import {
  arr, diverging, follow, inNextFrame, steady, tickLabel, tippedCanvas, valuesTable,
} from "./common.js";

export const TOP = 22, LEFT = 40, RIGHT = 6, PAD = 0.05;  // panel margins (px), bar gap
function render({ model, el }) {
  const { canvas, ctx, at, tell } = tippedCanvas(el, "nnw-bars-canvas");
  const domains = [];  // each panel's value axis, kept across redraws (steady)
  let frame = 0, panels = [], table = null;
  let avail = el.clientWidth;  // the element's width (0: not laid out)
  const draw = () => {
    const names = model.get("groups"), sizes = model.get("sizes"), xl = model.get("x_label");
    const BOTTOM = xl ? 30 : 6;
    const PW = model.get("panel_width"), PH = model.get("panel_height");
    const v = arr(model.get("values"), Float32Array), dpr = window.devicePixelRatio || 1;
    // panels side by side, in rows of as many as fit the element (redrawn when it resizes)
    const across = Math.max(1, avail > 0 ? Math.min(names.length, Math.floor(avail / PW)) :
      names.length);
    const W = PW * Math.min(across, names.length), H = PH * Math.ceil(names.length / across);
    canvas.style.width = W + "px"; canvas.style.height = H + "px";
    canvas.width = Math.round(W * dpr); canvas.height = Math.round(H * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0); ctx.clearRect(0, 0, W, H);
    ctx.font = "11px sans-serif";
    panels = [];
    let o = 0, sum = 0, weighted = 0;  // what tests read back: Σ v and Σ (i + 1) v
    const blocks = model.get("blocks"), totals = model.get("totals");
    names.forEach((name, g) => {
      const n = sizes[g], x0 = (g % across) * PW + LEFT, w = PW - LEFT - RIGHT;
      const h = PH - TOP - BOTTOM, y0 = PH * Math.floor(g / across);  // the panel's row
      ctx.save(); ctx.translate(0, y0);
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
      ctx.fillText(model.get("counts") ? counted : name, x0 - LEFT + PW / 2, 14);
      ctx.textAlign = "right"; ctx.textBaseline = "middle"; ctx.fillStyle = "#666";
      const extent = Math.max(Math.abs(d[0]), Math.abs(d[1]));  // one notation per axis
      for (const t of new Set([d[0], 0, d[1]])) {  // squeezed, never cut, to fit the margin
        if (t >= d[0] && t <= d[1]) ctx.fillText(tickLabel(t, extent), x0 - 4, Y(t), LEFT - 6);
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
      ctx.restore();
      panels.push({ name, n, o, x0, y0, w, bw, per, total });
      o += n;
    });
    canvas.dataset.frame = String(++frame);
    canvas.dataset.checksum = sum.toFixed(4);
    canvas.dataset.weighted = weighted.toFixed(4);
    canvas.dataset.highlight = String(model.get("highlight"));
    table = table || valuesTable(el);  // the exact values drawn, under the caption
    const labels = model.get("labels");
    table((i) => (labels.length === v.length ? labels[i] : String(i)), v,
      model.get("table_class"), model.get("table_version"));
  };
  const schedule = inNextFrame(draw);
  const hit = (ev) => {
    const [x, y] = at(ev);
    const PH = model.get("panel_height");
    for (const p of panels) {
      if (x >= p.x0 && x < p.x0 + p.w && y >= p.y0 + TOP && y < p.y0 + PH) {
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
    "counts", "panel_width", "panel_height", "domain", "labels", "highlight", "highlight_color",
    "table_class", "table_version"];
  const unfollow = follow(model, keys, draw, schedule, el);
  const Observer = window.ResizeObserver;  // re-wrap the panels when the element resizes
  const sized = Observer && new Observer(() => {
    if (el.clientWidth !== avail) { avail = el.clientWidth; schedule(); }
  });
  if (sized) sized.observe(el);
  return () => { if (sized) sized.disconnect(); unfollow(); };
}
export default { render };
