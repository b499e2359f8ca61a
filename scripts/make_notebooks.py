"""Write the course notebooks from source (so their text is reviewed as code)."""

from __future__ import annotations

import pathlib

import nbformat as nbf

HERE = pathlib.Path(__file__).resolve().parent.parent / "notebooks"


md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell


def notebook(cells: list[nbf.NotebookNode]) -> nbf.NotebookNode:
    """A notebook of ``cells`` on the "Python 3 (nnwidgets)" kernel (nnwidgets.kernel_launcher:
    ipykernel that imports nnwidgets while the notebook is read)."""
    for i, cell in enumerate(cells):  # stable ids: regenerating changes only what changed
        cell.id = f"cell-{i:02d}"
    nb = nbf.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "nnwidgets", "display_name": "Python 3 (nnwidgets)",
                                 "language": "python"}
    return nb


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
    ]
    return notebook(cells)


if __name__ == "__main__":
    HERE.mkdir(exist_ok=True)
    for name, make in (
        ("01_explorer", explorer),
        ("02_inside_the_network", inside),
        ("03_playground", playground),
    ):
        nbf.write(make(), HERE / f"{name}.ipynb")
        print("wrote", HERE / f"{name}.ipynb")
