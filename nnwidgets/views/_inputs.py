"""One named slider per input feature, ranged over the data set."""

from __future__ import annotations

import math

import ipywidgets as W
import numpy as np
import traitlets as t

from ..state import ExplorerState
from ._base import InputSlider, StateView
from ._convert import f32

STEP = 0.01


class InputSliders(StateView, W.GridBox):
    """Sliders that assign ``state.x`` as they move and follow it when it changes elsewhere."""

    def __init__(self, state: ExplorerState, columns: int = 2, **kwargs: object) -> None:
        self.state = state
        # The browser's slider snaps each value to its 0.01 grid on first render and sends it
        # back: snap here, once, so the page opens without a burst of one update per slider.
        x = np.array([round(float(v), 2) for v in f32(state.x).ravel()], dtype=np.float32)
        if not np.array_equal(x, f32(state.x).ravel()):
            state.x = x.reshape(state.input_shape)
        x = f32(state.x).ravel()
        lo, hi = f32(state.dataset.lo).ravel(), f32(state.dataset.hi).ravel()
        # one layout and one style for every slider: 58 widget models fewer for 30 features
        # (each is a comm to open and a model for the page to build before the first frame)
        layout = W.Layout(width="380px")
        style = W.SliderStyle(description_width="150px")
        self.sliders = []
        for i, name in enumerate(state.dataset.feature_names):
            s = InputSlider(
                value=round(float(x[i]), 2),
                min=math.floor(float(lo[i]) / STEP) * STEP,  # float64: 1e38 / 0.01 is finite
                max=math.ceil(float(hi[i]) / STEP) * STEP,
                step=STEP,
                description=name,
                readout_format=".2f",
                continuous_update=True,
                style=style,
                layout=layout,
            )
            s.add_class(f"nnw-feature-{i}")
            s.observe(self._moved, names="value")
            self.sliders.append(s)
        self._syncing = False
        self._owned = [*self.sliders, layout, style]
        self._watch(self._follow, "version")
        layout = {"grid_template_columns": f"repeat({columns}, 390px)"}
        super().__init__(self.sliders, layout=layout, **kwargs)
        self.add_class("nnw-input-sliders")

    def _moved(self, change: t.Bunch) -> None:
        if self._syncing:
            return
        x = f32(self.state.x).ravel().copy()
        i = self.sliders.index(change.owner)
        if np.float32(change.new) == x[i]:
            return  # the browser re-snapping a value to its own float64 grid: nothing moved
        x[i] = change.new
        self.state.x = x.reshape(self.state.input_shape)

    def _follow(self, _: object) -> None:
        x = f32(self.state.x).ravel()
        self._syncing = True
        try:  # only sliders whose value really differs: no echo of the slider being dragged
            for s, v in zip(self.sliders, x):
                if np.float32(s.value) != v:
                    s.value = float(v)
        finally:
            self._syncing = False
