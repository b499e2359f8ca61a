"""Lesson 08's checks (nnwidgets.course): activation derivatives, dead ReLUs, vanishing
gradients. Right for the reference answers, specific messages for the typical mistakes,
errors naming the argument for bad arguments, never the reference itself."""

import importlib
import itertools
import math
import pathlib

import jax
import jax.numpy as jnp
import nbformat
import numpy as np
import optax
import pytest

from nnwidgets import course
from nnwidgets.course._activations import Z_GRID
from nnwidgets.models import Dense, Sequential, toy_dataset
from nnwidgets.state import PlaygroundState

ROOT = pathlib.Path(__file__).resolve().parent.parent


def sigmoid(z):
    return 1 / (1 + jnp.exp(-z))


# derivatives -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fn"),
    [
        ("sigmoid", lambda z: sigmoid(z) * (1 - sigmoid(z))),
        ("sigmoid", lambda z: jnp.exp(-z) / (1 + jnp.exp(-z)) ** 2),
        ("sigmoid", lambda z: math.exp(-z) / (1 + math.exp(-z)) ** 2),  # one number at a time
        ("tanh", lambda z: 1 - jnp.tanh(z) ** 2),
        ("tanh", lambda z: 1 / np.cosh(z) ** 2),
        ("relu", lambda z: (z > 0) * 1.0),
        ("relu", lambda z: 1.0 if z > 0 else 0.0),  # an if on z: called point by point
        ("softplus", jax.nn.sigmoid),
        ("identity", lambda z: jnp.ones_like(z)),
        ("gelu", jax.vmap(jax.grad(jax.nn.gelu))),
    ],
)
def test_derivative_right(name, fn):
    r = course.check_activation_derivative(fn, name)
    assert r.ok and bool(r) and str(r).startswith(f"right: {name}'(z) matches jax.grad"), r


@pytest.mark.parametrize(
    ("name", "fn", "says"),
    [
        ("sigmoid", sigmoid, "sigmoid(z) itself"),
        ("sigmoid", lambda z: sigmoid(z) * (1 + sigmoid(z)), "not 1 + sigmoid(z)"),
        ("sigmoid", lambda z: z * (1 - z), "written with z where sigmoid(z) belongs"),
        ("sigmoid", lambda z: 1 - sigmoid(z), "a factor is missing"),
        ("sigmoid", lambda z: 1 - sigmoid(z) ** 2, "tanh's derivative, not the sigmoid's"),
        ("sigmoid", lambda z: 1 - jnp.tanh(z) ** 2, "that is tanh's derivative"),
        ("tanh", jnp.tanh, "tanh(z) itself"),
        ("tanh", lambda z: 1 - jnp.tanh(z), "the square is missing"),
        ("tanh", lambda z: 1 - z**2, "written with z where tanh(z) belongs"),
        ("tanh", lambda z: 1 + jnp.tanh(z) ** 2, "the sign"),
        ("tanh", lambda z: jnp.tanh(z) * (1 - jnp.tanh(z)), "sigmoid's rule"),
        ("tanh", lambda z: 1 / jnp.cosh(z), "1 / cosh(z): the square is missing"),
        ("tanh", lambda z: sigmoid(z) * (1 - sigmoid(z)), "the sigmoid's derivative"),
        ("relu", jax.nn.relu, "relu(z) itself"),
        ("relu", lambda z: (z < 0) * 1.0, "flipped"),
        ("relu", lambda z: 1.0, "1 everywhere"),
        ("softplus", jax.nn.softplus, "softplus(z) itself"),
        ("identity", lambda z: z, "z itself"),
    ],
)
def test_derivative_mistakes(name, fn, says):
    r = course.check_activation_derivative(fn, name)
    assert not r.ok and str(r).startswith(f"{name}'(z): ") and says in str(r), r


def test_derivative_other_answers():
    check = course.check_activation_derivative
    r = check(lambda z: -(1 - jnp.tanh(z) ** 2), "tanh")
    assert not r.ok and "opposite sign" in str(r)
    r = check(lambda z: 0.25, "sigmoid")
    assert not r.ok and "the same value for every z" in str(r)
    r = check(lambda z: jnp.where(z > 1, 1.0, 0.0), "relu")  # wrong on (0, 1] only
    assert not r.ok and "differs from jax.grad at 10 of 200 points (only for z > 0)" in str(r)
    assert "the most at z = +" in str(r) and "off by -1" in str(r)
    r = check(lambda z: jnp.where(z < -1, 0.5, (z > 0) * 1.0), "relu")
    assert not r.ok and "(only for z < 0)" in str(r)
    r = check(lambda z: 1 - jnp.tanh(z[:3]) ** 2, "tanh")
    assert not r.ok and "returned shape (3,)" in str(r) and "shape (200,)" in str(r)
    r = check(lambda z: jnp.where(z > 9, jnp.nan, 1 - jnp.tanh(z) ** 2), "tanh")
    assert not r.ok and "NaN or inf at z = +9" in str(r)
    r = check(lambda z: undefined_name * z, "tanh")  # noqa: F821  (the student's typo)
    assert not r.ok and "raised NameError" in str(r)
    r = check(lambda z: "slope", "tanh")
    assert not r.ok and "expected it to return numbers, got str" in str(r)


def test_derivative_answer_types_and_bad_name():
    check = course.check_activation_derivative
    r = check(None, "sigmoid")
    assert not r.ok and "got None: assign your function" in str(r)
    r = check(np.zeros(200), "sigmoid")
    assert not r.ok and "expected a function of z (def d_sigmoid(z): ...), got ndarray" in str(r)
    with pytest.raises(ValueError, match=r"name: expected one of \[.*'tanh'\], got 'swish'"):
        check(jnp.tanh, "swish")


def test_the_grid_avoids_relus_kink():
    assert Z_GRID.shape == (200,) and Z_GRID.min() == -10 and Z_GRID.max() == 10
    assert not np.any(Z_GRID == 0)


# dead units --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dying():
    """A ReLU net whose dead units are set by hand. dense_1 reads s = x[0]: units relu(s),
    relu(-s), relu(s / 2) and a dead one. dense_2: units 0 and 1 dead (z < 0 on every
    example), unit 2 alive on every one, units 3, 4, 5 alive on some (s > 0, s > 1, s < 0)."""
    net = Sequential((3,), (Dense(4, "relu"), Dense(6, "relu"), Dense(2)))
    s = np.array([2, 1.5, 0.5, -0.5, -2, 3, -1, 0.2, -0.3, 2.5, -1.5, 0.8], np.float32)
    X = np.zeros((12, 3), np.float32)
    X[:, 0] = s
    w1 = np.zeros((3, 4), np.float32)
    w1[0] = [1, -1, 0.5, 0]
    b1 = np.array([0, 0, 0, -1], np.float32)
    w2 = np.zeros((4, 6), np.float32)
    w2[0, 3], w2[0, 4], w2[1, 5] = 1, 0.5, 1
    b2 = np.array([-5, -1, 2, -1e-3, -0.5, -1e-3], np.float32)
    z2 = np.maximum(X @ w1 + b1, 0) @ w2 + b2
    last = net.init(jax.random.key(0))[2]
    params = ({"w": jnp.asarray(w1), "b": jnp.asarray(b1)},
              {"w": jnp.asarray(w2), "b": jnp.asarray(b2)}, last)
    return {"net": net, "params": params, "X": X, "z2": z2}


def dead_check(value, m, layer="dense_2"):
    return course.check_dead_fraction(value, m["net"], m["params"], m["X"], layer)


def test_dead_fraction_right(dying):
    r = dead_check(1 / 3, dying)
    assert r.ok and str(r) == "right: dead fraction of dense_2 (2 of 6 units, on all 12 examples)"
    z2 = jnp.asarray(dying["z2"], jnp.float32)
    assert dead_check(jnp.all(z2 <= 0, axis=0).mean(), dying).ok  # float32, a jax scalar
    assert dead_check(np.float32(1 / 3), dying).ok and dead_check(jnp.asarray([1 / 3]), dying).ok
    r = dead_check(0.25, dying, "dense_1")
    assert r.ok and "1 of 4 units" in str(r)


def test_dead_fraction_mistakes(dying):
    z2 = dying["z2"]
    cases = [
        (2, "that is a number of units; the fraction divides it by the layer's 6 units"),
        (100 / 3, "a percentage"),
        (float((z2 <= 0).mean()), "share of (example, unit) pairs with z ≤ 0"),
        (float((z2 > 0).mean()), "share of (example, unit) pairs where the unit is active"),
        (5 / 6, "units inactive on some example"),  # units 0, 1, 3, 4, 5
        (2 / 3, "the share of units alive somewhere"),
        (1 / 6, "the units active on every example"),  # unit 2
        (float((z2[0] <= 0).mean()), "the first example alone"),
    ]
    values = [round(v, 6) for v, _ in cases]
    assert len(set(values)) == len(values) and round(1 / 3, 6) not in values  # all distinct
    for value, says in cases:
        r = dead_check(value, dying)
        assert not r.ok and str(r).startswith("dead fraction of dense_2: "), (value, r)
        assert says in str(r), (value, r)
    r = dead_check(0.25, dying)
    assert not r.ok and "that is the dead fraction of dense_1, another layer" in str(r)
    r = dead_check(0.3, dying)
    assert not r.ok and str(r) == "dead fraction of dense_2: 0.3 is not it: it is too small"
    r = dead_check(0.4, dying)
    assert not r.ok and str(r).endswith("it is too large")
    r = dead_check(1.5, dying)
    assert not r.ok and "is not a fraction between 0 and 1" in str(r)


def test_dead_fraction_answer_types(dying):
    r = dead_check(None, dying)
    assert not r.ok and "got None: assign your answer (one number, a fraction in [0, 1])" in str(r)
    for value, kind in (("1/3", "str"), (True, "bool"), (lambda: 1 / 3, "function")):
        r = dead_check(value, dying)
        assert not r.ok and f"expected one number (a fraction in [0, 1]), got {kind}" in str(r)
    r = dead_check(np.array([1, 1, 0, 0, 0, 0], bool), dying)
    assert not r.ok and "got an array of shape (6,) (one per unit?)" in str(r)
    r = dead_check(np.zeros((12, 6)), dying)
    assert not r.ok and "shape (12, 6) (one per unit?)" in str(r)
    r = dead_check(float("nan"), dying)
    assert not r.ok and "not a finite number" in str(r)


def test_dead_fraction_bad_arguments(dying):
    net, params, X = dying["net"], dying["params"], dying["X"]
    with pytest.raises(ValueError, match=r"layer: expected one of \['dense_1', 'dense_2', "
                                         r"'dense_3'\], got 'dense_9'"):
        course.check_dead_fraction(0.3, net, params, X, "dense_9")
    with pytest.raises(ValueError, match=r"X: expected a batch of shape \(n, 3\), got \(3,\)"):
        course.check_dead_fraction(0.3, net, params, X[0], "dense_2")
    with pytest.raises(TypeError, match=r"net: expected a nnwidgets\.models\.Sequential, got str"):
        course.check_dead_fraction(0.3, "net", params, X, "dense_2")


def test_dead_units_get_no_gradient(dying):
    """What the lesson says after exercise 2: a dead unit's weights and bias get exactly 0."""
    net, params, X = dying["net"], dying["params"], dying["X"]
    y = np.arange(len(X)) % 2

    @jax.jit
    @jax.grad
    def grads(p):
        logits = jax.vmap(net.logits, in_axes=(None, 0))(p, X)
        return optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()

    g = grads(params)[1]
    assert not np.any(g["w"][:, :2]) and not np.any(g["b"][:2])  # units 0 and 1: dead
    assert np.all(g["b"][2:4] != 0)


# vanishing gradients -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def deep():
    """The lesson's deep sigmoid net on the circle data, and its per-layer gradient norms of
    the mean cross-entropy (weights and bias together; weights alone; the first example)."""
    net = Sequential((2,), (*(Dense(8, "sigmoid") for _ in range(6)), Dense(2, name="output")))
    params = net.init(jax.random.key(0))
    ds = toy_dataset("circle")
    X, y = ds.X_train, ds.y_train

    @jax.jit
    @jax.grad
    def grads(p, X, y):
        logits = jax.vmap(net.logits, in_axes=(None, 0))(p, X)
        return optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()

    def norms(X, y, keys=("w", "b")):
        g = grads(params, X, y)
        return [float(np.sqrt(sum(np.sum(np.square(layer[k], dtype=np.float64)) for k in keys)))
                for layer in g]

    return {"net": net, "params": params, "X": X, "y": y, "norms": norms(X, y),
            "weights": norms(X, y, ("w",)), "one": norms(X[:1], y[:1])}


def smallest_check(answer, m):
    return course.check_smallest_grad_layer(answer, m["net"], m["params"], m["X"], m["y"])


def ratio_check(answer, m):
    return course.check_grad_norm_ratio(answer, m["net"], m["params"], m["X"], m["y"])


def test_the_gradient_vanishes_towards_the_input(deep):
    n = deep["norms"]
    assert all(a < b for a, b in itertools.pairwise(n)) and n[0] / n[-1] < 1e-3


def test_smallest_layer(deep):
    r = smallest_check("dense_1", deep)
    assert r.ok and str(r) == "right: dense_1's parameters get the smallest gradient norm"
    r = smallest_check("output", deep)
    assert not r.ok and "output has the largest gradient norm, not the smallest" in str(r)
    r = smallest_check("dense_4", deep)
    assert not r.ok and "3 layer(s) get a smaller gradient norm than dense_4" in str(r)
    r = smallest_check(0, deep)
    assert not r.ok and "expected a layer name (str), got" in str(r)
    assert str(r).endswith("got int")
    r = smallest_check("dense_7", deep)
    assert not r.ok and "'dense_7' is not one of the layers ['dense_1'," in str(r)
    r = smallest_check(None, deep)
    assert not r.ok and "got None: assign your answer (a layer name)" in str(r)


def test_ratio(deep):
    n, w, one = deep["norms"], deep["weights"], deep["one"]
    ref = n[0] / n[-1]
    r = ratio_check(ref, deep)
    assert r.ok and str(r).startswith("right: |grad dense_1| / |grad output| = "), r
    assert ratio_check(jnp.float32(ref), deep).ok and ratio_check(ref * (1 + 5e-4), deep).ok
    cases = [
        (1 / ref, "upside down"),
        (ref**2, "a ratio of squared norms"),
        (w[0] / w[-1], "weights alone"),
        (n[0] / n[-2], "the last layer with parameters is output, not dense_6"),
        (one[0] / one[-1], "the first example alone"),
        (math.log10(ref), "log10 of the ratio"),
        (ref * 3, "is too large"),
        (ref / 30, "is too small by more than a factor 10"),
        (-ref, "a ratio of two norms is positive"),
    ]
    for value, says in cases:
        r = ratio_check(value, deep)
        assert not r.ok and str(r).startswith("|grad dense_1| / |grad output|: "), r
        assert says in str(r), (says, r)
    assert "by more than" not in str(ratio_check(ref * 3, deep))
    for value, says in ((None, "got None"), ("1e-4", "got str"), (np.ones(2), "shape (2,)")):
        r = ratio_check(value, deep)
        assert not r.ok and says in str(r)


def test_a_sum_loss_gives_the_same_ratio(deep):
    net, params, X, y = deep["net"], deep["params"], deep["X"], deep["y"]

    @jax.jit
    @jax.grad
    def grads(p):
        logits = jax.vmap(net.logits, in_axes=(None, 0))(p, X)
        return optax.softmax_cross_entropy_with_integer_labels(logits, y).sum()

    g = grads(params)
    first, last = (jnp.sqrt(jnp.sum(g[i]["w"] ** 2) + jnp.sum(g[i]["b"] ** 2)) for i in (0, -1))
    assert ratio_check(float(first / last), deep).ok


def test_grad_checks_bad_arguments(deep):
    net, params, X, y = deep["net"], deep["params"], deep["X"], deep["y"]
    with pytest.raises(ValueError, match=r"y: expected 200 integer class labels, shape \(200,\)"):
        course.check_grad_norm_ratio(1.0, net, params, X, y[:-1])
    with pytest.raises(ValueError, match=r"y: expected 200 integer class labels.*float32"):
        course.check_smallest_grad_layer("dense_1", net, params, X, y.astype(np.float32))
    with pytest.raises(ValueError, match=r"y: expected labels in \[0, 2\), got 0 to 2"):
        course.check_grad_norm_ratio(1.0, net, params, X, 2 * y)
    with pytest.raises(ValueError, match=r"X: expected a batch of shape \(n, 2\), got \(200, 3\)"):
        course.check_grad_norm_ratio(1.0, net, params, np.ones((200, 3)), y)
    one_layer = Sequential((2,), (Dense(2),))
    with pytest.raises(ValueError, match=r"net: expected at least 2 layers with parameters"):
        course.check_grad_norm_ratio(1.0, one_layer, one_layer.init(jax.random.key(0)), X, y)


def test_the_checks_agree_with_the_playgrounds_bars():
    """The lesson's claim: exercise 3 computes the Playground's gradients bars."""
    s = PlaygroundState(dataset="circle", hidden=[8] * 6, activation="sigmoid")
    bars = np.asarray(s.grad_norms, np.float64)
    X, y = s.data.X_train, s.data.y_train
    assert course.check_grad_norm_ratio(bars[0] / bars[-1], s.model, s.params, X, y).ok
    smallest = s.model.layer_names[int(np.argmin(bars))]
    assert course.check_smallest_grad_layer(smallest, s.model, s.params, X, y).ok
    s.close()


def test_the_notebook_is_the_lessons(monkeypatch):
    """notebooks/08_... is what scripts/lessons/l08_... writes: five one-call check cells, each
    exercise pre-filled with its solution."""
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    lesson = importlib.import_module("lessons.l08_activation_functions")
    assert lesson.NAME == "08_activation_functions" and lesson.TITLE.startswith("08 · ")
    nb = nbformat.read(ROOT / "notebooks" / f"{lesson.NAME}.ipynb", as_version=4)
    assert [c.source for c in nb.cells] == [c.source for c in lesson.make().cells]
    checks = [c.source for c in nb.cells if c.source.startswith("check_")]
    assert len(checks) == 5 and not any("\n" in c for c in checks)
    solutions = [c for c in nb.cells if c.cell_type == "code" and "# solution (try" in c.source]
    assert len(solutions) == 3
