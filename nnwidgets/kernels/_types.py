"""Contract types shared by all kernels."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import jax

Array = jax.Array
Params = Any
#: ``logit_fn(params, x) -> logits``: one example of the model's input shape in, ``(C,)`` out.
LogitFn = Callable[[Params, Array], Array]


class IGResult(NamedTuple):
    """Integrated Gradients output.

    Attributes:
        attribution: same shape as the input.
        completeness_gap: ``sum(attribution) - (f(x) - f(baseline))`` for the target logit ``f``;
            zero for exact integration (the completeness axiom).
    """

    attribution: Array
    completeness_gap: Array
