"""A dummy comm standing in for the browser in the headless widget tests.

Import ``dummy_comm`` (an autouse fixture) into a test module to use it there, and
``updates`` / ``message_counts`` to count what the widgets would have sent.
"""

import uuid

import comm
import ipywidgets as W
import pytest
from ipywidgets.widgets.widget import _instances


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
        self.messages.append(kwargs.get("data", args[0] if args else None))

    def close(self, *args, **kwargs):
        pass


@pytest.fixture(autouse=True)
def dummy_comm(monkeypatch):
    monkeypatch.setattr(comm, "create_comm", lambda **kw: DummyComm())
    monkeypatch.setattr(W.Widget, "_repr_mimebundle_", lambda *a, **k: None)


def updates(widget):
    """The state updates a widget sent through its dummy comm."""
    return [m for m in widget.comm.messages if m and m.get("method") == "update"]


def message_counts():
    """Updates sent so far per widget (only widgets on a dummy comm)."""
    return {k: len(updates(w)) for k, w in _instances.items() if hasattr(w.comm, "messages")}
