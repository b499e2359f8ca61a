"""The public names later work relies on; a refactor that drops one fails here."""

import nnwidgets
import nnwidgets.apps
import nnwidgets.kernels
import nnwidgets.models
import nnwidgets.state
import nnwidgets.views

PUBLIC = {
    nnwidgets: {"Explorer", "ExplorerState", "tap"},
    nnwidgets.models: {"Sequential", "Dense", "Flatten", "Conv2D", "MaxPool2D", "AvgPool2D",
                       "BUNDLED_MODELS", "UserModel", "adapt", "tap", "param_groups",
                       "parameter_arrays", "fit", "pretrained",
                       "load_dataset", "dataset_from_arrays", "DATASETS", "Dataset"},
    nnwidgets.kernels: {"explain", "explain_flat", "unpack", "saliency", "gradient_x_input",
                        "integrated_gradients", "smoothgrad", "smoothgrad_sq", "vargrad",
                        "occlusion", "feature_ablation", "kernel_shap", "lime", "grad_cam",
                        "neuron_gradient", "randomisation_check", "METHODS", "Settings",
                        "Inputs", "Attribution"},
    nnwidgets.state: {"ExplorerState", "build_state"},
    nnwidgets.views: {"InputSliders", "DigitPainter", "ProbabilityView", "AttributionView",
                      "ActivationView", "MethodControls", "StatusLine", "SanityCheckView"},
    nnwidgets.apps: {"Explorer"},
}


def test_public_names():
    for module, names in PUBLIC.items():
        assert names <= set(module.__all__), module.__name__
        for name in module.__all__:
            assert hasattr(module, name), (module.__name__, name)


def test_method_names():
    assert nnwidgets.kernels.METHODS == (
        "saliency", "gradient_x_input", "integrated_gradients", "smoothgrad", "smoothgrad_sq",
        "vargrad", "occlusion", "feature_ablation", "kernel_shap", "lime", "grad_cam",
        "neuron_gradient")
    for name in nnwidgets.kernels.METHODS:  # the kernels carry the same names
        assert getattr(nnwidgets.kernels, name) is nnwidgets.kernels.KERNELS[name]


def test_explorer_state_api():
    ex = nnwidgets.Explorer("breast_cancer")
    s = ex.state
    assert s.x.shape == (30,) and s.x.dtype.name == "float32"
    assert s.target is None and s.method == "saliency"
    assert s.logits.shape == s.probs.shape == (2,)
    assert isinstance(s.activations, dict) and s.attribution.shape == s.x.shape
    assert s.error == ""
    assert nnwidgets.Explorer("digits").state.x.shape == (8, 8)
