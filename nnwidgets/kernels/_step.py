"""The slider step as an app calls it: ``explain_flat`` compiled for one configuration.

A jitted call pays for every argument leaf (flattening, type checks, a host-to-device copy
per numpy array) and for every static argument (the model spec and the settings are hashed
on each call). The fused step of the digits MLP has 15 leaves and 6 static arguments and took
23 us, of which the model's work is a few microseconds. Here the configuration is bound once
(``step_kernel``: a closure, nothing hashed per call) and a step passes two arguments:

- ``slow``: what changes only when a control other than the input moves (the parameters,
  ``Inputs``, ``Extras``), packed by ``pack`` into one device vector per dtype; the kernel
  slices them back (static offsets, no copy on the host). Trees of more than
  ``PACK_LIMIT`` values are passed as they are: there, a step's work dwarfs the call.
- ``fast``: the input and the target in one float32 vector (``pack_input``).
"""

from __future__ import annotations

import functools
import math
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from ._explain import explain_flat
from ._types import Settings

#: Trees with more values than this are passed to the step as they are (not packed).
PACK_LIMIT = 1 << 20


class Layout(NamedTuple):
    """Where each leaf of a packed tree lives (static and hashable).

    Attributes:
        treedef: the tree's structure.
        leaves: per leaf ``(vector index, start, shape, key implementation or None)``;
            PRNG keys are stored as their ``key_data``.
        dtypes: the dtype of each vector.
    """

    treedef: Any
    leaves: tuple[tuple[int, int, tuple[int, ...], Any], ...]
    dtypes: tuple[str, ...]


def pack(tree: Any) -> tuple[Any, Layout | None]:
    """``tree``'s leaves concatenated into one device vector per dtype, and their ``Layout``.

    Returns ``(tree, None)`` unchanged when it holds more than ``PACK_LIMIT`` values.
    """
    leaves, treedef = jax.tree_util.tree_flatten(tree)
    arrays, impls = [], []
    for leaf in leaves:
        impl = None
        if jax.dtypes.issubdtype(getattr(leaf, "dtype", None), jax.dtypes.prng_key):
            impl, leaf = jax.random.key_impl(leaf), jax.random.key_data(leaf)
        a = np.asarray(leaf)
        arrays.append(a.astype(jax.dtypes.canonicalize_dtype(a.dtype), copy=False))
        impls.append(impl)
    if sum(a.size for a in arrays) > PACK_LIMIT:
        return tree, None
    dtypes = tuple(sorted({a.dtype.name for a in arrays}))
    parts: list[list[np.ndarray]] = [[] for _ in dtypes]
    ends = [0] * len(dtypes)
    where = []
    for a, impl in zip(arrays, impls):
        g = dtypes.index(a.dtype.name)
        where.append((g, ends[g], a.shape, impl))
        parts[g].append(a.ravel())
        ends[g] += a.size
    vectors = tuple(
        jax.device_put(np.concatenate(p) if p else np.zeros(0, d)) for p, d in zip(parts, dtypes)
    )
    return vectors, Layout(treedef, tuple(where), dtypes)


def unpack_tree(slow: Any, layout: Layout | None) -> Any:
    """``pack``'s inverse (inside a jitted function: static slices of the vectors)."""
    if layout is None:
        return slow
    leaves = []
    for g, start, shape, impl in layout.leaves:
        leaf = slow[g][start : start + math.prod(shape)].reshape(shape)
        leaves.append(leaf if impl is None else jax.random.wrap_key_data(leaf, impl=impl))
    return jax.tree_util.tree_unflatten(layout.treedef, leaves)


def pack_input(x: Any, target: int) -> np.ndarray:
    """The step's ``fast`` argument: ``x`` flattened, then the target (``-1``: predicted)."""
    x = np.asarray(x, np.float32)
    fast = np.empty(x.size + 1, np.float32)
    fast[:-1] = x.ravel()
    fast[-1] = target
    return fast


_traces = [0]


def step_traces() -> int:
    """How many times a step kernel has been traced (each trace is one compile)."""
    return _traces[0]


@functools.lru_cache(maxsize=64)
def step_kernel(
    model: Any,
    layout: Layout | None,
    *,
    method: str,
    settings: Settings,
    param_grads: bool = False,
    embed_layer: str = "",
    embed_method: str = "pca",
) -> Any:
    """``step(slow, fast) -> flat``: ``explain_flat`` for this configuration, jitted.

    ``slow`` and ``layout`` come from ``pack((params, inputs, extras))``, ``fast`` from
    ``pack_input(x, target)``; the result is ``explain_flat``'s vector (see ``unpack``).
    One function per configuration (cached), traced once per shape of its arguments.

    Examples:
        >>> import numpy as np
        >>> from nnwidgets.models import pretrained
        >>> from nnwidgets.kernels import Extras, default_inputs, static_settings, unpack
        >>> m = pretrained("iris")
        >>> x = m.dataset.X_test[0]
        >>> slow, layout = pack((m.params, default_inputs(x), None))
        >>> step = step_kernel(m.model, layout, method="saliency",
        ...                    settings=static_settings("saliency"))
        >>> unpack(m.model, np.asarray(step(slow, pack_input(x, -1)))).attribution.shape
        (4,)
    """
    size = math.prod(model.input_shape)
    shape = tuple(model.input_shape)

    def explain_step(slow: Any, fast: jax.Array) -> jax.Array:
        _traces[0] += isinstance(fast, jax.core.Tracer)  # not when run eagerly
        params, inputs, extras = unpack_tree(slow, layout)
        return explain_flat(
            model,
            params,
            fast[:size].reshape(shape),
            fast[size].astype(jnp.int32),
            inputs,
            extras,
            method=method,
            settings=settings,
            param_grads=param_grads,
            embed_layer=embed_layer,
            embed_method=embed_method,
        )

    return jax.jit(explain_step)
