"""The Playground: data, training kernels, the state's training thread, scenes, the app."""

import json
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from jax.test_util import check_grads
from widget_comm import dummy_comm, updates  # noqa: F401 (autouse fixture)

from nnwidgets import Playground
from nnwidgets.kernels import (
    Hyper,
    batch_indices,
    init_opt_state,
    make_optimizer,
    objective,
    penalty,
    snapshot,
    train_chunk,
)
from nnwidgets.models import (
    FEATURES,
    TOY_DATASETS,
    Dense,
    Sequential,
    expand_features,
    plane_grid,
    toy_dataset,
)
from nnwidgets.state import PlaygroundState

SIN = ["x1", "x2", "sin x1", "sin x2"]


def leaves(tree):
    return [np.asarray(v) for v in jax.tree_util.tree_leaves(tree)]


def same(a, b):
    return all(np.array_equal(x, y) for x, y in zip(leaves(a), leaves(b), strict=True))


def wait_for(predicate, timeout=60.0):
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "condition not reached"
        time.sleep(0.01)


# data ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", TOY_DATASETS)
def test_toy_sets_are_seeded_split_and_in_the_plane(name):
    a = toy_dataset(name, n=200, noise=0.2, test_fraction=0.3, seed=3)
    b = toy_dataset(name, n=200, noise=0.2, test_fraction=0.3, seed=3)
    c = toy_dataset(name, n=200, noise=0.2, test_fraction=0.3, seed=4)
    assert np.array_equal(a.X_train, b.X_train) and not np.array_equal(a.X_train, c.X_train)
    assert a.X_train.shape == (140, 2) and a.X_test.shape == (60, 2)
    assert np.abs(a.X).max() < 12
    if name == "surface":
        assert a.task == "regression" and a.y_train.dtype == np.float32
    else:
        assert set(np.unique(a.y)) == {0, 1} and a.task == "classification"


def test_clean_circle_is_separable_by_radius():
    ds = toy_dataset("circle", n=300)
    r = np.linalg.norm(ds.X, axis=1)
    assert (r[ds.y == 1] < 2.5 + 1e-6).all() and (r[ds.y == 0] > 3.5 - 1e-6).all()


def test_added_points_join_the_training_set():
    ds = toy_dataset("xor", n=100, extra=[[1.0, 2.0, 1.0]])
    assert ds.X_train.shape == (51, 2) and ds.X_train[-1].tolist() == [1.0, 2.0]
    assert ds.y_train[-1] == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "blobs"}, "data set name"),
        ({"name": "xor", "noise": 0.9}, "noise"),
        ({"name": "xor", "test_fraction": 0.0}, "test_fraction"),
        ({"name": "xor", "n": 2}, "n:"),
        ({"name": "xor", "extra": [[0.0, 0.0, 5.0]]}, "extra"),
    ],
)
def test_toy_set_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        toy_dataset(**kwargs)


def test_features_are_exact():
    p = np.array([[2.0, -3.0], [0.5, 1.0]], np.float32)
    got = expand_features(p, list(FEATURES))
    a, b = p[:, 0], p[:, 1]
    want = np.stack([a, b, a * a, b * b, a * b, np.sin(a), np.sin(b)], axis=1)
    np.testing.assert_allclose(got, want, rtol=1e-6)
    with pytest.raises(ValueError, match="features"):
        expand_features(p, ["x3"])


def test_plane_grid_is_a_picture_from_the_top_left():
    g = plane_grid(3)
    assert g[0].tolist() == [-6.0, 6.0] and g[2].tolist() == [6.0, 6.0]
    assert g[-1].tolist() == [6.0, -6.0]


def test_init_schemes():
    net = Sequential((2,), (Dense(8, "tanh"), Dense(2)))
    zeros = net.init(jax.random.key(0), "zeros")
    assert all(not np.any(v) for v in leaves(zeros))
    big = net.init(jax.random.key(0), "normal_1")[0]["w"]
    assert 0.5 < float(jnp.std(big)) < 1.5
    assert same(net.init(jax.random.key(0)), net.init(jax.random.key(0), "default"))
    with pytest.raises(ValueError, match="init scheme"):
        net.init(jax.random.key(0), "orthogonal")


# kernels ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def problem():
    ds = toy_dataset("spiral", n=120, noise=0.1, seed=1)
    X = expand_features(ds.X_train, SIN)
    net = Sequential((4,), (Dense(8, "tanh"), Dense(8, "tanh"), Dense(2)))
    return net, net.init(jax.random.key(0)), X, ds.y_train


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("reg", ["none", "l1", "l2"])
def test_chunk_equals_single_optax_steps(problem, optimizer, reg):
    net, params, X, y = problem
    key, hyper = jax.random.key(5), Hyper(np.float32(0.05), np.float32(0.01))
    statics = {"optimizer": optimizer, "task": "classification", "reg": reg, "batch_size": 10}
    chunk, _, losses = train_chunk(
        net,
        params,
        init_opt_state(optimizer, params),
        X,
        y,
        key,
        np.int32(3),
        hyper,
        **statics,
        steps=7,
    )
    # reference: a plain Python loop of optax steps on the same batches
    opt = make_optimizer(optimizer, 0.05)
    with jax.numpy_dtype_promotion("standard"):
        p, s = params, opt.init(params)
        ref_losses = []
        for step in range(3, 10):
            idx = batch_indices(key, jnp.int32(step), X.shape[0], 10)
            loss, g = jax.value_and_grad(objective, argnums=1)(
                net, p, X[idx], y[idx], hyper, "classification", reg
            )
            updates_, s = opt.update(g, s, p)
            p = optax.apply_updates(p, updates_)
            ref_losses.append(loss)
    for a, b in zip(leaves(chunk), leaves(p), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(losses, ref_losses, rtol=1e-5)
    # and 7 chunks of one step land exactly where one chunk of 7 does
    q, o = params, init_opt_state(optimizer, params)
    for step in range(3, 10):
        q, o, _ = train_chunk(net, q, o, X, y, key, np.int32(step), hyper, **statics, steps=1)
    for a, b in zip(leaves(chunk), leaves(q), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_batches_cover_every_example_once_per_epoch():
    key = jax.random.key(0)
    seen = np.concatenate([np.asarray(batch_indices(key, jnp.int32(s), 25, 5)) for s in range(5)])
    assert sorted(seen.tolist()) == list(range(25))
    nxt = np.concatenate([np.asarray(batch_indices(key, jnp.int32(s), 25, 5)) for s in (5, 6)])
    assert not np.array_equal(nxt, seen[:10])  # a new order in the next epoch


def test_penalties_are_exact():
    params = ({"w": jnp.array([[1.0, -2.0]]), "b": jnp.array([100.0, 100.0])}, {})
    assert float(penalty(params, "none", jnp.float32(3.0))) == 0.0
    assert float(penalty(params, "l1", jnp.float32(0.5))) == 1.5
    assert float(penalty(params, "l2", jnp.float32(0.5))) == 1.25


def test_objective_gradients_are_correct(problem):
    net, params, X, y = problem
    hyper = Hyper(np.float32(0.1), np.float32(0.01))
    with jax.numpy_dtype_promotion("standard"):
        check_grads(
            lambda p: objective(net, p, X[:8], y[:8], hyper, "classification", "l2"),
            (params,),
            order=1,
            modes=["rev"],
            atol=2e-2,
            rtol=2e-2,
        )


def test_regression_loss_and_snapshot_on_a_known_linear_model():
    net = Sequential((2,), (Dense(1, name="output"),))
    params = ({"w": jnp.array([[1.0], [2.0]]), "b": jnp.array([0.5])},)
    X = jnp.array([[1.0, 0.0], [0.0, 1.0]])
    y = jnp.array([1.0, 2.0])  # predictions 1.5 and 2.5: squared errors 0.25 each
    hyper = Hyper(np.float32(0.1), np.float32(0.0))
    snap = snapshot(net, params, X, y, X, y, X, X, hyper, task="regression", reg="none")
    assert float(snap.train_loss) == pytest.approx(0.25)
    np.testing.assert_allclose(snap.output, [1.5, 2.5])
    np.testing.assert_allclose(snap.neurons, [[1.5, 2.5]])
    # d/dw mean((Xw + b - y)^2) = 2/n X^T r with residuals r = 0.5
    np.testing.assert_allclose(snap.param_grads[0]["w"], [[0.5], [0.5]])
    np.testing.assert_allclose(snap.param_grads[0]["b"], [1.0])  # 2/n sum r
    np.testing.assert_allclose(snap.grad_norms, [np.sqrt(0.5**2 * 2 + 1.0)], rtol=1e-6)


def test_spiral_two_layers_of_eight_tanh_with_sin_features_learns():
    s = PlaygroundState(
        dataset="spiral",
        features=SIN,
        hidden=[8, 8],
        activation="tanh",
        optimizer="adam",
        learning_rate=0.01,
        seed=0,
    )
    for _ in range(20):
        s._advance(100)
    s._publish()
    assert s.step == 2000
    assert s.history["test_loss"][-1] < 0.1
    assert s.history["test_acc"][-1] > 0.95


def test_no_retrace_when_learning_rate_or_regularisation_rate_change():
    s = PlaygroundState(dataset="xor", hidden=[4], regularization="l2", reg_rate=0.001)
    s.step_once()
    compiled = train_chunk._cache_size()
    for lr, rate in [(0.1, 0.003), (0.3, 0.01), (0.001, 0.0), (3.0, 1.0)]:
        s.learning_rate, s.reg_rate = lr, rate
        s.step_once()
    assert train_chunk._cache_size() == compiled
    assert s.step == 5 and not s.error


# state --------------------------------------------------------------------------------------------
def test_one_step_is_exactly_one_batch():
    s = PlaygroundState(dataset="circle", hidden=[3], batch_size=7, optimizer="momentum")
    before = s.params
    s.step_once()
    assert s.step == 1 and s.epoch == pytest.approx(1 / s.steps_per_epoch)
    idx = batch_indices(s._batch_key, jnp.int32(0), len(s._y_train), 7)
    opt = make_optimizer("momentum", s.learning_rate)
    with jax.numpy_dtype_promotion("standard"):
        g = jax.grad(objective, argnums=1)(
            s.model,
            before,
            s._X_train[idx],
            s._y_train[idx],
            s.hyper(),
            "classification",
            "none",
        )
        u, _ = opt.update(g, opt.init(before), before)
        want = optax.apply_updates(before, u)
    for a, b in zip(leaves(s.params), leaves(want), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_play_and_pause_run_and_stop_the_training_thread():
    s = PlaygroundState(dataset="gaussian", hidden=[2], speed=5)
    s.play()
    wait_for(lambda: s.step >= 15)
    s.pause()
    assert not s.playing and s._thread is None
    step, version, params = s.step, s.version, s.params
    time.sleep(0.3)
    assert (s.step, s.version) == (step, version) and s.params is params
    assert s.step % 5 == 0 and s.history["step"][-1] == s.step


def test_settings_change_while_training():
    s = PlaygroundState(dataset="xor", hidden=[4], speed=5)
    s.play()
    wait_for(lambda: s.step >= 10)
    s.learning_rate = 0.1  # applies from the next chunk, weights kept
    s.hidden = [3, 3]  # a new network, training goes on with it
    wait_for(lambda: s.model.layer_sizes == (3, 3, 2) and s.step >= 10)
    s.pause()
    assert not s.error and s.params[0]["w"].shape == (2, 3)


def test_divergence_is_reported_and_the_weights_kept():
    s = PlaygroundState(dataset="surface", hidden=[8, 8], activation="relu", init="normal_1")
    s.learning_rate = 10.0
    s.features = list(FEATURES)
    last = s.params
    for _ in range(30):
        s.step_once()
        if s.error:
            break
        last = s.params
    assert "diverged" in s.error
    assert same(s.params, last)
    s.learning_rate = 0.01
    s.reset()
    s.step_once()
    assert not s.error and s.step == 1


@pytest.mark.parametrize(
    ("trait", "value", "message"),
    [
        ("learning_rate", -1.0, "learning_rate"),
        ("hidden", [2] * 7, "at most 6 layers"),
        ("hidden", [9], "1 to 8 neurons"),
        ("features", [], "features"),
        ("dataset", "mnist", "dataset"),
        ("optimizer", "rmsprop", "optimizer"),
        ("noise", 0.7, "noise"),
        ("speed", 7, "speed"),
    ],
)
def test_bad_settings_are_refused_and_explained(trait, value, message):
    s = PlaygroundState(dataset="xor", hidden=[4])
    old, params = getattr(s, trait), s.params
    setattr(s, trait, value)
    assert message in s.error and getattr(s, trait) == old and s.params is params
    s.step_once()  # the next interaction works
    assert s.step == 1 and not s.error


def test_bad_constructor_arguments_raise():
    with pytest.raises(ValueError, match="learning_rate"):
        PlaygroundState(learning_rate=0.0)
    with pytest.raises(ValueError, match="data y"):
        PlaygroundState(data=(np.zeros((4, 2)), np.zeros(3, np.int32)))
    with pytest.raises(ValueError, match="data"):
        PlaygroundState(data=np.zeros((4, 2)))


def test_user_data_classification_and_regression():
    rng = np.random.default_rng(0)
    X = rng.uniform(-3, 3, (60, 2))
    s = PlaygroundState(data=(X, (X[:, 0] > 0).astype(int)), hidden=[3])
    assert s.dataset == "custom" and s.is_2d and s.output_map.shape == (50, 50)
    s.add_point(1.0, 1.0, 0)
    assert len(s.data.y_train) == 61 and not s.error
    r = PlaygroundState(data=(X, np.sin(X[:, 0]) * 0.5), hidden=[3])
    assert r.task == "regression" and r.model.n_outputs == 1
    r.step_once()
    assert r.loss is not None and np.isfinite(r.loss)


def test_bundled_sets_train_without_pictures():
    s = PlaygroundState(dataset="digits", hidden=[32], batch_size=64, optimizer="adam")
    assert s.output_map is None and s.neuron_maps is None and not s.is_2d
    s.step_once()
    assert s.model.layer_sizes == (32, 10) and s.step == 1
    s.dataset = "circle"  # back to 2-D: layers narrowed to the 2-D limit
    assert s.hidden == [8] and s.is_2d and s.output_map.shape == (50, 50)


# scenes -------------------------------------------------------------------------------------------
def test_scene_round_trip_is_exact():
    s = PlaygroundState(
        dataset="moons",
        noise=0.1,
        features=SIN,
        hidden=[5, 3],
        optimizer="adam",
        regularization="l1",
        reg_rate=0.001,
        seed=4,
        learning_rate=0.01,
        batch_size=12,
    )
    s.add_point(0.5, -0.5, 1)
    for _ in range(7):
        s.step_once()
    t = PlaygroundState.from_json(s.to_json())
    assert same(s.params, t.params) and same(s.opt_state, t.opt_state)
    assert t.step == 7 and t.features == SIN and t.added == s.added
    assert np.array_equal(s.output_map, t.output_map)
    assert t.history == s.history
    s.step_once()
    t.step_once()
    assert same(s.params, t.params)  # training goes on identically


def test_scene_with_user_data_round_trips():
    X = np.random.default_rng(1).normal(size=(30, 3)).astype(np.float32)
    s = PlaygroundState(data=(X, (X[:, 0] > 0).astype(np.int32)), hidden=[4])
    s.step_once()
    t = PlaygroundState.from_json(s.to_json())
    assert np.array_equal(t.data.X_train, s.data.X_train) and same(s.params, t.params)


def test_corrupt_or_incompatible_scenes_are_refused():
    good = json.loads(PlaygroundState(dataset="xor", hidden=[4]).to_json())
    with pytest.raises(ValueError, match="JSON"):
        PlaygroundState.from_json("{not json")
    with pytest.raises(ValueError, match="scene format"):
        PlaygroundState.from_json(json.dumps({**good, "format": "other"}))
    with pytest.raises(ValueError, match="scene version"):
        PlaygroundState.from_json(json.dumps({**good, "version": 99}))
    bad = {**good, "params": [{"w": [[0.0]], "b": [0.0]}] * 2}
    with pytest.raises(ValueError, match="scene params"):
        PlaygroundState.from_json(json.dumps(bad))
    with pytest.raises(ValueError, match="learning_rate"):
        PlaygroundState.from_json(json.dumps({**good, "config": {"learning_rate": -1}}))
    missing = {k: v for k, v in good.items() if k != "params"}
    with pytest.raises(ValueError, match="params"):
        PlaygroundState.from_json(json.dumps(missing))


# the app ------------------------------------------------------------------------------------------
def test_buttons_play_pause_and_step():
    pg = Playground(dataset="xor", hidden=[4], speed=5)
    s = pg.state
    pg.controls.controls["step"].click()
    assert s.step == 1
    pg.controls.play.set_state({"value": True})  # the browser presses play
    wait_for(lambda: s.step >= 11)
    pg.controls.play.set_state({"value": False})
    assert not s.playing
    frozen = (s.step, s.version)
    time.sleep(0.3)
    assert (s.step, s.version) == frozen
    assert f'data-step="{s.step}"' in pg.controls.counter.value
    pg.controls.controls["reset"].click()
    assert s.step == 0 and len(s.history["step"]) == 1
    pg.close()


def test_views_follow_the_state():
    pg = Playground(dataset="spiral", features=SIN, hidden=[6, 4])
    s = pg.state
    canvas = pg.network.canvas
    assert canvas.columns == [4, 6, 4, 2]
    n_nodes = sum(canvas.columns)
    assert len(canvas.thumbs) == n_nodes * 24 * 24
    links = np.frombuffer(canvas.links, np.float32)
    want = np.concatenate([np.asarray(p["w"]).ravel() for p in s.params])
    np.testing.assert_array_equal(links, want)
    grid = np.frombuffer(pg.boundary.canvas.grid, np.float32)
    np.testing.assert_array_equal(grid, s.output_map.ravel())
    sent = len(updates(pg.boundary.canvas))
    s.step_once()
    assert len(updates(pg.boundary.canvas)) == sent + 1  # one message per update
    canvas.set_state({"selected": 5})  # the browser clicks a thumbnail: it is shown large
    assert pg.boundary.focus == 5
    np.testing.assert_array_equal(
        np.frombuffer(pg.boundary.canvas.grid, np.float32), s.neuron_maps[1].ravel()
    )
    pg.network.mode.value = "gradients"
    want = np.concatenate([np.asarray(p["w"]).ravel() for p in s.param_grads])
    np.testing.assert_array_equal(np.frombuffer(canvas.links, np.float32), want)
    pg.controls.feature_buttons["sin x1"].value = False  # toggling a feature: new network
    assert s.features == ["x1", "x2", "sin x2"] and canvas.columns == [3, 6, 4, 2]
    pg.close()


def test_click_adds_a_point_of_the_chosen_class():
    pg = Playground(dataset="circle", hidden=[2])
    n = len(pg.state.data.y_train)
    pg.controls.controls["add_label"].value = 0
    click = {"event": "add", "x1": 1.5, "x2": -2}
    pg.boundary.canvas._handle_msg(
        {"content": {"data": {"method": "custom", "content": click}}, "buffers": []}
    )
    assert len(pg.state.data.y_train) == n + 1
    assert pg.state.data.X_train[-1].tolist() == [1.5, -2.0] and pg.state.data.y_train[-1] == 0
    pg.close()


def test_a_click_on_the_regression_set_adds_the_chosen_target_value():
    pg = Playground(dataset="surface", hidden=[4])
    c = pg.controls.controls
    assert c["add_value"].layout.display == "" and c["add_label"].layout.display == "none"
    n = len(pg.state.data.y_train)
    c["add_value"].value = -0.7
    click = {"event": "add", "x1": 2.0, "x2": 1.0}
    pg.boundary.canvas._handle_msg(
        {"content": {"data": {"method": "custom", "content": click}}, "buffers": []}
    )
    assert len(pg.state.data.y_train) == n + 1
    assert pg.state.data.y_train[-1] == pytest.approx(-0.7)
    pg.state.add_value = float("nan")  # refused, the last good value stays
    assert pg.state.add_value == pytest.approx(-0.7)
    assert "add_value: expected a number in [-1.0, 1.0], got nan" in pg.state.error
    pg.state.dataset = "circle"  # classification: the class toggle is back
    assert c["add_value"].layout.display == "none" and c["add_label"].layout.display == ""
    pg.close()
    hidden = Playground(dataset="surface", hide=["add_value"])
    hidden.state.dataset = "circle"
    hidden.state.dataset = "surface"  # a data change does not undo the app's hide
    assert hidden.controls.controls["add_value"].layout.display == "none"
    hidden.close()


def test_clicked_points_stay_with_the_data_set_they_were_added_to():
    s = PlaygroundState(dataset="surface", hidden=[4])
    s.add_point(2.0, 1.0, -0.7)  # a regression target: no class of the circle set
    s.dataset = "circle"
    assert s.error == "" and s.added == [] and s.task == "classification"
    s.add_point(1.0, 1.0, 0)
    s.dataset = "digits"  # not 2-D: takes no clicked points, and the switch still works
    assert s.error == "" and s.dataset == "digits" and s.added == []
    s.dataset = "surface"  # back: its own point is there again, in the training data
    assert s.added == [[2.0, 1.0, -0.7]] and s.data.y_train[-1] == pytest.approx(-0.7)
    s.dataset = "circle"
    assert s.added == [[1.0, 1.0, 0.0]] and s.data.y_train[-1] == 0


def test_architecture_buttons():
    pg = Playground(dataset="xor", hidden=[2])
    box = pg.controls.architecture
    more = box.children[0]
    more.click()
    assert pg.state.hidden == [2, 2]
    box.children[3].children[2].click()  # "+" of the second hidden layer
    assert pg.state.hidden == [2, 3]
    box.children[1].click()
    assert pg.state.hidden == [2]
    assert [type(v).__name__ for v in pg.tabs.children] == [
        "WeightsView",
        "GradientsView",
        "TrainingHistoryView",
    ]
    assert pg.tabs.children[0].layer.options == ("dense_1.w", "output.w")
    pg.close()


def test_hide_controls_and_views():
    pg = Playground(dataset="xor", hide=["learning_rate", "optimizer", "gradients", "curves"])
    assert pg.controls.controls["learning_rate"].layout.display == "none"
    assert pg.controls.controls["batch_size"].layout.display != "none"
    assert pg.curves.layout.display == "none" and pg.tabs.titles == ("weights", "dynamics")
    with pytest.raises(ValueError, match="hide"):
        Playground(hide=["learning_rte"])
    pg.close()


def test_app_scene_round_trip_keeps_predictions():
    pg = Playground(dataset="gaussian", hidden=[3])
    pg.state.step_once()
    again = Playground.from_json(pg.to_json(), hide=["init"])
    assert same(pg.state.params, again.state.params)
    assert np.array_equal(pg.state.output_map, again.state.output_map)
    assert again.controls.controls["init"].layout.display == "none"
    pg.close()
    again.close()


def test_rerunning_a_cell_closes_its_previous_apps_and_stops_training():
    from ipywidgets.widgets.widget import _instances

    from nnwidgets import Explorer
    from nnwidgets.apps import _lifecycle

    class Run:  # what IPython passes to pre_run_cell
        def __init__(self, cell_id):
            self.cell_id = cell_id

    _lifecycle._pre_run_cell(Run("cell-a"))
    first = Playground(dataset="xor", hidden=[2], speed=1)
    other = Explorer("iris")  # built by the same run: both stay
    first.state.play()
    counts = []
    for _ in range(3):  # the user re-runs the cell three times
        _lifecycle._pre_run_cell(Run("cell-a"))
        latest = Playground(dataset="xor", hidden=[2], speed=1)
        latest_explorer = Explorer("iris")
        counts.append(len(_instances))
    assert counts[0] == counts[1] == counts[2]  # the widget count stays flat
    assert not first.state.playing and first.comm is None and other.comm is None
    _lifecycle._pre_run_cell(Run("cell-b"))  # another cell leaves them alone
    elsewhere = Playground(dataset="xor", hidden=[2])
    assert latest.comm is not None and latest_explorer.comm is not None
    for app in (latest, latest_explorer, elsewhere):
        app.close()
    _lifecycle._current = (None, 0)


def test_an_unexpected_error_in_a_callback_shows_in_the_widget(monkeypatch):
    pg = Playground(dataset="xor", hidden=[2])
    s = pg.state

    def broken(*args, **kwargs):
        raise RuntimeError("XLA ran out of memory")

    monkeypatch.setattr(s, "_publish", broken)
    pg.controls.controls["reset"].click()
    assert "reset failed: RuntimeError: XLA ran out of memory" in s.error
    assert "XLA ran out of memory" in pg.status.value  # in the widget, not only the log
    monkeypatch.undo()
    pg.controls.controls["step"].click()  # the next interaction works
    assert not s.error and s.step == 1
    pg.close()


def test_training_thread_error_stops_and_is_shown(monkeypatch):
    s = PlaygroundState(dataset="xor", hidden=[2], speed=1)
    calls = []

    def flaky(job):
        calls.append(job.steps)
        if len(calls) == 3:
            raise RuntimeError("boom")
        return original(job)

    original = s._train
    monkeypatch.setattr(s, "_train", flaky)
    s.play()
    wait_for(lambda: not s.playing)
    assert "training stopped: RuntimeError: boom" in s.error and s.step == 2
    s.pause()


def test_curves_stay_within_their_data():
    """Epochs start at 0 and accuracy stays within [0, 1]: no padding around the data."""
    pg = Playground(dataset="xor")
    for lines in (pg.curves.loss_lines, pg.curves.acc_lines):
        xs, ys = lines.scales["x"], lines.scales["y"]
        assert xs.min == 0.0 and not xs.allow_padding and not ys.allow_padding
    assert pg.curves.acc_lines.scales["y"].max == 1.0
    pg.close()
