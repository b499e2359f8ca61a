"""The Playground's controls: data, features, architecture, hyper-parameters, play / pause."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as W
import traitlets as t

from ..models import ACTIVATIONS, DATASETS, FEATURES, INITS, TOY_DATASETS
from ..state import MAX_LAYERS, SPEEDS, PlaygroundState
from ._base import StateView, widget_tree

LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REG_RATES = (0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
OPTIMIZER_LABELS = (("SGD", "sgd"), ("momentum", "momentum"), ("Adam", "adam"))
REG_LABELS = (("none", "none"), ("L1", "l1"), ("L2", "l2"))


def _box(description: str, width: str = "230px") -> dict[str, Any]:
    return {
        "description": description,
        "style": {"description_width": "95px"},
        "layout": {"width": width},
    }


class PlaygroundControls(StateView, W.VBox):
    """Every setting of a ``PlaygroundState`` as a control, linked both ways.

    ``controls`` maps a name (the state trait it sets, or ``"play"``, ``"step"``,
    ``"reset"``, ``"regenerate"``) to its widget, so an app can hide some of them.
    """

    def __init__(self, state: PlaygroundState, **kwargs: object) -> None:
        self.state = state
        names = [*TOY_DATASETS, *DATASETS] + (["custom"] if state.dataset == "custom" else [])
        c: dict[str, W.Widget] = {
            "dataset": W.Dropdown(options=names, **_box("data")),
            "noise": W.FloatSlider(min=0.0, max=0.5, step=0.05, **_box("noise")),
            "test_fraction": W.FloatSlider(min=0.1, max=0.9, step=0.1, **_box("test share")),
            "add_label": W.ToggleButtons(
                options=[("orange", 0), ("blue", 1)],
                description="click adds",
                style={"description_width": "95px", "button_width": "70px"},
            ),
            "add_value": W.FloatSlider(
                min=-1.0, max=1.0, step=0.1, readout_format=".1f", **_box("click adds")
            ),
            "activation": W.Dropdown(options=list(ACTIVATIONS), **_box("activation")),
            "learning_rate": W.Dropdown(options=LEARNING_RATES, **_box("learning rate")),
            "batch_size": W.IntSlider(min=1, max=128, **_box("batch size")),
            "regularization": W.Dropdown(options=REG_LABELS, **_box("regularization")),
            "reg_rate": W.Dropdown(options=REG_RATES, **_box("reg. rate")),
            "optimizer": W.Dropdown(options=OPTIMIZER_LABELS, **_box("optimizer")),
            "init": W.Dropdown(options=list(INITS), **_box("initialisation")),
            "speed": W.Dropdown(options=SPEEDS, **_box("steps / update")),
        }
        for name, widget in c.items():
            self._link(name, widget)
        c["regenerate"] = W.Button(description="new sample", icon="refresh")
        c["regenerate"].on_click(lambda _: setattr(state, "data_seed", state.data_seed + 1))
        self.play = W.ToggleButton(description="play", icon="play", button_style="success")
        self.play.add_class("nnw-play")
        self.play.observe(self._play_clicked, names="value")
        c["play"] = self.play
        c["step"] = W.Button(description="step", icon="step-forward")
        c["step"].add_class("nnw-step")
        c["step"].on_click(lambda _: state.step_once())
        c["reset"] = W.Button(description="reset", icon="undo")
        c["reset"].add_class("nnw-reset")
        c["reset"].on_click(lambda _: state.reset())
        self.counter = W.HTML()
        self.feature_buttons = {
            f: W.ToggleButton(description=f, layout={"width": "52px", "padding": "0"})
            for f in FEATURES
        }
        for button in self.feature_buttons.values():
            button.add_class("nnw-feature")
            button.observe(self._feature_clicked, names="value")
        c["features"] = W.HBox(list(self.feature_buttons.values()))
        self.architecture = W.HBox()
        c["hidden"] = self.architecture
        self.controls = c
        self.hidden: set[str] = set()  # controls the app hides for good (Playground(hide=...))
        for name, widget in c.items():
            widget.add_class(f"nnw-control-{name}")
        self._owned = [*c.values(), self.counter]
        self._watch(self._redraw, ["version", "step", "playing"])
        self._watch(self._draw_inputs, ["features", "hidden", "model_version", "data_version"])
        self._redraw(None)
        self._draw_inputs(None)
        run = W.HBox([c["play"], c["step"], c["reset"], self.counter])
        data = W.VBox(
            [
                W.HTML("<b>data</b>"),
                c["dataset"],
                c["noise"],
                c["test_fraction"],
                c["regenerate"],
                c["add_label"],
                c["add_value"],
            ]
        )
        network = W.VBox(
            [
                W.HTML("<b>features</b>"),
                c["features"],
                W.HTML("<b>hidden layers</b>"),
                c["hidden"],
                c["activation"],
                c["init"],
            ]
        )
        training = W.VBox(
            [
                W.HTML("<b>training</b>"),
                c["learning_rate"],
                c["optimizer"],
                c["batch_size"],
                c["regularization"],
                c["reg_rate"],
                c["speed"],
            ]
        )
        boxes = [run, data, network, training]
        self._owned += boxes
        # the columns side by side, wrapping (training under the others) on a narrow page
        columns = W.HBox([data, network, training], layout={"flex_flow": "row wrap"})
        super().__init__([run, columns], **kwargs)
        self.add_class("nnw-playground-controls")

    # state -> widgets ---------------------------------------------------------------------------
    def _redraw(self, _: object) -> None:
        s = self.state
        if self.play.value != s.playing:
            self.play.value = s.playing
        self.play.description, self.play.icon = (
            ("pause", "pause") if s.playing else ("play", "play")
        )
        h = s.history
        loss = f" · train loss {h['train_loss'][-1]:.4f}" if h["train_loss"] else ""
        test = f" · test loss {h['test_loss'][-1]:.4f}" if h["test_loss"] else ""
        self.counter.value = (
            f'<span class="nnw-epoch" data-step="{s.step}" data-version="{s.version}">'
            f"epoch <b>{s.epoch:.2f}</b> · step {s.step}{html.escape(loss + test)}</span>"
        )

    def _draw_inputs(self, _: object) -> None:
        s = self.state
        self._drawing = True  # the buttons' own observers must not echo these values back
        try:
            for f, button in self.feature_buttons.items():
                button.value = f in s.features
                button.disabled = not s.is_2d
        finally:
            self._drawing = False
        # a click adds a class (classification) or a target value (regression): one shows
        regression = s.task == "regression"
        for name, shown in (("add_label", not regression), ("add_value", regression)):
            widget = self.controls[name]
            widget.disabled = not s.is_2d
            widget.layout.display = "" if shown and name not in self.hidden else "none"
        for name in ("noise", "test_fraction", "regenerate"):
            self.controls[name].disabled = s.dataset not in TOY_DATASETS
        for child in self.architecture.children:
            for widget in widget_tree(child):
                widget.close()
        buttons: list[W.Widget] = []
        more = W.Button(description="+ layer", layout={"width": "80px", "padding": "0"})
        more.disabled = len(s.hidden) >= MAX_LAYERS
        more.on_click(lambda _: s.add_layer())
        fewer = W.Button(description="− layer", layout={"width": "80px", "padding": "0"})
        fewer.disabled = not s.hidden
        fewer.on_click(lambda _: s.remove_layer())
        buttons += [more, fewer]
        for i, n in enumerate(s.hidden):
            # no side padding: a 1-character button keeps its character (not "+…")
            plus = W.Button(description="+", layout={"width": "30px", "padding": "0"})
            plus.disabled = n >= s.max_neurons
            plus.on_click(lambda _, i=i, n=n: s.set_neurons(i, n + 1))
            minus = W.Button(description="−", layout={"width": "30px", "padding": "0"})
            minus.disabled = n <= 1
            minus.on_click(lambda _, i=i, n=n: s.set_neurons(i, n - 1))
            label = W.HTML(f'<span class="nnw-layer-width" data-layer="{i}">{n}</span>')
            buttons.append(W.HBox([minus, label, plus], layout={"margin": "0 6px 0 0"}))
        self.architecture.children = buttons

    # widgets -> state ---------------------------------------------------------------------------
    def _play_clicked(self, change: t.Bunch) -> None:
        if change.new and not self.state.playing:
            self.state.play()
        elif not change.new and self.state.playing:
            self.state.pause()

    def _feature_clicked(self, _: object) -> None:
        if self.__dict__.get("_drawing"):
            return
        chosen = [f for f, b in self.feature_buttons.items() if b.value]
        if chosen != self.state.features:
            self.state.features = chosen
            if self.state.features != chosen:  # refused (e.g. none left): show the state's
                self._draw_inputs(None)

    def close(self) -> None:
        """Close the controls and the architecture buttons (the links end in ``super``)."""
        architecture = self.__dict__.get("architecture")
        for child in architecture.children if architecture is not None else ():
            for widget in widget_tree(child):
                widget.close()
        super().close()
