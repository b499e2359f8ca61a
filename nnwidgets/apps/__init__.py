"""Apps: compositions of views around one state."""

from ._explorer import Explorer as Explorer

__all__ = ["Explorer"]
