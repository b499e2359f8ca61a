"""Feature ablation: replace one feature at a time by the baseline and measure the change."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from ._baselines import make_baseline
from ._perturb import masked_scores
from ._types import Array, Attribution, Inputs, Params, Settings, prepare, target_fn, unavailable


def feature_ablation(
    model: Any,
    params: Params,
    x: Array,
    target: Array,
    inputs: Inputs | None = None,
    settings: Settings | None = None,
) -> Attribution:
    """``f(x) - f(x with feature i set to baseline_i)`` for every element ``i``.

    A linear model gives ``w * (x - baseline)``.
    """
    x, inputs, settings = prepare(x, inputs, settings)
    baseline = make_baseline(x, inputs, settings)
    keep = ~jnp.eye(x.size, dtype=bool)
    scores = masked_scores(model, params, x, target, keep, baseline)
    drop = target_fn(model, params, target)(x) - scores
    return Attribution(drop.reshape(x.shape), unavailable())
