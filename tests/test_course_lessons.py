"""The checks of lessons 01-05 (nnwidgets.course._lessons): the reference answers are right,
the typical mistakes get their messages, bad arguments raise naming what was expected."""

import json

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from nnwidgets import course, tap
from nnwidgets.models import load_dataset, pretrained


def ok(r):
    assert r.ok and str(r).startswith("right:"), r
    return r


def wrong(r, *parts):
    assert not r.ok, r
    for part in parts:
        assert part in str(r), (part, str(r))
    return r


# lesson 01 ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cancer():
    m = pretrained("breast_cancer")
    x = m.dataset.X_test[47]  # predicted malignant with p ≈ 0.74
    probs = np.asarray(jax.nn.softmax(m.model.logits(m.params, x)))
    return m, x, probs


def test_prediction(cancer):
    m, x, probs = cancer
    names = m.dataset.class_names
    top = int(probs.argmax())

    def check(answer):
        return course.check_prediction(answer, m.model, m.params, x, names)

    ok(check((names[top], float(probs[top]))))
    ok(check([names[top], probs[top]]))  # a list and a numpy float do too
    wrong(check(None), "got None", "assign your answer")
    wrong(check("malignant"), "expected a pair (class name, probability), got str")
    wrong(check((top, float(probs[top]))), "is a class index")
    wrong(check((float(probs[top]), names[top])), "wrong way round")
    wrong(check(("cat", 0.5)), "'cat' is not one of")
    wrong(check((names[1 - top], float(probs[top]))), "is not the predicted class")
    wrong(check((names[top], float(probs[1 - top]))), "another class's")
    logit = float(m.model.logits(m.params, x)[top])
    wrong(check((names[top], logit)), "that is the logit")
    wrong(check((names[top], 100 * float(probs[top]))), "percentage")
    wrong(check((names[top], "high")), "expected a number in [0, 1], got str")
    with pytest.raises(TypeError, match="class_names: expected a sequence of str"):
        course.check_prediction((names[top], 0.7), m.model, m.params, x, "malignant")
    with pytest.raises(ValueError, match=r"x: expected one example of shape \(30,\), got \(4,\)"):
        course.check_prediction((names[top], 0.7), m.model, m.params, x[:4], names)


def test_top_feature(cancer):
    m, x, _ = cancer
    names = m.dataset.feature_names
    from nnwidgets.kernels import explain

    a = explain(m.model, m.params, x, method="integrated_gradients").attribution

    def check(answer):
        return course.check_top_feature(answer, m.model, m.params, x, names)

    ok(check(names[int(a.argmax())]))
    assert abs(a.min()) > a.max()  # this example: the largest magnitude is negative
    wrong(check(names[int(np.abs(a).argmax())]), "largest magnitude", "negative")
    wrong(check(int(a.argmax())), "is an index")
    wrong(check("radius"), "is not one of the 30 feature names")
    wrong(check(None), "assign your answer")
    middle = names[int(np.argsort(a)[15])]
    wrong(check(middle), "another feature's is larger")
    with pytest.raises(ValueError, match="feature_names: expected 30 names, got 2"):
        course.check_top_feature("x", m.model, m.params, x, ("a", "b"))


def test_slider_direction(cancer):
    m, x, _ = cancer
    i = m.dataset.feature_names.index("worst texture")
    grad = jax.grad(lambda v: jax.nn.softmax(m.model.logits(m.params, v))[0])(jnp.asarray(x))
    right = "up" if grad[i] > 0 else "down"
    other = "down" if right == "up" else "up"

    def check(answer, feature=i, cls=0):
        return course.check_slider_direction(answer, m.model, m.params, x, feature, cls)

    ok(check(right))
    wrong(check(other), f'not "{other}"', "compare the probability")
    wrong(check("rises"), 'expected "up" or "down", got \'rises\'')
    wrong(check(1), "got int")
    wrong(check(None), "assign your answer")
    with pytest.raises(ValueError, match=r"feature: expected an index in \[0, 30\), got 30"):
        check(right, feature=30)
    with pytest.raises(TypeError, match="cls: expected an int index, got str"):
        check(right, cls="malignant")


# lesson 02 ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cnn():
    m = pretrained("digits_cnn")
    names = [row["name"] for row in m.model.summary()]
    return m, names


def test_layer_params(cnn):
    m, names = cnn
    counts = {
        name: sum(int(a.size) for a in p.values())
        for name, p in zip(names, m.params)
        if p
    }

    def check(answer):
        return course.check_layer_params(answer, m.model, m.params)

    assert ok(check(counts)).message.endswith("(9802 parameters in all)")
    ok(check({**counts, "maxpool2d_1": 0}))  # a pooling layer with 0 is fine
    weights_only = {**counts, "dense_1": 256 * 32}
    wrong(check(weights_only), "dense_1: only the weights are counted", "biases")
    wrong(check({**counts, "dense_1": 1}), "dense_1: 1 is not its number of parameters")
    wrong(check({k: v for k, v in counts.items() if k != "conv_2"}), "missing layers ['conv_2']")
    wrong(check({**counts, "pool": 3}), "['pool'] have no parameters")
    wrong(check({**counts, "dense_2": 330.0}), "answer['dense_2']: expected an int, got float")
    wrong(check(list(counts.values())), "expected a dict {layer name: int}, got list")
    wrong(check(None), "assign your answer")


def test_dense_by_hand(cnn):
    m, names = cnn
    x = m.dataset.X_test[7]
    _, trace = m.model.apply(m.params, jnp.asarray(x))
    flat = np.asarray(trace["conv_2"].post).reshape(-1)
    p = m.params[names.index("dense_1")]
    W, b = np.asarray(p["w"]), np.asarray(p["b"])

    def check(answer):
        return course.check_dense_by_hand(answer, m.model, m.params, x, "dense_1")

    h = np.maximum(flat @ W + b, 0)
    assert "matches the network's own values" in ok(check(h)).message
    ok(check(jnp.asarray(h)))
    wrong(check(flat @ W + b), "before the activation function")
    wrong(check(np.maximum(flat @ W, 0)), "the bias is missing")
    wrong(check(h[None]), "expected shape (32,), got (1, 32)")
    wrong(check("h"), "got str")
    wrong(check(None), "assign your answer")
    with pytest.raises(ValueError, match="layer: expected one of"):
        course.check_dense_by_hand(h, m.model, m.params, x, "dense_9")
    with pytest.raises(ValueError, match="expected a dense layer"):
        course.check_dense_by_hand(h, m.model, m.params, x, "conv_1")


def test_largest_weight_std(cnn):
    m, names = cnn
    stds = {n: float(np.std(p["w"])) for n, p in zip(names, m.params) if p}
    best = max(stds, key=stds.get)
    worst = min(stds, key=stds.get)

    def check(answer):
        return course.check_largest_weight_std(answer, m.model, m.params)

    ok(check(best))
    wrong(check(worst), f"{worst}'s weights have std", "another layer's is larger")
    wrong(check("maxpool2d_1"), "is not a layer with weights")
    wrong(check(0), "expected a layer name (str), got int")
    wrong(check(None), "assign your answer")


# lesson 03 ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def circle():
    from nnwidgets import PlaygroundState

    s = PlaygroundState(dataset="circle", hidden=[])
    yield s
    s.close()


def test_playground_accuracy(circle):
    s = circle
    s.features = ["x1", "x2"]
    wrong(course.check_playground_accuracy(s, 0.9), "not been trained yet (step 0)")
    for _ in range(3):
        s.step_once()
    wrong(course.check_playground_accuracy(s, 0.9), "< 90% with x1, x2 after 3 steps")
    s.features = ["x1^2", "x2^2"]
    s.play()
    import time

    start = time.time()
    while s.step < 200 and time.time() - start < 60:
        time.sleep(0.05)
    s.pause()

    class App:  # the Playground widget: the check reads its .state
        state = s

    assert "with x1^2, x2^2 after" in ok(course.check_playground_accuracy(App(), 0.9)).message
    wrong(course.check_playground_accuracy(None), "assign your answer")
    wrong(course.check_playground_accuracy(3), "expected a Playground or its state, got int")
    with pytest.raises(ValueError, match=r"target: expected a number in \(0, 1\], got 90"):
        course.check_playground_accuracy(s, 90)

    scene = s.to_json()
    step, lr = s.step, s.learning_rate

    def check(answer):
        return course.check_scene_reading(answer, scene)

    assert f"at step {step} with learning rate 0.03" in ok(check((step, lr))).message
    wrong(check((lr, step)), "wrong way round")
    wrong(check((step + 1, lr)), "is not the scene's step")
    wrong(check((step, 0.1)), "learning_rate: 0.1 is not the scene's")
    wrong(check(step), "expected a pair (step, learning_rate), got int")
    wrong(check(("step", lr)), "expected two numbers, got str, float")
    wrong(check(None), "assign your answer")
    with pytest.raises(TypeError, match="scene: expected the JSON str of to_json"):
        course.check_scene_reading((step, lr), json.loads(scene))
    with pytest.raises(ValueError, match="scene: expected a Playground scene"):
        course.check_scene_reading((step, lr), "{}")


# lesson 04 ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def iris_params():
    k1, k2 = jax.random.split(jax.random.key(0))
    params = {"w1": 0.5 * jax.random.normal(k1, (4, 8)), "b1": jnp.full(8, 0.1),
              "w2": 0.5 * jax.random.normal(k2, (8, 3)), "b2": jnp.zeros(3)}
    return params, load_dataset("iris").X_test


def relu_net(params, x):
    h = tap("hidden", jax.nn.relu(x @ params["w1"] + params["b1"]))
    return h @ params["w2"] + params["b2"]


def tap_before(params, x):
    h = jax.nn.relu(tap("hidden", x @ params["w1"] + params["b1"]))
    return h @ params["w2"] + params["b2"]


def untapped(params, x):
    return jax.nn.relu(x @ params["w1"] + params["b1"]) @ params["w2"] + params["b2"]


def other_name(params, x):
    h = tap("features", jax.nn.relu(x @ params["w1"] + params["b1"]))
    return h @ params["w2"] + params["b2"]


def still_tanh(params, x):
    h = tap("hidden", jnp.tanh(x @ params["w1"] + params["b1"]))
    return h @ params["w2"] + params["b2"]


def test_tapped_function(iris_params):
    params, X = iris_params

    def check(answer):
        return course.check_tapped_function(answer, params, X, "hidden")

    assert "sees 'hidden' (8 units)" in ok(check(relu_net)).message
    wrong(check(tap_before), "values before the relu")
    wrong(check(untapped), "sees no layer 'hidden' (it sees [])", 'tap("hidden", ...)')
    wrong(check(other_name), "(it sees ['features'])")
    wrong(check(still_tanh), "outputs are not relu(x @ w1 + b1) @ w2 + b2")
    wrong(check(lambda p, x: x @ p["w2"]), "calling your function failed")
    wrong(check(relu_net(params, X[0])), "expected a function f(params, x), got ")
    wrong(check(None), "assign your answer")
    with pytest.raises(TypeError, match="params: expected a dict with w1, b1, w2, b2"):
        course.check_tapped_function(relu_net, (1, 2), X)
    with pytest.raises(ValueError, match=r"X: expected examples of shape \(n, 4\), got \(4,\)"):
        course.check_tapped_function(relu_net, params, X[0])


def test_predict_digit():
    nnx = pytest.importorskip("flax.nnx")

    class CNN(nnx.Module):
        def __init__(self, rngs):
            self.conv = nnx.Conv(1, 4, (3, 3), rngs=rngs)
            self.out = nnx.Linear(8 * 8 * 4, 10, rngs=rngs)

        def __call__(self, x):
            h = nnx.relu(self.conv(x))
            return self.out(h.reshape(h.shape[0], -1))

    model = CNN(nnx.Rngs(0))
    images = load_dataset("digits").X_test[:5]
    ref = [int(model(im[None, ..., None]).argmax()) for im in images]

    def check(answer):
        return course.check_predict_digit(answer, model, images)

    ok(check(lambda im: int(model(im[None, ..., None]).argmax())))
    ok(check(lambda im: model(im[None, ..., None]).argmax()))  # a jax int scalar is fine
    wrong(check(lambda im: model(im[None, ..., None])[0]), "shape (10,) (the logits?)")
    wrong(check(lambda im: int(model(im).argmax())), "failed on one image of shape (8, 8)",
          "(batch, H, W, channels)")
    wrong(check(lambda im: 2.0), "expected an int class index, got float")
    constant = next(c for c in range(10) if c != ref[0])
    wrong(check(lambda im: constant), "differ from the model's on", "first at index 0")
    wrong(check(model), "failed on one image")
    wrong(check(None), "assign your answer")
    with pytest.raises(ValueError, match=r"images: expected \(n, H, W\) images"):
        course.check_predict_digit(lambda im: 0, model, images[0])


# lesson 05 ------------------------------------------------------------------------------------
TEXT = "the acting was not bad but the ending was dull"


@pytest.fixture(scope="module")
def lstm():
    return pretrained("sentiment_lstm")


def test_top_word(lstm):
    m = lstm
    from nnwidgets.kernels import explain

    ids, _ = m.dataset.encode(TEXT)
    words = m.dataset.decode(ids)
    a = explain(m.model, m.params, ids, method="integrated_gradients").attribution[: len(words)]

    def check(answer, text=TEXT):
        return course.check_top_word(answer, m.model, m.params, m.dataset, text)

    ok(check(words[int(a.argmax())]))
    wrong(check(words[int(a.argmin())]), "pushes the predicted class down the most")
    wrong(check("great"), "'great' is not a word of the sentence")
    wrong(check(3), "expected a word (str), got int")
    wrong(check(None), "assign your answer")
    with pytest.raises(TypeError, match="text: expected a str, got list"):
        check("dull", text=TEXT.split())


def test_positive_with_not(lstm):
    m = lstm

    def check(answer):
        return course.check_positive_with_not(answer, m.model, m.params, m.dataset)

    assert "as positive" in ok(check("the story was not boring")).message
    wrong(check("not good"), "reads 'not good' as negative")
    wrong(check("it was not sherlock"), "does not know ['sherlock']", "dataset.vocab")
    wrong(check("good"), "has no 'not'")
    wrong(check(""), "no words")
    wrong(check(["not", "bad"]), "expected a sentence (str), got list")
    wrong(check(None), "assign your answer")


def test_attention_weight():
    m = pretrained("sentiment_transformer")
    text = "the plot was not bad but the ending was dull"
    ids, _ = m.dataset.encode(text)
    from nnwidgets.kernels import explain

    names = m.model.layer_names
    i = names.index("block_1.attention")
    w = explain(m.model, m.params, ids).post[i].reshape(m.model.layer_shapes[i])

    def check(answer, **kw):
        where = {"layer": "block_1.attention", "head": 1, "query": 7, "key": 9, **kw}
        return course.check_attention_weight(answer, m.model, m.params, m.dataset, text, **where)

    assert "'ending' -> 'dull'" in ok(check(float(w[7, 9, 1]))).message
    ok(check(w[7, 9, 1]))  # a numpy scalar too
    wrong(check(float(w[9, 7, 1])), "rows are the word that looks")
    wrong(check(float(w[7, 9, 0])), "that is head 0's weight")
    wrong(check(0.5), "is not head 1's weight")
    wrong(check(w[7, 9]), "expected a float (one weight), got ndarray")
    wrong(check(None), "assign your answer")
    with pytest.raises(ValueError, match="layer: expected an attention layer"):
        check(0.5, layer="block_1.mlp")
    with pytest.raises(ValueError, match=r"head: expected an index in \[0, 2\), got 2"):
        check(0.5, head=2)
    with pytest.raises(ValueError, match=r"key: expected an index in \[0, 10\), got 12"):
        check(0.5, key=12)


def test_predict_digit_bad_model():
    images = load_dataset("digits").X_test[:5]
    with pytest.raises(ValueError, match=r"model: expected the CNN taking \(batch, H, W, 1\)"):
        course.check_predict_digit(lambda im: 0, lambda x: x @ np.ones((3, 2)), images)
    with pytest.raises(ValueError, match=r"model: expected outputs of shape \(batch, classes\)"):
        course.check_predict_digit(lambda im: 0, lambda x: x.sum(), images)
