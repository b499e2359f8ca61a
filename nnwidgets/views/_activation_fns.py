"""Activation functions f and f', with the selected layer's neurons as live points on both."""

from __future__ import annotations

import bqplot as bq
import ipywidgets as W
import numpy as np

from ..state import ExplorerState
from ._base import StateView, steady_scale
from ._convert import f32, tick_format
from ._values_table import ValuesTable

#: A layer with more neurons than this shows this many points, evenly spaced by index.
MAX_POINTS = 1000


def _short_format(*arrays: np.ndarray) -> str:
    """The tick format of an axis over the finite values of ``arrays`` (see ``tick_format``)."""
    v = np.concatenate([f32(a).ravel() for a in arrays])
    v = v[np.isfinite(v)]
    return tick_format(v.min(), v.max()) if v.size else tick_format(0.0, 1.0)


class ActivationFunctionView(StateView, W.VBox):
    """A layer's activation f and derivative f', with its neurons as points on both curves.

    Curves are ``state.activation_curves``; the points are the neurons at
    ``(pre-activation, activation)`` and ``(pre-activation, slope)``. Saturated tanh/sigmoid
    units sit on the flat ends; dead ReLUs sit at slope 0. A layer of more than
    ``MAX_POINTS`` neurons (a conv layer on a large image) shows ``MAX_POINTS`` of them,
    evenly spaced by index, and its titles say so (every point lies on the curve anyway).
    """

    def __init__(self, state: ExplorerState, **kwargs: object) -> None:
        self.state = state
        state.prepare("activation_curves")  # computed when a view first needs it
        names = list(state.model.layer_names)
        self.layer = W.Dropdown(options=names, value=names[0], description="layer")
        self.layer.observe(self._redraw, names="value")
        self.curves, self.points, self.figures = [], [], []
        for title in ("f(z)", "f'(z)"):
            xs, ys = steady_scale(), steady_scale()  # a step moves the points, not the axes
            curve = bq.Lines(x=[], y=[], scales={"x": xs, "y": ys}, colors=["#888"])
            points = bq.Scatter(
                x=[],
                y=[],
                scales={"x": xs, "y": ys},
                colors=["#d6604d"],
                default_size=30,
                tooltip=bq.Tooltip(fields=["x", "y"], labels=["z", title], formats=[".3g", ".3g"]),
            )
            self.curves.append(curve)
            self.points.append(points)
            self.figures.append(
                bq.Figure(
                    marks=[curve, points],
                    title=title,
                    axes=[
                        bq.Axis(scale=xs, label="pre-activation z"),  # formats: _redraw
                        bq.Axis(scale=ys, side="left"),
                    ],
                    fig_margin={"top": 35, "bottom": 40, "left": 45, "right": 10},
                    layout={"width": "330px", "height": "240px"},
                )
            )
        self.readout = ValuesTable(table_class="nnw-slopes")  # f'(z) per neuron, by index
        self._owned = [self.layer, *self.figures, self.readout]
        self._watch(self._redraw, "version")
        self._redraw(None)
        super().__init__([self.layer, W.HBox(self.figures), self.readout], **kwargs)
        self.add_class("nnw-activation-functions")

    def _redraw(self, _: object) -> None:
        s, name = self.state, self.layer.value
        act = dict(zip(s.model.layer_names, s.model.activation_names))[name]
        curve = s.activation_curves[act]
        pre = f32(s.preactivations[name]).ravel()
        values = (f32(s.activations[name]).ravel(), f32(s.slopes[name]).ravel())
        shown, some = slice(None), ""
        if pre.size > MAX_POINTS:  # display selection: SVG points, one DOM element each
            shown = np.linspace(0, pre.size - 1, MAX_POINTS).round().astype(int)
            some = f" ({MAX_POINTS} of {pre.size} neurons)"
        for line, points, key, y, figure in zip(
            self.curves, self.points, ("f", "df"), values, self.figures
        ):
            if line.x is not curve["z"] or line.y is not curve[key]:  # a new layer's curve only
                with line.hold_sync():
                    line.x, line.y = curve["z"], curve[key]
            with points.hold_sync():
                points.x, points.y = pre[shown], y[shown]
            for axis, v in zip(figure.axes, ((curve["z"], pre), (curve[key], y))):
                axis.tick_format = _short_format(*v)
        self.figures[0].title = f"{act}(z) · {name}{some}"
        self.figures[1].title = f"{act}'(z) · {name}{some}"
        with self.readout.hold_sync():
            self.readout.show(values[1])
            self.readout.table_version = s.version
