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

from ._base import Captioned
from ._js import constants, esm

# px left of the first and right of the last column (room for input labels), above the nodes
# (column names) and below them: defined once, in js/network.js
MARGIN_X, TOP, BOTTOM = (constants("network")[k] for k in ("MX", "TOP", "BOTTOM"))

_ESM = esm("network")


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
    """Centre (x, y) in CSS pixels of every node, column by column (as js/network.js).

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


class NetworkCanvas(Captioned, anywidget.AnyWidget):
    """Columns of neuron thumbnails joined by links coloured and sized by weight (or gradient).

    Clicking a node sets ``selected`` (column-by-column index); hovering a link shows its value.
    """

    _esm = _ESM
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
    node_labels = t.List(  # strings (``show`` makes them so): not checked one by one per step
        help="Per-node names (column by column): hover text, index drawn inside."
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
