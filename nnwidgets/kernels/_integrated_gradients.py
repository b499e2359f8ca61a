"""Integrated Gradients: Riemann (left/right/middle/trapezoid) and Gauss-Legendre rules."""

from __future__ import annotations

import functools
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ._baselines import make_baseline
from ._types import Array, Attribution, Inputs, Params, Settings, prepare, target_fn


@functools.cache
def quadrature(rule: str, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Points ``alpha`` in [0, 1] and weights summing to 1 for ``rule`` with ``steps`` points.

    Examples:
        >>> quadrature("trapezoid", 2)
        (array([0., 1.], dtype=float32), array([0.5, 0.5], dtype=float32))
    """
    n = steps
    if rule == "left":
        a, w = np.arange(n) / n, np.full(n, 1 / n)
    elif rule == "right":
        a, w = np.arange(1, n + 1) / n, np.full(n, 1 / n)
    elif rule == "middle":
        a, w = (np.arange(n) + 0.5) / n, np.full(n, 1 / n)
    elif rule == "trapezoid":  # n points, n - 1 intervals (one point: the midpoint value)
        if n == 1:
            a, w = np.array([0.5]), np.array([1.0])
        else:
            a = np.linspace(0, 1, n)
            w = np.full(n, 1 / (n - 1))
            w[[0, -1]] /= 2
    elif rule == "gauss_legendre":
        nodes, weights = np.polynomial.legendre.leggauss(n)
        a, w = (nodes + 1) / 2, weights / 2
    else:
        raise ValueError(
            f"rule: expected one of left/right/middle/trapezoid/gauss_legendre, got {rule!r}"
        )
    return a.astype(np.float32), w.astype(np.float32)


def integrated_gradients(
    model: Any,
    params: Params,
    x: Array,
    target: Array,
    inputs: Inputs | None = None,
    settings: Settings | None = None,
) -> Attribution:
    """Path integral of the gradient from the baseline to ``x``, times ``x - baseline``.

    ``settings``: ``steps``, ``rule``, ``chunk`` (gradients ``chunk`` points at a time with
    ``lax.map``, so hundreds of steps stay small in memory), ``baseline`` (``"input"`` uses
    ``inputs.baseline``; ``"blur"``, ``"uniform"``). The midpoint and Gauss-Legendre rules are
    exact when the gradient is linear along the path (``f = sum(x**2)`` gives ``x**2``).

    Returns:
        ``Attribution(map, completeness_gap)`` with gap ``sum(map) - (f(x) - f(baseline))``.

    References:
        Sundararajan, Taly, Yan (2017), Axiomatic attribution for deep networks.
    """
    x, inputs, settings = prepare(x, inputs, settings)
    f = target_fn(model, params, target)
    baseline = make_baseline(x, inputs, settings)
    alphas, weights = quadrature(settings.rule, settings.steps)
    path = (
        baseline[None] + jnp.asarray(alphas).reshape((-1,) + (1,) * x.ndim) * (x - baseline)[None]
    )
    grad = jax.grad(f)
    if settings.chunk and settings.chunk < settings.steps:
        grads = jax.lax.map(grad, path, batch_size=settings.chunk)
    else:
        grads = jax.vmap(grad)(path)
    attribution = jnp.tensordot(jnp.asarray(weights), grads, axes=1) * (x - baseline)
    return Attribution(attribution, attribution.sum() - (f(x) - f(baseline)))
