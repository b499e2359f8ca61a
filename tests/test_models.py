import subprocess
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from nnwidgets.models import (
    ARCHITECTURES,
    DATASETS,
    Dense,
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


@pytest.mark.parametrize("name", DATASETS)
def test_bundled_weights_are_accurate(name):
    m = pretrained(name)
    acc = accuracy(m.model, m.params, m.dataset.X_test, m.dataset.y_test)
    assert acc >= 0.95, (name, acc)


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
