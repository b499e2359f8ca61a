"""Every layer's activations for the current input: one small bar chart per layer."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from ..state import ExplorerState
from ._bars_canvas import BarsCanvas
from ._base import StateView, layer_entries
from ._convert import block_peak, f32

#: A layer with more values than this draws each bar as the peak of a block of neurons.
MAX_BARS = 1024


class ActivationView(StateView, W.HBox):
    """Post-activation values of each layer; click a neuron to see what it responds to.

    All layers are drawn by one ``BarsCanvas`` (conv layers flat, channel last): a slider step
    sends it one message with one float32 buffer, however many layers the model has. A layer
    of more than ``MAX_BARS`` values (a conv layer on a large image) draws at most
    ``MAX_BARS`` bars, each the signed peak of a block of neurons (``block_peak``); a click on
    one explains the neuron of that peak.
    """

    def __init__(self, state: ExplorerState, **kwargs: object) -> None:
        self.state = state
        names = [n for n, _ in layer_entries(state.model)]
        sizes = [f32(state.activations[n]).size for n in names]
        self.blocks = dict(zip(names, (-(-n // MAX_BARS) for n in sizes)))
        bars = [-(-n // b) for n, b in zip(sizes, self.blocks.values())]
        blocked = any(b > 1 for b in self.blocks.values())
        extra = {"blocks": list(self.blocks.values()), "totals": sizes} if blocked else {}
        self.canvas = BarsCanvas(names, bars, **extra)
        self.canvas.on_bar_click(self._clicked)
        self._owned = [self.canvas]
        self._watch(self._redraw, "version")
        self._redraw(None)
        super().__init__([self.canvas], **kwargs)
        self.add_class("nnw-activations")

    def _clicked(self, layer: str, index: int) -> None:
        """Click a neuron: explain what it responds to (``neuron_gradient``)."""
        s = self.state
        b = self.blocks[layer]
        if b > 1:  # the bar's peak: the neuron whose value it shows
            block = f32(s.activations[layer]).ravel()[index * b : (index + 1) * b]
            index = index * b + int(abs(block).argmax())
        with s.batch():  # one recompute for layer, neuron and method
            s.layer, s.neuron, s.method = layer, int(index), "neuron_gradient"

    def _redraw(self, _: object) -> None:
        self.canvas.show([self._bars(n) for n in self.canvas.groups])

    def _bars(self, name: str) -> np.ndarray:
        """A layer's values as drawn: as they are, or the peaks of blocks of neurons."""
        v = f32(self.state.activations[name]).ravel()
        return v if self.blocks[name] == 1 else block_peak(v[None, :], MAX_BARS)[0][0]
