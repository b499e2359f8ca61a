"""Method, class to explain and the method's settings, each linked to the state."""

from __future__ import annotations

import ipywidgets as W
import traitlets as t

from ..state import METHODS, ExplorerState
from ._base import StateView

LABELS = {
    "saliency": "saliency",
    "gradient_x_input": "gradient × input",
    "integrated_gradients": "integrated gradients",
    "smoothgrad": "SmoothGrad",
}


class MethodControls(StateView, W.HBox):
    """Controls bound to ``method``, ``target``, ``ig_steps``, ``samples`` and ``sigma``."""

    def __init__(self, state: ExplorerState, **kwargs: object) -> None:
        self.state = state
        narrow = {"description_width": "60px"}
        self.method = W.Dropdown(
            options=[(LABELS[m], m) for m in METHODS],
            description="method",
            style=narrow,
            layout={"width": "250px"},
        )
        self.target = W.Dropdown(
            options=[("predicted", -1)] + [(n, i) for i, n in enumerate(state.class_names)],
            description="explain",
            style=narrow,
            layout={"width": "200px"},
        )
        self.steps = W.Dropdown(
            options=[8, 16, 32, 64, 128, 256],
            description="IG steps",
            style=narrow,
            layout={"width": "140px"},
        )
        self.samples = W.Dropdown(
            options=[4, 8, 16, 32, 64],
            description="samples",
            style=narrow,
            layout={"width": "140px"},
        )
        self.sigma = W.FloatSlider(
            min=0.0,
            max=1.0,
            step=0.01,
            description="sigma",
            style=narrow,
            layout={"width": "240px"},
        )
        self.links = [
            t.link((state, "method"), (self.method, "value")),
            t.link(
                (state, "target"),
                (self.target, "value"),
                transform=(lambda v: -1 if v is None else v, lambda v: None if v < 0 else v),
            ),
            t.link((state, "ig_steps"), (self.steps, "value")),
            t.link((state, "samples"), (self.samples, "value")),
            t.link((state, "sigma"), (self.sigma, "value")),
        ]
        super().__init__([self.method, self.target, self.steps, self.samples, self.sigma], **kwargs)
        self.add_class("nnw-method-controls")

    def close(self) -> None:
        """Unlink the controls from the state (once), then close them."""
        for link in self.__dict__.pop("links", []):
            link.unlink()
        self._owned = [self.method, self.target, self.steps, self.samples, self.sigma]
        super().close()
