"""Write the course notebooks from source (so their text is reviewed as code)."""

from __future__ import annotations

import pathlib

import nbformat as nbf

HERE = pathlib.Path(__file__).resolve().parent.parent / "notebooks"


def explorer() -> nbf.NotebookNode:
    md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell
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
    nb = nbf.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


if __name__ == "__main__":
    HERE.mkdir(exist_ok=True)
    nbf.write(explorer(), HERE / "01_explorer.ipynb")
    print("wrote", HERE / "01_explorer.ipynb")
