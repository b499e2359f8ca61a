"""Checks of a scene (the parsed JSON of ``Playground.to_json`` or ``Explorer.to_json``).

Pure functions, run before anything is built or published: each refuses a malformed field with
``ValueError("scene <field>: expected <what>, got <what came>")``. Note that ``json.loads``
accepts ``NaN`` and ``Infinity``: every array and curve is checked for finite numbers here.
Both apps share the header (``format``, ``version``, no unknown fields), the weights (a list
of per-layer dicts of nested lists: float32 values written as the float64 numbers they
are, so they read back bit for bit) and the wording of the errors.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

import numpy as np

from ..models import check_params

#: The keys of ``PlaygroundState.history``, in the order ``_publish`` appends a row.
HISTORY_KEYS = ("step", "epoch", "train_loss", "test_loss", "train_acc", "test_acc")
#: The keys of each layer's record in ``PlaygroundState.layer_history``.
LAYER_HISTORY_KEYS = ("step", "mean", "std", "min", "max", "grad_norm")
#: The keys ``to_json`` writes besides ``format`` and ``version``.
REQUIRED = ("config", "data", "architecture", "step", "params", "opt_state", "history")
#: Keys ``to_json`` writes that older scenes lack (they load without them).
OPTIONAL = ("layer_history",)
#: The keys of ``data`` that carry the user's own ``(X, y)`` (dataset ``"custom"``).
USER_DATA = ("X", "y", "y_dtype")
Y_DTYPES = ("int32", "float32")


def _show(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def _fail(field: str, expected: str, got: str) -> NoReturn:
    raise ValueError(f"scene {field}: expected {expected}, got {got}")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _finite(field: str, value: Any, what: str = "a (nested) list of finite numbers") -> np.ndarray:
    """``value`` as a numeric array of finite numbers, else ValueError naming ``field``."""
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError, OverflowError):  # ragged lists, ...
        _fail(field, what, _show(value))
    if arr.dtype.kind not in "iuf":
        _fail(field, what, _show(value))
    bad = np.argwhere(~np.isfinite(arr))
    if len(bad):
        at = tuple(int(i) for i in bad[0])
        bad_value = json.dumps(float(arr[at]))  # NaN, Infinity or -Infinity, as in the file
        _fail(field, what, f"{bad_value} at index {at}" if at else bad_value)
    return arr


def check_scene(
    scene: Any, *, fmt: str, version: int, config_names: Sequence[str]
) -> dict[str, Any]:
    """Check every field of a parsed scene that can be checked before a state is built.

    Args:
        scene: the value ``json.loads`` returned.
        fmt: the expected ``format`` string.
        version: the expected ``version`` number.
        config_names: the names ``config`` may hold.

    Returns:
        ``scene`` itself, now known to be a dict with every required key well formed.

    Raises:
        ValueError: ``"scene <field>: expected <what>, got <what came>"`` for the first
            malformed field.
    """
    scene = check_header(scene, fmt=fmt, version=version, fields=REQUIRED, optional=OPTIONAL)
    _check_config(scene["config"], config_names)
    _check_data(scene["data"], scene["config"])
    if not isinstance(scene["architecture"], dict):
        _fail("architecture", "a dict (Sequential.to_dict())", _show(scene["architecture"]))
    if not _is_count(scene["step"]):
        _fail("step", "a non-negative int", _show(scene["step"]))
    _check_params(scene["params"])
    opt_state = scene["opt_state"]
    if not isinstance(opt_state, list):
        _fail("opt_state", "a list of arrays", _show(opt_state))
    for i, leaf in enumerate(opt_state):
        _finite(f"opt_state[{i}]", leaf)
    _check_history(scene["history"])
    if "layer_history" in scene:
        _check_layer_history(scene["layer_history"])
    return scene


def parse_scene(text: Any, app: str) -> Any:
    """``json.loads(text)``, or ValueError saying the text is not the JSON of ``app``'s scene.

    Args:
        text: what ``from_json`` was given.
        app: the app's name, e.g. ``"Playground"``.
    """
    try:
        return json.loads(text)
    except (TypeError, json.JSONDecodeError) as e:
        raise ValueError(f"scene: expected the JSON text of {app}.to_json(), got {e}") from e


def check_header(
    scene: Any, *, fmt: str, version: int, fields: Sequence[str], optional: Sequence[str] = ()
) -> dict[str, Any]:
    """Check a parsed scene's ``format`` and ``version`` and that it holds exactly ``fields``.

    Args:
        scene: the value ``json.loads`` returned.
        fmt: the expected ``format`` string.
        version: the expected ``version`` number.
        fields: the keys ``to_json`` writes besides ``format`` and ``version``.
        optional: keys ``to_json`` writes that older scenes may lack.

    Returns:
        ``scene`` itself, now known to be a dict with those keys (and perhaps ``optional``
        ones) and no others.

    Raises:
        ValueError: ``"scene <field>: expected <what>, got <what came>"``.
    """
    if not isinstance(scene, dict):
        _fail("format", repr(fmt), f"a JSON {type(scene).__name__}, not an object")
    if scene.get("format") != fmt:
        _fail("format", repr(fmt), _show(scene.get("format")))
    if not _is_count(scene.get("version")) or scene["version"] != version:
        _fail("version", repr(version), _show(scene.get("version")))
    for key in fields:
        if key not in scene:
            _fail(key, "a value (to_json writes it)", f"no {key!r} key among {sorted(scene)}")
    check_names("fields", scene, ("format", "version", *fields, *optional))
    return scene


def check_names(field: str, value: Any, names: Sequence[str], what: str = "names") -> dict:
    """``value`` as a dict whose keys are all among ``names``, else ValueError naming ``field``.

    Args:
        field: the scene's field, e.g. ``"config"``.
        value: its parsed value.
        names: the keys it may hold.
        what: what the keys are, for the message (e.g. ``"setting names"``).
    """
    if not isinstance(value, dict):
        _fail(field, f"a dict of {what} among {list(names)}", _show(value))
    unknown = sorted(str(k) for k in value if k not in names)
    if unknown:
        _fail(field, f"{what} among {list(names)}", f"unknown {unknown}")
    return value


def _check_config(config: Any, names: Sequence[str]) -> None:
    check_names("config", config, names, "setting names")
    for name, value in config.items():
        if value is None or isinstance(value, bool):  # traitlets would take True for 1
            _fail(f"config {name}", "a number, a string or a list", repr(value))


def _check_data(data: Any, config: Mapping[str, Any]) -> None:
    if not isinstance(data, dict):
        _fail("data", "a dict with 'added' (and X, y, y_dtype for 'custom')", _show(data))
    unknown = sorted(str(k) for k in data if k not in ("added", *USER_DATA))
    if unknown:
        _fail("data", f"keys among {['added', *USER_DATA]}", f"unknown {unknown}")
    added = data.get("added", [])
    if not isinstance(added, list):
        _fail("data added", "a list of [x1, x2, label] rows", _show(added))
    for i, row in enumerate(added):
        if not (isinstance(row, list) and len(row) == 3 and all(map(_is_number, row))):
            _fail(f"data added[{i}]", "a row [x1, x2, label] of numbers", _show(row))
        _finite(f"data added[{i}]", row, "a row [x1, x2, label] of finite numbers")
    present = [k for k in USER_DATA if k in data]
    custom = config.get("dataset", "custom" if present else None) == "custom"
    if present and (len(present) < len(USER_DATA) or not custom):
        _fail(
            "data",
            f"all of {list(USER_DATA)} for dataset 'custom' and none otherwise",
            f"{present} for dataset {config.get('dataset')!r}",
        )
    if custom and not present:
        _fail("data", f"{list(USER_DATA)} for dataset 'custom'", f"keys {sorted(data)}")
    if not present:
        return
    X = _finite("data X", data["X"], "a nested list of finite numbers (n, n_features)")
    if X.ndim < 2:
        _fail("data X", "a nested list of shape (n, n_features)", f"shape {X.shape}")
    if data["y_dtype"] not in Y_DTYPES:
        _fail("data y_dtype", f"one of {list(Y_DTYPES)}", _show(data["y_dtype"]))
    y = _finite("data y", data["y"], "a list of finite numbers")
    if y.shape != (len(X),):
        _fail("data y", f"{len(X)} labels or targets (one per row of X)", f"shape {y.shape}")
    if data["y_dtype"] == "int32" and not (np.all(np.mod(y, 1) == 0) and np.all(y >= 0)):
        _fail("data y", "non-negative integer class labels (y_dtype 'int32')", _show(y.tolist()))


def _check_params(params: Any, field: str = "params") -> None:
    if not isinstance(params, list) or not all(isinstance(p, dict) for p in params):
        _fail(field, "a list of per-layer dicts of arrays", _show(params))
    for i, layer in enumerate(params):
        for name, value in layer.items():
            _finite(f"{field}[{i}][{name!r}]", value)


def params_to_json(params: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A ``Sequential``'s parameters as JSON-able per-layer dicts of nested lists.

    float32 values become the float64 numbers they are, whose shortest ``repr`` JSON writes:
    reading them back as float32 gives the same bits.
    """
    return [{k: np.asarray(v).tolist() for k, v in sorted(layer.items())} for layer in params]


def params_from_json(model: Any, params: Any, field: str = "params") -> Any:
    """The float32 parameters of ``model`` (a ``Sequential``) from a scene's ``field``.

    Raises:
        ValueError: ``"scene <field>...: expected ..., got ..."`` for a non-finite value, a
            missing or unknown array or a wrong shape.
    """
    _check_params(params, field)
    try:
        return check_params(model, params)
    except ValueError as e:
        raise ValueError(f"scene {field}{str(e).removeprefix('params')}") from e


def _check_record(field: str, record: Any, keys: Sequence[str]) -> None:
    """One record of per-update lists: ``history``, or a layer's ``layer_history``.

    Its keys, finite numbers, non-negative int steps, one length.
    """
    if not isinstance(record, dict) or set(record) != set(keys):
        got = sorted(record) if isinstance(record, dict) else _show(record)
        _fail(field, f"a dict with the keys {list(keys)}", str(got))
    for key in keys:
        values = record[key]
        if not isinstance(values, list) or not all(map(_is_number, values)):
            _fail(f"{field} {key}", "a list of numbers", _show(values))
        _finite(f"{field} {key}", values, "a list of finite numbers")
    if not all(map(_is_count, record["step"])):
        _fail(f"{field} step", "a list of non-negative ints", _show(record["step"]))
    lengths = {key: len(record[key]) for key in keys}
    if len(set(lengths.values())) > 1:
        _fail(field, "lists of one length (one entry per update)", f"lengths {lengths}")


def _check_history(history: Any) -> None:
    _check_record("history", history, HISTORY_KEYS)


def _check_layer_history(layers: Any) -> None:
    what = f"a dict: layer name -> dict with the keys {list(LAYER_HISTORY_KEYS)}"
    if not isinstance(layers, dict):
        _fail("layer_history", what, _show(layers))
    steps = None
    for name, record in layers.items():
        field = f"layer_history {name}"
        _check_record(field, record, LAYER_HISTORY_KEYS)
        if steps is not None and record["step"] != steps:
            _fail(f"{field} step", "the same steps as every other layer", _show(record["step"]))
        steps = record["step"]
        if any(b <= a for a, b in itertools.pairwise(steps)):
            _fail(f"{field} step", "increasing steps (one row per update)", _show(steps))


def check_layer_history(
    layers: Any, names: Sequence[str], step: int
) -> dict[str, dict[str, list[float]]]:
    """A scene's ``layer_history`` checked against the network the scene builds.

    Args:
        layers: ``scene["layer_history"]``.
        names: the network's layers with parameters, in order.
        step: the scene's step (no row may come after it).

    Returns:
        A copy: layer name -> key -> list (ints for ``step``, floats otherwise).

    Raises:
        ValueError: ``"scene layer_history...: expected ..., got ..."``.
    """
    _check_layer_history(layers)
    if list(layers) != list(names):
        _fail("layer_history", f"the layers {list(names)}", str(list(layers)))
    for name, record in layers.items():
        if record["step"] and record["step"][-1] > step:
            _fail(
                f"layer_history {name} step",
                f"steps up to the scene's step {step}",
                _show(record["step"]),
            )
    return {
        name: {k: [int(v) if k == "step" else float(v) for v in record[k]] for k in record}
        for name, record in layers.items()
    }


def user_data(data: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray] | None:
    """The user's own ``(X, y)`` of a checked scene's ``data``, or None for a named data set.

    Args:
        data: ``scene["data"]`` after ``check_scene``.

    Returns:
        ``(X, y)`` as float32 and ``y_dtype`` arrays, or None when the scene has none.
    """
    if "X" not in data:
        return None
    return np.asarray(data["X"], np.float32), np.asarray(data["y"], data["y_dtype"])


def check_added(
    added: Sequence[Sequence[float]], *, dataset: str, task: str, n_classes: int, is_2d: bool
) -> list[list[float]]:
    """Check the clicked points of a scene against the data set they belong to.

    Args:
        added: ``scene["data"]["added"]`` after ``check_scene`` (rows of finite numbers).
        dataset: the data set's name.
        task: "classification" or "regression".
        n_classes: number of classes (classification).
        is_2d: whether the data are points of the plane (the only ones points can join).

    Returns:
        The rows as lists of floats (what ``add_point`` stores).

    Raises:
        ValueError: ``"scene data added...: expected ..., got ..."``.
    """
    if added and not is_2d:
        _fail("data added", f"no points (data set {dataset!r} is not 2-D)", f"{len(added)} rows")
    for i, row in enumerate(added):
        label = row[2]
        if task == "classification" and (label != int(label) or not 0 <= label < n_classes):
            _fail(
                f"data added[{i}]",
                f"a label in 0..{n_classes - 1} (a class of {dataset!r})",
                _show(list(row)),
            )
    return [[float(v) for v in row] for row in added]


def check_architecture(architecture: Any, model: Mapping[str, Any]) -> None:
    """Refuse a scene whose ``architecture`` differs from the network its config builds.

    Args:
        architecture: ``scene["architecture"]``.
        model: ``state.model.to_dict()`` of the state built from the scene's config.

    Raises:
        ValueError: ``"scene architecture: expected <model>, got <architecture>"``.
    """
    expected = json.loads(json.dumps(model))  # tuples as lists, as in the file
    if architecture != expected:
        _fail(
            "architecture",
            f"{expected} (the network the scene's config builds)",
            _show(architecture, 300),
        )


def config_error(error: Exception, names: Sequence[str], key: str = "config") -> ValueError:
    """The error of building a state from a scene's settings and data, worded for the scene.

    Args:
        error: what ``PlaygroundState(data=..., **config)`` or ``ExplorerState(...,
            **inputs)`` raised (a ValueError or a traitlets TraitError).
        names: the setting names.
        key: the scene's field that holds them (``"config"``, ``"inputs"``).

    Returns:
        A ValueError ``"scene <key> <name>: ..."`` or ``"scene data ...: ..."``.
    """
    if not isinstance(error, ValueError):  # traitlets: a value of the wrong type
        return ValueError(f"scene {key}: expected settings of the right types, got {error}")
    message = str(error)
    field = message.split(":", 1)[0]
    return ValueError(f"scene {key} {message}" if field in names else f"scene {message}")


def check_hide(hide: Any, allowed: Sequence[str], field: str = "hide") -> list[str]:
    """An app's ``hide=`` (a name or a list of names) as a list, each among ``allowed``.

    Raises:
        ValueError: ``"<field>: expected names from [...], got [<the unknown ones>]"``.
    """
    hide = [hide] if isinstance(hide, str) else list(hide)
    unknown = [h for h in hide if h not in allowed]
    if unknown:
        raise ValueError(f"{field}: expected names from {list(allowed)}, got {unknown}")
    return hide
