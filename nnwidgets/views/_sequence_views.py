"""Sequence models: the input (text or a series) with its attribution, hidden states, attention.

``SequenceInput`` is the Explorer's input and attribution at once: a text box whose words are
shown as chips coloured by their attribution, or a series edited by dragging its points and
shaded by its attribution. ``HiddenStateView`` draws a recurrent (or transformer) layer's
states and an LSTM's / GRU's gates as units x steps heat maps; ``AttentionView`` every
layer's heads (query x key) with one enlarged, and the attention rollout. Only the steps up
to the padding are drawn. Every number comes from the state.
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np
import traitlets as t

from ..state import ExplorerState
from ._attribution import attribution_title, gap_html
from ._base import InputText, StateView
from ._convert import f32
from ._image_view import ExamplePicker
from ._js import constants
from ._matrix_canvas import MatrixCanvas
from ._series_editor import SeriesEditor
from ._token_strip import TokenStrip


def _steps(state: ExplorerState) -> int:
    """Steps drawn: a text's tokens up to the padding (at least one), else every step."""
    if state.input_kind == "text":
        return max(1, len(state.words))
    return int(state.input_shape[0])


def _step_names(state: ExplorerState) -> list[str] | None:
    """A text's words by step, the names on the maps' step axes (None for a series).

    An empty text: the one padding step the model reads, ``"<pad>"``.
    """
    if state.input_kind != "text":
        return None
    return list(state.words) or ["<pad>"]


def _count(n: int, what: str) -> str:
    """``"1 step"``, ``"5 steps"``."""
    return f"{n} {what}" if n == 1 else f"{n} {what}s"


#: A column of a tab's row: its own width (not stretched to share the row), a gap on its right;
#: the row wraps them under each other on a narrow page.
_COLUMN = {"flex": "0 0 auto", "margin": "0 24px 8px 0"}


#: px a map's step needs for its word written upright without touching its neighbours
#: (``LINE`` in js/matrix.js); narrower steps get every k-th word only.
_WORD_PX = int(constants("matrix")["LINE"])


def _map_height(units: int, named: bool = False) -> int:
    """A units x steps map's box height in px: 10 a unit, within 300 to 640.

    A short sentence's few step columns get cells wide enough for their indices. Steps named
    by words (``named``): ``_WORD_PX`` a unit, within 300 to 768, so that square cells leave
    a line's width for each word written upright under its column.
    """
    if named:
        return int(min(64 * _WORD_PX, max(300, _WORD_PX * units)))
    return int(min(640, max(300, 10 * units)))


def _map_width(steps: int, named: bool, least: int) -> int:
    """A map's box width in px: ``least``, or ``_WORD_PX`` a step for steps named by words."""
    return max(least, _WORD_PX * steps) if named else least


def _inner_look(name: str) -> tuple[str, tuple[float, float] | None, str]:
    """How an inner layer's map is coloured: (scheme, fixed range or None, colour bar title).

    Sigmoid gates on viridis over [0, 1]; tanh candidates and cell states around 0 over ±1;
    anything else (a transformer block's MLP) around 0 over its own values (range None).
    """
    part = name.rsplit(".", 1)[-1]
    if part.endswith("_gate"):
        return "viridis", (0.0, 1.0), "gate value"
    if part in ("candidate", "cell"):
        return "diverging", (-1.0, 1.0), "value (tanh)"
    return "diverging", None, "activation"


class SequenceInput(StateView, W.VBox):
    """Type a sentence or drag a series' points; see each token's / step's attribution.

    Text (a token model): a text box (every keystroke recomputes) over a ``TokenStrip`` of
    the words coloured by their attribution, unknown words marked and named in a note.
    Series: a ``SeriesEditor`` whose drags set ``state.x``, shaded by the attribution.
    """

    def __init__(self, state: ExplorerState, **kwargs: object) -> None:
        self.state = state
        self._syncing = False
        children: list[W.Widget] = []
        self.text: InputText | None = None
        self.strip: TokenStrip | None = None
        self.editor: SeriesEditor | None = None
        if state.input_kind == "text":
            self.text = InputText(
                value=state.text,
                continuous_update=True,
                placeholder="type a sentence",
                description="text",
                # "auto" fills the box minus the widget's margins ("100%" overflowed by them)
                layout={"width": "auto"},
            )
            self.text.add_class("nnw-text-input")
            self.text.observe(self._typed, names="value")
            self.strip = TokenStrip(color_label="attribution")
            children = [self.text, self.strip]
        elif state.input_kind == "series":
            lo, hi = (float(v) for v in (np.min(state.dataset.lo), np.max(state.dataset.hi)))
            self.editor = SeriesEditor(
                f32(state.x),
                channel_names=_channel_names(state),
                y_lo=lo,
                y_hi=hi,
                color_label="attribution",
            )
            self.editor.observe(self._dragged, names="value")
            children = [self.editor]
        else:
            raise ValueError(
                f"state: expected a text or series input, got a {state.input_kind} input of "
                f"shape {state.input_shape}"
            )
        # a test example (and its true label) loaded in one step, as the painter's picker
        self.picker = ExamplePicker(state)
        children.append(self.picker)
        self._owned = list(children)
        self._redraw(None)
        self._watch(self._redraw, "version")
        if self.text is not None:  # room to type a sentence; chips wrap inside it
            kwargs.setdefault("layout", {"width": "440px", "max_width": "100%"})
        super().__init__(children, **kwargs)
        self.add_class("nnw-sequence-input")

    def _typed(self, change: t.Bunch) -> None:
        if not self._syncing:
            self.state.text = change.new

    def _dragged(self, change: t.Bunch) -> None:
        if not self._syncing and self.editor is not None:
            self.state.x = self.editor.array()

    def _redraw(self, _: object) -> None:
        s = self.state
        title = attribution_title(s)
        if self.strip is not None and self.text is not None:
            words = list(s.words)
            values = f32(s.attribution)[: len(words)]
            unknown = [w == "<unk>" for w in words]
            with self.strip.hold_sync():
                self.strip.title = title
                self.strip.show(words, values, unknown)
                note = ""
                if s.unknown_words:
                    names = ", ".join(s.unknown_words)
                    note = (
                        f'<div class="nnw-note nnw-unknown-words">not in the vocabulary, read '
                        f"as &lt;unk&gt;: {_escape(names)}</div>"
                    )
                self.strip.caption = gap_html(s.completeness_gap) + note
                self.strip.table_class = f"nnw-token-values nnw-explained-{s.explained}"
                self.strip.table_version = s.version
            if self.text.value != s.text and not self._syncing:  # set in code, not typed
                self._syncing = True
                try:
                    self.text.value = s.text
                finally:
                    self._syncing = False
        elif self.editor is not None:
            x = f32(s.x)
            with self.editor.hold_sync():
                self.editor.title = title
                if not np.array_equal(self.editor.array(), x):  # set in code, not dragged
                    self._syncing = True
                    try:
                        self.editor.show(x)
                    finally:
                        self._syncing = False
                self.editor.show_shade(f32(s.attribution))


def _escape(text: str) -> str:
    import html

    return html.escape(text)


def _channel_names(state: ExplorerState) -> list[str]:
    steps, channels = state.input_shape
    names = state.dataset.feature_names
    if len(names) == steps * channels and " · " in names[0]:
        return [str(n).split(" · ", 1)[1] for n in names[:channels]]
    return [f"channel {c}" for c in range(channels)]


def _entries(state: ExplorerState, kinds: tuple[str, ...]) -> list[str]:
    model = state.model
    found = zip(model.layer_names, model.layer_shapes, getattr(model, "layer_kinds", ()))
    return [n for n, shape, k in found if k in kinds and len(shape) == 2]


class HiddenStateView(StateView, W.VBox):
    """A sequence layer's states over time (units x steps) and, for LSTM / GRU, its gates.

    Pick the layer (``states``) and the gate (``gates``); each heat map shows the steps up to
    the padding, a text's steps named by its words. States are coloured around 0; gates (0 to
    1) on viridis over [0, 1].
    """

    def __init__(self, state: ExplorerState, **kwargs: object) -> None:
        self.state = state
        states = _entries(state, ("state", "embedding"))
        gates = _entries(state, ("gate",))
        recurrent = [n for n in states if not n.startswith(("embedding", "block"))]
        self.states = W.Dropdown(
            options=states, value=(recurrent or states[::-1] or [None])[0], description="states"
        )
        self.gates = W.Dropdown(options=gates, value=gates[0] if gates else None)
        # a recurrent layer's gates, or (a transformer) its blocks' MLP layers
        mlp = bool(gates) and all(g.endswith(".mlp") for g in gates)
        self.gates.description = "MLP" if mlp else "gate"
        for menu in (self.states, self.gates):
            menu.layout = {"width": "300px", "max_width": "100%"}
        self.state_map = MatrixCanvas(
            auto_range=True, color_label="state", width_px=380, height_px=300
        )
        self.gate_map = MatrixCanvas(
            scheme="viridis", color_label="gate value", width_px=380, height_px=300
        )
        self.gate_map.color_range(0.0, 1.0)
        maps: list[W.Widget] = [W.VBox([self.states, self.state_map], layout=_COLUMN)]
        if gates:
            maps.append(W.VBox([self.gates, self.gate_map], layout=_COLUMN))
        children: list[W.Widget] = [W.HBox(maps, layout={"flex_flow": "row wrap"})]
        if not states:
            children = [W.HTML('<div class="nnw-note">this model has no sequence layer</div>')]
        self._owned = [self.state_map, self.gate_map, self.states, self.gates]
        self.states.observe(self._redraw, names="value")
        self.gates.observe(self._redraw, names="value")
        self._watch(self._redraw, "version")
        self._redraw(None)
        super().__init__(children, **kwargs)
        self.add_class("nnw-hidden-states")

    def _redraw(self, _: object) -> None:
        s = self.state
        steps, words = _steps(s), _step_names(s)
        for name, plot in ((self.states.value, self.state_map), (self.gates.value, self.gate_map)):
            if not name:
                continue
            values = f32(s.activations[name])[:steps].T  # units x steps
            units = values.shape[0]
            with plot.hold_sync():
                plot.height_px = _map_height(units, named=words is not None)
                plot.width_px = _map_width(steps, words is not None, 380)
                if plot is self.gate_map:  # gates, tanh values or an MLP: each its own range
                    scheme, fixed, label = _inner_look(name)
                    plot.scheme, plot.color_label = scheme, label
                    plot.auto_range = fixed is None
                    if fixed is not None:
                        plot.color_range(*fixed)
                plot.show(values, labels=("step", "unit"), names=(words, None))
                plot.title = f"{name}: {_count(units, 'unit')} × {_count(steps, 'step')}"
                if name.endswith(".cell"):
                    plot.title = f"{name}: tanh(cell state), {_count(units, 'unit')}"
                plot.table_class = f"nnw-state-values nnw-layer-{name.replace('.', '-')}"
                plot.table_version = s.version


class AttentionView(StateView, W.VBox):
    """Every attention layer's heads (query x key), one enlarged, and the attention rollout.

    Each small map is one head of one layer, without a colour bar of its own: all are
    coloured as the enlarged map is (viridis over [0, 1]), under its bar. The buttons choose
    the head drawn large, its axes named by the words (keys along the bottom, queries down
    the left), its exact values on hover and in its table. Rows are queries, columns keys;
    each row sums to 1 and padding keys get 0. The rollout (Abnar & Zuidema, 2020) multiplies the
    layers' head-averaged weights with the residual added: how much each token reaches
    each position at the top.
    """

    def __init__(self, state: ExplorerState, **kwargs: object) -> None:
        self.state = state
        names = _attention_entries(state)
        self.heads: dict[tuple[str, int], MatrixCanvas] = {}
        rows = []
        for name in names:
            n_heads = state.model.layer_shapes[state.model.layer_names.index(name)][2]
            small = []
            for h in range(n_heads):
                plot = MatrixCanvas(
                    scheme="viridis", axes=False, color_bar=False, width_px=120, height_px=120
                )
                plot.color_range(0.0, 1.0)
                plot.title = f"head {h}"
                # a click on a head's map enlarges it (as its button does)
                plot.on_cell_click(lambda *_, key=f"{name}|{h}": setattr(self.pick, "value", key))
                self.heads[(name, h)] = plot
                small.append(plot)
            heads = W.HBox(small, layout={"flex_flow": "row wrap"})
            rows.append(W.VBox([W.HTML(f"<b>{_escape(name)}</b>"), heads]))
        # short labels ("block_1 · head 0"), each button as wide as its label: none cut off
        options = [(f"{_layer_label(n)} · head {h}", f"{n}|{h}") for n, h in self.heads]
        tips = [f"{n} · head {h}" for n, h in self.heads]
        if names:
            options.append(("rollout (all layers)", "rollout"))
            tips.append("attention rollout over all layers")
        self.pick = W.ToggleButtons(
            options=options, tooltips=tips, description="enlarge", style={"button_width": "auto"}
        )
        self.pick.add_class("nnw-attention-pick")
        self.large = MatrixCanvas(
            scheme="viridis",
            color_label="attention weight",
            width_px=360,
            height_px=360,
        )
        self.large.color_range(0.0, 1.0)
        children: list[W.Widget] = [
            W.HBox(
                [
                    W.VBox(rows, layout=_COLUMN),
                    W.VBox([self.pick, self.large], layout={**_COLUMN, "max_width": "100%"}),
                ],
                layout={"flex_flow": "row wrap"},
            )
        ]
        if not names:
            children = [W.HTML('<div class="nnw-note">this model has no attention layer</div>')]
        self._owned = [*self.heads.values(), self.large, self.pick]
        self.pick.observe(self._redraw, names="value")
        self._watch(self._redraw, "version")
        self._redraw(None)
        super().__init__(children, **kwargs)
        self.add_class("nnw-attention")

    def _redraw(self, _: object) -> None:
        s = self.state
        if not self.heads:
            return
        steps, words = _steps(s), _step_names(s)
        for (name, h), plot in self.heads.items():
            plot.show(f32(s.activations[name])[:steps, :steps, h])
        pick = self.pick.value
        if pick == "rollout":
            values, title = f32(s.rollout)[:steps, :steps], "attention rollout"
        else:
            name, h = pick.split("|")
            values = f32(s.activations[name])[:steps, :steps, int(h)]
            title = f"{name} · head {h}"
        with self.large.hold_sync():
            side = _map_width(steps, words is not None, 360)  # every word along both axes
            self.large.width_px = self.large.height_px = side
            self.large.show(values, labels=("key", "query"), names=(words, words))
            self.large.title = f"{title} (query × key)"
            if s.input_kind == "text" and not s.words:  # the padding step attends to nothing
                self.large.title = f"{title}: no words, nothing to attend to"
            self.large.table_class = "nnw-attention-values"
            self.large.table_version = s.version


def _layer_label(name: str) -> str:
    """An attention layer's name without its ``.attention`` part: ``block_1``."""
    return name.removesuffix(".attention") or name


def _attention_entries(state: ExplorerState) -> list[str]:
    model = state.model
    kinds = getattr(model, "layer_kinds", ())
    return [n for n, k in zip(model.layer_names, kinds) if k == "attention"]
