"""nnwidgets: a live neural-network lab in a Jupyter notebook.

The names below load on first use, so that ``import nnwidgets.server`` (the Jupyter server
extension, imported by every Jupyter server) never imports JAX into the server process.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .apps import Explorer as Explorer
    from .apps import Playground as Playground
    from .state import ExplorerState as ExplorerState
    from .state import PlaygroundState as PlaygroundState

__all__ = ["Explorer", "ExplorerState", "Playground", "PlaygroundState"]
__version__ = "0.1.0"

_LAZY = {
    "Explorer": ".apps",
    "ExplorerState": ".state",
    "Playground": ".apps",
    "PlaygroundState": ".state",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'nnwidgets' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """Jupyter server discovers the extension (``nnwidgets.server``) here too."""
    return [{"module": "nnwidgets.server"}]
