"""Thin ipywidgets / bqplot views: draw the state, forward user input, no maths."""

from ._activation_fns import ActivationFunctionView as ActivationFunctionView
from ._activations import ActivationView as ActivationView
from ._app_guard import AppGuard as AppGuard
from ._attribution import AttributionView as AttributionView
from ._boundary_canvas import BoundaryCanvas as BoundaryCanvas
from ._controls import MethodControls as MethodControls
from ._curves import CurvesView as CurvesView
from ._embedding import EmbeddingView as EmbeddingView
from ._feature_maps import FeatureMapView as FeatureMapView
from ._gradients_view import GradientsView as GradientsView
from ._inputs import InputSliders as InputSliders
from ._network_canvas import NetworkCanvas as NetworkCanvas
from ._outputs import OutputsView as OutputsView
from ._paint_canvas import PaintCanvas as PaintCanvas
from ._painter import DigitPainter as DigitPainter
from ._playground_controls import PlaygroundControls as PlaygroundControls
from ._playground_views import BoundaryView as BoundaryView
from ._playground_views import PlaygroundNetworkView as PlaygroundNetworkView
from ._probabilities import ProbabilityView as ProbabilityView
from ._sanity import SanityCheckView as SanityCheckView
from ._status import StatusLine as StatusLine
from ._structure import StructureView as StructureView
from ._weights_view import WeightsView as WeightsView

__all__ = [
    "ActivationFunctionView",
    "ActivationView",
    "AppGuard",
    "AttributionView",
    "BoundaryCanvas",
    "BoundaryView",
    "CurvesView",
    "DigitPainter",
    "EmbeddingView",
    "FeatureMapView",
    "GradientsView",
    "InputSliders",
    "MethodControls",
    "NetworkCanvas",
    "OutputsView",
    "PaintCanvas",
    "PlaygroundControls",
    "PlaygroundNetworkView",
    "ProbabilityView",
    "SanityCheckView",
    "StatusLine",
    "StructureView",
    "WeightsView",
]
