"""The exercise checks of the course (nnwidgets.course): right for the reference, specific
messages for the typical mistakes, never the reference itself."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from nnwidgets import course
from nnwidgets.models import Dense, Sequential, load_dataset, pretrained


@pytest.fixture(scope="module")
def mlp():
    ds = load_dataset("iris")
    net = Sequential((4,), (Dense(8, "tanh"), Dense(3)))
    params = net.init(jax.random.key(0))
    x, y = np.asarray(ds.X_train[0]), int(ds.y_train[0])
    W1, b1 = np.asarray(params[0]["w"]), np.asarray(params[0]["b"])
    W2, b2 = np.asarray(params[1]["w"]), np.asarray(params[1]["b"])
    z1 = x @ W1 + b1
    h = np.tanh(z1)
    logits = h @ W2 + b2
    p = np.exp(logits - logits.max())
    p /= p.sum()
    delta = p - np.eye(3)[y]
    back = delta @ W2.T
    return {
        "net": net, "params": params, "x": x, "y": y, "z1": z1, "h": h, "logits": logits,
        "p": p, "delta": delta, "back": back,
        "dW2": np.outer(h, delta), "db1": back * (1 - h**2), "dW1": np.outer(x, back * (1 - h**2)),
    }


def run(check, value, m):
    return check(value, m["net"], m["params"], m["x"], m["y"])


def test_reference_answers_are_right(mlp):
    for check, key in ((course.check_backprop_w2, "dW2"), (course.check_backprop_b1, "db1"),
                       (course.check_backprop_w1, "dW1")):
        r = run(check, mlp[key], mlp)
        assert r.ok and bool(r) and str(r).startswith("right"), r
        r = run(check, jnp.asarray(mlp[key]), mlp)  # jax arrays too
        assert r.ok, r
    r = course.check_softmax_grad(mlp["delta"], mlp["logits"], mlp["y"])
    assert r.ok and repr(r).startswith("right"), r


def test_w2_mistakes(mlp):
    r = run(course.check_backprop_w2, mlp["dW2"].T, mlp)
    assert not r.ok and "expected shape (8, 3), got (3, 8)" in str(r) and "transposed" in str(r)
    r = run(course.check_backprop_w2, -mlp["dW2"], mlp)
    assert not r.ok and "opposite sign" in str(r)
    r = run(course.check_backprop_w2, np.outer(mlp["z1"], mlp["delta"]), mlp)
    assert not r.ok and "pre-activation" in str(r)
    r = run(course.check_backprop_w2, np.outer(mlp["h"], mlp["p"]), mlp)
    assert not r.ok and "true label" in str(r)
    wrong = mlp["dW2"].copy()
    wrong[1, 2] += 0.42
    r = run(course.check_backprop_w2, wrong, mlp)
    assert not r.ok and "off by +0.42 at [1, 2]" in str(r) and "1 of 24" in str(r)


def test_b1_and_w1_mistakes(mlp):
    r = run(course.check_backprop_b1, mlp["back"], mlp)
    assert not r.ok and "tanh' factor" in str(r)
    r = run(course.check_backprop_b1, mlp["back"] * (1 - mlp["z1"] ** 2), mlp)
    assert not r.ok and "not 1 - z²" in str(r)
    r = run(course.check_backprop_b1, mlp["back"] * mlp["h"] * (1 - mlp["h"]), mlp)
    assert not r.ok and "sigmoid" in str(r)
    r = run(course.check_backprop_b1, -mlp["db1"], mlp)
    assert not r.ok and "opposite sign" in str(r)
    r = run(course.check_backprop_b1, mlp["db1"][None], mlp)
    assert not r.ok and "expected shape (8,), got (1, 8)" in str(r)
    r = run(course.check_backprop_w1, np.outer(mlp["x"], mlp["back"]), mlp)
    assert not r.ok and "tanh' factor" in str(r)
    r = run(course.check_backprop_w1, mlp["dW1"].T, mlp)
    assert not r.ok and "transposed" in str(r)


def test_softmax_grad_mistakes(mlp):
    p, z, y = mlp["p"], mlp["logits"], mlp["y"]
    onehot = np.eye(3)[y]
    cases = [(-mlp["delta"], "opposite sign"), (p, "true class"), (-onehot, "log-sum-exp"),
             (z - onehot, "logits where the probabilities"), (p - 1, "only the true class")]
    for value, words in cases:
        r = course.check_softmax_grad(value, z, y)
        assert not r.ok and words in str(r), (words, r)


def test_bad_inputs_say_what_is_wrong(mlp):
    r = run(course.check_backprop_w2, None, mlp)
    assert not r.ok and "got None" in str(r) and "(8, 3)" in str(r)
    r = run(course.check_backprop_w2, "dW2", mlp)
    assert not r.ok and "got str" in str(r)
    r = run(course.check_backprop_w2, np.full((8, 3), np.nan), mlp)
    assert not r.ok and "NaN" in str(r)
    with pytest.raises(TypeError, match="y: expected an int"):
        course.check_backprop_w2(mlp["dW2"], mlp["net"], mlp["params"], mlp["x"], 1.5)
    with pytest.raises(ValueError, match=r"class index in \[0, 3\)"):
        course.check_backprop_w2(mlp["dW2"], mlp["net"], mlp["params"], mlp["x"], 7)
    with pytest.raises(ValueError, match=r"x: expected one example of shape \(4,\)"):
        course.check_backprop_w2(mlp["dW2"], mlp["net"], mlp["params"], mlp["x"][:3], 0)
    other = Sequential((4,), (Dense(8, "relu"), Dense(3)))
    with pytest.raises(TypeError, match="two-layer MLP"):
        course.check_backprop_w2(mlp["dW2"], other, mlp["params"], mlp["x"], 0)


def test_messages_never_contain_the_reference(mlp):
    wrong = mlp["dW2"] + 1.0
    text = str(run(course.check_backprop_w2, wrong, mlp))
    for v in mlp["dW2"].ravel()[:5]:
        assert f"{v:.3g}" not in text or abs(v) < 1e-3


@pytest.fixture(scope="module")
def digits():
    m = pretrained("digits")
    return m.model, m.params, np.asarray(m.dataset.X_test[7])


def passing(model, params, x, tol):
    from nnwidgets.kernels import Settings, explain

    return [n for n in course.IG_CANDIDATES
            if abs(explain(model, params, x, method="integrated_gradients",
                           settings=Settings(steps=n)).completeness_gap) < tol]


def test_ig_steps(digits):
    model, params, x = digits
    n = passing(model, params, x, 1e-3)[0]
    r = course.check_ig_steps(n, model, params, x)
    assert r.ok, r
    r = course.check_ig_steps(np.int64(n), model, params, x)
    assert r.ok, r
    r = course.check_ig_steps(n // 2, model, params, x)
    assert not r.ok and "not exact enough" in str(r)
    r = course.check_ig_steps(100, model, params, x)
    assert not r.ok and "not one of the steps" in str(r)
    r = course.check_ig_steps(32.0, model, params, x)
    assert not r.ok and "expected an int, got float" in str(r)
    loose = passing(model, params, x, 0.1)  # the gap is not monotone: a later one passes too
    assert len(loose) >= 2
    assert course.check_ig_steps(loose[0], model, params, x, tol=0.1).ok
    r = course.check_ig_steps(loose[1], model, params, x, tol=0.1)
    assert not r.ok and "fewer steps do too" in str(r)


def test_sanity_winner(digits):
    model, params, x = digits
    rho = course.top_layer_correlations(model, params, x)
    assert set(rho) == set(course.SANITY_METHODS)
    best = max(rho, key=rho.get)
    r = course.check_sanity_winner(best, model, params, x)
    assert r.ok, r
    worst = min(rho, key=rho.get)
    assert rho[worst] < rho[best] - 0.01
    r = course.check_sanity_winner(worst, model, params, x)
    assert not r.ok and "another method keeps more" in str(r)
    r = course.check_sanity_winner("grad_cam", model, params, x)
    assert not r.ok and "not one of" in str(r)
    r = course.check_sanity_winner(None, model, params, x)
    assert not r.ok and "got NoneType" in str(r)
