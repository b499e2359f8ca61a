"""Property-based fault tests: random inputs and random sequences of settings.

Invariant: an assignment is either refused (``state.error`` set, every output unchanged) or
every output is finite and consistent (probabilities sum to 1, attribution has x's shape, the
map equals a fresh recompute of the same settings), and the controls show the state's values.
Profiles: ``--hypothesis-profile=ci`` (the default under CI) runs few examples, ``dev`` more.
"""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from widget_comm import dummy_comm  # noqa: F401  (fixture)

from nnwidgets.state import METHODS, PlaygroundState, build_state
from nnwidgets.views import MethodControls

settings.register_profile(
    "ci", max_examples=15, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.register_profile(
    "dev", max_examples=200, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

OUTPUTS = ("logits", "probs", "attribution", "version")


@pytest.fixture(scope="module")
def iris():
    return build_state("iris")


def check(s, before, error_before):
    """Refused with every output unchanged, or published, finite and consistent."""
    if s.error and s.version == before["version"]:
        for k, v in before.items():
            assert getattr(s, k) is v, k
        return
    assert s.error == "", s.error
    assert np.isfinite(s.probs).all() and abs(float(s.probs.sum()) - 1) < 1e-5
    assert s.attribution.shape == s.x.shape and np.isfinite(s.attribution).all()
    shown = s.attribution.copy()
    s.recompute()
    np.testing.assert_allclose(s.attribution, shown, rtol=1e-5, atol=1e-6)


SHAPES = hnp.array_shapes(min_dims=0, max_dims=2, max_side=5)
ARRAYS = st.one_of(
    hnp.arrays(st.sampled_from([np.float32, np.float64]), SHAPES, elements=st.floats(width=32)),
    hnp.arrays(st.sampled_from([np.int32, np.uint8, np.int64]), SHAPES),
    st.lists(st.floats(allow_nan=True), min_size=0, max_size=6),
    st.none(),
    st.text(max_size=3),
)


@given(value=ARRAYS)
def test_any_value_assigned_to_x_is_refused_or_consistent(iris, value):
    before = {k: getattr(iris, k) for k in OUTPUTS}
    try:
        iris.x = value
    except Exception as e:  # never: an assignment in a live app is refused, not raised
        pytest.fail(f"x = {value!r} raised {e!r}")
    check(iris, before, iris.error)
    iris.x = iris.dataset.X_test[0]


SETTINGS = st.one_of(
    st.tuples(st.just("method"), st.sampled_from([*METHODS, "nope"])),
    st.tuples(st.just("ig_steps"), st.integers(-2, 300)),
    st.tuples(st.just("samples"), st.integers(-1, 40)),
    st.tuples(st.just("coalitions"), st.integers(-1, 300)),
    st.tuples(st.just("sigma"), st.floats(-1, 3) | st.just(float("nan"))),
    st.tuples(st.just("seed"), st.integers(-5, 2**31 + 5)),
    st.tuples(st.just("window"), st.integers(-1, 6)),
    st.tuples(st.just("stride"), st.integers(-1, 6)),
    st.tuples(st.just("target"), st.one_of(st.none(), st.integers(-2, 4), st.floats(0, 3))),
    st.tuples(
        st.just("feature_mask"), st.sampled_from([None, np.array([0, 1, 1, 0]), [0.5], "ab"])
    ),
    st.tuples(st.just("absolute"), st.booleans()),
)


@given(changes=st.lists(SETTINGS, min_size=1, max_size=6))
def test_random_settings_are_refused_or_consistent_and_shown_by_the_controls(iris, changes):
    controls = MethodControls(iris)
    try:
        for name, value in changes:
            before = {k: getattr(iris, k) for k in OUTPUTS}
            setattr(iris, name, value)
            check(iris, before, iris.error)
            for trait, control in controls.settings.items():  # shown, never clamped back
                assert control.value == getattr(iris, trait), trait
            assert controls.method.value == iris.method
    finally:
        controls.close()
        iris.method, iris.target, iris.seed = "saliency", None, 0


PLAYGROUND = st.one_of(
    st.tuples(st.just("learning_rate"), st.floats(-1, 20) | st.just(float("nan"))),
    st.tuples(st.just("reg_rate"), st.floats(-1, 20)),
    st.tuples(st.just("optimizer"), st.sampled_from(["sgd", "momentum", "adam", "rmsprop"])),
    st.tuples(st.just("hidden"), st.lists(st.integers(0, 9), max_size=7)),
    st.tuples(st.just("dataset"), st.sampled_from(["circle", "xor", "gaussian", "spiral"])),
    st.tuples(st.just("batch_size"), st.integers(0, 40)),
    st.tuples(st.just("activation"), st.sampled_from(["tanh", "relu", "sigmoid", "cube"])),
    st.tuples(st.just("features"), st.lists(st.sampled_from(["x1", "x2", "x1²", "x1*x2"]))),
    st.tuples(st.just("step"), st.just(None)),
    st.tuples(st.just("play"), st.just(None)),
    st.tuples(st.just("pause"), st.just(None)),
)


@given(changes=st.lists(PLAYGROUND, min_size=1, max_size=5))
def test_random_playground_changes_publish_only_finite_values_and_round_trip(changes):
    s = PlaygroundState(dataset="xor", hidden=[3])
    for name, value in changes:
        if name == "step":
            s.step_once()
        elif name in ("play", "pause"):
            getattr(s, name)()
        else:
            setattr(s, name, value)
        assert s.loss is None or np.isfinite(s.loss)
        assert all(np.isfinite(v).all() for v in s.history.values())
    s.pause()
    if not s.error:
        text = s.to_json()
        assert PlaygroundState.from_json(text).to_json() == text
    s.close()
