"""The network as a node-link graph coloured by the live values, and its layer summary table."""

from __future__ import annotations

import html

import ipywidgets as W
import numpy as np

from ..models import param_groups
from ..state import ExplorerState
from ._base import StateView, layer_entries, set_changed
from ._convert import f32
from ._network_canvas import NetworkCanvas

TOP_K = 8


def _top(values: np.ndarray, k: int) -> np.ndarray:
    """Display selection: the indices of the ``k`` largest magnitudes, in index order."""
    return np.sort(np.argsort(-np.abs(values), kind="stable")[:k])


class StructureView(StateView, W.VBox):
    """Input, then every traced layer as a column of nodes coloured by the current values.

    Wide columns show the top ``k`` values by magnitude (a note says how many are hidden).
    Layers that are not vectors (images, feature maps) are drawn in a dashed box with their
    shape. Links join consecutive columns through a dense layer's weights, coloured and sized by
    weight or, with the toggle, by the loss gradient of that weight ("gradient flow"). The
    picture is a ``NetworkCanvas``: one message per step with the node values as a binary
    buffer and, as its caption, the colour limits, the hidden-node note and the exact values
    (a bqplot graph re-bound its node data and re-ran its force layout at every step).
    """

    def __init__(self, state: ExplorerState, k: int = TOP_K, **kwargs: object) -> None:
        self.state, self.k = state, k
        self._entries = layer_entries(state.model)  # a sequence layer's parts: their own tabs
        self.mode = W.ToggleButtons(options=["weights", "gradients"], description="links")
        self.mode.observe(self._redraw, names="value")
        self.canvas = NetworkCanvas(
            width_px=760, height_px=380, node_px=30, palette="red_blue", selectable=False
        )
        self.summary = W.HTML(self._summary())
        children = [self.mode, self.canvas, self.summary]
        self._owned = list(children)
        self._watch(self._redraw, "version")
        self._redraw(None)
        super().__init__(children, **kwargs)
        self.add_class("nnw-structure")

    def _columns(self) -> list[tuple[str, np.ndarray]]:
        s = self.state
        return [("input", f32(s.x).ravel())] + [
            (n, f32(s.activations[n]).ravel()) for n, _ in self._entries
        ]

    def _links(self, columns: list[tuple[str, np.ndarray]], shown: list[np.ndarray]) -> list:
        """One (shown j, shown j + 1) matrix per consecutive column pair; NaN: no link.

        Column ``j + 1`` is a layer; its module's matrix of shape (column j, column j + 1)
        (or its transpose: Equinox, PyTorch) are the links. Conv kernels, pooling or a
        layer of another size in between: no one-to-one links (the columns stand alone).
        """
        full = self._matrices(columns)
        return [
            np.full((len(a), len(b)), np.nan, np.float32) if w is None else w[a[:, None], b]
            for w, a, b in zip(full, shown, shown[1:])
        ]

    def _matrices(self, columns: list[tuple[str, np.ndarray]]) -> list[np.ndarray | None]:
        """Per column pair, the whole link matrix (column j, column j + 1) or None.

        Found once per parameter tree (a new ``params`` or a step's ``param_grads``), not per
        redraw: the weights stay the same while a slider moves.
        """
        s = self.state
        tree = s.param_grads if self.mode.value == "gradients" else s.params
        cached = self.__dict__.get("_found")
        if cached is not None and cached[0] is tree:
            return cached[1]
        found: list[np.ndarray | None] = [None] * (len(columns) - 1)
        try:
            groups = param_groups(s.model, tree) if tree is not None else {}
        except Exception:  # parameters the model cannot name: no links
            groups = {}
        for j in range(len(found)):
            n_in, n_out = len(columns[j][1]), len(columns[j + 1][1])
            for w in groups.get(columns[j + 1][0], {}).values():
                w = f32(w)
                if w.ndim == 2 and w.shape == (n_in, n_out):
                    found[j] = w
                    break
                if w.ndim == 2 and w.shape == (n_out, n_in):
                    found[j] = np.ascontiguousarray(w.T)
                    break
        self._found = (tree, found)
        return found

    def _layout(self, columns: list[tuple[str, np.ndarray]]) -> dict[str, object]:
        """The canvas's fixed geometry (column names, boxed layers), found once per model."""
        model = self.state.model
        cached = self.__dict__.get("_fixed")
        if cached is not None and cached[0] is model:
            return cached[1]
        # feature maps and other non-vector layers: a box with their shape, no links
        shapes = [tuple(self.state.input_shape), *(shape for _, shape in self._entries)]
        boxes = [k for k, shape in enumerate(shapes) if len(shape) != 1]
        fixed = {
            "column_names": [name for name, _ in columns],
            "boxes": boxes,
            "box_shapes": ["×".join(map(str, shapes[k])) for k in boxes],
        }
        self._fixed = (model, fixed)
        return fixed

    def _names(self, columns: list[tuple[str, np.ndarray]], shown: list[np.ndarray]) -> list:
        """The shown nodes' names, 'layer[i]' (made again only when other nodes are shown)."""
        key = (tuple(name for name, _ in columns), b"".join(i.tobytes() + b"|" for i in shown))
        cached = self.__dict__.get("_named")
        if cached is None or cached[0] != key:
            names = [f"{name}[{i}]" for (name, _), idx in zip(columns, shown) for i in idx]
            self._named = cached = (key, names)
        return cached[1]

    def _redraw(self, _: object) -> None:
        columns = self._columns()
        # the top k of each layer by |value|, and every output (no class is ever hidden)
        shown = [_top(v, self.k) for _, v in columns[:-1]] + [np.arange(len(columns[-1][1]))]
        values = np.concatenate([v[idx] for (_, v), idx in zip(columns, shown)])
        limit = float(np.abs(values[np.isfinite(values)]).max(initial=0.0)) or 1.0
        links = self._links(columns, shown)
        finite = [np.abs(b[np.isfinite(b)]) for b in links]
        link_limit = float(max((f.max(initial=0.0) for f in finite), default=0.0)) or 1.0
        what = "dL/dw" if self.mode.value == "gradients" else "weight"
        title = (
            f'<div class="nnw-structure-title"><b>network</b> (node = current value, '
            f"|value| {limit:.3g} at full colour; link = {what}, |{what}| {link_limit:.3g} at "
            "full width)</div>"
        )
        hidden = [
            f"{n}: {len(v) - len(i)} of {len(v)}"
            for (n, v), i in zip(columns, shown)
            if len(v) > len(i)
        ]
        note = ("<i>hidden (smallest |value|): " + ", ".join(hidden) + "</i>") if hidden else ""
        frame = {"columns": [len(i) for i in shown], **self._layout(columns)}
        with self.canvas.hold_sync():  # one message: node values (links), limits, caption
            set_changed(self.canvas, frame)
            self.canvas.link_label = what
            names = self._names(columns, shown)
            labels = None if names is self.__dict__.get("_labelled") else names
            self.canvas.show(None, links, link_limit, values, node_limit=limit, node_labels=labels)
            self._labelled = names
            self.canvas.caption = title + note  # the page adds the table of the node values
            self.canvas.table_class = "nnw-structure-values"
            self.canvas.table_version = self.state.version

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
