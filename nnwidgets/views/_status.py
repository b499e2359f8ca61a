"""The app's own status and error line (Voila hides tracebacks; this does not)."""

from __future__ import annotations

import html

import ipywidgets as W

from ..state import ExplorerState
from ._base import StateView


class StatusLine(StateView, W.HTML):
    """Shows ``state.error`` in a red alert box, else ``state.status`` and ``state.notice``."""

    def __init__(self, state: ExplorerState, **kwargs: object) -> None:
        self.state = state
        super().__init__(**kwargs)
        self._redraw(None)
        self._watch(self._redraw, ["error", "status", "notice"])
        self.add_class("nnw-status-line")

    def _redraw(self, _: object) -> None:
        s = self.state
        if s.error:
            self.value = (
                '<div class="nnw-error" role="alert" style="color:#a50f15;'
                'background:#fee0d2;padding:4px 8px;border-radius:4px">'
                f"⚠ {html.escape(s.error)}</div>"
            )
            return
        self.value = f'<span class="nnw-status" style="color:#555">{html.escape(s.status)}</span>'
        if s.notice:
            self.value += (
                ' <span class="nnw-notice" style="color:#8c510a;background:#fff7e0;'
                f'padding:2px 6px;border-radius:4px">ⓘ {html.escape(s.notice)}</span>'
            )
