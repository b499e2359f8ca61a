"""One message per step: every widget update an app sends during one step, in one comm message.

A slider step changes several plots (probabilities, attribution, activations, the network, the
visible course tab). Sent the usual way that is one comm message per widget: ipykernel signs
and serialises each, they reach the page spread over ~15 ms, and each plot paints in the frame
after its own message. ``StepFrame`` collects the updates the app's widgets send while the
state publishes one step and sends them as one message with one binary buffer; in the page,
``js/frame.js`` hands each update to its widget model through the same code path a normal
update takes (``_handle_comm_msg``: buffers put back, state deserialised), all in one task,
so every plot paints in the same animation frame.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator
from typing import Any

import anywidget
import ipywidgets as W

from ._base import widget_tree
from ._js import esm

_ESM = esm("frame")

#: Each buffer starts at a multiple of this in the joined buffer (typed arrays over it align).
ALIGN = 8


def join_buffers(buffers: Iterable[Any]) -> tuple[bytes, list[list[int]]]:
    """The buffers back to back (each at a multiple of ``ALIGN``) and their ``[offset, size]``.

    Examples:
        >>> joined, spans = join_buffers([b"abc", memoryview(b"defgh")])
        >>> spans, joined[8:]
        ([[0, 3], [8, 5]], b'defgh')
    """
    parts: list[bytes] = []
    spans: list[list[int]] = []
    at = 0
    for b in buffers:
        data = memoryview(b).cast("B").tobytes()
        pad = -at % ALIGN
        if pad:
            parts.append(b"\0" * pad)
            at += pad
        spans.append([at, len(data)])
        parts.append(data)
        at += len(data)
    return b"".join(parts), spans


def _holds_widgets(widget: W.Widget, name: str) -> bool:
    """Whether the synced trait ``name`` holds widgets (serialised as widget references)."""
    return widget.trait_metadata(name, "to_json") is W.widget_serialization["to_json"]


class StepFrame(anywidget.AnyWidget):
    """An app's message frame (not displayed): one comm message per published update.

    ``adopt(widgets)`` routes those widgets' state updates through the frame; while the state
    publishes (see ``state.on_publish``) the updates are queued and then sent together as one
    custom message ``{"event": "frame", "updates": [...]}`` whose single buffer holds every
    update's binary parts. Updates sent at other times (a control changed by code, the error
    path of another thread) go out at once, as usual. ``frames`` counts the messages sent.
    """

    _esm = _ESM

    def __init__(self, state: Any = None, **kwargs: Any) -> None:
        super().__init__(layout={"display": "none"}, **kwargs)
        self.frames = 0
        self._queue: list[tuple[str, dict[str, Any], list[Any]]] | None = None
        self._owner: int | None = None
        self._adopted: dict[int, Any] = {}
        self._holders: dict[int, tuple[Any, list[str]]] = {}  # whose new contents adopt too
        self._unhook = state.on_publish(self.collect) if state is not None else None

    def adopt(self, widgets: Iterable[Any]) -> None:
        """Send these widgets' state updates through this frame (each widget once).

        Widgets added later to an adopted one (a box's new children, a tab built when first
        shown, a figure's new marks: any synced trait that holds widgets) are adopted as they
        arrive, with everything they hold.
        """
        for w in widgets:
            if w is self or id(w) in self._adopted or not isinstance(w, W.Widget):
                continue
            self._adopted[id(w)] = w
            w._send = self._router(w, w._send)
            w.observe(self._forget, names="comm")  # closed: let it go
            holders = [name for name in w.keys if _holds_widgets(w, name)]
            if holders:
                w.observe(self._grown, names=holders)
                self._holders[id(w)] = (w, holders)

    def _grown(self, change: Any) -> None:
        new = change.new.values() if isinstance(change.new, dict) else change.new
        if isinstance(new, W.Widget):
            new = [new]
        for w in new or ():
            if isinstance(w, W.Widget):
                self.adopt(widget_tree(w))

    def _forget(self, change: Any) -> None:
        """A closed widget leaves the frame (a rebuilt tab's old widgets are not kept alive)."""
        if change.new is None:
            self._release(change.owner)

    def _release(self, w: Any) -> None:
        self._adopted.pop(id(w), None)
        w.unobserve(self._forget, names="comm")
        _, names = self._holders.pop(id(w), (None, None))
        if names:
            w.unobserve(self._grown, names=names)
        w.__dict__.pop("_send", None)

    def _router(self, widget: W.Widget, send: Any) -> Any:
        def route(msg: dict[str, Any], buffers: Any = None) -> None:
            queue = self._queue
            if (
                queue is None
                or self._owner != threading.get_ident()
                or msg.get("method") != "update"
                or widget.comm is None
            ):
                send(msg, buffers)
            else:
                queue.append((widget.model_id, msg, list(buffers or ())))

        return route

    @contextlib.contextmanager
    def collect(self) -> Iterator[None]:
        """Queue the adopted widgets' updates inside; send them as one message at the end."""
        if self._queue is not None:  # nested, or another thread's step: it is already queued
            yield
            return
        self._queue, self._owner = [], threading.get_ident()
        try:
            yield
        finally:
            queue, self._queue, self._owner = self._queue, None, None
            self._flush(queue)

    def _flush(self, queue: list[tuple[str, dict[str, Any], list[Any]]]) -> None:
        if not queue or self.comm is None:
            return
        updates, buffers = [], []
        for model_id, msg, bufs in queue:
            first = len(buffers)
            buffers.extend(bufs)
            updates.append(
                {
                    "id": model_id,
                    "state": msg["state"],
                    "buffer_paths": msg.get("buffer_paths", []),
                    "buffers": list(range(first, len(buffers))),
                }
            )
        joined, spans = join_buffers(buffers)
        self.frames += 1
        self.send({"event": "frame", "updates": updates, "spans": spans}, [joined])

    def close(self) -> None:
        """Stop collecting and give the adopted widgets their own sending back."""
        if self._unhook is not None:
            self._unhook()
            self._unhook = None
        for w in list(self._adopted.values()):
            self._release(w)
        super().close()
