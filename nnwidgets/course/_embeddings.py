"""Lesson 11, embeddings: PCA by hand, the layer that separates the classes, reading t-SNE.

The scores (``separation``, ``knn_accuracy``) are plain numpy on 2-D coordinates; the PCA is
``kernels.pca`` of ``kernels.layer_outputs``, as the Explorer's embedding tab computes it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..kernels import layer_outputs, pca
from ._common import CheckResult, _as_array, _as_name, _missing, _right, _wrong

#: Exercise 3's choices: why distances between t-SNE's clusters mean little.
TSNE_CHOICES: dict[str, str] = {
    "a": "t-SNE starts from random positions, so every run puts the clusters elsewhere",
    "b": "t-SNE fits only each point's near neighbours (about `perplexity` of them): it keeps "
    "who is close to whom, and nothing in its loss fixes how far apart the clusters are",
    "c": "t-SNE is a linear projection, and a linear projection distorts distances",
    "d": "t-SNE's axes are the directions of largest variance, which ignore the classes",
}
_TSNE_RIGHT = "b"
_TSNE_WHY = {
    "a": "partly: a random start moves the clusters around, but the gaps mean little even "
    "within one run. Which distances does t-SNE try to keep?",
    "c": "t-SNE is not linear (PCA is): it moves every point freely to match neighbourhoods",
    "d": "that describes PCA's axes; t-SNE's two axes have no meaning of their own",
}


def _labels(coords: np.ndarray, labels: Any) -> np.ndarray:
    y = np.asarray(labels)
    if y.shape != (coords.shape[0],) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(
            f"labels: expected {coords.shape[0]} integer labels (one per row of coords), got "
            f"shape {y.shape} of {y.dtype}"
        )
    return y


def separation(coords: Any, labels: Any) -> float:
    """How well ``coords`` ``(n, k)`` separate the classes: between- over within-class spread.

    ``sum_c n_c |mean_c - mean|² / sum_i |coords_i - mean_{labels_i}|²``: 0 when every class
    has the same centre, large when the classes are tight clusters far apart. It does not
    change when the coordinates are scaled, rotated or mirrored.

    Examples:
        >>> round(separation(np.array([[0.0], [0.2], [2.0], [2.2]]), np.array([0, 0, 1, 1])), 1)
        100.0
    """
    c = np.asarray(coords, np.float64).reshape(len(coords), -1)
    y = _labels(c, labels)
    centre = c.mean(axis=0)
    between = within = 0.0
    for k in np.unique(y):
        ck = c[y == k]
        mk = ck.mean(axis=0)
        between += len(ck) * float(np.sum((mk - centre) ** 2))
        within += float(np.sum((ck - mk) ** 2))
    return between / max(within, 1e-30)


def knn_accuracy(coords: Any, labels: Any, k: int = 5) -> float:
    """Leave-one-out accuracy of a ``k``-nearest-neighbour vote in ``coords`` ``(n, d)``.

    Each point is classified by the majority class of its ``k`` nearest other points (ties:
    the smaller class id): how often the neighbours of a point share its class.
    """
    c = np.asarray(coords, np.float64).reshape(len(coords), -1)
    y = _labels(c, labels)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 < k < len(c):
        raise ValueError(f"k: expected an int from 1 to {len(c) - 1}, got {k!r}")
    sq = np.sum(c**2, axis=1)
    d = sq[:, None] + sq[None, :] - 2.0 * c @ c.T
    np.fill_diagonal(d, np.inf)
    nearest = np.argsort(d, axis=1)[:, :k]
    votes = np.zeros((len(c), int(y.max()) + 1))
    np.add.at(votes, (np.arange(len(c))[:, None], y[nearest]), 1.0)
    return float(np.mean(votes.argmax(axis=1) == y))


def _data(model: Any, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    names = getattr(model, "layer_names", None)
    if not names:
        raise TypeError(f"model: expected a nnwidgets model with layer_names, got {model!r}")
    X = np.asarray(X, np.float32)
    if X.shape[1:] != tuple(model.input_shape):
        raise ValueError(
            f"X: expected examples of shape {tuple(model.input_shape)}, got {X.shape[1:]}"
        )
    y = np.asarray(y)
    if y.shape != (X.shape[0],) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(
            f"y: expected {X.shape[0]} integer labels (one per row of X), got shape {y.shape}"
        )
    return X, y


def layer_separation(model: Any, params: Any, X: Any, y: Any) -> dict[str, float]:
    """Per layer of ``model``, the ``separation`` of its 2-D PCA coordinates over ``X``.

    The PCA is the Explorer's embedding (``kernels.pca`` of ``kernels.layer_outputs``).
    """
    X, y = _data(model, X, y)
    out = {}
    for name in model.layer_names:
        acts = layer_outputs(model, params, X, layer=name)
        out[name] = separation(np.asarray(pca(acts, k=2).coords), y)
    return out


def _same_up_to_sign(a: np.ndarray, b: np.ndarray, atol: float) -> bool:
    """Each column of ``a`` equals the column of ``b`` or its negative (within ``atol``)."""
    if a.shape != b.shape:
        return False
    plus = np.abs(a - b).max(axis=0)
    minus = np.abs(a + b).max(axis=0)
    return bool(np.all(np.minimum(plus, minus) <= atol))


def _coords(c: np.ndarray, vt: np.ndarray) -> np.ndarray:
    return c @ vt[:2].T


def check_pca(coords: Any, acts: Any) -> CheckResult:
    """Exercise 1 of lesson 11: the data's coordinates on its first two principal components.

    ``coords = (acts - mean) @ V[:, :2]``: centre every column (feature), take the SVD, project
    on the two right singular vectors of largest singular value. Each component's sign is
    arbitrary, so a column may be the reference's negative.

    Args:
        coords: the student's answer, ``(n, 2)``.
        acts: the data, ``(n, d)`` (e.g. a layer's activations, ``kernels.layer_outputs``).

    Returns:
        A ``CheckResult``.

    Raises:
        ValueError: ``acts`` is not a finite ``(n, d)`` array with n > 2 and d >= 2.
    """
    a64 = np.asarray(acts, np.float64)
    if a64.ndim != 2 or a64.shape[0] < 3 or a64.shape[1] < 2 or not np.isfinite(a64).all():
        raise ValueError(
            f"acts: expected a finite (n, d) array with n > 2 and d >= 2, got shape {a64.shape}"
        )
    n, d = a64.shape
    ref = np.asarray(pca(a64.astype(np.float32), k=2).coords, np.float64)
    if coords is not None and np.shape(coords) == (2, n) and n != 2:
        return _wrong(f"coords: shape (2, {n}) is transposed: one row per example, ({n}, 2)")
    if coords is not None and np.shape(coords) == (n, min(n, d)) and min(n, d) != 2:
        return _wrong(
            f"coords: shape {np.shape(coords)} keeps every component: keep the first two "
            f"(shape ({n}, 2))"
        )
    a = _as_array("coords", coords, (n, 2))
    if isinstance(a, CheckResult):
        return a
    if a.shape != (n, 2):
        return _wrong(f"coords: expected shape ({n}, 2), one row per example, got {a.shape}")
    if not np.all(np.isfinite(a)):
        return _wrong("coords: contains NaN or inf")
    atol = 1e-3 * max(float(np.abs(ref).max()), 1e-6)  # float32 SVD against float64
    if _same_up_to_sign(a, ref, atol):
        flips = int(np.sum(np.abs(a - ref).max(axis=0) > atol))
        signs = f" ({flips} component(s) mirrored: a component's sign is arbitrary)" * bool(flips)
        return _right(f"the first two principal components, as kernels.pca finds them{signs}")
    centred = a64 - a64.mean(axis=0)
    u, _, vt = np.linalg.svd(centred, full_matrices=False)
    _, _, vt_raw = np.linalg.svd(a64, full_matrices=False)
    rows = a64 - a64.mean(axis=1, keepdims=True)
    _, _, vt_rows = np.linalg.svd(rows, full_matrices=False)
    mistakes = [
        (a64 @ vt[:2].T, "not centred: subtract each feature's mean (over the examples) first"),
        (
            a64 @ vt_raw[:2].T,
            "not centred: subtract each feature's mean (over the examples) before the SVD",
        ),
        (
            _coords(rows, vt_rows),
            "centred along the wrong axis: subtract each feature's (column's) mean over the "
            "examples, acts.mean(axis=0), not each example's mean",
        ),
        (
            ref[:, ::-1],
            "the components are swapped: the first column is the direction of "
            "largest variance (the largest singular value)",
        ),
        (
            centred @ vt[-2:].T,
            "those are the directions of least variance: the SVD orders the singular values "
            "from largest to smallest, so take the first two",
        ),
        (
            u[:, :2],
            "that is U: the coordinates scaled to unit length; multiply by the singular "
            "values, or project: centred @ Vt[:2].T",
        ),
    ]
    if vt.shape == (d, d):  # n >= d: Vt's first two columns have the components' shape
        mistakes.append(
            (
                centred @ vt[:, :2],
                "Vt's rows are the components: take Vt[:2].T (rows), not Vt[:, :2] (columns)",
            )
        )
    for candidate, message in mistakes:
        mistaken = candidate.shape == (n, 2) and not _same_up_to_sign(candidate, ref, atol)
        if mistaken and _same_up_to_sign(a, candidate, atol):
            return _wrong(f"coords: {message}")
    right = np.minimum(np.abs(a - ref), np.abs(a + ref)).max(axis=0) <= atol
    if right.any():
        j, k = (1, 0) if right[0] else (0, 1)
        return _wrong(f"coords: column {k} is right, column {j} is not")
    return _wrong("coords: neither column is a principal component's coordinates")


def check_best_layer(
    layer: Any, model: Any, params: Any, X: Any, y: Any, *, tie: float = 0.02
) -> CheckResult:
    """Exercise 2 of lesson 11: the layer whose 2-D PCA separates the classes best.

    The score is ``separation`` of the PCA coordinates of each layer over ``X``
    (``layer_separation``). A layer within ``tie`` (relative) of the best counts as right.

    Args:
        layer: the student's answer, a layer name.
        model: the network.
        params: its parameters.
        X: the inputs, ``(n, *input_shape)``.
        y: their labels, ``(n,)``.
        tie: the relative margin of a tie.

    Returns:
        A ``CheckResult``.

    Raises:
        TypeError, ValueError: ``model``, ``X`` or ``y`` are not as above.
    """
    scores = layer_separation(model, params, X, y)
    names = list(scores)
    layer = _as_name("layer", layer, names)
    if isinstance(layer, CheckResult):
        return layer
    best = max(scores.values())
    if scores[layer] >= best * (1.0 - tie):
        listed = ", ".join(f"{n} {s:.2f}" for n, s in scores.items())
        return _right(f"{layer} separates the classes best ({listed})")
    if scores[layer] == min(scores.values()):
        return _wrong(
            f"layer: {layer} scores {scores[layer]:.2f}, the lowest of the {len(names)} layers"
        )
    return _wrong(f"layer: {layer} scores {scores[layer]:.2f}; another layer scores higher")


def check_tsne_distances(choice: Any) -> CheckResult:
    """Exercise 3 of lesson 11: why the gaps between t-SNE's clusters are not meaningful.

    Args:
        choice: the student's answer, a key of ``TSNE_CHOICES`` (``"a"`` to ``"d"``).

    Returns:
        A ``CheckResult``.
    """
    keys = list(TSNE_CHOICES)
    if choice is None:
        return _missing("choice", f"one of {keys}")
    if not isinstance(choice, str):
        return _wrong(
            f"choice: expected a letter (str), one of {keys}, got {type(choice).__name__}"
        )
    key = choice.strip().lower().strip("()")
    if key not in TSNE_CHOICES:
        return _wrong(f"choice: expected one of {keys}, got {choice!r}")
    if key == _TSNE_RIGHT:
        return _right(
            "t-SNE keeps neighbourhoods, not distances: read which points cluster together, "
            "not how far apart the clusters are (nor their sizes)"
        )
    return _wrong(f"choice {key}: {_TSNE_WHY[key]}")
