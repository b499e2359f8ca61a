"""Write the course notebooks from source (so their text is reviewed as code)."""

from __future__ import annotations

import importlib
import pathlib
import pkgutil

import nbformat as nbf
from lessons._cells import code, md, notebook

HERE = pathlib.Path(__file__).resolve().parent.parent / "notebooks"


def lesson_modules() -> list:
    """The lessons kept in ``scripts/lessons/`` (one module each: ``NAME``, ``TITLE``,
    ``SUMMARY`` for the index, ``make()``), in the order of their names."""
    import lessons

    mods = [importlib.import_module(f"lessons.{m.name}")
            for m in pkgutil.iter_modules(lessons.__path__) if not m.name.startswith("_")]
    return sorted(mods, key=lambda m: m.NAME)


def explorer() -> nbf.NotebookNode:
    cells = [
        md("# 01 · The Explorer\n\n"
           "Every plot below is computed by JAX from one shared state. Paint the digit (click or "
           "drag; *erase* to rub out) or move a feature slider, and watch the class "
           "probabilities, the feature-importance map and every layer's activations follow.\n\n"
           "**Feature importance** answers *which inputs pushed the chosen class up (blue) or "
           "down (red)?* Switch the method: *saliency* is the plain gradient, "
           "*gradient × input* weighs it by the input, *integrated gradients* sums the "
           "gradient along a straight path from a baseline (its completeness gap says how "
           "exact that sum is), *SmoothGrad* averages gradients of noisy copies."),
        code("from nnwidgets import Explorer\n\ndigits = Explorer(\"digits\")\ndigits"),
        md("## A tabular model: breast-cancer diagnosis\n\n"
           "30 standardised features (0 = the data mean, 1 = one standard deviation). "
           "Which features decide *malignant* vs *benign* here?"),
        code("cancer = Explorer(\"breast_cancer\", method=\"integrated_gradients\")\ncancer"),
        md("## Reading the state from code\n\nThe widgets and this cell read the same "
           "object: `cancer.state`."),
        code("s = cancer.state\n"
             "print(\"predicted:\", s.class_names[s.predicted], s.probs.round(3))\n"
             "top = abs(s.attribution).argsort()[::-1][:5]\n"
             "for i in top:\n"
             "    print(f\"{s.dataset.feature_names[i]:>25s} {s.attribution[i]:+.3f}\")"),
        md("## Your own model\n\nBuild a network with `nnwidgets.models`, train it with "
           "`fit`, and explore it with your own arrays."),
        code("import jax\n\n"
             "from nnwidgets.models import Dense, Sequential, fit, load_dataset\n\n"
             "ds = load_dataset(\"wine\")\n"
             "net = Sequential((13,), (Dense(12, \"gelu\"), Dense(3)))\n"
             "params, losses = fit(net, net.init(jax.random.key(0)), ds.X_train, ds.y_train,\n"
             "                     key=jax.random.key(1), steps=500, learning_rate=1e-2)\n"
             "print(f\"loss {losses[0]:.3f} -> {losses[-1]:.3f}\")\n"
             "Explorer(net, params, data=(ds.X_test, ds.y_test))"),
        md("## Exercises\n\n"
           "Each exercise has a cell for your code, pre-filled with a solution under "
           "`# solution (try it yourself first)`: delete it, write your own, then run the "
           "check cell below it. The check computes its own answer and says *right* or what "
           "is off, never the answer."),
        code("from nnwidgets.course import check_prediction, check_slider_direction, "
             "check_top_feature"),
        md("### Exercise 1: the prediction\n\n"
           "Give the cancer Explorer test example 47 (the cell below; the widget follows). "
           "Which class does the model predict, and with which probability? Read both from "
           "`s` and answer with a pair `(class name, probability)`."),
        code("s.x = s.dataset.X_test[47]\n\n"
             "# solution (try it yourself first)\n"
             "answer_prediction = (s.class_names[s.predicted], float(s.probs[s.predicted]))\n"
             "answer_prediction"),
        code("check_prediction(answer_prediction, s.model, s.params, s.x, s.class_names)"),
        md("Example 47 is in fact benign (`s.dataset.y_test[47]`): the model is wrong here, "
           "and not very sure."),
        md("### Exercise 2: the strongest evidence\n\n"
           "With *integrated gradients* (this Explorer's method), which feature pushes the "
           "predicted class up the most, i.e. has the largest positive attribution? Answer "
           "with its name from `s.dataset.feature_names`."),
        code("# solution (try it yourself first)\n"
             "answer_feature = s.dataset.feature_names[int(s.attribution.argmax())]\n"
             "answer_feature"),
        code("check_top_feature(answer_feature, s.model, s.params, s.x, "
             "s.dataset.feature_names)"),
        md("### Exercise 3: which way does a slider push?\n\n"
           "Move the slider *worst texture* up a little: does the probability of *malignant* "
           "(class 0) go up or down? Try it in the widget, then answer `\"up\"` or "
           "`\"down\"` from code: move `s.x` by a small step and compare `s.probs` before "
           "and after."),
        code("i = s.dataset.feature_names.index(\"worst texture\")\n"
             "x0 = s.x.copy()\n\n"
             "# solution (try it yourself first)\n"
             "before = float(s.probs[0])\n"
             "moved = x0.copy()\n"
             "moved[i] += 0.01\n"
             "s.x = moved\n"
             "after = float(s.probs[0])\n"
             "s.x = x0  # back to example 47\n"
             "answer_direction = \"up\" if after > before else \"down\"\n"
             "print(f\"P(malignant) {before:.4f} -> {after:.4f}\")"),
        code("check_slider_direction(answer_direction, s.model, s.params, s.x, i, 0)"),
    ]
    return notebook(cells)


def inside() -> nbf.NotebookNode:
    cells = [
        md("# 02 · Inside the network\n\n"
           "Each view below is one piece of a network, drawn live from the same state. Build "
           "the state once, show any view on its own, and every view follows when the input "
           "changes — from a widget or from code."),
        code("from nnwidgets.state import build_state\n"
             "from nnwidgets.views import (\n"
             "    ActivationFunctionView,\n"
             "    EmbeddingView,\n"
             "    FeatureMapView,\n"
             "    GradientsView,\n"
             "    OutputsView,\n"
             "    StructureView,\n"
             "    WeightsView,\n"
             ")\n\n"
             "s = build_state(\"digits_cnn\")  # a small CNN trained on the 8x8 digits\n"
             "s.dataset.name, s.model.layer_names"),
        md("## Structure\n\nNodes are the current values (input pixels, then every layer; "
           "wide layers show their largest values), links are the weights. Toggle *gradients* "
           "to see the gradient flow. The table counts the parameters."),
        code("StructureView(s)"),
        md("## Weights\n\nA heatmap per layer (conv kernels as a grid of small images) and "
           "the histogram with its mean, variance, min and max."),
        code("WeightsView(s)"),
        md("## Activation functions\n\nThe curve f and its derivative f' (from `jax.grad`). "
           "The points are the selected layer's neurons for the current input: a ReLU with "
           "slope 0 is *dead* for this input."),
        code("ActivationFunctionView(s)"),
        md("## Feature maps\n\nEvery channel of every convolutional layer."),
        code("FeatureMapView(s)"),
        md("## Gradients of the loss\n\n"
           "dL/dθ for the current input and its true label; the bars are the gradient norm per "
           "layer — vanishing or exploding gradients show at a glance."),
        code("GradientsView(s)"),
        md("## Embedding\n\nPCA of a layer's activations over the whole data set, coloured "
           "by class. The black diamond is the current input."),
        code("EmbeddingView(s)"),
        md("## Outputs\n\nThe top classes in words and the loss for the true label."),
        code("OutputsView(s)"),
        md("## Change the input from code\n\nEvery view above has just moved."),
        code("s.x = s.dataset.X_test[7]\n"
             "s.label = int(s.dataset.y_test[7])\n"
             "print(s.class_names[s.predicted], round(s.loss, 4))"),
        md("## All of it together\n\nThe Explorer composes these views (tabs below the "
           "lab) around one state of its own."),
        code("from nnwidgets import Explorer\n\nExplorer(\"digits_cnn\")"),
        md("## Exercises\n\n"
           "Each exercise has a cell for your code, pre-filled with a solution under "
           "`# solution (try it yourself first)`: delete it, write your own, then run the "
           "check cell below it. The check computes its own answer and says *right* or what "
           "is off, never the answer."),
        code("import numpy as np\n\n"
             "from nnwidgets.course import check_dense_by_hand, check_largest_weight_std, "
             "check_layer_params"),
        md("### Exercise 1: count the parameters\n\n"
           "The structure table counts each layer's parameters; count them yourself. "
           "`s.params` holds one dict of arrays per entry of `s.model.layers` (empty for the "
           "pooling and flattening steps), and `s.model.summary()` names the entries. Answer "
           "with a dict `{layer name: number of parameters}` of the layers that have any."),
        code("# solution (try it yourself first)\n"
             "answer_counts = {}\n"
             "for row, layer_params in zip(s.model.summary(), s.params):\n"
             "    if layer_params:\n"
             "        answer_counts[row[\"name\"]] = sum(int(a.size) for a in "
             "layer_params.values())\n"
             "answer_counts"),
        code("check_layer_params(answer_counts, s.model, s.params)"),
        md("### Exercise 2: a dense layer by hand\n\n"
           "`dense_1` reads the flattened output of `conv_2` (after its ReLU) and computes "
           "`relu(flat @ W + b)` with its weights `W` (256 × 32) and bias `b`. For the current "
           "input (test example 7, set above), compute its 32 values from "
           "`s.activations[\"conv_2\"]` and the weights, with NumPy."),
        code("names = [row[\"name\"] for row in s.model.summary()]\n"
             "W, b = s.params[names.index(\"dense_1\")][\"w\"], "
             "s.params[names.index(\"dense_1\")][\"b\"]\n\n"
             "# solution (try it yourself first)\n"
             "flat = np.asarray(s.activations[\"conv_2\"]).reshape(-1)\n"
             "answer_dense = np.maximum(flat @ W + b, 0)"),
        code("check_dense_by_hand(answer_dense, s.model, s.params, s.x, \"dense_1\")"),
        md("### Exercise 3: the widest weights\n\n"
           "Which layer's weights (`w`, not the biases) have the largest standard deviation? "
           "The weights view draws each layer's histogram; answer with the layer's name."),
        code("# solution (try it yourself first)\n"
             "stds = {name: float(np.std(p[\"w\"])) for name, p in zip(names, s.params) "
             "if p}\n"
             "answer_layer = max(stds, key=stds.get)\n"
             "answer_layer"),
        code("check_largest_weight_std(answer_layer, s.model, s.params)"),
    ]
    return notebook(cells)


def playground() -> nbf.NotebookNode:
    cells = [
        md("# 03 · The Playground\n\n"
           "Train a small network live, TensorFlow-Playground style, on JAX. Pick a data set, "
           "the input features and the layers, press **play** and watch the decision boundary "
           "(the big picture), every neuron's output over the plane (the thumbnails on the "
           "network) and the loss curves move while it learns. Hover a link to read its "
           "weight, click a thumbnail to see it large, click the big picture to add a point "
           "of the class chosen under *click adds*."),
        code("from nnwidgets import Playground\n\n"
             "pg = Playground(dataset=\"spiral\", features=[\"x1\", \"x2\", \"sin x1\", "
             "\"sin x2\"],\n"
             "                hidden=[8, 8], optimizer=\"adam\", learning_rate=0.01)\n"
             "pg"),
        md("## Training from code\n\nThe buttons and this cell drive the same state: "
           "`play()` starts training in the background (the notebook stays responsive), "
           "`pause()` stops it after the current chunk, `step_once()` trains one batch."),
        code("import time\n\n"
             "s = pg.state\n"
             "s.play()\n"
             "time.sleep(2)\n"
             "s.pause()\n"
             "print(f\"step {s.step}, epoch {s.epoch:.1f}, test loss "
             "{s.history['test_loss'][-1]:.3f}\")"),
        md("## A lesson in initialisation\n\nThe same network under *zeros*: every neuron "
           "of a layer computes the same thing and gets the same gradient, so they never "
           "differ — the symmetry is never broken. Compare the thumbnails with the ones above."),
        code("zeros = Playground(dataset=\"circle\", hidden=[4, 4], init=\"zeros\", "
             "learning_rate=0.1)\n"
             "for _ in range(50):\n"
             "    zeros.state.step_once()\n"
             "w = zeros.state.params[0][\"w\"]\n"
             "print(\"first-layer neurons identical:\", bool((w == w[:, :1]).all()))\n"
             "zeros"),
        md("## A focused exercise\n\n`hide=` removes controls, so students only change "
           "what the exercise is about. Here: *which features make the circle easy for a "
           "network without hidden layers?*"),
        code("exercise = Playground(dataset=\"circle\", hidden=[],\n"
             "                      hide=[\"hidden\", \"optimizer\", \"learning_rate\", "
             "\"init\", \"gradients\"])\n"
             "exercise"),
        md("## Save and share a scene\n\n`to_json()` keeps everything — data, settings, "
           "weights, optimiser state, step and curves — and `Playground.from_json` brings it "
           "back exactly, e.g. a half-trained network to start a lesson from."),
        code("scene = pg.to_json()\n"
             "again = Playground.from_json(scene)\n"
             "print(len(scene), \"characters; same step:\", again.state.step == pg.state.step)\n"
             "again"),
        md("## Beyond the plane\n\nThe bundled sets train too (no pictures of the plane: "
           "64 pixels are not 2-D), with wider layers."),
        code("digits = Playground(dataset=\"digits\", hidden=[32], batch_size=64,\n"
             "                    optimizer=\"adam\", learning_rate=0.003)\n"
             "for _ in range(30):\n"
             "    digits.state.step_once()\n"
             "digits"),
        md("## Exercises\n\n"
           "Each exercise has a cell for your code, pre-filled with a solution under "
           "`# solution (try it yourself first)`: delete it, write your own, then run the "
           "check cell below it. The check computes its own answer and says *right* or what "
           "is off, never the answer."),
        code("import json\n\n"
             "from nnwidgets.course import check_playground_accuracy, check_scene_reading"),
        md("### Exercise 1: the circle without hidden layers\n\n"
           "In the focused `exercise` Playground above, choose input features so that the "
           "network without hidden layers reaches at least 90% test accuracy on the circle, "
           "and train it (press play in the widget, or from code). The check recomputes the "
           "test accuracy from the Playground's weights."),
        code("# solution (try it yourself first)\n"
             "ex = exercise.state\n"
             "ex.features = [\"x1^2\", \"x2^2\"]  # inside the circle: x1² + x2² < r², "
             "a straight line here\n"
             "ex.play()\n"
             "start = time.time()\n"
             "while ex.step < 200 and time.time() - start < 30:\n"
             "    time.sleep(0.05)\n"
             "ex.pause()"),
        code("check_playground_accuracy(exercise, 0.9)"),
        md("### Exercise 2: read a scene\n\n"
           "A scene is plain JSON. Save the Playground you just trained, load the scene with "
           "`json.loads` (`list(...)` of it shows what it holds) and read at which step it was "
           "saved and with which learning rate. Answer with a pair `(step, learning_rate)`."),
        code("ex_scene = exercise.to_json()\n\n"
             "# solution (try it yourself first)\n"
             "saved = json.loads(ex_scene)\n"
             "answer_scene = (saved[\"step\"], saved[\"config\"][\"learning_rate\"])\n"
             "answer_scene"),
        code("check_scene_reading(answer_scene, ex_scene)"),
    ]
    return notebook(cells)


def own_model() -> nbf.NotebookNode:
    cells = [
        md("# 04 · Your own model\n\n"
           "The Explorer takes the model you already have, as it is: a Flax NNX or Linen "
           "module, an Equinox module, a Haiku `transform`, or a plain function "
           "`f(params, x)`. Train it your way, then hand it over with your data: every tab "
           "(activations, network, weights, gradients, feature maps, embedding) shows its "
           "layers under their own names. Below, three models trained here with optax in a "
           "few seconds each."),
        md("## A Flax NNX CNN on the digits\n\n"
           "The 8×8 digits (pixels in [0, 1]) get a channel axis, `(n, 8, 8, 1)`, as "
           "`nnx.Conv` expects. Two 3×3 convolutions and a linear read-out, written as in any "
           "NNX tutorial."),
        code("import time\n\n"
             "import numpy as np\n"
             "import optax\n"
             "from flax import nnx\n\n"
             "from nnwidgets import Explorer\n"
             "from nnwidgets.models import load_dataset\n\n"
             "digits = load_dataset(\"digits\")\n"
             "X_train, y_train = digits.X_train[..., None], digits.y_train\n"
             "X_test, y_test = digits.X_test[..., None], digits.y_test\n\n\n"
             "class CNN(nnx.Module):\n"
             "    def __init__(self, rngs: nnx.Rngs):\n"
             "        self.conv1 = nnx.Conv(1, 8, (3, 3), rngs=rngs)\n"
             "        self.conv2 = nnx.Conv(8, 16, (3, 3), rngs=rngs)\n"
             "        self.out = nnx.Linear(8 * 8 * 16, 10, rngs=rngs)\n\n"
             "    def __call__(self, x):  # x: (batch, 8, 8, 1)\n"
             "        h = nnx.relu(self.conv1(x))\n"
             "        h = nnx.relu(self.conv2(h))\n"
             "        return self.out(h.reshape(h.shape[0], -1))"),
        md("Adam on minibatches of 64 for five epochs. `nnx.jit` compiles the step once (the "
           "first call), so every batch has the same shape: the last, partial one is left out."),
        code("start = time.perf_counter()\n"
             "model = CNN(nnx.Rngs(0))\n"
             "optimizer = nnx.Optimizer(model, optax.adam(3e-3), wrt=nnx.Param)\n\n\n"
             "def loss_fn(model, x, y):\n"
             "    return optax.softmax_cross_entropy_with_integer_labels(model(x), y).mean()\n\n\n"
             "@nnx.jit\n"
             "def train_step(model, optimizer, x, y):\n"
             "    loss, grads = nnx.value_and_grad(loss_fn)(model, x, y)\n"
             "    optimizer.update(model, grads)\n"
             "    return loss\n\n\n"
             "rng = np.random.default_rng(0)\n"
             "for _ in range(5):  # epochs\n"
             "    order = rng.permutation(len(X_train))\n"
             "    for i in range(0, len(order) - 63, 64):\n"
             "        batch = order[i : i + 64]\n"
             "        loss = train_step(model, optimizer, X_train[batch], y_train[batch])\n"
             "accuracy = (model(X_test).argmax(-1) == y_test).mean()\n"
             "print(f\"trained in {time.perf_counter() - start:.1f} s: \"\n"
             "      f\"last batch loss {loss:.3f}, test accuracy {accuracy:.1%}\")"),
        md("Hand the trained module over with the test set. It takes a batch axis (its "
           "`reshape(h.shape[0], -1)` needs one): the Explorer notices and calls it with a batch "
           "of one. Paint a digit and watch `conv1` and `conv2` under *feature maps*; "
           "*Grad-CAM* works on them too."),
        code("cnn = Explorer(model, data=(X_test, y_test), class_names=digits.class_names)\n"
             "cnn"),
        md("The layers are the module's attributes, named by their paths:"),
        code("for row in cnn.state.model.summary():\n"
             "    print(f\"{row['name']:6s} {row['type']:7s} {row['output_shape']!s:12s} \"\n"
             "          f\"{row['params']:6d} parameters\")"),
        md("## An Equinox MLP on tabular data\n\n"
           "Breast-cancer diagnosis from 30 standardised features. An Equinox `MLP` takes one "
           "example, no batch axis: `jax.vmap` it to train, and the Explorer calls it as it "
           "is. Full-batch Adam, 100 steps."),
        code("import equinox as eqx\n"
             "import jax\n\n"
             "cancer = load_dataset(\"breast_cancer\")\n"
             "start = time.perf_counter()\n"
             "mlp = eqx.nn.MLP(in_size=30, out_size=2, width_size=16, depth=2,\n"
             "                 activation=jax.nn.relu, key=jax.random.key(0))\n"
             "adam = optax.adam(3e-3)\n"
             "opt_state = adam.init(eqx.filter(mlp, eqx.is_inexact_array))\n\n\n"
             "@eqx.filter_value_and_grad\n"
             "def mlp_loss(mlp, x, y):\n"
             "    logits = jax.vmap(mlp)(x)\n"
             "    return optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()\n\n\n"
             "@eqx.filter_jit\n"
             "def mlp_step(mlp, opt_state, x, y):\n"
             "    loss, grads = mlp_loss(mlp, x, y)\n"
             "    updates, opt_state = adam.update(grads, opt_state, mlp)\n"
             "    return eqx.apply_updates(mlp, updates), opt_state, loss\n\n\n"
             "for _ in range(100):\n"
             "    mlp, opt_state, loss = mlp_step(mlp, opt_state, cancer.X_train, "
             "cancer.y_train)\n"
             "accuracy = (jax.vmap(mlp)(cancer.X_test).argmax(-1) == cancer.y_test).mean()\n"
             "print(f\"trained in {time.perf_counter() - start:.1f} s: loss {loss:.3f}, \"\n"
             "      f\"test accuracy {accuracy:.1%}\")"),
        md("The data set's names label the sliders, bars and probabilities. The hidden layers "
           "are `layers.0` and `layers.1`: their paths inside the module."),
        code("Explorer(mlp, data=(cancer.X_test, cancer.y_test),\n"
             "         feature_names=cancer.feature_names, class_names=cancer.class_names,\n"
             "         method=\"integrated_gradients\")"),
        md("## A plain function with `tap`\n\n"
           "No framework at all: a function `f(params, x)` and a dict of arrays, on the iris "
           "flowers. `tap(\"hidden\", h)` marks the values you want to see as a layer; outside "
           "the Explorer it returns `h` unchanged, under `jax.jit` too."),
        code("import jax.numpy as jnp\n\n"
             "from nnwidgets import tap\n\n"
             "iris = load_dataset(\"iris\")\n\n\n"
             "def two_layers(params, x):\n"
             "    h = tap(\"hidden\", jnp.tanh(x @ params[\"w1\"] + params[\"b1\"]))\n"
             "    return h @ params[\"w2\"] + params[\"b2\"]\n\n\n"
             "k1, k2 = jax.random.split(jax.random.key(0))\n"
             "params = {\"w1\": 0.5 * jax.random.normal(k1, (4, 8)), \"b1\": jnp.zeros(8),\n"
             "          \"w2\": 0.5 * jax.random.normal(k2, (8, 3)), \"b2\": jnp.zeros(3)}\n"
             "tx = optax.adam(1e-2)\n"
             "tx_state = tx.init(params)\n\n\n"
             "@jax.jit\n"
             "def step(params, tx_state, x, y):\n"
             "    def loss_fn(p):\n"
             "        logits = two_layers(p, x)\n"
             "        return optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()\n\n"
             "    loss, grads = jax.value_and_grad(loss_fn)(params)\n"
             "    updates, tx_state = tx.update(grads, tx_state)\n"
             "    return optax.apply_updates(params, updates), tx_state, loss\n\n\n"
             "for _ in range(300):\n"
             "    params, tx_state, loss = step(params, tx_state, iris.X_train, iris.y_train)\n"
             "accuracy = (two_layers(params, iris.X_test).argmax(-1) == iris.y_test).mean()\n"
             "print(f\"loss {loss:.3f}, test accuracy {accuracy:.1%}\")\n"
             "Explorer(two_layers, params, data=(iris.X_test, iris.y_test),\n"
             "         feature_names=iris.feature_names, class_names=iris.class_names)"),
        md("## What the Explorer reads from your model\n\n"
           "- **The batch axis.** The model is traced on one example and on a batch of two, "
           "and the call that gives one output per example is kept (a batch of one, or no "
           "batch axis). When both work, Flax and Haiku models get a batch axis (their layers "
           "expect one), Equinox modules and functions none. `batched=True` or `False` "
           "decides it outright.\n"
           "- **Layers = module paths.** Every submodule's output is a layer, named by its "
           "path: `conv1` (NNX attributes), `Dense_0` (Linen), `layers.0` (Equinox), "
           "`mlp/~/linear_0` (Haiku), your `tap` names for a function. A ReLU, tanh, sigmoid, "
           "GELU or softplus right after a layer is recognised, and the layer shows both its "
           "values before and after it.\n"
           "- **Weights by module path.** The parameters are the NNX module's `nnx.Param` "
           "state, Linen's `variables[\"params\"]`, Equinox's floating-point arrays, Haiku's "
           "params or your function's params; the weights and gradients tabs group them by "
           "the module that owns them. Everything else (batch statistics, rng counters) passes "
           "through unchanged, and modules run in inference mode: NNX `eval()`, Equinox "
           "`inference_mode`, so dropout is off.\n"
           "- **Images** are held as `(H, W, C)`; a model taking channel-first `(C, H, W)` "
           "images (as Equinox's `Conv2d` does) is detected, and the axis is moved for each "
           "call.\n\n"
           "A model that needs a `train` flag (dropout, batch norm in Linen or Haiku) is "
           "passed as a function of `(params, x)` that fixes it:\n\n"
           "```python\n"
           "Explorer(lambda p, x: model.apply(p, x, train=False), variables, data=(X, y))\n"
           "```\n\n"
           "Linen modules called inside the function are still recorded under their paths. "
           "To keep the batch statistics out of the weights tabs, pass the parameters alone: "
           "`Explorer(lambda p, x: model.apply({**variables, \"params\": p}, x, train=False), "
           "variables[\"params\"], data=(X, y))`."),
        md("## Exercises\n\n"
           "Each exercise has a cell for your code, pre-filled with a solution under "
           "`# solution (try it yourself first)`: delete it, write your own, then run the "
           "check cell below it. The check computes its own answer and says *right* or what "
           "is off, never the answer."),
        code("from nnwidgets.course import check_predict_digit, check_tapped_function"),
        md("### Exercise 1: tap a ReLU layer\n\n"
           "Write `relu_net(params, x)`: the two layers of `two_layers` with a ReLU instead of "
           "the tanh, its hidden values marked with `tap` as the layer `\"hidden\"`. The "
           "check calls it with the iris `params` above (no training needed) and looks at "
           "what the Explorer sees."),
        code("# solution (try it yourself first)\n"
             "def relu_net(params, x):\n"
             "    h = tap(\"hidden\", jax.nn.relu(x @ params[\"w1\"] + params[\"b1\"]))\n"
             "    return h @ params[\"w2\"] + params[\"b2\"]"),
        code("check_tapped_function(relu_net, params, iris.X_test, \"hidden\")"),
        md("### Exercise 2: one image, the right shape\n\n"
           "The NNX CNN takes a batch of images with a channel axis, `(batch, 8, 8, 1)`; "
           "`digits.X_test[i]` is one `(8, 8)` image. Write `predict(image)`, the class the "
           "CNN gives one such image, as an int."),
        code("# solution (try it yourself first)\n"
             "def predict(image):\n"
             "    return int(model(image[None, ..., None]).argmax())"),
        code("check_predict_digit(predict, model, digits.X_test)"),
    ]
    return notebook(cells)


def sequences() -> nbf.NotebookNode:
    cells = [
        md("# 05 · Sequences and attention\n\n"
           "A recurrent network reads a sentence one word at a time and carries a state from "
           "word to word; a transformer lets every word look at every other word at once "
           "(*attention*). Both are small here: a vocabulary of 52 words, sentences of up to "
           "32 tokens, two classes (*negative*, *positive*), trained on a generated set where "
           "negations flip the next sentiment word (*not bad*) and the clause after *but* "
           "decides.\n\n"
           "**Type in the text box.** Each word is coloured by its attribution for the "
           "predicted class (blue: pushes it up, red: down). Words outside the vocabulary are "
           "drawn dashed and read as `<unk>`. Try *not bad*, *very good*, *never boring*, "
           "*not very good*, *good but the ending was dull*."),
        code("from nnwidgets import Explorer\n\n"
             "lstm = Explorer(\"sentiment_lstm\", method=\"integrated_gradients\")\nlstm"),
        md("The tab **hidden states** shows the LSTM's state (units × steps) and its gates: "
           "the *forget gate* near 1 keeps the memory, near 0 wipes it; the *input gate* "
           "decides how much of each new word is written. Watch what changes at *not*.\n\n"
           "Integrated Gradients are computed on the word vectors (the embeddings) and summed "
           "per word, from a baseline of padding (the all-zero vector): the attributions add "
           "up to f(sentence) - f(empty sentence), up to the completeness gap."),
        code("s = lstm.state\n"
             "s.text = \"the acting was not bad\"\n"
             "print(\"predicted:\", s.class_names[s.predicted], s.probs.round(3))\n"
             "for word, value in zip(s.words, s.attribution):\n"
             "    print(f\"{word:>8s} {value:+.3f}\")\n"
             "print(\"sum\", round(float(s.attribution.sum()), 4), "
             "\"gap\", round(s.completeness_gap, 6))"),
        md("## A transformer: who attends to whom\n\n"
           "Two pre-norm transformer blocks with two heads each. The tab **attention** shows "
           "every head's weights (rows: the word that looks, columns: the words it looks at; "
           "each row sums to 1, padding gets 0); pick a head to enlarge it, or the "
           "*rollout*, which follows attention through both layers and the residual "
           "connections."),
        code("tf = Explorer(\"sentiment_transformer\", text=\"the plot was not bad but the "
             "ending was dull\")\ntf"),
        code("import numpy as np\n\n"
             "s = tf.state\n"
             "words = s.words\n"
             "w = np.asarray(s.activations[\"block_1.attention\"])[: len(words), : len(words)]\n"
             "for head in range(w.shape[2]):\n"
             "    looks = [words[j] for j in w[:, :, head].argmax(axis=1)]\n"
             "    pairs = \", \".join(f\"{a}->{b}\" for a, b in zip(words, looks))\n"
             "    print(f\"head {head}:\", pairs)"),
        md("## Time series: drag the points\n\n"
           "Four shapes (sine, square, sawtooth, noise) in two channels. Drag any point of "
           "the series: the class probabilities, the attribution shading behind each step "
           "(occlusion: how much hiding a step changes the score) and the GRU's states "
           "follow."),
        code("waves = Explorer(\"waveforms_gru\", method=\"occlusion\")\nwaves"),
        md("## Your own sequence model\n\n"
           "The layers are in `nnwidgets.models`: `Embedding`, `SimpleRNN`, `LSTM`, `GRU`, "
           "`MultiHeadSelfAttention`, `LayerNorm`, `TransformerBlock`, `PositionalEncoding` "
           "and `SequencePool`. A small Elman network, trained for a few seconds:"),
        code("import jax\n\n"
             "from nnwidgets.models import Dense, Embedding, Sequential, SimpleRNN, fit, "
             "load_dataset\n\n"
             "ds = load_dataset(\"sentiment\")\n"
             "net = Sequential((32,), (Embedding(len(ds.vocab), 16), SimpleRNN(16), Dense(2)))\n"
             "params, losses = fit(net, net.init(jax.random.key(0)), ds.X_train, ds.y_train,\n"
             "                     key=jax.random.key(1), steps=300, learning_rate=1e-2)\n"
             "print(f\"loss {losses[0]:.3f} -> {losses[-1]:.3f}\")\n"
             "Explorer(net, params, data=ds, text=\"never boring\")"),
        md("## Exercises\n\n"
           "Each exercise has a cell for your code, pre-filled with a solution under "
           "`# solution (try it yourself first)`: delete it, write your own, then run the "
           "check cell below it. The check computes its own answer and says *right* or what "
           "is off, never the answer."),
        code("from nnwidgets.course import check_attention_weight, check_positive_with_not, "
             "check_top_word"),
        md("### Exercise 1: the decisive word\n\n"
           "Give the LSTM Explorer the sentence below. Which word has the largest attribution "
           "(the most positive: it pushes the predicted class up the most)? Answer with the "
           "word."),
        code("ls = lstm.state\n"
             "ls.text = \"the acting was not bad but the ending was dull\"\n\n"
             "# solution (try it yourself first)\n"
             "scores = ls.attribution[: len(ls.words)]\n"
             "answer_word = ls.words[int(scores.argmax())]\n"
             "print(ls.class_names[ls.predicted], answer_word)"),
        code("check_top_word(answer_word, ls.model, ls.params, ls.dataset, ls.text)"),
        md("### Exercise 2: a positive sentence with *not*\n\n"
           "Write a sentence that contains *not* and that the LSTM reads as positive. Only "
           "words of the vocabulary count (`ls.dataset.vocab`); try candidates in the "
           "widget's text box first."),
        code("# solution (try it yourself first)\n"
             "answer_sentence = \"the story was not boring\""),
        code("check_positive_with_not(answer_sentence, ls.model, ls.params, ls.dataset)"),
        md("### Exercise 3: one attention weight\n\n"
           "In the transformer's sentence above, how much does *ending* (position 7, "
           "counting from 0) attend to *dull* (position 9) in head 1 of `block_1`? Read it "
           "from `ts.activations[\"block_1.attention\"]`, shape `(T, T, heads)`, whose rows "
           "are the words that look."),
        code("ts = tf.state\n\n"
             "# solution (try it yourself first)\n"
             "att = np.asarray(ts.activations[\"block_1.attention\"])\n"
             "answer_weight = float(att[7, 9, 1])\n"
             "answer_weight"),
        code("check_attention_weight(answer_weight, ts.model, ts.params, ts.dataset, ts.text,\n"
             "                       layer=\"block_1.attention\", head=1, query=7, key=9)"),
    ]
    return notebook(cells)

def course_index() -> nbf.NotebookNode:
    lessons = [
        ("01_explorer", "01 · The Explorer", "paint a digit, move a tabular model's sliders, "
         "read the state from code, explain a network you trained (exercises)."),
        ("02_inside_the_network", "02 · Inside the network", "each view on its own, all "
         "following one state: structure, activations, weights, gradients (exercises)."),
        ("03_playground", "03 · The Playground", "train live on the plane, train from code, "
         "initialisation, save and share a scene (exercises)."),
        ("04_your_own_model", "04 · Your own model", "Flax NNX, Equinox and plain functions "
         "with `tap`, and what the Explorer reads from them (exercises)."),
        ("05_sequences_and_attention", "05 · Sequences and attention", "LSTMs and "
         "transformers on sentences, gates and attention heads, time series (exercises)."),
        ("06_backprop_by_hand", "06 · Backpropagation by hand", "the chain rule on a "
         "two-layer tanh MLP, checked against `jax.grad` (exercises)."),
        ("07_feature_importance_axioms", "07 · Feature-importance axioms", "completeness, "
         "sensitivity, the randomisation sanity check, when methods disagree (exercises)."),
    ] + [(m.NAME, m.TITLE, m.SUMMARY) for m in lesson_modules()]
    links = "\n".join(f"{i}. [{title}]({name}.ipynb): {line}"
                      for i, (name, title, line) in enumerate(lessons, 1))
    cells = [
        md("# 00 · The course\n\n"
           f"{len(lessons)} notebooks, in order. Each runs top to bottom on the "
           "\"Python 3 (nnwidgets)\" kernel and has exercises with a check cell that answers "
           "*right* or says what is off (`nnwidgets.course`).\n\n" + links),
        md("## A taste of each part\n\n"
           "The Explorer on the bundled digits network (lessons 01, 02, 07), the Playground "
           "(03) and an LSTM reading a sentence (05)."),
        code("from nnwidgets import Explorer, Playground\n\nExplorer(\"digits\")"),
        code("Playground(dataset=\"circle\", hidden=[4])"),
        code("Explorer(\"sentiment_lstm\", text=\"not bad at all\")"),
    ]
    return notebook(cells)


def backprop() -> nbf.NotebookNode:
    cells = [
        md("# 06 · Backpropagation by hand\n\n"
           "`jax.grad` gives the gradient of any function; here you compute it yourself for a "
           "small network, with the chain rule, and let JAX check you. The network: iris "
           "(4 features, 3 species), one hidden layer of 8 tanh units, 3 logits, and the "
           "cross-entropy loss of one example,\n\n"
           "$$z_1 = x W_1 + b_1,\\quad h = \\tanh(z_1),\\quad \\text{logits} = h W_2 + b_2,"
           "\\quad L = -\\log \\operatorname{softmax}(\\text{logits})_y .$$\n\n"
           "Each exercise has a cell for your code, pre-filled with a solution under "
           "`# solution (try it yourself first)`: delete it, write your own, then run the "
           "check cell below it. The check computes its own answer with `jax.grad` and says "
           "*right* or what is off, never the answer."),
        code("import jax\nimport jax.numpy as jnp\n\n"
             "from nnwidgets import Explorer\n"
             "from nnwidgets.course import (\n"
             "    check_backprop_b1,\n"
             "    check_backprop_w1,\n"
             "    check_backprop_w2,\n"
             "    check_softmax_grad,\n"
             ")\n"
             "from nnwidgets.models import Dense, Sequential, fit, load_dataset\n\n"
             "ds = load_dataset(\"iris\")\n"
             "net = Sequential((4,), (Dense(8, \"tanh\"), Dense(3)))\n"
             "params, losses = fit(net, net.init(jax.random.key(0)), ds.X_train, ds.y_train,\n"
             "                     key=jax.random.key(1), steps=300, learning_rate=1e-2)\n"
             "print(f\"loss {losses[0]:.3f} -> {losses[-1]:.3f}\")"),
        md("## The forward pass, written out\n\n"
           "`params` is one `{\"w\", \"b\"}` dict per layer; `w` is *inputs × outputs*, so a "
           "row vector goes in on the left."),
        code("x, y = ds.X_test[0], int(ds.y_test[0])\n"
             "W1, b1 = params[0][\"w\"], params[0][\"b\"]\n"
             "W2, b2 = params[1][\"w\"], params[1][\"b\"]\n\n"
             "z1 = x @ W1 + b1                 # (8,)\n"
             "h = jnp.tanh(z1)                 # (8,)\n"
             "logits = h @ W2 + b2             # (3,)\n"
             "p = jax.nn.softmax(logits)\n"
             "loss = -jnp.log(p[y])\n"
             "print(\"true class:\", ds.class_names[y], \" p:\", p.round(3), \" loss:\", "
             "round(float(loss), 4))\n"
             "print(\"same as the network:\", bool(jnp.allclose(logits, "
             "net.apply(params, x)[0], atol=1e-5)))"),
        md("The same network in the Explorer. Open the tab **gradients**: it shows dL/dθ, "
           "every parameter's gradient of the loss for the true label of the current example "
           "(move the sliders, or pick another example, and watch them change). These are "
           "the numbers you are about to compute."),
        code("trained = Explorer(net, params, data=(ds.X_test, ds.y_test))\ntrained"),
        md("## Exercise 1: dL/dW2\n\n"
           "Start at the top. Take on trust for now that the gradient of the loss with "
           "respect to the logits is `delta = p - onehot(y)` (exercise 3 asks you to show "
           "it). Since `logits[j] = sum_i h[i] W2[i, j] + b2[j]`, the chain rule gives "
           "dL/dW2[i, j] = (d logits[j] / d W2[i, j]) · dL/dlogits[j]. Write `dW2`, an array "
           "of W2's shape (8, 3)."),
        code("delta = p - jax.nn.one_hot(y, 3)\n\n"
             "# solution (try it yourself first)\n"
             "dW2 = jnp.outer(h, delta)"),
        code("check_backprop_w2(dW2, net, params, x, y)"),
        md("## Exercise 2: dL/db1 and dL/dW1\n\n"
           "One layer further down. The error reaches `h` through W2 (each hidden unit feeds "
           "all three logits), then passes the tanh: `tanh'(z) = 1 - tanh(z)²`. Write "
           "`db1` (shape (8,)), then `dW1` (shape (4, 8)) the way you wrote `dW2`."),
        code("# solution (try it yourself first)\n"
             "db1 = (delta @ W2.T) * (1 - h**2)\n"
             "dW1 = jnp.outer(x, db1)"),
        code("print(check_backprop_b1(db1, net, params, x, y))\n"
             "print(check_backprop_w1(dW1, net, params, x, y))"),
        md("What you wrote by hand is what `jax.grad` does for the whole parameter tree:"),
        code("def loss_fn(params):\n"
             "    logits, _ = net.apply(params, x)\n"
             "    return -jax.nn.log_softmax(logits)[y]\n\n"
             "g = jax.grad(loss_fn)(params)\n"
             "for name, mine, theirs in ((\"W2\", dW2, g[1][\"w\"]), (\"b1\", db1, g[0][\"b\"]), "
             "(\"W1\", dW1, g[0][\"w\"])):\n"
             "    diff = float(jnp.abs(mine - theirs).max())\n"
             "    print(f\"d{name}: largest difference {diff:.1e}\")"),
        md("## Exercise 3 (optional): the softmax-cross-entropy gradient\n\n"
           "Show the rule you took on trust: with `L = -logits[y] + log sum_k exp(logits[k])`, "
           "differentiate by every `logits[j]`. Write `dlogits`, shape (3,), from `logits` and "
           "`y` (no `jax.grad`)."),
        code("# solution (try it yourself first)\n"
             "dlogits = jax.nn.softmax(logits) - jax.nn.one_hot(y, 3)"),
        code("check_softmax_grad(dlogits, logits, y)"),
        md("## Gradients before training, and in a deep tanh net\n\n"
           "The same network with its random initial weights: open **gradients** again. The "
           "loss is larger and so are the gradients; training shrinks them."),
        code("untrained = Explorer(net, net.init(jax.random.key(0)), data=(ds.X_test, ds.y_test))"
             "\nuntrained"),
        md("Every tanh layer multiplies the error on its way back by `W.T` and by "
           "`1 - tanh²` ≤ 1. Stack six of them and the **gradients** tab shows the layers near "
           "the input getting the smallest gradients: the vanishing gradient."),
        code("deep = Sequential((4,), (*(Dense(8, \"tanh\") for _ in range(6)), Dense(3)))\n"
             "Explorer(deep, deep.init(jax.random.key(0)), data=(ds.X_test, ds.y_test))"),
    ]
    return notebook(cells)


def axioms() -> nbf.NotebookNode:
    cells = [
        md("# 07 · Feature-importance axioms\n\n"
           "An attribution method splits a prediction into the inputs' shares. Which split is "
           "right cannot be measured, so Sundararajan, Taly and Yan (2017) asked instead which "
           "*properties* a split must have, and built Integrated Gradients to have them:\n\n"
           "- **Completeness**: the attributions add up to f(x) - f(baseline).\n"
           "- **Sensitivity**: an input that changes the output (against the baseline) gets "
           "a non-zero attribution. Plain saliency fails it: a saturated unit has zero "
           "gradient though its input matters.\n"
           "- **Implementation invariance**: two networks that compute the same function get "
           "the same attributions, whatever their insides. Gradients have it (the chain rule "
           "does not care how f is written); methods that read activations layer by layer "
           "need not.\n\n"
           "Then a test of a different kind, the *sanity check* (Adebayo et al. 2018): an "
           "explanation of the model must change when the model does.\n\n"
           "The exercise cells are pre-filled with a solution under "
           "`# solution (try it yourself first)`; the check cells compute their own answer "
           "and say *right* or what is off."),
        code("from nnwidgets import Explorer\n\n"
             "ex = Explorer(\"digits\", method=\"integrated_gradients\")\nex"),
        md("## Completeness\n\n"
           "Integrated Gradients sums the gradient at `ig_steps` points on the straight path "
           "from the baseline (here all zeros) to the digit. The sum is an approximation of "
           "an integral, and the *completeness gap* `sum(attribution) - (f(x) - f(baseline))` "
           "says how good it is. Move the *steps* control in the widget, or set it here:"),
        code("s = ex.state\n"
             "for steps in (4, 16, 64):\n"
             "    s.ig_steps = steps\n"
             "    total, gap = float(s.attribution.sum()), s.completeness_gap\n"
             "    print(f\"ig_steps={steps:3d}  sum={total:+.4f}  gap={gap:+.2e}\")\n"
             "s.ig_steps = 32"),
        md("## Exercise 1: enough steps\n\n"
           "For the digit `x` below and its predicted class, find the smallest `ig_steps` in "
           "`IG_CANDIDATES` (1, 2, 4, …, 512, tried in that order) whose gap is below 1e-3 in "
           "absolute value. `explain(model, params, x, method=\"integrated_gradients\", "
           "settings=Settings(steps=n))` returns it as `.completeness_gap`."),
        code("from nnwidgets.course import IG_CANDIDATES, check_ig_steps, check_sanity_winner\n"
             "from nnwidgets.kernels import Settings, explain, randomisation_check, spearman\n"
             "from nnwidgets.models import pretrained\n\n"
             "m = pretrained(\"digits\")\n"
             "model, params = m.model, m.params\n"
             "x = m.dataset.X_test[7]"),
        code("# solution (try it yourself first)\n"
             "answer_steps = None\n"
             "for n in IG_CANDIDATES:\n"
             "    e = explain(model, params, x, method=\"integrated_gradients\", "
             "settings=Settings(steps=n))\n"
             "    print(n, f\"{e.completeness_gap:+.2e}\")\n"
             "    if abs(e.completeness_gap) < 1e-3:\n"
             "        answer_steps = n\n"
             "        break"),
        code("check_ig_steps(answer_steps, model, params, x)"),
        md("The gap does not shrink steadily: this network is made of ReLUs, so its gradient "
           "jumps where a unit switches on or off along the path, and a few more points can "
           "land on the wrong side of a jump. Completeness holds for the integral; the "
           "*steps* control decides how close the sum comes."),
        md("## The sanity check\n\n"
           "Replace the trained weights by random ones, from the top layer down, and compare "
           "each new map with the original (Spearman rank correlation of |map|). A method "
           "that explains the *model* should lose its map quickly; one whose map stays the "
           "same is showing something else, often the input itself. Open the tab "
           "**sanity check** in the widget above and run it, or from code:"),
        code("for layer, rho in ex.state.sanity_check():\n"
             "    print(f\"randomised down to {layer}: rho = {rho:+.2f}\")"),
        md("## Exercise 2: which method barely notices?\n\n"
           "For the same `x` and its predicted class, compute with `randomisation_check` "
           "(key `jax.random.key(0)`) the rank correlation left after only the top layer is "
           "randomised (the first entry of its result) for `\"saliency\"`, `\"smoothgrad\"` "
           "and `\"gradient_x_input\"`. Which keeps the highest? Answer with its name."),
        code("import jax\n\n"
             "# solution (try it yourself first)\n"
             "target = int(explain(model, params, x).target)\n"
             "rho = {}\n"
             "for method in (\"saliency\", \"smoothgrad\", \"gradient_x_input\"):\n"
             "    result = randomisation_check(\n"
             "        lambda p, method=method: explain(model, p, x, target, "
             "method=method).attribution,\n"
             "        model, params, jax.random.key(0))\n"
             "    rho[method] = result[0][1]\n"
             "print(rho)\n"
             "answer_method = max(rho, key=rho.get)"),
        code("check_sanity_winner(answer_method, model, params, x)"),
        md("The winner of this race is the *least* trustworthy: a map that survives random "
           "weights is mostly the input (gradient × input multiplies by the pixels, and the "
           "dark ones stay zero whatever the weights). Passing the sanity check means losing "
           "the correlation."),
        md("## When methods disagree\n\n"
           "Saliency asks *how would a tiny change of each pixel move the score?*; occlusion "
           "asks *how much does the score drop when a patch is hidden?*. Both are reasonable "
           "questions with different answers. Paint the same digit in both widgets and "
           "compare."),
        code("sal = Explorer(\"digits\", method=\"saliency\")\nsal"),
        code("occ = Explorer(\"digits\", method=\"occlusion\")\nocc"),
        code("a = explain(model, params, x, method=\"saliency\").attribution\n"
             "b = explain(model, params, x, method=\"occlusion\").attribution\n"
             "print(\"rank correlation of |saliency| and |occlusion|:\",\n"
             "      round(float(spearman(abs(a), abs(b))), 2))"),
    ]
    return notebook(cells)


if __name__ == "__main__":
    HERE.mkdir(exist_ok=True)
    for name, make in (
        ("00_course_index", course_index),
        ("01_explorer", explorer),
        ("02_inside_the_network", inside),
        ("03_playground", playground),
        ("04_your_own_model", own_model),
        ("05_sequences_and_attention", sequences),
        ("06_backprop_by_hand", backprop),
        ("07_feature_importance_axioms", axioms),
        *((m.NAME, m.make) for m in lesson_modules()),
    ):
        nbf.write(make(), HERE / f"{name}.ipynb")
        print("wrote", HERE / f"{name}.ipynb")
