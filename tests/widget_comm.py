"""A dummy comm standing in for the browser in the headless widget tests.

Import ``dummy_comm`` (an autouse fixture) into a test module to use it there, and
``updates`` / ``message_counts`` to count what the widgets would have sent. ``updates`` also
reads the updates an app's ``StepFrame`` carried for the widget (one message for all widgets of
a step), in the order they were sent; ``sent()`` is every comm message, as the browser gets them.
"""

import uuid

import comm
import ipywidgets as W
import pytest
from ipywidgets.widgets.widget import _instances

#: Every message any dummy comm sent, in order: (comm, data, buffers).
LOG = []


class DummyComm:
    kernel = "Truthy"

    def __init__(self, *args, **kwargs):
        self.comm_id = uuid.uuid4().hex  # ipywidgets registers widgets by this id
        self.messages = []

    def open(self, *args, **kwargs):
        pass

    def on_msg(self, *args, **kwargs):
        pass

    def send(self, *args, **kwargs):
        data = kwargs.get("data", args[0] if args else None)
        self.messages.append(data)
        LOG.append((self, data, kwargs.get("buffers")))

    def close(self, *args, **kwargs):
        pass


@pytest.fixture(autouse=True)
def dummy_comm(monkeypatch):
    LOG.clear()
    monkeypatch.setattr(comm, "create_comm", lambda **kw: DummyComm())
    monkeypatch.setattr(W.Widget, "_repr_mimebundle_", lambda *a, **k: None)


def _frame_updates(data):
    """A StepFrame message's updates as ordinary update messages (None: not a frame)."""
    content = data.get("content") if data and data.get("method") == "custom" else None
    if not isinstance(content, dict) or content.get("event") != "frame":
        return None
    return [
        (u["id"], {"method": "update", "state": u["state"], "buffer_paths": u["buffer_paths"]})
        for u in content["updates"]
    ]


def updates(widget):
    """The state updates sent for a widget: through its own comm or in a step's frame."""
    out = []
    for c, data, _ in LOG:
        framed = _frame_updates(data)
        if framed is not None:
            out.extend(m for model_id, m in framed if model_id == widget.model_id)
        elif c is widget.comm and data and data.get("method") == "update":
            out.append(data)
    return out


def sent():
    """Every message the kernel side sent, in order (what crosses the websocket)."""
    return [data for _, data, _ in LOG]


def message_counts():
    """Updates sent so far per widget (only widgets on a dummy comm)."""
    return {k: len(updates(w)) for k, w in _instances.items() if hasattr(w.comm, "messages")}
