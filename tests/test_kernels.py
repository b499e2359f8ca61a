import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.test_util import check_grads

from nnwidgets.kernels import (
    Settings,
    default_inputs,
    explain,
    explain_flat,
    gradient_x_input,
    integrated_gradients,
    saliency,
    smoothgrad,
    static_settings,
)
from nnwidgets.models import Dense, Sequential, adapt, pretrained

W = jnp.array([[1.0, -2.0], [3.0, 0.5], [-1.5, 2.0]])  # 3 features, 2 classes


def linear(p, x):
    return x @ p


def sum_sq(p, x):
    return jnp.stack([jnp.sum(x**2), jnp.sum(x)])


X = jnp.array([0.7, -1.2, 2.5])
T = jnp.int32(1)


def test_linear_saliency_is_w():
    np.testing.assert_allclose(saliency(linear, W, X, T).attribution, W[:, 1])


def test_a_scalar_output_is_one_output_target_0():
    def score(p, x):  # shape (): Captum's forward functions returning one number per example
        return x @ p[:, 1]

    np.testing.assert_allclose(saliency(score, W, X, jnp.int32(0)).attribution, W[:, 1])
    ig = integrated_gradients(score, W, X, jnp.int32(0))
    np.testing.assert_allclose(ig.attribution, W[:, 1] * X, rtol=1e-5)
    with pytest.raises(ValueError, match=r"target: expected a class index in \[0, 1\), got 1"):
        saliency(score, W, X, jnp.int32(1))


def test_linear_gradient_x_input_is_w_times_x():
    a = gradient_x_input(linear, W, X, T).attribution
    np.testing.assert_allclose(a, W[:, 1] * X, rtol=1e-6)


@pytest.mark.parametrize("steps", [1, 2, 7, 64])
def test_linear_ig_is_w_times_x_minus_baseline(steps):
    b = jnp.array([0.1, 0.2, -0.3])
    ig = integrated_gradients(linear, W, X, T, default_inputs(X, baseline=b), Settings(steps=steps))
    np.testing.assert_allclose(ig.attribution, W[:, 1] * (X - b), rtol=1e-5)
    assert abs(float(ig.completeness_gap)) < 1e-5


@pytest.mark.parametrize("steps", [1, 3, 16])
def test_sum_of_squares_ig_is_x_squared(steps):
    ig = integrated_gradients(sum_sq, None, X, jnp.int32(0), None, Settings(steps=steps))
    np.testing.assert_allclose(ig.attribution, X**2, rtol=1e-5)


def test_ig_zero_steps_refused():
    with pytest.raises(ValueError, match="steps: expected an int >= 1, got 0"):
        Settings(steps=0)


def test_smoothgrad_sigma_zero_is_saliency_and_key_is_deterministic(getkey):
    net = Sequential((3,), (Dense(5, "tanh"), Dense(2)))
    p = net.init(getkey())
    s = saliency(net.logits, p, X, T).attribution
    eight = Settings(samples=8)
    sg0 = smoothgrad(net, p, X, T, default_inputs(X, key=getkey(), sigma=0.0), eight)
    np.testing.assert_allclose(sg0.attribution, s, rtol=1e-5)
    noisy = default_inputs(X, key=getkey(), sigma=0.3)
    a = smoothgrad(net, p, X, T, noisy, eight).attribution
    b = smoothgrad(net, p, X, T, noisy, eight).attribution
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, s)  # noise does something
    with pytest.raises(ValueError, match="samples"):
        Settings(samples=0)


def test_smoothgrad_on_linear_model_is_w(getkey):
    inputs = default_inputs(X, key=getkey(), sigma=1.0)
    sg = smoothgrad(linear, W, X, T, inputs, Settings(samples=32)).attribution
    np.testing.assert_allclose(sg, W[:, 1], rtol=1e-5)


def test_check_grads_on_mlp(getkey):
    net = Sequential((4,), (Dense(6, "tanh"), Dense(5, "gelu"), Dense(3)))
    p = net.init(getkey())
    x = jax.random.normal(getkey(), (4,))
    check_grads(lambda z: net.logits(p, z), (x,), order=1, modes=["rev"], atol=1e-2, rtol=1e-2)
    check_grads(lambda q: net.logits(q, x), (p,), order=1, modes=["rev"], atol=1e-2, rtol=1e-2)


def test_ig_completeness_on_tanh_mlp(getkey):
    net = Sequential((6,), (Dense(16, "tanh"), Dense(8, "tanh"), Dense(3)))
    p = net.init(getkey())
    x = 2.0 * jax.random.normal(getkey(), (6,))
    b = jnp.zeros(6)
    ig = jax.jit(integrated_gradients, static_argnums=(0, 5))(
        net, p, x, jnp.int32(2), default_inputs(x, baseline=b), Settings(steps=64)
    )
    delta = net.logits(p, x)[2] - net.logits(p, b)[2]
    assert abs(float(ig.completeness_gap)) < 0.01 * abs(float(delta))
    np.testing.assert_allclose(float(ig.attribution.sum()), float(delta), rtol=0.01)


@pytest.mark.parametrize("name", ["digits", "breast_cancer"])
@pytest.mark.parametrize(
    "method", ["saliency", "gradient_x_input", "integrated_gradients", "smoothgrad"]
)
def test_fused_explain_matches_separate_kernels(name, method):
    m = pretrained(name)
    x = jnp.asarray(m.dataset.X_test[3])
    inputs = default_inputs(x, key=jax.random.key(7), sigma=0.1)
    settings = Settings(steps=16, samples=8)
    e = explain(m.model, m.params, x, -1, inputs, method=method, settings=settings)
    logits, trace = m.model.apply(m.params, x)
    np.testing.assert_allclose(e.logits, logits, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(e.probs, jax.nn.softmax(logits), rtol=1e-5, atol=1e-6)
    assert e.target == int(jnp.argmax(logits))
    for got, want in zip(e.post, trace.values()):
        np.testing.assert_allclose(got, want.post.ravel(), rtol=1e-5, atol=1e-5)
    t = jnp.int32(e.target)
    kernel = {
        "saliency": saliency,
        "gradient_x_input": gradient_x_input,
        "integrated_gradients": integrated_gradients,
        "smoothgrad": smoothgrad,
    }[method]
    want = kernel(m.model, m.params, x, t, inputs, settings).attribution
    np.testing.assert_allclose(e.attribution, want, rtol=1e-4, atol=1e-6)
    if method != "integrated_gradients":
        assert e.completeness_gap == 0.0


def test_explicit_target_is_used():
    m = pretrained("iris")
    e = explain(m.model, m.params, m.dataset.X_test[0], 2)
    assert e.target == 2
    want = saliency(m.model, m.params, m.dataset.X_test[0], jnp.int32(2)).attribution
    np.testing.assert_allclose(e.attribution, want, rtol=1e-5)


def test_no_retrace_across_50_input_values():
    m = pretrained("breast_cancer")
    rng = np.random.default_rng(0)
    method = "integrated_gradients"
    args = dict(method=method, settings=static_settings(method, Settings(steps=8)))
    inputs = default_inputs(jnp.zeros(30))
    explain_flat(m.model, m.params, jnp.zeros(30), jnp.int32(-1), inputs, **args)
    before = explain_flat._cache_size()
    for i in range(50):
        x = jnp.asarray(rng.normal(size=30), jnp.float32)
        moved = inputs._replace(baseline=x * 0.1, sigma=jnp.float32(i / 50), key=jax.random.key(i))
        explain_flat(m.model, m.params, x, jnp.int32(i % 3 - 1), moved, **args)
    assert explain_flat._cache_size() == before


def test_function_model_adapter():
    model, _ = adapt(linear, W, X[None])
    e = explain(model, W, X, 1, method="integrated_gradients", settings=Settings(steps=4))
    np.testing.assert_allclose(e.attribution, W[:, 1] * X, rtol=1e-5)
    np.testing.assert_allclose(e.post[0], X @ W, rtol=1e-5)


def test_activation_slopes_are_each_activations_derivative():
    from nnwidgets.models import ACTIVATIONS

    acts = ("tanh", "gelu", "softplus", "sigmoid", "relu", "identity")
    net = Sequential((3,), tuple(Dense(4, a) for a in acts))
    params = net.init(jax.random.key(1))
    e = explain(net, params, jnp.array([0.3, -2.0, 1.1]))
    for a, pre, slope in zip(acts, e.pre, e.slopes):
        want = jax.vmap(jax.grad(ACTIVATIONS[a]))(jnp.asarray(pre))
        np.testing.assert_allclose(slope, want, rtol=1e-5, atol=1e-7, err_msg=a)
    np.testing.assert_array_equal(e.slopes[4], (e.pre[4] > 0).astype(np.float32))  # relu
