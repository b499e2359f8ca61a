"""What lets a lesson leave the notebook: a PNG, a static HTML page, a picture in the notebook.

The picture is what a saved notebook keeps beside the live widget (nbviewer and GitHub show it).
"""

from __future__ import annotations

import os
import pathlib
from typing import Any

from ..views._picture import save_png, with_picture


class Travels:
    """Mixin for an app (an ipywidgets Box): ``save_png``, ``export_html``, a static picture."""

    def save_png(self, path: str | os.PathLike[str]) -> pathlib.Path:
        """Write a picture of the app as it is now to the ``.png`` file ``path``; return it.

        Every shown view and the selected tab, drawn in Python from the values on screen.

        One view alone: ``app.tab_view("weights").save_png(path)`` (Explorer) or a view in
        ``app.views``. Each canvas on the page also has its own "PNG" button.
        """
        return save_png(self, path)

    def export_html(self, path: str | os.PathLike[str]) -> pathlib.Path:
        """Write a static page of the app as it is now to the ``.html`` file ``path``.

        The page opens in a browser without a kernel or a network: each canvas is drawn by its
        own script from the values embedded in the page, the bqplot charts are pictures, the
        controls show their values (they do not move anything). Returns the path.
        """
        from ..views._export_html import export_html

        return export_html(self, path, title=self._export_title())

    def _export_title(self) -> str:
        data = getattr(getattr(self, "state", None), "dataset", None)
        name = getattr(data, "name", data)
        return f"nnwidgets {type(self).__name__}" + (f" · {name}" if name else "")

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        """The widget, plus a PNG of it (``views._picture.with_picture``).

        The picture is the app when the cell ran; ``display(app)`` again shows (and saves) a
        newer one.
        """
        return with_picture(self, super()._repr_mimebundle_(**kwargs))  # type: ignore[misc]
