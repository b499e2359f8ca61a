"""The one reactive state per app: the only place kernels run."""

from ..kernels import METHODS as METHODS
from ._build import build_state as build_state
from ._explorer_state import ExplorerState as ExplorerState
from ._playground_state import MAX_LAYERS as MAX_LAYERS
from ._playground_state import SPEEDS as SPEEDS
from ._playground_state import PlaygroundState as PlaygroundState

__all__ = ["MAX_LAYERS", "METHODS", "SPEEDS", "ExplorerState", "PlaygroundState", "build_state"]
