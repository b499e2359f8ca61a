"""Training with optax: ``fit`` runs whole epochs as one jit-compiled ``lax.scan``."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

Array = jax.Array


def logits_cross_entropy(logits: Array, y: Array) -> Array:
    """Mean softmax cross-entropy of ``logits`` ``(n, C)`` for integer labels ``y`` ``(n,)``.

    From ``log_softmax``: for a confident correct class this is closer to the float64 value
    than ``logsumexp(logits) - logits[y]`` (optax's form).
    """
    log_p = jax.nn.log_softmax(logits)
    return -jnp.take_along_axis(log_p, jnp.asarray(y, jnp.int32)[:, None], axis=1).mean()


def cross_entropy(model: Any, params: Any, X: Array, y: Array) -> Array:
    """Mean softmax cross-entropy of ``model`` on a batch ``X`` (n, *input_shape), ``y`` (n,)."""
    return logits_cross_entropy(jax.vmap(model.logits, in_axes=(None, 0))(params, X), y)


def accuracy(model: Any, params: Any, X: Array, y: Array) -> float:
    """Fraction of ``X`` whose arg-max logit equals ``y``."""
    logits = jax.vmap(model.logits, in_axes=(None, 0))(params, jnp.asarray(X))
    return float(jnp.mean(jnp.argmax(logits, axis=-1) == jnp.asarray(y)))


def fit(
    model: Any,
    params: Any,
    X: Any,
    y: Any,
    *,
    key: Array,
    steps: int = 2000,
    batch_size: int = 64,
    learning_rate: float = 3e-3,
    weight_decay: float = 1e-4,
) -> tuple[Any, np.ndarray]:
    """Train ``params`` with AdamW on random mini-batches.

    Args:
        model: a ``Sequential`` (or anything with ``logits(params, x)``).
        params: initial parameters.
        X: inputs, shape ``(n, *input_shape)``.
        y: integer labels, shape ``(n,)``.
        key: PRNG key for the mini-batches.
        steps: number of optimiser steps.
        batch_size: examples per step.
        learning_rate: AdamW learning rate.
        weight_decay: AdamW decoupled weight decay.

    Returns:
        ``(params, losses)``: the trained parameters and the loss of every step.

    Examples:
        >>> from nnwidgets.models import Sequential, Dense, load_dataset
        >>> ds = load_dataset("iris")
        >>> net = Sequential((4,), (Dense(8, "tanh"), Dense(3)))
        >>> p, losses = fit(net, net.init(jax.random.key(0)), ds.X_train, ds.y_train,
        ...                 key=jax.random.key(1), steps=300)
        >>> bool(losses[-1] < losses[0])
        True
    """
    if steps < 1 or batch_size < 1:
        raise ValueError(f"fit: expected steps >= 1 and batch_size >= 1, got {steps}, {batch_size}")
    X = jnp.asarray(X, jnp.float32)
    y = jnp.asarray(y, jnp.int32)
    import optax  # here: importing nnwidgets (an Explorer) never needs it

    opt = optax.adamw(learning_rate, weight_decay=weight_decay)

    def step(carry: tuple[Any, Any], k: Array) -> tuple[tuple[Any, Any], Array]:
        p, s = carry
        idx = jax.random.randint(k, (batch_size,), 0, X.shape[0])
        loss, g = jax.value_and_grad(lambda q: cross_entropy(model, q, X[idx], y[idx]))(p)
        updates, s = opt.update(g, s, p)
        return (optax.apply_updates(p, updates), s), loss

    @jax.jit
    def run(p: Any, keys: Array) -> tuple[Any, Array]:
        (p, _), losses = jax.lax.scan(step, (p, opt.init(p)), keys)
        return p, losses

    # optax mixes its int32 step count with floats: allow that even under strict promotion.
    with jax.numpy_dtype_promotion("standard"):
        params, losses = run(params, jax.random.split(key, steps))
    return params, np.asarray(losses)
