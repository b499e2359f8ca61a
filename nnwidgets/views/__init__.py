"""Thin ipywidgets / bqplot views: draw the state, forward user input, no maths."""

from ._activations import ActivationView as ActivationView
from ._attribution import AttributionView as AttributionView
from ._controls import MethodControls as MethodControls
from ._inputs import InputSliders as InputSliders
from ._paint_canvas import PaintCanvas as PaintCanvas
from ._painter import DigitPainter as DigitPainter
from ._probabilities import ProbabilityView as ProbabilityView
from ._sanity import SanityCheckView as SanityCheckView
from ._status import StatusLine as StatusLine

__all__ = [
    "ActivationView",
    "AttributionView",
    "DigitPainter",
    "InputSliders",
    "MethodControls",
    "PaintCanvas",
    "ProbabilityView",
    "SanityCheckView",
    "StatusLine",
]
