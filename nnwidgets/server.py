"""Jupyter server extension: TCP_NODELAY on kernel websockets, so widget updates are not delayed.

Tornado leaves Nagle's algorithm on for the server-to-browser websocket. A slider step's
update is a few small frames; with Nagle on, a frame written while an earlier one is still
unacknowledged waits for the browser's delayed ACK (up to 40 ms on Linux). Turning
TCP_NODELAY on for the kernel websockets removes that wait. Nothing else changes.

How it is enabled (both files are installed with the package):

- jupyter_server (JupyterLab 4, Notebook 7, Voila as a server extension):
  ``etc/jupyter/jupyter_server_config.d/nnwidgets.json`` enables this module as a server
  extension; on load it wraps the server's kernel websocket connection class.
- standalone ``voila``: ``etc/jupyter/voila.json`` sets
  ``Voila.kernel_websocket_connection_class`` to :class:`NoDelayConnection`.

Turn it off with the environment variable ``NNWIDGETS_TCP_NODELAY=0`` (for both), or with
``jupyter server extension disable nnwidgets.server`` (jupyter_server only).

This module imports nothing from the rest of nnwidgets, and JAX never enters the server.
"""

from __future__ import annotations

import os
import socket
from typing import Any

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

ENV_SWITCH = "NNWIDGETS_TCP_NODELAY"


def enabled() -> bool:
    """False when ``NNWIDGETS_TCP_NODELAY`` is ``0``, ``false``, ``no`` or ``off``."""
    return os.environ.get(ENV_SWITCH, "1").strip().lower() not in {"0", "false", "no", "off"}


def set_nodelay(handler: Any, log: Any) -> int | None:
    """Turn TCP_NODELAY on for a websocket handler's socket; return the option read back."""
    stream = getattr(handler, "ws_connection", None) and handler.ws_connection.stream
    if stream is None or stream.socket is None:  # closed already
        return None
    handler.set_nodelay(True)  # tornado: setsockopt(IPPROTO_TCP, TCP_NODELAY, 1)
    value = stream.socket.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    log.info("nnwidgets: TCP_NODELAY=%d on the websocket of kernel %s", value, handler.kernel_id)
    return value


class NoDelayMixin:
    """Mixin for a kernel websocket connection class: TCP_NODELAY on at connect."""

    def connect(self) -> Any:
        """Set the option, then connect as the base class does."""
        if enabled():
            set_nodelay(self.websocket_handler, self.log)
        return super().connect()


class NoDelayConnection(NoDelayMixin, ZMQChannelsWebsocketConnection):
    """jupyter_server's default kernel websocket connection, with TCP_NODELAY on."""


def with_nodelay(base: type) -> type:
    """``base`` (any kernel websocket connection class) with :class:`NoDelayMixin` in front."""
    if issubclass(base, NoDelayMixin):
        return base
    return type(f"NoDelay{base.__name__}", (NoDelayMixin, base), {"__module__": __name__})


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "nnwidgets.server"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    settings = serverapp.web_app.settings
    base = settings.get("kernel_websocket_connection_class") or ZMQChannelsWebsocketConnection
    if not enabled():
        serverapp.log.info("nnwidgets: TCP_NODELAY left off (%s=0)", ENV_SWITCH)
        return
    settings["kernel_websocket_connection_class"] = with_nodelay(base)
    serverapp.log.info("nnwidgets: TCP_NODELAY on for kernel websockets (%s)", base.__name__)
