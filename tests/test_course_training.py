"""Lesson 09's checks: right for the reference, a specific message for each typical mistake."""

import jax.numpy as jnp
import numpy as np
import pytest

from nnwidgets.course import check_first_step_below, check_shrinking_layer, check_weight_stats

W = np.array([[0.5, -1.25, 0.75], [2.0, -0.5, 0.0], [0.25, 1.0, -2.5], [0.1, 0.2, 0.3]])

HISTORY = {
    "step": [0, 10, 20, 30, 40, 50],
    "train_loss": [0.9, 0.7, 0.45, 0.3, 0.2, 0.1],
    "test_loss": [0.9, 0.6, 0.5, 0.35, 0.25, 0.15],
}

LAYERS = {  # ratios last / first: dense_1 1.0, dense_2 0.1 (the answer), output 0.25
    "dense_1": {"step": [0, 10, 20], "grad_norm": [0.01, 0.02, 0.01]},
    "dense_2": {"step": [0, 10, 20], "grad_norm": [0.5, 0.2, 0.05]},
    "output": {"step": [0, 10, 20], "grad_norm": [2.0, 1.0, 0.5]},
}


def stats(w=W, **changes):
    a = np.asarray(w, np.float64)
    return {"mean": a.mean(), "std": a.std(), "min": a.min(), "max": a.max(), **changes}


# weight statistics ------------------------------------------------------------------------
def test_weight_stats_right():
    r = check_weight_stats(stats(), W)
    assert r.ok and str(r).startswith("right:") and "12 weights" in str(r)
    w = jnp.asarray(W, jnp.float32)  # jax scalars and float32 arrays too
    answer = {"mean": w.mean(), "std": w.std(), "min": w.min(), "max": w.max()}
    assert check_weight_stats(answer, w).ok


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (None, "got None: assign your answer"),
        ((0.1, 0.2, 0.3, 0.4), "expected a dict with the keys ['mean', 'std', 'min', 'max'], got"),
        ({"mean": 0.0, "std": 1.0}, "missing ['min', 'max']"),
        (stats(std="big"), "std: expected a number, got str"),
        (stats(mean=W.mean(axis=0)), "mean: expected one number for the whole array, got shape"),
        (stats(std=W.var()), "std: that is the variance"),
        (stats(std=W.std(ddof=1)), "std: divides by n - 1"),
        (stats(mean=np.abs(W).mean()), "mean: the mean of |w|"),
        (stats(min=W.max(), max=W.min()), "min and max are swapped"),
        (stats(max=W.max() + 0.5), "max: off by +0.5"),
        (stats(mean=float("nan")), "mean: expected a finite number"),
    ],
)
def test_weight_stats_mistakes(answer, message):
    r = check_weight_stats(answer, W)
    assert not r.ok and message in str(r), str(r)
    assert str(round(W.std(), 4)) not in str(r)  # never the reference


def test_weight_stats_bad_weights():
    with pytest.raises(TypeError, match="w: expected an array of weights, got dict"):
        check_weight_stats(stats(), {"w": 1})
    with pytest.raises(ValueError, match=r"w: expected a non-empty array .* got shape \(0,\)"):
        check_weight_stats(stats(), [])


def test_weight_stats_of_a_trained_playground():
    from nnwidgets.state import PlaygroundState

    s = PlaygroundState(dataset="xor", hidden=[4])
    s.train(20)
    w = np.asarray(s.params[0]["w"])
    assert check_weight_stats(stats(w), s.params[0]["w"]).ok
    record = s.layer_history["dense_1"]  # what the history recorded is the same
    recorded = {k: record[k][-1] for k in ("mean", "std", "min", "max")}
    assert check_weight_stats(recorded, w).ok


# first step below ---------------------------------------------------------------------------
def test_first_step_below_right():
    r = check_first_step_below(30, HISTORY, 0.4)
    assert r.ok and str(r).startswith("right:") and "step 30" in str(r)
    assert check_first_step_below(np.int64(40), HISTORY, 0.3).ok  # strictly below
    assert check_first_step_below(20, HISTORY, 0.55, key="test_loss").ok
    assert check_first_step_below(None, HISTORY, 0.01).ok  # never


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (None, "got None: assign your answer"),
        (30.0, "expected an int (a step of history['step']), got float"),
        (True, "expected an int"),
        (3, "3 is the row's index in the history, not its step"),
        (35, "no update was recorded at step 35"),
        (20, "at step 20 the train loss is 0.45, not below 0.4"),
        (40, "already was earlier"),
    ],
)
def test_first_step_below_mistakes(answer, message):
    r = check_first_step_below(answer, HISTORY, 0.4)
    assert not r.ok and message in str(r), str(r)


def test_first_step_below_index_that_is_also_a_step():
    history = {"step": [0, 2, 4, 6], "train_loss": [1.0, 0.8, 0.3, 0.2]}
    r = check_first_step_below(2, history, 0.5)  # row 2 holds step 4
    assert not r.ok and "2 is the row's index in the history, not its step" in str(r)


def test_first_step_below_test_loss_and_never():
    r = check_first_step_below(40, HISTORY, 0.3)
    assert r.ok
    r = check_first_step_below(50, HISTORY, 0.2)  # test loss < 0.2 first at 50, train at 50 too
    assert r.ok
    r = check_first_step_below(40, HISTORY, 0.26)  # test: 40; train: 40 too -> right
    assert r.ok
    history = {**HISTORY, "test_loss": [0.9, 0.6, 0.35, 0.3, 0.25, 0.15]}
    r = check_first_step_below(20, history, 0.4)
    assert not r.ok and "that is where the test loss drops below 0.4" in str(r)
    r = check_first_step_below(50, HISTORY, 0.01)
    assert not r.ok and "never drops below 0.01" in str(r) and "answer None" in str(r)


def test_first_step_below_bad_arguments():
    with pytest.raises(ValueError, match=r"history: expected a Playground's state\.history"):
        check_first_step_below(0, {"step": [0]}, 0.5)
    with pytest.raises(ValueError, match="history: expected one train_loss per step"):
        check_first_step_below(0, {"step": [0, 1], "train_loss": [1.0]}, 0.5)
    with pytest.raises(ValueError, match="threshold: expected a finite number, got 'x'"):
        check_first_step_below(0, HISTORY, "x")


# the layer whose gradient shrinks most ----------------------------------------------------------
def test_shrinking_layer_right():
    r = check_shrinking_layer("dense_2", LAYERS)
    assert r.ok and str(r).startswith("right:") and "0.1 ×" in str(r)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (None, "got None: assign your answer"),
        (2, "expected a layer name (str), got int"),
        ("dense_9", "'dense_9' is not one of the layers ['dense_1', 'dense_2', 'output']"),
        ("dense_1", "shrinks least"),
    ],
)
def test_shrinking_layer_mistakes(answer, message):
    r = check_shrinking_layer(answer, LAYERS)
    assert not r.ok and message in str(r), str(r)


def test_shrinking_layer_absolute_mistakes():
    layers = {**LAYERS, "dense_0": {"grad_norm": [0.004, 0.002]}}  # ratio 0.5, smallest at end
    r = check_shrinking_layer("dense_0", layers)
    assert not r.ok and "smallest gradient norm at the end, but it started small" in str(r)
    r = check_shrinking_layer("output", layers)  # drops by 1.5: the most in absolute terms
    assert not r.ok and "drops the most in absolute terms" in str(r)


def test_shrinking_layer_bad_arguments():
    with pytest.raises(ValueError, match="layer_history: expected a Playground's"):
        check_shrinking_layer("output", {"output": {"grad_norm": [1.0]}})
    with pytest.raises(ValueError, match="layer_history: expected a Playground's"):
        check_shrinking_layer("output", [1, 2])
    with pytest.raises(ValueError, match=r"positive first gradient norms, got 0 for \['dense_1'\]"):
        check_shrinking_layer("output", {**LAYERS, "dense_1": {"grad_norm": [0.0, 0.0]}})
