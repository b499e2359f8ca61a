"""Bundled small trained models: architectures, weight files and how they were made.

A bundled model has a name (``BUNDLED_MODELS``), an architecture (``ARCHITECTURES``), the
settings it was trained with (``TRAINING``) and a data set (``MODEL_DATASET``): the four MLPs
share their data set's name; ``"digits_cnn"`` is a small convolutional net on ``"digits"``.
"""

from __future__ import annotations

import json
import pathlib
from typing import Any, NamedTuple

import jax
import numpy as np

from ._data import DATASETS, Dataset, load_dataset
from ._layers import Conv2D, Dense, Flatten, MaxPool2D, Params, Sequential, check_params

WEIGHTS_DIR = pathlib.Path(__file__).parent / "weights"
FORMAT_VERSION = 1

ARCHITECTURES: dict[str, Sequential] = {
    "digits": Sequential((8, 8), (Flatten(), Dense(64, "relu"), Dense(32, "relu"), Dense(10))),
    "iris": Sequential((4,), (Dense(8, "tanh"), Dense(3))),
    "wine": Sequential((13,), (Dense(16, "tanh"), Dense(3))),
    "breast_cancer": Sequential((30,), (Dense(16, "tanh"), Dense(8, "tanh"), Dense(2))),
    "digits_cnn": Sequential(
        (8, 8),
        (
            Conv2D(8, (3, 3), activation="relu"),
            MaxPool2D((2, 2)),
            Conv2D(16, (3, 3), activation="relu"),
            Flatten(),
            Dense(32, "relu"),
            Dense(10),
        ),
    ),
}
TRAINING = {  # the settings the bundled weights were made with (see train_bundled.py)
    "digits": {"steps": 3000, "batch_size": 64, "learning_rate": 3e-3, "weight_decay": 1e-4},
    "iris": {"steps": 1500, "batch_size": 32, "learning_rate": 1e-2, "weight_decay": 1e-4},
    "wine": {"steps": 1500, "batch_size": 32, "learning_rate": 1e-2, "weight_decay": 1e-4},
    "breast_cancer": {"steps": 1500, "batch_size": 64, "learning_rate": 3e-3, "weight_decay": 1e-3},
    "digits_cnn": {"steps": 3000, "batch_size": 64, "learning_rate": 3e-3, "weight_decay": 1e-4},
}
BUNDLED_MODELS: tuple[str, ...] = tuple(ARCHITECTURES)
MODEL_DATASET: dict[str, str] = {
    **{name: name for name in BUNDLED_MODELS if name in DATASETS},
    "digits_cnn": "digits",
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


def _check_name(name: str) -> str:
    if name not in BUNDLED_MODELS:
        raise ValueError(
            f"bundled model name: expected one of {list(BUNDLED_MODELS)}, got {name!r}"
        )
    return MODEL_DATASET[name]


def pretrained(name: str) -> Pretrained:
    """The bundled trained model ``name`` with its data set (no training, no download).

    Args:
        name: one of ``BUNDLED_MODELS``: a data set name for its MLP, or ``"digits_cnn"``
            (a small CNN on ``"digits"``).

    Examples:
        >>> m = pretrained("iris")
        >>> m.model.input_shape, m.dataset.n_classes
        ((4,), 3)
        >>> m = pretrained("digits_cnn")
        >>> m.dataset.name, m.model.layer_names
        ('digits', ('conv_1', 'conv_2', 'dense_1', 'dense_2'))
    """
    dataset = _check_name(name)
    model, params, _ = load_weights(WEIGHTS_DIR / f"{name}.npz")
    return Pretrained(model, params, load_dataset(dataset))


def train(name: str, *, seed: int = 0) -> Pretrained:
    """Train the bundled architecture ``name`` from scratch (seconds to a minute on a CPU)."""
    from ._train import fit

    ds = load_dataset(_check_name(name))
    model = ARCHITECTURES[name]
    init_key, fit_key = jax.random.split(jax.random.key(seed))
    params, _ = fit(
        model, model.init(init_key), ds.X_train, ds.y_train, key=fit_key, **TRAINING[name]
    )
    return Pretrained(model, params, ds)
