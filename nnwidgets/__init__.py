"""nnwidgets: a live neural-network lab in a Jupyter notebook."""

from .apps import Explorer as Explorer
from .state import ExplorerState as ExplorerState

__all__ = ["Explorer", "ExplorerState"]
__version__ = "0.1.0"
