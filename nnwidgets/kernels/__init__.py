"""Pure, jit-compiled functions of arrays: forward passes, gradients and attributions.

Every attribution method has the call shape ``method(model, params, x, target, inputs,
settings) -> Attribution`` (see ``_types``) and is batchable with ``jax.vmap``.
"""

from ._activation_fns import activation_curve as activation_curve
from ._attention import attention_rollout as attention_rollout
from ._baselines import gaussian_blur as gaussian_blur
from ._baselines import make_baseline as make_baseline
from ._batch import attribute_batch as attribute_batch
from ._batch import default_chunk as default_chunk
from ._cache import default_cache_dir as default_cache_dir
from ._cache import enable_compilation_cache as enable_compilation_cache
from ._explain import KERNELS as KERNELS
from ._explain import METHODS as METHODS
from ._explain import RELEVANT as RELEVANT
from ._explain import WITH_GAP as WITH_GAP
from ._explain import Explanation as Explanation
from ._explain import Extras as Extras
from ._explain import explain as explain
from ._explain import explain_flat as explain_flat
from ._explain import static_settings as static_settings
from ._explain import unpack as unpack
from ._feature_ablation import feature_ablation as feature_ablation
from ._grad_cam import conv_layers as conv_layers
from ._grad_cam import grad_cam as grad_cam
from ._gradient_x_input import gradient_x_input as gradient_x_input
from ._integrated_gradients import integrated_gradients as integrated_gradients
from ._integrated_gradients import quadrature as quadrature
from ._kernel_shap import kernel_shap as kernel_shap
from ._lime import lime as lime
from ._neuron_gradient import neuron_gradient as neuron_gradient
from ._occlusion import occlusion as occlusion
from ._param_grads import grad_norms as grad_norms
from ._param_grads import loss_and_param_grads as loss_and_param_grads
from ._pca import PCA as PCA
from ._pca import layer_outputs as layer_outputs
from ._pca import pca as pca
from ._pca import project as project
from ._perturb import grid_mask as grid_mask
from ._saliency import saliency as saliency
from ._sanity import randomisation_check as randomisation_check
from ._sanity import spearman as spearman
from ._smoothgrad import smoothgrad as smoothgrad
from ._smoothgrad_sq import smoothgrad_sq as smoothgrad_sq
from ._step import PACK_LIMIT as PACK_LIMIT
from ._step import Layout as Layout
from ._step import pack as pack
from ._step import pack_input as pack_input
from ._step import step_kernel as step_kernel
from ._step import step_traces as step_traces
from ._step import unpack_tree as unpack_tree
from ._training import OPTIMIZERS as OPTIMIZERS
from ._training import REGULARIZATIONS as REGULARIZATIONS
from ._training import TASKS as TASKS
from ._training import Hyper as Hyper
from ._training import Snapshot as Snapshot
from ._training import batch_indices as batch_indices
from ._training import data_loss as data_loss
from ._training import init_opt_state as init_opt_state
from ._training import make_optimizer as make_optimizer
from ._training import objective as objective
from ._training import penalty as penalty
from ._training import snapshot as snapshot
from ._training import train_chunk as train_chunk
from ._tsne import knn_place as knn_place
from ._tsne import tsne_affinities as tsne_affinities
from ._tsne import tsne_steps as tsne_steps
from ._types import BASELINES as BASELINES
from ._types import IG_RULES as IG_RULES
from ._types import Attribution as Attribution
from ._types import IGResult as IGResult
from ._types import Inputs as Inputs
from ._types import LogitFn as LogitFn
from ._types import Settings as Settings
from ._types import default_inputs as default_inputs
from ._vargrad import vargrad as vargrad
from ._weights import WeightStats as WeightStats
from ._weights import weight_stats as weight_stats

__all__ = [
    "BASELINES",
    "IG_RULES",
    "KERNELS",
    "METHODS",
    "OPTIMIZERS",
    "PACK_LIMIT",
    "PCA",
    "REGULARIZATIONS",
    "RELEVANT",
    "TASKS",
    "WITH_GAP",
    "Attribution",
    "Explanation",
    "Extras",
    "Hyper",
    "IGResult",
    "Inputs",
    "Layout",
    "LogitFn",
    "Settings",
    "Snapshot",
    "WeightStats",
    "activation_curve",
    "attention_rollout",
    "attribute_batch",
    "batch_indices",
    "conv_layers",
    "data_loss",
    "default_cache_dir",
    "default_chunk",
    "default_inputs",
    "enable_compilation_cache",
    "explain",
    "explain_flat",
    "feature_ablation",
    "gaussian_blur",
    "grad_cam",
    "grad_norms",
    "gradient_x_input",
    "grid_mask",
    "init_opt_state",
    "integrated_gradients",
    "kernel_shap",
    "knn_place",
    "layer_outputs",
    "lime",
    "loss_and_param_grads",
    "make_baseline",
    "make_optimizer",
    "neuron_gradient",
    "objective",
    "occlusion",
    "pack",
    "pack_input",
    "pca",
    "penalty",
    "project",
    "quadrature",
    "randomisation_check",
    "saliency",
    "smoothgrad",
    "smoothgrad_sq",
    "snapshot",
    "spearman",
    "static_settings",
    "step_kernel",
    "step_traces",
    "train_chunk",
    "tsne_affinities",
    "tsne_steps",
    "unpack",
    "unpack_tree",
    "vargrad",
    "weight_stats",
]
