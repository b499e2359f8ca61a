"""Lesson 11: PCA and t-SNE of each layer over the data set, and how they change in training."""

from __future__ import annotations

import nbformat as nbf

from lessons._cells import code, md, notebook

NAME = "11_embeddings_during_training"
TITLE = "11 · Embeddings during training"
SUMMARY = (
    "PCA and t-SNE of each layer's activations over the data set, checkpoint by checkpoint "
    "while an MLP learns; exercises: PCA by hand, the layer that separates the classes "
    "best, what t-SNE's distances mean."
)


def make() -> nbf.NotebookNode:
    cells = [
        md(
            f"# {TITLE}\n\n"
            "A layer turns each input into a vector of activations. Draw every example of a "
            "data set as that vector, squeezed to two dimensions and coloured by its class, "
            "and you see what the layer has learnt to tell apart: an **embedding**.\n\n"
            "- **PCA** projects the vectors onto the two directions of largest variance. It "
            "is linear: distances shrink but are not bent, and the axes mean something.\n"
            "- **t-SNE** (van der Maaten & Hinton 2008) moves points around until each one "
            "has the same near neighbours as in the layer. Clusters show much more clearly; "
            "distances between them mean little (exercise 3).\n\n"
            "Below, a small MLP learns the 8×8 digits, and we look at its layers after 0, "
            "25, 100 and 400 training steps. The exercise cells are pre-filled with a "
            "solution under `# solution (try it yourself first)`; the check cells compute "
            "their own answer and say *right* or what is off."
        ),
        code(
            "import jax\n"
            "import jax.numpy as jnp\n"
            "import numpy as np\n"
            "import optax\n\n"
            "from nnwidgets import Explorer\n"
            "from nnwidgets.course import (\n"
            "    TSNE_CHOICES,\n"
            "    check_best_layer,\n"
            "    check_pca,\n"
            "    check_tsne_distances,\n"
            "    knn_accuracy,\n"
            "    separation,\n"
            ")\n"
            "from nnwidgets.kernels import layer_outputs, pca, spearman, tsne_affinities, "
            "tsne_steps\n"
            "from nnwidgets.models import Dense, Flatten, Sequential, dataset_from_arrays, "
            "load_dataset\n\n"
            'ds = load_dataset("digits")\n'
            "X, y = ds.X_test, ds.y_test  # the embeddings are drawn over these 450 digits\n"
            'net = Sequential((8, 8), (Flatten(), Dense(32, "relu"), Dense(16, "relu"), '
            "Dense(10)))\n"
            "net.layer_names"
        ),
        md(
            "## Training in chunks\n\n"
            "Adam on mini-batches of 64 training digits, written with optax; after 0, 25, "
            "100 and 400 steps we keep a copy of the parameters. Two numbers per layer say "
            "how well its 2-D PCA separates the ten classes:\n\n"
            "- `separation`: the spread *between* the class centres over the spread *within* "
            "the classes (0 = all classes on top of each other);\n"
            "- `knn_accuracy`: how often a digit's 5 nearest neighbours in the picture have "
            "its class (0.1 = chance)."
        ),
        code(
            "params = net.init(jax.random.key(0))\n"
            "adam = optax.adam(3e-3)\n"
            "opt_state = adam.init(params)\n\n\n"
            "def loss_fn(p, xb, yb):\n"
            "    logits = jax.vmap(lambda x: net.apply(p, x)[0])(xb)\n"
            "    return optax.softmax_cross_entropy_with_integer_labels(logits, yb).mean()\n\n\n"
            "@jax.jit\n"
            "def train_step(p, o, xb, yb):\n"
            "    loss, grads = jax.value_and_grad(loss_fn)(p, xb, yb)\n"
            "    updates, o = adam.update(grads, o, p)\n"
            "    return optax.apply_updates(p, updates), o, loss\n\n\n"
            "@jax.jit\n"
            "def accuracy(p):\n"
            "    logits = jax.vmap(lambda x: net.apply(p, x)[0])(X)\n"
            "    return (logits.argmax(-1) == y).mean()\n\n\n"
            "def pca_coords(p, layer):\n"
            "    return np.asarray(pca(layer_outputs(net, p, X, layer=layer)).coords)\n\n\n"
            "rng = np.random.default_rng(0)\n"
            "checkpoints, step = {}, 0\n"
            'print("step  test acc  " + "".join(f"{n:>20s}" for n in net.layer_names))\n'
            "for stop in (0, 25, 100, 400):\n"
            "    while step < stop:\n"
            "        batch = rng.integers(0, len(ds.X_train), 64)\n"
            "        params, opt_state, loss = train_step(params, opt_state, ds.X_train[batch],\n"
            "                                             ds.y_train[batch])\n"
            "        step += 1\n"
            "    checkpoints[step] = params\n"
            "    cells = []\n"
            "    for layer in net.layer_names:\n"
            "        xy = pca_coords(params, layer)\n"
            '        cells.append(f"sep {separation(xy, y):4.2f} 5-NN {knn_accuracy(xy, y):.2f}")\n'
            '    print(f"{step:4d}  {float(accuracy(params)):8.1%}  "'
            ' + "".join(f"{c:>20s}" for c in cells))'
        ),
        md(
            "Look down each column: training pulls the classes apart in every layer, most in "
            "the deepest. And along the first row: before training the *first* layer "
            "separates best. A random layer is a random projection of what comes in, and "
            "each one mixes the classes a little more; training reverses the order.\n\n"
            "## The embedding during training\n\n"
            "One Explorer, showing only its **embedding** tab (`hide` takes everything else "
            "away), starts from the untrained weights. The cell after it trains the network "
            "again from the start, 400 steps in chunks of 25, and after each chunk hands the "
            "new weights to the Explorer (`state.set_params`): run it and watch the classes "
            "pull apart. Choose another layer and run it again; switch to t-SNE to see the "
            "clusters it finds (recomputed for each chunk's weights, a few seconds each)."
        ),
        code(
            'hide = [name for name in Explorer.HIDEABLE if name != "embedding"]\n'
            'data = dataset_from_arrays(X, y, class_names=ds.class_names, name="digits")\n'
            "live = Explorer(net, checkpoints[0], data=data, hide=hide)\n"
            "live"
        ),
        code(
            "p, o = checkpoints[0], adam.init(checkpoints[0])\n"
            "rng = np.random.default_rng(0)\n"
            "for steps in range(25, 401, 25):  # 16 chunks of 25 steps\n"
            "    for _ in range(25):\n"
            "        batch = rng.integers(0, len(ds.X_train), 64)\n"
            "        p, o, loss = train_step(p, o, ds.X_train[batch], ds.y_train[batch])\n"
            "    live.state.set_params(p)  # every view of the Explorer follows\n"
            '    print(f"after {steps} steps: test accuracy {float(accuracy(p)):.1%}")'
        ),
        md(
            "## Exercise 1: PCA by hand\n\n"
            "`acts` holds the trained network's `dense_2` activations, one row per digit "
            "(450 × 16). Compute their coordinates on the first two principal components, "
            "shape (450, 2): centre every column (subtract each feature's mean over the "
            "digits), take the SVD `centred = U S Vt`, and project on the first two rows of "
            "`Vt`. The check compares with the Explorer's PCA (`kernels.pca`); a component "
            "may come out mirrored, its sign is arbitrary."
        ),
        code(
            'acts = np.asarray(layer_outputs(net, params, X, layer="dense_2"))\n\n'
            "# solution (try it yourself first)\n"
            "centred = acts - acts.mean(axis=0)\n"
            "_, _, vt = np.linalg.svd(centred, full_matrices=False)\n"
            "coords = centred @ vt[:2].T"
        ),
        code("check_pca(coords, acts)"),
        md(
            "## Exercise 2: which layer separates the classes best?\n\n"
            "After training (`params`, step 400): which layer's 2-D PCA has the highest "
            "`separation(coords, y)`? Answer with its name."
        ),
        code(
            "# solution (try it yourself first)\n"
            "score = {layer: separation(pca_coords(params, layer), y) for layer in "
            "net.layer_names}\n"
            "best = max(score, key=score.get)"
        ),
        code("check_best_layer(best, net, params, X, y)"),
        md(
            "## PCA against t-SNE\n\n"
            "The trained network in the whole lab, on its **embedding** tab, switched to "
            "t-SNE from code (the toggle in the tab does the same); the Explorer above shows "
            "the same layer under PCA. Change the layer, switch back and forth, paint "
            "a digit and watch the black diamond find its cluster."
        ),
        code(
            "ex = Explorer(net, params, data=(X, y), class_names=ds.class_names,\n"
            '              hide=["activations"])\n'
            'ex.tabs.selected_index = [title for title, _ in ex.tab_list].index("embedding")\n'
            'ex.state.embed_method = "tsne"  # of the layer ex.state.embed_layer\n'
            "ex"
        ),
        md(
            "t-SNE's picture of `dense_2` separates the classes far better than PCA's "
            "(5-NN accuracy). But is the *gap* between two clusters meaningful? Compare the "
            "distances between the ten class centres in the layer itself (16-D) with those "
            "in each picture (rank correlation, 1 = the same order), and run t-SNE again "
            "with a smaller `perplexity`, the number of neighbours each point tries to keep."
        ),
        code(
            "def centre_distances(points):\n"
            "    centres = np.stack([points[y == k].mean(axis=0) for k in range(10)])\n"
            "    d = np.sqrt(((centres[:, None] - centres[None]) ** 2).sum(-1))\n"
            "    return d[np.triu_indices(10, 1)]  # the 45 pairs of classes\n\n\n"
            "def tsne(points, perplexity):\n"
            "    p = tsne_affinities(points, perplexity=perplexity)\n"
            "    xy = 1e-4 * jax.random.normal(jax.random.key(0), (len(points), 2))\n"
            "    velocity = jnp.zeros_like(xy)\n"
            "    for start in range(0, 500, 50):\n"
            "        xy, velocity = tsne_steps(p, xy, velocity, np.int32(start), steps=50)\n"
            "    return np.asarray(xy)\n\n\n"
            "pictures = {\n"
            '    "PCA": pca(acts).coords,\n'
            '    "t-SNE, perplexity 30": ex.state.embedding_points,  # the Explorer\'s\n'
            '    "t-SNE, perplexity 5": tsne(acts, 5.0),\n'
            "}\n"
            "layer_d = centre_distances(acts)\n"
            "for name, xy in pictures.items():\n"
            "    xy = np.asarray(xy)\n"
            "    rho = float(spearman(layer_d, centre_distances(xy)))\n"
            '    print(f"{name:21s} 5-NN {knn_accuracy(xy, y):.2f}   separation '
            '{separation(xy, y):5.2f}   "\n'
            '          f"centre distances vs the layer\'s: rho = {rho:+.2f}")'
        ),
        md(
            "## Exercise 3: reading a t-SNE picture\n\n"
            "Both t-SNE pictures keep each digit among its own class (5-NN), yet the "
            "distances between their clusters differ, and follow the layer's less than "
            "PCA's do. Why? Pick one letter."
        ),
        code(
            "for key, text in TSNE_CHOICES.items():\n"
            '    print(f"{key}) {text}")\n\n'
            "# solution (try it yourself first)\n"
            'choice = "b"'
        ),
        code("check_tsne_distances(choice)"),
        md(
            "So read a t-SNE picture for *which points belong together*; for how far apart "
            "groups are, or how spread out one group is, look at PCA or at the layer's own "
            "distances."
        ),
    ]
    return notebook(cells)
