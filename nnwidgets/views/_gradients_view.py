"""d loss / d params: one parameter array's gradient as a heat map, every layer's norm as bars."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from ..models import param_groups
from ..state import ExplorerState
from ._bars_canvas import BarsCanvas
from ._base import StateView
from ._convert import f32, number
from ._matrix_canvas import MatrixCanvas
from ._outputs import label_dropdown, loss_html
from ._weights_view import as_matrix, channels_first, shown_as_matrix, weight_arrays


class GradientsView(StateView, W.VBox):
    """d loss / d θ of a chosen parameter array and ``state.grad_norms`` of every layer.

    The norms, one bar per layer with parameters (all its arrays together), show vanishing
    or exploding gradients at a glance. The loss is the cross-entropy for the true label
    picked here (``state.label``). The heat map's colour scale is symmetric around zero,
    ±max |gradient| of the array shown for the current input (a display limit, like the
    attribution view's): its colour bar is labelled in dL/dθ's own units. Both are canvases
    (one float32 buffer each per step; the page builds their values tables).

    Args:
        state: the Explorer's (or Playground's) state.
        layer: the array shown first (``"dense_1.w"``; a layer's name picks its first
            matrix); default: the first matrix.
    """

    def __init__(self, state: ExplorerState, layer: str | None = None, **kwargs: object) -> None:
        self.state = state
        # named from the parameters: the gradients of a new network (Playground) come later
        self.index = {} if state.param_grads is None else weight_arrays(state)
        if not self.index:
            note = W.HTML(
                '<div class="nnw-note">no gradients to show: the model has no float '
                "parameters</div>"
            )
            self._owned = [note]
            super().__init__([note], **kwargs)
            self.add_class("nnw-gradients")
            return
        names = list(self.index)
        self.groups = list(param_groups(state.model, state.params))
        matrices = [n for n in names if shown_as_matrix(self.index[n])] or names
        if layer is not None and layer not in names:
            picked = [n for n in matrices if n.rsplit(".", 1)[0] == layer]
            if not picked:
                raise ValueError(f"layer: expected one of {names}, got {layer!r}")
            layer = picked[0]
        self.layer = W.Dropdown(options=names, value=layer or matrices[0], description="array")
        # the Playground's state has no single true label: its loss is the training set's
        self.label = label_dropdown(state) if hasattr(state, "label") else None
        if self.label is not None:
            self._link("label", self.label)
        self.limit = 1.0
        self.matrix = MatrixCanvas(
            scheme="diverging", color_label="dL/dθ", table_class="nnw-grad-values"
        )
        self.norms = BarsCanvas(
            ["|dL/dθ| per layer"],
            [len(self.groups)],
            labels=self.groups,
            x_label="layer",
            counts=False,
            item_label="layer",
            color="#d6604d",
            panel_width=max(260, 40 * len(self.groups) + 60),
            panel_height=200,
            table_class="nnw-grad-norms",
        )
        self.readout = W.HTML()
        self._owned = [self.layer, self.matrix, self.norms, self.readout]
        self._owned += [self.label] if self.label is not None else []
        self._redraw(None)
        self.layer.observe(self._redraw, names="value")
        self._watch(self._redraw, "version")
        right = W.VBox([self.norms, self.readout])
        controls = W.HBox([self.layer] + ([self.label] if self.label is not None else []))
        body = W.HBox([self.matrix, right], layout={"flex_flow": "row wrap"})
        super().__init__([controls, body], **kwargs)
        self.add_class("nnw-gradients")

    def _grad(self) -> tuple[np.ndarray, tuple[int, ...] | None, tuple[str, str]]:
        name = self.layer.value
        try:
            g = weight_arrays(self.state, self.state.param_grads)[name]
        except (KeyError, ValueError):  # the last network's gradients: zeros until the next
            g = np.zeros(np.shape(self.index[name]), np.float32)
        return as_matrix(g, channels_first(self.state))

    def _redraw(self, _: object) -> None:
        s = self.state
        matrix, tiles, labels = self._grad()
        finite = np.abs(matrix[np.isfinite(matrix)])
        self.limit = float(finite.max(initial=0.0)) or 1.0  # a zero gradient: no 0/0
        with self.matrix.hold_sync():  # one update: cells, range, title, the table's version
            self.matrix.color_range(-self.limit, self.limit)
            self.matrix.show(matrix, tiles, labels)
            self.matrix.title = f"dL/dθ · {self.layer.value}{self.matrix.note}"
            self.matrix.table_version = s.version
        norms = f32(s.grad_norms).ravel()
        if norms.size != len(self.groups):  # the last network's (Playground): zeros until the next
            norms = np.zeros(len(self.groups), np.float32)
        with self.norms.hold_sync():
            self.norms.show([norms])
            self.norms.table_version = s.version
        self.readout.value = (
            loss_html(s)
            if self.label is not None
            else f'<div class="nnw-loss">training loss: <b class="nnw-v">{number(s.loss)}</b></div>'
        )
