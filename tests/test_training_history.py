"""Weights and gradients over training: ``PlaygroundState.layer_history`` and its view."""

import json
import time

import bqplot as bq
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from widget_comm import dummy_comm  # noqa: F401 (autouse fixture)

from nnwidgets import Playground
from nnwidgets.models import expand_features
from nnwidgets.state import PlaygroundState
from nnwidgets.views import TrainingHistoryView

KEYS = ["step", "mean", "std", "min", "max", "grad_norm"]


def expected_row(s):
    """Each layer's weight statistics and |gradient| of the training objective, from jax."""
    X = jnp.asarray(expand_features(s.data.X_train, s.features))
    y = jnp.asarray(s.data.y_train)

    def objective(params):
        logits = jax.vmap(s.model.logits, in_axes=(None, 0))(params, X)
        loss = -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(logits), y[:, None], axis=1))
        if s.regularization == "l2":
            loss = loss + s.reg_rate * 0.5 * sum(jnp.sum(p["w"] ** 2) for p in params)
        return loss

    grads = jax.grad(objective)(s.params)
    rows = {}
    for name, p, g in zip(s.model.layer_names, s.params, grads):
        w = np.asarray(p["w"], np.float64)
        norm = np.sqrt(sum(float(jnp.sum(v.astype(jnp.float32) ** 2)) for v in g.values()))
        rows[name] = [s.step, w.mean(), w.std(), w.min(), w.max(), norm]
    return rows


def assert_last_row(s):
    for name, want in expected_row(s).items():
        record = s.layer_history[name]
        got = [record[k][-1] for k in KEYS]
        assert got[0] == want[0]
        np.testing.assert_allclose(got[1:], want[1:], rtol=2e-5, atol=1e-6, err_msg=name)


# the state ------------------------------------------------------------------------------------
def test_history_grows_per_update_with_the_weights_stats_and_gradient_norms():
    s = PlaygroundState(dataset="xor", hidden=[4, 3], regularization="l2", reg_rate=0.01)
    assert list(s.layer_history) == ["dense_1", "dense_2", "output"] == s.param_layers
    assert_last_row(s)  # step 0: the initial weights
    for n in range(1, 6):
        s.step_once()
        assert_last_row(s)
        for record in s.layer_history.values():
            assert list(record) == KEYS
            assert record["step"] == s.history["step"] == list(range(n + 1))
            assert all(type(v) is float for k in KEYS[1:] for v in record[k])


def test_speed_steps_per_row_and_background_training():
    s = PlaygroundState(dataset="circle", hidden=[3], speed=5)
    s.play()
    deadline = time.time() + 30
    while s.step < 10 and time.time() < deadline:
        time.sleep(0.05)
    s.pause()
    s.close()
    for record in s.layer_history.values():
        assert record["step"] == s.history["step"] and record["step"][-1] == s.step
        assert all(b - a == 5 for a, b in zip(record["step"], record["step"][1:]))
    assert_last_row(s)


def test_train_from_code_records_one_row_per_speed_steps():
    s = PlaygroundState(dataset="xor", hidden=[3], speed=10)
    s.train(25)  # two full chunks, then a shorter one
    assert s.step == 25 and s.history["step"] == [0, 10, 20, 25]
    assert all(r["step"] == [0, 10, 20, 25] for r in s.layer_history.values())
    assert_last_row(s)
    for bad in (0, -3, 2.5, True, "10"):
        with pytest.raises(ValueError, match="steps: expected a positive int"):
            s.train(bad)


def test_same_step_replaces_its_row():
    s = PlaygroundState(dataset="xor", hidden=[4], regularization="l2")
    s.step_once()
    before = s.layer_history["dense_1"]["grad_norm"][-1]
    s.reg_rate = 1.0  # the objective changes at the same step: its row is replaced
    assert len(s.layer_history["dense_1"]["step"]) == 2 == len(s.history["step"])
    assert s.layer_history["dense_1"]["grad_norm"][-1] != before
    assert_last_row(s)


def test_reset_and_new_architecture_clear_it():
    s = PlaygroundState(dataset="xor", hidden=[4, 3])
    for _ in range(3):
        s.step_once()
    s.reset()
    assert all(r["step"] == [0] for r in s.layer_history.values())
    assert_last_row(s)
    s.step_once()
    s.hidden = [2]
    assert list(s.layer_history) == ["dense_1", "output"]
    assert s.layer_history["dense_1"]["step"] == [0] == s.history["step"]
    s.noise = 0.2  # new data, same network: the history goes on like ``history``
    s.step_once()
    s.noise = 0.1
    assert s.layer_history["output"]["step"] == [0, 1] == s.history["step"]
    assert_last_row(s)


# scenes -------------------------------------------------------------------------------------------
def trained(steps=4):
    s = PlaygroundState(dataset="moons", hidden=[5, 3], optimizer="adam", learning_rate=0.01)
    for _ in range(steps):
        s.step_once()
    return s


def test_scene_round_trip_is_exact():
    s = trained()
    text = s.to_json()
    t = PlaygroundState.from_json(text)
    assert t.layer_history == s.layer_history and t.to_json() == text
    s.step_once()
    t.step_once()
    assert t.layer_history == s.layer_history


def test_older_scene_without_it_loads():
    s = trained()
    scene = json.loads(s.to_json())
    del scene["layer_history"]
    t = PlaygroundState.from_json(json.dumps(scene))
    assert t.history == s.history
    assert all(r["step"] == [4] for r in t.layer_history.values())  # from the restored row on
    assert_last_row(t)
    t.step_once()
    assert all(r["step"] == [4, 5] for r in t.layer_history.values())


def _corrupt(s, edit):
    scene = json.loads(s.to_json())
    edit(scene["layer_history"]) if callable(edit) else scene.update(layer_history=edit)
    return json.dumps(scene)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ([1, 2], "scene layer_history: expected a dict"),
        (lambda h: h["output"].pop("std"), "scene layer_history output: expected a dict with"),
        (lambda h: h["dense_1"]["mean"].__setitem__(1, "x"), "dense_1 mean: expected a list"),
        (lambda h: h["dense_1"]["max"].__setitem__(0, float("nan")), "dense_1 max: .*NaN"),
        (lambda h: h["dense_2"]["min"].pop(), "dense_2: expected lists of one length"),
        (lambda h: h["dense_1"]["step"].__setitem__(0, -1), "dense_1 step: expected a list of"),
        (lambda h: h["output"]["step"].__setitem__(0, 2), "output step: expected the same"),
        (lambda h: h.pop("dense_2"), "scene layer_history: expected the layers"),
        (lambda h: h.update(extra=h.pop("output")), "scene layer_history: expected the layers"),
    ],
)
def test_corrupt_layer_history_is_refused(edit, message):
    s = trained(2)
    with pytest.raises(ValueError, match=message):
        PlaygroundState.from_json(_corrupt(s, edit))


def test_rows_after_the_scene_step_are_refused():
    s = trained(2)

    def later(h):
        for r in h.values():
            r["step"][-1] = 9

    with pytest.raises(ValueError, match=r"dense_1 step: expected steps up to the scene's step 2"):
        PlaygroundState.from_json(_corrupt(s, later))


# the view -------------------------------------------------------------------------------------
def test_view_is_empty_before_training():
    s = PlaygroundState(dataset="xor", hidden=[4])
    view = TrainingHistoryView(s)
    assert view.note.layout.display is None and "train to record" in view.note.value
    assert view.charts.layout.display == "none" and view.readout.value == ""
    s.step_once()
    assert view.note.layout.display == "none" and view.charts.layout.display is None
    view.close()


def test_view_marks_hold_the_states_values():
    s = PlaygroundState(dataset="xor", hidden=[4, 3])
    view = TrainingHistoryView(s)
    for _ in range(4):
        s.step_once()
    h, names = s.layer_history, ["dense_1", "dense_2", "output"]
    steps = np.array(h["output"]["step"], np.float32)
    assert view.mean_lines.labels == names == view.grad_lines.labels
    assert view.mean_lines.display_legend and view.grad_lines.display_legend
    assert isinstance(view.grad_lines.scales["y"], bq.LogScale)
    assert [a.label for a in view.grad_figure.axes] == ["step", "|dL/dθ|"]
    assert [a.label for a in view.weights_figure.axes] == ["step", "weight"]
    np.testing.assert_array_equal(view.mean_lines.x, steps)
    np.testing.assert_array_equal(view.grad_lines.x, steps)
    np.testing.assert_allclose(view.mean_lines.y, [h[n]["mean"] for n in names], rtol=1e-6)
    np.testing.assert_allclose(view.grad_lines.y, [h[n]["grad_norm"] for n in names], rtol=1e-6)
    assert len(view.bands) == 3 and view.weights_figure.marks[-1] is view.mean_lines
    for band, n in zip(view.bands, names):
        np.testing.assert_allclose(band.y, [h[n]["min"], h[n]["max"]], rtol=1e-6)
        assert band.fill == "between"
    assert 'data-points="5"' in view.readout.value and 'data-layer="dense_2"' in view.readout.value
    s.hidden = [2]  # another network: one line and one band per new layer
    assert view.mean_lines.labels == ["dense_1", "output"] and len(view.bands) == 2
    assert view.charts.layout.display == "none"  # one row so far
    view.close()


def test_zero_gradient_is_a_gap_not_minus_infinity():
    s = PlaygroundState(dataset="xor", hidden=[3], init="zeros")
    view = TrainingHistoryView(s)
    s.step_once()
    assert s.layer_history["dense_1"]["grad_norm"] == [0.0, 0.0]
    y = view.grad_lines.y
    assert np.isnan(y[0]).all() and np.isfinite(y[1]).all() and not np.isinf(y).any()
    view.close()


def test_playground_tab_is_lazy_and_hideable():
    pg = Playground(dataset="xor", hidden=[2])
    assert pg.tabs.titles == ("weights", "gradients", "dynamics")
    view = pg.tabs.children[2]
    pg.state.step_once()
    assert view.charts.layout.display == "none"  # a hidden tab waits ...
    pg.tabs.selected_index = 2
    assert view.charts.layout.display is None  # ... and catches up when shown
    pg.close()
    focused = Playground(dataset="xor", hidden=[2], hide=["dynamics"])
    assert focused.tabs.titles == ("weights", "gradients")
    focused.close()


def test_tiny_gradient_norms_get_exponent_ticks_and_other_states_are_refused():
    s = PlaygroundState(dataset="circle", hidden=[4, 4, 4, 4], activation="sigmoid")
    view = TrainingHistoryView(s)
    s.step_once()
    assert min(r["grad_norm"][0] for r in s.layer_history.values()) < 0.01
    assert view.grad_figure.axes[1].tick_format == ".0e"  # not "0" for 1e-4
    view.close()
    with pytest.raises(TypeError, match=r"state: expected a PlaygroundState .* got object"):
        TrainingHistoryView(object())
