"""The attribution suite: every method against closed-form answers and its axioms."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from nnwidgets.kernels import (
    IG_RULES,
    KERNELS,
    METHODS,
    Settings,
    attribute_batch,
    default_chunk,
    default_inputs,
    explain,
    explain_flat,
    feature_ablation,
    integrated_gradients,
    kernel_shap,
    lime,
    occlusion,
    quadrature,
    randomisation_check,
    saliency,
    smoothgrad,
    smoothgrad_sq,
    spearman,
    static_settings,
    unpack,
    vargrad,
)
from nnwidgets.models import adapt, pretrained

W = jax.random.normal(jax.random.key(11), (5, 3))
X = jnp.array([0.5, -1.0, 2.0, 0.3, 1.5])
B = jnp.array([0.1, 0.2, -0.3, 0.0, 0.5])
T = jnp.int32(1)


def linear(p, x):
    return x @ p


def sum_sq(p, x):
    return jnp.stack([jnp.sum(x**2), 0.0 * jnp.sum(x)])


def ins(**kw):
    return default_inputs(X, baseline=B, **kw)


@pytest.mark.parametrize("rule", IG_RULES)
@pytest.mark.parametrize("steps", [1, 2, 5, 33])
def test_linear_ig_is_exact_for_every_rule_and_step_count(rule, steps):
    a = integrated_gradients(linear, W, X, T, ins(), Settings(steps=steps, rule=rule))
    np.testing.assert_allclose(a.attribution, W[:, 1] * (X - B), rtol=1e-5, atol=1e-6)
    assert abs(float(a.completeness_gap)) < 1e-5


@pytest.mark.parametrize("rule", ["middle", "gauss_legendre"])
def test_sum_of_squares_ig_is_x_squared(rule):
    a = integrated_gradients(sum_sq, None, X, jnp.int32(0), None, Settings(steps=4, rule=rule))
    np.testing.assert_allclose(a.attribution, X**2, rtol=1e-5)


def test_right_riemann_error_shrinks_like_one_over_n():
    errors = []
    for n in (10, 20, 40, 80):
        a = integrated_gradients(
            sum_sq, None, X, jnp.int32(0), None, Settings(steps=n, rule="right")
        )
        errors.append(float(jnp.abs(a.attribution - X**2).sum()))
    ratios = np.array(errors[:-1]) / np.array(errors[1:])
    np.testing.assert_allclose(ratios, 2.0, rtol=0.02)  # halving the step halves the error


def test_quadrature_weights_sum_to_one_and_chunking_changes_nothing():
    for rule in IG_RULES:
        for n in (1, 2, 7):
            a, w = quadrature(rule, n)
            assert a.shape == w.shape == (n,) and abs(w.sum() - 1) < 1e-6
    m = pretrained("digits")
    x = jnp.asarray(m.dataset.X_test[1])
    whole = integrated_gradients(m.model, m.params, x, T, None, Settings(steps=300))
    chunked = integrated_gradients(m.model, m.params, x, T, None, Settings(steps=300, chunk=64))
    np.testing.assert_allclose(chunked.attribution, whole.attribution, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        (lambda x: jax.nn.relu(jax.nn.relu(x[0]) - 1 - jax.nn.relu(x[1])), (1.5, -0.5)),
        (lambda x: jax.nn.relu(jax.nn.relu(x[0] - 1) - jax.nn.relu(x[1])), (1.5, -0.5)),
    ],
)
def test_ig_papers_two_relu_examples(f, expected):
    def model(p, x):
        return jnp.stack([f(x), 0.0 * x[0]])

    a = integrated_gradients(
        model, None, jnp.array([3.0, 1.0]), jnp.int32(0), None, Settings(steps=200)
    )
    np.testing.assert_allclose(a.attribution, expected, atol=0.05)


def test_smoothgrad_family_on_a_linear_model():
    inputs = ins(sigma=0.5, key=jax.random.key(3))
    s = Settings(samples=32)
    np.testing.assert_allclose(
        smoothgrad(linear, W, X, T, inputs, s).attribution, W[:, 1], rtol=1e-5
    )
    np.testing.assert_allclose(
        smoothgrad_sq(linear, W, X, T, inputs, s).attribution, W[:, 1] ** 2, rtol=1e-5
    )
    np.testing.assert_allclose(vargrad(linear, W, X, T, inputs, s).attribution, 0.0, atol=1e-6)


def test_smoothgrad_sq_and_vargrad_see_the_noise_on_a_nonlinear_model():
    inputs = default_inputs(X, sigma=0.3, key=jax.random.key(4))
    s = Settings(samples=64)
    sg = smoothgrad(sum_sq, None, X, jnp.int32(0), inputs, s).attribution
    sq = smoothgrad_sq(sum_sq, None, X, jnp.int32(0), inputs, s).attribution
    var = vargrad(sum_sq, None, X, jnp.int32(0), inputs, s).attribution
    np.testing.assert_allclose(sq, var + sg**2, rtol=1e-4, atol=1e-5)  # E[g^2] = Var g + (E g)^2
    assert float(var.min()) > 0


@pytest.mark.parametrize("b", [B, jnp.full(5, 0.25)])
def test_occlusion_window_one_fills_with_the_baseline_w_times_x_minus_b(b):
    a = occlusion(linear, W, X, T, default_inputs(X, baseline=b), Settings(window=(1,)))
    np.testing.assert_allclose(a.attribution, W[:, 1] * (X - b), rtol=1e-5, atol=1e-6)
    ablated = feature_ablation(linear, W, X, T, default_inputs(X, baseline=b))
    np.testing.assert_allclose(a.attribution, ablated.attribution, rtol=1e-6)


def test_occlusion_covers_the_trailing_elements_captums_way():
    """5 elements, window 2, stride 2: windows [0, 2), [2, 4) and [4, 5) (cut at the border)."""
    a = occlusion(linear, W, X, T, ins(), Settings(window=(2,), stride=(2,))).attribution
    drop = W[:, 1] * (X - B)
    want = jnp.array([drop[0] + drop[1]] * 2 + [drop[2] + drop[3]] * 2 + [drop[4]])
    np.testing.assert_allclose(a, want, rtol=1e-5, atol=1e-6)


def test_occlusion_windows_average_over_the_windows_covering_each_pixel():
    img = jnp.arange(16.0).reshape(4, 4) / 16

    def total(p, x):
        return jnp.stack([x.sum(), 0.0 * x.sum()])

    a = occlusion(
        total, None, img, jnp.int32(0), default_inputs(img), Settings(window=(2, 2), stride=(2, 2))
    ).attribution
    blocks = img.reshape(2, 2, 2, 2).sum(axis=(1, 3))  # each window's drop: its block's sum
    np.testing.assert_allclose(a, np.kron(blocks, np.ones((2, 2))), rtol=1e-6)


def test_feature_ablation_and_kernel_shap_exact_and_sampled_are_w_times_x_minus_b():
    want = W[:, 1] * (X - B)
    np.testing.assert_allclose(
        feature_ablation(linear, W, X, T, ins()).attribution, want, rtol=1e-5, atol=1e-6
    )
    exact = kernel_shap(linear, W, X, T, ins(), Settings(exact_max=12))
    np.testing.assert_allclose(exact.attribution, want, rtol=1e-5, atol=1e-6)
    sampled = kernel_shap(linear, W, X, T, ins(), Settings(exact_max=1, coalitions=64))
    np.testing.assert_allclose(sampled.attribution, want, rtol=1e-4, atol=1e-5)
    assert abs(float(sampled.completeness_gap)) < 1e-5


def test_kernel_shap_exact_enumeration_equals_the_shapley_formula_on_an_interaction():
    def f(p, x):  # x0*x1 + x2: Shapley splits the interaction equally
        return jnp.stack([x[0] * x[1] + x[2], 0.0 * x[0]])

    x = jnp.array([2.0, 3.0, 1.0])
    a = kernel_shap(f, None, x, jnp.int32(0), default_inputs(x), Settings())
    np.testing.assert_allclose(a.attribution, [3.0, 3.0, 1.0], rtol=1e-6)
    assert abs(float(a.completeness_gap)) < 1e-5


def test_sampled_kernel_shap_on_thirty_features_keeps_efficiency():
    w = jax.random.normal(jax.random.key(5), (30, 2))
    x = jax.random.normal(jax.random.key(6), (30,))
    a = kernel_shap(linear, w, x, jnp.int32(0), default_inputs(x), Settings(coalitions=128))
    np.testing.assert_allclose(a.attribution, w[:, 0] * x, rtol=1e-3, atol=1e-4)


def test_lime_recovers_a_linear_model():
    a = lime(linear, W, X, T, ins(key=jax.random.key(2)), Settings(coalitions=512, ridge=1e-6))
    np.testing.assert_allclose(a.attribution, W[:, 1] * (X - B), rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("name", ["digits", "breast_cancer"])
def test_ig_completeness_at_200_steps_on_trained_model(name):
    m = pretrained(name)
    x = jnp.asarray(m.dataset.X_test[2])
    t = jnp.argmax(m.model.logits(m.params, x)).astype(jnp.int32)
    a = integrated_gradients(m.model, m.params, x, t, None, Settings(steps=200))
    delta = m.model.logits(m.params, x)[t] - m.model.logits(m.params, jnp.zeros_like(x))[t]
    assert abs(float(a.completeness_gap)) < 0.005 * abs(float(delta))


def _all_settings(model):
    return {method: Settings(steps=16, samples=8, coalitions=64) for method in METHODS}


@pytest.mark.parametrize("name", ["digits", "iris", "wine", "breast_cancer"])
def test_every_method_on_every_bundled_model_is_finite_and_shaped_like_the_input(name):
    m = pretrained(name)
    x = m.dataset.X_test[0]
    for method in METHODS:
        if method == "grad_cam":
            continue  # needs a conv layer: tested on the CNN
        window = (2, 2) if x.ndim == 2 else (1,)
        s = Settings(steps=16, samples=8, coalitions=64, window=window, stride=window)
        e = explain(
            m.model, m.params, x, method=method, settings=s, low=m.dataset.lo, high=m.dataset.hi
        )
        assert e.attribution.shape == x.shape, method
        assert np.isfinite(e.attribution).all(), method


@pytest.mark.parametrize("method", [m for m in METHODS if m != "grad_cam"])
def test_batch_of_inputs_equals_single_calls(method):
    m = pretrained("breast_cancer")
    xs = jnp.asarray(m.dataset.X_test[:4])
    s = static_settings(method, Settings(steps=8, samples=4, coalitions=64))
    kernel = KERNELS[method]

    def one(x):
        inputs = default_inputs(x, key=jax.random.key(1), sigma=0.2)
        return kernel(m.model, m.params, x, jnp.int32(1), inputs, s).attribution

    batched = jax.vmap(one)(xs)
    singles = jnp.stack([one(x) for x in xs])
    assert batched.shape == xs.shape
    # least-squares methods solve a small system: batched and single solves differ in rounding
    atol = 1e-4 if method in ("kernel_shap", "lime") else 1e-5
    np.testing.assert_allclose(batched, singles, rtol=1e-4, atol=atol)


@pytest.mark.parametrize("method", [m for m in METHODS if m != "grad_cam"])
def test_attribute_batch_in_chunks_equals_single_calls(method):
    """7 inputs in chunks of 3 (the last one short): the numbers of one call per input."""
    m = pretrained("breast_cancer")
    xs = jnp.asarray(m.dataset.X_test[:7])
    ts = jnp.asarray(m.dataset.y_test[:7], jnp.int32)
    s = static_settings(method, Settings(steps=8, samples=4, coalitions=64))
    inputs = default_inputs(xs[0], key=jax.random.key(1), sigma=0.2)
    batch = attribute_batch(method, m.model, m.params, xs, ts, inputs, s, chunk=3)
    singles = [KERNELS[method](m.model, m.params, x, t, inputs, s) for x, t in zip(xs, ts)]
    stacked = np.asarray(jnp.stack([a.attribution for a in singles]))
    # least-squares solves round differently batched and alone (how much depends on the CPU's
    # kernels): 1e-4 of the maps' largest magnitude
    scale = float(np.abs(stacked).max())
    atol = 1e-4 * max(scale, 1.0) if method in ("kernel_shap", "lime") else 1e-5
    np.testing.assert_allclose(batch.attribution, stacked, rtol=1e-4, atol=atol)
    np.testing.assert_allclose(
        batch.completeness_gap,
        jnp.stack([a.completeness_gap for a in singles]),
        rtol=1e-4,
        atol=1e-4,
    )


def test_attribute_batch_on_the_cnn_and_its_default_chunks():
    cnn = pretrained("digits_cnn")
    xs, ts = jnp.asarray(cnn.dataset.X[:5]), jnp.asarray(cnn.dataset.y[:5], jnp.int32)
    for method in ("grad_cam", "occlusion"):
        s = static_settings(method, Settings(window=(2, 2), stride=(2, 2)))
        batch = attribute_batch(method, cnn.model, cnn.params, xs, ts, settings=s, chunk=2)
        for i in range(5):
            one = KERNELS[method](cnn.model, cnn.params, xs[i], ts[i], None, s)
            np.testing.assert_allclose(batch.attribution[i], one.attribution, atol=1e-5)
    # about 4096 model evaluations per chunk
    assert default_chunk("saliency", Settings(), (8, 8)) == 4096
    assert default_chunk("integrated_gradients", Settings(steps=32), (8, 8)) == 4096 // 33
    assert default_chunk("feature_ablation", Settings(), (8, 8)) == 64
    assert default_chunk("occlusion", Settings(window=(2, 2), stride=(1, 1)), (8, 8)) == 83
    assert default_chunk("kernel_shap", Settings(), (4,)) == 256  # exact: 2**4 coalitions
    assert default_chunk("lime", Settings(coalitions=8192), (30,)) == 1
    # a feature mask of 16 groups: 16 evaluations (occlusion: one window per group)
    assert default_chunk("feature_ablation", Settings(groups=16), (8, 8)) == 256
    masked = Settings(groups=16, window=(2, 2), stride=(3, 3))  # a stride the mask ignores
    assert default_chunk("occlusion", masked, (8, 8)) == 256
    assert default_chunk("kernel_shap", Settings(groups=4), (8, 8)) == 256


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "gradcam"}, "method: expected one of"),
        ({"X": np.zeros(4)}, r"X: expected \(N, \*input_shape\) with N >= 1, got shape \(4,\)"),
        ({"targets": np.zeros(2, np.int32)}, r"targets: expected \(3,\) integers"),
        ({"targets": np.zeros(3)}, r"targets: expected \(3,\) integers.*float"),
        (
            {"targets": np.array([0, 1, 2], np.int32)},
            r"target: expected a class index in \[0, 2\), got 2",
        ),
        ({"chunk": 0}, "chunk: expected an int >= 1, got 0"),
    ],
)
def test_attribute_batch_bad_arguments_name_what_was_expected(kwargs, message):
    m = pretrained("breast_cancer")
    call = {
        "method": "saliency",
        "X": m.dataset.X_test[:3],
        "targets": np.zeros(3, np.int32),
        "chunk": None,
        **kwargs,
    }
    with pytest.raises(ValueError, match=message):
        attribute_batch(
            call["method"], m.model, m.params, call["X"], call["targets"], chunk=call["chunk"]
        )


def test_neuron_gradient_is_the_gradient_of_the_chosen_neuron():
    m = pretrained("iris")
    x = jnp.asarray(m.dataset.X_test[0])
    e = explain(m.model, m.params, x, method="neuron_gradient", neuron=5)

    def act(z):
        return m.model.apply(m.params, z)[1]["dense_1"].post[5]

    np.testing.assert_allclose(e.attribution, jax.grad(act)(x), rtol=1e-5, atol=1e-7)
    with pytest.raises(ValueError, match="layer: expected one of"):
        explain(m.model, m.params, x, method="neuron_gradient", settings=Settings(layer="nope"))


def test_grad_cam_on_an_mlp_is_a_clear_error():
    m = pretrained("iris")
    with pytest.raises(ValueError, match="grad_cam needs a model with a Conv2D layer"):
        explain(m.model, m.params, m.dataset.X_test[0], method="grad_cam")


def test_spearman():
    a = jnp.arange(10.0)
    assert float(spearman(a, a)) == pytest.approx(1.0)
    assert float(spearman(a, -a)) == pytest.approx(-1.0)


def test_randomisation_sanity_check_on_digits_decorrelates_saliency():
    m = pretrained("digits")
    x = jnp.asarray(m.dataset.X_test[0])
    target = jnp.int32(int(jnp.argmax(m.model.logits(m.params, x))))
    inputs, settings = default_inputs(x), static_settings("saliency")

    def attribute(params):
        flat = explain_flat(
            m.model, params, x, target, inputs, method="saliency", settings=settings
        )
        return unpack(m.model, np.asarray(flat)).attribution

    seen = []
    result = randomisation_check(
        attribute,
        m.model,
        m.params,
        jax.random.key(0),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert [name for name, _ in result] == ["dense_3", "dense_2", "dense_1"]
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert result[-1][1] < 0.5  # the fully randomised model's map: rank correlation < 0.5


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: Settings(steps=0), "steps: expected an int >= 1, got 0"),
        (lambda: Settings(samples=0), "samples: expected an int >= 1, got 0"),
        (lambda: Settings(stride=(0,)), "stride: expected a tuple of ints >= 1"),
        (lambda: Settings(rule="simpson"), "rule: expected one of"),
        (
            lambda: default_inputs(X, baseline=jnp.zeros(4)),
            r"baseline: expected a scalar or the input's shape \(5,\), got \(4,\)",
        ),
        (
            lambda: integrated_gradients(linear, W, X, T, ins()._replace(baseline=jnp.zeros(4))),
            r"baseline: expected the input's shape \(5,\), got \(4,\)",
        ),
        (
            lambda: occlusion(linear, W, X, T, ins(), Settings(window=(6,))),
            r"window: expected at most the input's shape \(5,\), got \(6,\)",
        ),
        (
            lambda: occlusion(linear, W, X, T, ins(), Settings(window=(1, 1))),
            "window: expected one int or 1 ints",
        ),
        (
            lambda: occlusion(linear, W, X, T, ins(), Settings(window=(2,), stride=(3,))),
            r"stride: expected at most the window \(2,\) on every axis the window does not "
            r"cover whole, got \(3,\)",
        ),
        (lambda: Settings(groups=-1), r"groups: expected an int >= 0 \(0 = no mask\), got -1"),
        (
            lambda: saliency(linear, W, X, jnp.int32(3)),
            r"target: expected a class index in \[0, 3\), got 3",
        ),
        (
            lambda: explain(adapt(linear, W, X[None])[0], W, X, 7),
            r"target: expected a class index in \[0, 3\), got 7",
        ),
    ],
)
def test_bad_arguments_raise_clear_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.fixture(scope="module")
def cnn():
    return pretrained("digits_cnn")


def test_grad_cam_on_the_cnn_is_the_weighted_relu_of_the_last_conv_layer(cnn):
    x = jnp.asarray(cnn.dataset.X_test[0])
    t = jnp.int32(int(jnp.argmax(cnn.model.logits(cnn.params, x))))
    e = explain(cnn.model, cnn.params, x, int(t), method="grad_cam")
    # independently: split the network at conv_2 by hand with a tap and finite reasoning
    shapes = dict(zip(cnn.model.layer_names, cnn.model.layer_shapes))

    def score(tap):
        return cnn.model.apply(cnn.params, x, taps={"conv_2": tap})[0][t]

    grad = jax.grad(score)(jnp.zeros(shapes["conv_2"]))
    acts = cnn.model.apply(cnn.params, x)[1]["conv_2"].post
    signed = jnp.einsum("hwc,c->hw", acts, grad.mean(axis=(0, 1)))
    want = jax.image.resize(jax.nn.relu(signed), (8, 8), "linear")
    assert e.attribution.shape == (8, 8)
    np.testing.assert_allclose(e.attribution, want, rtol=1e-4, atol=1e-6)
    assert float(e.attribution.max()) > 0
    kept = explain(
        cnn.model, cnn.params, x, int(t), method="grad_cam", settings=Settings(cam_relu=False)
    )  # the negative evidence too
    want = jax.image.resize(signed, (8, 8), "linear")
    np.testing.assert_allclose(kept.attribution, want, rtol=1e-4, atol=1e-5)
    first = explain(
        cnn.model, cnn.params, x, int(t), method="grad_cam", settings=Settings(layer="conv_1")
    )
    assert not np.allclose(first.attribution, e.attribution)
    with pytest.raises(ValueError, match="layer: expected one of the conv layers"):
        explain(cnn.model, cnn.params, x, method="grad_cam", settings=Settings(layer="dense_1"))


def test_ig_completeness_at_200_steps_on_the_cnn(cnn):
    x = jnp.asarray(cnn.dataset.X_test[5])
    logits = cnn.model.logits(cnn.params, x)
    t = jnp.argmax(logits).astype(jnp.int32)
    a = integrated_gradients(cnn.model, cnn.params, x, t, None, Settings(steps=200))
    delta = logits[t] - cnn.model.logits(cnn.params, jnp.zeros_like(x))[t]
    assert abs(float(a.completeness_gap)) < 0.005 * abs(float(delta))


def test_every_method_runs_finite_on_the_cnn(cnn):
    x = cnn.dataset.X_test[0]
    for method in METHODS:
        s = Settings(steps=16, samples=8, coalitions=64, window=(2, 2), stride=(2, 2))
        e = explain(cnn.model, cnn.params, x, method=method, settings=s)
        assert e.attribution.shape == (8, 8) and np.isfinite(e.attribution).all(), method
