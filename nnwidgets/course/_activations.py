"""Lesson 08, activation functions: their derivatives, dead ReLUs, vanishing gradients.

The checks: ``check_activation_derivative`` (f'(z) written by hand, against ``jax.grad`` on
the points ``Z_GRID``), ``check_dead_fraction`` (the share of a layer's units that are dead
on a data set), ``check_smallest_grad_layer`` and ``check_grad_norm_ratio`` (the per-layer
gradient norms of a deep network's mean cross-entropy on a data set).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..models import ACTIVATIONS, logits_cross_entropy, param_groups
from ._common import CheckResult, _as_name, _as_number, _right, _wrong

#: Where a derivative is compared: 200 points evenly in [-10, 10] (0, ReLU's kink, is not one).
Z_GRID: np.ndarray = np.linspace(-10.0, 10.0, 200, dtype=np.float32)

_RTOL, _ATOL = 1e-4, 1e-5


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _mistakes(name: str, z: np.ndarray) -> list[tuple[np.ndarray, str]]:
    """The typical wrong derivatives of activation ``name`` on ``z``, each with its message."""
    s, t = _sigmoid(z), np.tanh(z)
    sigmoid_slope = (s * (1 - s), "that is the sigmoid's derivative s·(1 − s)")
    tanh_slope = (1 - t**2, "that is tanh's derivative 1 − tanh(z)²")
    table = {
        "sigmoid": [
            (s, "that is sigmoid(z) itself, not its slope"),
            (s * (1 + s), "the second factor is not 1 + sigmoid(z): look at its sign"),
            (z * (1 - z), "written with z where sigmoid(z) belongs (s = sigmoid(z))"),
            (1 - s, "a factor is missing: 1 − sigmoid(z) alone is not the slope"),
            (1 - s**2, "1 − s² is the pattern of tanh's derivative, not the sigmoid's"),
            tanh_slope,
        ],
        "tanh": [
            (t, "that is tanh(z) itself, not its slope"),
            (1 - t, "1 − tanh(z): the square is missing"),
            (1 - z**2, "written with z where tanh(z) belongs: 1 − z² is not it"),
            (1 + t**2, "the sign: the slope falls as |tanh(z)| grows"),
            (t * (1 - t), "that is the sigmoid's rule s·(1 − s) applied to tanh"),
            (1 / np.cosh(z), "1 / cosh(z): the square is missing"),
            sigmoid_slope,
        ],
        "relu": [
            (np.maximum(z, 0), "that is relu(z) itself, not its slope"),
            ((z < 0).astype(np.float64), "flipped: which side of 0 is flat?"),
            (np.ones_like(z), "1 everywhere: relu is flat for z < 0"),
        ],
        "softplus": [
            (np.logaddexp(0, z), "that is softplus(z) itself, not its slope"),
            sigmoid_slope,
        ],
        "identity": [(z, "that is z itself, not the slope of f(z) = z")],
    }
    return table.get(name, [])


def _evaluate(student_fn: Callable[..., Any], label: str) -> np.ndarray | CheckResult:
    """``student_fn`` on ``Z_GRID`` (element by element if it only takes numbers), or why not."""
    n = Z_GRID.size
    try:
        out = student_fn(jnp.asarray(Z_GRID))
    except Exception as e:
        try:  # a function written for one number (math.exp, an if on z)
            out = [student_fn(float(v)) for v in Z_GRID]
        except Exception:
            return _wrong(
                f"{label}: calling it with a jax array of {n} points z raised "
                f"{type(e).__name__}: {e}"
            )
    try:
        a = np.asarray(out, np.float64)
    except (TypeError, ValueError):
        return _wrong(f"{label}: expected it to return numbers, got {type(out).__name__}")
    if a.shape == ():
        a = np.full(n, float(a))  # a constant: compared as one
    if a.shape != Z_GRID.shape:
        return _wrong(
            f"{label}: given {n} points z it returned shape {a.shape}; expected one value per "
            f"point, shape ({n},)"
        )
    if not np.all(np.isfinite(a)):
        z = float(Z_GRID[np.argmin(np.isfinite(a))])
        return _wrong(f"{label}: NaN or inf at z = {z:+.2f} (an overflow in exp?)")
    return a


def check_activation_derivative(student_fn: Any, name: str) -> CheckResult:
    """Exercise 1 of lesson 08: ``student_fn(z)`` is the derivative of activation ``name``.

    Compared with ``jax.vmap(jax.grad(f))`` at the 200 points ``Z_GRID`` (from -10 to 10).
    ``student_fn`` is called once with a jax array of the points; a function that only takes
    one number at a time is called point by point.

    Args:
        student_fn: the student's f', a function of ``z``.
        name: the activation, one of ``nnwidgets.models.ACTIVATIONS`` (``"sigmoid"``,
            ``"tanh"``, ``"relu"``, ...).

    Returns:
        A ``CheckResult``: ``right: ...`` or what is off (a known slip, or how many points
        differ, on which side of 0, and where the largest difference is).

    Raises:
        ValueError: ``name`` is not an activation.

    Examples:
        >>> import jax.numpy as jnp
        >>> bool(check_activation_derivative(lambda z: 1 - jnp.tanh(z) ** 2, "tanh"))
        True
        >>> print(check_activation_derivative(lambda z: 1 - jnp.tanh(z), "tanh"))
        tanh'(z): 1 − tanh(z): the square is missing
    """
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(f"name: expected one of {sorted(ACTIVATIONS)}, got {name!r}")
    label = f"{name}'(z)"
    if student_fn is None:
        return _wrong(f"{label}: got None: assign your function and run the check again")
    if not callable(student_fn):
        return _wrong(
            f"{label}: expected a function of z (def d_{name}(z): ...), "
            f"got {type(student_fn).__name__}"
        )
    a = _evaluate(student_fn, label)
    if isinstance(a, CheckResult):
        return a
    z = Z_GRID.astype(np.float64)
    f = ACTIVATIONS[name]
    ref = np.asarray(jax.vmap(jax.grad(f))(jnp.asarray(Z_GRID)), np.float64)
    bad = ~np.isclose(a, ref, rtol=_RTOL, atol=_ATOL)
    if not bad.any():
        return _right(
            f"{label} matches jax.grad at all {z.size} points z in [-10, 10] "
            f"(largest difference {np.abs(a - ref).max():.1e})"
        )
    for candidate, message in _mistakes(name, z):
        if np.allclose(a, candidate, rtol=_RTOL, atol=_ATOL):
            return _wrong(f"{label}: {message}")
    if np.allclose(a, -ref, rtol=_RTOL, atol=_ATOL):
        return _wrong(f"{label}: every value has the opposite sign")
    if np.unique(a).size == 1:
        return _wrong(f"{label}: the same value for every z; the slope changes with z")
    i = int(np.argmax(np.abs(a - ref)))
    side = " (only for z < 0)" if not bad[z > 0].any() else ""
    side = " (only for z > 0)" if not bad[z < 0].any() else side
    return _wrong(
        f"{label}: differs from jax.grad at {int(bad.sum())} of {z.size} points{side}; "
        f"the most at z = {z[i]:+.2f} (off by {a[i] - ref[i]:+.3g})"
    )


# dead units -------------------------------------------------------------------------------


def _batch(net: Any, X: Any) -> jax.Array:
    """``X`` as a float32 batch of ``net``'s inputs ``(n, *input_shape)``."""
    shape = tuple(getattr(net, "input_shape", ()))
    if not shape or not hasattr(net, "apply"):
        raise TypeError(f"net: expected a nnwidgets.models.Sequential, got {type(net).__name__}")
    X = np.asarray(X, np.float32)
    if X.ndim != len(shape) + 1 or X.shape[1:] != shape or len(X) == 0:
        raise ValueError(
            f"X: expected a batch of shape (n, {', '.join(map(str, shape))}), got {X.shape}"
        )
    return jnp.asarray(X)


def _layer_values(net: Any, params: Any, X: Any, layer: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(pre, post)`` of ``layer`` on every example of ``X``, each ``(n, units)``."""
    X = _batch(net, X)
    names = list(net.layer_names)
    if layer not in names:
        raise ValueError(f"layer: expected one of {names}, got {layer!r}")
    pre, post = _traced(net, layer, params, X)
    n = X.shape[0]
    return np.asarray(pre).reshape(n, -1), np.asarray(post).reshape(n, -1)


@functools.partial(jax.jit, static_argnums=(0, 1))
def _traced(net: Any, layer: str, params: Any, X: jax.Array) -> tuple[jax.Array, jax.Array]:
    """``layer``'s pre-activations and outputs on the batch ``X`` (compiled once per net)."""
    values = jax.vmap(lambda x: net.apply(params, x)[1][layer])(X)
    return values.pre, values.post


def check_dead_fraction(
    student_value: Any, net: Any, params: Any, X: Any, layer: str
) -> CheckResult:
    """Exercise 2 of lesson 08: the fraction of ``layer``'s units that are dead on ``X``.

    A unit is dead on a data set when its pre-activation is ≤ 0 on every example: a ReLU then
    outputs 0 and passes no gradient for any of them. Every value of the layer's output counts
    as a unit (a Dense layer's neurons).

    Args:
        student_value: the student's fraction, a number in [0, 1].
        net: a ``nnwidgets.models.Sequential``.
        params: its parameters.
        X: the data set, ``(n, *net.input_shape)``.
        layer: one of ``net.layer_names``.

    Returns:
        A ``CheckResult``.

    Raises:
        TypeError, ValueError: ``net``, ``X`` or ``layer`` do not fit.
    """
    pre, post = _layer_values(net, params, X, layer)
    units = pre.shape[1]
    label = f"dead fraction of {layer}"
    value = _as_number(label, student_value, "a fraction in [0, 1]", units)
    if isinstance(value, CheckResult):
        return value
    off = pre <= 0
    dead = off.all(axis=0)
    ref = float(dead.mean())

    def near(b: float) -> bool:
        return abs(value - b) <= 1e-6

    if near(ref):
        return _right(f"{label} ({int(dead.sum())} of {units} units, on all {len(pre)} examples)")
    others = [n for n in net.layer_names if n != layer]
    mistakes = [
        (
            float(dead.sum()),
            f"that is a number of units; the fraction divides it by the layer's {units} units",
        ),
        (100 * ref, "a percentage: give the fraction, between 0 and 1"),
        (
            float(off.mean()),
            "that is the share of (example, unit) pairs with z ≤ 0; a unit is "
            "dead only if it is inactive on every example",
        ),
        (
            float((post > 0).mean()),
            "that is the share of (example, unit) pairs where the unit "
            "is active; count units inactive on every example",
        ),
        (
            float(off.any(axis=0).mean()),
            "that counts the units inactive on some example; dead means inactive on every example",
        ),
        (1 - ref, "that is the share of units alive somewhere (the complement)"),
        (
            float((pre > 0).all(axis=0).mean()),
            "that counts the units active on every example; dead ones are inactive on every one",
        ),
        (float(off[0].mean()), "that is the first example alone; look at all of X"),
    ]
    for candidate, message in mistakes:
        if near(candidate):
            return _wrong(f"{label}: {message}")
    for other in others:
        try:
            pre_other, _ = _layer_values(net, params, X, other)
        except (TypeError, ValueError):
            continue
        if near(float((pre_other <= 0).all(axis=0).mean())):
            return _wrong(f"{label}: that is the dead fraction of {other}, another layer")
    if not 0 <= value <= 1:
        return _wrong(f"{label}: {value:g} is not a fraction between 0 and 1")
    return _wrong(f"{label}: {value:g} is not it: it is too {'large' if value > ref else 'small'}")


# vanishing gradients ----------------------------------------------------------------------


def _labels(net: Any, y: Any, n: int) -> jax.Array:
    y = np.asarray(y)
    if y.shape != (n,) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(
            f"y: expected {n} integer class labels, shape ({n},), got {y.dtype} of shape {y.shape}"
        )
    classes = int(net.n_outputs)
    if y.min() < 0 or y.max() >= classes:
        raise ValueError(f"y: expected labels in [0, {classes}), got {y.min()} to {y.max()}")
    return jnp.asarray(y, jnp.int32)


@functools.partial(jax.jit, static_argnums=0)
def _loss_grads(net: Any, params: Any, X: jax.Array, y: jax.Array) -> Any:
    """The gradient of the mean cross-entropy on ``(X, y)`` (compiled once per net and shape)."""

    def loss(p: Any) -> jax.Array:
        return logits_cross_entropy(jax.vmap(net.logits, in_axes=(None, 0))(p, X), y)

    return jax.grad(loss)(params)


def _grad_norms(net: Any, params: Any, X: Any, y: Any) -> tuple[dict, dict]:
    """``|d loss / d parameters|`` and ``|d loss / d weights|`` per layer, in call order.

    The loss is the mean cross-entropy on ``(X, y)``.
    """
    grads = param_groups(net, _loss_grads(net, params, X, y))
    squares = {
        layer: {k: float(np.sum(np.asarray(v, np.float64) ** 2)) for k, v in leaves.items()}
        for layer, leaves in grads.items()
    }
    every = {layer: float(np.sqrt(sum(sq.values()))) for layer, sq in squares.items()}
    weights = {layer: float(np.sqrt(sq.get("w", 0.0))) for layer, sq in squares.items()}
    return every, weights


class _Norms:
    """The reference norms; the variants the typical mistakes compute, when first asked for."""

    def __init__(self, net: Any, params: Any, X: Any, y: Any) -> None:
        self._args = (net, params)
        self._X = _batch(net, X)
        self._y = _labels(net, y, self._X.shape[0])
        self.all, self.weights = _grad_norms(net, params, self._X, self._y)
        if len(self.all) < 2:
            raise ValueError(
                f"net: expected at least 2 layers with parameters, got {list(self.all)}"
            )
        self.names = list(self.all)
        self.first, self.last = self.names[0], self.names[-1]

    @functools.cached_property
    def one(self) -> dict:
        """The norms of the first example's loss alone."""
        return _grad_norms(*self._args, self._X[:1], self._y[:1])[0]


def check_smallest_grad_layer(
    student_layer: Any, net: Any, params: Any, X: Any, y: Any
) -> CheckResult:
    """Exercise 3 of lesson 08: the layer whose parameters get the smallest gradient.

    A layer's gradient norm is ``sqrt(|dL/dW|² + |dL/db|²)`` (all its parameters, as the
    gradients tab's bars) of ``L``, the mean cross-entropy over ``(X, y)``.

    Args:
        student_layer: the student's answer, a layer name such as ``"dense_1"``.
        net: a ``nnwidgets.models.Sequential`` (e.g. a Playground's ``state.model``).
        params: its parameters.
        X: inputs ``(n, *net.input_shape)``.
        y: integer labels ``(n,)``.

    Returns:
        A ``CheckResult``.
    """
    norms = _Norms(net, params, X, y)
    label = "smallest gradient"
    student_layer = _as_name(label, student_layer, list(norms.all))
    if isinstance(student_layer, CheckResult):
        return student_layer
    values = norms.all
    if student_layer == min(values, key=values.get):
        return _right(f"{student_layer}'s parameters get the smallest gradient norm")
    if student_layer == max(values, key=values.get):
        return _wrong(f"{label}: {student_layer} has the largest gradient norm, not the smallest")
    if student_layer == min(norms.weights, key=norms.weights.get):
        return _wrong(
            f"{label}: counting the weights alone; a layer's norm counts its weights "
            "and its bias together"
        )
    if student_layer == min(norms.one, key=norms.one.get):
        return _wrong(f"{label}: that is the first example alone; use the mean loss over all of X")
    smaller = sum(v < values[student_layer] for v in values.values())
    return _wrong(f"{label}: {smaller} layer(s) get a smaller gradient norm than {student_layer}")


def check_grad_norm_ratio(student_value: Any, net: Any, params: Any, X: Any, y: Any) -> CheckResult:
    """Exercise 3 of lesson 08: first layer's gradient norm / last layer's.

    The norms as in ``check_smallest_grad_layer``: the first and the last layer with
    parameters (the output layer), of the mean cross-entropy over ``(X, y)``. Right within a
    relative 1e-3 (a sum instead of a mean loss gives the same ratio).

    Args:
        student_value: the student's ratio, a positive number.
        net: a ``nnwidgets.models.Sequential``.
        params: its parameters.
        X: inputs ``(n, *net.input_shape)``.
        y: integer labels ``(n,)``.

    Returns:
        A ``CheckResult``.
    """
    norms = _Norms(net, params, X, y)
    first, last = norms.first, norms.last
    label = f"|grad {first}| / |grad {last}|"
    value = _as_number(label, student_value, "a ratio")
    if isinstance(value, CheckResult):
        return value
    a = norms.all
    ref = a[first] / a[last]

    def near(b: float) -> bool:
        return bool(np.isclose(value, b, rtol=1e-3, atol=0.0))

    if near(ref):
        return _right(f"{label} = {value:.3g}")
    before_last = norms.names[-2]
    mistakes = [
        (
            a[last] / a[first],
            f"upside down: the first layer ({first}) goes on top, the last ({last}) below",
        ),
        (ref**2, "a ratio of squared norms: take the square root of each sum of squares"),
        (
            norms.weights[first] / norms.weights[last],
            "weights alone; a layer's norm counts its weights and its bias together",
        ),
        (
            a[first] / a[before_last],
            f"the last layer with parameters is {last}, not {before_last}",
        ),
        (
            norms.one[first] / norms.one[last],
            "that is the first example alone; use the mean loss over all of X",
        ),
        (float(np.log10(ref)), "that is log10 of the ratio; give the ratio itself"),
    ]
    for candidate, message in mistakes:
        if near(candidate):
            return _wrong(f"{label}: {message}")
    if value <= 0:
        return _wrong(f"{label}: a ratio of two norms is positive, got {value:g}")
    factor = max(value / ref, ref / value)
    by = " by more than a factor 10" if factor > 10 else ""
    return _wrong(f"{label}: {value:.3g} is too {'large' if value > ref else 'small'}{by}")
