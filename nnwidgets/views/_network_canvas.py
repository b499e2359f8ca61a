"""A TensorFlow-Playground-like network picture: neuron thumbnails joined by weighted links.

Arrays travel as binary ``Bytes`` traits (row-major, little-endian); the browser receives each
as a ``DataView``. Node order everywhere is column by column, top to bottom.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import anywidget
import numpy as np
import traitlets as t

from ._canvas_js import COMMON_JS

MARGIN_X = 64  # px left of the first and right of the last column (room for input labels)
TOP, BOTTOM = 24, 8  # px above the nodes (column names) and below them

_ESM = (
    COMMON_JS
    + """
const MX = 64, TOP = 24, BOTTOM = 8;  // mirror _network_canvas.py
const mix = (a, b, f) => [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * f));
// negative / positive ends: the Playground's orange / blue, or RdBu's red / blue
const ENDS = { orange_blue: [ORANGE, BLUE], red_blue: [RED, BLUE_DARK] };
const colour = (v, ends = ENDS.orange_blue) => (v === v ? (v < 0 ?  // v in [-1, 1]
  mix(WHITE, ends[0], Math.min(1, -v)) : mix(WHITE, ends[1], Math.min(1, v))) : WHITE);
const LUT = Array.from({ length: 256 },
  (_, b) => colour(b < 128 ? (b - 128) / 128 : (b - 128) / 127));
function nodeSize(cols, height, px) {
  const most = Math.max(0, ...cols);
  if (!most) return px;
  return Math.max(4, Math.min(px, Math.floor((height - TOP - BOTTOM) / (1.25 * most))));
}
function nodePositions(cols, width, height, px) {
  const s = nodeSize(cols, height, px), mid = TOP + (height - TOP - BOTTOM) / 2, out = [];
  cols.forEach((n, k) => {
    const x = cols.length > 1 ? MX + k * (width - 2 * MX) / (cols.length - 1) : width / 2;
    for (let i = 0; i < n; i++) out.push([x, mid + (i - (n - 1) / 2) * 1.25 * s]);
  });
  return out;
}
function segDist(px, py, a, b) {
  const dx = b[0] - a[0], dy = b[1] - a[1], L = dx * dx + dy * dy;
  const u = L ? Math.max(0, Math.min(1, ((px - a[0]) * dx + (py - a[1]) * dy) / L)) : 0;
  return Math.hypot(px - a[0] - u * dx, py - a[1] - u * dy);
}
function render({ model, el }) {
  const { canvas, tip, ctx, at: local, tell: show } = tippedCanvas(el, "nnw-network-canvas");
  const off = document.createElement("canvas");
  tip.className = "nnw-link-tip";
  let frame = 0, L = { pos: [], s: 0, links: [] };
  const layout = () => {  // node centres, node size and link segments [a, b, value, k, i, j]
    const cols = model.get("columns"), W = model.get("width_px"), H = model.get("height_px");
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
        const tag = s >= 14 && /\\[(\\d+)\\]$/.exec(labels[n] || "");  // the neuron's index
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
    ctx.textAlign = "right"; ctx.textBaseline = "middle";
    model.get("input_labels").forEach((lab, i) => {
      if (cols.length && i < cols[0]) ctx.fillText(lab, pos[i][0] - s / 2 - 5, pos[i][1]);
    });
    canvas.dataset.frame = String(++frame);
    canvas.dataset.checksum = sum.toFixed(4);
    canvas.dataset.nodesum = nsum.toFixed(4);
    canvas.dataset.selected = String(sel);
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
    "node_limit", "palette"];
  return follow(model, keys, draw, schedule, el);
}
export default { render };
"""
)


def node_size(columns: Sequence[int], height: int, node_px: int) -> int:
    """Side of each node box in pixels: ``node_px``, shrunk (down to 4) so the tallest column fits.

    Examples:
        >>> node_size([2, 8, 1], 360, 36), node_size([2, 64, 1], 360, 36)
        (32, 4)
    """
    most = max(columns, default=0)
    if most == 0:
        return node_px
    return max(4, min(node_px, int((height - TOP - BOTTOM) // (1.25 * most))))


def node_positions(
    columns: Sequence[int], width: int, height: int, node_px: int
) -> list[tuple[float, float]]:
    """Centre (x, y) in CSS pixels of every node, column by column (mirrors the JS).

    Column ``k`` sits at ``x = MARGIN_X + k * (width - 2 * MARGIN_X) / (len(columns) - 1)``; its
    nodes are spaced ``1.25 * node_size(...)`` apart and centred between ``TOP`` and ``BOTTOM``.

    Examples:
        >>> node_positions([1, 2], 328, 232, 40)
        [(64.0, 124.0), (264.0, 99.0), (264.0, 149.0)]
    """
    s = node_size(columns, height, node_px)
    mid = TOP + (height - TOP - BOTTOM) / 2
    out = []
    for k, n in enumerate(columns):
        x = (
            MARGIN_X + k * (width - 2 * MARGIN_X) / (len(columns) - 1)
            if len(columns) > 1
            else width / 2
        )
        out += [(float(x), mid + (i - (n - 1) / 2) * 1.25 * s) for i in range(n)]
    return out


class NetworkCanvas(anywidget.AnyWidget):
    """Columns of neuron thumbnails joined by links coloured and sized by weight (or gradient).

    Clicking a node sets ``selected`` (column-by-column index); hovering a link shows its value.
    """

    _esm = _ESM
    caption = t.Unicode(
        "", help="HTML under the picture (exact values, notes), sent with the values."
    ).tag(sync=True)
    columns = t.List(t.Int(), help="Node count per column, input first.").tag(sync=True)
    column_names = t.List(t.Unicode(), help="Name drawn above each column.").tag(sync=True)
    boxes = t.List(
        t.Int(), help="Columns drawn in a dashed box (layers that are not dense: no links)."
    ).tag(sync=True)
    box_shapes = t.List(t.Unicode(), help="Text under each box (the layer's shape).").tag(sync=True)
    input_labels = t.List(t.Unicode(), help="Label left of each input node.").tag(sync=True)
    thumb_size = t.Int(0, help="Thumbnail side T in pixels (0 = plain circles).").tag(sync=True)
    thumbs = t.Bytes(b"", help="uint8 (nodes, T, T); 0 = orange, 128 = white, 255 = blue.").tag(
        sync=True
    )
    node_values = t.Bytes(b"", help="float32 (nodes,) in [-1, 1]: circle colours.").tag(sync=True)
    links = t.Bytes(b"", help="float32: each (columns[k], columns[k+1]) matrix, row-major.").tag(
        sync=True
    )
    link_limit = t.Float(1.0, help="|link| drawn at full width and colour.").tag(sync=True)
    link_label = t.Unicode("weight", help="What the links show, for the hover text.").tag(sync=True)
    selected = t.Int(-1, help="Selected node (column-by-column index), -1 = none.").tag(sync=True)
    width_px = t.Int(640, help="Canvas width in pixels.").tag(sync=True)
    height_px = t.Int(360, help="Canvas height in pixels.").tag(sync=True)
    node_px = t.Int(36, help="Node box side in pixels (shrinks to fit, down to 4).").tag(sync=True)
    node_labels = t.List(
        t.Unicode(), help="Per-node names (column by column): hover text, index drawn inside."
    ).tag(sync=True)
    node_limit = t.Float(1.0, help="|node value| drawn at full colour.").tag(sync=True)
    palette = t.Enum(
        ["orange_blue", "red_blue"], "orange_blue", help="Colours of negative / positive values."
    ).tag(sync=True)
    selectable = t.Bool(True, help="A click on a node selects it.").tag(sync=True)

    @staticmethod
    def quantise(maps: Any) -> tuple[np.ndarray, np.ndarray]:
        """Map each (T, T) map by its own max |value| to uint8, 128 = 0 (non-finite -> 0).

        Args:
            maps: float array of shape ``(N, T, T)``.

        Returns:
            ``(uint8 (N, T, T), float32 (N,) scales)``: ``-scale -> 0``, ``0 -> 128``,
            ``+scale -> 255``; an all-zero map is all 128 with scale 0.

        Examples:
            >>> q, s = NetworkCanvas.quantise([[[-2.0, 0.0, 1.0, 2.0]]])
            >>> q.tolist(), s.tolist()
            ([[[0, 128, 192, 255]]], [2.0])
        """
        m = np.asarray(maps, dtype=np.float64)
        if m.ndim != 3:
            raise ValueError(f"maps: expected shape (N, T, T), received {m.shape}")
        m = np.where(np.isfinite(m), m, 0.0)
        scales = np.abs(m).max(axis=(1, 2), initial=0.0)
        r = m / np.where(scales > 0, scales, 1.0)[:, None, None]
        q = 128 + np.where(r >= 0, 127 * r, 128 * r)
        return np.clip(np.rint(q), 0, 255).astype(np.uint8), scales.astype(np.float32)

    def show(
        self,
        thumbs: Any,
        links: Sequence[Any],
        link_limit: float,
        node_values: Any = None,
        *,
        node_limit: float = 1.0,
        node_labels: Sequence[str] | None = None,
    ) -> None:
        """Draw thumbnails, links and node colours in one update.

        Args:
            thumbs: uint8 ``(nodes, T, T)`` (see ``quantise``), or None for plain circles.
            links: one float ``(columns[k], columns[k+1])`` matrix per consecutive column pair
                (NaN: no link drawn there).
            link_limit: |value| drawn at full width and colour (> 0).
            node_values: float ``(nodes,)`` colouring the circles (``node_limit`` at full
                colour), or None.
            node_limit: |node value| drawn at full colour (> 0).
            node_labels: ``nodes`` names (hover text; a trailing ``[i]`` is drawn in the node),
                or None to keep the current ones.
        """
        cols, n = list(self.columns), sum(self.columns)
        if thumbs is None:
            tb, size = b"", 0
        else:
            a = np.asarray(thumbs)
            if a.dtype != np.uint8 or a.ndim != 3 or a.shape[0] != n or a.shape[1] != a.shape[2]:
                raise ValueError(
                    f"thumbs: expected uint8 ({n}, T, T), received {a.dtype} {a.shape}"
                )
            tb, size = np.ascontiguousarray(a).tobytes(), a.shape[1]
        if len(links) != max(0, len(cols) - 1):
            raise ValueError(
                f"links: expected {max(0, len(cols) - 1)} matrices, received {len(links)}"
            )
        mats = [np.asarray(w, dtype="<f4") for w in links]
        for k, w in enumerate(mats):
            if w.shape != (cols[k], cols[k + 1]):
                raise ValueError(
                    f"links[{k}]: expected shape {(cols[k], cols[k + 1])}, received {w.shape}"
                )
        if not float(link_limit) > 0:
            raise ValueError(f"link_limit: expected a number > 0, received {link_limit!r}")
        if not float(node_limit) > 0 or not np.isfinite(node_limit):
            raise ValueError(f"node_limit: expected a finite number > 0, received {node_limit!r}")
        if node_labels is not None and len(node_labels) != n:
            raise ValueError(f"node_labels: expected {n} names, received {len(node_labels)}")
        nv = b""
        if node_values is not None:
            v = np.asarray(node_values, dtype="<f4")
            if v.shape != (n,):
                raise ValueError(f"node_values: expected shape ({n},), received {v.shape}")
            nv = v.tobytes()
        flat = np.concatenate([w.ravel() for w in mats]) if mats else np.zeros(0, "<f4")
        with self.hold_sync():
            self.thumbs, self.thumb_size = tb, size
            self.links, self.link_limit, self.node_values = flat.tobytes(), float(link_limit), nv
            self.node_limit = float(node_limit)
            if node_labels is not None:
                self.node_labels = [str(label) for label in node_labels]
