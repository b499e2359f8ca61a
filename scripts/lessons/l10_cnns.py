"""Lesson 10: what a convolution computes, the feature maps of each conv layer, Grad-CAM."""

from __future__ import annotations

import nbformat as nbf

from lessons._cells import code, md, notebook

NAME = "10_cnns_feature_maps_grad_cam"
TITLE = "10 · CNNs: feature maps and Grad-CAM"
SUMMARY = (
    "A 3×3 kernel on an image by hand, the feature maps of each conv layer for a painted "
    "digit, and Grad-CAM against saliency; exercises: one conv output, an output shape, "
    "Grad-CAM by hand."
)


def make() -> nbf.NotebookNode:
    cells = [
        md(
            f"# {TITLE}\n\n"
            "A dense layer connects every pixel to every neuron. A **convolutional** layer "
            "has a few small kernels instead (here 3×3), and slides each one over the whole "
            "image: every position gets the same weights, so a kernel that detects an edge "
            "detects it anywhere. Each kernel makes one output image, a **feature map**; a "
            "layer's output is a stack of them, `(height, width, channels)`.\n\n"
            "This lesson uses the bundled `digits_cnn`: two conv layers with a 2×2 max-pool "
            "between them, then two dense layers, trained on the 8×8 digits. The exercise "
            "cells are pre-filled with a solution under `# solution (try it yourself first)`; "
            "the check cells compute their own answer and say *right* or what is off."
        ),
        code(
            "import jax\n"
            "import jax.numpy as jnp\n"
            "import numpy as np\n\n"
            "from nnwidgets import Explorer\n"
            "from nnwidgets.course import check_conv_shape, check_conv_value, check_grad_cam\n"
            "from nnwidgets.kernels import explain, spearman\n"
            "from nnwidgets.models import Conv2D, pretrained\n\n"
            'm = pretrained("digits_cnn")\n'
            "model, params = m.model, m.params\n"
            "x = m.dataset.X_test[2]  # an 8x8 image, pixels in [0, 1]\n"
            "digit = {\"x\": x, \"label\": int(m.dataset.y_test[2])}  # for the Explorers\n"
            "for row in model.summary():\n"
            "    print(f\"{row['name']:12s} {row['type']:9s} {row['output_shape']!s:12s} \"\n"
            "          f\"{row['params']:5d} parameters\")"
        ),
        md(
            "## What a convolution computes\n\n"
            "`conv_1` has 8 kernels `w[:, :, 0, k]` of 3×3 weights (the 0 is the input "
            "channel: the digits are grey, one channel) and a bias `b[k]` each. Output "
            "channel `k` at row `i`, column `j` is the dot product of the kernel with the 3×3 "
            "patch of the input around pixel `(i, j)`, plus the bias:\n\n"
            "$$z[i, j, k] = \\sum_{a=0}^{2} \\sum_{b=0}^{2} x_{pad}[i + a, j + b]\\; "
            "w[a, b, 0, k] + b[k],\\qquad \\text{feature map} = \\operatorname{relu}(z).$$\n\n"
            "`x_pad` is the image with a border of zeros (*'SAME'* padding), so that the "
            "patch around an edge pixel exists and the output keeps the input's 8×8 size. "
            "The kernel is laid on the patch as it is, not flipped: deep-learning libraries "
            "compute a cross-correlation and call it a convolution."
        ),
        code(
            'w, b = np.asarray(params[0]["w"]), np.asarray(params[0]["b"])\n'
            'print("w:", w.shape, " b:", b.shape)\n'
            'print("kernel 5:")\n'
            "print(w[:, :, 0, 5].round(2))"
        ),
        md(
            "## Exercise 1: one value of a feature map\n\n"
            "Compute `z[3, 4, 5]`, the value of `conv_1`'s channel 5 at row 3, column 4 for "
            "the digit `x`, *before* the ReLU. Pad `x` with `np.pad`, cut out the patch, "
            "multiply by the kernel, sum, add the bias."
        ),
        code(
            "# solution (try it yourself first)\n"
            "x_pad = np.pad(x, 1)\n"
            "patch = x_pad[3:6, 4:7]\n"
            "z = np.sum(patch * w[:, :, 0, 5]) + b[5]"
        ),
        code("check_conv_value(z, model, params, x, (3, 4, 5))"),
        md(
            "The same for every position gives the whole feature map; it is what the layer "
            "computes:"
        ),
        code(
            "k = 5\n"
            "rows = [[np.sum(x_pad[i:i + 3, j:j + 3] * w[:, :, 0, k]) for j in range(8)]\n"
            "        for i in range(8)]\n"
            "z_map = np.array(rows) + b[k]\n"
            "_, trace = model.apply(params, x)\n"
            'same = np.allclose(z_map, trace["conv_1"].pre[:, :, k], atol=1e-5)\n'
            'print("same as conv_1:", same)\n'
            'print(np.maximum(z_map, 0).round(1))  # the feature map: relu(z)'
        ),
        md(
            "## Exercise 2: the output's shape\n\n"
            "Padding and stride decide the size. With *'SAME'* padding the output has "
            "`ceil(H / stride)` rows; with *'VALID'* (no padding) the kernel fits "
            "`(H - k) // stride + 1` times. The output has one channel per kernel.\n\n"
            "What shape does `Conv2D(16, (3, 3), stride=2, padding=\"VALID\")` give on the "
            "8×8×8 output of `conv_1`? Answer with a tuple."
        ),
        code(
            "# solution (try it yourself first)\n"
            "side = (8 - 3) // 2 + 1\n"
            "shape = (side, side, 16)"
        ),
        code(
            'check_conv_shape(shape, (8, 8, 8), Conv2D(16, (3, 3), stride=2, padding="VALID"))'
        ),
        md(
            "## The feature maps of each layer\n\n"
            "Paint a digit (or pick one) and open the tab **feature maps**, shown below: "
            "`conv_1`'s 8 maps at the input's 8×8, `conv_2`'s 16 maps at 4×4 (after the "
            "2×2 max-pool). The first layer's maps still look like the digit, each one "
            "lighting up a kind of stroke (the tab **weights** shows the kernels); the "
            "second layer's are coarser and combine the first layer's, closer to *which "
            "digit* than to *which pixels*."
        ),
        code(
            "ex = Explorer(\"digits_cnn\", **digit, hide=[\"activations\"])\n"
            "ex.tabs.selected_index = [title for title, _ in ex.tab_list].index(\"feature maps\")\n"
            "ex"
        ),
        md(
            "## Grad-CAM against saliency\n\n"
            "**Saliency** is the gradient of the class's logit with respect to each input "
            "pixel: fine-grained, but noisy. **Grad-CAM** (Selvaraju et al. 2017) asks the "
            "last conv layer instead. Its maps `A` still know *where* (4×4 positions) and "
            "already know *what* (16 learnt features). Each channel gets a weight, the mean "
            "over positions of the gradient `G = d logit / d A`; the map is "
            "`relu(sum_k weight_k A_k)`, resized to the input: coarse, but it points at the "
            "parts of the image that speak for the class.\n\n"
            "The two Explorers below show the same digit; painting in the first one paints "
            "in the second too."
        ),
        code(
            "cam = Explorer(\"digits_cnn\", method=\"grad_cam\", **digit, hide=[\"activations\"])\n"
            "sal = Explorer(\"digits_cnn\", method=\"saliency\", **digit, hide=[\"activations\"])\n"
            "\n\n"
            "def same_digit(change):\n"
            "    sal.state.x = change.new\n\n\n"
            'cam.state.observe(same_digit, "x")\n'
            "cam"
        ),
        code("sal"),
        code(
            'a = explain(model, params, x, method="grad_cam").attribution\n'
            's = explain(model, params, x, method="saliency").attribution\n'
            'print("Grad-CAM (a 4x4 map, resized):")\n'
            "print(a.round(2))\n"
            "rho = float(spearman(a, abs(s)))\n"
            'print(f"rank correlation of Grad-CAM and |saliency|: {rho:.2f}")'
        ),
        md(
            "## Exercise 3: Grad-CAM by hand\n\n"
            "The cell below gets `A`, `conv_2`'s output for `x` (shape 4×4×16), and `G`, the "
            "gradient of the predicted class's logit with respect to it (the same shape). "
            "The trick: add a zero `tap` to the layer's output and differentiate by the tap. "
            "Compute the channel weights (the mean of `G` over the two spatial axes) and "
            "the map `relu(sum_k weights_k A_k)`, shape 4×4."
        ),
        code(
            'target = int(explain(model, params, x).target)  # the predicted class\n\n\n'
            "def score(tap):\n"
            '    logits, trace = model.apply(params, x, taps={"conv_2": tap})\n'
            '    return logits[target], trace["conv_2"].post\n\n\n'
            "G, A = jax.grad(score, has_aux=True)(jnp.zeros((4, 4, 16)))\n\n"
            "# solution (try it yourself first)\n"
            "weights = G.mean(axis=(0, 1))  # (16,)\n"
            "cam_map = jax.nn.relu((A * weights).sum(axis=-1))  # (4, 4)"
        ),
        code("check_grad_cam(cam_map, model, params, x)"),
        md(
            "The ReLU keeps only the evidence *for* the class. Untick *ReLU* in the "
            "Grad-CAM Explorer (or set `cam.state.cam_relu = False`) to see the evidence "
            "against it too, and choose `conv_1` as the layer: finer, but its features know "
            "less about digits."
        ),
    ]
    return notebook(cells)
