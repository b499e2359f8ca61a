"""KernelSHAP: Shapley values of the features, exact for few features, sampled otherwise."""

from __future__ import annotations

import functools
import math
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ._baselines import make_baseline
from ._perturb import masked_scores, n_groups, spread
from ._types import Array, Attribution, Inputs, Params, Settings, prepare, target_fn


@functools.cache
def _exact_tables(m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every coalition as a mask, and for each feature the pairs (S, S + i) with their weight."""
    codes = np.arange(2**m)
    masks = (codes[:, None] >> np.arange(m)[None]) & 1
    sizes = masks.sum(axis=1)
    weight = np.array([math.factorial(s) * math.factorial(m - s - 1) for s in range(m)])
    weight = weight / math.factorial(m)
    without = np.stack([codes[masks[:, i] == 0] for i in range(m)])  # (m, 2^(m-1))
    with_i = without | (1 << np.arange(m))[:, None]
    return masks.astype(bool), without, with_i, weight[sizes[without]].astype(np.float32)


def _sampled_coalitions(key: Array, m: int, n: int) -> Array:
    """``n`` masks (paired: z and 1 - z) with sizes drawn from the Shapley kernel."""
    sizes = np.arange(1, m)
    p = (m - 1) / (sizes * (m - sizes))
    k_key, u_key = jax.random.split(key)
    half = (n + 1) // 2
    k = jax.random.choice(k_key, jnp.asarray(sizes), (half,), p=jnp.asarray(p / p.sum()))
    u = jax.random.uniform(u_key, (half, m))
    ranks = jnp.argsort(jnp.argsort(u, axis=1), axis=1)
    z = ranks < k[:, None]
    return jnp.concatenate([z, ~z])[:n]


def kernel_shap(
    model: Any,
    params: Params,
    x: Array,
    target: Array,
    inputs: Inputs | None = None,
    settings: Settings | None = None,
) -> Attribution:
    """Shapley values with absent features (or groups) set to the baseline.

    The players are the features, or with a mask (``settings.groups > 0``) the groups of
    ``inputs.mask``: a group is present or absent as a whole and every feature of the group
    gets the group's value (Captum's ``feature_mask``); the completeness gap then counts each
    group once. With ``m <= settings.exact_max`` players every coalition is evaluated and the
    Shapley formula gives the exact values. Otherwise ``settings.coalitions`` coalitions are
    sampled from the Shapley kernel (so the regression weights are uniform) and the values
    come from least squares constrained to sum to ``f(x) - f(baseline)`` (efficiency);
    ``inputs.key`` fixes the sample. A linear model gives ``w * (x - baseline)`` either way.

    References:
        Lundberg, Lee (2017), A unified approach to interpreting model predictions.
    """
    x, inputs, settings = prepare(x, inputs, settings)
    f = target_fn(model, params, target)
    baseline = make_baseline(x, inputs, settings)
    m = n_groups(x, settings)
    fx, fb = f(x), f(baseline)
    if m <= settings.exact_max:
        masks, without, with_i, weight = _exact_tables(m)
        keep = spread(jnp.asarray(masks), inputs, settings)
        v = masked_scores(model, params, x, target, keep, baseline)
        phi = (jnp.asarray(weight) * (v[with_i] - v[without])).sum(axis=1)
    else:
        z = _sampled_coalitions(jax.random.fold_in(inputs.key, 2), m, settings.coalitions)
        v = masked_scores(model, params, x, target, spread(z, inputs, settings), baseline)
        zf = z.astype(x.dtype)
        y = v - fb - zf[:, -1] * (fx - fb)  # eliminate the last player via efficiency
        a = zf[:, :-1] - zf[:, -1:]
        gram = a.T @ a
        gram = gram + 1e-6 * (jnp.trace(gram) / (m - 1) + 1e-12) * jnp.eye(m - 1, dtype=x.dtype)
        beta = jnp.linalg.solve(gram, a.T @ y)
        phi = jnp.concatenate([beta, (fx - fb - beta.sum())[None]])
    gap = phi.sum() - (fx - fb)
    return Attribution(spread(phi, inputs, settings).reshape(x.shape), gap)
