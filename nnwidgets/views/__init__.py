"""Thin ipywidgets / bqplot views: draw the state, forward user input, no maths."""

from ._activation_fns import ActivationFunctionView as ActivationFunctionView
from ._activations import ActivationView as ActivationView
from ._attribution import AttributionView as AttributionView
from ._controls import MethodControls as MethodControls
from ._embedding import EmbeddingView as EmbeddingView
from ._inputs import InputSliders as InputSliders
from ._paint_canvas import PaintCanvas as PaintCanvas
from ._painter import DigitPainter as DigitPainter
from ._probabilities import ProbabilityView as ProbabilityView
from ._sanity import SanityCheckView as SanityCheckView
from ._status import StatusLine as StatusLine
from ._structure import StructureView as StructureView

__all__ = [
    "ActivationFunctionView",
    "ActivationView",
    "AttributionView",
    "DigitPainter",
    "EmbeddingView",
    "InputSliders",
    "MethodControls",
    "PaintCanvas",
    "ProbabilityView",
    "SanityCheckView",
    "StatusLine",
    "StructureView",
]
