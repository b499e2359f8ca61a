"""The network as a node-link graph coloured by the live values, and its layer summary table."""

from __future__ import annotations

import html

import bqplot as bq
import ipywidgets as W
import numpy as np

from ..state import ExplorerState
from ._base import StateView
from ._convert import f32, values_table

TOP_K = 8


def _top(values: np.ndarray, k: int) -> np.ndarray:
    """Display selection: the indices of the ``k`` largest magnitudes, in index order."""
    return np.sort(np.argsort(-np.abs(values), kind="stable")[:k])


def _link_data(matrix: np.ndarray, limit: float) -> list[dict[str, float]]:
    """Link records for bqplot: colour from ``value``, width 0.5-4 px from ``|value|``."""
    rows, cols = np.nonzero(np.isfinite(matrix))
    return [
        {
            "source": int(i),
            "target": int(j),
            "value": float(matrix[i, j]),
            "link_width": 0.5 + 3.5 * abs(float(matrix[i, j])) / limit,
        }
        for i, j in zip(rows, cols)
    ]


class StructureView(StateView, W.VBox):
    """Input, then every traced layer as a column of nodes coloured by the current values.

    Wide columns show the top ``k`` values by magnitude (a note says how many are hidden).
    Links join consecutive columns through a Dense layer's weights, coloured and sized by
    weight or, with the toggle, by the loss gradient of that weight ("gradient flow").
    """

    def __init__(self, state: ExplorerState, k: int = TOP_K, **kwargs: object) -> None:
        self.state, self.k = state, k
        self.mode = W.ToggleButtons(options=["weights", "gradients"], description="links")
        self.mode.observe(self._redraw, names="value")
        xs, ys = bq.LinearScale(), bq.LinearScale()
        self.node_colors = bq.ColorScale(scheme="RdBu", mid=0.0, min=-1.0, max=1.0)
        self.link_colors = bq.ColorScale(scheme="PuOr", mid=0.0)
        self.graph = bq.Graph(
            node_data=[],
            link_type="line",
            directed=False,
            highlight_links=True,
            scales={"x": xs, "y": ys, "color": self.node_colors, "link_color": self.link_colors},
            tooltip=bq.Tooltip(fields=["label", "value"]),
        )
        self.figure = bq.Figure(
            marks=[self.graph],
            title="network (node = current value, link = weight)",
            fig_margin={"top": 40, "bottom": 10, "left": 10, "right": 10},
            layout={"width": "760px", "height": "380px"},
        )
        self.note, self.readout = W.HTML(), W.HTML()
        self.summary = W.HTML(self._summary())
        self._owned = [self.mode, self.figure, self.note, self.readout, self.summary]
        self._watch(self._redraw, "version")
        self._redraw(None)
        super().__init__([self.mode, self.figure, self.note, self.readout, self.summary], **kwargs)
        self.add_class("nnw-structure")

    def _columns(self) -> list[tuple[str, np.ndarray]]:
        s = self.state
        return [("input", f32(s.x).ravel())] + [
            (n, f32(s.activations[n]).ravel()) for n in s.model.layer_names
        ]

    def _links(self, shown: list[np.ndarray], offsets: list[int], n: int) -> np.ndarray:
        s = self.state
        matrix = np.full((n, n), np.nan, np.float32)  # NaN: no link drawn
        source = s.param_grads if self.mode.value == "gradients" else s.params
        if not isinstance(source, (tuple, list)) or not all(isinstance(p, dict) for p in source):
            return matrix  # a plain function model: no weights to draw
        layers = [p for p in source if p]
        for j, p in enumerate(layers):  # layer j's weights link column j to column j + 1
            w = f32(p["w"])
            if w.ndim != 2 or w.shape[0] != len(self._columns()[j][1]):
                continue  # conv kernels or pooling in between: no one-to-one links
            rows, cols = shown[j], shown[j + 1]
            matrix[
                np.ix_(offsets[j] + np.arange(len(rows)), offsets[j + 1] + np.arange(len(cols)))
            ] = w[np.ix_(rows, cols)]
        return matrix

    def _redraw(self, _: object) -> None:
        columns = self._columns()
        shown = [_top(v, self.k) for _, v in columns]
        offsets = list(np.cumsum([0] + [len(i) for i in shown[:-1]]))
        xs, ys, colors, nodes, names = [], [], [], [], []
        for c, ((name, values), idx) in enumerate(zip(columns, shown)):
            for r, i in enumerate(idx):
                xs.append(float(c))
                ys.append(float(r - (len(idx) - 1) / 2))
                colors.append(values[i])
                nodes.append({"label": f"{name}[{i}]", "value": f"{values[i]:.4g}"})
                names.append(f"{name}[{i}]")
        colors = np.array(colors, np.float32)
        limit = float(np.abs(colors).max()) or 1.0
        links = self._links(shown, offsets, len(nodes))
        link_limit = float(np.nanmax(np.abs(links), initial=0.0)) or 1.0
        with self.node_colors.hold_sync(), self.link_colors.hold_sync(), self.graph.hold_sync():
            self.link_colors.min, self.link_colors.max = -link_limit, link_limit
            self.graph.node_data, self.graph.x, self.graph.y = nodes, np.array(xs), np.array(ys)
            self.graph.color = colors / np.float32(limit)
            self.graph.link_data = _link_data(links, link_limit)
        hidden = [
            f"{n}: {len(v) - len(i)} of {len(v)}"
            for (n, v), i in zip(columns, shown)
            if len(v) > len(i)
        ]
        self.note.value = (
            ("<i>hidden (smallest |value|): " + ", ".join(hidden) + "</i>") if hidden else ""
        )
        self.readout.value = values_table(names, colors, "nnw-structure-values", self.state.version)

    def _summary(self) -> str:
        model = self.state.model
        rows = model.summary() if hasattr(model, "summary") else []
        body = "".join(
            f"<tr><td>{html.escape(r['name'])}</td><td>{r['type']}</td>"
            f"<td>{r['output_shape']}</td><td>{r['params']:,}</td><td>{r['activation']}</td></tr>"
            for r in rows
        )
        total = sum(r["params"] for r in rows)
        return (
            '<table class="nnw-layer-summary"><tr><th>layer</th><th>type</th><th>output</th>'
            f"<th>parameters</th><th>activation</th></tr>{body}"
            f"<tr><td colspan=3><b>total</b></td><td><b>{total:,}</b></td><td></td></tr></table>"
        )
