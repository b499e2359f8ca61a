import {
  BLUE, BLUE_DARK, ORANGE, RED, WHITE, arr, follow, inNextFrame, tippedCanvas, valuesTable,
} from "./common.js";

// px left of the first and right of the last column (room for input labels), above the nodes
// (column names) and below them; _network_canvas.py reads these for its node_positions
export const MX = 64, TOP = 24, BOTTOM = 8;
export const mix = (a, b, f) => [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * f));
// negative / positive ends: the Playground's orange / blue, or RdBu's red / blue
export const ENDS = { orange_blue: [ORANGE, BLUE], red_blue: [RED, BLUE_DARK] };
export const colour = (v, ends = ENDS.orange_blue) => (v === v ? (v < 0 ?  // v in [-1, 1]
  mix(WHITE, ends[0], Math.min(1, -v)) : mix(WHITE, ends[1], Math.min(1, v))) : WHITE);
export const LUT = Array.from({ length: 256 },
  (_, b) => colour(b < 128 ? (b - 128) / 128 : (b - 128) / 127));
export function nodeSize(cols, height, px) {
  const most = Math.max(0, ...cols);
  if (!most) return px;
  return Math.max(4, Math.min(px, Math.floor((height - TOP - BOTTOM) / (1.25 * most))));
}
export function nodePositions(cols, width, height, px) {
  const s = nodeSize(cols, height, px), mid = TOP + (height - TOP - BOTTOM) / 2, out = [];
  cols.forEach((n, k) => {
    const x = cols.length > 1 ? MX + k * (width - 2 * MX) / (cols.length - 1) : width / 2;
    for (let i = 0; i < n; i++) out.push([x, mid + (i - (n - 1) / 2) * 1.25 * s]);
  });
  return out;
}
// The drawn width: `max` (the width_px trait), or less to fit `avail` px (the element's width;
// 0 while it is not laid out, e.g. in a hidden tab), never below MIN_W
const MIN_W = 200, LABEL_PX = 12;
export const fitWidth = (max, avail) => (avail > 0 ? Math.max(MIN_W, Math.min(max, avail)) : max);
// Which input labels to draw, nodes `spacing` px apart: every k-th, k so that labels are at
// least LABEL_PX apart (1: all); 0: none (more than `most` nodes per label)
export function labelStep(spacing, most = 6) {
  const k = spacing > 0 ? Math.ceil(LABEL_PX / spacing) : Infinity;
  return k <= most ? k : 0;
}
// `text` cut to at most `width` px as `ctx` measures it, with an ellipsis when cut
export function clip(ctx, text, width) {
  if (ctx.measureText(text).width <= width) return text;
  let n = text.length;
  while (n > 0 && ctx.measureText(text.slice(0, n) + "…").width > width) n--;
  return n > 0 ? text.slice(0, n) + "…" : "";
}
export function segDist(px, py, a, b) {
  const dx = b[0] - a[0], dy = b[1] - a[1], L = dx * dx + dy * dy;
  const u = L ? Math.max(0, Math.min(1, ((px - a[0]) * dx + (py - a[1]) * dy) / L)) : 0;
  return Math.hypot(px - a[0] - u * dx, py - a[1] - u * dy);
}
function render({ model, el }) {
  const { canvas, tip, ctx, at: local, tell: show } = tippedCanvas(el, "nnw-network-canvas");
  const off = document.createElement("canvas"), cut = new Map();  // clipped labels, by room
  tip.className = "nnw-link-tip";
  let frame = 0, table = null, L = { cols: [], pos: [], s: 0, links: [] }, avail = el.clientWidth;
  const layout = () => {  // node centres, node size and link segments [a, b, value, k, i, j]
    const cols = model.get("columns"), H = model.get("height_px");
    const W = fitWidth(model.get("width_px"), avail);  // fits the element, redrawn on resize
    const pos = nodePositions(cols, W, H, model.get("node_px"));
    const s = nodeSize(cols, H, model.get("node_px")), v = arr(model.get("links"), Float32Array);
    const links = [];
    let first = 0, o = 0;
    for (let k = 0; k + 1 < cols.length; k++) {
      const next = first + cols[k];
      for (let i = 0; i < cols[k]; i++) for (let j = 0; j < cols[k + 1]; j++, o++) {
        if (o >= v.length) continue;
        const a = pos[first + i], b = pos[next + j];
        links.push([[a[0] + s / 2, a[1]], [b[0] - s / 2, b[1]], v[o], k, i, j]);
      }
      first = next;
    }
    return { cols, W, H, pos, s, links };
  };
  const name = (k, i) => {
    const inl = model.get("input_labels"), names = model.get("column_names");
    const labels = model.get("node_labels"), cols = model.get("columns");
    const n = cols.slice(0, k).reduce((a, b) => a + b, 0) + i;
    if (labels[n] !== undefined) return labels[n];
    if (k === 0 && inl[i] !== undefined) return inl[i];
    return `${names[k] !== undefined ? names[k] : "layer" + k}[${i}]`;
  };
  const draw = () => {
    L = layout();
    const { cols, W, H, pos, s, links } = L, dpr = window.devicePixelRatio || 1;
    const ends = ENDS[model.get("palette")] || ENDS.orange_blue;
    if (canvas.width !== Math.round(W * dpr) || canvas.height !== Math.round(H * dpr)) {
      canvas.style.width = W + "px"; canvas.style.height = H + "px";
      canvas.width = Math.round(W * dpr); canvas.height = Math.round(H * dpr);
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0); ctx.clearRect(0, 0, W, H);
    const lim = model.get("link_limit") > 0 ? model.get("link_limit") : 1;
    let sum = 0;
    for (const [a, b, v] of links) {
      if (!Number.isFinite(v)) continue;  // no link between these nodes
      sum += v;
      const r = Math.min(1, Math.abs(v) / lim), c = v < 0 ? ends[0] : ends[1];
      ctx.strokeStyle = `rgba(${c[0]},${c[1]},${c[2]},${0.1 + 0.9 * r})`;
      ctx.lineWidth = 0.5 + 3.5 * r;
      ctx.beginPath(); ctx.moveTo(a[0], a[1]); ctx.lineTo(b[0], b[1]); ctx.stroke();
    }
    const T = model.get("thumb_size"), N = pos.length, th = arr(model.get("thumbs"), Uint8Array);
    const useThumbs = T > 0 && th.length >= N * T * T && N > 0;
    if (useThumbs) {
      off.width = T; off.height = N * T;
      const octx = off.getContext("2d"), img = octx.createImageData(T, N * T);
      for (let p = 0; p < N * T * T; p++) {
        const c = LUT[th[p]];
        img.data[4 * p] = c[0]; img.data[4 * p + 1] = c[1]; img.data[4 * p + 2] = c[2];
        img.data[4 * p + 3] = 255;
      }
      octx.putImageData(img, 0, 0);
    }
    const nv = arr(model.get("node_values"), Float32Array), sel = model.get("selected");
    const nlim = model.get("node_limit") > 0 ? model.get("node_limit") : 1;
    const labels = model.get("node_labels");
    ctx.imageSmoothingEnabled = true;
    let nsum = 0;
    pos.forEach(([x, y], n) => {
      ctx.lineWidth = n === sel ? 3 : 1; ctx.strokeStyle = n === sel ? "#000" : "#bbb";
      if (useThumbs) {
        ctx.drawImage(off, 0, n * T, T, T, x - s / 2, y - s / 2, s, s);
        ctx.strokeRect(x - s / 2, y - s / 2, s, s);
      } else {
        const f = n < nv.length ? nv[n] / nlim : NaN, c = colour(f, ends);
        if (f === f) nsum += nv[n];
        ctx.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`;
        ctx.beginPath(); ctx.arc(x, y, s / 2, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
        const tag = s >= 14 && /\[(\d+)\]$/.exec(labels[n] || "");  // the neuron's index
        if (tag) {
          ctx.fillStyle = Math.abs(f) > 0.6 ? "#fff" : "#333"; ctx.font = "9px sans-serif";
          ctx.textAlign = "center"; ctx.textBaseline = "middle"; ctx.fillText(tag[1], x, y);
        }
      }
    });
    ctx.fillStyle = "#444"; ctx.font = "11px sans-serif"; ctx.textBaseline = "alphabetic";
    let first = 0;
    const boxes = model.get("boxes"), shapes = model.get("box_shapes");
    cols.forEach((n, k) => {
      const names = model.get("column_names");
      if (n > 0 && names[k] !== undefined) {
        ctx.textAlign = "center"; ctx.fillText(names[k], pos[first][0], TOP - 8);
      }
      const b = boxes.indexOf(k);
      if (n > 0 && b >= 0) {  // not a dense layer: its shown values in a box, its shape below
        const x = pos[first][0], y0 = pos[first][1] - s, y1 = pos[first + n - 1][1] + s;
        ctx.save(); ctx.setLineDash([4, 3]); ctx.strokeStyle = "#888"; ctx.lineWidth = 1;
        ctx.strokeRect(x - s, y0, 2 * s, y1 - y0); ctx.restore();
        ctx.textAlign = "center"; ctx.fillText(shapes[b] || "", x, Math.min(H - 2, y1 + 12));
      }
      first += n;
    });
    // input labels: every k-th where nodes are too close for all (never a smeared block),
    // each cut to the margin left of its node; a note under the column says which
    const inl = cols.length ? model.get("input_labels").slice(0, cols[0]) : [];
    const step = cols[0] > 1 ? labelStep(1.25 * s) : 1;
    ctx.textAlign = "right"; ctx.textBaseline = "middle";
    ctx.font = step === 1 ? "11px sans-serif" : "10px sans-serif";
    inl.forEach((lab, i) => {
      if (!step || i % step) return;
      const x = pos[i][0] - s / 2 - 5, key = `${ctx.font}|${x}|${lab}`;
      if (!cut.has(key)) cut.set(key, clip(ctx, lab, x - 1));
      ctx.fillText(cut.get(key), x, pos[i][1]);
    });
    if (inl.length > 1 && step !== 1) {
      const nth = step === 2 ? "2nd" : step === 3 ? "3rd" : step + "th";
      ctx.textAlign = "left"; ctx.textBaseline = "bottom"; ctx.font = "9px sans-serif";
      ctx.fillText(step ? `every ${nth} named` : `${inl.length} inputs: hover for names`, 2, H);
    }
    canvas.dataset.width = String(W);
    canvas.dataset.labelStep = String(step);
    canvas.dataset.frame = String(++frame);
    canvas.dataset.checksum = sum.toFixed(4);
    canvas.dataset.nodesum = nsum.toFixed(4);
    canvas.dataset.selected = String(sel);
    if (model.get("table_class")) {  // the exact node values drawn, under the caption
      table = table || valuesTable(el);
      table((i) => labels[i] ?? String(i), nv, model.get("table_class"),
        model.get("table_version"));
    }
  };
  const schedule = inNextFrame(draw);
  const nodeAt = (x, y) => {
    const h = L.s / 2;
    return L.pos.findIndex(([cx, cy]) => Math.abs(x - cx) <= h && Math.abs(y - cy) <= h);
  };
  canvas.addEventListener("pointerdown", (ev) => {
    const [x, y] = local(ev), n = nodeAt(x, y);
    if (n < 0 || !model.get("selectable")) return;
    model.set("selected", n); model.save_changes(); schedule();
  });
  canvas.addEventListener("pointermove", (ev) => {
    const [x, y] = local(ev), labels = model.get("node_labels"), n = nodeAt(x, y);
    if (n >= 0 && labels[n] !== undefined) {  // a named node: its name and value
      const v = arr(model.get("node_values"), Float32Array)[n];
      show(x, y, `${labels[n]}: ${v === undefined ? "" : v.toPrecision(4)}`);
      return;
    }
    const inl = model.get("input_labels");
    if (n >= 0 && n < (L.cols[0] || 0) && inl[n] !== undefined) {  // an input: its name
      show(x, y, inl[n]);
      return;
    }
    let best = null, bd = 4;
    for (const l of L.links) {
      if (!Number.isFinite(l[2])) continue;
      const d = segDist(x, y, l[0], l[1]);
      if (d < bd) { bd = d; best = l; }
    }
    if (!best) { show(0, 0, ""); return; }
    const [, , v, k, i, j] = best;
    const what = `${model.get("link_label")} ${v.toFixed(4)}`;
    show(x, y, `${what}: ${name(k, i)} → ${name(k + 1, j)}`);
  });
  const keys = ["columns", "column_names", "input_labels", "thumb_size", "thumbs", "node_values",
    "boxes", "box_shapes",
    "links", "link_limit", "selected", "width_px", "height_px", "node_px", "node_labels",
    "node_limit", "palette", "table_class", "table_version"];
  const unfollow = follow(model, keys, draw, schedule, el);
  const Observer = window.ResizeObserver;  // redraw at the element's new width
  const sized = Observer && new Observer(() => {
    if (el.clientWidth !== avail) { avail = el.clientWidth; schedule(); }
  });
  if (sized) sized.observe(el);
  return () => { if (sized) sized.disconnect(); unfollow(); };
}
export default { render };
