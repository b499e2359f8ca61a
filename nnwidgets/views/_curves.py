"""Training and test loss (and accuracy) against epochs, growing while the Playground trains."""

from __future__ import annotations

import bqplot as bq
import ipywidgets as W
import numpy as np

from ..state import PlaygroundState
from ._base import StateView
from ._convert import f32, tick_format

COLORS = ["#333333", "#e6550d"]  # train: dark grey, test: orange


def _figure(
    title: str,
    y_label: str,
    y_min: float | None = 0.0,
    *,
    x_label: str = "epoch",
    labels: tuple[str, ...] = ("train", "test"),
    colors: tuple[str, ...] = tuple(COLORS),
    y_scale: bq.Scale | None = None,
    legend: bool = False,
) -> tuple[bq.Figure, bq.Lines]:
    """A line chart over training, one line per label (empty until ``_redraw`` fills it).

    ``y_scale`` replaces the linear y scale from ``y_min`` (e.g. a ``LogScale``).
    """
    # no padding around the data: epochs start at 0, accuracy stays within [0, 1]
    xs = bq.LinearScale(min=0.0, allow_padding=False)
    ys = bq.LinearScale(min=y_min, allow_padding=False) if y_scale is None else y_scale
    lines = bq.Lines(
        x=f32([0.0]),
        y=f32([[np.nan]] * len(labels)),
        scales={"x": xs, "y": ys},
        colors=list(colors),
        labels=list(labels),
        display_legend=legend,
    )
    figure = bq.Figure(
        marks=[lines],
        title=title,
        axes=[
            # formats: _short_ticks once there are values (epochs 1500, not ".3g"'s 1.5e+3)
            bq.Axis(scale=xs, label=x_label, tick_format=".2~f", num_ticks=5),
            bq.Axis(scale=ys, side="left", label=y_label, tick_format=".2~f", num_ticks=4),
        ],
        fig_margin={"top": 30, "bottom": 40, "left": 50, "right": 10},
        layout={"width": "330px", "height": "200px"},
    )
    return figure, lines


def _short_ticks(figure: bq.Figure, x: np.ndarray, y: np.ndarray) -> None:
    """Tick formats that print the values' magnitudes short (a format sent when it changes)."""
    for axis, v in zip(figure.axes, (x, y)):
        finite = v[np.isfinite(v)]
        if finite.size:
            axis.tick_format = tick_format(min(0.0, finite.min()), max(0.0, finite.max()))


class CurvesView(StateView, W.VBox):
    """``state.history`` as two line charts: loss (train, test) and accuracy (classification)."""

    def __init__(self, state: PlaygroundState, **kwargs: object) -> None:
        self.state = state
        self.loss_figure, self.loss_lines = _figure("loss", "loss")
        self.acc_figure, self.acc_lines = _figure("accuracy", "accuracy")
        self.acc_lines.scales["y"].max = 1.0
        self.readout = W.HTML()
        self._owned = [self.loss_figure, self.acc_figure, self.readout]
        self._watch(self._redraw, "version")
        self._redraw(None)
        super().__init__([self.readout, self.loss_figure, self.acc_figure], **kwargs)
        self.add_class("nnw-curves")

    def _redraw(self, _: object) -> None:
        s = self.state
        h = s.history
        self.acc_figure.layout.display = None if s.task == "classification" else "none"
        if h["epoch"]:
            epochs = f32(h["epoch"])
            losses = np.concatenate([f32(h["train_loss"]), f32(h["test_loss"])])
            _short_ticks(self.loss_figure, epochs, losses)
            _short_ticks(self.acc_figure, epochs, f32([0.0, 1.0]))
            with self.loss_lines.hold_sync():
                self.loss_lines.x = epochs
                self.loss_lines.y = np.stack([f32(h["train_loss"]), f32(h["test_loss"])])
            if s.task == "classification":
                with self.acc_lines.hold_sync():
                    self.acc_lines.x = epochs
                    self.acc_lines.y = np.stack([f32(h["train_acc"]), f32(h["test_acc"])])
        last = {k: v[-1] for k, v in h.items()} if h["step"] else dict.fromkeys(h, float("nan"))
        acc = (
            f' · accuracy train <b class="nnw-v">{last["train_acc"]:.3f}</b>'
            f' test <b class="nnw-v">{last["test_acc"]:.3f}</b>'
            if s.task == "classification"
            else ""
        )
        self.readout.value = (
            f'<div class="nnw-curve-values" data-points="{len(h["step"])}" '
            f'data-step="{s.step}">loss <span style="color:{COLORS[0]}">■</span> train '
            f'<b class="nnw-v">{last["train_loss"]:.4f}</b> '
            f'<span style="color:{COLORS[1]}">■</span> test '
            f'<b class="nnw-v">{last["test_loss"]:.4f}</b>{acc}</div>'
        )
