"""Training kernels for the Playground: chunks of optax steps as one ``lax.scan``, and snapshots.

Everything a user changes while training runs (learning rate, regularisation rate) is an
array argument (``Hyper``), so changing it never compiles. What changes the computation's
shape or code (model, optimiser, regularisation kind, batch size, steps per chunk) is static.

Step ``s`` trains on a fixed batch: the data are shuffled once per epoch with
``fold_in(key, epoch)`` and the ``s``-th window of ``batch_size`` indices is taken (wrapping
around), so a chunk of ``k`` steps from step ``s`` equals ``k`` chunks of one step, and a
saved step number plus the seed reproduce the rest of a run exactly.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, NamedTuple

import jax
import jax.numpy as jnp

from ..models import logits_cross_entropy
from ._types import Array
from ._weights import WeightStats, weight_stats

if TYPE_CHECKING:
    import optax

OPTIMIZERS = ("sgd", "momentum", "adam")
REGULARIZATIONS = ("none", "l1", "l2")
TASKS = ("classification", "regression")


class Hyper(NamedTuple):
    """Array hyper-parameters: changing them never recompiles.

    Attributes:
        learning_rate: float32 scalar.
        reg_rate: float32 scalar, the weight of the L1 / L2 penalty.
    """

    learning_rate: Array
    reg_rate: Array


class Snapshot(NamedTuple):
    """What the Playground draws after a chunk (one transfer to the host).

    Attributes:
        train_loss, test_loss: mean data loss (cross-entropy or squared error).
        train_acc, test_acc: accuracy (classification; 0 for regression).
        output: the output picture over ``grid`` ``(G,)`` (None without a grid): for two
            classes ``2 p(class 1) - 1``, for more the predicted class scaled to [-1, 1], for
            regression the prediction.
        neurons: every traced unit's post-activation over ``thumb_grid``, ``(units, T)``.
        param_grads: d(train loss + penalty) / d params, shaped like ``params``.
        grad_norms: per layer with parameters, the norm of its gradient (w and b).
        weight_stats: per layer with parameters, ``WeightStats`` of its weights.
    """

    train_loss: Array
    test_loss: Array
    train_acc: Array
    test_acc: Array
    output: Any
    neurons: Any
    param_grads: Any
    grad_norms: Array
    weight_stats: tuple[WeightStats, ...]


def make_optimizer(name: str, learning_rate: Any) -> optax.GradientTransformation:
    """``"sgd"``, ``"momentum"`` (0.9) or ``"adam"`` from optax, with ``learning_rate``.

    Their states do not depend on the learning rate's value, so it may be a traced array.
    """
    import optax  # here, not at the top: an Explorer never trains (optax takes 0.15 s)

    if name == "sgd":
        return optax.sgd(learning_rate)
    if name == "momentum":
        return optax.sgd(learning_rate, momentum=0.9)
    if name == "adam":
        return optax.adam(learning_rate)
    raise ValueError(f"optimizer: expected one of {list(OPTIMIZERS)}, got {name!r}")


def init_opt_state(optimizer: str, params: Any) -> Any:
    """A fresh optimiser state for ``params``."""
    with jax.numpy_dtype_promotion("standard"):
        return make_optimizer(optimizer, 0.0).init(params)


def outputs(model: Any, params: Any, X: Array) -> Array:
    """The model's outputs (logits) for a batch ``X``: ``(n, n_outputs)``."""
    return jax.vmap(model.logits, in_axes=(None, 0))(params, X)


def output_loss(out: Array, y: Array, task: str) -> Array:
    """Mean softmax cross-entropy (classification) or mean squared error (regression)."""
    if task == "classification":
        return logits_cross_entropy(out, y)
    return jnp.mean((out[:, 0] - y) ** 2)


def data_loss(model: Any, params: Any, X: Array, y: Array, task: str) -> Array:
    """``output_loss`` of the model's outputs for the batch ``X``."""
    return output_loss(outputs(model, params, X), y, task)


def penalty(params: Any, reg: str, rate: Array) -> Array:
    """``rate * sum |w|`` (l1) or ``rate * sum w² / 2`` (l2) over the weights (not biases)."""
    if reg == "none":
        return jnp.zeros((), jnp.float32)
    weights = [p["w"] for p in params if p]
    if reg == "l1":
        return rate * sum(jnp.abs(w).sum() for w in weights)
    return rate * 0.5 * sum((w * w).sum() for w in weights)


def objective(
    model: Any, params: Any, X: Array, y: Array, hyper: Hyper, task: str, reg: str
) -> Array:
    """What the optimiser minimises: the data loss plus the regularisation penalty."""
    return data_loss(model, params, X, y, task) + penalty(params, reg, hyper.reg_rate)


def batch_indices(key: Array, step: Array, n: int, batch_size: int) -> Array:
    """The training indices of global step ``step`` (see the module docstring)."""
    per_epoch = -(-n // batch_size)
    epoch, j = step // per_epoch, step % per_epoch
    order = jax.random.permutation(jax.random.fold_in(key, epoch), n)
    return order[(j * batch_size + jnp.arange(batch_size, dtype=jnp.int32)) % n]


@functools.partial(
    jax.jit, static_argnames=("model", "optimizer", "task", "reg", "batch_size", "steps")
)
def train_chunk(
    model: Any,
    params: Any,
    opt_state: Any,
    X: Array,
    y: Array,
    key: Array,
    step: Array,
    hyper: Hyper,
    *,
    optimizer: str,
    task: str,
    reg: str,
    batch_size: int,
    steps: int,
) -> tuple[Any, Any, Array]:
    """``steps`` optimiser steps from global step ``step``: ``(params, opt_state, losses)``.

    ``losses`` holds each step's batch objective before its update, ``(steps,)``.
    """
    import optax

    with jax.numpy_dtype_promotion("standard"):  # optax mixes int32 counts with floats
        opt = make_optimizer(optimizer, hyper.learning_rate)

        def one(carry: tuple[Any, Any], s: Array) -> tuple[tuple[Any, Any], Array]:
            p, o = carry
            idx = batch_indices(key, s, X.shape[0], batch_size)
            loss, g = jax.value_and_grad(objective, argnums=1)(
                model, p, X[idx], y[idx], hyper, task, reg
            )
            updates, o = opt.update(g, o, p)
            return (optax.apply_updates(p, updates), o), loss

        starts = step + jnp.arange(steps, dtype=jnp.int32)
        (params, opt_state), losses = jax.lax.scan(one, (params, opt_state), starts)
    return params, opt_state, losses


def _accuracy(out: Array, y: Array, task: str) -> Array:
    if task == "regression":
        return jnp.zeros((), jnp.float32)
    return jnp.mean(jnp.argmax(out, axis=-1) == y).astype(jnp.float32)


def _picture(out: Array, task: str) -> Array:
    if task == "regression":
        return out[:, 0]
    if out.shape[-1] == 2:
        return 2.0 * jax.nn.softmax(out)[:, 1] - 1.0
    return 2.0 * jnp.argmax(out, axis=-1).astype(jnp.float32) / (out.shape[-1] - 1) - 1.0


@functools.partial(jax.jit, static_argnames=("model", "task", "reg"))
def snapshot(
    model: Any,
    params: Any,
    X_train: Array,
    y_train: Array,
    X_test: Array,
    y_test: Array,
    grid: Any,
    thumb_grid: Any,
    hyper: Hyper,
    *,
    task: str,
    reg: str,
) -> Snapshot:
    """Losses, accuracies, pictures, gradients and weight statistics in one call.

    ``grid`` / ``thumb_grid`` are feature matrices of points of the input plane (or None
    when the data are not 2-D).
    """

    def train_objective(p: Any) -> tuple[Array, Array]:
        out = outputs(model, p, X_train)
        loss = output_loss(out, y_train, task)
        return loss + penalty(p, reg, hyper.reg_rate), (loss, out)

    (_, (train_loss, train_out)), grads = jax.value_and_grad(train_objective, has_aux=True)(params)
    test_out = outputs(model, params, X_test)
    test_loss = output_loss(test_out, y_test, task)
    picture = None if grid is None else _picture(outputs(model, params, grid), task)
    neurons = None
    if thumb_grid is not None:
        traces = jax.vmap(lambda x: model.apply(params, x)[1], in_axes=0)(thumb_grid)
        neurons = jnp.concatenate([traces[n].post for n in model.layer_names], axis=1).T
    layers = [(p, g) for p, g in zip(params, grads) if p]
    norms = jnp.stack(
        [jnp.sqrt(sum(jnp.sum(v * v) for v in g.values())) for _, g in layers]
    ).astype(jnp.float32)
    return Snapshot(
        train_loss,
        test_loss,
        _accuracy(train_out, y_train, task),
        _accuracy(test_out, y_test, task),
        picture,
        neurons,
        grads,
        norms,
        tuple(weight_stats(p["w"]) for p, _ in layers),
    )
