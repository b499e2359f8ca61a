"""Every layer's activations for the current input, one small bar chart per layer."""

from __future__ import annotations

import functools

import bqplot as bq
import ipywidgets as W

from ..state import ExplorerState
from ._base import StateView, steady_scale
from ._convert import f32


class ActivationView(StateView, W.HBox):
    """Post-activation values of each layer; click a neuron to see what it responds to."""

    def __init__(self, state: ExplorerState, **kwargs: object) -> None:
        self.state = state
        self.bars: dict[str, bq.Bars] = {}
        figures = []
        for name, values in state.activations.items():
            values = f32(values).ravel()  # conv layers: (H, W, C) drawn flat, channel last
            xs, ys = bq.OrdinalScale(), steady_scale()
            bars = bq.Bars(
                x=[str(i) for i in range(len(values))],
                y=f32(values),
                scales={"x": xs, "y": ys},
                colors=["#6baed6"],
                padding=0.05,
                tooltip=bq.Tooltip(fields=["x", "y"], labels=["neuron", "value"]),
            )
            bars.on_element_click(functools.partial(self._clicked, name))
            self.bars[name] = bars
            figures.append(
                bq.Figure(
                    marks=[bars],
                    title=f"{name} ({len(values)})",
                    axes=[
                        bq.Axis(scale=xs, visible=False),
                        bq.Axis(scale=ys, side="left", tick_format=".2g"),
                    ],
                    fig_margin={"top": 30, "bottom": 10, "left": 40, "right": 5},
                    layout={"width": "300px", "height": "160px"},
                )
            )
        self.figures = figures
        self._owned = list(figures)
        self._watch(self._redraw, "version")
        super().__init__(figures, **kwargs)
        self.add_class("nnw-activations")

    def _clicked(self, layer: str, _: object, event: dict) -> None:
        """Click a neuron: explain what it responds to (``neuron_gradient``)."""
        s = self.state
        with s.batch():  # one recompute for layer, neuron and method
            s.layer, s.neuron, s.method = layer, int(event["data"]["index"]), "neuron_gradient"

    def _redraw(self, _: object) -> None:
        for name, values in self.state.activations.items():
            self.bars[name].y = f32(values).ravel()
