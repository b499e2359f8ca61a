"""A model's parameters by module path: ``{group: {leaf name: array}}`` in call order."""

from __future__ import annotations

from typing import Any

import jax


def param_groups(model: Any, tree: Any) -> dict[str, dict[str, Any]]:
    """``tree`` (the parameters, or anything shaped like them: gradients) grouped by module.

    A group is a layer's module path (``dense_1``, ``layers.0``, ``Dense_0``,
    ``mlp/~/linear_0``); its leaves are named as in the module (``w``, ``kernel``,
    ``weight``, ``bias``), matrices and kernels first. Groups come in the order the model
    calls them (``model.param_order``), the others after.

    Examples:
        >>> import jax
        >>> from nnwidgets.models import Dense, Sequential
        >>> net = Sequential((4,), (Dense(3, "relu"), Dense(2)))
        >>> groups = param_groups(net, net.init(jax.random.key(0)))
        >>> {g: list(leaves) for g, leaves in groups.items()}
        {'dense_1': ['w', 'b'], 'dense_2': ['w', 'b']}
    """
    found: dict[str, dict[str, Any]] = {}
    for path, leaf in jax.tree_util.tree_flatten_with_path(tree)[0]:
        group, name = model.name_leaf(path)
        found.setdefault(group, {})[name] = leaf
    order = [g for g in model.param_order if g in found]
    order += [g for g in found if g not in order]
    # within a group, matrices and kernels before biases and scales (then by name)
    return {
        g: dict(sorted(found[g].items(), key=lambda kv: len(getattr(kv[1], "shape", ())) < 2))
        for g in order
    }


def parameter_arrays(model: Any, tree: Any) -> dict[str, Any]:
    """Every leaf of ``tree`` by ``"module path.name"``, in call order (``param_groups``).

    ``dense_1.w`` for a ``Sequential``, ``layers.0.weight`` for Equinox, ``Dense_0.kernel``
    for Flax Linen, ``mlp/~/linear_0.w`` for Haiku.
    """
    groups = param_groups(model, tree)
    return {f"{g}.{k}": v for g, leaves in groups.items() for k, v in leaves.items()}


def key_name(key: Any) -> str:
    """One entry of a JAX key path as text: a dict key, an attribute or an index."""
    for attr in ("key", "name", "idx"):
        if hasattr(key, attr):
            return str(getattr(key, attr))
    return str(key)
