import jax
import numpy as np
import pytest
from kernel_reference import direct

from nnwidgets.models import Dense, Sequential, pretrained
from nnwidgets.state import ExplorerState, build_state

OUTPUTS = [
    "logits",
    "probs",
    "predicted",
    "explained",
    "activations",
    "attribution",
    "completeness_gap",
    "version",
]


@pytest.fixture(scope="module")
def bc():
    return build_state("breast_cancer")


def test_initial_outputs_equal_kernel(bc):
    e = direct(bc)
    np.testing.assert_allclose(bc.probs, e.probs, rtol=1e-6)
    np.testing.assert_allclose(bc.attribution, e.attribution, rtol=1e-6)
    assert bc.x.shape == (30,) and bc.x.dtype == np.float32
    assert bc.attribution.shape == bc.x.shape
    assert set(bc.activations) == {"dense_1", "dense_2", "dense_3"}
    assert bc.error == "" and bc.status == "ready"


def test_one_notification_batch_per_input_change(bc):
    seen = []

    def record(change):  # when any output notifies, every output is already the new one
        seen.append((change.name, bc.version, bc.probs.copy(), bc.attribution.copy()))

    bc.observe(record, names=OUTPUTS)
    v0 = bc.version
    x = bc.x.copy()
    x[3] += 0.5
    bc.x = x  # synchronous: outputs are new when the assignment returns
    bc.unobserve(record, names=OUTPUTS)
    assert bc.version == v0 + 1
    assert [s[0] for s in seen].count("version") == 1
    e = direct(bc)
    for _, version, probs, attribution in seen:
        assert version == v0 + 1
        np.testing.assert_allclose(probs, e.probs, rtol=1e-6)
        np.testing.assert_allclose(attribution, e.attribution, rtol=1e-6)


@pytest.mark.parametrize(
    "method", ["saliency", "gradient_x_input", "integrated_gradients", "smoothgrad"]
)
def test_every_method_matches_kernel(bc, method):
    bc.method = method
    bc.target = 0
    e = direct(bc)
    np.testing.assert_allclose(bc.attribution, e.attribution, rtol=1e-5, atol=1e-7)
    assert bc.explained == 0
    assert (bc.completeness_gap is None) == (method != "integrated_gradients")
    bc.target = None
    assert bc.explained == bc.predicted


def test_nan_input_sets_error_keeps_outputs_and_recovers(bc):
    before = (bc.x.copy(), bc.probs.copy(), bc.version)
    bad = bc.x.copy()
    bad[2] = np.nan
    bc.x = bad
    assert "expected finite float32 values" in bc.error and "mean perimeter" in bc.error
    np.testing.assert_array_equal(bc.x, before[0])
    np.testing.assert_array_equal(bc.probs, before[1])
    assert bc.version == before[2]
    good = bc.x.copy()
    good[2] = 0.25
    bc.x = good
    assert bc.error == "" and bc.version == before[2] + 1


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("x", np.zeros(29), "x: expected shape (30,), got (29,)"),
        ("x", np.full(30, np.inf), "expected finite float32 values, got inf"),
        ("target", 2, "target: expected None or a class in [0, 2), got 2"),
        ("target", -1, "got -1"),
        ("method", "lrp", "method: expected one of"),
        ("ig_steps", 0, "ig_steps: expected an int in [1, 4096], got 0"),
        ("samples", 0, "samples: expected an int"),
        ("sigma", -1.0, "sigma: expected a finite float >= 0"),
        ("baseline", np.zeros((5, 6)), "baseline: expected shape (30,), got (5, 6)"),
    ],
)
def test_bad_assignments_are_refused_with_a_message(bc, name, value, message):
    bc.x = bc.dataset.X_test[1]  # a valid step first: clears any error
    old = getattr(bc, name)
    setattr(bc, name, value)
    assert message in bc.error
    new = getattr(bc, name)
    assert new is old or (not isinstance(new, np.ndarray) and new == old)
    bc.x = bc.dataset.X_test[2]
    assert bc.error == ""


def test_integer_and_float64_inputs_become_float32(bc):
    bc.x = np.arange(30)  # e.g. from an IntSlider
    assert bc.x.dtype == np.float32 and bc.error == ""
    assert np.isfinite(bc.attribution).all()


def test_x_cannot_be_mutated_in_place(bc):
    with pytest.raises(ValueError, match="read-only"):
        bc.x[0] = 1.0


def test_nonfinite_model_output_keeps_last_good_state():
    def fn(p, x):  # log of a negative: NaN whenever x[0] < 0
        return jax.numpy.stack([jax.numpy.log(x[0]), x[1]])

    X = np.array([[1.0, 2.0], [2.0, 1.0]], np.float32)
    state = build_state(fn, None, data=(X, np.array([0, 1])))
    probs = state.probs.copy()
    state.x = np.array([-1.0, 0.0])
    assert "NaN/inf" in state.error
    np.testing.assert_array_equal(state.probs, probs)
    state.x = np.array([3.0, 0.0])
    assert state.error == ""


def test_no_recompile_while_dragging(bc):
    from nnwidgets.kernels import step_traces

    bc.method = "integrated_gradients"
    n = step_traces()
    rng = np.random.default_rng(1)
    for _ in range(50):
        bc.x = rng.normal(size=30).astype(np.float32)
        bc.sigma = float(rng.uniform(0, 1))
        bc.target = int(rng.integers(0, 2))
    assert step_traces() == n


def test_build_state_argument_errors():
    with pytest.raises(ValueError, match=r"model: expected one of \['digits'.*got 'mnist'"):
        build_state("mnist")
    net = Sequential((4,), (Dense(3),))
    X, y = np.zeros((5, 4)), np.zeros(5, int)
    with pytest.raises(ValueError, match="params: expected parameters"):
        build_state(net, None, data=(X, y))
    with pytest.raises(ValueError, match="data: expected"):
        build_state(net, net.init(jax.random.key(0)))
    with pytest.raises(ValueError, match=r"data y: expected shape \(5,\)"):
        build_state(net, net.init(jax.random.key(0)), data=(X, np.zeros(4, int)))
    with pytest.raises(ValueError, match=r"params\[0\]\['w'\]: expected shape \(4, 3\)"):
        build_state(net, ({"w": np.zeros((3, 3)), "b": np.zeros(3)},), data=(X, y))
    with pytest.raises(ValueError, match=r"data X: expected examples of shape \(4,\)"):
        build_state(net, net.init(jax.random.key(0)), data=(np.zeros((5, 3)), y))
    with pytest.raises(ValueError, match="x: expected shape"):
        build_state("iris", x=np.zeros(3))


def test_user_sequential_model_and_arrays():
    m = pretrained("iris")
    state = build_state(m.model, m.params, data=(m.dataset.X_test, m.dataset.y_test))
    assert isinstance(state, ExplorerState) and state.class_names == ("0", "1", "2")
    np.testing.assert_allclose(state.probs, direct(state).probs)


def test_first_use_of_a_method_shows_compiling_then_ready():
    state = build_state("wine")
    seen = []
    state.observe(lambda c: seen.append(c.new), names="status")
    state.samples = 5  # a new static setting: compiles once
    state.method = "smoothgrad"
    assert seen[0].startswith("compiling smoothgrad") and seen[-1] == "ready"
    seen.clear()
    state.x = state.dataset.X_test[4]  # same setting again: no compile
    assert not any(s.startswith("compiling") for s in seen)


def test_settings_a_method_ignores_never_compile():
    from nnwidgets.kernels import step_traces

    state = build_state("iris", method="saliency")
    n = step_traces()
    for k in (3, 7, 9):
        state.ig_steps, state.samples = k, k  # not used by saliency
    assert step_traces() == n


def test_all_zero_attribution_gives_a_notice_not_a_blank_map():
    def fn(p, x):  # round() has zero gradient everywhere: FAULTS 8
        return jax.numpy.stack([jax.numpy.round(x[0]), -jax.numpy.round(x[1])])

    X = np.array([[1.0, 2.0], [2.0, 1.0]], np.float32)
    state = build_state(fn, None, data=(X, np.array([0, 1])))
    assert state.error == "" and state.status == "ready"
    np.testing.assert_array_equal(state.attribution, np.zeros(2, np.float32))
    assert "attribution is all zero" in state.notice
    state.x = np.array([0.3, 0.4])  # still zero: the notice stays
    assert "attribution is all zero" in state.notice


def test_constant_model_gives_zero_attribution_for_every_method_without_nan():
    X = np.array([[1.0, 2.0], [2.0, 1.0]], np.float32)
    state = build_state(
        lambda p, x: jax.numpy.array([1.0, 0.0]) + 0 * x.sum(), None, data=(X, np.array([0, 1]))
    )
    for method in ("saliency", "gradient_x_input", "integrated_gradients", "smoothgrad"):
        state.method = method
        assert state.error == "", method
        np.testing.assert_array_equal(state.attribution, np.zeros(2, np.float32))
        assert "attribution is all zero" in state.notice


def test_a_model_that_cannot_be_jitted_runs_eagerly_with_a_warning():
    def fn(p, x):  # Python branches on a value: jit raises TracerBoolConversionError (FAULTS 9)
        if x[0] > 0:
            return jax.numpy.stack([2.0 * x[0], x[1]])
        return jax.numpy.stack([x[0], 3.0 * x[1]])

    X = np.array([[1.0, 2.0], [-2.0, 1.0]], np.float32)
    state = build_state(fn, None, data=(X, np.array([0, 1])), target=0)
    assert state.error == ""
    assert "running eagerly" in state.notice and "TracerBoolConversionError" in state.notice
    np.testing.assert_allclose(state.attribution, [2.0, 0.0])  # d(2 x0)/dx at x0 = 1 > 0
    state.x = np.array([-1.0, 5.0])  # the other branch, still eager and correct
    assert "running eagerly" in state.notice
    np.testing.assert_allclose(state.attribution, [1.0, 0.0])
    np.testing.assert_allclose(state.logits, [-1.0, 15.0])
    state.x = np.array([np.nan, 0.0])  # validation still works
    assert "finite" in state.error
    np.testing.assert_allclose(state.logits, [-1.0, 15.0])
    state.method = "integrated_gradients"  # vmaps over the path: impossible even eagerly
    assert "method: integrated_gradients" in state.error and "jnp.where" in state.error
    np.testing.assert_allclose(state.attribution, [1.0, 0.0])  # the last good map stays
    assert state.method == "saliency"  # and the method it belongs to
    state.x = np.array([-1.0, 4.0])  # the next interaction works
    assert state.error == ""
    np.testing.assert_allclose(state.logits, [-1.0, 12.0])


def test_trained_model_has_no_notice(bc):
    assert bc.notice == ""


def test_switching_methods_compiles_once_per_new_static_setting_and_never_for_arrays():
    from nnwidgets.kernels import METHODS, step_traces

    state = build_state("digits_cnn")
    for method in METHODS:  # first visit: at most one compile each
        n = step_traces()
        state.method = method
        assert state.error == "", (method, state.error)
        assert step_traces() <= n + 1, method
    n = step_traces()
    for method in METHODS:  # second visit, array inputs moving: nothing compiles
        state.method = method
        state.sigma, state.seed = 0.3, 5
        state.x = state.dataset.X_test[3]
        state.neuron = 7
        state.baseline_kind = "mean"
        state.baseline_kind = "zero"
    assert step_traces() == n
    state.method = "integrated_gradients"
    state.ig_steps = 64  # a new static setting: exactly one compile, then none
    assert step_traces() == n + 1
    state.ig_steps = 32
    state.ig_steps = 64
    assert step_traces() == n + 1


def test_baseline_kinds_and_every_method_match_the_kernel():
    state = build_state("digits_cnn")
    for kind in ("mean", "blur", "uniform", "zero"):
        for method in ("integrated_gradients", "kernel_shap", "occlusion", "feature_ablation"):
            with state.batch():
                state.method, state.baseline_kind = method, kind
            assert state.error == "", state.error
            np.testing.assert_allclose(
                state.attribution, direct(state).attribution, rtol=1e-4, atol=1e-5
            )
    assert state.completeness_gap is None  # feature_ablation last: no gap
    state.method = "kernel_shap"
    assert state.completeness_gap is not None
    state.method = "occlusion"
    assert state.completeness_gap is None


def test_a_batch_of_assignments_recomputes_once():
    state = build_state("iris")
    v = state.version
    with state.batch():
        state.method, state.layer, state.neuron = "neuron_gradient", "dense_1", 4
    assert state.version == v + 1 and state.neuron == 4
    state.baseline_kind = "mean"  # kind and array together: one recompute
    assert state.version == v + 2


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("window", 9, "window: expected an int from 1 to the input's smallest axis (8), got 9"),
        ("stride", 0, "stride: expected an int from 1 to the window (2), got 0"),
        ("stride", 3, "stride: expected an int from 1 to the window (2), got 3"),
        ("superpixel", 9, "superpixel: expected an int from 0 (none) to the input's smallest"),
        ("superpixel", -1, "superpixel: expected an int from 0 (none)"),
        ("feature_mask", np.zeros((8, 8)), "feature_mask: expected None or int group ids"),
        ("feature_mask", np.zeros((4, 4), int), "got int64 of shape (4, 4)"),
        ("feature_mask", np.arange(64).reshape(8, 8) + 1, "each used, got ids [1, 2, 3,"),
        ("feature_mask", np.arange(64).reshape(8, 8) % 3 * 2, "each used, got ids [0, 2, 4]"),
        ("cam_relu", "no", "cam_relu: expected True or False, got 'no'"),
        ("ig_rule", "simpson", "ig_rule: expected one of"),
        ("baseline_kind", "median", "baseline_kind: expected one of"),
        ("layer", "conv_9", "layer: expected '' or one of"),
        ("neuron", 512, "neuron: expected an index in [0, 512), got 512"),
        ("coalitions", 0, "coalitions: expected an int in [1, 4096], got 0"),
    ],
)
def test_bad_settings_are_refused_and_shown(name, value, message):
    state = build_state("digits_cnn")
    before, attribution = getattr(state, name), state.attribution.copy()
    setattr(state, name, value)
    assert message in state.error
    assert getattr(state, name) == before
    np.testing.assert_array_equal(state.attribution, attribution)
    state.x = state.dataset.X_test[1]  # the next interaction works
    assert state.error == ""


def test_occlusion_window_and_stride_keep_stride_within_the_window():
    state = build_state("digits", method="occlusion")
    state.window, state.stride = 4, 3
    assert state.error == "" and state.settings().stride == (3, 3)
    state.window = 2  # below the stride: refused, the stride would skip pixels
    assert (
        state.error
        == "window: expected an int from 3 (the stride) to the input's smallest axis (8), got 2"
    )
    assert state.window == 4
    np.testing.assert_allclose(state.attribution, direct(state).attribution, rtol=1e-5)


def image_state(**inputs):
    """An Explorer state for (6, 6, 3) images (a small random CNN)."""
    from nnwidgets.models import Conv2D, Flatten

    rng = np.random.default_rng(0)
    X = rng.uniform(size=(12, 6, 6, 3)).astype(np.float32)
    y = np.arange(12) % 3
    net = Sequential((6, 6, 3), (Conv2D(4, 3, activation="relu"), Flatten(), Dense(3)))
    return build_state(net, net.init(jax.random.key(0)), data=(X, y), **inputs)


def test_occlusion_windows_of_an_hwc_image_cover_every_channel():
    state = image_state(method="occlusion")
    assert state.error == "" and state.settings().window == (2, 2, 3)
    state.window, state.stride = 4, 4  # 6 is not a multiple of 4: the last window is cut
    assert state.error == "", state.error
    s = state.settings()
    assert (s.window, s.stride) == ((4, 4, 3), (4, 4, 3))
    a = state.attribution
    np.testing.assert_allclose(a, direct(state).attribution, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(a[..., 0], a[..., 2])  # a window takes a pixel's channels
    assert np.ptp(a[4:, 4:]) == 0 and np.abs(a[4:, 4:]).max() > 0  # the cut corner window
    state.window = 7
    assert (
        "window: expected an int from 4 (the stride) to the input's smallest spatial axis (6)"
        in state.error
    )


def test_superpixels_group_the_perturbation_methods_and_never_recompile_for_mask_values():
    from nnwidgets.kernels import grid_mask, step_traces

    state = build_state("digits_cnn", method="kernel_shap")
    state.superpixel = 4  # 2 x 2 cells of 4 x 4 pixels: 4 groups, exact Shapley values
    assert state.error == "" and state.settings().groups == 4
    cells = grid_mask((8, 8), 4)
    for method in ("kernel_shap", "lime", "feature_ablation", "occlusion"):
        state.method = method
        assert state.error == "", state.error
        np.testing.assert_allclose(
            state.attribution, direct(state).attribution, rtol=1e-4, atol=1e-5
        )
        for g in range(4):
            assert np.ptp(state.attribution[cells == g]) == 0, (method, g)
    n = step_traces()
    rows = np.repeat(np.arange(4), 16).reshape(8, 8)  # 4 groups again: a new mask, no compile
    state.feature_mask = rows
    assert state.error == "" and step_traces() == n
    np.testing.assert_allclose(state.attribution, direct(state).attribution, rtol=1e-4, atol=1e-5)
    assert all(np.ptp(state.attribution[2 * g : 2 * g + 2]) == 0 for g in range(4))
    state.feature_mask = rows[::-1]
    assert step_traces() == n
    state.feature_mask = None  # back to the superpixels (the same groups count)
    assert step_traces() == n and state.settings().groups == 4
    state.superpixel = 0
    assert state.settings().groups == 0


def test_superpixels_need_an_image(bc):
    bc.superpixel = 2
    assert "superpixel: expected 0 (superpixels need an image input" in bc.error
    assert bc.superpixel == 0
    bc.x = bc.dataset.X_test[0]
    assert bc.error == ""


def test_grad_cam_relu_is_an_input_trait():
    from nnwidgets.kernels import step_traces

    state = build_state("digits_cnn", method="grad_cam")
    kept = state.attribution.copy()
    n = step_traces()
    state.cam_relu = False  # at most one compile (none if another test compiled it already)
    assert state.error == "" and state.settings().cam_relu is False and step_traces() <= n + 1
    m = step_traces()
    state.cam_relu = True
    state.cam_relu = False
    assert step_traces() == m  # each setting compiles once, never again
    np.testing.assert_allclose(state.attribution, direct(state).attribution, rtol=1e-4, atol=1e-6)
    assert state.attribution.min() <= kept.min()


def test_publish_values_assigns_every_value_then_notifies_only_the_changed_ones():
    import traitlets as t

    from nnwidgets.state._publishing import Publishes

    class Outputs(Publishes):
        a = t.Int(0)
        b = t.Any()
        c = t.Unicode("same")

    s = Outputs(b=np.zeros(3))
    seen = []
    s.observe(lambda ch: seen.append((ch.name, ch.old, s.a, s.b.sum(), s.c)), names=["a", "b", "c"])
    s.publish_values({"a": 1, "b": np.ones(3), "c": "same"})
    # both notifications after both values are in place; the unchanged string notifies no one
    assert [(n, o, a, float(b), c) for n, o, a, b, c in seen[:1]] == [("a", 0, 1, 3.0, "same")]
    assert [n for n, *_ in seen] == ["a", "b"]
    s.publish_values({"a": 1})
    assert len(seen) == 2
