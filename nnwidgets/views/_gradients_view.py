"""d loss / d params: one parameter array's gradient as a heat map, every layer's norm as bars."""

from __future__ import annotations

import bqplot as bq
import ipywidgets as W
import numpy as np

from ..models import param_groups
from ..state import ExplorerState
from ._base import StateView, steady_scale
from ._convert import axis_ticks, f32, number, values_table
from ._feature_maps import MatrixPlot
from ._outputs import label_dropdown, loss_html
from ._weights_view import SCHEME, as_matrix, channels_first, shown_as_matrix, weight_arrays


class GradientsView(StateView, W.VBox):
    """d loss / d θ of a chosen parameter array and ``state.grad_norms`` of every layer.

    The norms, one bar per layer with parameters (all its arrays together), show vanishing
    or exploding gradients at a glance. The loss is the cross-entropy for the true label
    picked here (``state.label``). The heat map's colour scale is symmetric around zero,
    ±max |gradient| of the array shown (a display limit, like the attribution view's): its
    colour bar runs from -1 to 1 and its label gives that limit ("dL/dθ ÷ 3.2e-06").

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
        # colours are the gradient over its largest |value| on a fixed scale: a step sends the
        # heat map's colours only, never a new colour domain (the limit is printed instead)
        self.colors = bq.ColorScale(scheme=SCHEME, mid=0.0, min=-1.0, max=1.0)
        self.limit = 1.0
        self.matrix = MatrixPlot(
            self.colors,
            self._grad()[0],
            color_label="dL/dθ",
            layout={"width": "380px", "height": "368px"},  # 320 px and the colour bar
        )
        self.matrix.color_range(-1.0, 1.0)
        xs, ys = bq.OrdinalScale(), steady_scale(min=0.0)  # no axis redraw per step
        self.norms = bq.Bars(
            x=self.groups,
            y=f32(state.grad_norms),
            scales={"x": xs, "y": ys},
            padding=0.2,
            tooltip=bq.Tooltip(fields=["x", "y"], formats=["", ".4g"]),
        )
        self.norms.colors = ["#d6604d"]
        self.norm_figure = bq.Figure(
            marks=[self.norms],
            title="|dL/dθ| per layer",
            axes=[bq.Axis(scale=xs), bq.Axis(scale=ys, side="left")],  # format: _redraw
            fig_margin={"top": 30, "bottom": 30, "left": 50, "right": 10},
            layout={"width": "300px", "height": "220px"},
        )
        self.readout = W.HTML()
        self._owned = [self.layer, self.matrix.figure, self.norm_figure, self.readout]
        self._owned += [self.label] if self.label is not None else []
        self._draw_layer(None)
        self._redraw(None)
        self.layer.observe(self._redraw, names="value")  # the new limit goes in the readout
        self._watch(self._redraw, "version")
        right = W.VBox([self.norm_figure, self.readout])
        controls = W.HBox([self.layer] + ([self.label] if self.label is not None else []))
        super().__init__([controls, W.HBox([self.matrix.figure, right])], **kwargs)
        self.add_class("nnw-gradients")

    def _grad(self) -> tuple[np.ndarray, tuple[int, ...] | None, tuple[str, str]]:
        name = self.layer.value
        try:
            g = weight_arrays(self.state, self.state.param_grads)[name]
        except (KeyError, ValueError):  # the last network's gradients: zeros until the next
            g = np.zeros(np.shape(self.index[name]), np.float32)
        return as_matrix(g, channels_first(self.state))

    def _draw_layer(self, _: object) -> None:
        """The heat map of the selected layer's weight gradient (and its colour limits)."""
        matrix, tiles, labels = self._grad()
        self.limit = float(np.abs(matrix).max()) or 1.0  # a zero gradient: no 0/0
        self.matrix.show(matrix / np.float32(self.limit), tiles, labels)
        self.matrix.figure.title = f"dL/dθ · {self.layer.value}{self.matrix.note}"
        if self.matrix.color_axis is not None:
            self.matrix.color_axis.label = f"dL/dθ ÷ {self.limit:.2g}"

    def _redraw(self, change: object) -> None:
        s = self.state
        if change is not None:
            self._draw_layer(None)
        self.norms.y = f32(s.grad_norms)
        # at most 5 round ticks inside the data (so inside the stabilised domain), short
        # labels at any magnitude; sent only when they change
        axis = self.norm_figure.axes[1]
        with axis.hold_sync():
            axis.tick_values, axis.tick_format = axis_ticks(0.0, np.nanmax(s.grad_norms))
        loss = (
            loss_html(s)
            if self.label is not None
            else f'<div class="nnw-loss">training loss: <b class="nnw-v">{number(s.loss)}</b></div>'
        )
        scale = (
            f'<div class="nnw-color-limit">colour ±1 = |dL/dθ| <b class="nnw-limit">'
            f"{number(self.limit)}</b></div>"
        )
        self.readout.value = (
            scale + loss + values_table(self.groups, s.grad_norms, "nnw-grad-norms", s.version)
        )
