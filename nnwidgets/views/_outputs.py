"""The top-k classes in words with their probabilities, and the loss for a chosen true label."""

from __future__ import annotations

import html

import ipywidgets as W
import numpy as np

from ..state import ExplorerState
from ._base import StateView
from ._convert import f32, number
from ._values_table import ValuesTable


def label_dropdown(state: ExplorerState) -> W.Dropdown:
    """A Dropdown of the class names, for ``state.label`` (the owning view links it)."""
    options = [(name, i) for i, name in enumerate(state.class_names)]
    dropdown = W.Dropdown(options=options, value=state.label, description="true label")
    return dropdown


def loss_html(state: ExplorerState) -> str:
    """``state.loss`` for ``state.label`` as one line (``—`` when the state has no loss)."""
    name = html.escape(state.class_names[state.label])
    loss = "—" if state.loss is None else number(state.loss)
    return (
        f'<div class="nnw-loss" data-label="{state.label}">loss (cross-entropy, true label '
        f'<b>{name}</b>): <b class="nnw-v">{loss}</b></div>'
    )


class OutputsView(StateView, W.VBox):
    """The ``k`` most probable classes of ``state.probs``, a true-label picker and ``state.loss``.

    Ranking sorts the published probabilities for display (ties: the lower class first).

    Args:
        state: the Explorer's state.
        k: how many classes to list (at most the number of classes).
    """

    def __init__(self, state: ExplorerState, k: int = 3, **kwargs: object) -> None:
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
            raise ValueError(f"k: expected an int >= 1, got {k!r}")
        self.state = state
        self.k = min(int(k), len(state.class_names))
        self.label = label_dropdown(state)
        self._link("label", self.label)
        self.readout = W.HTML()
        self.table = ValuesTable(table_class="nnw-topk-values")  # the top k, exact
        self._owned = [self.label, self.readout, self.table]
        self._redraw(None)
        self._watch(self._redraw, "version")
        super().__init__([self.readout, self.table, self.label], **kwargs)
        self.add_class("nnw-outputs")

    def top(self) -> tuple[list[int], np.ndarray]:
        """The shown classes, most probable first, and their probabilities."""
        p = f32(self.state.probs)
        order = [int(i) for i in np.argsort(-p, kind="stable")[: self.k]]
        return order, p[order]

    def _redraw(self, _: object) -> None:
        s = self.state
        order, probs = self.top()
        names = [s.class_names[i] for i in order]
        items = "".join(
            f'<li class="nnw-rank" data-class="{i}"><b>{html.escape(n)}</b> '
            f'<span class="nnw-v">{number(p)}</span></li>'
            for i, n, p in zip(order, names, probs)
        )
        self.readout.value = (
            f'<div class="nnw-topk" data-version="{s.version}">top {self.k}:<ol>{items}</ol></div>'
            + loss_html(s)
        )
        with self.table.hold_sync():
            self.table.show(probs, names)
            self.table.table_version = s.version
