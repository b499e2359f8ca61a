"""Small bar charts on one canvas: one panel per group, redrawn from one float32 buffer.

The Explorer's activation view redraws every layer's bars on every slider step. As bqplot
marks that was one widget message and one d3 redraw per layer (each bar a transition, each
redraw also clearing the mark's legend); here a step is one message carrying one binary
buffer, and the browser paints the panels in its next animation frame.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import anywidget
import numpy as np
import traitlets as t

from ._canvas_js import COMMON_JS

_ESM = (
    COMMON_JS
    + """
const TOP = 22, LEFT = 40, RIGHT = 6, PAD = 0.05;  // mirror _bars_canvas.py
function steady(d, lo, hi) {  // bqplot's "stabilized" scale: move only when data leave or shrink
  lo = Math.min(lo, 0); hi = Math.max(hi, 0);
  const span = hi - lo || 1;
  if (d && lo >= d[0] && hi <= d[1] && span >= 0.6 * (d[1] - d[0])) return d;
  return [lo - 0.125 * span, hi + 0.125 * span];
}
function render({ model, el }) {
  const { canvas, ctx, at, tell } = tippedCanvas(el, "nnw-bars-canvas");
  let frame = 0, domains = [], panels = [];
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
"""
)


class BarsCanvas(anywidget.AnyWidget):
    """One small bar chart per group, side by side on one canvas.

    ``values`` holds every group's values back to back (float32, group order). A click on a
    bar calls the callbacks registered with ``on_bar_click`` with ``(group, index)``; hovering
    shows the value. With ``blocks``, bar ``i`` of group ``g`` stands for values
    ``i * blocks[g]`` up to ``(i + 1) * blocks[g]`` of ``totals[g]`` (the caller sends one value
    per bar, e.g. the block's peak); titles and hover text say so.
    """

    _esm = _ESM
    caption = t.Unicode(
        "", help="HTML under the picture (exact values, notes), sent with the values."
    ).tag(sync=True)
    groups = t.List(t.Unicode(), help="Panel titles, one per group.").tag(sync=True)
    sizes = t.List(t.Int(), help="Bars per group.").tag(sync=True)
    blocks = t.List(
        t.Int(), help="Per group: values each bar stands for (empty: one value per bar)."
    ).tag(sync=True)
    totals = t.List(t.Int(), help="Per group: values before blocking (with blocks).").tag(sync=True)
    values = t.Bytes(b"", help="float32 values of every group, back to back.").tag(sync=True)
    color = t.Unicode("#6baed6", help="Bar colour (CSS).").tag(sync=True)
    diverging = t.Bool(
        False, help="Colour each bar by value / max |value| of its group: red < 0 < blue."
    ).tag(sync=True)
    x_label = t.Unicode("", help="Axis label under the bars ('' = no x axis).").tag(sync=True)
    counts = t.Bool(True, help="Titles say how many bars: 'name (n)'.").tag(sync=True)
    item_label = t.Unicode("neuron", help="What a bar is, for the hover text.").tag(sync=True)
    panel_width = t.Int(300, help="Width of each panel in pixels.").tag(sync=True)
    panel_height = t.Int(160, help="Height of the panels in pixels.").tag(sync=True)
    domain = t.List(
        t.Float(), help="A fixed y range [low, high]; empty = follow the data (steady)."
    ).tag(sync=True)
    labels = t.List(
        t.Unicode(), help="One label per bar under the axis and in the hover text (else indices)."
    ).tag(sync=True)
    highlight = t.Int(-1, help="Index of the bar drawn in highlight_color (-1: none).").tag(
        sync=True
    )
    highlight_color = t.Unicode("#e6550d", help="Colour of the highlighted bar.").tag(sync=True)

    @t.validate("domain")
    def _valid_domain(self, proposal: Any) -> list[float]:
        d = list(proposal["value"])
        if d and not (len(d) == 2 and np.isfinite(d).all() and d[0] < d[1]):
            raise t.TraitError(
                f"domain: expected [] or [low, high] with low < high, received {d!r}"
            )
        return d

    def __init__(self, groups: Sequence[str], sizes: Sequence[int], **kwargs: Any) -> None:
        if len(groups) != len(sizes) or any(int(n) < 0 for n in sizes):
            raise ValueError(
                f"sizes: expected {len(groups)} counts >= 0 (one per group), received {sizes!r}"
            )
        super().__init__(groups=list(groups), sizes=[int(n) for n in sizes], **kwargs)
        self._clicks: list[Callable[[str, int], None]] = []
        self.on_msg(self._message)

    def show(self, values: Sequence[Any]) -> None:
        """Draw ``values``: one array per group (any shape; flattened, cast to float32)."""
        if len(values) != len(self.sizes):
            raise ValueError(
                f"values: expected {len(self.sizes)} arrays (one per group), received {len(values)}"
            )
        flat = [np.asarray(v, dtype="<f4").ravel() for v in values]
        for g, (v, n) in enumerate(zip(flat, self.sizes)):
            if v.size != n:
                raise ValueError(f"values[{g}]: expected {n} values, received {v.size}")
        self.values = (np.concatenate(flat) if flat else np.zeros(0, "<f4")).tobytes()

    def on_bar_click(self, callback: Callable[[str, int], None]) -> None:
        """Call ``callback(group, index)`` when a bar is clicked in the browser."""
        self._clicks.append(callback)

    def _message(self, _: Any, content: Any, buffers: Any) -> None:
        if not isinstance(content, dict) or content.get("event") != "element_click":
            return
        group, index = content.get("group"), content.get("index")
        if group not in self.groups or not isinstance(index, int):
            return
        if not 0 <= index < self.sizes[self.groups.index(group)]:
            return
        for callback in self._clicks:
            callback(group, index)
