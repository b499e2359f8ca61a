"""Your own JAX model, as it is: Flax NNX / Linen, Equinox, Haiku or a plain function.

``adapt(model, params, example)`` returns a ``UserModel``: the same protocol as
``Sequential`` (``apply`` with a trace of every layer, ``logits``, ``layer_names`` / shapes /
activations, parameter groups by module path), so every kernel and view works on it.

How each kind is read (the framework is imported only when the model is one of its kind):

- Flax NNX module: its ``nnx.Param`` state is the parameters (a nested dict by module
  path); the rest of its state (batch statistics, rng counters) passes through unchanged;
  it runs in ``eval()`` mode. Submodule outputs are recorded while it is traced.
- Flax Linen module with its ``variables``: ``variables["params"]`` are the parameters,
  every other collection passes through; submodule outputs through ``nn.intercept_methods``.
- Equinox module: its inexact arrays (``eqx.partition``) are the parameters, the rest is
  static; it runs in ``eqx.nn.inference_mode``; every submodule's output is recorded
  (``Sequential``, ``MLP``, ``Linear``, ``Conv`` and any module with submodules).
- Haiku ``Transformed`` (or ``TransformedWithState``) with its params: module outputs
  through ``hk.intercept_methods``.
- A plain function ``f(params, x)``: the layers it marks with ``nnwidgets.tap``; Linen and
  Haiku modules it calls are recorded too.

Sequence layers show in the "hidden states" and "attention" tabs (``layer_kinds``):

- recurrent layers (Linen / NNX ``RNN`` and ``Bidirectional`` over any cell; a module of
  yours that scans an Equinox ``LSTMCell`` / ``GRUCell``; Haiku ``RNNCore``) are ``"state"``
  entries: their outputs ``(T, units)``. The cell's steps run inside a scan: they are not
  recorded (see ``nnwidgets.tap`` for states you scan yourself);
- attention modules (Linen ``MultiHeadDotProductAttention`` / ``SelfAttention``, NNX
  ``MultiHeadAttention``, Equinox ``MultiheadAttention``) are a ``"state"`` entry (their
  output) after an ``"attention"`` entry ``<module path>.weights``: the weights
  ``(T_query, T_key, heads)`` of that call (Flax: the ``module=`` argument its
  ``attention_fn`` sows them with; Equinox: computed from the heads its ``process_heads``
  hook is given). Their projections are parts of them, not layers of their own;
- a function marks its own: ``tap(name, value, kind="attention")``.

A model that takes a batch axis is detected (or declared with ``batched=True``) and called
with a batch of one. Which function follows a layer (ReLU, tanh, sigmoid, GELU, softplus)
is recognised from one trace on the data: the layer then shows its pre-activation and its
activation values. Feature maps of channel-first layers (Equinox ``Conv2d``: ``(C, H, W)``,
recognised from the conv kernel) are shown as ``(H, W, C)``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import inspect
import math
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ._layers import ACTIVATIONS, LayerValues
from ._param_groups import key_name, param_groups
from ._tap import Call, Recording, active, is_float_array, recording

Array = jax.Array

#: Activation functions recognised after a layer (identity is the fallback).
_CANDIDATES = ("relu", "tanh", "sigmoid", "gelu", "softplus")
#: Examples traced to recognise activations and layouts.
_PROBE_EXAMPLES = 16


def kind_of(model: Any) -> str:
    """``"flax.nnx"``, ``"flax.linen"``, ``"equinox"``, ``"haiku"``, ``"function"`` or ``""``.

    Reads ``sys.modules``: a framework the user has not imported is never imported here.
    """
    nnx = sys.modules.get("flax.nnx")
    if nnx is not None and isinstance(model, nnx.Module):
        return "flax.nnx"
    linen = sys.modules.get("flax.linen")
    if linen is not None and isinstance(model, linen.Module):
        return "flax.linen"
    eqx = sys.modules.get("equinox")
    if eqx is not None and isinstance(model, eqx.Module):
        return "equinox"
    hk = sys.modules.get("haiku")
    if hk is not None and isinstance(model, (hk.Transformed, hk.TransformedWithState)):
        return "haiku"
    return "function" if callable(model) else ""


def _record(
    name: str,
    kind: str,
    args: tuple[Any, ...],
    out: Any,
    declared: str = "",
    *,
    carry: bool = False,
) -> Any:
    """Record a submodule's array output in the active recording (if any).

    ``carry``: a recurrent layer may return ``(carry, outputs)``; its outputs are recorded.
    A module called inside a scan / vmap body, or returning no array, is only noted.
    """
    rec = active()
    if rec is None:
        return out
    if carry and isinstance(out, tuple) and len(out) == 2 and is_float_array(out[1]):
        return (out[0], _record(name, kind, args, out[1], declared))
    if rec.inside_transform() or not is_float_array(out):
        rec.note(name, declared)
        return out
    given = args[0] if args and is_float_array(args[0]) else None
    return rec.add(name, out, kind, given, declared)


@dataclasses.dataclass(frozen=True)
class _Roles:
    """A framework's sequence building blocks, by class (only of frameworks imported)."""

    framework: str = ""
    recurrent: tuple[type, ...] = ()  # layers over time: (T, U) or (carry, outputs)
    cells: tuple[type, ...] = ()  # one step of a recurrent layer (scanned)
    attention: tuple[type, ...] = ()
    embedding: tuple[type, ...] = ()

    def declared(self, module: Any) -> str:
        """The kind a module's output is declared as (``""``: read from its shape)."""
        if isinstance(module, (*self.recurrent, *self.cells, *self.attention)):
            return "state"
        if isinstance(module, self.embedding):
            return "embedding"
        return ""

    def call(self, module: Any, name: str, run: Callable[..., Any], args: Any, kwargs: Any) -> Any:
        """``run(*args, **kwargs)`` (the module's call) with its output recorded as ``name``.

        An attention module's weights are recorded first, as ``name.weights``.
        """
        rec = active()
        with rec.within(name) if rec is not None else contextlib.nullcontext():
            if isinstance(module, self.attention):
                if self.framework == "equinox":
                    out = run(*args, **_eqx_attention_kwargs(name, args, kwargs))
                else:
                    with _flax_attention_weights(module, name):
                        out = run(*args, **kwargs)
            else:
                out = run(*args, **kwargs)
        kind = type(module).__name__
        carry = isinstance(module, self.recurrent)
        return _record(name, kind, args, out, self.declared(module), carry=carry)


def _classes(namespace: Any, *names: str) -> tuple[type, ...]:
    """The classes of ``namespace`` called ``names`` that this version has."""
    found = (getattr(namespace, n, None) for n in names)
    return tuple(c for c in found if isinstance(c, type))


def _roles(framework: str) -> _Roles:
    """The sequence building blocks of ``framework`` (imported by the user already)."""
    if framework in ("flax.linen", "flax.nnx"):  # the same names, but the attention module's
        space = sys.modules[framework]
        attention = (
            "MultiHeadDotProductAttention" if framework == "flax.linen" else "MultiHeadAttention"
        )
        return _Roles(
            framework,
            recurrent=_classes(space, "RNN", "Bidirectional"),
            cells=_classes(space, "RNNCellBase"),
            attention=_classes(space, attention),
            embedding=_classes(space, "Embed"),
        )
    if framework == "equinox":
        eqx_nn = sys.modules["equinox"].nn
        return _Roles(
            framework,
            cells=_classes(eqx_nn, "LSTMCell", "GRUCell"),
            attention=_classes(eqx_nn, "MultiheadAttention"),
            embedding=_classes(eqx_nn, "Embedding"),
        )
    if framework == "haiku":
        hk = sys.modules["haiku"]
        return _Roles(framework, cells=_classes(hk, "RNNCore"), embedding=_classes(hk, "Embed"))
    return _Roles(framework)


class _Sower:
    """Stands for a Flax attention module in its ``attention_fn(..., module=)``.

    The weights it sows are recorded as ``<path>.weights`` (then sown into the module, if
    the call was given one: ``sow_weights=True``).
    """

    def __init__(self, name: str, module: Any) -> None:
        self.name, self.module = name, module

    def sow(self, collection: Any, name: str, value: Any, *args: Any, **kwargs: Any) -> Any:
        if is_float_array(value) and value.ndim >= 3:  # (batch..., heads, T_query, T_key)
            weights = jnp.moveaxis(value, -3, -1)
            _record(f"{self.name}.weights", "attention weights", (), weights, "attention")
        if self.module is not None:
            return self.module.sow(collection, name, value, *args, **kwargs)
        return False


@contextlib.contextmanager
def _flax_attention_weights(module: Any, name: str) -> Iterator[None]:
    """While inside, ``module``'s ``attention_fn`` records the attention weights it computes.

    Flax's ``dot_product_attention`` (Linen and NNX) sows its weights into the module given
    as ``module=``; a ``_Sower`` is given instead, for this call only. An ``attention_fn``
    without that argument records nothing.
    """
    original = getattr(module, "attention_fn", None)
    try:
        takes_module = "module" in inspect.signature(original).parameters  # type: ignore[arg-type]
    except (TypeError, ValueError):
        takes_module = False
    if not takes_module:
        yield
        return

    @functools.wraps(original)  # type: ignore[arg-type]
    def attention_fn(*args: Any, module: Any = None, **kwargs: Any) -> Any:
        return original(*args, module=_Sower(name, module), **kwargs)  # type: ignore[misc]

    own = "attention_fn" in vars(module)
    object.__setattr__(module, "attention_fn", attention_fn)  # a frozen Linen module too
    try:
        yield
    finally:
        if own:
            object.__setattr__(module, "attention_fn", original)
        else:
            object.__delattr__(module, "attention_fn")


def _eqx_attention_kwargs(name: str, args: Any, kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword arguments of an ``eqx.nn.MultiheadAttention`` call that record its weights.

    Its ``process_heads`` hook (after the user's own, if any) gets the query and key heads
    ``(T, heads, size)``; the weights are computed from them as the module does (Equinox's
    ``dot_product_attention_weights`` per head, with the call's mask).
    """
    mask = kwargs.get("mask", args[3] if len(args) > 3 else None)
    user = kwargs.get("process_heads")
    try:
        from equinox.nn._attention import dot_product_attention_weights as weights_of
    except ImportError:  # another Equinox layout: the same formula
        weights_of = _attention_weights

    def process_heads(q: Array, k: Array, v: Array) -> tuple[Array, Array, Array]:
        if user is not None:
            q, k, v = user(q, k, v)
        axis = 0 if mask is not None and jnp.ndim(mask) == 3 else None  # (heads, T_q, T_k)
        weights = jax.vmap(weights_of, in_axes=(1, 1, axis), out_axes=-1)(q, k, mask)
        _record(f"{name}.weights", "attention weights", (), weights, "attention")
        return q, k, v

    return {**kwargs, "process_heads": process_heads}


def _attention_weights(q: Array, k: Array, mask: Array | None = None) -> Array:
    """softmax(q kᵀ / √d) over the keys, masked keys at the lowest float: ``(T_q, T_k)``."""
    logits = (q / math.sqrt(q.shape[-1])) @ k.T
    if mask is not None:
        logits = jnp.where(mask, logits, jnp.finfo(logits.dtype).min)
    return jax.nn.softmax(logits.astype(jnp.float32)).astype(logits.dtype)


@contextlib.contextmanager
def _patched_calls(modules: Mapping[int, tuple[str, Any]], roles: _Roles) -> Iterator[None]:
    """While inside, calling one of ``modules`` (by id) records its output under its path.

    NNX and Equinox have no method interceptors: the classes' ``__call__`` are wrapped for
    the duration of the trace and restored after (a module called inside its own wrapped
    call, e.g. through ``super().__call__``, is recorded once).
    """
    inside: set[int] = set()
    saved: list[tuple[type, Any]] = []
    missing = object()
    for cls in dict.fromkeys(type(m) for _, m in modules.values()):
        if not any("__call__" in vars(k) for k in cls.__mro__[:-1]):
            continue  # containers such as nnx.List: their instances are never called
        original = cls.__call__

        def wrapper(self: Any, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            key = id(self)
            if key in inside or key not in modules:
                return __original(self, *args, **kwargs)
            inside.add(key)
            try:
                run = functools.partial(__original, self)
                return roles.call(self, modules[key][0], run, args, kwargs)
            finally:
                inside.discard(key)

        saved.append((cls, cls.__dict__.get("__call__", missing)))
        cls.__call__ = wrapper  # type: ignore[method-assign]
    try:
        yield
    finally:
        for cls, before in reversed(saved):
            if before is missing:
                delattr(cls, "__call__")
            else:
                cls.__call__ = before  # type: ignore[method-assign]


def _eqx_submodules(module: Any) -> dict[int, tuple[str, Any]]:
    """Every Equinox submodule of ``module`` by id: (dotted path, module)."""
    import equinox as eqx

    found: dict[int, tuple[str, Any]] = {}

    def visit(value: Any, path: tuple[str, ...]) -> None:
        if isinstance(value, eqx.Module):
            if path:
                found.setdefault(id(value), (".".join(path), value))
            for field in dataclasses.fields(value):
                visit(getattr(value, field.name, None), (*path, field.name))
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                visit(item, (*path, str(i)))
        elif isinstance(value, dict):
            for k, item in value.items():
                visit(item, (*path, str(k)))

    visit(module, ())
    return found


def _interceptors() -> contextlib.ExitStack:
    """Linen's and Haiku's method interceptors, for the frameworks already imported."""
    stack = contextlib.ExitStack()
    linen = sys.modules.get("flax.linen")
    if linen is not None:
        linen_roles = _roles("flax.linen")
        inside: set[int] = set()  # a module calling its own parent's __call__ (SelfAttention)

        def linen_hook(next_fun: Any, args: Any, kwargs: Any, context: Any) -> Any:
            module = context.module
            path = module.path
            if context.method_name != "__call__" or not path or id(module) in inside:
                return next_fun(*args, **kwargs)
            name = ".".join(str(p) for p in path)
            inside.add(id(module))
            try:
                return linen_roles.call(module, name, next_fun, args, kwargs)
            finally:
                inside.discard(id(module))

        stack.enter_context(linen.intercept_methods(linen_hook))
    hk = sys.modules.get("haiku")
    if hk is not None:
        haiku_roles = _roles("haiku")

        def haiku_hook(next_fun: Any, args: Any, kwargs: Any, context: Any) -> Any:
            if context.method_name != "__call__":
                return next_fun(*args, **kwargs)
            module = context.module
            return haiku_roles.call(module, module.module_name, next_fun, args, kwargs)

        stack.enter_context(hk.intercept_methods(haiku_hook))
    return stack


def _nnx_call(module: Any) -> tuple[Callable[[Any, Array], Any], Any]:
    from flax import nnx

    roles = _roles("flax.nnx")
    graphdef, state, rest = nnx.split(module, nnx.Param, ...)
    structure = jax.tree_util.tree_structure(state)
    params = nnx.to_pure_dict(state)
    got = [jax.tree_util.keystr(k) for k, _ in jax.tree_util.tree_flatten_with_path(params)[0]]
    want = [
        jax.tree_util.keystr(k).removesuffix(".value")
        for k, _ in jax.tree_util.tree_flatten_with_path(state)[0]
    ]
    if got != want:  # the pure dict must flatten in the state's order
        raise ValueError(f"model: could not read the NNX module's parameters ({got} vs {want})")

    def call(p: Any, x: Array) -> Any:
        # the other state rebuilt here too: its variables (an RNN's rng count) of this trace
        merged = nnx.merge(
            graphdef,
            jax.tree_util.tree_unflatten(structure, jax.tree.leaves(p)),
            jax.tree.map(lambda v: v, rest),
        )
        if hasattr(merged, "eval"):
            merged.eval()  # dropout off, batch norm on its running statistics
        modules = {
            id(m): (".".join(str(k) for k in path), m)
            for path, m in nnx.iter_graph(merged)
            if path and isinstance(m, nnx.Module)
        }
        with _patched_calls(modules, roles):
            return merged(x)

    return call, params


def _eqx_call(module: Any) -> tuple[Callable[[Any, Array], Any], Any]:
    import equinox as eqx

    module = eqx.nn.inference_mode(module)
    params, static = eqx.partition(module, eqx.is_inexact_array)
    roles = _roles("equinox")

    def call(p: Any, x: Array) -> Any:
        merged = eqx.combine(p, static)
        with _patched_calls(_eqx_submodules(merged), roles):
            return merged(x)

    return call, params


def _linen_call(module: Any, variables: Any) -> tuple[Callable[[Any, Array], Any], Any]:
    if not isinstance(variables, Mapping):
        raise ValueError(
            "params: expected the Linen module's variables (a dict from module.init(key, x)), "
            f"got {type(variables).__name__}"
        )
    if "params" in variables:
        params, rest = variables["params"], {k: v for k, v in variables.items() if k != "params"}
    else:  # the params collection alone
        params, rest = variables, {}

    def call(p: Any, x: Array) -> Any:
        with _interceptors():
            return module.apply({"params": p, **rest}, x)

    return call, params


def _haiku_call(transformed: Any, params: Any) -> tuple[Callable[[Any, Array], Any], Any]:
    import haiku as hk

    if isinstance(params, tuple) and len(params) == 2:  # (params, state) of TransformedWithState
        params, state = params
    else:
        state = None
    with_state = isinstance(transformed, hk.TransformedWithState)
    if with_state and state is None:
        raise ValueError(
            "params: expected (params, state) for a haiku TransformedWithState, got params only"
        )

    def call(p: Any, x: Array) -> Any:
        with _interceptors():
            if with_state:
                return transformed.apply(p, state, None, x)[0]
            return transformed.apply(p, None, x)

    return call, params


def _function_call(fn: Callable[..., Any]) -> Callable[[Any, Array], Any]:
    def call(p: Any, x: Array) -> Any:
        with _interceptors():
            return fn(p, x)

    return call


@dataclasses.dataclass(frozen=True)
class LayerInfo:
    """One layer of a ``UserModel`` as the Explorer shows it.

    Attributes:
        name: module path (``layers.0``, ``Dense_0``, ``mlp/~/linear_0``) or tap name.
        type: the module's class name (``"tap"`` for ``nnwidgets.tap``, ``"attention
            weights"`` for the weights of an attention module).
        shape: per-example output shape as shown (feature maps as ``(H, W, C)``).
        activation: the function recognised after it (``"identity"`` if none).
        channels_first: the module's own output is ``(C, H, W)``.
        params: parameter values of its module.
        kind: what it is (as ``Sequential.layer_kinds``): ``"dense"``, ``"conv"``,
            ``"embedding"``, ``"state"``, ``"gate"`` or ``"attention"``.
    """

    name: str
    type: str
    shape: tuple[int, ...]
    activation: str
    channels_first: bool
    params: int
    kind: str = "dense"


@dataclasses.dataclass(frozen=True, eq=False)
class UserModel:
    """A user's model read by ``adapt``: the ``Sequential`` protocol over any JAX model.

    Hashing is by identity, so it can be a static argument of ``jax.jit``.

    Attributes:
        call: ``call(params, x)``: the model as it is (with a batch axis if ``batched``).
        kind: ``"flax.nnx"``, ``"flax.linen"``, ``"equinox"``, ``"haiku"`` or ``"function"``.
        input_shape: shape of one example.
        n_outputs: number of outputs (a scalar output counts as one).
        batched: the model takes ``(B, *input_shape)``; it is called with ``B = 1``.
        layers: the layers shown, in call order.
        param_order: parameter groups (module paths) in call order.
        output_layer: the outputs are shown as a layer ``output`` of their own (the last
            layer recorded is not the outputs, or there is none).
        output_params: parameter values of the group ``output`` (a function's parameters
            named after that layer).
        channels_first_input: the model takes images ``(C, H, W)``; the Explorer holds and
            shows them as ``(H, W, C)`` (``input_shape``) and moves the axis for each call.
    """

    call: Callable[[Any, Array], Any]
    kind: str
    input_shape: tuple[int, ...]
    n_outputs: int
    batched: bool
    layers: tuple[LayerInfo, ...] = ()
    param_order: tuple[str, ...] = ()
    output_layer: bool = True
    channels_first_input: bool = False
    output_params: int = 0

    @property
    def layer_names(self) -> tuple[str, ...]:
        """Names of the layers shown (the keys of ``apply``'s trace), in call order."""
        return (*(la.name for la in self.layers), *(("output",) if self.output_layer else ()))

    @property
    def layer_shapes(self) -> tuple[tuple[int, ...], ...]:
        """Per-example output shape of each layer (feature maps as ``(H, W, C)``)."""
        last = ((self.n_outputs,),) if self.output_layer else ()
        return (*(la.shape for la in self.layers), *last)

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """Number of values of each layer."""
        return tuple(math.prod(s) for s in self.layer_shapes)

    @property
    def activation_names(self) -> tuple[str, ...]:
        """The activation recognised after each layer (``identity`` where none)."""
        last = ("identity",) if self.output_layer else ()
        return (*(la.activation for la in self.layers), *last)

    @property
    def layer_kinds(self) -> tuple[str, ...]:
        """What each layer is, in the order of ``layer_names`` (as ``Sequential.layer_kinds``).

        ``"state"``: a recurrent layer's outputs ``(T, units)`` (or a final ``(units,)``) or
        an attention module's outputs; ``"attention"``: an attention module's weights
        ``(T_query, T_key, heads)`` (``<module path>.weights``); ``"embedding"``; what a
        ``tap(..., kind=...)`` declared; otherwise ``"conv"`` for ``(H, W, C)`` values and
        ``"dense"`` for the rest (and the ``output`` layer).
        """
        last = ("dense",) if self.output_layer else ()
        return (*(la.kind for la in self.layers), *last)

    def name_leaf(self, path: tuple[Any, ...]) -> tuple[str, str]:
        """``(group, leaf)`` of a parameter's key path: its module path and its own name."""
        keys = [key_name(k) for k in path]
        if not keys:
            return "params", "value"
        return ".".join(keys[:-1]) or "params", keys[-1]

    def summary(self) -> list[dict[str, Any]]:
        """One row per layer: name, type, output shape, parameter count, activation."""
        rows = [
            {
                "name": la.name,
                "type": la.type,
                "output_shape": la.shape,
                "params": la.params,
                "activation": la.activation,
            }
            for la in self.layers
        ]
        if self.output_layer:
            rows.append(
                {
                    "name": "output",
                    "type": "output",
                    "output_shape": (self.n_outputs,),
                    "params": self.output_params,
                    "activation": "identity",
                }
            )
        return rows

    def _raw(
        self, params: Any, x: Array, probes: Mapping[str, Any] | None
    ) -> tuple[Any, Recording]:
        with recording(probes) as rec:
            out = self.call(params, x[None] if self.batched else x)
        return out, rec

    def apply(
        self, params: Any, x: Array, taps: Mapping[str, Array] | None = None
    ) -> tuple[Array, dict[str, LayerValues]]:
        """Forward pass of one example: ``(outputs (n_outputs,), trace of every layer)``.

        Args:
            params: the parameters as ``adapt`` returned them.
            x: one example of ``input_shape``.
            taps: values added to named layers' outputs (their ``layer_shapes``); the
                gradient with respect to a zero tap is the gradient with respect to that
                layer. A layer with a recognised activation takes the tap before it.
        """
        info = {la.name: la for la in self.layers}
        probes = {}
        for name, t in (taps or {}).items():
            if name not in info:
                raise ValueError(f"taps: expected layer names from {list(info)}, got {name!r}")
            t = jnp.asarray(t)
            if info[name].channels_first:
                t = jnp.transpose(t, (2, 0, 1))
            probes[name] = t[None] if self.batched else t
        out, rec = self._raw(params, x, probes)
        logits = _outputs(out, self.batched)
        got = {e.name: e for e in rec.entries}
        trace: dict[str, LayerValues] = {}
        for la in self.layers:
            if la.name not in got:
                raise ValueError(
                    f"model: layer {la.name!r} was not called this time (layers recorded: "
                    f"{list(got)}); the Explorer needs the same layers on every call"
                )
            pre = got[la.name].output
            pre = pre[0] if self.batched else pre
            if la.channels_first:
                pre = jnp.transpose(pre, (1, 2, 0))
            post = ACTIVATIONS[la.activation](pre)
            trace[la.name] = LayerValues(pre, post)
        if self.output_layer:
            trace["output"] = LayerValues(logits, logits)
        return logits, trace

    def logits(self, params: Any, x: Array) -> Array:
        """Outputs only; shape ``(n_outputs,)``."""
        return _outputs(self.call(params, x[None] if self.batched else x), self.batched)


def _outputs(out: Any, batched: bool) -> Array:
    out = jnp.asarray(out)
    if batched:
        out = out[0]
    return jnp.reshape(out, (1,)) if out.ndim == 0 else out


def _describe_output(out: Any) -> str:
    if isinstance(out, Mapping):
        return f"a dict with keys {list(out)[:6]}"
    if isinstance(out, (tuple, list)):
        return f"a {type(out).__name__} of {len(out)}"
    shape = getattr(out, "shape", None)
    return f"shape {tuple(shape)}" if shape is not None else type(out).__name__


def _hint(kind: str, error: BaseException) -> str:
    """What to pass when calling the model failed in a way we recognise."""
    text = f"{type(error).__name__}: {error}"
    low = text.lower()
    how = {
        "flax.linen": "lambda p, x: model.apply(p, x, train=False)",
        "haiku": "lambda p, x: model.apply(p, None, x, is_training=False)",
    }.get(kind, "lambda p, x: model(x, train=False)")
    if "train" in low and ("missing" in low or "required" in low):
        return (
            f" — the model takes a `train` flag: pass a function that fixes it, e.g. "
            f"Explorer({how}, params=..., data=...)"
        )
    if "rng" in low or "prngkey" in low or "random key" in low:
        return (
            " — the model needs a random key (dropout or sampling): make it deterministic for "
            "inference (e.g. deterministic=True / train=False) and pass that as a function"
        )
    if "mutable" in low or "batch_stats" in low:
        return (
            " — the model updates a collection (batch statistics): call it in inference mode, "
            "e.g. with use_running_average=True / train=False, through a function"
        )
    if "state" in low and kind == "equinox":
        return (
            " — the Equinox model takes a `state` (BatchNorm): pass a function "
            "lambda p, x: eqx.combine(p, static)(x, state)[0] with params=p"
        )
    return ""


def _shape_of(fn: Callable[..., Any], params: Any, x: Any) -> Any:
    return jax.eval_shape(fn, params, jax.ShapeDtypeStruct(x, np.float32))


def _detect_batched(
    call: Callable[..., Any], params: Any, shape: tuple[int, ...], kind: str
) -> tuple[bool, tuple[int, ...]]:
    """Whether the model takes a batch axis, and the shape of one example's output.

    Raises the error of the unbatched call when neither call gives outputs of a fitting
    shape (``()``/``(C,)`` for one example, ``(2,)``/``(2, C)`` for a batch of two).
    """
    results: dict[bool, Any] = {}
    for batched in (False, True):
        try:
            out = _shape_of(call, params, (2, *shape) if batched else shape)
        except (jax.errors.ConcretizationTypeError, jax.errors.TracerBoolConversionError):
            x = np.zeros((2, *shape) if batched else shape, np.float32)
            try:
                out = call(params, x)
            except Exception as e:
                results[batched] = e
                continue
        except Exception as e:
            results[batched] = e
            continue
        results[batched] = out
    fits = {}
    for batched, out in results.items():
        if isinstance(out, BaseException) or not hasattr(out, "shape"):
            continue
        s = tuple(out.shape)
        if batched and len(s) in (1, 2) and s[0] == 2:
            fits[True] = s[1:]
        elif not batched and len(s) <= 1:
            fits[False] = s
    if fits:
        # both fit (e.g. x @ w): a framework's layers expect a batch axis, a function not
        prefer = kind in ("flax.nnx", "flax.linen", "haiku")
        batched = prefer if prefer in fits else next(iter(fits))
        return batched, fits[batched]
    for out in results.values():
        if isinstance(out, BaseException):
            raise out
    out = results[False]
    raise ValueError(
        f"model: expected outputs (logits) of shape (C,) for one example of shape {shape} "
        f"or (B, C) for a batch, got {_describe_output(out)}"
        + (
            "; return the logits, e.g. lambda p, x: f(p, x)['logits']"
            if isinstance(out, (Mapping, tuple, list))
            else ""
        )
    )


@dataclasses.dataclass
class _Probed:
    """One trace of a few examples: what was recorded, in call order."""

    names: list[str] = dataclasses.field(default_factory=list)
    kinds: list[str] = dataclasses.field(default_factory=list)  # class names or "tap"
    declared: list[str] = dataclasses.field(default_factory=list)
    calls: list[Call] = dataclasses.field(default_factory=list)
    values: dict[str, tuple[np.ndarray | None, np.ndarray]] = dataclasses.field(
        default_factory=dict
    )
    outputs: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros((0, 0)))


def _probe(model: UserModel, params: Any, examples: np.ndarray) -> _Probed:
    """Trace ``examples`` once: names, kinds and (inputs, outputs) per name, in call order."""
    probed = _Probed()

    def one(x: Array) -> Any:
        out, rec = model._raw(params, x, None)
        entries = rec.entries
        probed.names[:] = [e.name for e in entries]
        probed.kinds[:] = [e.kind for e in entries]
        probed.declared[:] = [e.declared for e in entries]
        probed.calls[:] = rec.calls
        kept = [
            (
                e.input[0] if model.batched and e.input is not None else e.input,
                e.output[0] if model.batched else e.output,
            )
            for e in entries
        ]
        return _outputs(out, model.batched), kept

    try:
        out, kept = jax.vmap(one)(jnp.asarray(examples))
    except (jax.errors.ConcretizationTypeError, jax.errors.TracerBoolConversionError):
        out, kept = one(jnp.asarray(examples[0]))  # runs eagerly: one example
        out = out[None]
        kept = [(None if i is None else i[None], o[None]) for i, o in kept]
    probed.values = {
        n: (None if i is None else np.asarray(i), np.asarray(o))
        for n, (i, o) in zip(probed.names, kept)
    }
    probed.outputs = np.asarray(out)
    return probed


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal values per example, also when one is the other reshaped (a flatten between)."""
    if a.shape != b.shape:
        if a.size != b.size or a.shape[:1] != b.shape[:1]:
            return False
        a, b = a.reshape(len(a), -1), b.reshape(len(b), -1)
    scale = max(1.0, float(np.abs(a).max(initial=0.0)))
    return bool(np.allclose(a, b, rtol=1e-4, atol=1e-5 * scale))


def _activation_after(pre: np.ndarray, candidates: list[np.ndarray]) -> str:
    """The known function ``f`` with ``f(pre)`` equal to one of ``candidates`` ('' if none)."""
    for name in _CANDIDATES:
        f = np.asarray(ACTIVATIONS[name](jnp.asarray(pre)))
        if _close(f, pre):
            continue  # indistinguishable from the identity here
        if any(c is not None and _close(f, c) for c in candidates):
            return name
    return ""


def adapt(
    model: Any,
    params: Any,
    examples: np.ndarray,
    *,
    batched: bool | None = None,
) -> tuple[UserModel, Any]:
    """Read a user's model as it is; returns ``(UserModel, params)``.

    Channel-first images (``(C, H, W)`` with C <= 4 < W, as Equinox and PyTorch take them)
    are held as ``(H, W, C)``: ``UserModel.input_shape`` is that, and the axis is moved back
    for each call (``channels_first_input``); pass the data through ``channels_last``.

    Args:
        model: a Flax NNX or Linen module, an Equinox module, a Haiku ``Transformed`` or a
            function ``f(params, x)``.
        params: Linen: the ``variables``; Haiku and functions: the params; NNX and Equinox
            carry their own (pass None).
        examples: a few examples ``(n, *input_shape)`` from the data (one trace).
        batched: the model takes a batch axis (None: detected).

    Raises:
        ValueError: naming what to pass when the model cannot be called on one example.
    """
    kind = kind_of(model)
    shape = tuple(examples.shape[1:])
    chw = len(shape) == 3 and channels_first_image(shape)
    if kind in ("flax.nnx", "equinox"):
        if params is not None:
            raise ValueError(
                f"params: a {kind} module carries its own parameters; expected params=None, "
                f"got {type(params).__name__}"
            )
        call, params = _nnx_call(model) if kind == "flax.nnx" else _eqx_call(model)
    elif kind == "flax.linen":
        call, params = _linen_call(model, params)
    elif kind == "haiku":
        call, params = _haiku_call(model, params)
    elif kind == "function":
        call = _function_call(model)
    else:
        raise ValueError(
            "model: expected a bundled model name, a Sequential, a Flax NNX or Linen module, "
            f"an Equinox module, a Haiku Transformed or a function f(params, x), got "
            f"{type(model).__name__}"
        )
    if chw:  # held as (H, W, C); the model gets (C, H, W) (with or without a batch axis)
        takes_chw = call

        def call(p: Any, x: Array) -> Any:
            return takes_chw(p, jnp.moveaxis(x, -1, -3))

        examples = np.moveaxis(examples, 1, -1)
        shape = tuple(examples.shape[1:])
    if batched is not None and not isinstance(batched, bool):
        raise ValueError(f"batched: expected None, True or False, got {batched!r}")
    try:
        if batched is None:
            batched, out_shape = _detect_batched(call, params, shape, kind)
        else:
            x = (1, *shape) if batched else shape
            out_shape = tuple(_shape_of(call, params, x).shape)[1 if batched else 0 :]
    except ValueError as e:
        if str(e).startswith("model:"):
            raise
        raise ValueError(
            f"model: calling it on one example of shape {shape}"
            f"{' (with a batch axis)' if batched else ''} failed: {type(e).__name__}: {e}"
            f"{_hint(kind, e)}"
        ) from e
    except Exception as e:
        raise ValueError(
            f"model: calling it on one example of shape {shape} failed: "
            f"{type(e).__name__}: {e}{_hint(kind, e)}"
        ) from e
    if len(out_shape) > 1:
        raise ValueError(f"model: expected outputs of shape (C,) per example, got {out_shape}")
    n_outputs = out_shape[0] if out_shape else 1
    bare = UserModel(call, kind, shape, n_outputs, batched, channels_first_input=chw)
    return _read_layers(bare, params, np.asarray(examples[:_PROBE_EXAMPLES], np.float32)), params


def _read_layers(model: UserModel, params: Any, examples: np.ndarray) -> UserModel:
    """The layers of one trace: containers dropped, activations, layouts and kinds read."""
    probed = _probe(model, params, examples)
    names, values, outputs = probed.names, probed.values, probed.outputs
    kinds = dict(zip(names, probed.kinds))
    declared = dict(zip(names, probed.declared))
    groups = param_groups(model, params)
    sep = "/" if model.kind == "haiku" else "."
    weights = {n for n in names if declared[n] == "attention"}
    for n in sorted(weights):
        if not _attention_weights_fit(n, kinds[n], values[n][1]):
            weights.discard(n)  # cross attention (T_query != T_key): not drawn
            names = [m for m in names if m != n]
    # a module's sequence layer (recurrent or attention) is one layer: its parts (cells,
    # projections) are not shown, its attention weights are
    sequence = {n.split("#")[0] for n in names if declared[n] == "state" and kinds[n] != "tap"}
    enclosing = {c.name: set(c.enclosing) for c in probed.calls if c.recorded}
    hidden = {n for n in names if n not in weights and enclosing.get(n, set()) & sequence}
    shown = [n for n in names if n not in hidden]
    parts = [n for n in shown if n not in weights]  # weights are not a module's children
    keep = [
        n
        for n in shown
        if values[n][1].ndim >= 2  # (examples, ...): a per-example value
        and not any(other.startswith(n + sep) for other in parts if other != n)
    ]
    # layers holding a recurrent cell that ran in a scan (not recorded) show its states
    scanned = {
        m for c in probed.calls if c.declared == "state" and not c.recorded for m in c.enclosing
    }
    layers: list[LayerInfo] = []
    absorbed: set[str] = set()
    layout = model.channels_first_input
    for i, name in enumerate(keep):
        if name in absorbed:
            continue
        _, out = values[name]
        per = out.shape[1:]
        group = groups.get(name.split("#")[0], {})
        attention = name in weights
        # channel-first feature maps, from the conv kernel: (out, in, kh, kw) vs (kh, kw, in, out)
        chw = False
        if len(per) == 3 and not attention:
            kernels = [v for v in group.values() if np.ndim(v) == 4]
            if kernels:
                k = np.shape(kernels[0])
                layout = chw = k[0] == per[0] and k[-1] != per[-1]
            else:
                chw = layout
        activation = "identity"
        nxt = next((n for n in keep[i + 1 :] if n not in weights), None)
        if nxt is not None and not attention:
            n_given, n_out = values[nxt]
            nxt_params = bool(groups.get(nxt.split("#")[0]))
            if not nxt_params and not declared[nxt]:  # an activation module (eqx Lambda)
                found = _activation_after(out, [n_out])
                if found:
                    activation = found
                    absorbed.add(nxt)
            if activation == "identity":
                found = _activation_after(out, [n_given])
                activation = found or "identity"
        shape = (per[1], per[2], per[0]) if chw else per
        count = sum(int(np.size(v)) for v in group.values()) if "#" not in name else 0
        if "#" not in name and (name in sequence or name in scanned):
            count += _inner_params(name, groups, probed.calls, sep)  # its cell's, projections'
        kind = declared[name]
        if kind == "state" and kinds[name] != "tap" and len(shape) not in (1, 2):
            kind = ""  # a recurrent module over something else than (T, features)
        if not kind and len(shape) in (1, 2) and name in scanned:
            kind = "state"
        kind = kind or ("conv" if len(shape) == 3 else "dense")
        layers.append(LayerInfo(name, kinds[name], tuple(shape), activation, chw, count, kind))
    # parameter groups in the order the model used them (a scanned cell's too)
    order = list(dict.fromkeys(c.name.split("#")[0] for c in probed.calls))
    order = [g for g in order if g in groups]
    order += [g for g in groups if g not in order]
    output_layer = True
    if layers and layers[-1].shape == (model.n_outputs,):
        last = values[layers[-1].name][1].reshape(outputs.shape)
        output_layer = not _close(
            np.asarray(ACTIVATIONS[layers[-1].activation](jnp.asarray(last))), outputs
        )
    output_params = sum(int(np.size(v)) for v in groups.get("output", {}).values())
    return dataclasses.replace(
        model,
        layers=tuple(layers),
        param_order=tuple(order),
        output_layer=output_layer,
        output_params=output_params if output_layer else 0,
    )


def _inner_params(
    name: str, groups: Mapping[str, Mapping[str, Any]], calls: list[Call], sep: str
) -> int:
    """Parameter values of the modules a layer called (not its own): a cell, projections."""
    inner = {c.name.split("#")[0] for c in calls if name in c.enclosing}
    return sum(
        int(np.size(v))
        for g, leaves in groups.items()
        if g != name and (g in inner or g.startswith(name + sep))
        for v in leaves.values()
    )


def _attention_weights_fit(name: str, kind: str, values: np.ndarray) -> bool:
    """Whether ``values`` (examples, T, T, heads) are attention weights (rows summing to 1).

    Raises:
        ValueError: a ``tap(..., kind="attention")`` of other values (a module's weights
            of a cross attention, ``T_query != T_key``, are only left out: False).
    """
    per = values.shape[1:]
    square = len(per) == 3 and per[0] == per[1]
    if kind != "tap":
        return square
    rows = values.sum(axis=2) if square else None
    if rows is None or not np.allclose(rows, 1.0, atol=1e-3):
        sums = "" if rows is None else f" with rows summing to {rows.min():.3g} to {rows.max():.3g}"
        raise ValueError(
            f"tap({name!r}, kind='attention'): expected weights of shape (T, T, heads) per "
            f"example, heads last, each row (query) summing to 1 over the keys, got shape "
            f"{per}{sums} (weights (heads, T, T): pass jnp.moveaxis(w, 0, -1))"
        )
    return True


def channels_first_image(shape: tuple[int, ...]) -> bool:
    """An example of ``shape`` is a channel-first image ``(C, H, W)``: C <= 4 < W.

    Examples:
        >>> channels_first_image((1, 28, 28)), channels_first_image((28, 28, 1))
        (True, False)
    """
    return len(shape) == 3 and shape[0] <= 4 < shape[-1]
