"""Apps: compositions of views around one state."""

from ._explorer import Explorer as Explorer
from ._playground import Playground as Playground

__all__ = ["Explorer", "Playground"]
