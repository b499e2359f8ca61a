"""Named sliders for tabular inputs, ranged over the data set; many features: top ones + search."""

from __future__ import annotations

import html
import math

import ipywidgets as W
import numpy as np
import traitlets as t

from ..state import ExplorerState
from ._base import InputSlider, StateView
from ._convert import f32, top_features

STEP = 0.01
#: At most this many slider widgets; more features: ``TOP`` of them and a search box.
MAX_SLIDERS = 40
#: Features shown by |attribution| when there are more than ``MAX_SLIDERS``.
TOP = 12


class InputSliders(StateView, W.VBox):
    """Sliders that assign ``state.x`` as they move and follow it when it changes elsewhere.

    Up to ``MAX_SLIDERS`` features: one slider each, ``sliders[i]`` for feature ``i``. More:
    the ``TOP`` features with the largest |attribution| for the current input (refreshed
    with the attribution; a slider being dragged keeps its place and its feature, and the
    others keep theirs while they stay in the top), and a ``search`` box that shows up to
    ``MAX_SLIDERS - TOP`` features whose names contain its text. ``features[k]`` is the
    feature of ``sliders[k]``.
    """

    def __init__(self, state: ExplorerState, **kwargs: object) -> None:
        self.state = state
        # The browser's slider snaps each value to its 0.01 grid on first render and sends it
        # back: snap here, once, so the page opens without a burst of one update per slider.
        x = np.array([round(float(v), 2) for v in f32(state.x).ravel()], dtype=np.float32)
        if not np.array_equal(x, f32(state.x).ravel()):
            state.x = x.reshape(state.input_shape)
        self._lo, self._hi = f32(state.dataset.lo).ravel(), f32(state.dataset.hi).ravel()
        self._names = state.dataset.feature_names
        # one layout and one style for every slider: 58 widget models fewer for 30 features
        # (each is a comm to open and a model for the page to build before the first frame)
        self._layout = W.Layout(width="400px")
        self._style = W.SliderStyle(description_width="170px")
        self.sliders: list[InputSlider] = []
        self.features: list[int] = []
        self._syncing, self._moving, self._dragged = False, False, None
        self._owned = [self._layout, self._style]  # and every slider made (_slider)
        # as many 410 px columns as the page has room for: one on a narrow page
        grid = {"grid_template_columns": "repeat(auto-fill, 410px)", "width": "100%"}
        top = {"layout": grid, "_dom_classes": ("nnw-top-features",)}
        n = len(self._names)
        self.search: W.Text | None = None
        if n <= MAX_SLIDERS:
            self.top = W.GridBox([self._slider(i) for i in range(n)], **top)
            children: list[W.Widget] = [self.top]
        else:
            shown = top_features(state.attribution, TOP)
            self.top = W.GridBox([self._slider(i) for i in shown], **top)
            self.heading = W.HTML()
            self.search = W.Text(
                placeholder="name contains…",
                description="find feature",
                layout={"width": "400px"},
                style={"description_width": "170px"},
                _dom_classes=("nnw-feature-search",),
            )
            self.search.observe(self._find, names="value")
            self.found_note = W.HTML()
            self.found = W.GridBox([], layout=grid, _dom_classes=("nnw-found-features",))
            children = [self.heading, self.top, self.search, self.found_note, self.found]
            self._say()
        self._owned += children
        self._watch(self._follow, "version")
        super().__init__(children, **kwargs)
        self.add_class("nnw-input-sliders")

    def _slider(self, i: int) -> InputSlider:
        """A new slider for feature ``i`` (kept in ``sliders``; ``features`` says whose)."""
        s = InputSlider(
            **self._settings(i),
            step=STEP,
            readout_format=".2f",
            continuous_update=True,
            style=self._style,
            layout=self._layout,
            _dom_classes=(f"nnw-feature-{i}",),  # in the first message: no update after it
        )
        s.observe(self._moved, names="value")
        self.sliders.append(s)
        self.features.append(i)
        self._owned.append(s)
        return s

    def _settings(self, i: int) -> dict[str, object]:
        """Name, range and value of feature ``i``'s slider."""
        return {
            "description": self._names[i],
            "tooltip": self._names[i],  # the whole name where the label cuts it
            "min": math.floor(float(self._lo[i]) / STEP) * STEP,  # float64: 1e38/0.01 is finite
            "max": math.ceil(float(self._hi[i]) / STEP) * STEP,
            "value": round(float(f32(self.state.x).ravel()[i]), 2),
        }

    def _assign(self, k: int, i: int) -> None:
        """Point slider ``k`` at feature ``i``: its name, range, value and class, one message."""
        s, old = self.sliders[k], self.features[k]
        if old == i:
            return
        self.features[k] = i
        self._syncing = True
        try:
            with s.hold_sync(), s.hold_trait_notifications():  # range and value checked together
                for name, value in self._settings(i).items():
                    setattr(s, name, value)
                s.remove_class(f"nnw-feature-{old}")
                s.add_class(f"nnw-feature-{i}")
        finally:
            self._syncing = False

    def _moved(self, change: t.Bunch) -> None:
        if self._syncing:
            return
        k = next(k for k, s in enumerate(self.sliders) if s is change.owner)
        i = self.features[k]
        x = f32(self.state.x).ravel().copy()
        if np.float32(change.new) == x[i]:
            return  # the browser re-snapping a value to its own float64 grid: nothing moved
        x[i] = change.new
        self._dragged = k  # keeps its place while the top features are refreshed
        self._moving = True
        try:
            self.state.x = x.reshape(self.state.input_shape)
        finally:
            self._moving = False

    def _follow(self, _: object) -> None:
        if not self._moving:
            self._dragged = None  # a change from elsewhere: no slider is being dragged
        if self.search is not None:
            self._retop()
        x = f32(self.state.x).ravel()
        self._syncing = True
        try:  # only sliders whose value really differs: no echo of the slider being dragged
            for s, i in zip(self.sliders, self.features):
                if np.float32(s.value) != x[i]:
                    s.value = float(x[i])
        finally:
            self._syncing = False

    def _retop(self) -> None:
        """Show the current top features; a slider keeps its place while its feature stays.

        The slider being dragged keeps its feature even when that leaves the top.
        """
        n = len(self.top.children)
        pinned = self._dragged if self._dragged is not None and self._dragged < n else None
        held = [] if pinned is None else [self.features[pinned]]
        ranked = [i for i in top_features(self.state.attribution, TOP + 1) if i not in held]
        wanted = set(ranked[: TOP - len(held)] + held)
        incoming = iter(i for i in ranked if i in wanted and i not in self.features[:n])
        for k in range(n):
            if self.features[k] not in wanted:
                self._assign(k, next(incoming))
        self._say()

    def _say(self) -> None:
        s = self.state
        self.heading.value = (
            f'<div class="nnw-note nnw-top-note">{TOP} of {len(self._names)} features: the '
            f"largest |attribution| ({html.escape(s.method)}, class "
            f"{html.escape(str(s.class_names[s.explained]))}); find the others by name below</div>"
        )

    def _find(self, change: t.Bunch) -> None:
        """Show sliders for the features whose names contain the search text."""
        text = change.new.strip().lower()
        hits = [i for i, name in enumerate(self._names) if text and text in str(name).lower()]
        room = MAX_SLIDERS - TOP
        first = len(self.top.children)
        for j, i in enumerate(hits[:room]):
            if first + j < len(self.sliders):
                self._assign(first + j, i)
            else:
                self._slider(i)
        self.found.children = self.sliders[first : first + min(room, len(hits))]
        more = f" (the first {room} shown; type more to narrow)" if len(hits) > room else ""
        self.found_note.value = (
            f'<div class="nnw-note nnw-found-note" data-count="{len(hits)}">'
            f"{len(hits)} feature{'s' if len(hits) != 1 else ''} match "
            f"“{html.escape(change.new.strip())}”{more}</div>"
            if text
            else ""
        )
