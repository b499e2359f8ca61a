"""The kernel's answer for a state, computed from its traits without the state's own plumbing."""

import jax

from nnwidgets.kernels import Settings, default_inputs, explain


def direct(state):
    """The kernel's outputs for the state's current input."""
    return expected(state, state.x)


def expected(state, x):
    """``direct`` for the state's settings at input ``x``."""
    m, rank = state, len(state.input_shape)
    inputs = default_inputs(
        x,
        baseline=m.baseline,
        key=jax.random.key(m.seed),
        sigma=m.sigma,
        low=m.dataset.lo,
        high=m.dataset.hi,
        replacement=m.replacement,
        neuron=m.neuron,
    )
    settings = Settings(
        steps=m.ig_steps,
        rule=m.ig_rule,
        samples=m.samples,
        absolute=m.absolute,
        window=(m.window,) * rank,
        stride=(m.stride,) * rank,
        coalitions=m.coalitions,
        layer=m.layer,
        baseline=m.baseline_kind if m.baseline_kind in ("blur", "uniform") else "input",
    )
    target = -1 if m.target is None else m.target
    return explain(m.model, m.params, x, target, inputs, method=m.method, settings=settings)
