"""Method, class to explain and the current method's settings, each linked to a state trait."""

from __future__ import annotations

import ipywidgets as W

from ..state import ExplorerState
from ._base import StateView

LABELS = {
    "saliency": "saliency",
    "gradient_x_input": "gradient × input",
    "integrated_gradients": "integrated gradients",
    "smoothgrad": "SmoothGrad",
    "smoothgrad_sq": "SmoothGrad²",
    "vargrad": "VarGrad",
    "occlusion": "occlusion",
    "feature_ablation": "feature ablation",
    "kernel_shap": "KernelSHAP",
    "lime": "LIME",
    "grad_cam": "Grad-CAM",
    "neuron_gradient": "neuron gradient",
}
NOISE = ("samples", "sigma", "seed")

GROUPED = ("superpixel", "baseline_kind")  # the perturbation methods' groups and fill
#: The state traits each method reads: only their controls are shown.
SHOWN = {
    "saliency": ("absolute",),
    "gradient_x_input": (),
    "integrated_gradients": ("ig_steps", "ig_rule", "baseline_kind"),
    "smoothgrad": NOISE,
    "smoothgrad_sq": NOISE,
    "vargrad": NOISE,
    "occlusion": ("window", "stride", *GROUPED),
    "feature_ablation": GROUPED,
    "kernel_shap": ("coalitions", *GROUPED, "seed"),
    "lime": ("coalitions", *GROUPED, "seed"),
    "grad_cam": ("layer", "cam_relu"),
    "neuron_gradient": ("layer", "neuron"),
}


def _settings(state: ExplorerState) -> dict[str, W.Widget]:
    narrow = {"description_width": "70px"}

    def box(width: str) -> dict[str, object]:
        return {"style": narrow, "layout": {"width": width}}

    shape = state.input_shape
    image = len(shape) in (2, 3)
    kinds = ["zero", "mean", *(["blur"] if len(shape) > 1 else []), "uniform", "custom"]
    layers = [("default", ""), *((n, n) for n in state.model.layer_names)]
    side = min(shape[:2])  # an (H, W, C) image's window covers the channels whole
    cells = [("none", 0), *((f"{c}×{c}", c) for c in (2, 4, 7) if c <= side)]
    controls = {
        "ig_steps": W.Dropdown(
            options=[8, 16, 32, 64, 128, 256, 512], description="steps", **box("150px")
        ),
        "ig_rule": W.Dropdown(
            options=["left", "right", "middle", "trapezoid", "gauss_legendre"],
            description="rule",
            **box("210px"),
        ),
        "baseline_kind": W.Dropdown(options=kinds, description="baseline", **box("190px")),
        "samples": W.Dropdown(
            options=[4, 8, 16, 32, 64, 128], description="samples", **box("150px")
        ),
        "sigma": W.FloatSlider(min=0.0, max=1.0, step=0.01, description="sigma", **box("240px")),
        "seed": W.BoundedIntText(min=0, max=2**31 - 1, description="seed", **box("150px")),
        "absolute": W.Checkbox(
            description="absolute value", indent=False, layout={"width": "140px"}
        ),
        "window": W.IntSlider(min=1, max=side, description="window", **box("220px")),
        "stride": W.IntSlider(min=1, max=side, description="stride", **box("220px")),
        "coalitions": W.Dropdown(
            options=[32, 64, 128, 256, 512, 1024, 2048], description="samples", **box("160px")
        ),
        "layer": W.Dropdown(options=layers, description="layer", **box("200px")),
        "cam_relu": W.Checkbox(description="ReLU", indent=False, layout={"width": "80px"}),
        "neuron": W.BoundedIntText(
            min=0, max=max(state.model.layer_sizes) - 1, description="neuron", **box("150px")
        ),
    }
    if image:  # superpixels: square groups of pixels for the perturbation methods
        controls["superpixel"] = W.Dropdown(
            options=cells,
            description="superpixels",
            style={"description_width": "80px"},
            layout={"width": "190px"},
        )
    return controls


class MethodControls(StateView, W.VBox):
    """A method selector, the class to explain, and the chosen method's settings."""

    def __init__(self, state: ExplorerState, **kwargs: object) -> None:
        self.state = state
        self.method = W.Dropdown(
            options=[(LABELS[m], m) for m in state.methods],  # what this model supports
            description="method",
            style={"description_width": "60px"},
            layout={"width": "250px"},
        )
        self.target = W.Dropdown(
            options=[("predicted", -1)] + [(n, i) for i, n in enumerate(state.class_names)],
            description="explain",
            style={"description_width": "60px"},
            layout={"width": "200px"},
        )
        self.settings = _settings(state)
        for name, control in self.settings.items():
            control.add_class(f"nnw-setting-{name}")
        self._link("method", self.method)
        self._link(
            "target",
            self.target,
            transform=(lambda v: -1 if v is None else v, lambda v: None if v < 0 else v),
        )
        for name, control in self.settings.items():
            self._link(name, control)
        self._owned = [self.method, self.target, *self.settings.values()]
        self._watch(self._show, ["method", "superpixel", "feature_mask"])
        self._show(None)
        self._watch(self._bound, ["window", "stride"])
        self._bound(None)
        row = W.HBox([self.method, self.target])
        extra = W.HBox(list(self.settings.values()), layout={"flex_flow": "row wrap"})
        self._owned += [row, extra]
        super().__init__([row, extra], **kwargs)
        self.add_class("nnw-method-controls")

    def _show(self, _: object) -> None:
        shown = set(SHOWN[self.state.method])
        if self.state.superpixel or self.state.feature_mask is not None:
            shown -= {"window", "stride"}  # occlusion with a mask: one window per group
        for name, control in self.settings.items():
            control.layout.display = None if name in shown else "none"

    def _bound(self, _: object) -> None:
        """Keep stride <= window on the sliders, as the state does (never clamping a value)."""
        window, stride = self.state.window, self.state.stride
        self.settings["stride"].max = max(window, stride, 1)
        self.settings["window"].min = min(stride, window)
