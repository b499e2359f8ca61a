"""Checks for the exercises of the course notebooks (``notebooks/``).

Each check computes its own reference (``jax.grad``, ``explain``, the model's own layers, a
fresh training run) and compares the student's value with it. It never shows the reference:
it answers ``right: ...`` or says what is off (the shape, the sign, a missing factor, a known
slip, the largest difference and where it is). Every check returns a ``CheckResult``, which a
notebook shows as its message; ``bool(result)`` is True for a right answer. Bad arguments
other than the answer (another model, a wrong label) raise ``ValueError`` or ``TypeError``.

One module per lesson: ``_lessons`` (01-05: the Explorer, inside the network, the Playground,
your own model, sequences), ``_backprop`` (06), ``_axioms`` (07), ``_activations`` (08),
``_training`` (09), ``_cnn`` (10), ``_embeddings`` (11); ``_common`` holds ``CheckResult``
and the comparison.
"""

from __future__ import annotations

from ._activations import (
    check_activation_derivative,
    check_dead_fraction,
    check_grad_norm_ratio,
    check_smallest_grad_layer,
)
from ._axioms import (
    IG_CANDIDATES,
    SANITY_METHODS,
    check_ig_steps,
    check_sanity_winner,
    top_layer_correlations,
)
from ._backprop import check_backprop_b1, check_backprop_w1, check_backprop_w2, check_softmax_grad
from ._cnn import check_conv_shape, check_conv_value, check_grad_cam
from ._common import CheckResult
from ._embeddings import (
    TSNE_CHOICES,
    check_best_layer,
    check_pca,
    check_tsne_distances,
    knn_accuracy,
    layer_separation,
    separation,
)
from ._lessons import (
    check_attention_weight,
    check_dense_by_hand,
    check_largest_weight_std,
    check_layer_params,
    check_playground_accuracy,
    check_positive_with_not,
    check_predict_digit,
    check_prediction,
    check_scene_reading,
    check_slider_direction,
    check_tapped_function,
    check_top_feature,
    check_top_word,
)
from ._training import check_first_step_below, check_shrinking_layer, check_weight_stats

__all__ = [
    "IG_CANDIDATES",
    "SANITY_METHODS",
    "TSNE_CHOICES",
    "CheckResult",
    "check_activation_derivative",
    "check_attention_weight",
    "check_backprop_b1",
    "check_backprop_w1",
    "check_backprop_w2",
    "check_best_layer",
    "check_conv_shape",
    "check_conv_value",
    "check_dead_fraction",
    "check_dense_by_hand",
    "check_first_step_below",
    "check_grad_cam",
    "check_grad_norm_ratio",
    "check_ig_steps",
    "check_largest_weight_std",
    "check_layer_params",
    "check_pca",
    "check_playground_accuracy",
    "check_positive_with_not",
    "check_predict_digit",
    "check_prediction",
    "check_sanity_winner",
    "check_scene_reading",
    "check_shrinking_layer",
    "check_slider_direction",
    "check_smallest_grad_layer",
    "check_softmax_grad",
    "check_tapped_function",
    "check_top_feature",
    "check_top_word",
    "check_tsne_distances",
    "check_weight_stats",
    "knn_accuracy",
    "layer_separation",
    "separation",
    "top_layer_correlations",
]
