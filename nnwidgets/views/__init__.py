"""Thin ipywidgets / bqplot views: draw the state, forward user input, no maths.

The views an app shows first (inputs, probabilities, attribution, activations, the network
tab, the Playground's canvases) are plain ipywidgets and anywidget canvases. The views drawn
with bqplot are imported when first used (``LAZY``): bqplot imports pandas (~0.3 s in a fresh
kernel), and a page that shows no bqplot figure does not load bqplot's scripts either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names
from ._activations import ActivationView as ActivationView
from ._app_guard import AppGuard as AppGuard
from ._attribution import AttributionView as AttributionView
from ._boundary_canvas import BoundaryCanvas as BoundaryCanvas
from ._controls import MethodControls as MethodControls
from ._frame import StepFrame as StepFrame
from ._image_view import ExamplePicker as ExamplePicker
from ._image_view import ImageCanvas as ImageCanvas
from ._image_view import ImageView as ImageView
from ._inputs import InputSliders as InputSliders
from ._network_canvas import NetworkCanvas as NetworkCanvas
from ._outputs import OutputsView as OutputsView
from ._paint_canvas import PaintCanvas as PaintCanvas
from ._painter import DigitPainter as DigitPainter
from ._playground_controls import PlaygroundControls as PlaygroundControls
from ._playground_views import BoundaryView as BoundaryView
from ._playground_views import PlaygroundNetworkView as PlaygroundNetworkView
from ._probabilities import ProbabilityView as ProbabilityView
from ._sequence_views import AttentionView as AttentionView
from ._sequence_views import HiddenStateView as HiddenStateView
from ._sequence_views import SequenceInput as SequenceInput
from ._series_editor import SeriesEditor as SeriesEditor
from ._status import StatusLine as StatusLine
from ._structure import StructureView as StructureView
from ._token_strip import TokenStrip as TokenStrip

if TYPE_CHECKING:
    from ._activation_fns import ActivationFunctionView as ActivationFunctionView
    from ._curves import CurvesView as CurvesView
    from ._embedding import EmbeddingView as EmbeddingView
    from ._feature_maps import FeatureMapView as FeatureMapView
    from ._gradients_view import GradientsView as GradientsView
    from ._history_view import TrainingHistoryView as TrainingHistoryView
    from ._sanity import SanityCheckView as SanityCheckView
    from ._weights_view import WeightsView as WeightsView

#: bqplot-drawn views, imported on first use: name -> module.
LAZY = {
    "ActivationFunctionView": "._activation_fns",
    "CurvesView": "._curves",
    "EmbeddingView": "._embedding",
    "FeatureMapView": "._feature_maps",
    "GradientsView": "._gradients_view",
    "SanityCheckView": "._sanity",
    "TrainingHistoryView": "._history_view",
    "WeightsView": "._weights_view",
}


__getattr__ = lazy_names(__name__, LAZY)

__all__ = [
    "ActivationFunctionView",
    "ActivationView",
    "AppGuard",
    "AttentionView",
    "AttributionView",
    "BoundaryCanvas",
    "BoundaryView",
    "CurvesView",
    "DigitPainter",
    "EmbeddingView",
    "ExamplePicker",
    "FeatureMapView",
    "GradientsView",
    "HiddenStateView",
    "ImageCanvas",
    "ImageView",
    "InputSliders",
    "MethodControls",
    "NetworkCanvas",
    "OutputsView",
    "PaintCanvas",
    "PlaygroundControls",
    "PlaygroundNetworkView",
    "ProbabilityView",
    "SanityCheckView",
    "SequenceInput",
    "SeriesEditor",
    "StatusLine",
    "StepFrame",
    "StructureView",
    "TokenStrip",
    "TrainingHistoryView",
    "WeightsView",
]
