"""Trait types both states share: a value of the wrong kind is refused, never raised.

traitlets raises ``TraitError`` for ``state.target = "3"`` or ``state.sigma = np.float32(0.2)``
before any ``@validate`` runs. These types accept numpy scalars, and hand everything else to
the owner's ``_refuse(old, message)``: the old value stays and ``state.error`` says what was
expected and what came, as for every other refused assignment. Without an owner that refuses
(a trait inside a container), they raise like traitlets' own types.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
import traitlets as t


def _refuse(trait: t.TraitType, obj: Any, value: Any) -> Any:
    refuse = getattr(obj, "_refuse", None)
    if refuse is None or not trait.name:
        trait.error(obj, value)
    return refuse(getattr(obj, trait.name), f"{trait.name}: expected {trait.info()}, got {value!r}")


class Integer(t.Int):
    """An int; numpy integers and whole floats are taken as ints, anything else refused."""

    info_text = "an int"

    def validate(self, obj: Any, value: Any) -> Any:
        """``int(value)`` for an integral number, else refused."""
        if isinstance(value, (bool, np.bool_)):
            return _refuse(self, obj, value)
        if isinstance(value, numbers.Integral):
            return super().validate(obj, int(value))
        if isinstance(value, numbers.Real) and math.isfinite(value) and float(value).is_integer():
            return super().validate(obj, int(value))
        return _refuse(self, obj, value)


class Number(t.Float):
    """A float; Python and numpy ints and floats are taken, anything else refused."""

    info_text = "a number"

    def validate(self, obj: Any, value: Any) -> Any:
        """``float(value)`` for a real number, else refused (finiteness is checked later)."""
        if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
            return super().validate(obj, float(value))
        return _refuse(self, obj, value)


class Text(t.Unicode):
    """A string; anything else refused."""

    info_text = "a string"

    def validate(self, obj: Any, value: Any) -> Any:
        """``value`` if it is a ``str``, else refused."""
        if isinstance(value, str):
            return super().validate(obj, value)
        return _refuse(self, obj, value)


class Flag(t.Bool):
    """A bool; numpy bools are taken, anything else refused."""

    info_text = "True or False"

    def validate(self, obj: Any, value: Any) -> Any:
        """``bool(value)`` for a Python or numpy bool, else refused."""
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        return _refuse(self, obj, value)


class Array(t.Any):
    """An array input: never None (traitlets' ``Any`` lets None skip every validator)."""

    allow_none = False


class ShowsObserverErrors(t.HasTraits):
    """A state whose observers' exceptions (its own or the user's) show in its ``error``.

    An exception raised from code still propagates to the caller; one raised while the
    browser changed a control (where ipywidgets only logs it) now also shows in the widget's
    status line, and the state keeps working.
    """

    error = t.Unicode("", help="'' when all is well, else the message the widget shows.")
    status = t.Unicode("", help="What the state is doing.")

    def _notify_observers(self, event: Any) -> None:
        try:
            super()._notify_observers(event)
        except Exception as e:
            if event.get("name") not in ("error", "status"):  # never loop on our own report
                self.error = f"an observer of {event.get('name')!r} failed: {type(e).__name__}: {e}"
                self.status = "error"
            raise
