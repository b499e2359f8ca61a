"""An Explorer scene: its model, its data and every input setting, as JSON, and back.

``explorer_scene`` writes the JSON text of ``Explorer.to_json``; ``read_explorer_scene``
parses and checks it and ``explorer_state_from_scene`` builds the ``ExplorerState`` it
describes. The header, the weights and the wording of the errors are ``_scene``'s, shared
with the Playground.

The model is written in one of three forms: a bundled model by name (its spec and weights
equal the bundled ones), a ``Sequential``'s spec and float32 weights (nested lists: the
float64 numbers the float32 values are, which read back bit for bit), or a description of
your own model (kind, input shape, layers, outputs), which ``from_json`` needs passed again.
The data likewise: a bundled data set by name (its default split), your own ``(X, y)``
arrays beside a model the scene holds (so the scene opens with no arguments), or a
description of the data to pass again (shape and names).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import jax
import numpy as np
import traitlets as t

from ..models import (
    ARCHITECTURES,
    DATASETS,
    SEQUENCE_DATASETS,
    Dataset,
    Sequential,
    dataset_from_arrays,
    load_dataset,
    pretrained,
)
from ._build import build_state
from ._explorer_state import INPUT_TRAITS, ExplorerState
from ._scene import (
    _fail,
    _finite,
    _show,
    check_header,
    check_names,
    config_error,
    params_from_json,
    params_to_json,
    parse_scene,
)

SCENE_FORMAT = "nnwidgets.explorer"
SCENE_VERSION = 1
#: The keys ``Explorer.to_json`` writes besides ``format`` and ``version``.
FIELDS = ("model", "data", "inputs", "tab", "hide")
#: What ``inputs`` may hold: the input traits, the baseline's kind, a token model's text and
#: the embedding's layer and method (``baseline`` is left out when it is all zeros).
INPUTS = (*INPUT_TRAITS, "baseline_kind", "text", "embed_layer", "embed_method")
#: The keys of each form of ``model``: a bundled model, a ``Sequential`` with its weights,
#: your own model (passed again to ``from_json``).
MODEL_FORMS = (
    ("name",),
    ("spec", "params"),
    ("own", "input_shape", "layers", "outputs", "batched"),
)
#: The keys of each form of ``data``: a bundled data set, your own arrays (beside a model the
#: scene holds), the description of data passed again to ``from_json`` (without feature
#: names for a model that takes channel-first images: they are moved with the axis).
DATA_FORMS = (
    ("name",),
    ("X", "y", "feature_names", "class_names"),
    ("shape", "feature_names", "class_names"),
    ("shape", "class_names"),
)
NAMED_DATA = (*DATASETS, *SEQUENCE_DATASETS)


# writing ----------------------------------------------------------------------------------
def explorer_scene(state: ExplorerState, *, tab: str | None, hide: list[str]) -> str:
    """The JSON text of ``Explorer.to_json``: model, data, inputs, visible tab, hidden parts.

    Args:
        state: the app's state.
        tab: the title of the visible tab (None: none).
        hide: the app's hidden controls and views.
    """
    model = _model_entry(state)
    arrays = "own" not in model  # a model the scene holds: its own arrays travel with it
    scene = {
        "format": SCENE_FORMAT,
        "version": SCENE_VERSION,
        "model": model,
        "data": _data_entry(state, arrays=arrays),
        "inputs": _inputs_entry(state),
        "tab": tab,
        "hide": list(hide),
    }
    return json.dumps(scene)


def _same_arrays(a: Any, b: Any) -> bool:
    """Both numpy/JAX arrays of one dtype and shape with the same bytes (0.0 is not -0.0)."""
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def _model_entry(state: ExplorerState) -> dict[str, Any]:
    model, params = state.model, state.params
    if not isinstance(model, Sequential):
        return {
            "own": model.kind,
            "input_shape": list(model.input_shape),
            "layers": list(model.layer_names),
            "outputs": model.n_outputs,
            "batched": bool(model.batched),
        }
    leaves = jax.tree_util.tree_leaves(params)
    for name, architecture in ARCHITECTURES.items():
        if architecture == model:
            bundled = jax.tree_util.tree_leaves(pretrained(name).params)
            if len(bundled) == len(leaves) and all(map(_same_arrays, bundled, leaves)):
                return {"name": name}
    return {"spec": model.to_dict(), "params": params_to_json(params)}


def _same_dataset(a: Dataset, b: Dataset) -> bool:
    """Every field of ``a`` and ``b`` equal, arrays bit for bit."""
    for field in dataclasses.fields(Dataset):
        u, v = getattr(a, field.name), getattr(b, field.name)
        if isinstance(u, np.ndarray) or isinstance(v, np.ndarray):
            if u is None or v is None or not _same_arrays(u, v):
                return False
        elif u != v:
            return False
    return True


def _data_entry(state: ExplorerState, *, arrays: bool) -> dict[str, Any]:
    ds = state.dataset
    if ds.name in NAMED_DATA and _same_dataset(ds, load_dataset(ds.name)):
        return {"name": ds.name}
    if arrays and ds.X_test is ds.X_train and ds.y_test is ds.y_train:
        try:  # the Dataset that Explorer(net, params, data=(X, y), ...) made
            own = dataset_from_arrays(
                ds.X_train, ds.y_train, feature_names=ds.feature_names, class_names=ds.class_names
            )
        except ValueError:
            own = None
        if own is not None and _same_dataset(ds, own):
            return {
                "X": ds.X_train.tolist(),
                "y": ds.y_train.tolist(),
                "feature_names": list(ds.feature_names),
                "class_names": list(ds.class_names),
            }
    return _described(state)


def _described(state: ExplorerState) -> dict[str, Any]:
    """The data's shape and names: what ``from_json`` checks the data passed again against."""
    ds = state.dataset
    entry: dict[str, Any] = {"shape": [len(ds.X), *ds.input_shape]}
    if not getattr(state.model, "channels_first_input", False):
        entry["feature_names"] = list(ds.feature_names)
    entry["class_names"] = list(ds.class_names)
    return entry


def _inputs_entry(state: ExplorerState) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    for name in INPUTS:
        if name == "text" and state.input_kind != "text":
            continue  # only a token model has words
        value = getattr(state, name)
        if name == "baseline" and not (np.any(value) or np.signbit(value).any()):
            continue  # all zeros: the state's own default
        entry[name] = np.asarray(value).tolist() if isinstance(value, np.ndarray) else value
    return entry


# reading ----------------------------------------------------------------------------------
def read_explorer_scene(text: Any) -> dict[str, Any]:
    """Parse an Explorer scene and check its header, ``tab`` and ``hide`` (their types).

    Raises:
        ValueError: ``"scene <field>: expected <what>, got <what came>"``.
    """
    scene = check_header(
        parse_scene(text, "Explorer"), fmt=SCENE_FORMAT, version=SCENE_VERSION, fields=FIELDS
    )
    if scene["tab"] is not None and not isinstance(scene["tab"], str):
        _fail("tab", "a tab's title or null", _show(scene["tab"]))
    hide = scene["hide"]
    if not isinstance(hide, list) or not all(isinstance(name, str) for name in hide):
        _fail("hide", "a list of names", _show(hide))
    return scene


def _form(field: str, value: Any, forms: tuple[tuple[str, ...], ...]) -> dict[str, Any]:
    """``value`` as a dict with exactly the keys of one of ``forms``."""
    if not isinstance(value, dict) or tuple(sorted(value)) not in {tuple(sorted(f)) for f in forms}:
        got = f"keys {sorted(value)}" if isinstance(value, dict) else _show(value)
        _fail(field, f"a dict with the keys {' or '.join(str(list(f)) for f in forms)}", got)
    return value


def _strings(field: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        _fail(field, "a list of strings", _show(value))
    return value


def _none(argument: str, value: Any, holds: str) -> None:
    """Refuse an argument of ``from_json`` that the scene itself holds."""
    if value is not None:
        raise ValueError(
            f"{argument}: expected None (the scene holds its {holds}), got {type(value).__name__}"
        )


def explorer_state_from_scene(
    scene: dict[str, Any], model: Any = None, params: Any = None, data: Any = None
) -> ExplorerState:
    """Build the state a checked scene (``read_explorer_scene``) describes, exactly.

    Args:
        scene: the parsed scene.
        model: your own model, when the scene describes one (not a bundled model's name or a
            ``Sequential``'s spec and weights, which the scene holds).
        params: its parameters (as for ``Explorer``).
        data: the data, when the scene describes it (not a bundled data set, or the arrays
            the scene holds beside its model).

    Raises:
        ValueError: ``"scene <field>: expected ..., got ..."`` for a corrupt scene, or naming
            the argument that is missing, not needed, or not the one the scene was made with.
    """
    entry = _form("model", scene["model"], MODEL_FORMS)
    described = _form("data", scene["data"], DATA_FORMS)
    inputs = dict(check_names("inputs", scene["inputs"], INPUTS, "input names"))
    for name in ("x", "baseline"):
        if name in inputs:
            inputs[name] = _finite(f"inputs {name}", inputs[name])
    if "feature_mask" in inputs and inputs["feature_mask"] is None:
        del inputs["feature_mask"]  # the default; the state's constructor refuses None
    if "own" in entry:
        if not isinstance(entry["batched"], bool):
            _fail("model batched", "true or false", _show(entry["batched"]))
        if model is None:
            raise ValueError(
                f"model: expected the {entry['own']} model this scene was made with (a scene "
                "holds a bundled model's name or a Sequential's spec and weights, not your own "
                "model): Explorer.from_json(text, model=..., params=..., data=...), got None"
            )
        net, weights, batched = model, params, entry["batched"]
    else:
        holds = f"model {entry['name']!r}" if "name" in entry else "network and its weights"
        _none("model", model, holds)
        _none("params", params, holds)
        (net, weights), batched = _sequential(entry), None
    names: dict[str, Any] = {}
    if "shape" in described:
        if data is None:
            raise ValueError(
                f"data: expected the data this scene was made with (shape "
                f"{described['shape']}; a scene holds a bundled data set's name, or your arrays "
                "beside a model it holds, not these): Explorer.from_json(text, ..., data=...), "
                "got None"
            )
        names = {
            key: _strings(f"data {key}", described[key])
            for key in ("feature_names", "class_names")
            if key in described
        }
    else:
        _none("data", data, f"data set {described['name']!r}" if "name" in described else "data")
        data = _dataset(described)
    try:
        state = build_state(net, weights, data, batched=batched, **names, **inputs)
    except (ValueError, t.TraitError) as e:
        raise config_error(e, INPUTS, "inputs") from e
    if "own" in entry and _model_entry(state) != entry:
        _fail("model", f"{entry} (the model the scene was made with)", str(_model_entry(state)))
    if "shape" in described and _described(state) != described:
        got = _show(_described(state), 300)
        _fail("data", f"{_show(described, 300)} (the data the scene was made with)", got)
    _words(state, inputs)
    return state


def _sequential(entry: dict[str, Any]) -> tuple[Sequential, Any]:
    """A bundled model's spec and weights, or those the scene holds."""
    if "name" in entry:
        if entry["name"] not in ARCHITECTURES:
            _fail("model name", f"one of {list(ARCHITECTURES)}", _show(entry["name"]))
        bundled = pretrained(entry["name"])
        return bundled.model, bundled.params
    try:
        spec = Sequential.from_dict(entry["spec"])
    except (ValueError, TypeError, KeyError, AttributeError) as e:
        _fail("model spec", "a network (Sequential.to_dict())", f"{_show(entry['spec'])} ({e})")
    return spec, params_from_json(spec, entry["params"], "model params")


def _dataset(described: dict[str, Any]) -> Dataset:
    """A bundled data set by name, or the arrays the scene holds."""
    if "name" in described:
        if described["name"] not in NAMED_DATA:
            _fail("data name", f"one of {list(NAMED_DATA)}", _show(described["name"]))
        return load_dataset(described["name"])
    X = _finite("data X", described["X"]).astype(np.float32)
    y = _finite("data y", described["y"])
    feature_names = _strings("data feature_names", described["feature_names"])
    class_names = _strings("data class_names", described["class_names"])
    try:
        return dataset_from_arrays(X, y, feature_names=feature_names, class_names=class_names)
    except ValueError as e:
        message = str(e)
        raise ValueError(f"scene {'' if message.startswith('data') else 'data '}{message}") from e


def _words(state: ExplorerState, inputs: dict[str, Any]) -> None:
    """A token model's ``x`` and ``text`` as saved: ``x`` set from the words, or vice versa.

    The state was built with both, so ``x`` is the words' token ids. When the words were
    the ids' (an example chosen, ids set from code), the saved ids differ: set them, and
    their words must then be the saved text.
    """
    if "text" not in inputs or "x" not in inputs or state.input_kind != "text":
        return
    x = np.asarray(inputs["x"], np.float32)
    if _same_arrays(state.x, x):
        return
    state.x = x
    if state.error:
        raise ValueError(f"scene inputs {state.error}")
    if state.text != inputs["text"]:
        _fail(
            "inputs text",
            f"the words of x ({state.text!r}) or words whose token ids are x",
            _show(inputs["text"]),
        )
