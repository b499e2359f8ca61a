"""Corrupt scene and weight files: a ValueError naming the field, never a half-loaded result."""

import json
import math

import jax
import numpy as np
import pytest
from widget_comm import dummy_comm  # noqa: F401 (autouse fixture)

from nnwidgets import Playground
from nnwidgets.models import Dense, Sequential, load_weights, save_weights
from nnwidgets.state import PlaygroundState


# scenes -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def scene():
    """A small trained scene (adam: its optimiser state holds arrays) with one added point."""
    s = PlaygroundState(dataset="circle", hidden=[2], optimizer="adam", batch_size=20)
    s.add_point(0.5, -0.5, 1)
    s.step_once()
    s.step_once()
    return s.to_json()


def _set(path, value):
    """An edit of the parsed scene: set ``scene[path[0]][path[1]]...`` to ``value``."""

    def edit(scene):
        *parents, last = path
        for key in parents:
            scene = scene[key]
        scene[last] = value

    return edit


def _drop(key):
    return lambda scene: scene.pop(key)


def _history_row_dropped(scene):
    scene["history"]["test_acc"].pop()


CORRUPT_SCENES = {
    "params Infinity": (_set(["params", 0, "w", 0, 0], math.inf), "scene params"),
    "params NaN": (_set(["params", 1, "b", 0], math.nan), "scene params"),
    "params strings": (_set(["params", 0, "b"], ["a", "b"]), "scene params"),
    "params as a dict": (_set(["params"], {"w": 1}), "scene params"),
    "opt_state NaN": (_set(["opt_state", 1, 0], math.nan), "scene opt_state"),
    "opt_state Infinity": (_set(["opt_state", 2, 0, 0], -math.inf), "scene opt_state"),
    "opt_state count 2.5": (_set(["opt_state", 0], 2.5), r"scene opt_state\[0\]"),
    "opt_state as a dict": (_set(["opt_state"], {}), "scene opt_state"),
    "step negative": (_set(["step"], -5), "scene step"),
    "step null": (_set(["step"], None), "scene step"),
    "step a string": (_set(["step"], "2"), "scene step"),
    "step a float": (_set(["step"], 2.5), "scene step"),
    "step a bool": (_set(["step"], True), "scene step"),
    "history lengths disagree": (_history_row_dropped, "scene history"),
    "history a list": (_set(["history"], []), "scene history"),
    "history lacks a key": (lambda s: s["history"].pop("epoch"), "scene history"),
    "history NaN": (_set(["history", "train_loss", 0], math.nan), "scene history"),
    "history strings": (_set(["history", "test_acc", 0], "x"), "scene history"),
    "history missing": (_drop("history"), "scene history"),
    "added with strings": (_set(["data", "added", 0], ["a", 0.1, 1]), "scene data added"),
    "added label 7": (_set(["data", "added", 0, 2], 7), "scene data added"),
    "added label NaN": (_set(["data", "added", 0, 2], math.nan), "scene data added"),
    "added label 0.5": (_set(["data", "added", 0, 2], 0.5), "scene data added"),
    "added x1 Infinity": (_set(["data", "added", 0, 0], math.inf), "scene data added"),
    "added short row": (_set(["data", "added", 0], [0.5, 0.5]), "scene data added"),
    "added a string": (_set(["data", "added"], "points"), "scene data added"),
    "architecture wider": (
        _set(["architecture", "layers", 0, "features"], 3),
        "scene architecture: expected",
    ),
    "architecture a list": (_set(["architecture"], []), "scene architecture"),
    "architecture missing": (_drop("architecture"), "scene architecture"),
    "config a list": (_set(["config"], ["circle"]), "scene config"),
    "config unknown name": (_set(["config", "colour"], "red"), "scene config"),
    "config wrong type": (_set(["config", "learning_rate"], "fast"), "scene config"),
    "config null value": (_set(["config", "seed"], None), "scene config"),
    "config bool value": (_set(["config", "batch_size"], True), "scene config"),
    "config refused value": (_set(["config", "hidden"], [99]), "scene config hidden"),
    "data a list": (_set(["data"], []), "scene data"),
    "data unknown key": (_set(["data", "Z"], [1]), "scene data"),
    "data X without custom": (_set(["data", "X"], [[0.0, 1.0]]), "scene data"),
    "version true": (_set(["version"], True), "scene version"),
}


@pytest.mark.parametrize("case", CORRUPT_SCENES)
def test_corrupt_scene_is_refused_naming_the_field(scene, case):
    edit, match = CORRUPT_SCENES[case]
    parsed = json.loads(scene)
    edit(parsed)
    with pytest.raises(ValueError, match=match):
        PlaygroundState.from_json(json.dumps(parsed))


@pytest.fixture(scope="module")
def custom_scene():
    X = np.random.default_rng(0).normal(size=(20, 2)).astype(np.float32)
    s = PlaygroundState(data=(X, (X[:, 0] > 0).astype(np.int32)), hidden=[2])
    return s.to_json()


CORRUPT_USER_DATA = {
    "X strings": (_set(["data", "X", 0], ["a", "b"]), "scene data X"),
    "X NaN": (_set(["data", "X", 0, 0], math.nan), "scene data X"),
    "X ragged": (_set(["data", "X", 0], [1.0]), "scene data X"),
    "y strings": (_set(["data", "y", 0], "a"), "scene data y"),
    "y float for int32": (_set(["data", "y", 0], 0.5), "scene data y"),
    "y_dtype unknown": (_set(["data", "y_dtype"], "complex64"), "scene data y_dtype"),
    "y without X": (lambda s: s["data"].pop("X"), "scene data"),
    "added label 2": (_set(["data", "added"], [[0.0, 0.0, 2]]), "scene data added"),
}


@pytest.mark.parametrize("case", CORRUPT_USER_DATA)
def test_corrupt_user_data_in_a_scene_is_refused(custom_scene, case):
    edit, match = CORRUPT_USER_DATA[case]
    parsed = json.loads(custom_scene)
    edit(parsed)
    with pytest.raises(ValueError, match=match):
        PlaygroundState.from_json(json.dumps(parsed))


def test_playground_app_refuses_a_corrupt_scene(scene):
    parsed = json.loads(scene)
    parsed["step"] = None
    with pytest.raises(ValueError, match="scene step"):
        Playground.from_json(json.dumps(parsed))


def test_scene_round_trips_to_the_same_text(scene):
    assert PlaygroundState.from_json(scene).to_json() == scene


# weight files -------------------------------------------------------------------------------------
@pytest.fixture
def weights(tmp_path):
    """A valid weight file and its arrays (``'<layer>/<name>'`` and ``'__header__'``)."""
    model = Sequential((2,), (Dense(3, "tanh"), Dense(2)))
    path = tmp_path / "w.npz"
    save_weights(path, model, model.init(jax.random.key(0)))
    with np.load(path) as f:
        arrays = dict(f)
    return path, arrays


def _rewrite(**changes):
    """An edit of a weight file: its arrays with ``changes`` (None drops an array)."""

    def edit(path, arrays):
        arrays = {**arrays, **changes}
        np.savez(path, **{k: v for k, v in arrays.items() if v is not None})

    return edit


def _header(text):
    return _rewrite(__header__=np.array(text))


def _rename(old, new):
    def edit(path, arrays):
        arrays = dict(arrays)
        arrays[new] = arrays.pop(old)
        np.savez(path, **arrays)

    return edit


def _truncate(path, arrays):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _empty(path, arrays):
    path.write_bytes(b"")


def _nan(path, arrays):
    w = arrays["0/w"].copy()
    w[0, 0] = np.nan
    np.savez(path, **{**arrays, "0/w": w})


def _inf(path, arrays):
    b = arrays["1/b"].copy()
    b[0] = np.inf
    np.savez(path, **{**arrays, "1/b": b})


CORRUPT_WEIGHTS = {
    "truncated": (_truncate, "not a readable"),
    "empty": (_empty, "not a readable"),
    "header a JSON list": (_header("[1, 2]"), "header"),
    "header not JSON": (_header("{model"), "header"),
    "header lacks model": (_header('{"format_version": 1}'), "header model"),
    "header model malformed": (_header('{"format_version": 1, "model": {"x": 1}}'), "model"),
    "key 9/w": (_rename("1/w", "9/w"), "9/w"),
    "key -1/w": (_rename("1/w", "-1/w"), "-1/w"),
    "key without a layer": (_rename("1/w", "w"), "key 'w'"),
    "key x/w": (_rename("1/w", "x/w"), "x/w"),
    "NaN weights": (_nan, "0/w"),
    "Infinity weights": (_inf, "1/b"),
    "string weights": (_rewrite(**{"0/b": np.array(["a", "b", "c"])}), "0/b"),
    "wrong shape": (_rewrite(**{"0/w": np.zeros((3, 3), np.float32)}), r"params\[0\]\['w'\]"),
}


@pytest.mark.parametrize("case", CORRUPT_WEIGHTS)
def test_corrupt_weight_file_is_refused_naming_the_field(weights, case):
    path, arrays = weights
    edit, match = CORRUPT_WEIGHTS[case]
    edit(path, arrays)
    with pytest.raises(ValueError, match=match):
        load_weights(path)
