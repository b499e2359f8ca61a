"""Pure, jit-compiled functions of arrays: forward passes, gradients and attributions."""

from ._cache import default_cache_dir as default_cache_dir
from ._cache import enable_compilation_cache as enable_compilation_cache
from ._explain import METHODS as METHODS
from ._explain import Explanation as Explanation
from ._explain import explain as explain
from ._explain import explain_flat as explain_flat
from ._explain import static_settings as static_settings
from ._explain import unpack as unpack
from ._gradient_x_input import gradient_x_input as gradient_x_input
from ._integrated_gradients import integrated_gradients as integrated_gradients
from ._saliency import saliency as saliency
from ._smoothgrad import smoothgrad as smoothgrad
from ._types import IGResult as IGResult
from ._types import LogitFn as LogitFn

__all__ = [
    "METHODS",
    "Explanation",
    "IGResult",
    "LogitFn",
    "default_cache_dir",
    "enable_compilation_cache",
    "explain",
    "explain_flat",
    "gradient_x_input",
    "integrated_gradients",
    "saliency",
    "smoothgrad",
    "unpack",
]
