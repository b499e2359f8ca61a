"""Feature ablation: set one feature (or group) at a time to the baseline, measure the change."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from ._baselines import make_baseline
from ._perturb import masked_scores, n_groups, spread
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

    With a mask (``settings.groups > 0``) each group of ``inputs.mask`` is set to the baseline
    together, and every feature of the group gets the group's change (Captum's
    ``feature_mask``). A linear model gives ``w * (x - baseline)`` without a mask.
    """
    x, inputs, settings = prepare(x, inputs, settings)
    baseline = make_baseline(x, inputs, settings)
    keep = ~spread(jnp.eye(n_groups(x, settings), dtype=bool), inputs, settings)
    scores = masked_scores(model, params, x, target, keep, baseline)
    drop = target_fn(model, params, target)(x) - scores
    return Attribution(spread(drop, inputs, settings).reshape(x.shape), unavailable())
