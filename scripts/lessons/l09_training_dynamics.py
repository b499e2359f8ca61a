"""Lesson 09: every layer's weights and gradient norm over training, and vanishing gradients."""

from __future__ import annotations

import nbformat as nbf

from lessons._cells import code, md, notebook

NAME = "09_weights_and_gradients_over_training"
TITLE = "09 · Weights and gradients over training"
SUMMARY = (
    "What training does to each layer: its weights' mean, spread and range and its gradient "
    "norm, recorded at every update, and vanishing gradients in a deep sigmoid net; "
    "exercises: a layer's weight statistics by hand, reading the loss history, the layer "
    "whose gradient shrinks most."
)


def make() -> nbf.NotebookNode:
    cells = [
        md(
            f"# {TITLE}\n\n"
            "The loss curve says *whether* a network learns. To see *how*, look inside: at "
            "every update the Playground records, for each layer with parameters,\n\n"
            "- the statistics of its weights `w`: mean, standard deviation, smallest and "
            "largest value;\n"
            "- the norm of its gradient, |dL/dθ| = √(Σ (dL/dw)² + Σ (dL/db)²), of the "
            "training objective on the whole training set.\n\n"
            "A healthy run moves the weights steadily, and its gradients shrink as the loss "
            "flattens. Gradients that are tiny from the start in the first layers (they "
            "*vanish*) or that grow by orders of magnitude (they *explode*) show up here "
            "before the loss curve says anything.\n\n"
            "The exercise cells are pre-filled with a solution under "
            "`# solution (try it yourself first)`; the check cells compute their own answer "
            "and say *right* or what is off."
        ),
        code(
            "from nnwidgets import Playground\n"
            "from nnwidgets.course import (\n"
            "    check_first_step_below,\n"
            "    check_shrinking_layer,\n"
            "    check_weight_stats,\n"
            ")\n\n"
            'pg = Playground(dataset="circle", hidden=[6, 6, 6], activation="tanh",\n'
            "                learning_rate=0.1, speed=10)\n"
            "s = pg.state\n"
            "s.train(300)  # 300 steps from code, one recorded update every `speed` = 10\n"
            "losses = s.history[\"train_loss\"]\n"
            'print(f"step {s.step}: training loss {losses[0]:.3f} -> {losses[-1]:.3f}")\n'
            'pg.tabs.selected_index = pg.tabs.titles.index("dynamics")\n'
            "pg"
        ),
        md(
            "The tab **dynamics** draws `s.layer_history`. Left: each layer's mean weight "
            "(the line) and its smallest to largest weight (the shaded band). Right: each "
            "layer's gradient norm on a log scale, where a factor of ten is always the same "
            "height. Press **play** above and watch the lines grow; **reset** starts them "
            "afresh with new weights. The same view works on its own, for any Playground's "
            "state: `TrainingHistoryView(pg.state)` (from `nnwidgets.views`), e.g. next to "
            "other widgets in a layout of your own."
        ),
        md(
            "## The numbers behind the lines\n\n"
            "`s.layer_history` is a dict: layer name → a record with one list per quantity "
            "(`step`, `mean`, `std`, `min`, `max`, `grad_norm`), one entry per update, the "
            "same rows as the loss curves in `s.history`. A to_json scene keeps both."
        ),
        code(
            'print("layer    weight std, first -> last   |dL/dθ|, first -> last")\n'
            "for name, record in s.layer_history.items():\n"
            '    std, norm = record["std"], record["grad_norm"]\n'
            '    print(f"{name:8} {std[0]:>10.3f} -> {std[-1]:.3f}   {norm[0]:>15.4f} -> '
            '{norm[-1]:.4f}")'
        ),
        md(
            "In this run the output layer's weights spread the most (their std more than "
            "doubles) and its gradient shrinks the most, about ten times, while the first "
            "layer's gradient stays where it started. These are the numbers the lines of "
            "the **dynamics** tab are drawn from.\n\n"
            "## Exercise 1: a layer's weight statistics by hand\n\n"
            "Compute the mean, the standard deviation, the smallest and the largest value of "
            "the first layer's weight matrix `s.params[0][\"w\"]` (all its entries "
            "together), as a dict with the keys `mean`, `std`, `min`, `max`. They are the "
            "last row of `s.layer_history[\"dense_1\"]`; compute them, do not copy them."
        ),
        code(
            "import numpy as np\n\n"
            "# solution (try it yourself first)\n"
            'w = np.asarray(s.params[0]["w"])\n'
            'stats = {"mean": w.mean(), "std": w.std(), "min": w.min(), "max": w.max()}\n'
            "stats"
        ),
        code('check_weight_stats(stats, s.params[0]["w"])'),
        md(
            "## Exercise 2: when did the loss get there?\n\n"
            "`s.history` holds the loss curves by update: `s.history[\"step\"]` and "
            "`s.history[\"train_loss\"]` are lists of the same length. Find the first "
            "recorded step at which the training loss is below 0.1 (an int, a value of "
            "`s.history[\"step\"]`; `None` if it never is)."
        ),
        code(
            "# solution (try it yourself first)\n"
            "answer_step = None\n"
            'for step, loss in zip(s.history["step"], s.history["train_loss"]):\n'
            "    if loss < 0.1:\n"
            "        answer_step = step\n"
            "        break\n"
            "answer_step"
        ),
        code("check_first_step_below(answer_step, s.history, 0.1)"),
        md(
            "## Vanishing gradients\n\n"
            "Now five hidden layers of sigmoids. The error reaching a layer has passed "
            "through every layer above it, and each multiplies it by its weights and by the "
            "sigmoid's slope, at most 1/4. The **dynamics** tab shows the result: the "
            "gradient norms are ordered by depth, each layer's smaller than the one above, "
            "the first layer's thousands of times smaller than the output's. The first "
            "layers hardly move, and the loss stays near log 2 ≈ 0.693 (a coin toss)."
        ),
        code(
            'deep = Playground(dataset="circle", hidden=[6, 6, 6, 6, 6], activation="sigmoid",\n'
            "                  learning_rate=0.1, speed=10)\n"
            "deep.state.train(300)\n"
            "norms = deep.state.layer_history\n"
            'first, top = norms["dense_1"]["grad_norm"][0], norms["output"]["grad_norm"][0]\n'
            'print(f"at step 0 the output\'s gradient is {top / first:.0f} times the first '
            "layer's\")\n"
            'print(f"training loss {deep.state.history[\'train_loss\'][-1]:.3f}")\n'
            'deep.tabs.selected_index = deep.tabs.titles.index("dynamics")\n'
            "deep"
        ),
        md(
            "## Exercise 3: whose gradient shrinks most?\n\n"
            "In the deep sigmoid net, which layer's gradient norm shrank most *relative to "
            "its own start*: the smallest ratio `grad_norm[-1] / grad_norm[0]`? Answer with "
            "the layer's name. (The layer with the smallest gradient at the end is not "
            "necessarily it: the layers start at very different sizes.)"
        ),
        code(
            "# solution (try it yourself first)\n"
            "ratios = {name: r[\"grad_norm\"][-1] / r[\"grad_norm\"][0]\n"
            "          for name, r in deep.state.layer_history.items()}\n"
            "print({name: round(v, 3) for name, v in ratios.items()})\n"
            "answer_layer = min(ratios, key=ratios.get)"
        ),
        code("check_shrinking_layer(answer_layer, deep.state.layer_history)"),
        md(
            "## Try it\n\n"
            "In the deep net above, set the activation to *relu* (the slope of a ReLU is 1 "
            "where it is on) and press **play**: the gradient lines come together and the "
            "loss falls. In the first Playground, raise the learning rate to 3 and press "
            "**play**: the loss and the gradient norms jump up and down instead of settling."
        ),
    ]
    return notebook(cells)
