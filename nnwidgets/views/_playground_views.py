"""The Playground's pictures: the output over the input plane, and the network of thumbnails."""

from __future__ import annotations

import html

import ipywidgets as W
import numpy as np

from ..models import EXTENT
from ..state import PlaygroundState
from ._base import StateView
from ._boundary_canvas import BoundaryCanvas
from ._network_canvas import NetworkCanvas


def network_columns(state: PlaygroundState) -> list[int]:
    """Nodes per column of the network picture: inputs, hidden layers, outputs."""
    return [state.model.input_shape[0], *state.model.layer_sizes]


def unit_maps(state: PlaygroundState) -> np.ndarray | None:
    """Every node's map over the plane, in the network picture's order (None if not 2-D)."""
    if state.neuron_maps is None or state.input_maps is None:
        return None
    return np.concatenate([state.input_maps, state.neuron_maps])


class BoundaryView(StateView, W.VBox):
    """The output (or a chosen neuron) over the input plane, with the data; click adds a point.

    Orange is the class 0 side (or -1), blue the class 1 side (or +1). ``focus`` is the node
    of the network picture shown large (``-1``: the model's output).
    """

    def __init__(self, state: PlaygroundState, **kwargs: object) -> None:
        self.state, self.focus = state, -1
        self.canvas = BoundaryCanvas(size_px=300, extent=list(EXTENT))
        self.canvas.on_add(lambda x1, x2: state.add_point(x1, x2))
        self.show_test = W.Checkbox(value=True, description="show test data", indent=False)
        link = W.jslink((self.show_test, "value"), (self.canvas, "show_test"))
        self.title, self.note = W.HTML(), W.HTML()
        self._owned = [link, self.canvas, self.show_test, self.title, self.note]
        self._watch(self._redraw, "version")
        self._watch(self._points, "data_version")
        self._points(None)
        self._redraw(None)
        super().__init__([self.title, self.canvas, self.show_test, self.note], **kwargs)
        self.add_class("nnw-boundary")

    def set_focus(self, node: int) -> None:
        """Show node ``node`` of the network picture large (-1: the output)."""
        self.focus = node
        self._redraw(None)

    def _points(self, _: object) -> None:
        s = self.state
        two_d = s.is_2d
        self.canvas.layout.display = None if two_d else "none"
        self.show_test.layout.display = None if two_d else "none"
        self.note.value = (
            ""
            if two_d
            else f'<div class="nnw-note">pictures of the input plane need 2-D data; '
            f"{html.escape(s.dataset)} has {s.data.X_train[0].size} inputs</div>"
        )
        if not two_d:
            return
        ds = s.data
        points = np.concatenate([ds.X_train, ds.X_test])
        values = np.concatenate([ds.y_train, ds.y_test]).astype(np.float32)
        test = np.concatenate([np.zeros(len(ds.y_train)), np.ones(len(ds.y_test))])
        if s.task == "classification" and len(s.class_names) > 2:
            values = 2 * values / (len(s.class_names) - 1) - 1
        elif s.task == "classification":
            values = 2 * values - 1
        with self.canvas.hold_sync():
            self.canvas.discrete = s.task == "classification"
            self.canvas.add_enabled = True
            self.canvas.set_points(points, values, test.astype(np.uint8))

    def _redraw(self, _: object) -> None:
        s = self.state
        if not s.is_2d or s.output_map is None:
            return
        maps = unit_maps(s)
        if self.focus < 0 or maps is None or self.focus >= len(maps):
            self.focus = -1
            self.canvas.show(s.output_map, -1.0, 1.0)
            what = "output"
        else:
            m = maps[self.focus]
            limit = float(np.abs(m).max()) or 1.0
            self.canvas.show(m, -limit, limit)
            what = self._node_name(self.focus)
        self.title.value = (
            f'<b class="nnw-boundary-title" data-focus="{self.focus}">{html.escape(what)}</b> '
            "over the input plane (click a thumbnail to pick another, click here to add a point)"
        )

    def _node_name(self, node: int) -> str:
        s = self.state
        columns = network_columns(s)
        names = ["input", *s.model.layer_names]
        for name, n in zip(names, columns):
            if node < n:
                return s.features[node] if name == "input" else f"{name}[{node}]"
            node -= n
        return "output"


class PlaygroundNetworkView(StateView, W.VBox):
    """The network as thumbnails on a node-link graph; links coloured and sized by weight.

    Each node shows its output over the input plane (2-D data); a toggle draws the links by
    the loss gradient of each weight instead. Hovering a link shows its value; clicking a
    node selects it (``canvas.selected``).
    """

    def __init__(self, state: PlaygroundState, **kwargs: object) -> None:
        self.state = state
        self.mode = W.ToggleButtons(
            options=["weights", "gradients"],
            description="links",
            style={"button_width": "96px"},  # "gradients" whole
        )
        self.mode.observe(self._redraw, names="value")
        self.canvas = NetworkCanvas(width_px=640, height_px=360, node_px=34)
        self._owned = [self.mode, self.canvas]
        self._watch(self._redraw, "version")
        self._redraw(None)
        super().__init__([self.mode, self.canvas], **kwargs)
        self.add_class("nnw-playground-network")

    def _redraw(self, _: object) -> None:
        s = self.state
        columns = network_columns(s)
        source = s.param_grads if self.mode.value == "gradients" else s.params
        links = [np.asarray(p["w"], np.float32) for p in source if p]
        limit = max((float(np.abs(w).max()) for w in links), default=0.0) or 1.0
        maps = unit_maps(s)
        thumbs = None if maps is None else NetworkCanvas.quantise(maps)[0]
        labels = list(s.features) if s.is_2d else list(s.data.feature_names)
        with self.canvas.hold_sync():
            if list(self.canvas.columns) != columns:
                self.canvas.selected = -1
            self.canvas.columns = columns
            self.canvas.column_names = ["input", *s.model.layer_names[:-1], "output"]
            self.canvas.input_labels = labels
            self.canvas.link_label = "weight" if self.mode.value == "weights" else "dL/dw"
            self.canvas.show(thumbs, links, limit)
