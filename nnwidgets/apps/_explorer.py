"""The Explorer: one state, the views composed around it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import ipywidgets as W

from .. import views
from ..state import ExplorerState, build_state
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
from ._lifecycle import adopt

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


class Explorer(W.VBox):
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
        **inputs: initial state, e.g. ``method="integrated_gradients"``, ``x=...``.

    Attributes:
        state: the app's one ``ExplorerState``.

    Examples:
        >>> ex = Explorer("iris")
        >>> ex.state.x = ex.state.dataset.X_test[5]
        >>> round(float(ex.state.probs.sum()), 5)
        1.0
    """

    def __init__(
        self,
        model: Any = "digits",
        params: Any = None,
        *,
        data: Any = None,
        feature_names: Any = None,
        class_names: Any = None,
        batched: bool | None = None,
        **inputs: Any,
    ) -> None:
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
        s = self.state
        shape = s.input_shape  # grey images: a painter; colour ones: a picture; else sliders
        grey = len(shape) == 2 or (len(shape) == 3 and shape[2] == 1)
        sequence = s.input_kind in ("text", "series")  # its attribution is on the input
        source = (
            SequenceInput(s)
            if sequence
            else DigitPainter(s)
            if grey
            else ImageView(s)
            if len(shape) == 3
            else InputSliders(s)
        )
        self.views = [StatusLine(s), MethodControls(s), source, ProbabilityView(s)]
        self.views += [] if sequence else [AttributionView(s)]
        self.views.append(ActivationView(s))
        status, controls, source, probs = self.views[:4]
        attribution, activations = (None if sequence else self.views[4]), self.views[-1]
        kinds = set(getattr(s.model, "layer_kinds", ()))
        own = [tab for tab in SEQUENCE_TABS if tab[0] != "attention" or "attention" in kinds]
        self.tab_list = (*own, *TABS) if sequence else TABS
        # each course tab is built the first time it is shown: a lighter first frame
        # until a tab's view is built its page says so (the first bqplot tab also imports
        # bqplot, ~0.3 s); one placeholder widget shown in every unbuilt tab
        self._placeholder = W.HTML("<i>building this view…</i>")
        self._placeholder.add_class("nnw-tab-placeholder")
        self._holders = [W.VBox([self._placeholder]) for _ in self.tab_list]
        self._tab_views: dict[int, Any] = {}
        self.tabs = W.Tab(children=self._holders, titles=[title for title, _ in self.tab_list])
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
            view.layout.margin = "0 0 10px 12px"
        body = (
            W.VBox([source, W.HBox(beside, layout=row)])
            if sliders
            else W.HBox([source, *beside], layout=row)
        )
        activations_title = W.HTML("<b>activations</b> (click a neuron to explain it)")
        guard = AppGuard(".nnw-explorer")  # arrow keys move sliders, not cells
        # every widget update of one step leaves in one message; widgets added later (a tab
        # built when first shown, a search's sliders) are adopted as they arrive
        self.frame = StepFrame(s)
        super().__init__(
            [
                guard,
                self.frame,
                title,
                status,
                controls,
                body,
                activations_title,
                activations,
                self.tabs,
            ]
        )
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
