"""The Playground: train a network live in the notebook (TensorFlow Playground, on JAX)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as W

from .. import views
from ..state import PlaygroundState, check_hide
from ..views import (
    AppGuard,
    BoundaryView,
    PlaygroundControls,
    PlaygroundNetworkView,
    StatusLine,
    StepFrame,
)
from ..views._base import widget_tree
from ._explorer import compiling_notice
from ._lifecycle import adopt
from ._travel import Travels

#: Parts that are not controls but can be hidden too.
VIEWS = ("network", "boundary", "curves", "weights", "gradients", "dynamics")
#: The course tabs: (title, the name of its view in ``nnwidgets.views``).
TABS = (
    ("weights", "WeightsView"),
    ("gradients", "GradientsView"),
    ("dynamics", "TrainingHistoryView"),
)


class Playground(Travels, W.VBox):
    """Train a small network live: data, features, layers, hyper-parameters, play / pause.

    Args:
        data: your own ``(X, y)`` arrays (integer labels: classification; float targets:
            regression), instead of a named ``dataset``.
        hide: names of controls or views to hide, e.g. ``["learning_rate", "optimizer"]``
            (``Playground.HIDEABLE`` lists them), for a focused exercise.
        **config: initial settings, e.g. ``dataset="spiral"``, ``hidden=[8, 8]``,
            ``features=["x1", "x2", "sin x1", "sin x2"]``, ``learning_rate=0.01``.

    Attributes:
        state: the app's one ``PlaygroundState``.

    Examples:
        >>> pg = Playground(dataset="xor", hidden=[4])
        >>> pg.state.step_once()
        >>> pg.state.step
        1
        >>> Playground.from_json(pg.to_json()).state.step
        1
    """

    HIDEABLE: tuple[str, ...] = ()  # filled below from the controls' names

    def __init__(self, data: Any = None, *, hide: Sequence[str] = (), **config: Any) -> None:
        hide = check_hide(hide, self.HIDEABLE)
        with compiling_notice():
            self.state = PlaygroundState(data=data, **config)
        self._build(hide)

    def _build(self, hide: list[str]) -> None:
        s = self.state
        self.hidden = hide
        self.status = StatusLine(s)
        self.controls = PlaygroundControls(s)
        self.network = PlaygroundNetworkView(s)
        self.boundary = BoundaryView(s)
        self.curves = views.CurvesView(s)  # bqplot: imported with the first Playground
        self.network.canvas.observe(
            lambda change: self.boundary.set_focus(change.new), names="selected"
        )
        self.tabs = W.Tab()
        self.tabs.add_class("nnw-playground-tabs")
        self._course_views()
        s.observe(self._course_views, names="model_version")
        parts: dict[str, W.Widget] = {
            **self.controls.controls,
            "network": self.network,
            "boundary": self.boundary,
            "curves": self.curves,
        }
        self.controls.hidden = set(hide)  # stays hidden when the data set changes
        for name in hide:
            if name in dict(TABS):
                continue
            parts[name].layout.display = "none"
        title = W.HTML("<h3 style='margin:4px 0'>nnwidgets Playground</h3>")
        # the network picture at its full width (less only where the app is narrower), the
        # boundary and the curves (360 px, their text wrapped) beside it or, on a narrow page,
        # under it: never cut off at the app's edge
        self.network.layout.flex = f"0 1 {self.network.canvas.width_px}px"
        beside = W.VBox([self.boundary, self.curves], layout={"max_width": "360px"})
        pictures = W.HBox(
            [self.network, beside], layout={"flex_flow": "row wrap", "align_items": "flex-start"}
        )
        guard = AppGuard(".nnw-playground")  # keys reach the controls, not the notebook
        self.frame = StepFrame(s)  # every widget update of one training step in one message
        super().__init__(
            [guard, self.frame, title, self.status, self.controls, pictures, self.tabs]
        )
        self.frame.adopt(widget_tree(self))  # and what a rebuild adds, as it arrives
        self.add_class("nnw-playground")
        self.add_class("nnw-app")  # AppGuard's stylesheet: a lost kernel is said here
        self.tabs.observe(self._tab_shown, names="selected_index")
        self._tab_shown(None)
        adopt(self)  # re-running this cell closes the Playground (and stops the training)

    def _tab_shown(self, _: object) -> None:
        """Only the visible tab redraws on every update; the other catches up when shown."""
        for i, view in enumerate(self.tabs.children):
            view.set_active(i == self.tabs.selected_index)

    def _course_views(self, _: object = None) -> None:
        """(Re)build the course tabs (weights, gradients, dynamics) for the current architecture."""
        for view in self.tabs.children:  # the view and every widget inside it
            inside = widget_tree(view)[1:]
            view.close()
            for widget in inside:
                widget.close()
        shown = [(name, getattr(views, cls)) for name, cls in TABS if name not in self.hidden]
        self.tabs.children = [cls(self.state) for _, cls in shown]
        self.tabs.titles = [name for name, _ in shown]
        self.tabs.layout.display = None if shown else "none"
        if shown:
            self._tab_shown(None)

    # scenes ---------------------------------------------------------------------------------
    def to_json(self) -> str:
        """The whole run as JSON text: data, settings, weights, optimiser state, step, curves."""
        return self.state.to_json()

    @classmethod
    def from_json(cls, text: str, *, hide: Sequence[str] = ()) -> Playground:
        """A Playground exactly as saved by ``to_json`` (ValueError for a corrupt scene)."""
        hide = check_hide(hide, cls.HIDEABLE)
        app = cls.__new__(cls)
        with compiling_notice():
            app.state = PlaygroundState.from_json(text)
        app._build(hide)
        return app

    def __repr__(self) -> str:
        """What a frontend without the widget extensions shows instead of the lab."""
        return (
            f"nnwidgets.Playground({self.state.dataset!r}): an interactive widget. If you see "
            "this text, this frontend cannot show Jupyter widgets: open the notebook in "
            "JupyterLab 4, Notebook 7 or Voila with nnwidgets installed (pip install nnwidgets)."
        )

    def close(self) -> None:
        """Stop training, close every view and every widget inside."""
        if "state" in self.__dict__:
            self.state.close()
        if self.comm is None:
            return
        tree = widget_tree(self)
        for name in ("status", "controls", "network", "boundary", "curves"):
            if name in self.__dict__:
                self.__dict__.pop(name).close()
        for view in self.tabs.children:
            view.close()
        for widget in tree[1:]:
            widget.close()
        super().close()


Playground.HIDEABLE = (
    "dataset",
    "noise",
    "test_fraction",
    "add_label",
    "add_value",
    "activation",
    "learning_rate",
    "batch_size",
    "regularization",
    "reg_rate",
    "optimizer",
    "init",
    "speed",
    "regenerate",
    "play",
    "step",
    "reset",
    "features",
    "hidden",
    *VIEWS,
)
