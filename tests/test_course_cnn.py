"""Lesson 10's checks: one conv output, a conv layer's output shape, Grad-CAM by hand."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from nnwidgets import course
from nnwidgets.kernels import explain
from nnwidgets.models import Conv2D, Dense, Sequential, pretrained


@pytest.fixture(scope="module")
def cnn():
    m = pretrained("digits_cnn")
    x = np.asarray(m.dataset.X_test[2])
    w, b = np.asarray(m.params[0]["w"], np.float64), np.asarray(m.params[0]["b"], np.float64)
    return m.model, m.params, x, w, b


def conv_value(x, w, b, i, j, k, *, pad=True, kernel=None):
    kernel = w[:, :, 0, k] if kernel is None else kernel
    src = np.pad(x, 1) if pad else x
    return float(np.sum(src[i : i + 3, j : j + 3] * kernel) + b[k])


def test_conv_value_right(cnn):
    model, params, x, w, b = cnn
    for i, j, k in ((3, 4, 5), (0, 0, 1), (7, 7, 7), (2, 5, 3)):
        z = conv_value(x, w, b, i, j, k)
        r = course.check_conv_value(z, model, params, x, (i, j, k))
        assert r.ok and str(r).startswith("right"), r
        assert course.check_conv_value(np.float32(z), model, params, x, (i, j, k)).ok
        assert course.check_conv_value(jnp.asarray(z), model, params, x, (i, j, k)).ok


def test_conv_value_mistakes(cnn):
    model, params, x, w, b = cnn
    i, j, k = 3, 4, 5
    z = conv_value(x, w, b, i, j, k)

    def says(value, words, pos=(i, j, k)):
        r = course.check_conv_value(value, model, params, x, pos)
        assert not r.ok and words in str(r), r
        return str(r)

    says(z - b[k], "bias is missing")
    says(conv_value(x, w, b, i, j, k, pad=False), "not padded")
    says(conv_value(x, w, b, i, j, k, kernel=w[::-1, ::-1, 0, k]), "flipped")
    says(conv_value(x, w, b, i, j, k, kernel=w[:, :, 0, k].T), "transposed")
    says(conv_value(x, w, b, i, j, 2), "channel 2, not 5")
    says(conv_value(x, w, b, j, i, k), "rows and columns swapped")
    says(np.pad(x, 1)[i : i + 3, j : j + 3] * w[:, :, 0, k], "add them up")
    says(None, "assign your answer")
    says("1.0", "expected one number (a float), got str")
    says(np.ones(5), "expected one number (a float), got an array of shape (5,)")
    message = says(z + 0.5, "off by +0.5")
    assert f"{z:.3f}" not in message  # never the reference
    # the value before the ReLU: find a negative z, then answer relu(z) = 0
    _, trace = model.apply(params, x)
    pre = np.asarray(trace["conv_1"].pre)
    neg = tuple(int(v) for v in np.argwhere(pre < -0.05)[0])
    says(0.0, "after the ReLU", pos=neg)


def test_conv_value_bad_arguments(cnn):
    model, params, x, _, _ = cnn
    with pytest.raises(ValueError, match=r"position row: expected 0 <= position row < 8, got 9"):
        course.check_conv_value(1.0, model, params, x, (9, 0, 0))
    with pytest.raises(TypeError, match=r"position: expected \(row, column, channel\)"):
        course.check_conv_value(1.0, model, params, x, (1, 2))
    with pytest.raises(ValueError, match=r"x: expected shape \(8, 8\), got \(64,\)"):
        course.check_conv_value(1.0, model, params, x.ravel(), (1, 2, 3))
    mlp = pretrained("digits")
    with pytest.raises(TypeError, match="model: expected a Sequential whose first layer is a Conv"):
        course.check_conv_value(1.0, mlp.model, mlp.params, x, (1, 2, 3))


LAYER = Conv2D(16, (3, 3), stride=2, padding="VALID")


def test_conv_shape_right():
    assert course.check_conv_shape((3, 3, 16), (8, 8, 8), LAYER).ok
    assert course.check_conv_shape([3, 3, 16], (8, 8, 8), LAYER).ok
    assert course.check_conv_shape(np.array([3, 3, 16]), (8, 8, 8), LAYER).ok
    assert course.check_conv_shape((8, 8, 8), (8, 8), Conv2D(8, (3, 3))).ok
    assert course.check_conv_shape((4, 3, 4), (7, 5, 2), Conv2D(4, (3, 3), stride=2)).ok


@pytest.mark.parametrize(
    ("shape", "words"),
    [
        ((4, 4, 16), "'SAME' padding's size"),
        ((6, 6, 16), "stride 1"),
        ((2, 2, 16), "the +1"),
        ((3, 3, 8), "not the input's channels"),
        ((3, 3), "channels axis is missing"),
        ((5, 5, 16), "height and width are off"),
        (None, "assign your answer"),
        ("3, 3, 16", "expected a tuple of ints, got str"),
        ((3.0, 3.0, 16.0), "expected a tuple of ints, got tuple"),
    ],
)
def test_conv_shape_mistakes(shape, words):
    r = course.check_conv_shape(shape, (8, 8, 8), LAYER)
    assert not r.ok and words in str(r), r


def test_conv_shape_same_mistake():
    r = course.check_conv_shape((6, 6, 4), (8, 8), Conv2D(4, (3, 3), stride=1))
    assert not r.ok and "'VALID' padding's size" in str(r), r


def test_conv_shape_bad_arguments():
    with pytest.raises(TypeError, match="layer: expected a Conv2D, got Dense"):
        course.check_conv_shape((3, 3, 16), (8, 8, 8), Dense(3))
    with pytest.raises(ValueError, match=r"input_shape: expected \(H, W\) or \(H, W, C\)"):
        course.check_conv_shape((3, 3, 16), 8, LAYER)
    with pytest.raises(ValueError, match="input_shape: expected at least the kernel"):
        course.check_conv_shape((3, 3, 16), (2, 2, 1), LAYER)


@pytest.fixture(scope="module")
def cam_parts(cnn):
    model, params, x, _, _ = cnn
    target = int(explain(model, params, x).target)

    def score(tap, target=target):
        logits, trace = model.apply(params, x, taps={"conv_2": tap})
        return logits[target], (trace["conv_2"].post, trace["conv_2"].pre)

    G, (A, Z) = jax.grad(score, has_aux=True)(jnp.zeros((4, 4, 16)))
    return target, np.asarray(A), np.asarray(G), np.asarray(Z), score


def relu(a):
    return np.maximum(a, 0.0)


def test_grad_cam_right(cnn, cam_parts):
    model, params, x, _, _ = cnn
    target, A, G, _, _ = cam_parts
    cam = relu((A * G.mean(axis=(0, 1))).sum(axis=-1))
    r = course.check_grad_cam(cam, model, params, x)
    assert r.ok and str(r).startswith("right") and "grad_cam" in str(r), r
    assert course.check_grad_cam(jnp.asarray(cam), model, params, x, target=target).ok
    big = np.asarray(jax.image.resize(jnp.asarray(cam), (8, 8), "linear"))
    assert course.check_grad_cam(big, model, params, x).ok  # at the input's resolution too
    # the same as nnwidgets' grad_cam, explained through explain
    e = explain(model, params, x, method="grad_cam")
    np.testing.assert_allclose(e.attribution, big, rtol=1e-4, atol=1e-6)


def test_grad_cam_mistakes(cnn, cam_parts):
    model, params, x, _, _ = cnn
    target, A, G, Z, score = cam_parts
    w = G.mean(axis=(0, 1))

    def says(value, words, **kw):
        r = course.check_grad_cam(value, model, params, x, **kw)
        assert not r.ok and words in str(r), r

    assert ((A * w).sum(-1) < 0).any()  # else "no ReLU" cannot show
    says((A * w).sum(axis=-1), "no ReLU")
    says(relu((A * G.sum(axis=(0, 1))).sum(axis=-1)), "sums over the positions")
    says(relu((A * G.mean(axis=-1, keepdims=True)).sum(axis=-1)), "wrong axis")
    says(relu((A * G).sum(axis=-1)), "its own gradient")
    says(relu((Z * w).sum(axis=-1)), "pre-activations")
    says(relu((A * -w).sum(axis=-1)), "sign is flipped")
    says(A * w, "one map per channel")
    says(np.zeros(3), "expected shape (4, 4) (the layer's) or (8, 8) (the input's), got (3,)")
    says(None, "assign your answer")
    says("map", "got str")
    other = (target + 1) % 10
    G2, _ = jax.grad(score, has_aux=True)(jnp.zeros((4, 4, 16)), other)
    cam_other = relu((A * np.asarray(G2).mean(axis=(0, 1))).sum(axis=-1))
    says(cam_other, f"map of class {other}, not of class {target}")
    says(relu((A * w).sum(axis=-1)), f"map of class {target}, not of class {other}", target=other)
    says(relu((A * w).sum(axis=-1)) + 0.01, "off by")


def test_grad_cam_bad_arguments(cnn):
    model, params, x, _, _ = cnn
    with pytest.raises(ValueError, match=r"layer: expected one of the conv layers"):
        course.check_grad_cam(np.zeros((4, 4)), model, params, x, layer="dense_1")
    with pytest.raises(ValueError, match=r"target: expected 0 <= target < 10, got 12"):
        course.check_grad_cam(np.zeros((4, 4)), model, params, x, target=12)
    with pytest.raises(ValueError, match=r"x: expected shape \(8, 8\), got \(64,\)"):
        course.check_grad_cam(np.zeros((4, 4)), model, params, x.ravel())
    mlp = Sequential((4,), (Dense(3),))
    with pytest.raises(ValueError, match="model: expected a model with a Conv2D layer"):
        course.check_grad_cam(np.zeros(4), mlp, mlp.init(jax.random.key(0)), np.zeros(4))
