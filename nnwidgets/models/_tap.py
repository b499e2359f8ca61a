"""``tap(name, value)``: mark a layer inside your own model function.

Outside the Explorer ``tap`` returns ``value`` unchanged (and costs nothing under jit). While
the Explorer traces the model it records the value under ``name`` (so the layer shows in
every tab) and adds the probe the Explorer asks for (a zero array whose gradient is the
gradient with respect to that layer, e.g. for Grad-CAM). The adapters of Flax, Equinox and
Haiku modules record their submodules' outputs through the same recorder.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

import jax

_local = threading.local()


class Entry(NamedTuple):
    """One recorded layer call: its name, what recorded it, its first input and its output."""

    name: str
    kind: str
    input: Any
    output: Any


class Recording:
    """The layers recorded during one call of the model (in call order) and the probes added."""

    def __init__(self, probes: Mapping[str, Any] | None = None) -> None:
        self.probes = dict(probes or {})
        self.entries: list[Entry] = []
        self._seen: dict[str, int] = {}

    def add(self, name: str, value: Any, kind: str = "tap", given: Any = None) -> Any:
        """Record ``value`` under ``name`` (``name#2`` for a second call) and add its probe."""
        count = self._seen[name] = self._seen.get(name, 0) + 1
        if count > 1:
            name = f"{name}#{count}"
        probe = self.probes.get(name)
        if probe is not None:
            value = value + probe
        self.entries.append(Entry(name, kind, given, value))
        return value


def active() -> Recording | None:
    """The recording of this thread, or None outside the Explorer's trace."""
    stack = getattr(_local, "stack", None)
    return stack[-1] if stack else None


@contextlib.contextmanager
def recording(probes: Mapping[str, Any] | None = None) -> Iterator[Recording]:
    """Record every ``tap`` (and adapted submodule output) made inside the block."""
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    rec = Recording(probes)
    stack.append(rec)
    try:
        yield rec
    finally:
        stack.pop()


def is_float_array(value: Any) -> bool:
    """A JAX / numpy array (or tracer) of floats: what can be recorded as a layer."""
    dtype = getattr(value, "dtype", None)
    return (
        dtype is not None
        and hasattr(value, "shape")
        and jax.numpy.issubdtype(dtype, jax.numpy.floating)
    )


def tap(name: str, value: Any) -> Any:
    """Mark ``value`` as the output of a layer called ``name``; returns ``value``.

    Use it inside a plain model function so the Explorer shows that layer (activations,
    network, feature maps, embedding, Grad-CAM)::

        def model(params, x):
            h = nnwidgets.tap("hidden", jax.nn.relu(x @ params["w1"] + params["b1"]))
            return h @ params["w2"] + params["b2"]

    Outside the Explorer it is the identity, also under ``jax.jit`` (no cost).

    Args:
        name: the layer's name (a non-empty string; a second tap of the same name in one
            call is shown as ``name#2``).
        value: a float array.

    Raises:
        ValueError: ``name`` is not a non-empty string, or ``value`` is not a float array.

    Examples:
        >>> import jax.numpy as jnp
        >>> tap("hidden", jnp.ones(3)).tolist()
        [1.0, 1.0, 1.0]
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"tap(name=...): expected a non-empty string, got {name!r}")
    rec = active()
    if rec is None:
        return value
    if not is_float_array(value):
        raise ValueError(
            f"tap({name!r}, value=...): expected a float array, got {type(value).__name__}"
        )
    return rec.add(name, value)
