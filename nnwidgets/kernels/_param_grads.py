"""The loss gradient with respect to every parameter (the gradients view's numbers)."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from ..models import param_groups
from ._types import Array, Params


def loss_and_param_grads(model: Any, params: Params, x: Array, label: Array) -> tuple[Array, Any]:
    """Cross-entropy of one example with class ``label`` and ``d loss / d params``.

    Returns:
        ``(loss, grads)`` with ``grads`` shaped like ``params``.
    """

    def loss(p: Params) -> Array:
        return -jax.nn.log_softmax(model.logits(p, x))[label]

    return jax.value_and_grad(loss)(params)


def grad_norms(model: Any, grads: Any) -> Array:
    """The L2 norm of each parameter group's gradients (``param_groups`` order)."""
    groups = param_groups(model, grads).values()
    return jnp.stack([jnp.sqrt(sum(jnp.sum(v**2) for v in g.values())) for g in groups])
