"""Every layer's activations for the current input: one small bar chart per layer."""

from __future__ import annotations

import ipywidgets as W

from ..state import ExplorerState
from ._bars_canvas import BarsCanvas
from ._base import StateView
from ._convert import f32


class ActivationView(StateView, W.HBox):
    """Post-activation values of each layer; click a neuron to see what it responds to.

    All layers are drawn by one ``BarsCanvas`` (conv layers flat, channel last): a slider step
    sends it one message with one float32 buffer, however many layers the model has.
    """

    def __init__(self, state: ExplorerState, **kwargs: object) -> None:
        self.state = state
        names = list(state.activations)
        self.canvas = BarsCanvas(names, [f32(state.activations[n]).size for n in names])
        self.canvas.on_bar_click(self._clicked)
        self._owned = [self.canvas]
        self._watch(self._redraw, "version")
        self._redraw(None)
        super().__init__([self.canvas], **kwargs)
        self.add_class("nnw-activations")

    def _clicked(self, layer: str, index: int) -> None:
        """Click a neuron: explain what it responds to (``neuron_gradient``)."""
        s = self.state
        with s.batch():  # one recompute for layer, neuron and method
            s.layer, s.neuron, s.method = layer, int(index), "neuron_gradient"

    def _redraw(self, _: object) -> None:
        self.canvas.show([self.state.activations[n] for n in self.canvas.groups])
