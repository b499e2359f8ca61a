"""The one reactive state per app: the only place kernels run."""

from ..kernels import METHODS as METHODS
from ._build import build_state as build_state
from ._explorer_state import ExplorerState as ExplorerState

__all__ = ["METHODS", "ExplorerState", "build_state"]
