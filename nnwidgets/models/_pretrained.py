"""Bundled small trained models: architectures, weight files and how they were made.

A bundled model has a name (``BUNDLED_MODELS``), an architecture (``ARCHITECTURES``), the
settings it was trained with (``TRAINING``) and a data set (``MODEL_DATASET``): the four MLPs
share their data set's name; ``"digits_cnn"`` is a small convolutional net on ``"digits"``.
Six sequence models come in an LSTM, a GRU and a small transformer each: ``"sentiment_lstm"``,
``"sentiment_gru"`` and ``"sentiment_transformer"`` on ``"sentiment"``, ``"waveforms_lstm"``,
``"waveforms_gru"`` and ``"waveforms_transformer"`` on ``"waveforms"``.
"""

from __future__ import annotations

import json
import pathlib
import zipfile
import zlib
from typing import Any, NamedTuple

import jax
import numpy as np

from ._data import DATASETS, Dataset, load_dataset
from ._layers import Conv2D, Dense, Flatten, MaxPool2D, Params, Sequential, check_params
from ._sequence_layers import (
    GRU,
    LSTM,
    Embedding,
    PositionalEncoding,
    SequencePool,
    TransformerBlock,
)
from ._sequences import SEQUENCE_LENGTH, VOCAB, WAVEFORM_CHANNELS

_TOKENS, _SERIES = (SEQUENCE_LENGTH,), (SEQUENCE_LENGTH, WAVEFORM_CHANNELS)  # (32,), (32, 2)

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
    "sentiment_lstm": Sequential(_TOKENS, (Embedding(len(VOCAB), 16), LSTM(32), Dense(2))),
    "sentiment_gru": Sequential(_TOKENS, (Embedding(len(VOCAB), 16), GRU(32), Dense(2))),
    "sentiment_transformer": Sequential(
        _TOKENS,
        (
            Embedding(len(VOCAB), 32),
            PositionalEncoding(),
            TransformerBlock(2, 64),
            TransformerBlock(2, 64),
            SequencePool("mean"),
            Dense(2),
        ),
    ),
    "waveforms_lstm": Sequential(_SERIES, (LSTM(32), Dense(4))),
    "waveforms_gru": Sequential(_SERIES, (GRU(32), Dense(4))),
    "waveforms_transformer": Sequential(
        _SERIES,
        (
            Dense(32),  # per step: the 2 channels to d_model 32
            PositionalEncoding(),
            TransformerBlock(2, 64),
            TransformerBlock(2, 64),
            SequencePool("mean"),
            Dense(4),
        ),
    ),
}
TRAINING = {  # the settings the bundled weights were made with (see train_bundled.py)
    "digits": {"steps": 3000, "batch_size": 64, "learning_rate": 3e-3, "weight_decay": 1e-4},
    "iris": {"steps": 1500, "batch_size": 32, "learning_rate": 1e-2, "weight_decay": 1e-4},
    "wine": {"steps": 1500, "batch_size": 32, "learning_rate": 1e-2, "weight_decay": 1e-4},
    "breast_cancer": {"steps": 1500, "batch_size": 64, "learning_rate": 3e-3, "weight_decay": 1e-3},
    "digits_cnn": {"steps": 3000, "batch_size": 64, "learning_rate": 3e-3, "weight_decay": 1e-4},
    "sentiment_lstm": {
        "steps": 1000,
        "batch_size": 64,
        "learning_rate": 3e-3,
        "weight_decay": 1e-4,
    },
    "sentiment_gru": {"steps": 1000, "batch_size": 64, "learning_rate": 3e-3, "weight_decay": 1e-4},
    "sentiment_transformer": {
        "steps": 1500,
        "batch_size": 64,
        "learning_rate": 3e-3,
        "weight_decay": 1e-4,
    },
    "waveforms_lstm": {
        "steps": 1500,
        "batch_size": 64,
        "learning_rate": 3e-3,
        "weight_decay": 1e-4,
    },
    "waveforms_gru": {"steps": 1500, "batch_size": 64, "learning_rate": 3e-3, "weight_decay": 1e-4},
    "waveforms_transformer": {
        "steps": 1000,
        "batch_size": 64,
        "learning_rate": 1e-3,
        "weight_decay": 1e-4,
    },
}
BUNDLED_MODELS: tuple[str, ...] = tuple(ARCHITECTURES)
MODEL_DATASET: dict[str, str] = {
    **{name: name for name in BUNDLED_MODELS if name in DATASETS},
    "digits_cnn": "digits",
    **{f"sentiment_{net}": "sentiment" for net in ("lstm", "gru", "transformer")},
    **{f"waveforms_{net}": "waveforms" for net in ("lstm", "gru", "transformer")},
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
    """Read a file written by ``save_weights``.

    Args:
        path: the ``.npz`` file.

    Returns:
        ``(model, params, header)``: the model spec, its float32 parameters and the header
        (``format_version``, ``model`` and the ``meta`` given to ``save_weights``).

    Raises:
        ValueError: for an unreadable, corrupt or old file, naming the part at fault (the
            archive, the header, an array's key or its values); nothing is half-loaded.
    """
    where = f"weights file {str(path)!r}"
    header, arrays = _read_npz(path, where)
    if not isinstance(header, dict):
        raise ValueError(
            f"{where} header: expected a JSON object with 'format_version' and 'model', "
            f"got a JSON {type(header).__name__}"
        )
    if header.get("format_version") != FORMAT_VERSION:
        raise ValueError(
            f"{where}: expected format_version {FORMAT_VERSION}, "
            f"got {header.get('format_version')!r}"
        )
    if "model" not in header:
        raise ValueError(
            f"{where} header model: expected a model spec (Sequential.to_dict()), "
            f"got no 'model' key among {sorted(header)}"
        )
    try:
        model = Sequential.from_dict(header["model"])
    except ValueError as e:
        raise ValueError(
            f"{where} header model: expected a model spec (Sequential.to_dict()), got {e}"
        ) from e
    n = len(model.layers)
    raw: list[dict[str, np.ndarray]] = [{} for _ in model.layers]
    for key, value in arrays.items():
        i, sep, name = key.partition("/")
        if not (sep and name and i.isascii() and i.isdigit() and int(i) < n):
            raise ValueError(
                f"{where} key {key!r}: expected '<layer index>/<name>' with a layer index in "
                f"0..{n - 1}, got {key!r}"
            )
        if value.dtype.kind not in "iuf":
            raise ValueError(f"{where} {key!r}: expected numbers, got dtype {value.dtype}")
        if not np.isfinite(value).all():
            at = tuple(int(j) for j in np.argwhere(~np.isfinite(value))[0])
            raise ValueError(
                f"{where} {key!r}: expected finite numbers, got {value[at]} at index {at}"
            )
        raw[int(i)][name] = value
    try:
        params = check_params(model, tuple(raw))
    except ValueError as e:
        raise ValueError(f"{where}: {e}") from e
    return model, params, header


#: What reading a damaged ``.npz`` raises: a missing file, an empty or truncated archive
#: (EOFError, BadZipFile), a bad CRC or deflate stream, a pickled or malformed member, an
#: unknown compression method (NotImplementedError) or an "encrypted" flag (RuntimeError).
_UNREADABLE = (
    OSError,
    EOFError,
    ValueError,
    KeyError,
    zipfile.BadZipFile,
    zlib.error,
    NotImplementedError,
    RuntimeError,
)


def _read_npz(path: str | pathlib.Path, where: str) -> tuple[Any, dict[str, np.ndarray]]:
    """The parsed JSON header and the arrays of an ``.npz`` file, or ValueError."""
    try:
        f = np.load(path, allow_pickle=False)
    except _UNREADABLE as e:
        raise ValueError(
            f"{where}: not a readable nnwidgets weight file ({type(e).__name__}: {e})"
        ) from e
    if isinstance(f, np.ndarray):  # a single .npy array
        raise ValueError(
            f"{where}: not a readable nnwidgets weight file (expected an .npz archive, "
            f"got a single array of shape {f.shape})"
        )
    with f:
        if "__header__" not in f.files:
            raise ValueError(
                f"{where}: not a readable nnwidgets weight file (expected a '__header__', "
                f"got the arrays {f.files})"
            )
        try:
            text = f["__header__"]
            arrays = {k: f[k] for k in f.files if k != "__header__"}
        except _UNREADABLE as e:
            raise ValueError(
                f"{where}: not a readable nnwidgets weight file ({type(e).__name__}: {e})"
            ) from e
    if text.ndim != 0 or text.dtype.kind != "U":
        raise ValueError(
            f"{where} header: expected a JSON string, got an array of dtype {text.dtype} "
            f"and shape {text.shape}"
        )
    try:
        header = json.loads(str(text))
    except json.JSONDecodeError as e:
        raise ValueError(f"{where} header: expected JSON text, got {str(text)!r:.80} ({e})") from e
    return header, arrays


def _check_name(name: str) -> str:
    if name not in BUNDLED_MODELS:
        raise ValueError(
            f"bundled model name: expected one of {list(BUNDLED_MODELS)}, got {name!r}"
        )
    return MODEL_DATASET[name]


def pretrained(name: str) -> Pretrained:
    """The bundled trained model ``name`` with its data set (no training, no download).

    Args:
        name: one of ``BUNDLED_MODELS``: a data set name for its MLP, ``"digits_cnn"``
            (a small CNN on ``"digits"``) or a sequence model such as ``"sentiment_lstm"``.

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
