"""The one reactive state per app: the only place kernels run."""

from ..kernels import METHODS as METHODS
from ._build import build_state as build_state
from ._explorer_scene import explorer_scene as explorer_scene
from ._explorer_scene import explorer_state_from_scene as explorer_state_from_scene
from ._explorer_scene import read_explorer_scene as read_explorer_scene
from ._explorer_state import ExplorerState as ExplorerState
from ._playground_state import MAX_LAYERS as MAX_LAYERS
from ._playground_state import SPEEDS as SPEEDS
from ._playground_state import PlaygroundState as PlaygroundState
from ._scene import check_hide as check_hide

__all__ = [
    "MAX_LAYERS",
    "METHODS",
    "SPEEDS",
    "ExplorerState",
    "PlaygroundState",
    "build_state",
    "check_hide",
    "explorer_scene",
    "explorer_state_from_scene",
    "read_explorer_scene",
]
