"""LIME: a weighted ridge regression of the score on random on/off masks of the features."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from ._baselines import make_baseline
from ._perturb import masked_scores, n_groups, spread
from ._types import Array, Attribution, Inputs, Params, Settings, prepare, unavailable


def lime(
    model: Any,
    params: Params,
    x: Array,
    target: Array,
    inputs: Inputs | None = None,
    settings: Settings | None = None,
) -> Attribution:
    """Coefficients of a local linear surrogate over features switched between x and baseline.

    ``settings.coalitions`` random masks (each switch on with probability 1/2, plus the full
    input), weighted by ``exp(-d^2 / kernel_width^2)`` with ``d`` the cosine distance of the
    mask to all-on, fitted by ridge regression with an intercept (``settings.ridge``). A linear
    model gives ``w * (x - baseline)`` as the ridge penalty goes to 0.

    The switches are the features, or with a mask (``settings.groups > 0``) the groups of
    ``inputs.mask``, each switched as a whole; every feature gets its group's coefficient
    (Captum's ``feature_mask``). Captum fits a Lasso instead, which shrinks each coefficient
    towards 0 by ``alpha / Var(z) = 4 alpha``.

    References:
        Ribeiro, Singh, Guestrin (2016), "Why should I trust you?".
    """
    x, inputs, settings = prepare(x, inputs, settings)
    baseline = make_baseline(x, inputs, settings)
    m, n = n_groups(x, settings), settings.coalitions
    z = jax.random.bernoulli(jax.random.fold_in(inputs.key, 3), 0.5, (n, m))
    z = z.at[0].set(True)
    y = masked_scores(model, params, x, target, spread(z, inputs, settings), baseline)
    zf = z.astype(x.dtype)
    on = zf.sum(axis=1)
    cosine = on / (jnp.sqrt(jnp.maximum(on, 1.0)) * jnp.sqrt(float(m)))
    w = jnp.exp(-((1.0 - cosine) ** 2) / settings.kernel_width**2)
    w = w / w.sum()
    zc = zf - (w @ zf)[None]  # weighted centring: the intercept drops out
    yc = y - w @ y
    gram = (zc * w[:, None]).T @ zc + settings.ridge * jnp.eye(m, dtype=x.dtype)
    coef = jnp.linalg.solve(gram, (zc * w[:, None]).T @ yc)
    return Attribution(spread(coef, inputs, settings).reshape(x.shape), unavailable())
