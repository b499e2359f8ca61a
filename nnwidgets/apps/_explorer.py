"""The Explorer: one state, the views composed around it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

import ipywidgets as W

from .. import views
from ..state import (
    ExplorerState,
    build_state,
    check_hide,
    explorer_scene,
    explorer_state_from_scene,
    read_explorer_scene,
)
from ..views import (
    ActivationView,
    AppGuard,
    AttributionView,
    DigitPainter,
    ImageView,
    InputSliders,
    MethodControls,
    ProbabilityView,
    SequenceInput,
    StatusLine,
    StepFrame,
)
from ..views._base import widget_tree
from ..views._controls import SHOWN
from ._lifecycle import adopt
from ._travel import Travels

#: The course tabs under the lab: (title, name of the view in ``nnwidgets.views``), all bound
#: to the same state. Each is imported and built when first shown (the bqplot-drawn ones
#: import bqplot then).
TABS = (
    ("network", "StructureView"),
    ("weights", "WeightsView"),
    ("gradients", "GradientsView"),
    ("activation functions", "ActivationFunctionView"),
    ("feature maps", "FeatureMapView"),
    ("embedding", "EmbeddingView"),
    ("outputs", "OutputsView"),
    ("sanity check", "SanityCheckView"),
)
#: A sequence model's own tabs, first: its states and gates over time, its attention maps
#: (when it has attention layers).
SEQUENCE_TABS = (("hidden states", "HiddenStateView"), ("attention", "AttentionView"))
#: The views that ``hide`` can name besides the controls and the tabs' titles.
VIEWS = ("input", "probabilities", "attribution", "activations")
#: The method controls ``hide`` can name: the method, the class explained and every setting.
CONTROLS = ("method", "target", *dict.fromkeys(name for names in SHOWN.values() for name in names))


@contextlib.contextmanager
def compiling_notice() -> Iterator[None]:
    """In a notebook, show "compiling…" in the cell's output while the app is being built.

    The app itself is displayed only when the cell ends, so its own status line cannot show
    the first compile; this transient output does, and is blanked when the build ends.
    """
    from IPython import get_ipython
    from IPython.display import HTML, display

    shell = get_ipython()
    if shell is None or not hasattr(shell, "kernel"):  # plain Python, terminal IPython
        yield
        return
    handle = display(
        HTML('<span class="nnw-compiling">nnwidgets: loading and compiling the kernels…</span>'),
        display_id=True,
    )
    try:
        yield
    finally:
        handle.update(HTML(""))


class Explorer(Travels, W.VBox):
    """Live lab for one model: move an input, watch activations, probabilities and attribution.

    Args:
        model: a bundled model name (``"digits"``, ``"digits_cnn"``, ``"iris"``, ``"wine"``,
            ``"breast_cancer"``), a ``nnwidgets.models.Sequential``, your own model as it is
            (a Flax NNX or Linen module, an Equinox module, a Haiku ``Transformed``), or a
            function ``f(params, x) -> logits`` (mark layers with ``nnwidgets.tap``).
        params: the model's parameters: a Linen module's ``variables``, a Haiku
            ``Transformed``'s params, a function's; None for NNX and Equinox modules (they
            carry theirs) and for a name (bundled weights).
        data: ``(X, y)`` arrays or a ``Dataset`` (required for your own model).
        feature_names: a name per input value (sliders, bars, titles).
        class_names: a name per class (probabilities, titles).
        batched: your model takes a batch axis ``(B, ...)``; None: detected.
        hide: names of controls, views or tabs to hide, e.g. ``["method", "sigma",
            "activations", "sanity check"]`` (``Explorer.HIDEABLE`` lists them), for a
            focused exercise.
        tab: the course tab shown first (a title of ``explorer.tab_list``, e.g.
            ``"activation functions"``); None: the first.
        **inputs: initial state, e.g. ``method="integrated_gradients"``, ``x=...``.

    Attributes:
        state: the app's one ``ExplorerState``.

    Examples:
        >>> ex = Explorer("iris")
        >>> ex.state.x = ex.state.dataset.X_test[5]
        >>> round(float(ex.state.probs.sum()), 5)
        1.0
        >>> Explorer.from_json(ex.to_json()).state.x.tolist() == ex.state.x.tolist()
        True
    """

    HIDEABLE: tuple[str, ...] = ()  # filled below: controls, views and tab titles

    def __init__(
        self,
        model: Any = "digits",
        params: Any = None,
        *,
        data: Any = None,
        feature_names: Any = None,
        class_names: Any = None,
        batched: bool | None = None,
        hide: Sequence[str] = (),
        tab: str | None = None,
        **inputs: Any,
    ) -> None:
        hide = check_hide(hide, self.HIDEABLE)
        with compiling_notice():
            self.state: ExplorerState = build_state(
                model,
                params,
                data,
                feature_names=feature_names,
                class_names=class_names,
                batched=batched,
                **inputs,
            )
        titles = [title for title, _ in self._tab_list(self.state, hide)]
        if tab is not None and tab not in titles:
            raise ValueError(f"tab: expected one of {titles} (the course tabs shown), got {tab!r}")
        self._build(hide, titles.index(tab) if tab is not None else 0)

    @staticmethod
    def _tab_list(state: ExplorerState, hide: Sequence[str]) -> tuple[tuple[str, str], ...]:
        """The course tabs of this model (a sequence model's own first), less the hidden."""
        kinds = set(getattr(state.model, "layer_kinds", ()))
        own = [tab for tab in SEQUENCE_TABS if tab[0] != "attention" or "attention" in kinds]
        tabs = (*own, *TABS) if state.input_kind in ("text", "series") else TABS
        return tuple(tab for tab in tabs if tab[0] not in hide)

    def _build(self, hide: list[str], tab: int | None = 0) -> None:
        """The views around ``self.state``, less the ``hide`` ones, with tab ``tab`` shown."""
        s = self.state
        self.hidden = hide
        shape = s.input_shape  # grey images: a painter; colour ones: a picture; else sliders
        grey = len(shape) == 2 or (len(shape) == 3 and shape[2] == 1)
        sequence = s.input_kind in ("text", "series")  # its attribution is on the input
        source_type = (
            SequenceInput
            if sequence
            else DigitPainter
            if grey
            else ImageView
            if len(shape) == 3
            else InputSliders
        )
        status, controls = StatusLine(s), MethodControls(s)
        _hide_controls(controls, hide)
        # a hidden view is not built (it would redraw unseen)
        source = None if "input" in hide else source_type(s)
        probs = None if "probabilities" in hide else ProbabilityView(s)
        attribution = None if sequence or "attribution" in hide else AttributionView(s)
        activations = None if "activations" in hide else ActivationView(s)
        shown = (status, controls, source, probs, attribution, activations)
        self.views = [v for v in shown if v is not None]
        self.tab_list = self._tab_list(s, hide)
        # each course tab is built the first time it is shown: a lighter first frame
        # until a tab's view is built its page says so (the first bqplot tab also imports
        # bqplot, ~0.3 s); one placeholder widget shown in every unbuilt tab
        self._placeholder = W.HTML("<i>building this view…</i>")
        self._placeholder.add_class("nnw-tab-placeholder")
        self._holders = [W.VBox([self._placeholder]) for _ in self.tab_list]
        self._tab_views: dict[int, Any] = {}
        self.tabs = W.Tab(children=self._holders, titles=[title for title, _ in self.tab_list])
        self.tabs.selected_index = tab if self.tab_list else None
        self.tabs.layout.display = None if self.tab_list else "none"
        self.tabs.add_class("nnw-tabs")
        self.tabs.observe(self._tab_shown, names="selected_index")
        self._tab_shown(None)
        title = W.HTML(f"<h3 style='margin:4px 0'>nnwidgets Explorer · {s.dataset.name}</h3>")
        # the input, probabilities and attribution side by side, wrapping on a narrow page;
        # a 12 px gap left of each (the row starts 12 px further left: no indent, no overflow)
        row = {"flex_flow": "row wrap", "align_items": "flex-start", "margin": "0 0 0 -12px"}
        sliders = isinstance(source, InputSliders)  # the sliders: a row of their own above
        beside = [v for v in (probs, attribution) if v is not None]
        for view in beside if sliders else (source, *beside):
            if view is not None:
                view.layout.margin = "0 0 10px 12px"
        body = (
            W.VBox([source, W.HBox(beside, layout=row)])
            if sliders
            else W.HBox([v for v in (source, *beside) if v is not None], layout=row)
        )
        below = []
        if activations is not None:
            below = [W.HTML("<b>activations</b> (click a neuron to explain it)"), activations]
        guard = AppGuard(".nnw-explorer")  # arrow keys move sliders, not cells
        # every widget update of one step leaves in one message; widgets added later (a tab
        # built when first shown, a search's sliders) are adopted as they arrive
        self.frame = StepFrame(s)
        super().__init__([guard, self.frame, title, status, controls, body, *below, self.tabs])
        self.frame.adopt(widget_tree(self))
        self.add_class("nnw-explorer")
        self.add_class("nnw-app")  # AppGuard's stylesheet: a lost kernel is said here
        adopt(self)  # re-running this cell closes the Explorer its last run built

    def tab_view(self, title: str) -> Any:
        """The view of the course tab ``title`` (see ``TABS``), built now if not yet shown."""
        titles = [t for t, _ in self.tab_list]
        if title not in titles:
            raise ValueError(f"title: expected one of {titles}, got {title!r}")
        i = titles.index(title)
        if i not in self._tab_views:
            view = getattr(views, self.tab_list[i][1])(self.state)
            view.set_active(i == self.tabs.selected_index)
            self._tab_views[i] = view
            self.views.append(view)
            self._holders[i].children = [view]  # the frame adopts it (a holder's new child)
        return self._tab_views[i]

    def _tab_shown(self, _: object) -> None:
        """Build the shown tab once; only its view redraws on every step, the others wait."""
        if self.tabs.selected_index is not None:
            self.tab_view(self.tab_list[self.tabs.selected_index][0])
        for i, view in self._tab_views.items():
            view.set_active(i == self.tabs.selected_index)

    # scenes ---------------------------------------------------------------------------------
    def to_json(self) -> str:
        """The lab as JSON text: model, data, input, method, settings, visible tab, hidden parts.

        A bundled model and data set are written by name; a ``Sequential``'s spec and weights
        and your own ``(X, y)`` beside it are written whole (float32 values exactly), so the
        scene opens with no arguments; your own model of any other kind is described, to be
        passed again to ``from_json``.
        """
        i = self.tabs.selected_index
        tab = None if i is None else self.tab_list[i][0]
        return explorer_scene(self.state, tab=tab, hide=self.hidden)

    @classmethod
    def from_json(
        cls,
        text: str,
        model: Any = None,
        params: Any = None,
        data: Any = None,
        *,
        hide: Sequence[str] | None = None,
    ) -> Explorer:
        """An Explorer exactly as saved by ``to_json`` (ValueError for a corrupt scene).

        Args:
            text: the scene.
            model: your own model, for a scene that describes one (not for a bundled model
                or a ``Sequential`` the scene holds).
            params: its parameters, as for ``Explorer``.
            data: the data, for a scene that describes them (not for a bundled data set or
                the arrays the scene holds).
            hide: instead of the scene's hidden parts (the first tab shows when the saved
                one is hidden or there was none).
        """
        scene = read_explorer_scene(text)
        saved = check_hide(scene["hide"], cls.HIDEABLE, "scene hide")
        hide = saved if hide is None else check_hide(hide, cls.HIDEABLE)
        with compiling_notice():
            state = explorer_state_from_scene(scene, model, params, data)
        titles = [title for title, _ in cls._tab_list(state, saved)]
        tab = scene["tab"]
        if tab is not None and tab not in titles:
            raise ValueError(f"scene tab: expected null or one of {titles}, got {tab!r}")
        titles = [title for title, _ in cls._tab_list(state, hide)]
        if tab not in titles and hide is not saved:  # none, or hidden by the caller: the first
            tab = titles[0] if titles else None
        app = cls.__new__(cls)
        app.state = state
        x = state.x
        app._build(hide, None if tab is None else titles.index(tab))
        if state.x is not x:  # the sliders snapped it to their 0.01 grid: the saved one
            state.x = x
        return app

    def __repr__(self) -> str:
        """What a frontend without the widget extensions shows instead of the lab."""
        return (
            f"nnwidgets.Explorer({self.state.dataset.name!r}): an interactive widget. "
            "If you see this text, this frontend cannot show Jupyter widgets: open the "
            "notebook in JupyterLab 4, Notebook 7 or Voila with nnwidgets installed "
            "(pip install nnwidgets)."
        )

    def close(self) -> None:
        """Close every view (they stop observing the state) and every widget inside."""
        if self.comm is None:
            return
        tree = widget_tree(self)[1:]
        seen = {id(w) for w in tree}
        # the tab placeholder is no longer in the tree once every tab has been built
        tree += [w for w in widget_tree(self._placeholder) if id(w) not in seen]
        for view in self.__dict__.pop("views", []):
            view.close()
        for widget in tree:
            widget.close()
        super().close()


def _hide_controls(controls: MethodControls, hide: Sequence[str]) -> None:
    """Take the hidden method controls out of their rows (a method change cannot show them)."""
    named = {"method": controls.method, "target": controls.target, **controls.settings}
    gone = {id(widget) for name, widget in named.items() if name in hide}
    for box in controls.children:
        box.children = tuple(w for w in box.children if id(w) not in gone)
    if not any(box.children for box in controls.children):
        controls.layout.display = "none"


Explorer.HIDEABLE = (*CONTROLS, *VIEWS, *(title for title, _ in SEQUENCE_TABS + TABS))
