"""Bundled small trained models: architectures, weight files and how they were made."""

from __future__ import annotations

import json
import pathlib
from typing import Any, NamedTuple

import jax
import numpy as np

from ._data import DATASETS, Dataset, load_dataset
from ._layers import Dense, Flatten, Params, Sequential, check_params

WEIGHTS_DIR = pathlib.Path(__file__).parent / "weights"
FORMAT_VERSION = 1

ARCHITECTURES: dict[str, Sequential] = {
    "digits": Sequential((8, 8), (Flatten(), Dense(64, "relu"), Dense(32, "relu"), Dense(10))),
    "iris": Sequential((4,), (Dense(8, "tanh"), Dense(3))),
    "wine": Sequential((13,), (Dense(16, "tanh"), Dense(3))),
    "breast_cancer": Sequential((30,), (Dense(16, "tanh"), Dense(8, "tanh"), Dense(2))),
}
TRAINING = {  # the settings the bundled weights were made with (see train_bundled.py)
    "digits": {"steps": 3000, "batch_size": 64, "learning_rate": 3e-3, "weight_decay": 1e-4},
    "iris": {"steps": 1500, "batch_size": 32, "learning_rate": 1e-2, "weight_decay": 1e-4},
    "wine": {"steps": 1500, "batch_size": 32, "learning_rate": 1e-2, "weight_decay": 1e-4},
    "breast_cancer": {"steps": 1500, "batch_size": 64, "learning_rate": 3e-3, "weight_decay": 1e-3},
}


class Pretrained(NamedTuple):
    """A bundled model: its spec, trained parameters and data set."""

    model: Sequential
    params: Params
    dataset: Dataset


def save_weights(path: str | pathlib.Path, model: Sequential, params: Params, **meta: Any) -> None:
    """Write ``params`` and the model spec to one ``.npz`` file (float32)."""
    arrays = {
        f"{i}/{k}": np.asarray(v, np.float32) for i, p in enumerate(params) for k, v in p.items()
    }
    header = {"format_version": FORMAT_VERSION, "model": model.to_dict(), **meta}
    np.savez(path, __header__=np.array(json.dumps(header)), **arrays)


def load_weights(path: str | pathlib.Path) -> tuple[Sequential, Params, dict[str, Any]]:
    """Read a file written by ``save_weights``; any corrupt or old file raises ValueError."""
    try:
        with np.load(path, allow_pickle=False) as f:
            header = json.loads(str(f["__header__"]))
            arrays = {k: f[k] for k in f.files if k != "__header__"}
    except (OSError, KeyError, ValueError) as e:
        raise ValueError(
            f"weights file {str(path)!r}: not a readable nnwidgets weight file ({e})"
        ) from e
    if header.get("format_version") != FORMAT_VERSION:
        raise ValueError(
            f"weights file {str(path)!r}: expected format_version {FORMAT_VERSION}, "
            f"got {header.get('format_version')!r}"
        )
    model = Sequential.from_dict(header["model"])
    raw: list[dict[str, np.ndarray]] = [{} for _ in model.layers]
    for key, value in arrays.items():
        i, name = key.split("/")
        raw[int(i)][name] = value
    return model, check_params(model, tuple(raw)), header


def pretrained(name: str) -> Pretrained:
    """The bundled trained model for data set ``name`` (no training, no download).

    Examples:
        >>> m = pretrained("iris")
        >>> m.model.input_shape, m.dataset.n_classes
        ((4,), 3)
    """
    if name not in DATASETS:
        raise ValueError(f"data set name: expected one of {list(DATASETS)}, got {name!r}")
    model, params, _ = load_weights(WEIGHTS_DIR / f"{name}.npz")
    return Pretrained(model, params, load_dataset(name))


def train(name: str, *, seed: int = 0) -> Pretrained:
    """Train the bundled architecture for ``name`` from scratch (a few seconds on a CPU)."""
    from ._train import fit

    if name not in DATASETS:
        raise ValueError(f"data set name: expected one of {list(DATASETS)}, got {name!r}")
    ds = load_dataset(name)
    model = ARCHITECTURES[name]
    init_key, fit_key = jax.random.split(jax.random.key(seed))
    params, _ = fit(
        model, model.init(init_key), ds.X_train, ds.y_train, key=fit_key, **TRAINING[name]
    )
    return Pretrained(model, params, ds)
