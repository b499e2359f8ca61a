"""Lesson 06, backpropagation by hand on a two-layer tanh MLP.

The checks: dL/dW2, dL/db1, dL/dW1 and dL/dlogits against ``jax.grad``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ._common import CheckResult, _as_array, _compare


@dataclasses.dataclass(frozen=True)
class _Pass:
    """The forward pass of the two-layer MLP on one example, and the reference gradients."""

    x: np.ndarray
    z1: np.ndarray
    h: np.ndarray
    logits: np.ndarray
    p: np.ndarray
    onehot: np.ndarray
    w2: np.ndarray
    grads: Any  # jax.grad of the loss w.r.t. params (numpy leaves)


def _two_layer(net: Any, params: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(W1, b1, W2, b2)`` of a ``Sequential`` of two ``Dense`` layers, the first tanh."""
    layers = getattr(net, "layers", None)
    ok = (
        layers is not None
        and len(layers) == 2
        and all(type(layer).__name__ == "Dense" for layer in layers)
        and layers[0].activation == "tanh"
        and layers[1].activation == "identity"
    )
    if not ok:
        raise TypeError(
            "net: expected Sequential((n,), (Dense(h, 'tanh'), Dense(c))), the lesson's "
            f"two-layer MLP, got {net!r}"
        )
    try:
        (l1, l2) = params
        return tuple(np.asarray(a, np.float64) for a in (l1["w"], l1["b"], l2["w"], l2["b"]))
    except (TypeError, KeyError, ValueError) as e:
        raise TypeError(
            "params: expected net.init(...)'s parameters, a pair of {'w': ..., 'b': ...} dicts"
        ) from e


def _class_index(y: Any, n_classes: int) -> int:
    """``y`` as an int in ``[0, n_classes)`` (an int, numpy int or 0-d integer array)."""
    kind = getattr(y, "dtype", None)
    integral = isinstance(y, (int, np.integer)) or (
        kind is not None and np.ndim(y) == 0 and np.issubdtype(kind, np.integer)
    )
    if isinstance(y, bool) or not integral:
        raise TypeError(f"y: expected an int class index, got {type(y).__name__}")
    if not 0 <= int(y) < n_classes:
        raise ValueError(f"y: expected a class index in [0, {n_classes}), got {int(y)}")
    return int(y)


def _forward(net: Any, params: Any, x: Any, y: Any) -> _Pass:
    w1, b1, w2, b2 = _two_layer(net, params)
    x = np.asarray(x, np.float64)
    if x.shape != tuple(net.input_shape):
        raise ValueError(
            f"x: expected one example of shape {tuple(net.input_shape)}, got {x.shape}"
        )
    n_classes = w2.shape[1]
    y = _class_index(y, n_classes)

    def loss(p: Any) -> jax.Array:
        logits, _ = net.apply(p, jnp.asarray(x, jnp.float32))
        return -jax.nn.log_softmax(logits)[y]

    grads = jax.tree_util.tree_map(np.asarray, jax.grad(loss)(params))
    z1 = x @ w1 + b1
    h = np.tanh(z1)
    logits = h @ w2 + b2
    e = np.exp(logits - logits.max())
    onehot = np.eye(n_classes)[y]
    return _Pass(x, z1, h, logits, e / e.sum(), onehot, w2, grads)


_SIGN = "Check the direction of dL/dlogits: raising the true class's logit must lower the loss."


def check_backprop_w2(student_value: Any, net: Any, params: Any, x: Any, y: Any) -> CheckResult:
    """Exercise 1 of lesson 06: dL/dW2 (the second layer's weights) against ``jax.grad``.

    Args:
        student_value: the student's dL/dW2, an array of W2's shape ``(hidden, classes)``.
        net: the lesson's ``Sequential((n,), (Dense(h, "tanh"), Dense(c)))``.
        params: its parameters (``net.init(...)`` or trained).
        x: one example, shape ``net.input_shape``.
        y: its class index; the loss is ``-log softmax(logits)[y]``.

    Returns:
        A ``CheckResult``: ``right: ...`` or what is off.

    Raises:
        TypeError, ValueError: ``net``, ``params``, ``x`` or ``y`` are not the lesson's.
    """
    f = _forward(net, params, x, y)
    d = f.p - f.onehot
    mistakes = [
        (
            np.outer(f.z1, d),
            "this uses the pre-activation z1; the second layer reads the "
            "first layer's output after the tanh",
        ),
        (np.outer(f.h, f.p), "dL/dlogits is missing the true label's part"),
        (np.outer(f.h, -f.onehot), "dL/dlogits is missing the softmax's part"),
        (
            np.outer(f.h, f.logits - f.onehot),
            "dL/dlogits uses the logits where the probabilities belong",
        ),
    ]
    return _compare("dL/dW2", student_value, f.grads[1]["w"], mistakes, _SIGN)


def check_backprop_b1(student_value: Any, net: Any, params: Any, x: Any, y: Any) -> CheckResult:
    """Exercise 2 of lesson 06: dL/db1 (the first layer's bias) against ``jax.grad``.

    Arguments as for ``check_backprop_w2``; ``student_value`` has b1's shape ``(hidden,)``.
    """
    f = _forward(net, params, x, y)
    back = (f.p - f.onehot) @ f.w2.T
    mistakes = [
        (
            back,
            "did you forget the tanh' factor? The error passes through the tanh on its way back",
        ),
        (
            back * (1 - f.z1**2),
            "tanh'(z) is not 1 - z²: the derivative is written with tanh(z), not z",
        ),
        (back * f.h * (1 - f.h), "that factor is the sigmoid's derivative; this layer is tanh"),
        (back * (1 - f.h), "the tanh' factor is not 1 - tanh(z): look again at its square"),
    ]
    return _compare("dL/db1", student_value, f.grads[0]["b"], mistakes, _SIGN)


def check_backprop_w1(student_value: Any, net: Any, params: Any, x: Any, y: Any) -> CheckResult:
    """Exercise 2 of lesson 06: dL/dW1 (the first layer's weights) against ``jax.grad``.

    Arguments as for ``check_backprop_w2``; ``student_value`` has W1's shape
    ``(inputs, hidden)``.
    """
    f = _forward(net, params, x, y)
    back = (f.p - f.onehot) @ f.w2.T
    mistakes = [
        (
            np.outer(f.x, back),
            "did you forget the tanh' factor? The error passes through the tanh on its way back",
        ),
        (
            np.outer(f.x, back * (1 - f.z1**2)),
            "tanh'(z) is not 1 - z²: the derivative is written with tanh(z), not z",
        ),
        (
            np.outer(f.x, back * f.h * (1 - f.h)),
            "that factor is the sigmoid's derivative; this layer is tanh",
        ),
    ]
    return _compare("dL/dW1", student_value, f.grads[0]["w"], mistakes, _SIGN)


def check_softmax_grad(student_value: Any, logits: Any, y: Any) -> CheckResult:
    """Exercise 3 of lesson 06: d(-log softmax(logits)[y]) / dlogits against ``jax.grad``.

    Args:
        student_value: the student's dL/dlogits, shape ``logits.shape``.
        logits: ``(classes,)`` logits of one example.
        y: the true class index.

    Returns:
        A ``CheckResult``.
    """
    z = _as_array("logits", logits, (-1,))
    if isinstance(z, CheckResult):
        raise TypeError(z.message)
    if z.ndim != 1 or z.size < 2:
        raise ValueError(f"logits: expected a vector of at least 2 classes, got shape {z.shape}")
    y = _class_index(y, z.size)
    ref = np.asarray(
        jax.grad(lambda v: -jax.nn.log_softmax(v)[y])(jnp.asarray(z, jnp.float32)), np.float64
    )
    e = np.exp(z - z.max())
    p = e / e.sum()
    onehot = np.eye(z.size)[y]
    mistakes = [
        (p, "the true class's part is missing (the -log picks one class out)"),
        (-onehot, "the log-sum-exp part is missing: every logit moves the normaliser"),
        (z - onehot, "this uses the logits where the probabilities belong"),
        (p - 1, "only the true class gets the extra -1"),
        (p * (1 - p), "that is how one probability moves with its own logit, not the loss"),
    ]
    return _compare("dL/dlogits", student_value, ref, mistakes, "The loss falls as p[y] rises.")
