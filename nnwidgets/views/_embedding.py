"""PCA of a layer's activations over the data set, with the current input as a moving point."""

from __future__ import annotations

import html

import bqplot as bq
import ipywidgets as W
import numpy as np

from ..state import ExplorerState
from ._base import StateView, steady_scale
from ._convert import f32, number, tick_format

PALETTE = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
]


class EmbeddingView(StateView, W.VBox):
    """The data set at its PCA coordinates, coloured by class, and the current input.

    Points come from ``state.embedding_points`` (refitted when ``embed_layer`` changes); the
    current input is ``state.embedding``, a large black diamond that moves with the input.
    """

    def __init__(self, state: ExplorerState, **kwargs: object) -> None:
        self.state = state
        state.prepare("embedding")  # computed when a view first needs it
        names = list(state.model.layer_names)
        self.layer = W.Dropdown(options=names, description="layer")
        self._link("embed_layer", self.layer)
        self.method = W.ToggleButtons(options=[("PCA", "pca"), ("t-SNE", "tsne")])
        self._link("embed_method", self.method)
        self.progress = W.FloatProgress(
            value=1.0,
            min=0.0,
            max=1.0,
            description="t-SNE",
            style={"description_width": "45px"},
            layout={"width": "210px"},
        )
        self.progress.add_class("nnw-embedding-progress")
        xs, ys = steady_scale(), steady_scale()
        cs = bq.OrdinalColorScale(colors=PALETTE[: max(2, len(state.class_names))])
        self.cloud = bq.Scatter(
            x=[],
            y=[],
            color=[],
            scales={"x": xs, "y": ys, "color": cs},
            default_size=12,
            opacities=[0.6],
        )
        self.legend = W.HTML(self._legend())  # which colour is which class
        self.current = bq.Scatter(
            x=[],
            y=[],
            scales={"x": xs, "y": ys},
            colors=["black"],
            default_size=160,
            marker="diamond",
            stroke="white",
        )
        self.figure = bq.Figure(
            marks=[self.cloud, self.current],
            title="the layer over the data set (PCA or t-SNE)",
            axes=[
                bq.Axis(scale=xs, label="PC 1", num_ticks=5),  # formats: _refit
                bq.Axis(scale=ys, side="left", label="PC 2", num_ticks=5),
            ],
            fig_margin={"top": 35, "bottom": 40, "left": 50, "right": 10},
            layout={"width": "420px", "height": "360px"},
        )
        self.readout = W.HTML()
        self._owned = [self.layer, self.method, self.progress, self.figure, self.readout]
        self._owned.append(self.legend)
        self._watch(self._refit, "embedding_points")
        self._watch(self._progress, "embedding_progress")
        self._watch(self._redraw, "version")
        self._refit(None)
        self._redraw(None)
        controls = W.HBox([self.layer, self.method, self.progress])
        self._owned.append(controls)
        body = W.HBox([self.figure, self.legend])
        self._owned.append(body)
        super().__init__([controls, body, self.readout], **kwargs)
        self.add_class("nnw-embedding")

    def _legend(self) -> str:
        names = self.state.class_names
        colours = PALETTE[: max(2, len(names))]
        rows = "".join(
            f'<div><span style="color:{colours[i % len(colours)]}">●</span> '
            f"{html.escape(str(n))}</div>"
            for i, n in enumerate(names)
        )
        return f'<div class="nnw-embedding-legend"><b>class</b>{rows}</div>'

    def _axes(self) -> tuple[str, str]:
        """PCA's components, or t-SNE's two (unitless) dimensions."""
        return ("PC 1", "PC 2") if self.state.embed_method == "pca" else ("t-SNE 1", "t-SNE 2")

    def _refit(self, _: object) -> None:
        s = self.state
        points = f32(s.embedding_points)
        with self.cloud.hold_sync():
            self.cloud.x, self.cloud.y = points[:, 0], points[:, 1]
            self.cloud.color = [s.class_names[k] for k in s.embedding_labels]
        x_axis, y_axis = self.figure.axes if hasattr(self, "figure") else (None, None)
        if x_axis is not None:
            x_axis.label, y_axis.label = self._axes()
            for axis, v in ((x_axis, points[:, 0]), (y_axis, points[:, 1])):
                finite = v[np.isfinite(v)]  # a layer of tiny values: "5µ", not "0.000005"
                lo, hi = (finite.min(), finite.max()) if finite.size else (0.0, 1.0)
                axis.tick_format = tick_format(lo, hi)
        self.progress.layout.visibility = "visible" if s.embed_method == "tsne" else "hidden"

    def _progress(self, change: object) -> None:
        self.progress.value = self.state.embedding_progress

    def _redraw(self, _: object) -> None:
        p = f32(self.state.embedding)
        a, b = self._axes()
        with self.current.hold_sync():
            self.current.x, self.current.y = p[:1], p[1:2]
        self.readout.value = (
            f'<span class="nnw-embedding-point" data-version="{self.state.version}">'
            f"current input: {a} <b>{number(p[0])}</b>, {b} <b>{number(p[1])}</b></span>"
        )
