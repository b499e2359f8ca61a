"""Lesson 08: activation functions and their slopes, saturation, dead ReLUs, vanishing gradients."""

from __future__ import annotations

import nbformat as nbf

from lessons._cells import code, md, notebook

NAME = "08_activation_functions"
TITLE = "08 · Activation functions"
SUMMARY = (
    "f and f' live in the Explorer, saturated sigmoid and tanh units, dead ReLUs, and the "
    "vanishing gradient of a deep sigmoid net against a deep ReLU net in two Playgrounds; "
    "exercises: f' by hand, the share of dead units, per-layer gradient norms."
)


def _intro() -> list[nbf.NotebookNode]:
    return [
        md(
            "# 08 · Activation functions and their derivatives\n\n"
            "Every hidden unit adds up its weighted inputs, the *pre-activation* "
            "$z = x \\cdot w + b$, and passes it through an activation function, $a = f(z)$. "
            "On the way back, backpropagation multiplies the error that reaches the unit by "
            "the slope $f'(z)$ (the tanh' factor of lesson 06). So $f'$ decides how much of "
            "the error gets through, and where $f$ is flat, none does:\n\n"
            "- **sigmoid** $\\sigma(z) = 1 / (1 + e^{-z})$: $\\sigma' \\le 1/4$, and almost 0 "
            "once $|z| > 5$: the unit is *saturated*;\n"
            "- **tanh**: $\\tanh' \\le 1$, almost 0 once $|z| > 3$;\n"
            "- **ReLU** $\\max(0, z)$: slope exactly 1 for $z > 0$ and exactly 0 for $z < 0$; "
            "a unit with $z < 0$ on every example is *dead*;\n"
            "- **GELU** and **softplus**: smooth relatives of the ReLU.\n\n"
            "This lesson shows each of these live, then what they do to a deep network: the "
            "*vanishing gradient*. The exercise cells are pre-filled with a solution under "
            "`# solution (try it yourself first)`; the check cells compute their own answer "
            "and say *right* or what is off."
        ),
        code(
            "import time\n\n"
            "import jax\n"
            "import jax.numpy as jnp\n\n"
            "from nnwidgets import Explorer, Playground\n"
            "from nnwidgets.course import (\n"
            "    check_activation_derivative,\n"
            "    check_dead_fraction,\n"
            "    check_grad_norm_ratio,\n"
            "    check_smallest_grad_layer,\n"
            ")\n"
            "from nnwidgets.models import ACTIVATIONS, Dense, Sequential, fit, load_dataset\n\n"
            "# every activation's slope, by jax.grad: at 0, its largest, and at z = -5 and +5\n"
            "z = jnp.linspace(-10, 10, 2001)\n"
            'print("             f\'(0)  largest f\'   f\'(-5)   f\'(+5)")\n'
            "for name, f in ACTIVATIONS.items():\n"
            "    slope = jax.vmap(jax.grad(f))\n"
            "    at = slope(jnp.array([0.0, -5.0, 5.0]))\n"
            '    print(f"{name:>9s}  {at[0]:7.3f}  {slope(z).max():10.3f}  {at[1]:7.4f}  '
            '{at[2]:7.4f}")'
        ),
        md(
            "(ReLU has no slope at its kink, $z = 0$; JAX, like every library, takes 0 "
            "there.)"
        ),
    ]


def _live_curves() -> list[nbf.NotebookNode]:
    return [
        md(
            "## f and f' live\n\n"
            "A network for the wine data (13 measurements, 3 cultivars) with a different "
            "activation in each hidden layer. The Explorer below opens on its tab "
            "**activation functions**: the grey curves are $f$ and $f'$ of the layer picked "
            "under *layer*, the red points are that layer's units for the current wine, at "
            "$(z, f(z))$ and $(z, f'(z))$. Move a slider and the points slide along the "
            "curves; pick another layer and the curves change. (The Playground's "
            "*activation* menu sets one function for all its hidden layers: it comes back at "
            "the end.)"
        ),
        code(
            'ds = load_dataset("wine")\n'
            "mixed = Sequential((13,), (Dense(8, \"sigmoid\"), Dense(8, \"tanh\"), "
            "Dense(8, \"relu\"),\n"
            "                           Dense(8, \"gelu\"), Dense(3)))\n"
            "params, losses = fit(mixed, mixed.init(jax.random.key(0)), ds.X_train, "
            "ds.y_train,\n"
            "                     key=jax.random.key(1), steps=300, learning_rate=1e-2)\n"
            'print(f"loss {losses[0]:.3f} -> {losses[-1]:.3f}")\n\n'
            "lab = Explorer(mixed, params, data=(ds.X_test, ds.y_test))\n"
            "titles = [title for title, _ in lab.tab_list]\n"
            'lab.tabs.selected_index = titles.index("activation functions")\n'
            "lab"
        ),
    ]


def _saturation() -> list[nbf.NotebookNode]:
    return [
        md(
            "## Saturation\n\n"
            "A sigmoid or tanh unit whose $|z|$ is large sits on a flat end of its curve: its "
            "output hardly moves with its input, and the error passing back through it is "
            "multiplied by almost 0. Large weights make large $|z|$.\n\n"
            "### Exercise 1: the slopes by hand\n\n"
            "Write `d_sigmoid(z)` and `d_tanh(z)`, the derivatives of "
            "`jax.nn.sigmoid` and `jnp.tanh`, as functions of `z` (an array) without "
            "`jax.grad`. Hint: both are neatest written with the function's own value, "
            "$s = \\sigma(z)$ and $t = \\tanh(z)$. The checks compare them with `jax.grad` at "
            "200 points between -10 and 10."
        ),
        code(
            "# solution (try it yourself first)\n"
            "def d_sigmoid(z):\n"
            "    s = jax.nn.sigmoid(z)\n"
            "    return s * (1 - s)\n\n\n"
            "def d_tanh(z):\n"
            "    return 1 - jnp.tanh(z) ** 2"
        ),
        code('check_activation_derivative(d_sigmoid, "sigmoid")'),
        code('check_activation_derivative(d_tanh, "tanh")'),
        md(
            "With your slopes: the share of the sigmoid layer's and the tanh layer's "
            "(example, unit) pairs on the test set whose slope is below 0.01, for the "
            "untrained network with the default initialisation (weights of size about "
            "$1/\\sqrt{\\text{inputs}}$) and with weights of standard deviation 1 "
            '(`init="normal_1"`).'
        ),
        code(
            'for init in ("default", "normal_1"):\n'
            "    p = mixed.init(jax.random.key(0), init)\n"
            "    trace = jax.vmap(lambda x, p=p: mixed.apply(p, x)[1])(ds.X_test)\n"
            '    flat_sigmoid = float((d_sigmoid(trace["dense_1"].pre) < 0.01).mean())\n'
            '    flat_tanh = float((d_tanh(trace["dense_2"].pre) < 0.01).mean())\n'
            '    print(f"{init:>9s} weights: slope < 0.01 for {flat_sigmoid:4.0%} of the sigmoid "'
            '"layer\'s "\n'
            '          f"(example, unit) pairs, {flat_tanh:4.0%} of the tanh layer\'s")'
        ),
        md(
            "The large weights in the Explorer: on the tab **activation functions** (layer "
            "*dense_1*, the sigmoid) many points sit on the flat ends, at slope 0. Move a few "
            "sliders to the ends of their range and more of them go there; switch to "
            "*dense_2* (tanh). The tab **gradients** shows what is left of the error by the "
            "time it reaches each layer."
        ),
        code(
            'big = Explorer(mixed, mixed.init(jax.random.key(0), "normal_1"),\n'
            "               data=(ds.X_test, ds.y_test))\n"
            'big.tabs.selected_index = titles.index("activation functions")\n'
            "big"
        ),
    ]


def _dead_relus() -> list[nbf.NotebookNode]:
    return [
        md(
            "## Dead ReLUs\n\n"
            "A ReLU never saturates for $z > 0$, but for $z < 0$ its slope is exactly 0. A "
            "unit whose pre-activation is negative on **every** example outputs 0 for all of "
            "them and passes no gradient to its weights and bias for any of them: gradient "
            "descent never moves them again. The unit is *dead*. (It can come back only if "
            "the layers below change what it reads; in the first layer, which reads the "
            "fixed inputs, it stays dead.)\n\n"
            "A few steps that are much too large can do this: here three ReLU layers trained "
            "with a learning rate of 0.1, thirty times the usual 3e-3. In the tab "
            "**activation functions**, layer *dense_2*: the points at $z < 0$ with slope 0 "
            "include the dead units; move the sliders: for inputs like the data's, those stay "
            "there."
        ),
        code(
            "relus = Sequential((13,), (Dense(16, \"relu\"), Dense(16, \"relu\"), "
            "Dense(16, \"relu\"), Dense(3)))\n"
            "hot, losses = fit(relus, relus.init(jax.random.key(0)), ds.X_train, ds.y_train,\n"
            "                  key=jax.random.key(1), steps=300, learning_rate=0.1)\n"
            'print(f"loss {losses[0]:.3f} -> {losses[-1]:.3f}")\n\n'
            "dead_lab = Explorer(relus, hot, data=(ds.X_test, ds.y_test))\n"
            'dead_lab.tabs.selected_index = titles.index("activation functions")\n'
            'dead_lab.tab_view("activation functions").layer.value = "dense_2"\n'
            "dead_lab"
        ),
        md(
            "### Exercise 2: how many are dead?\n\n"
            "Compute `dead_fraction`, the fraction of *dense_2*'s 16 units that are dead on "
            "the training set `ds.X_train`: their pre-activation is $\\le 0$ on every "
            "example. `relus.apply(hot, x)` returns `(logits, trace)` for one example; "
            '`trace["dense_2"].pre` is the layer\'s pre-activation and `.post` its output. '
            "`jax.vmap` runs it over all examples."
        ),
        code(
            "# solution (try it yourself first)\n"
            "trace = jax.vmap(lambda x: relus.apply(hot, x)[1])(ds.X_train)\n"
            'z2 = trace["dense_2"].pre  # (examples, units)\n'
            "dead = jnp.all(z2 <= 0, axis=0)  # (units,): inactive on every example\n"
            "dead_fraction = float(dead.mean())\n"
            'print("dead units of dense_2:", jnp.flatnonzero(dead).tolist())'
        ),
        code('check_dead_fraction(dead_fraction, relus, hot, ds.X_train, "dense_2")'),
        md(
            "Zero gradient, exactly: the loss on the whole training set, differentiated by "
            "*dense_2*'s weights. The columns of the dead units (the weights into them) and "
            "their biases get nothing."
        ),
        code(
            "def mean_loss(p, net, X, y):\n"
            "    logits = jax.vmap(net.logits, in_axes=(None, 0))(p, X)\n"
            "    return -jnp.mean(jax.nn.log_softmax(logits)[jnp.arange(len(y)), y])\n\n\n"
            "g = jax.grad(mean_loss)(hot, relus, ds.X_train, ds.y_train)[1]  # dense_2's\n"
            'for who, units in (("dead", dead), ("live", ~dead)):\n'
            '    most = float(jnp.abs(g["w"][:, units]).max(initial=0.0))\n'
            '    print(f"largest |dL/dW| into a {who} unit: {most:.2e}")\n'
            'print("largest |dL/db| of a dead unit:", float(jnp.abs(g["b"][dead]).max('
            "initial=0.0)))"
        ),
    ]


def _vanishing() -> list[nbf.NotebookNode]:
    return [
        md(
            "## Vanishing gradients, live\n\n"
            "On its way down, the error is multiplied once per layer by the weights and by "
            "$f'(z)$. With $\\sigma' \\le 1/4$ at every layer and weights of the usual size, "
            "six sigmoid layers shrink it thousands of times before it reaches the first "
            "layer, and the layers near the input hardly learn. A ReLU passes the error "
            "through every active unit unchanged (slope 1), so its size stays about the same "
            "from layer to layer.\n\n"
            "Two Playgrounds on the same circle data: six hidden layers of 8 units, plain "
            "SGD with learning rate 0.1; only the *activation* differs. Their tab "
            "**gradients** shows every layer's gradient norm $|dL/d\\theta|$ on the training "
            "set (the bars, input side on the left, output layer on the right). Press play "
            "on both, or run the cell after them."
        ),
        code(
            'config = dict(dataset="circle", hidden=[8] * 6, optimizer="sgd", '
            "learning_rate=0.1,\n"
            '              speed=50, hide=["weights"])\n'
            'sig = Playground(activation="sigmoid", **config)\n'
            "sig_net, sig_params = sig.state.model, sig.state.params  # its starting weights\n"
            "sig"
        ),
        code(
            'relu = Playground(activation="relu", **config)\n'
            "relu_net, relu_params = relu.state.model, relu.state.params\n"
            "relu"
        ),
        code(
            "def train(pg, steps):\n"
            '    """Play until the Playground has taken `steps` more steps (its widgets move)."""\n'
            "    s = pg.state\n"
            "    goal = s.step + steps\n"
            "    s.play()\n"
            "    while s.playing and s.step < goal:\n"
            "        time.sleep(0.05)\n"
            "    s.pause()\n\n\n"
            "for pg in (sig, relu):\n"
            "    train(pg, 500)\n"
            "    s = pg.state\n"
            '    print(f"{s.activation:>7s}: step {s.step}, training loss {s.loss:.3f}, "\n'
            "          f\"test accuracy {s.history['test_acc'][-1]:.2f}\")\n\n"
            'print("\\nthe bars now    sigmoid       relu")\n'
            "for name, a, b in zip(sig_net.layer_names, sig.state.grad_norms, "
            "relu.state.grad_norms):\n"
            '    print(f"{name:>12s}  {a:9.2e}  {b:9.2e}")'
        ),
        md(
            "After 500 steps the ReLU network has learnt the circle: its loss is near 0, so "
            "all its gradients are small now. The sigmoid network is still at chance (a loss "
            "of ln 2 ≈ 0.693): its output layer gets gradients thousands of times larger than "
            "its first layer, and the first layers have hardly moved."
        ),
        md(
            "### Exercise 3: the bars by hand\n\n"
            "Compute the bars yourself with `jax.grad`, for the sigmoid network at its "
            "starting weights `sig_params`: the loss is the mean cross-entropy over the "
            "training set `X, y` below (`mean_loss` above computes it), and a layer's "
            "gradient norm is $\\sqrt{\\sum (dL/dW)^2 + \\sum (dL/db)^2}$ over its weights "
            "and bias. Then answer: `smallest`, the name of the layer with the smallest "
            "gradient norm, and `ratio`, the first layer's norm (*dense_1*) divided by the "
            "last layer's (*output*)."
        ),
        code(
            "X, y = sig.state.data.X_train, sig.state.data.y_train\n\n"
            "# solution (try it yourself first)\n"
            "def layer_norms(net, params):\n"
            "    grads = jax.grad(mean_loss)(params, net, X, y)\n"
            '    return {name: float(jnp.sqrt(jnp.sum(g["w"] ** 2) + jnp.sum(g["b"] ** 2)))\n'
            "            for name, g in zip(net.layer_names, grads)}\n\n\n"
            "norms = layer_norms(sig_net, sig_params)\n"
            "smallest = min(norms, key=norms.get)\n"
            'ratio = norms["dense_1"] / norms["output"]'
        ),
        code("check_smallest_grad_layer(smallest, sig_net, sig_params, X, y)"),
        code("check_grad_norm_ratio(ratio, sig_net, sig_params, X, y)"),
        md("The same for the ReLU network, side by side (both at their starting weights):"),
        code(
            "relu_norms = layer_norms(relu_net, relu_params)\n"
            'print("   layer     sigmoid       relu")\n'
            "for name in norms:\n"
            '    print(f"{name:>8s}  {norms[name]:10.2e}  {relu_norms[name]:9.2e}")\n'
            'first_to_last = relu_norms["dense_1"] / relu_norms["output"]\n'
            'print(f"first / last: sigmoid {ratio:.1e}, relu {first_to_last:.2f}")'
        ),
        md(
            "What helps, besides ReLUs: initialisations scaled to the activation (He for "
            "ReLU, Glorot or LeCun for tanh), normalisation layers, residual connections, and "
            "adaptive optimisers. Two things to try in the sigmoid Playground above:\n\n"
            "- *activation* tanh: a fresh network starts; its bars shrink much less from "
            "layer to layer (tanh' is 1 at 0, not 1/4);\n"
            "- back to sigmoid, then *optimizer* adam with *learning rate* 0.01: Adam divides "
            "each step by the gradient's own recent size, so the tiny gradients of the first "
            "layers still make steps of a usual size. Press play: it learns, though its bars "
            "stay small."
        ),
    ]


def make() -> nbf.NotebookNode:
    """The notebook of lesson 08."""
    return notebook(_intro() + _live_curves() + _saturation() + _dead_relus() + _vanishing())
