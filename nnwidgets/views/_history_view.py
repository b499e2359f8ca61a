"""Weights and gradients over training: ``state.layer_history`` as lines over steps, per layer."""

from __future__ import annotations

import html

import bqplot as bq
import ipywidgets as W
import numpy as np

from ..state import PlaygroundState
from ._base import StateView
from ._convert import f32, number
from ._curves import _figure, _short_ticks

#: One colour per layer (d3's category10; the Playground has at most 7 layers).
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")
EMPTY = "train to record: the lines start after the first training steps"


def _colors(n: int) -> tuple[str, ...]:
    return tuple(PALETTE[i % len(PALETTE)] for i in range(n))


def _positive(v: np.ndarray) -> np.ndarray:
    """A log scale cannot place 0: such points become gaps (NaN), never -inf."""
    return np.where(v > 0, v, np.nan).astype(np.float32)


def _band(scales: dict, color: str) -> bq.Lines:
    """Two lines (a layer's smallest and largest weight) and the shade between them."""
    return bq.Lines(
        x=f32([0.0]),
        y=f32([[np.nan], [np.nan]]),
        scales=scales,
        colors=[color, color],
        opacities=[0.3, 0.3],
        fill="between",
        fill_colors=[color],
        fill_opacities=[0.15],
    )


class TrainingHistoryView(StateView, W.VBox):
    """Per layer with parameters: its weights and its gradient norm over training steps.

    The left chart draws each layer's mean weight as a line and its smallest to largest
    weight as a shaded band; the right one |dL/dθ| of each layer (w and b together, the
    training objective's gradient) on a log scale, where vanishing or exploding gradients
    show as lines falling or rising by orders of magnitude. A legend names the layers;
    under the charts, the last update's numbers. Until two updates are recorded a note
    says to train.

    Args:
        state: the Playground's state (``state.layer_history``).
    """

    def __init__(self, state: PlaygroundState, **kwargs: object) -> None:
        if not hasattr(state, "layer_history"):
            raise TypeError(
                "state: expected a PlaygroundState (it records layer_history), "
                f"got {type(state).__name__}"
            )
        self.state = state
        self.layers: tuple[str, ...] = ()
        self.weights_figure, self.mean_lines = _figure(
            "weights: mean, min to max", "weight", None, x_label="step", legend=True
        )
        self.grad_figure, self.grad_lines = _figure(
            "gradient norm |dL/dθ|",
            "|dL/dθ|",
            x_label="step",
            y_scale=bq.LogScale(),
            legend=True,
        )
        self.bands: list[bq.Lines] = []
        for figure in (self.weights_figure, self.grad_figure):
            figure.layout.width, figure.layout.height = "400px", "260px"
        self.note = W.HTML(f'<div class="nnw-note nnw-history-empty">{EMPTY}</div>')
        self.readout = W.HTML()
        charts = W.HBox(
            [self.weights_figure, self.grad_figure],
            layout={"flex_flow": "row wrap"},
        )
        self.charts = charts
        self._owned = [self.weights_figure, self.grad_figure, self.note, self.readout, charts]
        self._watch(self._redraw, "version")
        self._redraw(None)
        super().__init__([self.note, charts, self.readout], **kwargs)
        self.add_class("nnw-training-dynamics")

    def _relabel(self, layers: tuple[str, ...]) -> None:
        """New layers (another network): one line and one band each, colours and legend."""
        self.layers = layers
        colors = list(_colors(len(layers)))
        for lines in (self.mean_lines, self.grad_lines):
            with lines.hold_sync():
                lines.labels, lines.colors = list(layers), colors
        for band in self.bands:
            band.close()
        self.bands = [_band(self.mean_lines.scales, c) for c in colors]
        self.weights_figure.marks = [*self.bands, self.mean_lines]

    def _redraw(self, _: object) -> None:
        records = self.state.layer_history
        layers = tuple(records)
        if layers != self.layers:
            self._relabel(layers)
        # the rows every list has (a tab shown while the training thread appends a row)
        rows = min((len(v) for r in records.values() for v in r.values()), default=0)
        empty = rows < 2
        self.note.layout.display = None if empty else "none"
        self.charts.layout.display = "none" if empty else None
        self.readout.value = "" if empty else self._table(records, rows)
        if empty:
            return

        def column(key: str) -> list[np.ndarray]:
            return [f32(records[n][key][:rows]) for n in layers]

        steps = f32(records[layers[0]]["step"][:rows])
        means = np.stack(column("mean"))
        norms = np.stack([_positive(v) for v in column("grad_norm")])
        lows, highs = column("min"), column("max")
        _short_ticks(self.weights_figure, steps, np.concatenate([*lows, *highs]))
        _short_ticks(self.grad_figure, steps, norms.ravel())
        finite = norms[np.isfinite(norms)]
        if finite.size and finite.min() < 0.01:  # decimals would print 1e-4 as "0"
            self.grad_figure.axes[1].tick_format = ".0e"
        with self.mean_lines.hold_sync():
            self.mean_lines.x, self.mean_lines.y = steps, means
        with self.grad_lines.hold_sync():
            self.grad_lines.x, self.grad_lines.y = steps, norms
        for band, low, high in zip(self.bands, lows, highs):
            with band.hold_sync():
                band.x, band.y = steps, np.stack([low, high])

    def _table(self, records: dict, rows: int) -> str:
        """The last update's numbers of every layer (what the lines end at)."""
        keys = ("mean", "std", "min", "max", "grad_norm")
        head = "".join(f"<th>{k}</th>" for k in ("layer", *keys))
        body = "".join(
            f'<tr data-layer="{html.escape(n)}"><td style="color:{c}">■ {html.escape(n)}</td>'
            + "".join(f'<td class="nnw-v">{number(r[k][rows - 1])}</td>' for k in keys)
            + "</tr>"
            for (n, r), c in zip(records.items(), _colors(len(records)))
        )
        return (
            f'<table class="nnw-history-values" data-points="{rows}" '
            f'data-step="{self.state.step}"><tr>{head}</tr>{body}</table>'
        )
