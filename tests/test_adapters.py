"""Your own model, as it is: Flax NNX / Linen, Equinox, Haiku, plain functions with ``tap``.

Each framework's model is built the way its own docs build it and handed to the Explorer
unchanged; the maps are checked against ``jax.grad`` of the user's own call.
"""

from __future__ import annotations

import subprocess
import sys

import equinox as eqx
import flax.linen as nn
import haiku as hk
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx

import nnwidgets
from nnwidgets import Explorer
from nnwidgets.apps._explorer import TABS
from nnwidgets.kernels import METHODS
from nnwidgets.models import Dense, Sequential, adapt, load_dataset, param_groups, tap
from nnwidgets.state import build_state
from nnwidgets.views import GradientsView, StructureView, WeightsView

IRIS = load_dataset("iris")
X, Y = IRIS.X_test, IRIS.y_test
DIGITS = load_dataset("digits")
IMAGES = DIGITS.X_test[:40]  # (40, 8, 8) in [0, 1]


# --- one MLP 4 -> 8 (relu) -> 3 in every framework, and how to call it as the user would ---
class NnxMLP(nnx.Module):
    def __init__(self, rngs: nnx.Rngs) -> None:
        self.l1 = nnx.Linear(4, 8, rngs=rngs)
        self.l2 = nnx.Linear(8, 3, rngs=rngs)

    def __call__(self, x):
        return self.l2(nnx.relu(self.l1(x)))


class LinenMLP(nn.Module):
    @nn.compact
    def __call__(self, x):
        return nn.Dense(3)(nn.relu(nn.Dense(8)(x)))


def _function(p, x):
    # parameters grouped under the tapped layers' names: the weights link those layers
    h = tap("hidden", jax.nn.relu(x @ p["hidden"]["w"] + p["hidden"]["b"]))
    return h @ p["output"]["w"] + p["output"]["b"]


def mlp(kind):
    """``(model, params, user_logits(x) for one example, hidden layer names)``."""
    key = jax.random.key(0)
    if kind == "flax.nnx":
        m = NnxMLP(nnx.Rngs(0))
        return m, None, lambda x: m(x[None])[0], ["l1", "l2"]
    if kind == "flax.linen":
        v = LinenMLP().init(key, X[:1])
        # Dense(3) is built first, so it is Dense_0: layers come in call order
        return LinenMLP(), v, lambda x: LinenMLP().apply(v, x[None])[0], ["Dense_1", "Dense_0"]
    if kind == "equinox":
        m = eqx.nn.MLP(4, 3, 8, 1, activation=jax.nn.relu, key=key)
        return m, None, m, ["layers.0", "layers.1"]
    if kind == "haiku":
        f = hk.transform(lambda x: hk.nets.MLP([8, 3])(x))
        p = f.init(key, X[:1])
        names = ["mlp/~/linear_0", "mlp/~/linear_1"]
        return f, p, lambda x: f.apply(p, None, x[None])[0], names
    if kind == "function":
        k1, k2 = jax.random.split(key)
        p = {
            "hidden": {"w": jax.random.normal(k1, (4, 8)) * 0.5, "b": jnp.zeros(8)},
            "output": {"w": jax.random.normal(k2, (8, 3)) * 0.5, "b": jnp.zeros(3)},
        }
        return _function, p, lambda x: _function(p, x), ["hidden", "output"]
    net = Sequential((4,), (Dense(8, "relu"), Dense(3)))
    p = net.init(key)
    return net, p, lambda x: net.logits(p, x), ["dense_1", "dense_2"]


KINDS = ["flax.nnx", "flax.linen", "equinox", "haiku", "function", "sequential"]


@pytest.fixture(scope="module", params=KINDS)
def built(request):
    model, params, user, names = mlp(request.param)
    state = build_state(model, params, data=IRIS)
    return request.param, state, user, names


def test_the_explorer_builds_from_the_model_as_it_is(built):
    kind, state, _, names = built
    assert list(state.model.layer_names) == names
    shapes = dict(zip(state.model.layer_names, state.model.layer_shapes))
    assert shapes[names[0]] == (8,) and shapes[names[-1]] == (3,)
    assert {k: v.shape for k, v in state.activations.items()} == {n: shapes[n] for n in names}
    acts = dict(zip(state.model.layer_names, state.model.activation_names))
    # the ReLU after the first layer is recognised (a tap marks the value after it)
    assert acts[names[0]] == ("identity" if kind == "function" else "relu")
    pre, post = state.preactivations[names[0]], state.activations[names[0]]
    np.testing.assert_allclose(post, np.maximum(pre, 0) if acts[names[0]] == "relu" else pre)
    assert state.probs.shape == (3,) and not state.error


def test_saliency_is_jax_grad_of_the_users_own_function(built):
    _, state, user, _ = built
    x = X[7]
    with state.batch():
        state.x, state.method, state.target = x, "saliency", 2
    expected = jax.grad(lambda z: user(z)[2])(jnp.asarray(x))
    np.testing.assert_allclose(state.attribution, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(state.logits, user(jnp.asarray(x)), rtol=1e-5, atol=1e-6)


def test_integrated_gradients_is_complete(built):
    _, state, user, _ = built
    with state.batch():
        state.x, state.method, state.ig_steps, state.target = X[3], "integrated_gradients", 256, 1
    f = lambda z: float(user(jnp.asarray(z))[1])  # noqa: E731
    gap = float(state.attribution.sum()) - (f(X[3]) - f(np.zeros(4, np.float32)))
    assert abs(gap) < 2e-3 * max(1.0, abs(f(X[3])))
    assert state.completeness_gap == pytest.approx(gap, abs=1e-4)


def test_weights_and_gradients_tabs_show_every_parameter_array(built):
    _, state, _, _ = built
    state.prepare("weights")
    groups = param_groups(state.model, state.params)
    arrays = [f"{g}.{k}" for g, leaves in groups.items() for k in leaves]
    assert list(state.weight_summary) == arrays and len(arrays) == 4
    view = WeightsView(state)
    assert list(view.layer.options) == arrays
    first = view.layer.value
    assert np.ndim(jax.tree_util.tree_leaves(groups[first.rsplit(".", 1)[0]])[0]) >= 1
    for i, name in enumerate(arrays):
        view.layer.set_state({"index": i})  # what the browser sends
        s = state.weight_summary[name]
        assert f'data-layer="{name}"' in view.stats.value
        assert view.hist.y.sum() == s.counts.sum()
    grads = GradientsView(state)
    norms = np.frombuffer(grads.norms.values, "<f4")
    assert grads.norms.labels == list(groups) and len(norms) == 2 and np.all(norms > 0)
    view.close()
    grads.close()


def test_network_links_join_consecutive_dense_layers(built):
    _, state, _, _ = built
    view = StructureView(state)
    shown = view.canvas.columns
    assert len(shown) == 1 + len(state.model.layer_names)
    links = np.frombuffer(view.canvas.links, np.float32)
    assert np.isfinite(links).sum() > 0  # weights joined input -> hidden -> output
    rows = state.model.summary()
    total = sum(r["params"] for r in rows)
    assert total == 4 * 8 + 8 + 8 * 3 + 3, rows
    assert f"<b>{total:,}</b>" in view.summary.value
    view.close()


def test_sanity_check_randomises_the_parameter_tree_from_the_output_back(built):
    _, state, _, _ = built
    state.method = "gradient_x_input"
    result = state.sanity_check()
    assert [name for name, _ in result] == list(param_groups(state.model, state.params))[::-1]
    assert all(np.isfinite(rho) for _, rho in result) and not state.error


def test_every_method_is_finite_on_an_equinox_model():
    model, _, _, _ = mlp("equinox")
    state = build_state(model, data=IRIS)
    for method in METHODS:
        if method == "grad_cam":
            continue  # offered only for models with feature maps (below)
        state.method = method
        assert not state.error, (method, state.error)
        assert np.isfinite(state.attribution).all() and state.method == method


# --- batch axes -----------------------------------------------------------------------------
W = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)


def only_batches(p, xb):
    assert xb.ndim == 2, "this model takes (B, 4)"
    return jnp.tanh(xb @ p)


def test_a_batched_and_an_unbatched_model_give_the_same_maps():
    one = build_state(lambda p, x: jnp.tanh(x @ p), W, data=IRIS)
    many = build_state(only_batches, W, data=IRIS)
    forced = build_state(lambda p, x: jnp.tanh(x @ p), W, data=IRIS, batched=True)
    assert (one.model.batched, many.model.batched, forced.model.batched) == (False, True, True)
    assert many.x.shape == (4,)  # the state holds one example
    for method in ("saliency", "integrated_gradients", "occlusion"):
        for s in (one, many, forced):
            s.method = method
        np.testing.assert_allclose(one.attribution, many.attribution, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(one.attribution, forced.attribution, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="batched: expected None, True or False"):
        build_state(only_batches, W, data=IRIS, batched="yes")


# --- images: HW, HWC and CHW, feature maps and Grad-CAM -------------------------------------
class NnxCNN(nnx.Module):
    def __init__(self, rngs: nnx.Rngs) -> None:
        self.conv = nnx.Conv(1, 4, (3, 3), rngs=rngs)
        self.out = nnx.Linear(8 * 8 * 4, 10, rngs=rngs)

    def __call__(self, x):
        h = nnx.relu(self.conv(x))
        return self.out(h.reshape(h.shape[0], -1))


class LinenCNN(nn.Module):
    @nn.compact
    def __call__(self, x):  # takes (B, 8, 8): adds the channel axis itself
        h = nn.relu(nn.Conv(4, (3, 3))(x[..., None]))
        return nn.Dense(10)(h.reshape(h.shape[0], -1))


class EqxCNN(eqx.Module):
    conv: eqx.nn.Conv2d
    out: eqx.nn.Linear

    def __init__(self, key):
        k1, k2 = jax.random.split(key)
        self.conv = eqx.nn.Conv2d(1, 4, 3, padding=1, key=k1)
        self.out = eqx.nn.Linear(4 * 8 * 8, 10, key=k2)

    def __call__(self, x):  # (1, 8, 8): channel first, no batch axis
        return self.out(jax.nn.relu(self.conv(x)).ravel())


def cnn(kind):
    if kind == "flax.nnx":
        m = NnxCNN(nnx.Rngs(0))
        return m, None, IMAGES[..., None], lambda x: m(x[None])[0]
    if kind == "flax.linen":
        v = LinenCNN().init(jax.random.key(0), IMAGES[:1])
        return LinenCNN(), v, IMAGES, lambda x: LinenCNN().apply(v, x[None])[0]
    m = EqxCNN(jax.random.key(0))
    return m, None, IMAGES[:, None], lambda x: m(jnp.moveaxis(x, -1, 0))


@pytest.mark.parametrize("kind", ["flax.nnx", "flax.linen", "equinox"])
def test_images_open_as_images_with_feature_maps_and_grad_cam(kind):
    model, params, images, user = cnn(kind)
    ex = Explorer(model, params, data=(images, DIGITS.y_test[:40]))
    s = ex.state
    hw = (8, 8) if kind == "flax.linen" else (8, 8, 1)
    assert s.input_shape == hw  # (1, 8, 8) channel-first images are held as (8, 8, 1)
    assert not any(type(v).__name__ == "InputSliders" for v in ex.views)
    conv = s.model.layer_names[0]
    assert s.activations[conv].shape == (8, 8, 4)  # HWC whatever the module's layout
    with s.batch():
        s.method, s.target = "saliency", 3
    expected = jax.grad(lambda z: user(z)[3])(jnp.asarray(s.x))
    np.testing.assert_allclose(s.attribution, expected, rtol=1e-4, atol=1e-6)
    s.method = "grad_cam"
    assert not s.error and np.isfinite(s.attribution).all() and s.attribution.shape == hw
    s.layer = conv  # the conv layer named by the user
    assert not s.error and s.attribution.max() > 0
    for title, _ in TABS:  # every course tab builds and draws on the user's model
        assert ex.tab_view(title) is not None and not s.error, (title, s.error)
    s.embed_layer = conv
    assert s.embedding_points.shape == (40, 2) and not s.error
    network = ex.tab_view("network")  # the image and the feature maps: boxes with their shape
    assert network.canvas.boxes == [0, 1]
    assert network.canvas.box_shapes == ["×".join(map(str, hw)), "8×8×4"]
    weights = ex.tab_view("weights")
    kernels = [n for n in weights.layer.options if np.ndim(s.weight_summary[n].counts)]
    assert any(n.startswith(conv) for n in kernels)
    ex.close()


# --- tap ----------------------------------------------------------------------------------
def test_tap_is_the_identity_outside_the_explorer_and_free_under_jit():
    p = mlp("function")[1]

    def plain(p, x):
        return (
            jax.nn.relu(x @ p["hidden"]["w"] + p["hidden"]["b"]) @ p["output"]["w"]
            + p["output"]["b"]
        )

    assert str(jax.make_jaxpr(_function)(p, X[0])) == str(jax.make_jaxpr(plain)(p, X[0]))
    np.testing.assert_allclose(jax.jit(_function)(p, X[0]), plain(p, X[0]), rtol=1e-6)
    assert nnwidgets.tap is tap
    with pytest.raises(ValueError, match=r"tap\(name=...\): expected a non-empty string"):
        tap("", X[0])


def test_a_layer_tapped_twice_is_named_by_its_call():
    def twice(p, x):
        h = tap("h", jnp.tanh(x @ p))
        return tap("h", h * 2.0)

    m, _ = adapt(twice, np.eye(4, dtype=np.float32)[:, :3], X[:4])
    assert m.layer_names == ("h", "h#2")


# --- bad models: refused with what to pass -------------------------------------------------
class NeedsTrain(nn.Module):
    @nn.compact
    def __call__(self, x, train):
        return nn.Dense(3)(nn.Dropout(0.5, deterministic=not train)(x))


class NeedsRng(nn.Module):
    @nn.compact
    def __call__(self, x):
        return nn.Dense(3)(nn.Dropout(0.5, deterministic=False)(x))


def test_bad_models_are_refused_with_what_to_pass():
    v = NeedsTrain().init(jax.random.key(0), X[:1], train=False)
    with pytest.raises(ValueError, match=r"`train` flag.*model\.apply\(p, x, train=False\)"):
        build_state(NeedsTrain(), v, data=IRIS)
    # what the message says to pass works, with every layer shown
    state = build_state(lambda p, x: NeedsTrain().apply(p, x, train=False), v, data=IRIS)
    assert "Dense_0" in state.model.layer_names
    v = NeedsRng().init(jax.random.key(0), X[:1])
    with pytest.raises(ValueError, match="needs a random key"):
        build_state(NeedsRng(), v, data=IRIS)
    with pytest.raises(ValueError, match=r"got a dict with keys \['logits'\].*return the logits"):
        build_state(lambda p, x: {"logits": x @ p}, W, data=IRIS)
    with pytest.raises(ValueError, match=r"params: a flax\.nnx module carries its own parameters"):
        build_state(NnxMLP(nnx.Rngs(0)), {"w": 1}, data=IRIS)
    with pytest.raises(ValueError, match="model: expected 3 outputs"):
        build_state(lambda p, x: x @ p[:, :2], W, data=IRIS)
    with pytest.raises(ValueError, match="model: expected a bundled model name"):
        build_state(42, None, data=IRIS)


# --- names ---------------------------------------------------------------------------------
def test_feature_and_class_names_are_kept():
    model, params, _, _ = mlp("equinox")
    names = ["sepal length", "sepal width", "petal length", "petal width"]
    ex = Explorer(
        model,
        params,
        data=(X, Y),
        feature_names=names,
        class_names=["setosa", "versicolor", "virginica"],
    )
    s = ex.state
    assert s.dataset.feature_names == tuple(names)
    assert s.class_names == ("setosa", "versicolor", "virginica")
    sliders = next(v for v in ex.views if type(v).__name__ == "InputSliders")
    assert [w.description for w in sliders.sliders][:4] == names
    ex.close()
    with pytest.raises(ValueError, match="feature_names: expected 4 names"):
        build_state(model, None, data=(X, Y), feature_names=["a"])
    with pytest.raises(ValueError, match="class_names: expected at least 3 names"):
        build_state(model, None, data=(X, Y), class_names=["a", "b"])
    with pytest.raises(ValueError, match="class_names: expected a list of strings"):
        build_state(model, None, data=IRIS, class_names="abc")
    renamed = build_state(model, None, data=IRIS, class_names=["A", "B", "C"])
    assert renamed.class_names == ("A", "B", "C") and renamed.dataset.X_test is IRIS.X_test


# --- collections and state passed through unchanged -----------------------------------------
class LinenBN(nn.Module):
    @nn.compact
    def __call__(self, x):
        h = nn.BatchNorm(use_running_average=True)(nn.Dense(8)(x))
        return nn.Dense(3)(nn.relu(h))


def test_linen_batch_statistics_and_haiku_state_pass_through():
    v = LinenBN().init(jax.random.key(0), X[:2])
    stats = jax.tree.map(lambda a: a + 0.5, v["batch_stats"])  # not the init values
    v = {"params": v["params"], "batch_stats": stats}
    state = build_state(LinenBN(), v, data=IRIS)
    assert set(param_groups(state.model, state.params)) == {"Dense_0", "BatchNorm_0", "Dense_1"}
    user = lambda x: LinenBN().apply(v, x[None])[0]  # noqa: E731
    np.testing.assert_allclose(state.logits, user(jnp.asarray(state.x)), rtol=1e-5, atol=1e-6)
    assert "BatchNorm_0" in state.model.layer_names

    def net(x):
        counter = hk.get_state("calls", (), init=jnp.zeros)
        hk.set_state("calls", counter + 1)
        return hk.Linear(3)(jax.nn.tanh(hk.Linear(8)(x)))

    f = hk.transform_with_state(net)
    p, s = f.init(jax.random.key(0), X[:1])
    state = build_state(f, (p, s), data=IRIS)
    np.testing.assert_allclose(state.logits, f.apply(p, s, None, X[:1])[0][0], rtol=1e-5, atol=1e-6)
    # hk.Linear(3) is built first, so it is "linear"; the hidden one is "linear_1"
    assert dict(zip(state.model.layer_names, state.model.activation_names))["linear_1"] == "tanh"
    with pytest.raises(ValueError, match=r"expected \(params, state\)"):
        build_state(f, p, data=IRIS)


def test_a_scalar_output_is_one_output():
    w = np.float32([1.0, -2.0, 0.5, 3.0])
    one_class = (X, np.zeros(len(X), np.int32))
    state = build_state(lambda p, x: jnp.sum(x * p), w, data=one_class)
    assert state.model.n_outputs == 1 and state.logits.shape == (1,)
    np.testing.assert_allclose(state.attribution, w, rtol=1e-6)  # saliency of a linear model


def test_nnwidgets_imports_no_framework_unless_the_model_is_one_of_theirs():
    code = (
        "import sys\n"
        "from nnwidgets import Explorer\n"
        "import jax.numpy as jnp, numpy as np\n"
        "X = np.random.default_rng(0).normal(size=(10, 4)).astype(np.float32)\n"
        "Explorer(lambda p, x: jnp.tanh(x @ p), np.ones((4, 2), np.float32),\n"
        "         data=(X, np.arange(10) % 2)).close()\n"
        "Explorer('iris').close()\n"
        "print(sorted(m for m in ('flax', 'equinox', 'haiku') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    assert out.stdout.strip().splitlines()[-1] == "[]"
