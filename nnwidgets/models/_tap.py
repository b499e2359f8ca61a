"""``tap(name, value)``: mark a layer inside your own model function.

Outside the Explorer ``tap`` returns ``value`` unchanged (and costs nothing under jit). While
the Explorer traces the model it records the value under ``name`` (so the layer shows in
every tab) and adds the probe the Explorer asks for (a zero array whose gradient is the
gradient with respect to that layer, e.g. for Grad-CAM). The adapters of Flax, Equinox and
Haiku modules record their submodules' outputs through the same recorder.

Only values of the model's own trace are recorded: a value computed inside a transformation
the model applies itself (the body of a ``jax.lax.scan``, ``jax.vmap``, ``jax.jit``,
``nn.scan``, ...) is a tracer of that body and cannot leave it, so it is skipped (a
recurrent cell called step by step in a scan, the ``Linear`` layers an Equinox model maps
over the time steps). Record what the transformation returns instead, e.g. the stacked
states of a scan::

    _, states = jax.lax.scan(step, h0, xs)           # states: (T, units)
    states = nnwidgets.tap("lstm", states, kind="state")
"""

from __future__ import annotations

import contextlib
import functools
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

import jax

_local = threading.local()

#: What a layer can be declared as (``tap(..., kind=...)``; ``Sequential.layer_kinds``).
LAYER_KINDS = ("dense", "conv", "embedding", "state", "gate", "attention")


class Entry(NamedTuple):
    """One recorded layer call.

    Attributes:
        name: the layer's name (``name#2`` for its second call).
        kind: what recorded it: the module's class name, or ``"tap"``.
        input: its first input (None when not a float array).
        output: its output.
        declared: the kind it was declared as (one of ``LAYER_KINDS``), ``""`` if none.
    """

    name: str
    kind: str
    input: Any
    output: Any
    declared: str = ""


class Call(NamedTuple):
    """One module call or tap, recorded or not.

    Attributes:
        name: its name (module path or tap name; ``name#2`` for a second recorded call).
        declared: the kind it was declared as, ``""`` if none.
        enclosing: the names of the module calls it ran inside, outermost first.
        recorded: its value is an entry (not: inside a scan / vmap body, or not an array).
    """

    name: str
    declared: str
    enclosing: tuple[str, ...]
    recorded: bool


class Recording:
    """The layers recorded during one call of the model (in call order) and the probes added.

    ``calls`` lists every module call and tap, also those whose value could not be kept (a
    recurrent cell called in a scan body): which parameters a layer used, what it holds.
    """

    def __init__(self, probes: Mapping[str, Any] | None = None) -> None:
        self.probes = dict(probes or {})
        self.entries: list[Entry] = []
        self.calls: list[Call] = []
        self._open: list[str] = []
        self._seen: dict[str, int] = {}
        self._trace = _trace_state()

    def inside_transform(self) -> bool:
        """Whether the code running now is inside a transformation the model applied."""
        return self._trace is not None and _trace_state() != self._trace

    @contextlib.contextmanager
    def within(self, name: str) -> Iterator[None]:
        """The calls made inside are enclosed by the module call ``name``."""
        self._open.append(name)
        try:
            yield
        finally:
            self._open.pop()

    def note(self, name: str, declared: str = "") -> None:
        """A call whose value is not recorded (not an array, or inside a scan body)."""
        self.calls.append(Call(name, declared, tuple(self._open), False))

    def add(
        self, name: str, value: Any, kind: str = "tap", given: Any = None, declared: str = ""
    ) -> Any:
        """Record ``value`` under ``name`` (``name#2`` for a second call) and add its probe.

        A value of a scan / vmap / jit body the model runs (``inside_transform``) is not
        recorded (it would leak out of its trace): only its call is noted.
        """
        if self.inside_transform():
            self.note(name, declared)
            return value
        count = self._seen[name] = self._seen.get(name, 0) + 1
        if count > 1:
            name = f"{name}#{count}"
        probe = self.probes.get(name)
        if probe is not None:
            value = value + probe
        self.entries.append(Entry(name, kind, given, value, declared))
        self.calls.append(Call(name, declared, tuple(self._open), True))
        return value


@functools.cache
def _trace_state_fn() -> Callable[..., Any] | None:
    """JAX's ``get_opaque_trace_state`` (None in a JAX without it: nothing is skipped)."""
    try:
        from jax.extend.core import get_opaque_trace_state

        return get_opaque_trace_state  # type: ignore[no-any-return]
    except ImportError:  # older JAX
        return getattr(jax.core, "get_opaque_trace_state", None)


def _trace_state() -> Any:
    """The JAX trace code runs under now (compared, never inspected)."""
    get = _trace_state_fn()
    return None if get is None else get(convention="nnwidgets")


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


def tap(name: str, value: Any, kind: str | None = None) -> Any:
    """Mark ``value`` as the output of a layer called ``name``; returns ``value``.

    Use it inside a plain model function so the Explorer shows that layer (activations,
    network, feature maps, embedding, Grad-CAM)::

        def model(params, x):
            h = nnwidgets.tap("hidden", jax.nn.relu(x @ params["w1"] + params["b1"]))
            return h @ params["w2"] + params["b2"]

    A sequence model says what its values are, so they show in the "hidden states" and
    "attention" tabs::

        states = nnwidgets.tap("lstm", states, kind="state")        # (T, units)
        w = nnwidgets.tap("block_1.attention", w, kind="attention")  # (T, T, heads)

    Outside the Explorer it is the identity, also under ``jax.jit`` (no cost). Inside a
    ``jax.lax.scan`` / ``vmap`` body of your model the value cannot be kept (a warning says
    so): tap what the scan returns.

    Args:
        name: the layer's name (a non-empty string; a second tap of the same name in one
            call is shown as ``name#2``).
        value: a float array.
        kind: what the value is (``LAYER_KINDS``): ``"dense"`` or ``"conv"`` (``(H, W, C)``
            feature maps), ``"embedding"``, ``"state"`` (a sequence layer's output: ``(T,
            units)`` over time, or a final ``(units,)`` state), ``"gate"`` (``(T, units)``
            values of a part of a recurrent layer), ``"attention"`` (weights ``(T_query,
            T_key, heads)``, heads last, each row summing to 1). None: read from the shape
            (``(H, W, C)`` values are ``"conv"``, others ``"dense"``).

    Raises:
        ValueError: ``name`` is not a non-empty string, ``kind`` is not one of
            ``LAYER_KINDS``, or ``value`` is not a float array.

    Examples:
        >>> import jax.numpy as jnp
        >>> tap("hidden", jnp.ones(3)).tolist()
        [1.0, 1.0, 1.0]
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"tap(name=...): expected a non-empty string, got {name!r}")
    if kind is not None and kind not in LAYER_KINDS:
        raise ValueError(
            f"tap({name!r}, kind=...): expected None or one of {list(LAYER_KINDS)}, got {kind!r}"
        )
    rec = active()
    if rec is None:
        return value
    if not is_float_array(value):
        raise ValueError(
            f"tap({name!r}, value=...): expected a float array, got {type(value).__name__}"
        )
    if rec.inside_transform():
        warnings.warn(
            f"tap({name!r}) inside a jax.lax.scan / vmap / jit body of the model: its value "
            "cannot leave that body and is not shown; tap what the transformation returns "
            "(e.g. the states a scan stacks)",
            stacklevel=2,
        )
    return rec.add(name, value, declared=kind or "")
