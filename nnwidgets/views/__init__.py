"""Thin ipywidgets / bqplot views: draw the state, forward user input, no maths."""

from ._activation_fns import ActivationFunctionView as ActivationFunctionView
from ._activations import ActivationView as ActivationView
from ._attribution import AttributionView as AttributionView
from ._controls import MethodControls as MethodControls
from ._embedding import EmbeddingView as EmbeddingView
from ._feature_maps import FeatureMapView as FeatureMapView
from ._gradients_view import GradientsView as GradientsView
from ._inputs import InputSliders as InputSliders
from ._outputs import OutputsView as OutputsView
from ._paint_canvas import PaintCanvas as PaintCanvas
from ._painter import DigitPainter as DigitPainter
from ._probabilities import ProbabilityView as ProbabilityView
from ._sanity import SanityCheckView as SanityCheckView
from ._status import StatusLine as StatusLine
from ._structure import StructureView as StructureView
from ._weights_view import WeightsView as WeightsView

__all__ = [
    "ActivationFunctionView",
    "ActivationView",
    "AttributionView",
    "DigitPainter",
    "EmbeddingView",
    "FeatureMapView",
    "GradientsView",
    "InputSliders",
    "MethodControls",
    "OutputsView",
    "PaintCanvas",
    "ProbabilityView",
    "SanityCheckView",
    "StatusLine",
    "StructureView",
    "WeightsView",
]
