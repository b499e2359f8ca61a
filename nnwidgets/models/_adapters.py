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

A model that takes a batch axis is detected (or declared with ``batched=True``) and called
with a batch of one. Which function follows a layer (ReLU, tanh, sigmoid, GELU, softplus)
is recognised from one trace on the data: the layer then shows its pre-activation and its
activation values. Feature maps of channel-first layers (Equinox ``Conv2d``: ``(C, H, W)``,
recognised from the conv kernel) are shown as ``(H, W, C)``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ._layers import ACTIVATIONS, LayerValues
from ._param_groups import key_name, param_groups
from ._tap import active, is_float_array, recording

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


def _record(name: str, kind: str, args: tuple[Any, ...], out: Any) -> Any:
    """Record a submodule's array output in the active recording (if any)."""
    rec = active()
    if rec is None or not is_float_array(out):
        return out
    given = args[0] if args and is_float_array(args[0]) else None
    return rec.add(name, out, kind, given)


@contextlib.contextmanager
def _patched_calls(modules: Mapping[int, tuple[str, Any]]) -> Iterator[None]:
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
                out = __original(self, *args, **kwargs)
            finally:
                inside.discard(key)
            return _record(modules[key][0], type(self).__name__, args, out)

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

        def linen_hook(next_fun: Any, args: Any, kwargs: Any, context: Any) -> Any:
            out = next_fun(*args, **kwargs)
            path = context.module.path
            if context.method_name != "__call__" or not path:
                return out
            name = ".".join(str(p) for p in path)
            return _record(name, type(context.module).__name__, args, out)

        stack.enter_context(linen.intercept_methods(linen_hook))
    hk = sys.modules.get("haiku")
    if hk is not None:

        def haiku_hook(next_fun: Any, args: Any, kwargs: Any, context: Any) -> Any:
            out = next_fun(*args, **kwargs)
            if context.method_name != "__call__":
                return out
            module = context.module
            return _record(module.module_name, type(module).__name__, args, out)

        stack.enter_context(hk.intercept_methods(haiku_hook))
    return stack


def _nnx_call(module: Any) -> tuple[Callable[[Any, Array], Any], Any]:
    from flax import nnx

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
        merged = nnx.merge(
            graphdef, jax.tree_util.tree_unflatten(structure, jax.tree.leaves(p)), rest
        )
        if hasattr(merged, "eval"):
            merged.eval()  # dropout off, batch norm on its running statistics
        modules = {
            id(m): (".".join(str(k) for k in path), m)
            for path, m in nnx.iter_graph(merged)
            if path and isinstance(m, nnx.Module)
        }
        with _patched_calls(modules):
            return merged(x)

    return call, params


def _eqx_call(module: Any) -> tuple[Callable[[Any, Array], Any], Any]:
    import equinox as eqx

    module = eqx.nn.inference_mode(module)
    params, static = eqx.partition(module, eqx.is_inexact_array)

    def call(p: Any, x: Array) -> Any:
        merged = eqx.combine(p, static)
        with _patched_calls(_eqx_submodules(merged)):
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
        type: the module's class name (``"tap"`` for ``nnwidgets.tap``).
        shape: per-example output shape as shown (feature maps as ``(H, W, C)``).
        activation: the function recognised after it (``"identity"`` if none).
        channels_first: the module's own output is ``(C, H, W)``.
        params: parameter values of its module.
    """

    name: str
    type: str
    shape: tuple[int, ...]
    activation: str
    channels_first: bool
    params: int


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

    def _raw(self, params: Any, x: Array, probes: Mapping[str, Any] | None) -> tuple[Any, list]:
        with recording(probes) as rec:
            out = self.call(params, x[None] if self.batched else x)
        return out, rec.entries

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
        out, entries = self._raw(params, x, probes)
        logits = _outputs(out, self.batched)
        got = {e.name: e for e in entries}
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


def _probe(
    model: UserModel, params: Any, examples: np.ndarray
) -> tuple[list[str], list[str], dict[str, tuple[np.ndarray | None, np.ndarray]], np.ndarray]:
    """Trace ``examples`` once: names and kinds in call order, (inputs, outputs) per name."""
    names: list[str] = []
    kinds: list[str] = []

    def one(x: Array) -> Any:
        out, entries = model._raw(params, x, None)
        names[:] = [e.name for e in entries]
        kinds[:] = [e.kind for e in entries]
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
    values = {
        n: (None if i is None else np.asarray(i), np.asarray(o)) for n, (i, o) in zip(names, kept)
    }
    return names, kinds, values, np.asarray(out)


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
    """The layers of one trace: containers dropped, activations and layouts recognised."""
    names, kinds, values, outputs = _probe(model, params, examples)
    groups = param_groups(model, params)
    sep = "/" if model.kind == "haiku" else "."
    keep = [
        (n, k)
        for n, k in zip(names, kinds)
        if values[n][1].ndim >= 2  # (examples, ...): a per-example value
        and not any(other.startswith(n + sep) for other in names if other != n)
    ]
    layers: list[LayerInfo] = []
    absorbed: set[str] = set()
    layout = model.channels_first_input
    for i, (name, kind) in enumerate(keep):
        if name in absorbed:
            continue
        _, out = values[name]
        per = out.shape[1:]
        group = groups.get(name.split("#")[0], {})
        # channel-first feature maps, from the conv kernel: (out, in, kh, kw) vs (kh, kw, in, out)
        chw = False
        if len(per) == 3:
            kernels = [v for v in group.values() if np.ndim(v) == 4]
            if kernels:
                k = np.shape(kernels[0])
                layout = chw = k[0] == per[0] and k[-1] != per[-1]
            else:
                chw = layout
        activation = "identity"
        nxt = keep[i + 1] if i + 1 < len(keep) else None
        if nxt is not None:
            n_given, n_out = values[nxt[0]]
            nxt_params = bool(groups.get(nxt[0].split("#")[0]))
            if not nxt_params:  # an activation module (eqx.nn.Lambda(jax.nn.relu), ...)
                found = _activation_after(out, [n_out])
                if found:
                    activation = found
                    absorbed.add(nxt[0])
            if activation == "identity":
                found = _activation_after(out, [n_given])
                activation = found or "identity"
        shown = (per[1], per[2], per[0]) if chw else per
        count = sum(int(np.size(v)) for v in group.values()) if "#" not in name else 0
        layers.append(LayerInfo(name, kind, tuple(shown), activation, chw, count))
    order = [la.name for la in layers if la.name in groups]
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


def channels_first_image(shape: tuple[int, ...]) -> bool:
    """An example of ``shape`` is a channel-first image ``(C, H, W)``: C <= 4 < W.

    Examples:
        >>> channels_first_image((1, 28, 28)), channels_first_image((28, 28, 1))
        (True, False)
    """
    return len(shape) == 3 and shape[0] <= 4 < shape[-1]
