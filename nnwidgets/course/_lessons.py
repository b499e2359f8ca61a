"""Lessons 01-05: the Explorer, inside the network, the Playground, your own model, sequences.

Every check recomputes its reference from the model, its parameters and the input (the
Explorer's and Playground's states are read duck-typed: this package imports models and
kernels only) and answers ``right: ...`` or what is off, never the reference.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..kernels import explain
from ..models import adapt, expand_features, param_groups
from ._common import CheckResult, _compare, _is_int, _missing, _right, _wrong


def _type(name: str, want: str, value: Any) -> CheckResult:
    return _wrong(f"{name}: expected {want}, got {type(value).__name__}")


def _as_pair(answer: Any, want: str) -> tuple[Any, Any] | CheckResult:
    """``answer`` as a pair, or what is wrong with it."""
    if answer is None:
        return _missing("answer", want)
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return _type("answer", want, answer)
    return answer[0], answer[1]


def _is_number(value: Any) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return False
    return isinstance(value, (int, float, np.integer, np.floating)) or (
        getattr(value, "shape", None) == () and np.issubdtype(np.asarray(value).dtype, np.number)
    )


def _names(arg: str, names: Any) -> tuple[str, ...]:
    if isinstance(names, str) or not all(isinstance(n, str) for n in names):
        raise TypeError(f"{arg}: expected a sequence of str, got {names!r}")
    return tuple(names)


def _index(arg: str, value: Any, size: int) -> int:
    if not _is_int(value):
        raise TypeError(f"{arg}: expected an int index, got {type(value).__name__}")
    if not 0 <= int(value) < size:
        raise ValueError(f"{arg}: expected an index in [0, {size}), got {int(value)}")
    return int(value)


def _example(model: Any, x: Any) -> jax.Array:
    shape = tuple(model.input_shape)
    a = np.asarray(x, np.float32)
    if a.shape != shape:
        raise ValueError(f"x: expected one example of shape {shape}, got {a.shape}")
    return jnp.asarray(a)


def _as_compare(name: str, value: Any, ref: np.ndarray, mistakes: Any = ()) -> CheckResult:
    """``_compare`` with a right message that names the network (not ``jax.grad``)."""
    r = _compare(name, value, ref, mistakes)
    if r.ok:
        diff = float(np.abs(np.asarray(value, np.float64) - ref).max())
        return _right(f"{name} matches the network's own values (largest difference {diff:.1e})")
    return r


# lesson 01: the Explorer --------------------------------------------------------------------
def check_prediction(
    answer: Any, model: Any, params: Any, x: Any, class_names: Sequence[str]
) -> CheckResult:
    """Lesson 01: ``(class name, its probability)`` of the model's prediction for ``x``.

    Args:
        answer: the student's ``(name, probability)``.
        model: the network (``explorer.state.model``).
        params: its parameters.
        x: the input.
        class_names: the names of the classes, in the model's output order.

    Returns:
        A ``CheckResult``.
    """
    names = _names("class_names", class_names)
    e = explain(model, params, _example(model, x))
    if len(names) != e.probs.size:
        raise ValueError(f"class_names: expected {e.probs.size} names, got {len(names)}")
    pair = _as_pair(answer, "a pair (class name, probability)")
    if isinstance(pair, CheckResult):
        return pair
    name, p = pair
    if _is_number(name) and isinstance(p, str):
        return _wrong("answer: the pair is the wrong way round: (class name, probability)")
    if _is_int(name):
        return _wrong(f"answer: {int(name)} is a class index; answer with its name (class_names)")
    if not isinstance(name, str):
        return _type("class name", "a str from class_names", name)
    if name not in names:
        return _wrong(f"class name: {name!r} is not one of {list(names)}")
    if not _is_number(p):
        return _type("probability", "a number in [0, 1]", p)
    top = int(np.argmax(e.probs))
    if name != names[top]:
        return _wrong(f"{name!r} is not the predicted class: read state.predicted")
    p = float(p)
    if abs(p - float(e.probs[top])) <= 1e-4:
        return _right(f"the model predicts {name!r} with probability {p:.4f}")
    if math.isclose(p, float(e.logits[top]), rel_tol=1e-4, abs_tol=1e-5):
        return _wrong("probability: that is the logit; the probabilities are state.probs")
    others = np.delete(e.probs, top)
    if np.any(np.abs(others - p) <= 1e-4):
        return _wrong("probability: that is another class's; take the predicted class's entry")
    if abs(p - 100 * float(e.probs[top])) <= 1e-2:
        return _wrong("probability: that is a percentage; give a number in [0, 1]")
    return _wrong(f"probability: {p:.4f} is not the predicted class's probability")


def check_top_feature(
    answer: Any,
    model: Any,
    params: Any,
    x: Any,
    feature_names: Sequence[str],
    *,
    method: str = "integrated_gradients",
) -> CheckResult:
    """Lesson 01: the feature whose attribution pushes the predicted class up the most.

    Args:
        answer: the student's answer, a feature name.
        model: the network.
        params: its parameters.
        x: the input (tabular: one value per feature).
        feature_names: the features' names, in input order.
        method: the attribution method (as the Explorer computes it for the predicted class).

    Returns:
        A ``CheckResult``.
    """
    names = _names("feature_names", feature_names)
    e = explain(model, params, _example(model, x), method=method)
    a = np.ravel(e.attribution)
    if len(names) != a.size:
        raise ValueError(f"feature_names: expected {a.size} names, got {len(names)}")
    if answer is None:
        return _missing("answer", "a feature name")
    if _is_int(answer):
        return _wrong(f"answer: {int(answer)} is an index; answer with its name (feature_names)")
    if not isinstance(answer, str):
        return _type("answer", "a feature name (str)", answer)
    if answer not in names:
        return _wrong(f"answer: {answer!r} is not one of the {len(names)} feature names")
    i = names.index(answer)
    best = int(np.argmax(a))
    if i == best:
        return _right(f"{answer!r} pushes the predicted class up the most ({a[i]:+.3f})")
    if i == int(np.argmax(np.abs(a))):
        return _wrong(
            f"{answer!r} has the largest magnitude, but its attribution is negative: it pushes "
            "the predicted class down. Look for the largest positive value"
        )
    if i == int(np.argmin(a)):
        return _wrong(f"{answer!r} pushes the predicted class down the most; the question is up")
    return _wrong(f"{answer!r} has attribution {a[i]:+.3f}; another feature's is larger")


def check_slider_direction(
    answer: Any, model: Any, params: Any, x: Any, feature: Any, cls: Any
) -> CheckResult:
    """Lesson 01: does the probability of ``cls`` go "up" or "down" when ``feature`` rises?

    The sign of d softmax(logits)[cls] / d x[feature] at ``x`` (``jax.grad``).

    Args:
        answer: the student's answer, ``"up"`` or ``"down"``.
        model: the network.
        params: its parameters.
        x: the input (tabular).
        feature: the index of the feature moved.
        cls: the index of the class watched.

    Returns:
        A ``CheckResult``.
    """
    x = _example(model, x)
    feature = _index("feature", feature, x.size)
    cls = _index("cls", cls, int(model.n_outputs))
    grad = jax.grad(lambda v: jax.nn.softmax(model.logits(params, v))[cls])(x)
    d = float(np.ravel(grad)[feature])
    if answer is None:
        return _missing("answer", '"up" or "down"')
    if not isinstance(answer, str):
        return _type("answer", '"up" or "down" (a str)', answer)
    if answer not in ("up", "down"):
        return _wrong(f'answer: expected "up" or "down", got {answer!r}')
    if (d > 0) == (answer == "up"):
        return _right(f"the probability goes {answer} (its derivative is {d:+.3g})")
    return _wrong(
        f'not "{answer}": move the slider a small step (or x[{feature}] by 0.01) and compare '
        "the probability before and after"
    )


# lesson 02: inside the network ----------------------------------------------------------------
def _layer_counts(model: Any, params: Any) -> dict[str, dict[str, int]]:
    return {
        g: {k: int(np.size(v)) for k, v in leaves.items()}
        for g, leaves in param_groups(model, params).items()
    }


def check_layer_params(answer: Any, model: Any, params: Any) -> CheckResult:
    """Lesson 02: ``{layer name: number of parameters}`` for every layer that has any.

    Args:
        answer: the student's dict.
        model: the network (``state.model``).
        params: its parameters.

    Returns:
        A ``CheckResult``.
    """
    counts = _layer_counts(model, params)
    if answer is None:
        return _missing("answer", "a dict {layer name: int}")
    if not isinstance(answer, Mapping):
        return _type("answer", "a dict {layer name: int}", answer)
    missing = [g for g in counts if g not in answer]
    extra = [k for k in answer if k not in counts and answer[k] != 0]  # 0 for a pool: fine
    if extra:
        return _wrong(f"answer: {extra} have no parameters (the layers with some: {list(counts)})")
    if missing:
        return _wrong(f"answer: missing layers {missing}")
    for g, leaves in counts.items():
        value = answer[g]
        if not _is_int(value):
            return _type(f"answer[{g!r}]", "an int", value)
        total = sum(leaves.values())
        if int(value) == total:
            continue
        if int(value) in {n for k, n in leaves.items() if k != "b"} and "b" in leaves:
            return _wrong(f"{g}: only the weights are counted; the biases are parameters too")
        return _wrong(f"{g}: {int(value)} is not its number of parameters")
    total = sum(n for leaves in counts.values() for n in leaves.values())
    return _right(f"every layer's count is right ({total} parameters in all)")


def check_dense_by_hand(
    answer: Any, model: Any, params: Any, x: Any, layer: str = "dense_1"
) -> CheckResult:
    """Lesson 02: a dense layer's activation for ``x``, computed by hand from its weights.

    Args:
        answer: the student's activation, shape ``(units,)``.
        model: the network (a ``Sequential``).
        params: its parameters.
        x: the input.
        layer: the dense layer's name.

    Returns:
        A ``CheckResult``.
    """
    names = tuple(model.layer_names)
    if layer not in names:
        raise ValueError(f"layer: expected one of {list(names)}, got {layer!r}")
    groups = param_groups(model, params)
    if layer not in groups or "w" not in groups[layer] or np.ndim(groups[layer]["w"]) != 2:
        raise ValueError(f"layer: expected a dense layer with weights 'w', got {layer!r}")
    _, trace = model.apply(params, _example(model, x))
    pre = np.asarray(trace[layer].pre, np.float64)
    post = np.asarray(trace[layer].post, np.float64)
    b = np.asarray(groups[layer]["b"], np.float64)
    mistakes = [
        (pre, "these are the values before the activation function (apply the ReLU)"),
        (np.maximum(pre - b, 0), "the bias is missing"),
        (pre - b, "the bias and the ReLU are missing"),
    ]
    if answer is None:
        return _missing(f"{layer} activation", f"an array of shape {post.shape}")
    return _as_compare(f"{layer} activation", answer, post, mistakes)


def check_largest_weight_std(answer: Any, model: Any, params: Any) -> CheckResult:
    """Lesson 02: the name of the layer whose weights (not biases) have the largest std.

    Args:
        answer: the student's answer, a layer name.
        model: the network.
        params: its parameters.

    Returns:
        A ``CheckResult``.
    """
    stds = {
        g: float(np.std(np.asarray(leaves["w"])))
        for g, leaves in param_groups(model, params).items()
        if "w" in leaves
    }
    if not stds:
        raise ValueError("model: expected layers with weights 'w'")
    if answer is None:
        return _missing("answer", "a layer name")
    if not isinstance(answer, str):
        return _type("answer", "a layer name (str)", answer)
    if answer not in stds:
        return _wrong(f"answer: {answer!r} is not a layer with weights ({list(stds)})")
    if stds[answer] == max(stds.values()):
        return _right(f"{answer}'s weights have the largest std ({stds[answer]:.3f})")
    return _wrong(f"{answer}'s weights have std {stds[answer]:.3f}; another layer's is larger")


# lesson 03: the Playground ------------------------------------------------------------------
def _playground_state(answer: Any) -> Any:
    state = getattr(answer, "state", answer)  # a Playground or its state
    return state if all(hasattr(state, a) for a in ("model", "params", "data", "step")) else None


def check_playground_accuracy(answer: Any, target: float = 0.9) -> CheckResult:
    """Lesson 03: the Playground's network reaches ``target`` accuracy on its test set.

    The accuracy is recomputed from the state's weights and test data (its features applied).

    Args:
        answer: the trained ``Playground`` (or its ``state``).
        target: the test accuracy to reach, in (0, 1].

    Returns:
        A ``CheckResult``.
    """
    if not (_is_number(target) and 0 < float(target) <= 1):
        raise ValueError(f"target: expected a number in (0, 1], got {target!r}")
    if answer is None:
        return _missing("answer", "the Playground (or its state)")
    state = _playground_state(answer)
    if state is None:
        return _type("answer", "a Playground or its state", answer)
    data = state.data
    if getattr(data, "task", "classification") != "classification":
        return _wrong("answer: this Playground is a regression; the exercise is a classification")
    if state.step == 0:
        return _wrong("the network has not been trained yet (step 0): play it, or step_once()")
    X = data.X_test
    X = expand_features(X, state.features) if X.shape[1:] == (2,) else X.reshape(len(X), -1)
    logits = jax.vmap(lambda v: state.model.logits(state.params, v))(jnp.asarray(X))
    acc = float(np.mean(np.argmax(np.asarray(logits), -1) == np.asarray(data.y_test)))
    feats = ", ".join(state.features)
    if acc >= target:
        return _right(
            f"test accuracy {acc:.1%} ≥ {target:.0%} with {feats} after {state.step} steps"
        )
    return _wrong(
        f"test accuracy {acc:.1%} < {target:.0%} with {feats} after {state.step} steps: "
        "train longer, or give the network other features"
    )


def check_scene_reading(answer: Any, scene: Any) -> CheckResult:
    """Lesson 03: ``(step, learning_rate)`` read from a saved Playground scene (``to_json()``).

    Args:
        answer: the student's pair.
        scene: the scene, a JSON str.

    Returns:
        A ``CheckResult``.
    """
    if not isinstance(scene, str):
        raise TypeError(f"scene: expected the JSON str of to_json(), got {type(scene).__name__}")
    try:
        data = json.loads(scene)
        step, lr = int(data["step"]), float(data["config"]["learning_rate"])
    except (ValueError, KeyError, TypeError) as e:
        raise ValueError(f"scene: expected a Playground scene (to_json()), got: {e}") from e
    pair = _as_pair(answer, "a pair (step, learning_rate)")
    if isinstance(pair, CheckResult):
        return pair
    s, r = pair
    if not (_is_number(s) and _is_number(r)):
        return _wrong(f"answer: expected two numbers, got {type(s).__name__}, {type(r).__name__}")
    if math.isclose(float(s), lr) and float(r) == step and step != lr:
        return _wrong("answer: the pair is the wrong way round: (step, learning_rate)")
    if float(s) != step:
        return _wrong(f"step: {s} is not the scene's step (scene['step'])")
    if not math.isclose(float(r), lr, rel_tol=1e-6):
        return _wrong(f"learning_rate: {r} is not the scene's (it is in scene['config'])")
    return _right(f"the scene was saved at step {step} with learning rate {lr:g}")


# lesson 04: your own model ----------------------------------------------------------------
def check_tapped_function(answer: Any, params: Any, X: Any, name: str = "hidden") -> CheckResult:
    """Lesson 04: a function ``f(params, x)``, ``relu(x @ w1 + b1) @ w2 + b2``, tapping ``name``.

    The Explorer must see a layer ``name`` holding ``relu(x @ w1 + b1)``, and the outputs
    must be the network's.

    Args:
        answer: the student's function.
        params: a dict with ``w1``, ``b1``, ``w2``, ``b2``.
        X: a few examples ``(n, features)``.
        name: the layer name asked for.

    Returns:
        A ``CheckResult``.
    """
    if not isinstance(params, Mapping) or not {"w1", "b1", "w2", "b2"} <= set(params):
        raise TypeError(f"params: expected a dict with w1, b1, w2, b2, got {params!r:.80}")
    X = np.asarray(X, np.float32)
    if X.ndim != 2 or X.shape[1] != np.shape(params["w1"])[0]:
        raise ValueError(
            f"X: expected examples of shape (n, {np.shape(params['w1'])[0]}), got {X.shape}"
        )
    if answer is None:
        return _missing("answer", "a function f(params, x)")
    if not callable(answer):
        return _type("answer", "a function f(params, x)", answer)
    w1, b1, w2, b2 = (np.asarray(params[k], np.float64) for k in ("w1", "b1", "w2", "b2"))
    h = np.maximum(X[:4] @ w1 + b1, 0)
    try:
        model, p = adapt(answer, params, X[:4])
        got = [model.apply(p, jnp.asarray(x)) for x in X[:4]]
    except Exception as e:
        first = str(e).splitlines()[0] if str(e) else ""
        return _wrong(f"calling your function failed: {type(e).__name__}: {first}")
    out = np.stack([np.asarray(o, np.float64) for o, _ in got])
    if out.shape != (len(h), w2.shape[1]) or not np.allclose(out, h @ w2 + b2, atol=1e-4):
        return _wrong("the outputs are not relu(x @ w1 + b1) @ w2 + b2")
    if name not in model.layer_names:
        found = [n for n in model.layer_names if n != "output"]
        return _wrong(
            f"the Explorer sees no layer {name!r} (it sees {found}): wrap the hidden values "
            f'in tap("{name}", ...)'
        )
    values = np.stack([np.asarray(t[name].post, np.float64).ravel() for _, t in got])
    pre = X[:4] @ w1 + b1
    if values.shape == h.shape and np.allclose(values, pre, atol=1e-4):
        return _wrong(f"the layer {name!r} holds the values before the relu: tap its result")
    if values.shape != h.shape or not np.allclose(values, h, atol=1e-4):
        return _wrong(f"the layer {name!r} is not relu(x @ w1 + b1): tap the hidden values")
    return _right(f"the Explorer sees {name!r} ({h.shape[1]} units) and the outputs match")


def check_predict_digit(answer: Any, model: Any, images: Any) -> CheckResult:
    """Lesson 04: ``predict(image)``: the class the NNX CNN gives one (8, 8) digit, as an int.

    Args:
        answer: the student's function of one image ``(8, 8)``.
        model: the trained module taking ``(batch, 8, 8, 1)``.
        images: a few images ``(n, 8, 8)``.

    Returns:
        A ``CheckResult``.
    """
    images = np.asarray(images, np.float32)
    if images.ndim != 3:
        raise ValueError(f"images: expected (n, H, W) images, got shape {images.shape}")
    images = images[:5]
    try:  # the module as the lesson trained it: a batch of channel-last images
        out = np.asarray(model(jnp.asarray(images[..., None])))
    except Exception as e:
        raise ValueError(
            f"model: expected the CNN taking (batch, H, W, 1) images, calling it failed: "
            f"{type(e).__name__}: {e}"
        ) from e
    if out.ndim != 2 or len(out) != len(images):
        raise ValueError(f"model: expected outputs of shape (batch, classes), got {out.shape}")
    ref = np.argmax(out, axis=-1)
    if answer is None:
        return _missing("answer", "a function of one image")
    if not callable(answer):
        return _type("answer", "a function of one image (8, 8)", answer)
    wrong = []
    for i, im in enumerate(images):
        try:
            got = answer(im)
        except Exception as e:
            first = str(e).splitlines()[0] if str(e) else ""
            return _wrong(
                f"your function failed on one image of shape {im.shape}: {type(e).__name__}: "
                f"{first}. The CNN takes (batch, H, W, channels)"
            )
        if np.size(got) > 1:
            return _wrong(
                f"your function returns an array of shape {np.shape(got)} (the logits?): "
                "expected the class, one int"
            )
        if not (
            _is_int(got) or (np.ndim(got) <= 1 and np.issubdtype(np.asarray(got).dtype, np.integer))
        ):
            return _type("predict(image)", "an int class index", got)
        if int(np.ravel(got)[0]) != ref[i]:
            wrong.append(i)
    if wrong:
        return _wrong(
            f"your predictions differ from the model's on {len(wrong)} of {len(images)} images "
            f"(first at index {wrong[0]})"
        )
    return _right(f"your function gives the model's class on all {len(images)} images")


# lesson 05: sequences and attention -----------------------------------------------------------
def _tokens(model: Any, dataset: Any, text: Any) -> tuple[jax.Array, tuple[str, ...], tuple]:
    if not isinstance(text, str):
        raise TypeError(f"text: expected a str, got {type(text).__name__}")
    ids, unknown = dataset.encode(text)
    return _example(model, ids), dataset.decode(ids), unknown


def check_top_word(
    answer: Any,
    model: Any,
    params: Any,
    dataset: Any,
    text: str,
    *,
    method: str = "integrated_gradients",
) -> CheckResult:
    """Lesson 05: the word of ``text`` with the largest attribution for the predicted class.

    Args:
        answer: the student's answer, a word of ``text``.
        model: the token model.
        params: its parameters.
        dataset: its text data set (``encode``, ``decode``).
        text: the sentence.
        method: the attribution method (per token, as the Explorer shows it).

    Returns:
        A ``CheckResult``.
    """
    x, words, _ = _tokens(model, dataset, text)
    a = np.asarray(explain(model, params, x, method=method).attribution)[: len(words)]
    if answer is None:
        return _missing("answer", "a word of the sentence")
    if not isinstance(answer, str):
        return _type("answer", "a word (str)", answer)
    if answer not in words:
        return _wrong(f"answer: {answer!r} is not a word of the sentence {list(words)}")
    best = int(np.argmax(a))
    if answer == words[best]:
        return _right(f"{answer!r} pushes the predicted class up the most ({a[best]:+.3f})")
    mine = max(a[i] for i, w in enumerate(words) if w == answer)
    if mine == a.min() and mine < 0:
        return _wrong(f"{answer!r} pushes the predicted class down the most; the question is up")
    if words.index(answer) == int(np.argmax(np.abs(a))) and mine < 0:
        return _wrong(
            f"{answer!r} has the largest magnitude, but it pushes the predicted class down; "
            "look for the largest positive value"
        )
    return _wrong(f"{answer!r} has attribution {mine:+.3f}; another word's is larger")


def check_positive_with_not(
    answer: Any, model: Any, params: Any, dataset: Any, negation: str = "not"
) -> CheckResult:
    """Lesson 05: a sentence with ``negation`` that the model reads as positive.

    Args:
        answer: the student's sentence.
        model: the token model.
        params: its parameters.
        dataset: its text data set (class names with "positive").
        negation: the word the sentence must contain.

    Returns:
        A ``CheckResult``.
    """
    names = tuple(dataset.class_names)
    if "positive" not in names:
        raise ValueError(f"dataset: expected a class 'positive', got classes {list(names)}")
    if answer is None:
        return _missing("answer", "a sentence (str)")
    if not isinstance(answer, str):
        return _type("answer", "a sentence (str)", answer)
    x, words, unknown = _tokens(model, dataset, answer)
    if not words:
        return _wrong("answer: the sentence has no words")
    if unknown:
        return _wrong(
            f"the model does not know {list(unknown)} (it reads them as <unk>): use words "
            "from dataset.vocab"
        )
    if negation not in words:
        return _wrong(f"the sentence has no {negation!r}")
    p = float(explain(model, params, x).probs[names.index("positive")])
    if p > 0.5:
        return _right(f"the model reads {answer!r} as positive (p = {p:.3f})")
    return _wrong(f"the model reads {answer!r} as negative (p(positive) = {p:.3f}): try another")


def check_attention_weight(
    answer: Any,
    model: Any,
    params: Any,
    dataset: Any,
    text: str,
    *,
    layer: str,
    head: int,
    query: int,
    key: int,
) -> CheckResult:
    """Lesson 05: how much token ``query`` attends to token ``key`` in one head.

    Args:
        answer: the student's weight, a float.
        model: the transformer.
        params: its parameters.
        dataset: its text data set.
        text: the sentence.
        layer: the attention layer (``"block_1.attention"``), weights ``(T, T, heads)``.
        head: the head.
        query: the position of the word that looks (a row).
        key: the position of the word looked at (a column).

    Returns:
        A ``CheckResult``.
    """
    x, words, _ = _tokens(model, dataset, text)
    names = tuple(model.layer_names)
    if layer not in names or model.layer_kinds[names.index(layer)] != "attention":
        att = [n for n, k in zip(names, model.layer_kinds) if k == "attention"]
        raise ValueError(f"layer: expected an attention layer, one of {att}, got {layer!r}")
    shape = tuple(model.layer_shapes[names.index(layer)])
    head = _index("head", head, shape[2])
    query = _index("query", query, len(words))
    key = _index("key", key, len(words))
    w = np.asarray(explain(model, params, x).post[names.index(layer)]).reshape(shape)
    if answer is None:
        return _missing("answer", "a float")
    if not _is_number(answer):
        return _type("answer", "a float (one weight)", answer)
    v = float(answer)

    def near(ref: float) -> bool:
        return abs(v - ref) <= 1e-4

    pair = f"{words[query]!r} -> {words[key]!r}"
    if near(float(w[query, key, head])):
        return _right(f"head {head}: {pair} has weight {v:.4f}")
    if near(float(w[key, query, head])):
        return _wrong(
            "that is how much the second word looks at the first: rows are the word that "
            "looks, columns the word looked at"
        )
    for h in range(shape[2]):
        if h != head and near(float(w[query, key, h])):
            return _wrong(f"that is head {h}'s weight; the question asks for head {head}")
    return _wrong(f"{v:.4f} is not head {head}'s weight {pair}")
