"""Status "busy" for a widget message only when its handler takes a while.

ipykernel publishes ``status: busy`` before and ``status: idle`` after every shell message,
widget (``comm_msg``) messages included: two kernel-status changes per slider step. JupyterLab
redraws its kernel-status and execution indicators on each change, and its notebook toolbar
then re-collects its items with forced layouts (~5 ms of the page's main thread per step on a
2-core machine, measured with a CDP profile). This kernel publishes the ``busy`` of a
``comm_msg`` only if the handler is still running ``delay`` seconds later (a watchdog thread);
a quick handler produces its ``idle`` alone, so the frontend's status never changes and the
requests it tracks (ipywidgets counts pending messages by their ``idle``) complete as before.
Every other message, and every message when ``delay`` is 0, gets ipykernel's own behaviour.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

from ipykernel.ipkernel import IPythonKernel

ENV = "NNWIDGETS_BUSY_DELAY"
DEFAULT_DELAY = 0.1  # seconds: shorter handlers never show as busy
DEFERRED = frozenset({"comm_msg"})


def busy_delay(value: str | None) -> float:
    """``NNWIDGETS_BUSY_DELAY`` in seconds; unset -> 0.1, 0 or unreadable -> ipykernel's way."""
    if value is None or not value.strip():
        return DEFAULT_DELAY
    try:
        delay = float(value)
    except ValueError:
        return 0.0
    return delay if delay > 0 else 0.0


class DeferredBusy:
    """One watchdog thread: publishes a deferred ``busy`` once its deadline has passed."""

    def __init__(self, publish: Callable[[Any], None], delay: float) -> None:
        self._publish = publish
        self.delay = delay
        self._cond = threading.Condition()
        self._pending: tuple[Any, float] | None = None
        self._thread: threading.Thread | None = None

    def defer(self, parent: Any) -> None:
        """``parent``'s handler starts: announce it as busy only if it is still running later."""
        with self._cond:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._watch, name="nnwidgets-busy", daemon=True
                )
                self._thread.start()
            self._pending = (parent, time.monotonic() + self.delay)
            self._cond.notify()

    def settle(self) -> None:
        """The handler ended (its ``idle`` follows): nothing more to announce."""
        with self._cond:
            self._pending = None

    def _watch(self) -> None:
        with self._cond:
            while True:
                if self._pending is None:
                    self._cond.wait()
                    continue
                parent, deadline = self._pending
                left = deadline - time.monotonic()
                if left > 0:
                    self._cond.wait(left)
                    continue
                self._pending = None
                # under the lock: a concurrent settle() waits, so busy goes out before idle
                self._publish(parent)


class QuietCommKernel(IPythonKernel):
    """ipykernel's kernel, announcing a widget message as busy only if it takes ``delay``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        delay = busy_delay(os.environ.get(ENV))
        self._deferred_busy = (
            DeferredBusy(lambda parent: self._send_status("busy", "shell", parent), delay)
            if delay
            else None
        )

    def _send_status(self, status: str, channel: str, parent: Any = None) -> None:
        super()._publish_status(status, channel, parent)

    def _publish_status(self, status: str, channel: str, parent: Any = None) -> None:
        deferred = self._deferred_busy
        if deferred is not None and channel == "shell":
            if status == "busy":
                msg = parent or self.get_parent(channel)
                if msg and msg.get("header", {}).get("msg_type") in DEFERRED:
                    deferred.defer(msg)
                    return
            elif status == "idle":
                deferred.settle()
        self._send_status(status, channel, parent)
