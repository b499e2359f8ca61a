"""Bundled data sets (from scikit-learn, no download) and user arrays, as one ``Dataset`` type."""

from __future__ import annotations

import dataclasses
import functools
import pathlib
from typing import Literal

import numpy as np

from ._sequences import (
    PAD,
    SEQUENCE_DATASETS,
    UNK,
    UNK_WORD,
    check_split,
    encode_words,
    sequence_arrays,
    tokenize,
)

#: The sets from scikit-learn (snapshots in ``data/``); ``load_dataset`` also takes
#: ``SEQUENCE_DATASETS``, which are generated.
DATASETS = ("digits", "iris", "wine", "breast_cancer")


@dataclasses.dataclass(frozen=True, eq=False)
class Dataset:
    """Inputs and labels, split into train and test, with names for display.

    Inputs are float32 with shape ``(n, *input_shape)``; labels are int32 class indices (or
    float32 targets when ``task`` is "regression"; ``class_names`` is then empty).
    Tabular bundled sets are standardised with the training mean and standard deviation
    (kept in ``mean`` / ``std`` so raw units can be shown); digits are scaled to [0, 1].
    Text sets hold token ids (whole numbers as float32, ``PAD`` after the sentence) and their
    ``vocab`` (token id -> word); series sets hold ``(steps, channels)`` per example.
    """

    name: str
    kind: Literal["image", "tabular", "text", "series"]
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...]
    mean: np.ndarray | None = None
    std: np.ndarray | None = None
    task: Literal["classification", "regression"] = "classification"
    vocab: tuple[str, ...] = ()

    @property
    def input_shape(self) -> tuple[int, ...]:
        """Shape of one example."""
        return tuple(self.X_train.shape[1:])

    @property
    def n_classes(self) -> int:
        """Number of classes."""
        return len(self.class_names)

    @property
    def X(self) -> np.ndarray:
        """All inputs, train then test (once: your own arrays are both)."""
        if self.X_test is self.X_train:
            return self.X_train
        return np.concatenate([self.X_train, self.X_test])

    @property
    def y(self) -> np.ndarray:
        """All labels, train then test (once: your own arrays are both)."""
        if self.y_test is self.y_train:
            return self.y_train
        return np.concatenate([self.y_train, self.y_test])

    @property
    def lo(self) -> np.ndarray:
        """Per-feature minimum over all inputs (shape ``input_shape``)."""
        return self.X.min(axis=0)

    @property
    def hi(self) -> np.ndarray:
        """Per-feature maximum over all inputs (shape ``input_shape``)."""
        return self.X.max(axis=0)

    def _check_text(self, method: str) -> None:
        if self.kind != "text" or len(self.vocab) < 2:
            raise ValueError(
                f"{method}: expected a text data set (kind 'text' with a vocabulary), got "
                f"{self.name!r} of kind {self.kind!r}"
            )

    def encode(self, text: str) -> tuple[np.ndarray, tuple[str, ...]]:
        """The token ids of ``text``, as the model reads them, and its unknown words.

        Args:
            text: a sentence; lower-cased and split on whitespace and punctuation.

        Returns:
            ``(ids, unknown)``: float32 ids of shape ``input_shape`` (words not in ``vocab``
            become ``UNK``; words past the last step are dropped, the steps after the words
            are ``PAD``) and the unknown words among those kept, each once, in order.

        Raises:
            ValueError: for a data set that is not text, or a ``text`` that is not a str.

        Examples:
            >>> load_dataset("sentiment").encode("Not bad, Sherlock!")[1]
            ('sherlock',)
        """
        self._check_text("encode")
        return encode_words(tokenize(text), self.vocab, self.input_shape[0])

    def decode(self, ids: object) -> tuple[str, ...]:
        """The words of token ``ids`` (a row of ``X``), ``PAD`` left out, ``UNK`` as "<unk>".

        Args:
            ids: a 1-D array of whole numbers in ``[0, len(vocab))``.

        Returns:
            The words, in order.

        Raises:
            ValueError: for a data set that is not text, or ``ids`` of another shape or range.
        """
        self._check_text("decode")
        arr = np.asarray(ids)
        if arr.ndim != 1 or not (
            np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
        ):
            raise ValueError(
                f"ids: expected a 1-D array of token ids, got shape {arr.shape} of dtype "
                f"{arr.dtype}"
            )
        bad = ~np.isfinite(arr) | (arr != np.round(arr)) | (arr < 0) | (arr >= len(self.vocab))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"ids: expected whole numbers in [0, {len(self.vocab) - 1}], got "
                f"{arr[i].item()!r} at {i}"
            )
        words = (self.vocab[int(i)] if int(i) != UNK else UNK_WORD for i in arr if int(i) != PAD)
        return tuple(words)


SNAPSHOT_DIR = pathlib.Path(__file__).with_name("data")
_DEFAULT_SPLIT = (0.25, 0)  # (test_fraction, seed) of the snapshots and the bundled weights


def _from_sklearn(name: str, test_fraction: float, seed: int) -> dict[str, np.ndarray]:
    """The raw data set, its names and a stratified split, straight from scikit-learn."""
    from sklearn import datasets
    from sklearn.model_selection import train_test_split

    raw = getattr(datasets, f"load_{name}")()
    y = np.asarray(raw.target, np.int32)
    idx_train, idx_test = train_test_split(
        np.arange(len(y)), test_size=test_fraction, random_state=seed, stratify=y
    )
    feature_names = getattr(raw, "feature_names", None)
    if name == "digits":
        feature_names = [f"pixel ({r}, {c})" for r in range(8) for c in range(8)]
    return {
        "data": np.asarray(raw.data, np.float64),
        "target": y,
        "idx_train": np.asarray(idx_train, np.int32),
        "idx_test": np.asarray(idx_test, np.int32),
        "feature_names": np.array([str(f) for f in feature_names]),
        "class_names": np.array([str(c) for c in getattr(raw, "target_names", range(10))]),
    }


def write_snapshots(directory: pathlib.Path = SNAPSHOT_DIR) -> None:
    """Write ``data/<name>.npz`` for every bundled set from scikit-learn (default split).

    ``load_dataset`` reads these so an Explorer opens without importing scikit-learn (about
    a second). ``tests/test_models.py`` checks they equal what scikit-learn gives.
    """
    directory.mkdir(exist_ok=True)
    for name in DATASETS:
        raw = _from_sklearn(name, *_DEFAULT_SPLIT)
        if name == "digits":  # integers 0..16: exact as uint8
            raw["data"] = raw["data"].astype(np.uint8)
        np.savez_compressed(directory / f"{name}.npz", **raw)


def _raw(name: str, test_fraction: float, seed: int) -> dict[str, np.ndarray]:
    path = SNAPSHOT_DIR / f"{name}.npz"
    if (test_fraction, seed) == _DEFAULT_SPLIT and path.exists():
        with np.load(path, allow_pickle=False) as f:
            raw = {k: f[k] for k in f.files}
        raw["data"] = raw["data"].astype(np.float64)
        return raw
    return _from_sklearn(name, test_fraction, seed)


def load_dataset(name: str, *, test_fraction: float = 0.25, seed: int = 0) -> Dataset:
    """Load a bundled data set by name: ``"digits"``, ``"iris"``, ``"wine"``, ``"breast_cancer"``.

    The data are scikit-learn's. The split is stratified and fixed by ``seed``, so bundled
    weights and tests agree. The default split is read from a snapshot shipped in the
    package (``write_snapshots``), which spares importing scikit-learn; any other split
    comes from scikit-learn itself.

    ``"sentiment"`` (text: token ids ``(32,)``, 2 classes) and ``"waveforms"`` (series
    ``(32, 2)``, 4 classes) are generated from ``seed`` instead (``SEQUENCE_DATASETS``), and
    kept: their arrays are read-only. ``test_fraction`` must then lie in [0.1, 0.9].

    Examples:
        >>> ds = load_dataset("iris")
        >>> ds.input_shape, ds.class_names
        ((4,), ('setosa', 'versicolor', 'virginica'))
    """
    if name in SEQUENCE_DATASETS:
        return _sequence_dataset(name, *check_split(test_fraction, seed))
    if name not in DATASETS:
        names = [*DATASETS, *SEQUENCE_DATASETS]
        raise ValueError(f"data set name: expected one of {names}, got {name!r}")
    raw = _raw(name, test_fraction, seed)
    X, y = raw["data"], raw["target"].astype(np.int32)
    idx_train, idx_test = raw["idx_train"], raw["idx_test"]
    if name == "digits":
        X = (X / 16.0).reshape(-1, 8, 8)
        mean = std = None
        kind: Literal["image", "tabular"] = "image"
    else:
        mean = X[idx_train].mean(axis=0)
        std = X[idx_train].std(axis=0)
        std = np.where(std > 0, std, 1.0)
        X = (X - mean) / std
        kind = "tabular"
    X = X.astype(np.float32)
    return Dataset(
        name=name,
        kind=kind,
        X_train=X[idx_train],
        y_train=y[idx_train],
        X_test=X[idx_test],
        y_test=y[idx_test],
        feature_names=tuple(str(f) for f in raw["feature_names"]),
        class_names=tuple(str(c) for c in raw["class_names"]),
        mean=None if mean is None else mean.astype(np.float32),
        std=None if std is None else std.astype(np.float32),
    )


@functools.lru_cache(maxsize=8)
def _sequence_dataset(name: str, test_fraction: float, seed: int) -> Dataset:
    """A generated set, made once per arguments; its arrays are read-only (it is shared)."""
    fields = sequence_arrays(name, test_fraction, seed)
    for value in fields.values():
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
    return Dataset(name=name, **fields)


def dataset_from_arrays(
    X: object,
    y: object,
    *,
    input_shape: tuple[int, ...] | None = None,
    feature_names: tuple[str, ...] | None = None,
    class_names: tuple[str, ...] | None = None,
    name: str = "data",
) -> Dataset:
    """Wrap the user's own ``(X, y)``; all rows serve as both train and test set.

    float64 inputs are converted to float32 on purpose (JAX runs in float32 by default).

    Raises:
        ValueError: naming the argument, the expected and the received value.
    """
    X_arr = np.asarray(X)
    y_arr = np.asarray(y)
    if X_arr.ndim < 2 or X_arr.shape[0] == 0:
        raise ValueError(
            f"data X: expected an array of shape (n_examples, *input_shape) with n >= 1, "
            f"got shape {X_arr.shape}"
        )
    if not np.issubdtype(X_arr.dtype, np.number):
        raise ValueError(f"data X: expected numbers, got dtype {X_arr.dtype}")
    if input_shape is not None and tuple(X_arr.shape[1:]) != tuple(input_shape):
        raise ValueError(
            f"data X: expected examples of shape {tuple(input_shape)} (the model's input), "
            f"got {tuple(X_arr.shape[1:])}"
        )
    if y_arr.shape != (X_arr.shape[0],):
        raise ValueError(
            f"data y: expected shape ({X_arr.shape[0]},) to match X, got {y_arr.shape}"
        )
    if not np.issubdtype(y_arr.dtype, np.integer) or (y_arr < 0).any():
        raise ValueError(
            f"data y: expected non-negative integer class labels, got dtype {y_arr.dtype} "
            f"with min {y_arr.min() if y_arr.size else None}"
        )
    if not np.isfinite(X_arr).all():
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(X_arr))[0])
        raise ValueError(f"data X: expected finite values, got {X_arr[bad]} at {bad}")
    with np.errstate(over="ignore"):  # beyond float32's range: said below, by value and place
        X32 = X_arr.astype(np.float32)
    if not np.isfinite(X32).all():
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(X32))[0])
        limit = float(np.finfo(np.float32).max)
        raise ValueError(
            f"data X: expected values within float32's range (|x| <= {limit:.4g}, the "
            f"models compute in float32), got {X_arr[bad]:.4g} at {bad}"
        )
    n_classes = int(y_arr.max()) + 1
    n_features = int(np.prod(X32.shape[1:]))
    if feature_names is None:
        feature_names = tuple(f"x{i}" for i in range(n_features))
    if class_names is None:
        class_names = tuple(str(c) for c in range(n_classes))
    feature_names, class_names = (
        _names("feature_names", feature_names),
        _names("class_names", class_names),
    )
    if len(feature_names) != n_features:
        raise ValueError(
            f"feature_names: expected {n_features} names (one per input value), got "
            f"{len(feature_names)}"
        )
    if len(class_names) < n_classes:
        raise ValueError(
            f"class_names: expected at least {n_classes} names (labels go up to "
            f"{n_classes - 1}), got {len(class_names)}"
        )
    y32 = y_arr.astype(np.int32)
    kind: Literal["image", "tabular"] = "image" if X32.ndim >= 3 else "tabular"
    return Dataset(name, kind, X32, y32, X32, y32, tuple(feature_names), tuple(class_names))


def _names(arg: str, names: object) -> tuple[str, ...]:
    """``names`` as a tuple of strings (a list, tuple or array of str), else ValueError."""
    if isinstance(names, str) or not hasattr(names, "__iter__"):
        raise ValueError(f"{arg}: expected a list of strings, got {type(names).__name__}")
    out = tuple(names)  # type: ignore[call-overload]
    bad = [n for n in out if not isinstance(n, str)]
    if bad:
        raise ValueError(f"{arg}: expected strings, got {bad[0]!r} ({type(bad[0]).__name__})")
    return out
