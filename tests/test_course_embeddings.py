"""Lesson 11's checks and scores: PCA by hand, the best-separating layer, reading t-SNE."""

import jax.numpy as jnp
import numpy as np
import pytest

from nnwidgets import course
from nnwidgets.kernels import layer_outputs, pca
from nnwidgets.models import pretrained


@pytest.fixture(scope="module")
def digits():
    m = pretrained("digits")
    X, y = m.dataset.X_test, np.asarray(m.dataset.y_test)
    acts = np.asarray(layer_outputs(m.model, m.params, X, layer="dense_2"), np.float64)
    centred = acts - acts.mean(axis=0)
    u, _, vt = np.linalg.svd(centred, full_matrices=False)
    return {"m": m, "X": X, "y": y, "acts": acts, "centred": centred, "u": u, "vt": vt}


def test_separation_and_knn():
    y = np.array([0, 0, 1, 1])
    tight = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 0.0], [5.1, 0.0]])
    assert course.separation(tight, y) > 1000
    assert course.separation(tight * 3 + 7, y) == pytest.approx(course.separation(tight, y))
    mixed = np.array([[0.0, 0.0], [5.0, 0.0], [0.1, 0.0], [5.1, 0.0]])
    assert course.separation(mixed, y) < 0.01
    assert course.knn_accuracy(tight, y, k=1) == 1.0
    assert course.knn_accuracy(mixed, y, k=1) == 0.0
    with pytest.raises(ValueError, match=r"labels: expected 4 integer labels"):
        course.separation(tight, np.array([0.0, 1.0, 0.0, 1.0]))
    with pytest.raises(ValueError, match=r"k: expected an int from 1 to 3, got 4"):
        course.knn_accuracy(tight, y, k=4)


def test_pca_right(digits):
    c, vt, acts = digits["centred"], digits["vt"], digits["acts"]
    coords = c @ vt[:2].T
    for value in (coords, coords * [1, -1], -coords, jnp.asarray(coords, jnp.float32)):
        r = course.check_pca(value, acts)
        assert r.ok and str(r).startswith("right"), r
    ref = np.asarray(pca(acts.astype(np.float32)).coords)
    assert course.check_pca(ref, acts).ok


def test_pca_mistakes(digits):
    c, vt, u, acts = digits["centred"], digits["vt"], digits["u"], digits["acts"]
    coords = c @ vt[:2].T
    _, _, vt_raw = np.linalg.svd(acts, full_matrices=False)

    def says(value, words):
        r = course.check_pca(value, acts)
        assert not r.ok and words in str(r), r

    says(coords.T, "transposed")
    says(c @ vt.T, "keeps every component")
    says(acts @ vt_raw[:2].T, "not centred")
    says(acts @ vt[:2].T, "not centred")
    rows = acts - acts.mean(axis=1, keepdims=True)
    says(rows @ np.linalg.svd(rows, full_matrices=False)[2][:2].T, "wrong axis")
    says(c @ vt[:, :2], "Vt's rows are the components")
    says(coords[:, ::-1], "swapped")
    says(c @ vt[-2:].T, "least variance")
    says(u[:, :2], "that is U")
    says(coords + np.array([0.0, 5.0]), "column 0 is right, column 1 is not")
    says(coords * 2, "neither column")
    says(np.zeros((5, 2)), "expected shape (450, 2), one row per example, got (5, 2)")
    says(None, "assign your answer")
    says("coords", "got str")


def test_pca_bad_arguments(digits):
    with pytest.raises(ValueError, match=r"acts: expected a finite \(n, d\) array"):
        course.check_pca(np.zeros((450, 2)), digits["acts"][:, 0])


def test_best_layer(digits):
    m, X, y = digits["m"], digits["X"], digits["y"]
    scores = course.layer_separation(m.model, m.params, X, y)
    assert list(scores) == list(m.model.layer_names)
    best = max(scores, key=scores.get)
    r = course.check_best_layer(best, m.model, m.params, X, y)
    assert r.ok and best in str(r), r
    worst = min(scores, key=scores.get)
    r = course.check_best_layer(worst, m.model, m.params, X, y)
    assert not r.ok and "the lowest" in str(r), r
    middle = next(n for n in scores if n not in (best, worst))
    r = course.check_best_layer(middle, m.model, m.params, X, y)
    assert not r.ok and "another layer scores higher" in str(r), r
    assert f"{scores[best]:.2f}" not in str(r)  # never the reference
    for value, words in (
        ("conv_9", "is not one of the layers"),
        (2, "expected a layer name (str), got int"),
        (None, "assign your answer"),
    ):
        r = course.check_best_layer(value, m.model, m.params, X, y)
        assert not r.ok and words in str(r), r


def test_best_layer_bad_arguments(digits):
    m, X, y = digits["m"], digits["X"], digits["y"]
    with pytest.raises(ValueError, match=r"X: expected examples of shape \(8, 8\), got \(64,\)"):
        course.check_best_layer("dense_1", m.model, m.params, X.reshape(len(X), -1), y)
    with pytest.raises(ValueError, match=r"y: expected 450 integer labels"):
        course.check_best_layer("dense_1", m.model, m.params, X, y[:10])
    with pytest.raises(TypeError, match="model: expected a nnwidgets model with layer_names"):
        course.check_best_layer("dense_1", object(), m.params, X, y)


def test_tsne_choice():
    assert set(course.TSNE_CHOICES) == {"a", "b", "c", "d"}
    for right in ("b", " B ", "(b)"):
        r = course.check_tsne_distances(right)
        assert r.ok and str(r).startswith("right"), r
    for wrong, words in (("a", "partly"), ("c", "not linear"), ("d", "PCA's axes")):
        r = course.check_tsne_distances(wrong)
        assert not r.ok and words in str(r), r
    for value, words in (
        ("e", "expected one of ['a', 'b', 'c', 'd'], got 'e'"),
        (1, "expected a letter (str)"),
        (None, "assign your answer"),
    ):
        r = course.check_tsne_distances(value)
        assert not r.ok and words in str(r), r
