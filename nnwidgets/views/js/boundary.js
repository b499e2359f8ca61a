import {
  BLUE, ORANGE, WHITE, arr, inNextFrame, follow, savePngButton, ticks,
} from "./common.js";

// plot-area margins in CSS pixels (ticks and labels live in them); read by _boundary_canvas.py
export const ML = 30, MT = 8, MR = 8, MB = 24;
const M = { l: ML, t: MT, r: MR, b: MB };
// where the data point (x1, x2) lands (CSS px) on a plot `size` px square showing the extent
// e = [x1 low, x1 high, x2 low, x2 high]
export const dataToPixel = (x1, x2, e, size) => [M.l + (x1 - e[0]) / (e[1] - e[0]) * size,
  M.t + (e[3] - x2) / (e[3] - e[2]) * size];
export function colour(v, lo, hi) {  // orange at lo, white in the middle, blue at hi (clipped)
  let s = (v - lo) / (hi - lo);
  s = s === s ? Math.min(1, Math.max(0, s)) : 0.5;
  const [a, b, f] = s < 0.5 ? [ORANGE, WHITE, s * 2] : [WHITE, BLUE, s * 2 - 1];
  return [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * f));
}
function render({ model, el }) {
  const canvas = document.createElement("canvas");
  canvas.className = "nnw-boundary-canvas";
  canvas.style.cssText = "cursor:crosshair;touch-action:none;display:block";
  const wrap = document.createElement("div");
  wrap.style.cssText = "position:relative;display:inline-block";
  wrap.appendChild(canvas); el.appendChild(wrap);
  savePngButton(wrap, canvas, "decision-boundary");
  const ctx = canvas.getContext("2d"), off = document.createElement("canvas");
  let frame = 0;
  const geom = () => {
    const S = model.get("size_px"), e = model.get("extent");
    const px = (x1, x2) => dataToPixel(x1, x2, e, S);
    return { S, e, px };
  };
  const draw = () => {
    const { S, e, px } = geom(), W = M.l + S + M.r, H = M.t + S + M.b;
    const dpr = window.devicePixelRatio || 1, lo = model.get("vmin"), hi = model.get("vmax");
    canvas.style.width = W + "px"; canvas.style.height = H + "px";
    canvas.width = Math.round(W * dpr); canvas.height = Math.round(H * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    const n = model.get("grid_size"), g = arr(model.get("grid"), Float32Array);
    let sum = 0;
    if (n > 0 && g.length >= n * n) {
      off.width = n; off.height = n;
      const octx = off.getContext("2d"), img = octx.createImageData(n, n);
      for (let i = 0; i < n * n; i++) {
        sum += g[i];
        const c = colour(g[i], lo, hi);
        img.data[4 * i] = c[0]; img.data[4 * i + 1] = c[1]; img.data[4 * i + 2] = c[2];
        img.data[4 * i + 3] = 255;
      }
      octx.putImageData(img, 0, 0);
      ctx.imageSmoothingEnabled = true; ctx.imageSmoothingQuality = "high";
      ctx.drawImage(off, M.l, M.t, S, S);
    } else { ctx.fillStyle = "#fff"; ctx.fillRect(M.l, M.t, S, S); }
    ctx.strokeStyle = "#bbb"; ctx.lineWidth = 1; ctx.strokeRect(M.l - 0.5, M.t - 0.5, S + 1, S + 1);
    ctx.fillStyle = "#777"; ctx.strokeStyle = "#999"; ctx.font = "10px sans-serif";
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    for (const v of ticks(e[0], e[1])) {
      const x = px(v, e[2])[0];
      ctx.beginPath(); ctx.moveTo(x, M.t + S); ctx.lineTo(x, M.t + S + 4); ctx.stroke();
      ctx.fillText(String(v), x, M.t + S + 5);
    }
    ctx.textAlign = "right"; ctx.textBaseline = "middle";
    for (const v of ticks(e[2], e[3])) {
      const y = px(e[0], v)[1];
      ctx.beginPath(); ctx.moveTo(M.l - 4, y); ctx.lineTo(M.l, y); ctx.stroke();
      ctx.fillText(String(v), M.l - 6, y);
    }
    const p = arr(model.get("points"), Float32Array), val = arr(model.get("values"), Float32Array);
    const test = arr(model.get("test_mask"), Uint8Array), showTest = model.get("show_test");
    const discrete = model.get("discrete"), np = Math.min(p.length >> 1, val.length);
    let drawn = 0;
    ctx.lineWidth = 1;
    ctx.save(); ctx.beginPath(); ctx.rect(M.l, M.t, S, S); ctx.clip();
    for (let i = 0; i < np; i++) {
      const isTest = test[i] === 1;
      if (isTest && !showTest) continue;
      const c = discrete ? (val[i] > 0.5 ? BLUE : ORANGE) : colour(val[i], lo, hi);
      const [x, y] = px(p[2 * i], p[2 * i + 1]);
      ctx.beginPath(); ctx.arc(x, y, 3.5, 0, 2 * Math.PI);
      ctx.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`; ctx.fill();
      ctx.strokeStyle = isTest ? "#000" : "#fff"; ctx.stroke();
      drawn++;
    }
    ctx.restore();
    canvas.dataset.frame = String(++frame);
    canvas.dataset.checksum = sum.toFixed(4);
    canvas.dataset.points = String(drawn);
  };
  const schedule = inNextFrame(draw);
  canvas.addEventListener("pointerdown", (ev) => {
    if (!model.get("add_enabled")) return;
    const { S, e } = geom(), b = canvas.getBoundingClientRect();
    const x = (ev.clientX - b.left) * (canvas.offsetWidth / b.width) - M.l;
    const y = (ev.clientY - b.top) * (canvas.offsetHeight / b.height) - M.t;
    if (x < 0 || y < 0 || x > S || y > S) return;
    const x1 = e[0] + x / S * (e[1] - e[0]), x2 = e[3] - y / S * (e[3] - e[2]);
    model.send({ event: "add", x1, x2 });
  });
  const keys = ["grid", "grid_size", "vmin", "vmax", "extent", "points", "values", "test_mask",
    "discrete", "show_test", "size_px"];
  return follow(model, keys, draw, schedule);
}
export default { render };
