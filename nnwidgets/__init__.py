"""nnwidgets: a live neural-network lab in a Jupyter notebook.

The names below load on first use, so that ``import nnwidgets.server`` (the Jupyter server
extension, imported by every Jupyter server) never imports JAX into the server process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_names

if TYPE_CHECKING:
    from .apps import Explorer as Explorer
    from .apps import Playground as Playground
    from .models import tap as tap
    from .state import ExplorerState as ExplorerState
    from .state import PlaygroundState as PlaygroundState

__all__ = ["Explorer", "ExplorerState", "Playground", "PlaygroundState", "tap"]
__version__ = "0.1.0"

_LAZY = {
    "Explorer": ".apps",
    "ExplorerState": ".state",
    "Playground": ".apps",
    "PlaygroundState": ".state",
    "tap": ".models",
}


__getattr__ = lazy_names(__name__, _LAZY)


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """Jupyter server discovers the extension (``nnwidgets.server``) here too."""
    return [{"module": "nnwidgets.server"}]
