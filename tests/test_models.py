import json
import subprocess
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from nnwidgets.models import (
    ARCHITECTURES,
    BUNDLED_MODELS,
    DATASETS,
    MODEL_DATASET,
    SEQUENCE_DATASETS,
    AvgPool2D,
    Conv2D,
    Dense,
    Flatten,
    MaxPool2D,
    Sequential,
    accuracy,
    check_params,
    dataset_from_arrays,
    fit,
    load_dataset,
    load_weights,
    pretrained,
    save_weights,
)


def test_apply_returns_every_layer_pre_and_post(getkey):
    net = Sequential((3,), (Dense(4, "relu"), Dense(2, "tanh", name="out")))
    params = net.init(getkey())
    x = jnp.array([1.0, -2.0, 0.5])
    logits, trace = net.apply(params, x)
    assert list(trace) == ["dense_1", "out"]
    pre1 = x @ params[0]["w"] + params[0]["b"]
    np.testing.assert_allclose(trace["dense_1"].pre, pre1, rtol=1e-6)
    np.testing.assert_allclose(trace["dense_1"].post, jnp.maximum(pre1, 0), rtol=1e-6)
    np.testing.assert_allclose(logits, jnp.tanh(trace["out"].pre), rtol=1e-6)


@pytest.mark.parametrize("act", ["relu", "tanh", "sigmoid", "gelu", "softplus", "identity"])
def test_every_activation_runs(act, getkey):
    net = Sequential((2,), (Dense(3, act), Dense(2)))
    logits, _ = net.apply(net.init(getkey()), jnp.ones(2))
    assert logits.shape == (2,) and bool(jnp.isfinite(logits).all())


def test_bad_specs_name_the_argument():
    with pytest.raises(ValueError, match=r"activation.*'swish'"):
        Dense(3, "swish")
    with pytest.raises(ValueError, match="features"):
        Dense(0)
    with pytest.raises(ValueError, match="Flatten"):
        Sequential((8, 8), (Dense(3),))


def test_check_params_reports_shape_mismatch(getkey):
    net = ARCHITECTURES["iris"]
    params = list(net.init(getkey()))
    params[0] = {"w": jnp.zeros((5, 8)), "b": jnp.zeros(8)}
    with pytest.raises(
        ValueError, match=r"params\[0\]\['w'\]: expected shape \(4, 8\), got \(5, 8\)"
    ):
        check_params(net, params)


@pytest.mark.parametrize("name", DATASETS)
def test_bundled_datasets(name):
    ds = load_dataset(name)
    assert ds.X_train.dtype == np.float32 and ds.y_train.dtype == np.int32
    assert len(ds.feature_names) == int(np.prod(ds.input_shape))
    assert ds.n_classes == len(np.unique(ds.y))
    if ds.kind == "tabular":  # standardised on the training split
        np.testing.assert_allclose(ds.X_train.mean(0), 0, atol=1e-5)
    else:
        assert ds.input_shape == (8, 8) and ds.X.min() >= 0 and ds.X.max() <= 1


def test_unknown_dataset_names_choices():
    with pytest.raises(ValueError, match=r"expected one of \['digits'.*got 'mnist'"):
        load_dataset("mnist")


@pytest.mark.parametrize("name", BUNDLED_MODELS)
def test_bundled_weights_are_accurate(name):
    """Each bundled model reaches the held-out accuracy its weight file states (>= 95 %)."""
    from nnwidgets.models._pretrained import TRAINING, WEIGHTS_DIR

    m = pretrained(name)
    acc = accuracy(m.model, m.params, m.dataset.X_test, m.dataset.y_test)
    assert acc >= 0.95, (name, acc)
    _, _, header = load_weights(WEIGHTS_DIR / f"{name}.npz")
    assert header["dataset"] == MODEL_DATASET[name] and header["training"] == TRAINING[name]
    assert acc == pytest.approx(header["test_accuracy"], abs=5e-4)
    assert (WEIGHTS_DIR / f"{name}.npz").stat().st_size < 100_000


def test_fit_trains_digits_mlp_to_95_percent():
    ds = load_dataset("digits")
    net = ARCHITECTURES["digits"]
    params, losses = fit(
        net, net.init(jax.random.key(0)), ds.X_train, ds.y_train, key=jax.random.key(1), steps=1500
    )
    assert losses[-50:].mean() < losses[:50].mean()
    assert accuracy(net, params, ds.X_test, ds.y_test) >= 0.95


def test_weights_roundtrip_exactly(tmp_path):
    m = pretrained("wine")
    save_weights(tmp_path / "w.npz", m.model, m.params, note="x")
    model, params, header = load_weights(tmp_path / "w.npz")
    assert model == m.model and header["note"] == "x"
    for a, b in zip(jax.tree_util.tree_leaves(params), jax.tree_util.tree_leaves(m.params)):
        np.testing.assert_array_equal(a, b)


def test_corrupt_or_old_weight_file_is_refused(tmp_path):
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a readable"):
        load_weights(tmp_path / "bad.npz")
    m = pretrained("iris")
    save_weights(tmp_path / "old.npz", m.model, m.params)
    with np.load(tmp_path / "old.npz") as f:
        arrays = dict(f)
    arrays["__header__"] = np.array('{"format_version": 0}')
    np.savez(tmp_path / "old.npz", **arrays)
    with pytest.raises(ValueError, match="format_version 1, got 0"):
        load_weights(tmp_path / "old.npz")


def test_dataset_from_arrays_validates():
    X = np.random.default_rng(0).normal(size=(10, 3))
    ds = dataset_from_arrays(X, np.arange(10) % 2)
    assert ds.X.dtype == np.float32 and ds.n_classes == 2
    with pytest.raises(ValueError, match=r"data y: expected shape \(10,\).*got \(9,\)"):
        dataset_from_arrays(X, np.zeros(9, int))
    with pytest.raises(ValueError, match="data X: expected finite"):
        dataset_from_arrays(np.full((2, 3), np.nan), [0, 1])
    with pytest.raises(ValueError, match=r"expected examples of shape \(4,\)"):
        dataset_from_arrays(X, np.zeros(10, int), input_shape=(4,))
    with pytest.raises(ValueError, match="integer class labels"):
        dataset_from_arrays(X, np.zeros(10))


@pytest.mark.parametrize("name", DATASETS)
def test_shipped_snapshot_equals_scikit_learn(name):
    """The package reads a snapshot of each set (no sklearn import): it must be sklearn's."""
    from nnwidgets.models._data import SNAPSHOT_DIR, _from_sklearn

    fresh = _from_sklearn(name, 0.25, 0)
    with np.load(SNAPSHOT_DIR / f"{name}.npz", allow_pickle=False) as shipped:
        assert set(shipped.files) == set(fresh)
        for key, value in fresh.items():
            np.testing.assert_array_equal(shipped[key], value, err_msg=f"{name}: {key}")


def test_opening_an_explorer_does_not_import_scikit_learn():
    code = (
        "import sys; from nnwidgets import Explorer; Explorer('digits'); "
        "Explorer('breast_cancer'); print('sklearn' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", out.stderr


# --- convolutional layers -------------------------------------------------------------------


def numpy_conv(x, w, b, stride, padding):
    """Reference cross-correlation of one (H, W, C) map, XLA's SAME padding (extra at the end)."""
    (h, wd, _), (kh, kw, _, f) = x.shape, w.shape
    if padding == "SAME":
        out = [-(-n // s) for n, s in zip((h, wd), stride)]
        pads = [max((o - 1) * s + k - n, 0) for o, s, k, n in zip(out, stride, (kh, kw), (h, wd))]
        x = np.pad(x, [(p // 2, p - p // 2) for p in pads] + [(0, 0)])
    else:
        out = [(n - k) // s + 1 for n, k, s in zip((h, wd), (kh, kw), stride)]
    y = np.zeros((*out, f))
    for i in range(out[0]):
        for j in range(out[1]):
            patch = x[i * stride[0] : i * stride[0] + kh, j * stride[1] : j * stride[1] + kw]
            y[i, j] = np.tensordot(patch, w, axes=3) + b
    return y


def identity_head(net, params):
    """Make the last Dense an identity map, so the logits are the flattened feature map."""
    n = params[-1]["w"].shape[0]
    return (*params[:-1], {"w": jnp.eye(n), "b": jnp.zeros(n)})


def test_conv_hand_computed():
    net = Sequential((3, 3), (Conv2D(1, (2, 2), padding="VALID"), Flatten(), Dense(4)))
    params = list(net.init(jax.random.key(0)))
    params[0] = {"w": jnp.array([[1.0, 2.0], [0.0, -1.0]]).reshape(2, 2, 1, 1), "b": jnp.ones(1)}
    x = jnp.arange(9.0).reshape(3, 3)  # [[0 1 2] [3 4 5] [6 7 8]]
    logits, trace = net.apply(identity_head(net, params), x)
    # y[i, j] = x[i, j] + 2 x[i, j+1] - x[i+1, j+1] + 1
    want = np.array([[0 + 2 - 4 + 1, 1 + 4 - 5 + 1], [3 + 8 - 7 + 1, 4 + 10 - 8 + 1]])
    np.testing.assert_allclose(trace["conv_1"].pre, want[..., None], rtol=1e-6)
    np.testing.assert_allclose(logits, want.ravel(), rtol=1e-6)


@pytest.mark.parametrize(
    "kernel_size, stride, padding",
    [((3, 3), (1, 1), "SAME"), ((3, 2), (2, 1), "SAME"), ((2, 3), (1, 2), "VALID"), (1, 1, "SAME")],
)
def test_conv_equals_numpy_reference(kernel_size, stride, padding, getkey):
    conv = Conv2D(3, kernel_size, stride, padding, activation="relu")
    net = Sequential((5, 6, 2), (conv, Flatten(), Dense(2)))
    params = net.init(getkey())
    params = ({**params[0], "b": jax.random.normal(getkey(), (3,))}, *params[1:])
    x = jax.random.normal(getkey(), (5, 6, 2))
    _, trace = net.apply(params, x)
    want = numpy_conv(
        np.asarray(x, np.float64),
        np.asarray(params[0]["w"], np.float64),
        np.asarray(params[0]["b"], np.float64),
        conv.stride,
        padding,
    )
    assert trace["conv_1"].pre.shape == want.shape == net.layer_shapes[0]
    np.testing.assert_allclose(trace["conv_1"].pre, want, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(trace["conv_1"].post, np.maximum(want, 0), rtol=1e-5, atol=1e-5)


def test_rank_2_input_is_one_channel(getkey):
    net = Sequential((4, 4), (Conv2D(2, 3), Flatten(), Dense(3)))
    params = net.init(getkey())
    assert params[0]["w"].shape == (3, 3, 1, 2)
    x = jax.random.normal(getkey(), (4, 4))
    a = net.apply(params, x)[1]["conv_1"].pre
    b = Sequential((4, 4, 1), net.layers).apply(params, x[..., None])[1]["conv_1"].pre
    np.testing.assert_array_equal(a, b)


def test_max_and_avg_pool_exact():
    x = jnp.arange(16.0).reshape(4, 4)
    for pool, want in [
        (MaxPool2D(), [5, 7, 13, 15]),
        (AvgPool2D((2, 2)), [2.5, 4.5, 10.5, 12.5]),
        (MaxPool2D((3, 3), stride=1), [10, 11, 14, 15]),
        (AvgPool2D((1, 2), stride=(2, 2)), [0.5, 2.5, 8.5, 10.5]),
        (MaxPool2D((2, 3), stride=(2, 1)), [6, 7, 14, 15]),
    ]:
        net = Sequential((4, 4), (pool, Flatten(), Dense(4)))
        logits, trace = net.apply(identity_head(net, net.init(jax.random.key(0))), x)
        np.testing.assert_array_equal(logits, np.array(want, np.float32), err_msg=str(pool))
        assert list(trace) == ["dense_1"]


def test_max_pool_gradient_goes_to_the_maximum():
    net = Sequential((2, 2), (MaxPool2D(), Flatten(), Dense(1)))
    params = identity_head(net, net.init(jax.random.key(0)))
    g = jax.grad(lambda x: net.logits(params, x)[0])(jnp.array([[1.0, 4.0], [2.0, 3.0]]))
    np.testing.assert_array_equal(g, [[0.0, 1.0], [0.0, 0.0]])


def test_cnn_trace_names_shapes_and_sizes(getkey):
    net = Sequential(
        (8, 8),
        (
            Conv2D(4, activation="relu"),
            MaxPool2D(),
            Conv2D(6, (3, 3), padding="VALID", name="feat"),
            AvgPool2D(),
            Conv2D(5, 1, activation="tanh"),
            Flatten(),
            Dense(7, "relu"),
            Dense(3),
        ),
    )
    assert net.layer_names == ("conv_1", "feat", "conv_3", "dense_1", "dense_2")
    assert net.layer_shapes == ((8, 8, 4), (2, 2, 6), (1, 1, 5), (7,), (3,))
    assert net.layer_sizes == (256, 24, 5, 7, 3)
    assert net.n_outputs == 3
    logits, trace = net.apply(net.init(getkey()), jax.random.uniform(getkey(), (8, 8)))
    assert list(trace) == list(net.layer_names) and logits.shape == (3,)
    for name, shape, size in zip(net.layer_names, net.layer_shapes, net.layer_sizes):
        assert trace[name].pre.shape == trace[name].post.shape == shape
        assert trace[name].post.size == size
    np.testing.assert_array_equal(logits, trace["dense_2"].post)


def test_mlp_names_and_sizes_unchanged():
    net = ARCHITECTURES["digits"]
    assert net.layer_names == ("dense_1", "dense_2", "dense_3")
    assert net.layer_sizes == (64, 32, 10)
    assert net.layer_shapes == ((64,), (32,), (10,))


def test_cnn_init_shapes_and_scale():
    net = Sequential((8, 8, 3), (Conv2D(64, (3, 3), activation="relu"), Flatten(), Dense(2)))
    p = net.init(jax.random.key(0))
    assert p[0]["w"].shape == (3, 3, 3, 64) and p[0]["b"].shape == (64,) and p[1] == {}
    assert p[2]["w"].shape == (8 * 8 * 64, 2)
    np.testing.assert_allclose(float(jnp.std(p[0]["w"])), np.sqrt(2 / 27), rtol=0.1)
    np.testing.assert_array_equal(p[0]["b"], 0)


def test_taps_add_to_a_layer_output(getkey):
    net = ARCHITECTURES["digits_cnn"]
    params = net.init(getkey())
    x = jax.random.uniform(getkey(), (8, 8))
    tap = jax.random.normal(getkey(), (4, 4, 16))
    _, plain = net.apply(params, x)
    _, tapped = net.apply(params, x, taps={"conv_2": tap})
    np.testing.assert_allclose(tapped["conv_2"].post, plain["conv_2"].post + tap, rtol=1e-6)
    with pytest.raises(ValueError, match=r"taps: expected layer names from \['conv_1'.*'nope'"):
        net.apply(params, x, taps={"nope": tap})
    with pytest.raises(ValueError, match=r"taps\['conv_2'\]: expected shape \(4, 4, 16\)"):
        net.apply(params, x, taps={"conv_2": jnp.zeros(3)})


def test_cnn_spec_roundtrips_through_json_and_is_hashable():
    net = Sequential(
        (8, 8),
        (
            Conv2D(4, 3, (2, 1), "VALID", "tanh", name="c"),
            MaxPool2D((2, 1)),
            AvgPool2D(1, stride=(1, 1)),
            Flatten(),
            Dense(2),
        ),
    )
    again = Sequential.from_dict(json.loads(json.dumps(net.to_dict())))
    assert again == net and hash(again) == hash(net)
    assert again.layers[0].kernel_size == (3, 3) and isinstance(again.layers[0].stride, tuple)
    assert again.layer_shapes == net.layer_shapes
    assert Conv2D(4, 3) == Conv2D(4, [3, 3]) and hash(Conv2D(4, 3)) == hash(Conv2D(4, (3, 3)))
    assert MaxPool2D() != AvgPool2D()
    with pytest.raises(ValueError, match="malformed spec"):
        Sequential.from_dict({"input_shape": [8, 8], "layers": [{"type": "Conv3D"}]})


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: Conv2D(0), r"Conv2D\(features=...\): expected a positive int, got 0"),
        (lambda: Conv2D(4, (3, 0)), r"Conv2D\(kernel_size=...\): expected a positive .*(3, 0)"),
        (lambda: Conv2D(4, 3, stride=1.5), r"Conv2D\(stride=...\): expected .*got 1.5"),
        (lambda: Conv2D(4, padding="same"), r"Conv2D\(padding=...\): expected 'SAME' or 'VALID'"),
        (lambda: Conv2D(4, activation="swish"), r"Conv2D\(activation=...\):.*'swish'"),
        (lambda: MaxPool2D((2, 2, 2)), r"MaxPool2D\(window=...\): expected .*\(2, 2, 2\)"),
        (lambda: AvgPool2D(stride=0), r"AvgPool2D\(stride=...\): expected .*got 0"),
        (
            lambda: Sequential((8, 8), (Conv2D(4), Dense(3))),
            r"layers\[1\] \(Dense\): expected a vector input, got shape \(8, 8, 4\).*Flatten",
        ),
        (
            lambda: Sequential((4, 4), (MaxPool2D(5), Flatten(), Dense(2))),
            r"layers\[0\] \(MaxPool2D\): expected window no larger than its \(4, 4\) input "
            r"map, got \(5, 5\)",
        ),
        (
            lambda: Sequential(
                (8, 8), (Conv2D(2, 5, padding="VALID"), MaxPool2D(5), Flatten(), Dense(2))
            ),
            r"layers\[1\] \(MaxPool2D\): expected window .*\(4, 4\) input map, got \(5, 5\)",
        ),
        (
            lambda: Sequential((3, 3), (Conv2D(2, 4, padding="VALID"), Flatten(), Dense(2))),
            r"layers\[0\] \(Conv2D\): expected kernel_size no larger than its \(3, 3\)",
        ),
        (
            lambda: Sequential((8, 8), (Flatten(), Dense(3), Conv2D(2))),
            r"layers\[2\] \(Conv2D\): expected an \(H, W, C\) or \(H, W\) input, got shape \(3,\)",
        ),
        (
            lambda: Sequential((6,), (Conv2D(2), Flatten(), Dense(2))),
            r"layers\[0\] \(Conv2D\): expected an \(H, W, C\) or \(H, W\) input, got shape \(6,\)",
        ),
        (
            lambda: Sequential((8, 8), (Conv2D(2, name="a"), Flatten(), Dense(2, name="a"))),
            r"expected distinct layer names, got \['a'\] repeated",
        ),
        (lambda: Sequential((8, 8), (Conv2D(2), Flatten())), "at least one Dense"),
    ],
)
def test_bad_conv_specs_name_the_argument(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_check_params_reports_conv_weight_shape(getkey):
    net = ARCHITECTURES["digits_cnn"]
    params = list(net.init(getkey()))
    check_params(net, params)  # the right shapes pass
    params[2] = {"w": jnp.zeros((3, 3, 4, 16)), "b": jnp.zeros(16)}
    with pytest.raises(
        ValueError, match=r"params\[2\]\['w'\]: expected shape \(3, 3, 8, 16\), got \(3, 3, 4, 16\)"
    ):
        check_params(net, params)
    params[2] = {}
    with pytest.raises(ValueError, match=r"params\[2\]: expected keys \['b', 'w'\]"):
        check_params(net, params)


# --- the bundled CNN ------------------------------------------------------------------------


def test_bundled_model_names_and_data_sets():
    assert set(DATASETS) < set(BUNDLED_MODELS) and "digits_cnn" in BUNDLED_MODELS
    assert set(MODEL_DATASET) == set(BUNDLED_MODELS) and set(MODEL_DATASET.values()) <= {
        *DATASETS,
        *SEQUENCE_DATASETS,
    }
    assert MODEL_DATASET["digits_cnn"] == "digits"
    nets = ("lstm", "gru", "transformer")
    sequence_models = [n for n in BUNDLED_MODELS if MODEL_DATASET[n] in SEQUENCE_DATASETS]
    assert [f"{ds}_{net}" for ds in SEQUENCE_DATASETS for net in nets] == sequence_models
    with pytest.raises(ValueError, match=r"bundled model name: expected one of .*got 'cnn'"):
        pretrained("cnn")


def test_bundled_cnn_is_accurate_small_and_the_shipped_architecture():
    from nnwidgets.models._pretrained import WEIGHTS_DIR

    m = pretrained("digits_cnn")
    assert m.dataset.name == "digits" and m.model == ARCHITECTURES["digits_cnn"]
    assert any(isinstance(layer, Conv2D) for layer in m.model.layers)
    acc = accuracy(m.model, m.params, m.dataset.X_test, m.dataset.y_test)
    assert acc >= 0.97, acc
    _, _, header = load_weights(WEIGHTS_DIR / "digits_cnn.npz")
    assert header["dataset"] == "digits" and header["test_accuracy"] == pytest.approx(acc, abs=1e-3)
    assert (WEIGHTS_DIR / "digits_cnn.npz").stat().st_size < 100_000


def test_explain_runs_on_the_bundled_cnn():
    from nnwidgets.kernels import explain

    m = pretrained("digits_cnn")
    x = m.dataset.X_test[0]
    e = explain(m.model, m.params, x)
    assert e.logits.shape == (10,) and e.attribution.shape == (8, 8)
    assert np.isfinite(e.logits).all() and np.isfinite(e.attribution).all()
    assert np.any(e.attribution != 0)
    assert e.target == int(np.argmax(e.logits)) == int(m.dataset.y_test[0])
    _, trace = m.model.apply(m.params, x)
    assert [p.size for p in e.post] == list(m.model.layer_sizes)
    for got, want in zip(e.post, trace.values()):
        np.testing.assert_allclose(got, np.ravel(want.post), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    ("shape", "conv", "pool"),
    [
        ((8, 8, 1), Conv2D(4, (3, 3), 1, "SAME"), MaxPool2D()),
        ((9, 7, 2), Conv2D(3, (2, 4), (2, 3), "SAME"), AvgPool2D(2)),
        ((9, 7, 2), Conv2D(3, (3, 2), (2, 1), "VALID"), MaxPool2D(2, 1)),
        ((10, 10, 3), Conv2D(5, 5, 2, "SAME"), MaxPool2D(3)),
    ],
)
def test_conv_and_pooling_equal_xla_reference(shape, conv, pool):
    """The patches-@-kernel convolution and the tiled pooling equal lax's conv / reduce_window."""
    net = Sequential(shape, (conv, pool, Flatten(), Dense(2)))
    params = net.init(jax.random.key(1))
    x = jax.random.normal(jax.random.key(2), shape)
    _, trace = net.apply(params, x)
    want = (
        jax.lax.conv_general_dilated(
            x[None],
            params[0]["w"],
            conv.stride,
            conv.padding,
            dimension_numbers=("NHWC", "HWIO", "NHWC"),
        )[0]
        + params[0]["b"][None, None, :]
    )
    np.testing.assert_allclose(trace["conv_1"].pre, want, rtol=1e-5, atol=2e-6)
    h = trace["conv_1"].post
    init, op = (0.0, jax.lax.add) if isinstance(pool, AvgPool2D) else (-np.inf, jax.lax.max)
    pooled = jax.lax.reduce_window(
        h, np.array(init, np.float32), op, (*pool.window, 1), (*pool.strides, 1), "VALID"
    )
    if isinstance(pool, AvgPool2D):
        pooled = pooled / float(np.prod(pool.window))
    logits = pooled.reshape(-1) @ params[3]["w"] + params[3]["b"]
    np.testing.assert_allclose(net.logits(params, x), logits, rtol=1e-5, atol=2e-6)


def test_max_pool_gradient_goes_to_the_first_maximum_like_reduce_window():
    """Ties (ReLU of a constant background) must not split the gradient (PyTorch does not)."""
    net = Sequential((6, 6), (Conv2D(2, 3, activation="relu"), MaxPool2D(), Flatten(), Dense(3)))
    params = net.init(jax.random.key(3))
    params = (
        {"w": params[0]["w"], "b": jnp.array([0.5, 0.2])},  # positive bias: flat regions tie
        *params[1:],
    )
    x = jnp.zeros((6, 6)).at[1:3, 1:3].set(1.0)

    def reference(x):
        h = jax.lax.conv_general_dilated(
            x[None, :, :, None],
            params[0]["w"],
            (1, 1),
            "SAME",
            dimension_numbers=("NHWC", "HWIO", "NHWC"),
        )[0]
        h = jax.nn.relu(h + params[0]["b"][None, None, :])
        h = jax.lax.reduce_window(
            h, np.array(-np.inf, np.float32), jax.lax.max, (2, 2, 1), (2, 2, 1), "VALID"
        )
        return h.reshape(-1) @ params[3]["w"] + params[3]["b"]

    for k in range(3):
        want = jax.grad(lambda z, k=k: reference(z)[k])(x)
        got = jax.grad(lambda z, k=k: net.logits(params, z)[k])(x)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
