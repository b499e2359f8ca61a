"""Lesson 07, feature-importance axioms: IG completeness against steps, the sanity check."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import numpy as np

from ..kernels import Settings, explain, randomisation_check
from ._common import CheckResult, _right, _wrong

#: The ``ig_steps`` the completeness exercise tries, in order.
IG_CANDIDATES: tuple[int, ...] = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
#: The methods the sanity-check exercise compares.
SANITY_METHODS: tuple[str, ...] = ("saliency", "smoothgrad", "gradient_x_input")


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
