"""Generated 2-D data sets (TensorFlow-Playground style) and the input features built from them.

Every set is drawn from a seeded ``numpy`` generator, so a seed reproduces it exactly. Points
lie in the square ``[-6, 6]²`` (``EXTENT``). Classification sets have the labels 0 ("orange")
and 1 ("blue"); the regression set's targets lie in ``[-1, 1]``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ._data import Dataset

#: The 2-D sets by name; ``"surface"`` is the regression set.
TOY_DATASETS = ("circle", "xor", "gaussian", "spiral", "moons", "surface")
REGRESSION_SETS = ("surface",)
#: ``(x1 min, x1 max, x2 min, x2 max)`` of the input plane the pictures show.
EXTENT = (-6.0, 6.0, -6.0, 6.0)
TOY_CLASSES = ("orange", "blue")

#: Input features computed from the two coordinates, in display order.
FEATURES: dict[str, Callable[[Any, Any], Any]] = {
    "x1": lambda a, b: a,
    "x2": lambda a, b: b,
    "x1^2": lambda a, b: a * a,
    "x2^2": lambda a, b: b * b,
    "x1*x2": lambda a, b: a * b,
    "sin x1": lambda a, b: np.sin(a),
    "sin x2": lambda a, b: np.sin(b),
}


#: How the pictures and the README write some features: taken as the API's names.
FEATURE_ALIASES = {"x1²": "x1^2", "x2²": "x2^2", "x1·x2": "x1*x2", "x1×x2": "x1*x2"}


def check_features(features: Sequence[str]) -> tuple[str, ...]:
    """``features`` as a tuple in display order; ValueError for unknown or no names.

    The display names ``x1²``, ``x2²`` and ``x1·x2`` are taken for ``x1^2``, ``x2^2``, ``x1*x2``.

    Examples:
        >>> check_features(["x1·x2", "x1"])
        ('x1', 'x1*x2')
    """
    names = tuple(features) if not isinstance(features, str) else (features,)
    names = tuple(FEATURE_ALIASES.get(f, f) if isinstance(f, str) else f for f in names)
    unknown = [f for f in names if not isinstance(f, str) or f not in FEATURES]
    if unknown or not names:
        raise ValueError(
            f"features: expected a non-empty subset of {list(FEATURES)}, got {list(names)}"
        )
    return tuple(f for f in FEATURES if f in names)


def expand_features(points: np.ndarray, features: Sequence[str]) -> np.ndarray:
    """The feature matrix ``(n, len(features))`` (float32) of 2-D ``points`` ``(n, 2)``.

    Columns come in the display order of ``FEATURES``, whatever the order of ``features``.

    Examples:
        >>> expand_features(np.array([[2.0, 3.0]]), ["x1", "x1*x2", "x2^2"])
        array([[2., 9., 6.]], dtype=float32)
    """
    p = np.asarray(points, np.float64)
    if p.ndim != 2 or p.shape[1] != 2:
        raise ValueError(f"points: expected shape (n, 2), got {p.shape}")
    names = check_features(features)
    cols = [FEATURES[f](p[:, 0], p[:, 1]) for f in names]
    return np.stack(cols, axis=1).astype(np.float32)


def plane_grid(size: int, extent: Sequence[float] = EXTENT) -> np.ndarray:
    """``size²`` points ``(x1, x2)`` covering ``extent``, row-major from the TOP row (x2 max).

    Row ``r``, column ``c`` is point ``r * size + c``: the layout of a picture.
    """
    x1 = np.linspace(extent[0], extent[1], size)
    x2 = np.linspace(extent[3], extent[2], size)  # top row first
    a, b = np.meshgrid(x1, x2)
    return np.stack([a.ravel(), b.ravel()], axis=1).astype(np.float32)


def _circle(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    radius = 5.0
    inner, outer = n // 2, n - n // 2
    r = np.concatenate(
        [rng.uniform(0, 0.5 * radius, inner), rng.uniform(0.7 * radius, radius, outer)]
    )
    angle = rng.uniform(0, 2 * np.pi, n)
    xy = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    xy += rng.uniform(-radius, radius, (n, 2)) * noise
    y = np.concatenate([np.ones(inner), np.zeros(outer)])
    return xy, y


def _xor(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    xy = rng.uniform(-5, 5, (n, 2))
    xy += np.where(xy > 0, 0.3, -0.3)  # keep points off the axes
    y = (xy[:, 0] * xy[:, 1] >= 0).astype(np.float64)
    xy += rng.uniform(-5, 5, (n, 2)) * noise
    return xy, y


def _gaussian(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    sd = 0.5 + 7.0 * noise  # 0.5 .. 4 over the noise range [0, 0.5]
    half = n // 2
    blue = rng.normal(2.0, sd, (half, 2))
    orange = rng.normal(-2.0, sd, (n - half, 2))
    return np.concatenate([blue, orange]), np.concatenate([np.ones(half), np.zeros(n - half)])


def _spiral(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    half = n // 2
    parts, labels = [], []
    for label, count, delta in ((1.0, half, 0.0), (0.0, n - half, np.pi)):
        i = np.arange(count)
        r = i / count * 5
        t = 1.75 * i / count * 2 * np.pi + delta
        xy = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)
        parts.append(xy + rng.uniform(-1, 1, (count, 2)) * noise * 5)
        labels.append(np.full(count, label))
    return np.concatenate(parts), np.concatenate(labels)


def _moons(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    half = n // 2
    t_out, t_in = rng.uniform(0, np.pi, half), rng.uniform(0, np.pi, n - half)
    outer = np.stack([np.cos(t_out), np.sin(t_out)], axis=1)
    inner = np.stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)], axis=1)
    xy = (np.concatenate([outer, inner]) - [0.5, 0.25]) * 3.2
    xy += rng.normal(0, 1, (n, 2)) * noise * 3
    return xy, np.concatenate([np.zeros(half), np.ones(n - half)])


def surface(points: np.ndarray) -> np.ndarray:
    """The regression set's noise-free target ``sin(x1 / 2) · cos(x2 / 3)`` in [-1, 1]."""
    p = np.asarray(points, np.float64)
    return np.sin(p[:, 0] / 2) * np.cos(p[:, 1] / 3)


def _surface(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    xy = rng.uniform(-6, 6, (n, 2))
    return xy, surface(xy) + rng.normal(0, 1, n) * noise


_GENERATORS = {
    "circle": _circle,
    "xor": _xor,
    "gaussian": _gaussian,
    "spiral": _spiral,
    "moons": _moons,
    "surface": _surface,
}


def toy_dataset(
    name: str,
    *,
    n: int = 400,
    noise: float = 0.0,
    test_fraction: float = 0.5,
    seed: int = 0,
    extra: Sequence[Sequence[float]] = (),
) -> Dataset:
    """A generated 2-D set, shuffled and split into train and test.

    Args:
        name: one of ``TOY_DATASETS``.
        n: number of generated points (>= 4).
        noise: 0 (clean) to 0.5 (very noisy).
        test_fraction: share of the points held out, in [0.1, 0.9].
        seed: seeds the points, the noise and the split.
        extra: points added by hand, rows ``(x1, x2, label)``; they join the training set.

    Returns:
        A ``Dataset`` of raw coordinates ``(n, 2)``; ``task`` is "regression" for "surface".

    Examples:
        >>> ds = toy_dataset("xor", n=100, seed=1)
        >>> ds.X_train.shape, ds.X_test.shape, ds.class_names
        ((50, 2), (50, 2), ('orange', 'blue'))
    """
    if name not in _GENERATORS:
        raise ValueError(f"data set name: expected one of {list(TOY_DATASETS)}, got {name!r}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 4:
        raise ValueError(f"n: expected an int >= 4, got {n!r}")
    if not 0.0 <= noise <= 0.5:
        raise ValueError(f"noise: expected a float in [0, 0.5], got {noise!r}")
    if not 0.1 <= test_fraction <= 0.9:
        raise ValueError(f"test_fraction: expected a float in [0.1, 0.9], got {test_fraction!r}")
    regression = name in REGRESSION_SETS
    added = np.asarray(extra, np.float64).reshape(-1, 3) if len(extra) else np.zeros((0, 3))
    if not np.isfinite(added).all() or (
        not regression and not np.isin(added[:, 2], (0.0, 1.0)).all()
    ):
        labels = "" if regression else " with label 0 or 1"
        raise ValueError(
            f"extra: expected finite rows (x1, x2, label){labels}, got {added.tolist()!r:.120}"
        )
    rng = np.random.default_rng(seed)
    xy, y = _GENERATORS[name](rng, int(n), float(noise))
    order = rng.permutation(len(y))
    xy, y = xy[order], y[order]
    n_test = round(len(y) * test_fraction)
    X_train = np.concatenate([xy[n_test:], added[:, :2]]).astype(np.float32)
    y_train = np.concatenate([y[n_test:], added[:, 2]])
    dtype = np.float32 if regression else np.int32
    return Dataset(
        name=name,
        kind="tabular",
        X_train=X_train,
        y_train=y_train.astype(dtype),
        X_test=xy[:n_test].astype(np.float32),
        y_test=y[:n_test].astype(dtype),
        feature_names=("x1", "x2"),
        class_names=() if regression else TOY_CLASSES,
        task="regression" if regression else "classification",
    )
