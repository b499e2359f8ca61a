"""A hook around each update a state publishes: what lets an app send one message per step."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import traitlets as t

Hook = Callable[[], contextlib.AbstractContextManager[Any]]


class Publishes(t.HasTraits):
    """A state whose updates can be wrapped: every view's redraw of one update runs inside.

    The state publishes an update's outputs together (``publish_values``) and its views
    redraw from the observers that fire once every value is in place. ``on_publish(hook)``
    enters ``hook()`` (a context manager) around all of that: the app's message frame
    collects what every view sends during one step and sends it as one message. The state
    knows nothing of widgets; without hooks ``publishing`` costs an empty ``ExitStack``.
    """

    def on_publish(self, hook: Hook) -> Callable[[], None]:
        """Enter ``hook()`` around every update published from now on; returns the undo."""
        if not callable(hook):
            raise TypeError(f"hook: expected a callable returning a context manager, got {hook!r}")
        hooks = self.__dict__.setdefault("_publish_hooks", [])
        hooks.append(hook)

        def remove() -> None:
            if hook in hooks:
                hooks.remove(hook)

        return remove

    def publish_values(self, values: dict[str, Any]) -> None:
        """Assign outputs the state computed itself, all at once, then notify each in order.

        What ``hold_trait_notifications`` gives (every observer fires after every value is
        in place, so each reads one consistent set), without its cost on a slider step: it
        validates each value, then validates and assigns each again when the hold ends. The
        values here come from the state's own kernels, in the traits' own types. A value
        equal to the old one (as traitlets compares) notifies no one, as with ``set_trait``.
        """
        store = self._trait_values
        changed = []
        for name, new in values.items():
            old = getattr(self, name)
            store[name] = new
            try:
                silent = bool(old == new)
            except Exception:  # arrays: compare as traitlets does (not at all)
                silent = False
            if silent is not True:
                changed.append((name, old, new))
        for name, old, new in changed:
            self._notify_trait(name, old, new)

    @contextlib.contextmanager
    def publishing(self) -> Iterator[None]:
        """The context one update is published in (every registered hook entered)."""
        with contextlib.ExitStack() as stack:
            for hook in list(self.__dict__.get("_publish_hooks", ())):
                stack.enter_context(hook())
            yield
