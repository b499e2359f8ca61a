"""Checks for the exercises of the course notebooks (lessons 06 and 07).

Each check computes its own reference (``jax.grad``, ``explain``, ``randomisation_check``)
and compares the student's value with it. It never shows the reference: it answers
``right: ...`` or says what is off (the shape, the sign, a missing factor, the largest
difference and where it is). Every check returns a ``CheckResult``, which a notebook shows as
its message; ``bool(result)`` is True for a right answer.

Lesson 06, backpropagation by hand on a two-layer MLP ``Sequential((n,), (Dense(h, "tanh"),
Dense(c)))`` and one example ``(x, y)`` with the loss ``L = -log softmax(logits)[y]``:
``check_backprop_w2``, ``check_backprop_b1``, ``check_backprop_w1``, ``check_softmax_grad``.

Lesson 07, feature-importance axioms: ``check_ig_steps`` (completeness of Integrated
Gradients) and ``check_sanity_winner`` (the model-parameter randomisation test).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .kernels import Settings, explain, randomisation_check

__all__ = [
    "IG_CANDIDATES",
    "SANITY_METHODS",
    "CheckResult",
    "check_backprop_b1",
    "check_backprop_w1",
    "check_backprop_w2",
    "check_ig_steps",
    "check_sanity_winner",
    "check_softmax_grad",
    "top_layer_correlations",
]

#: The ``ig_steps`` the completeness exercise tries, in order.
IG_CANDIDATES: tuple[int, ...] = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
#: The methods the sanity-check exercise compares.
SANITY_METHODS: tuple[str, ...] = ("saliency", "smoothgrad", "gradient_x_input")

_RTOL, _ATOL = 1e-4, 1e-5


@dataclasses.dataclass(frozen=True)
class CheckResult:
    """The outcome of one check.

    Attributes:
        ok: True when the answer is right.
        message: ``"right: ..."`` or what is off.
    """

    ok: bool
    message: str

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:  # what a notebook cell shows
        return self.message


def _right(message: str) -> CheckResult:
    return CheckResult(True, f"right: {message}")


def _wrong(message: str) -> CheckResult:
    return CheckResult(False, message)


# ---------------------------------------------------------------------------------------------
# lesson 06: backpropagation by hand


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


def _as_array(name: str, value: Any, shape: tuple[int, ...]) -> np.ndarray | CheckResult:
    """``value`` as a float array, or the message that says why it is not one."""
    want = f"an array of shape {shape}"
    if value is None:
        return _wrong(f"{name}: got None: assign your answer ({want}) and run the check again")
    if isinstance(value, (str, bytes, dict)) or callable(value):
        return _wrong(f"{name}: expected {want} (numpy or jax), got {type(value).__name__}")
    try:
        a = np.asarray(value, np.float64)
    except (TypeError, ValueError):
        return _wrong(f"{name}: expected {want} (numpy or jax), got {type(value).__name__}")
    return a


def _compare(
    name: str,
    value: Any,
    reference: np.ndarray,
    mistakes: Sequence[tuple[np.ndarray, str]] = (),
    sign_hint: str = "",
) -> CheckResult:
    """``value`` against ``reference``: right, or the shape, sign, known mistake or difference."""
    ref = np.asarray(reference, np.float64)
    a = _as_array(name, value, ref.shape)
    if isinstance(a, CheckResult):
        return a
    if a.shape != ref.shape:
        if a.ndim == 2 and a.shape == ref.shape[::-1]:
            return _wrong(
                f"{name}: expected shape {ref.shape}, got {a.shape}: transposed? A gradient "
                "has the shape of what it differentiates by (for a weight: inputs × outputs)"
            )
        if a.size == ref.size:
            return _wrong(
                f"{name}: expected shape {ref.shape}, got {a.shape}: the right number of "
                "entries, arranged differently (an extra axis, or flattened?)"
            )
        return _wrong(f"{name}: expected shape {ref.shape}, got {a.shape}")
    if not np.all(np.isfinite(a)):
        return _wrong(f"{name}: contains NaN or inf")

    def close(b: np.ndarray) -> bool:
        return np.allclose(a, b, rtol=_RTOL, atol=_ATOL)

    if close(ref):
        return _right(f"{name} matches jax.grad (largest difference {np.abs(a - ref).max():.1e})")
    if np.abs(ref).max() > _ATOL and close(-ref):
        return _wrong(f"{name}: every entry has the opposite sign. {sign_hint}".rstrip())
    if ref.ndim == 2 and ref.shape[0] == ref.shape[1] and close(ref.T):
        return _wrong(f"{name}: transposed (rows are the inputs, columns the outputs)")
    for candidate, message in mistakes:
        if candidate.shape == ref.shape and close(candidate):
            return _wrong(f"{name}: {message}")
    diff = a - ref
    where = np.unravel_index(int(np.argmax(np.abs(diff))), diff.shape)
    wrong = int(np.sum(~np.isclose(a, ref, rtol=_RTOL, atol=_ATOL)))
    at = "[" + ", ".join(str(int(i)) for i in where) + "]"
    return _wrong(
        f"{name}: off by {diff[where]:+.3g} at {at} ({wrong} of {ref.size} entries differ)"
    )


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


# ---------------------------------------------------------------------------------------------
# lesson 07: feature-importance axioms


def _ig_gap(model: Any, params: Any, x: Any, target: int, steps: int, rule: str) -> float:
    e = explain(
        model,
        params,
        x,
        target,
        method="integrated_gradients",
        settings=Settings(steps=steps, rule=rule),
    )
    return float(e.completeness_gap)


def check_ig_steps(
    student_steps: Any,
    model: Any,
    params: Any,
    x: Any,
    *,
    target: int = -1,
    tol: float = 1e-3,
    rule: str = "middle",
    candidates: Sequence[int] = IG_CANDIDATES,
) -> CheckResult:
    """Completeness exercise of lesson 07: the first ``candidates`` with IG's |gap| < ``tol``.

    The candidates are tried in order; the answer is the first whose Integrated Gradients on
    ``x`` have ``|completeness gap| < tol``.

    The gap is ``sum(attribution) - (f(x) - f(baseline))`` with the zero baseline and the
    logit of ``target`` (-1: the predicted class), as ``explain`` reports it.

    Args:
        student_steps: the student's answer, an int.
        model: the network (e.g. ``pretrained("digits").model``).
        params: its parameters.
        x: the input.
        target: class explained; -1 the predicted one.
        tol: the tolerance on ``|gap|``.
        rule: IG's quadrature rule (``Settings.rule``).
        candidates: the steps to try, in order.

    Returns:
        A ``CheckResult``.
    """
    if isinstance(student_steps, bool) or not isinstance(student_steps, (int, np.integer)):
        return _wrong(f"ig_steps: expected an int, got {type(student_steps).__name__}")
    n = int(student_steps)
    if n not in candidates:
        return _wrong(
            f"ig_steps: {n} is not one of the steps the exercise tries "
            f"({', '.join(map(str, candidates))})"
        )
    if target == -1:
        target = int(explain(model, params, x).target)
    gap_n = _ig_gap(model, params, x, target, n, rule)
    if not abs(gap_n) < tol:
        return _wrong(
            f"ig_steps={n}: the gap is {gap_n:+.2e}, |gap| ≥ {tol:g}: "
            "the sum is not exact enough yet"
        )
    for m in candidates:
        if m >= n:
            break
        if abs(_ig_gap(model, params, x, target, m, rule)) < tol:
            return _wrong(
                f"ig_steps={n} passes (gap {gap_n:+.2e}), but fewer steps do too: the gap does "
                "not shrink steadily, so test every candidate in order"
            )
    return _right(f"ig_steps={n} is the first with |gap| < {tol:g} (gap {gap_n:+.2e})")


def _key(key: Any) -> jax.Array:
    if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
        return jax.random.key(int(key))
    return key


def top_layer_correlations(
    model: Any,
    params: Any,
    x: Any,
    *,
    methods: Sequence[str] = SANITY_METHODS,
    key: Any = 0,
) -> dict[str, float]:
    """Per method, the rank correlation of ``|map|`` before and after the top layer is randomised.

    The first entry of ``randomisation_check`` (Spearman), for the predicted class of ``x``
    with the trained ``params``. ``key``: an int seed or a PRNG key.
    """
    target = int(explain(model, params, x).target)
    out = {}
    for method in methods:
        result = randomisation_check(
            lambda p, m=method: explain(model, p, x, target, method=m).attribution,
            model,
            params,
            _key(key),
        )
        out[method] = float(result[0][1])
    return out


def check_sanity_winner(
    student_method: Any,
    model: Any,
    params: Any,
    x: Any,
    *,
    methods: Sequence[str] = SANITY_METHODS,
    key: Any = 0,
    tie: float = 0.01,
) -> CheckResult:
    """Sanity-check exercise of lesson 07: the method whose map survives a random top layer best.

    Which of ``methods`` keeps the highest rank correlation with its own map after the top
    layer is randomised (``randomisation_check`` with ``key``, ``|map|``, the predicted class
    of ``x``).

    Args:
        student_method: the student's answer, a method name.
        model: the network.
        params: its trained parameters.
        x: the input.
        methods: the methods compared.
        key: an int seed or a PRNG key for the random weights.
        tie: methods within ``tie`` of the highest correlation count as right too.

    Returns:
        A ``CheckResult``.
    """
    if not isinstance(student_method, str):
        return _wrong(f"method: expected a method name (str), got {type(student_method).__name__}")
    if student_method not in methods:
        return _wrong(f"method: {student_method!r} is not one of {list(methods)}")
    rho = top_layer_correlations(model, params, x, methods=methods, key=key)
    best = max(rho.values())
    if rho[student_method] >= best - tie:
        listed = ", ".join(f"{m} {r:+.2f}" for m, r in rho.items())
        return _right(
            f"{student_method} keeps the most after the top layer is randomised ({listed})"
        )
    return _wrong(
        f"{student_method} keeps rho = {rho[student_method]:+.2f} after the top layer is "
        "randomised; another method keeps more"
    )
