"""The kernel's answer for a state, computed from its traits without the state's own plumbing."""

import jax

from nnwidgets.kernels import Settings, default_inputs, explain, grid_mask


def direct(state):
    """The kernel's outputs for the state's current input."""
    return expected(state, state.x)


def per_axis(state, size):
    """Occlusion's window / stride: an (H, W, C) image's window covers every channel."""
    shape = state.input_shape
    return (size, size, shape[2]) if len(shape) == 3 else (size,) * len(shape)


def expected(state, x):
    """``direct`` for the state's settings at input ``x``."""
    m = state
    mask = m.feature_mask
    if mask is None:
        mask = grid_mask(m.input_shape, m.superpixel)
    grouped = m.feature_mask is not None or m.superpixel > 0
    inputs = default_inputs(
        x,
        baseline=m.baseline,
        key=jax.random.key(m.seed),
        sigma=m.sigma,
        low=m.dataset.lo,
        high=m.dataset.hi,
        neuron=m.neuron,
        mask=mask,
    )
    settings = Settings(
        steps=m.ig_steps,
        rule=m.ig_rule,
        samples=m.samples,
        absolute=m.absolute,
        window=per_axis(m, m.window),
        stride=per_axis(m, m.stride),
        groups=int(mask.max()) + 1 if grouped else 0,
        coalitions=m.coalitions,
        layer=m.layer,
        cam_relu=m.cam_relu,
        baseline=m.baseline_kind if m.baseline_kind in ("blur", "uniform") else "input",
    )
    target = -1 if m.target is None else m.target
    return explain(m.model, m.params, x, target, inputs, method=m.method, settings=settings)
