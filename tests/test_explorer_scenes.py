"""Explorer scenes: to_json / from_json round-trip exactly; corrupt scenes raise ValueError."""

import json
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from test_files import _set  # an edit of a parsed scene
from widget_comm import dummy_comm  # noqa: F401 (autouse fixture)

from nnwidgets import Explorer, tap
from nnwidgets.apps._explorer import TABS
from nnwidgets.models import Dense, Sequential, load_dataset
from nnwidgets.state._explorer_scene import INPUTS
from nnwidgets.views import ActivationView, InputSliders

#: What a state computes from its inputs: equal bit for bit after a round trip.
OUTPUTS = ("logits", "probs", "attribution", "completeness_gap", "loss", "rollout")


def bits(value):
    arr = np.asarray(value)
    return arr.dtype, arr.shape, arr.tobytes()


def assert_same_state(a, b):
    for name in (*INPUTS, *OUTPUTS):
        u, v = getattr(a, name), getattr(b, name)
        if isinstance(u, np.ndarray) or isinstance(v, np.ndarray):
            assert bits(u) == bits(v), name
        else:
            assert u == v, name
    for x, y in zip(jax.tree_util.tree_leaves(a.params), jax.tree_util.tree_leaves(b.params)):
        assert bits(x) == bits(y)
    assert a.activations.keys() == b.activations.keys()
    assert all(bits(a.activations[k]) == bits(b.activations[k]) for k in a.activations)
    assert a.unknown_words == b.unknown_words and a.dataset.name == b.dataset.name


def round_trip(ex, **arguments):
    """The scene of ``ex`` opened again: the same text, the same state."""
    text = ex.to_json()
    again = Explorer.from_json(text, **arguments)
    assert again.to_json() == text
    assert_same_state(ex.state, again.state)
    assert again.hidden == ex.hidden and again.tabs.selected_index == ex.tabs.selected_index
    return again


# the round trip, model by model ---------------------------------------------------------------
@pytest.fixture(scope="module")
def tabular():
    ex = Explorer("iris", hide=["sigma", "activations", "sanity check"])
    s = ex.state
    with s.batch():
        s.x = s.dataset.X_test[7]  # not on the sliders' 0.01 grid
        s.method = "kernel_shap"
        s.coalitions = 64
        s.seed = 3
        s.target = 2
        s.label = 1
        s.baseline = np.array([0.1, -0.25, 0.5, 1e-8])  # custom
    ex.tabs.selected_index = [t for t, _ in ex.tab_list].index("gradients")
    yield ex
    ex.close()


def test_tabular_scene_round_trips_exactly(tabular):
    s = tabular.state
    assert s.baseline_kind == "custom" and not s.error
    scene = json.loads(tabular.to_json())
    assert scene["model"] == {"name": "iris"} and scene["data"] == {"name": "iris"}
    assert scene["tab"] == "gradients" and scene["inputs"]["method"] == "kernel_shap"
    assert np.array_equal(np.float32(scene["inputs"]["x"]), s.x)  # lossless: float32 as is
    again = round_trip(tabular)
    assert not any(isinstance(v, ActivationView) for v in again.views)
    assert "sanity check" not in again.tabs.titles
    again.close()


def test_the_scene_opens_with_other_hidden_parts(tabular):
    again = Explorer.from_json(tabular.to_json(), hide=["method", "gradients"])
    assert again.hidden == ["method", "gradients"]
    assert again.views[1].method not in again.views[1].children[0].children
    assert again.tabs.titles[again.tabs.selected_index] != "gradients"  # the first tab
    again.close()


def test_digits_cnn_scene_round_trips_exactly():
    ex = Explorer("digits_cnn", method="grad_cam", layer="conv_1", cam_relu=False)
    s = ex.state
    s.x = s.dataset.X_test[11]
    ex.tabs.selected_index = [t for t, _ in ex.tab_list].index("feature maps")
    assert json.loads(ex.to_json())["model"] == {"name": "digits_cnn"}
    again = round_trip(ex)
    with again.state.batch():  # a group mask, the occlusion window
        again.state.method = "occlusion"
        again.state.feature_mask = np.arange(64).reshape(8, 8) // 16
        again.state.window = 3
    third = round_trip(again)
    assert third.state.feature_mask.dtype == np.int32
    for app in (ex, again, third):
        app.close()


def test_a_token_models_typed_text_and_chosen_example_round_trip():
    ex = Explorer("sentiment_lstm", method="integrated_gradients")
    s = ex.state
    s.text = "The plot was dull, Sherlock!"  # an unknown word: x follows the typed text
    assert s.unknown_words == ["sherlock"]
    scene = json.loads(ex.to_json())
    assert scene["inputs"]["text"] == s.text
    again = round_trip(ex)
    s.x = s.dataset.X_test[4]  # an example: the text follows its ids
    third = round_trip(ex)
    assert third.state.text == " ".join(s.dataset.decode(s.dataset.X_test[4]))
    scene = json.loads(ex.to_json())
    scene["inputs"]["text"] = "a sentence of other words"
    with pytest.raises(ValueError, match="scene inputs text"):
        Explorer.from_json(json.dumps(scene))
    for app in (ex, again, third):
        app.close()


@pytest.fixture(scope="module")
def own_net():
    ds = load_dataset("wine")
    net = Sequential((13,), (Dense(6, "gelu"), Dense(3)))
    return net, net.init(jax.random.key(2)), ds


def test_your_sequential_travels_with_its_weights(own_net):
    net, params, ds = own_net
    ex = Explorer(net, params, data=ds, method="smoothgrad", sigma=0.3, samples=8)
    scene = json.loads(ex.to_json())
    assert set(scene["model"]) == {"spec", "params"} and scene["data"] == {"name": "wine"}
    again = round_trip(ex)  # no arguments: the scene holds it all
    with pytest.raises(ValueError, match="model: expected None"):
        Explorer.from_json(ex.to_json(), model=net)
    ex.close()
    again.close()


def test_your_sequential_and_your_arrays_open_with_no_arguments(own_net):
    net, params, ds = own_net
    X, y = ds.X_test[:20], ds.y_test[:20]
    ex = Explorer(net, params, data=(X, y), class_names=["a", "b", "c"], target=1)
    scene = json.loads(ex.to_json())
    assert set(scene["data"]) == {"X", "y", "feature_names", "class_names"}
    again = round_trip(ex)
    assert again.state.class_names == ("a", "b", "c")
    assert np.array_equal(again.state.dataset.X_train, X)
    ex.close()
    again.close()


def test_a_function_model_is_passed_again():
    X = np.random.default_rng(5).normal(size=(24, 3)).astype(np.float32)
    y = (X[:, 0] > X[:, 1]).astype(np.int32)
    W = np.array([[1.0, -1.0], [-1.0, 1.0], [0.5, 0.25]], np.float32)

    def f(p, x):
        return jnp.tanh(x @ p)

    ex = Explorer(f, W, data=(X, y), method="gradient_x_input", class_names=["no", "yes"])
    text = ex.to_json()
    scene = json.loads(text)
    assert scene["model"]["own"] == "function" and scene["data"]["shape"] == [24, 3]
    with pytest.raises(ValueError, match=r"model: expected the function model .* got None"):
        Explorer.from_json(text)
    with pytest.raises(ValueError, match=r"data: expected the data .*data=\.\.\.\), got None"):
        Explorer.from_json(text, model=f, params=W)
    again = round_trip(ex, model=f, params=W, data=(X, y))
    assert again.state.class_names == ("no", "yes")
    with pytest.raises(ValueError, match="scene data: expected"):  # other data
        Explorer.from_json(text, model=f, params=W, data=(X[:10], y[:10]))
    with pytest.raises(ValueError, match="scene model: expected"):  # another model
        Explorer.from_json(text, model=lambda p, x: tap("h", x) @ p, params=W, data=(X, y))
    with pytest.raises(ValueError, match="scene model: expected"):
        Explorer.from_json(text, model=f, params=np.ones((3, 3), np.float32), data=(X, y))
    ex.close()
    again.close()


# hide -------------------------------------------------------------------------------------------
def test_hide_takes_controls_views_and_tabs_out_and_refuses_unknown_names(tabular):
    controls = tabular.views[1]
    settings = controls.children[1].children
    assert controls.settings["sigma"] not in settings
    tabular.state.method = "smoothgrad"  # shows the noise settings: sigma stays hidden
    assert controls.settings["sigma"] not in controls.children[1].children
    assert controls.settings["samples"] in controls.children[1].children
    assert isinstance(tabular.views[2], InputSliders)
    assert "sanity check" not in [t for t, _ in tabular.tab_list]
    with pytest.raises(ValueError, match=r"hide: expected names from \[.*'activations'"):
        Explorer("iris", hide=["activatons"])
    tabular.state.method = "kernel_shap"


def test_a_lab_without_tabs_saves_none_and_opens_on_the_first_when_shown():
    titles = [t for t, _ in TABS]
    ex = Explorer("iris", hide=[*titles, "input", "probabilities"])
    assert ex.tabs.layout.display == "none" and len(ex.views) == 4
    text = ex.to_json()
    assert json.loads(text)["tab"] is None
    again = round_trip(ex)
    shown = Explorer.from_json(text, hide=[])
    assert shown.tabs.titles == tuple(titles) and shown.tabs.selected_index == 0
    for app in (ex, again, shown):
        app.close()


# corrupt scenes ---------------------------------------------------------------------------------
CORRUPT = {
    "format": (_set(["format"], "nnwidgets.playground"), "scene format"),
    "version 2": (_set(["version"], 2), "scene version: expected 1, got 2"),
    "version a string": (_set(["version"], "1"), "scene version"),
    "an unknown field": (_set(["notes"], "hi"), r"scene fields: .*unknown \['notes'\]"),
    "no inputs": (lambda s: s.pop("inputs"), "scene inputs"),
    "an unknown input": (_set(["inputs", "colour"], "red"), r"scene inputs: .*'colour'"),
    "inputs a list": (_set(["inputs"], []), "scene inputs"),
    "x short": (_set(["inputs", "x"], [0.0, 1.0]), r"scene inputs x: expected shape \(4,\)"),
    "x NaN": (_set(["inputs", "x", 2], math.nan), "scene inputs x: .* NaN at index"),
    "x Infinity": (_set(["inputs", "x", 0], -math.inf), "scene inputs x"),
    "x strings": (_set(["inputs", "x"], ["a", "b", "c", "d"]), "scene inputs x"),
    "baseline NaN": (_set(["inputs", "baseline", 0], math.nan), "scene inputs baseline"),
    "an unknown method": (_set(["inputs", "method"], "shapley"), "scene inputs method"),
    "grad_cam without conv": (_set(["inputs", "method"], "grad_cam"), "scene inputs method"),
    "method a number": (_set(["inputs", "method"], 5), "scene inputs method"),
    "ig_steps a string": (_set(["inputs", "ig_steps"], "many"), "scene inputs ig_steps"),
    "ig_steps 0": (_set(["inputs", "ig_steps"], 0), "scene inputs ig_steps"),
    "absolute 1": (_set(["inputs", "absolute"], 1), "scene inputs absolute"),
    "target 3": (_set(["inputs", "target"], 3), "scene inputs target"),
    "target a string": (_set(["inputs", "target"], "2"), "scene inputs target"),
    "sigma null": (_set(["inputs", "sigma"], None), "scene inputs sigma"),
    "feature_mask floats": (_set(["inputs", "feature_mask"], [0.5] * 4), "feature_mask"),
    "embed_layer unknown": (_set(["inputs", "embed_layer"], "dense_9"), "scene inputs embed"),
    "text for a tabular model": (_set(["inputs", "text"], "hello"), "scene inputs text"),
    "an unknown tab": (_set(["tab"], "weigths"), r"scene tab: expected null or one of \["),
    "a hidden tab": (_set(["tab"], "sanity check"), "scene tab"),
    "tab a number": (_set(["tab"], 3), "scene tab"),
    "hide unknown": (_set(["hide"], ["sigma", "colour"]), r"scene hide: .*\['colour'\]"),
    "hide a string": (_set(["hide"], "sigma"), "scene hide"),
    "an unknown model": (_set(["model", "name"], "digitz"), "scene model name: expected one of"),
    "model a string": (_set(["model"], "iris"), "scene model"),
    "model of no form": (_set(["model"], {"name": "iris", "spec": {}}), "scene model"),
    "an unknown data set": (_set(["data", "name"], "mnist"), "scene data name"),
    "a data set of other shape": (_set(["data", "name"], "wine"), "scene data: expected"),
}


@pytest.mark.parametrize("text", ["{not json", "", None, "[1, 2]", "null"])
def test_what_is_not_a_scene_is_refused(text):
    with pytest.raises(ValueError, match="scene"):
        Explorer.from_json(text)


@pytest.fixture(scope="module")
def own_scene(own_net):
    net, params, ds = own_net
    ex = Explorer(net, params, data=(ds.X_test[:12], ds.y_test[:12]))
    yield ex.to_json()
    ex.close()


CORRUPT_OWN = {
    "params NaN": (_set(["model", "params", 0, "w", 0, 0], math.nan), r"scene model params\[0\]"),
    "params short": (_set(["model", "params", 1, "b"], [0.0]), r"scene model params\[1\]\['b'\]"),
    "params a dict": (_set(["model", "params"], {}), "scene model params"),
    "a layer too many": (lambda s: s["model"]["params"].append({}), "scene model params"),
    "spec unknown layer": (
        _set(["model", "spec", "layers", 0, "type"], "Dens"),
        "scene model spec",
    ),
    "spec a list": (_set(["model", "spec"], []), "scene model spec"),
    "X NaN": (_set(["data", "X", 0, 0], math.nan), "scene data X"),
    "X ragged": (_set(["data", "X", 0], [1.0]), "scene data X"),
    "y halves": (_set(["data", "y", 0], 0.5), "scene data y"),
    "y negative": (_set(["data", "y", 0], -1), "scene data y"),
    "class_names numbers": (_set(["data", "class_names"], [1, 2, 3]), "scene data class_names"),
    "too few class names": (_set(["data", "class_names"], ["a"]), "scene data class_names"),
}


@pytest.mark.parametrize(
    ("made", "case"), [*(("tabular", c) for c in CORRUPT), *(("own_scene", c) for c in CORRUPT_OWN)]
)
def test_a_corrupt_scene_is_refused_naming_the_field(request, made, case):
    """Every field of the iris lab's scene, and the network and arrays of your own."""
    scene = request.getfixturevalue(made)
    scene = json.loads(scene if isinstance(scene, str) else scene.to_json())
    edit, match = (CORRUPT if made == "tabular" else CORRUPT_OWN)[case]
    edit(scene)
    with pytest.raises(ValueError, match=match):
        Explorer.from_json(json.dumps(scene))
