"""Captum's own test cases for the perturbation methods and Grad-CAM, re-expressed in JAX.

Source: github.com/pytorch/captum at faac0877 (2025-10-02): ``tests/attr/test_occlusion.py``,
``test_feature_ablation.py``, ``test_kernel_shap.py``, ``test_lime.py`` and
``tests/attr/layer/test_grad_cam.py``, with the toy models of
``captum/testing/helpers/basic_models.py``. Each test names the Captum test it comes from and
keeps its inputs and expected numbers.

How Captum's calls map onto ours:

- Captum attributes a batch; we attribute one example (a batch row is one call).
- Captum's ``target=0`` is our target 0; its forward functions returning a scalar are our
  plain logit functions returning shape ``()`` (one output, target 0).
- Captum's inputs are channel-first ``(1, H, W)``; a one-channel image is our ``(H, W)``
  and its ``sliding_window_shapes=(1, h, w)`` our ``window=(h, w)``.
- Several input tensors ``(x1, x2, x3)`` are our one input, their concatenation, with the
  model reading the three parts (Captum shares group ids across tensors, as one mask over the
  concatenation does), or, for the attribution of one tensor alone, a model that adds the
  other tensors as constants (occlusion perturbs one tensor at a time).
- Captum's group ids are any ints; ours are ``0..G-1`` with ``Settings(groups=G)``.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from nnwidgets.kernels import (
    Settings,
    attribute_batch,
    default_inputs,
    explain,
    explain_flat,
    feature_ablation,
    grad_cam,
    grid_mask,
    kernel_shap,
    lime,
    occlusion,
    static_settings,
)
from nnwidgets.models import Conv2D, Dense, Flatten, Sequential

T0 = jnp.int32(0)


def multilayer(p, x):
    """``BasicModel_MultiLayer``: identity, Linear(3, 4) of ones with bias (-10, 1, 1, 1), ReLU,
    Linear(4, 2) of ones with bias (-1, 1)."""
    h = jax.nn.relu(jnp.ones((4, 3)) @ x + jnp.array([-10.0, 1.0, 1.0, 1.0]))
    return jnp.ones((2, 4)) @ h + jnp.array([-1.0, 1.0])


def multi_input(p, z):
    """``BasicModel_MultiLayer_MultiInput`` (scale 1) on the concatenation of x1, x2, x3."""
    return multilayer(p, z[0:3] + z[3:6] + z[6:9])


def one_conv(p, x):
    """``BasicModel_ConvNet_One_Conv`` on one ``(4, 4)`` channel.

    Conv2d(1, 2, 3) of ones with bias (-50, -75), ReLU, flattened channel-first, Linear(8, 4)
    with weights (1, 1, 1, 1, 1, -1, -1, -1) in every row, ReLU.
    """
    sums = jnp.stack([jnp.stack([x[i : i + 3, j : j + 3].sum() for j in (0, 1)]) for i in (0, 1)])
    maps = jax.nn.relu(jnp.stack([sums - 50.0, sums - 75.0]))  # (C, H, W)
    w = jnp.array([1.0] * 5 + [-1.0] * 3)
    return jnp.broadcast_to(jax.nn.relu(w @ maps.ravel()), (4,))


def attribute(method, model, x, settings=None, **given):
    x = jnp.asarray(x, jnp.float32)
    inputs = default_inputs(x, **given)
    return np.asarray(method(model, None, x, T0, inputs, settings).attribution)


def masked(mask):
    """``inputs`` and ``Settings`` fields for a group mask."""
    mask = np.asarray(mask, np.int32)
    return {"mask": mask}, int(mask.max()) + 1


ARANGE = np.arange(16.0).reshape(4, 4)

# --- Occlusion (tests/attr/test_occlusion.py) --------------------------------------------------


@pytest.mark.parametrize(
    ("x", "window", "stride", "baseline", "want"),
    [
        # test_simple_input, test_multi_sample_ablation (both rows)
        ([20.0, 50.0, 30.0], 1, 1, 0.0, [80.0, 200.0, 120.0]),
        ([2.0, 10.0, 3.0], 1, 1, 0.0, [8.0, 35.0, 12.0]),
        # test_simple_input_larger_shape: windows [0, 2) and [1, 3) filled with 10
        ([20.0, 50.0, 30.0], 2, 1, 10.0, [200.0, 220.0, 240.0]),
        # test_simple_input_shape_with_stride: (3 - 2) is not a multiple of 2; Captum's second
        # window starts at 2 and is cut at the border, so the last element is covered
        ([20.0, 50.0, 30.0], 2, 2, 0.0, [280.0, 280.0, 120.0]),
    ],
)
def test_occlusion_simple_inputs(x, window, stride, baseline, want):
    s = Settings(window=(window,), stride=(stride,))
    a = attribute(occlusion, multilayer, x, s, baseline=baseline)
    np.testing.assert_allclose(a, want, rtol=1e-6)


def test_occlusion_multi_input_with_baselines_covers_the_trailing_element():
    """test_multi_input_ablation_with_baselines: per input, the other two held fixed.

    x3 has window 2 and stride 2 on 3 elements (the cut trailing window again); x1 has window
    3 = its size, where Captum accepts any stride (no element can be skipped).
    """
    xs = [
        np.array([[23.0, 100.0, 0.0], [20.0, 50.0, 30.0]]),
        np.array([[20.0, 50.0, 30.0], [0.0, 100.0, 0.0]]),
        np.array([[0.0, 100.0, 10.0], [2.0, 10.0, 3.0]]),
    ]
    baselines = [np.array([[1.0, 4, 7], [3.0, 6, 9]]), np.full((2, 3), 3.0), [[4.0], [6.0]]]
    windows, strides = (3, 1, 2), (2, 1, 2)
    want = [
        [[444.0, 444.0, 444.0], [328.0, 328.0, 328.0]],
        [[68.0, 188.0, 108.0], [-12.0, 388.0, -12.0]],
        [[368.0, 368.0, 24.0], [0.0, 0.0, -12.0]],
    ]
    for i in range(3):
        for row in range(2):
            rest = jnp.asarray(sum(xs[j][row] for j in range(3) if j != i), jnp.float32)

            def f(p, z, rest=rest):
                return multilayer(p, z + rest)

            s = Settings(window=(windows[i],), stride=(strides[i],))
            base = np.broadcast_to(baselines[i][row], (3,))
            a = attribute(occlusion, f, xs[i][row], s, baseline=base)
            np.testing.assert_allclose(a, want[i][row], rtol=1e-6, err_msg=f"x{i + 1}[{row}]")


def test_occlusion_on_the_one_conv_net():
    """test_simple_multi_input_conv: x = arange(16) as (4, 4) and x2 = ones; the net sees x + x2."""
    ones = np.ones((4, 4))

    def on_x(p, x):
        return one_conv(p, x + jnp.ones((4, 4)))

    def on_x2(p, x2):
        return one_conv(p, jnp.asarray(ARANGE, jnp.float32) + x2)

    whole = Settings(window=(4, 4))
    np.testing.assert_allclose(attribute(occlusion, on_x, ARANGE, whole), 67 * ones)
    np.testing.assert_allclose(attribute(occlusion, on_x2, ones, whole), 13 * ones)
    a = attribute(occlusion, on_x, ARANGE, Settings(window=(2, 3), stride=(2, 1)))
    rows = [[17.0] * 4] * 2 + [[64.0, 65.5, 65.5, 67.0]] * 2
    np.testing.assert_allclose(a, rows)
    a2 = attribute(occlusion, on_x2, ones, Settings(window=(1, 2), stride=(1, 2)))
    np.testing.assert_allclose(a2, [[3.0] * 4] * 3 + [[0.0] * 4])


def test_occlusion_on_the_one_conv_net_with_inputs_of_different_shapes():
    """test_simple_multi_input_conv_diff_shapes: x2 is (4, 1), broadcast over the columns."""
    column = np.ones((4, 1))

    def on_x(p, x):
        return one_conv(p, x + jnp.ones((4, 1)))

    def on_x2(p, x2):
        return one_conv(p, jnp.asarray(ARANGE, jnp.float32) + x2)

    a = attribute(occlusion, on_x, ARANGE, Settings(window=(2, 4), stride=(2, 1)))
    np.testing.assert_allclose(a, [[17.0] * 4] * 2 + [[67.0] * 4] * 2)
    a2 = attribute(occlusion, on_x2, column, Settings(window=(2, 1), stride=(1, 1)))
    np.testing.assert_allclose(a2, [[10.0], [10.0], [8.0], [6.0]])


@pytest.mark.parametrize(
    ("window", "stride", "message"),
    [
        # test_too_large_stride: (1, 1, 2) with stride 2, and (2, 1, 2) with stride 2
        ((1, 2), (2, 2), r"stride: expected at most the window \(1, 2\) .*, got \(2, 2\)"),
        ((1, 2), (1, 3), r"stride: expected at most the window \(1, 2\) .*, got \(1, 3\)"),
        # test_improper_window_shape / test_improper_stride: wrong number of axes
        ((1, 2, 2), (1,), "window: expected one int or 2 ints"),
        ((2, 2), (1, 2, 2), "stride: expected one int or 2 ints"),
    ],
)
def test_occlusion_refuses_what_captum_refuses(window, stride, message):
    with pytest.raises(ValueError, match=message):
        attribute(occlusion, one_conv, ARANGE, Settings(window=window, stride=stride))


def test_occlusion_accepts_any_stride_where_the_window_covers_the_axis():
    a = attribute(occlusion, one_conv, ARANGE, Settings(window=(4, 2), stride=(9, 2)))
    assert a.shape == (4, 4) and np.isfinite(a).all()


# --- Feature ablation (tests/attr/test_feature_ablation.py) ------------------------------------


@pytest.mark.parametrize(
    ("x", "mask", "baseline", "want"),
    [
        ([20.0, 50.0, 30.0], None, 0.0, [80.0, 200.0, 120.0]),  # test_simple_ablation
        ([20.0, 50.0, 30.0], [0, 0, 1], 0.0, [280.0, 280.0, 120.0]),  # ..._with_mask
        ([20.0, 50.0, 30.0], [0, 0, 1], 4.0, [248.0, 248.0, 104.0]),  # ..._with_baselines
        # test_multi_sample_ablation_with_mask: one row each
        ([2.0, 10.0, 3.0], [0, 0, 1], 0.0, [41.0, 41.0, 12.0]),
        ([20.0, 50.0, 30.0], [1, 1, 0], 0.0, [280.0, 280.0, 120.0]),
    ],
)
def test_feature_ablation_simple_inputs(x, mask, baseline, want):
    given, groups = ({}, 0) if mask is None else masked(mask)
    a = attribute(
        feature_ablation, multilayer, x, Settings(groups=groups), baseline=baseline, **given
    )
    np.testing.assert_allclose(a, want, rtol=1e-6)


MULTI = [  # test_multi_input_ablation_with_mask_dupe_feature_idx: x1, x2, x3 per row
    np.array([23.0, 100.0, 0.0, 20.0, 50.0, 30.0, 0.0, 100.0, 10.0]),
    np.array([20.0, 50.0, 30.0, 0.0, 100.0, 0.0, 2.0, 10.0, 3.0]),
]
MULTI_MASKS = [[1, 1, 1, 0, 1, 2, 0, 1, 2], [0, 1, 0, 0, 1, 2, 0, 0, 0]]
MULTI_BASELINE = np.repeat([2.0, 3.0, 4.0], 3)  # baselines=(2, 3.0, 4)


@pytest.mark.parametrize(
    ("row", "baseline", "want"),
    [
        (0, 0.0, [1092.0] * 3 + [80.0, 1092.0, 160.0] * 2),
        (1, 0.0, [260.0, 600.0, 260.0, 260.0, 600.0, 0.0, 260.0, 260.0, 260.0]),
        (0, MULTI_BASELINE, [1040.0] * 3 + [52.0, 1040.0, 132.0] * 2),
        (1, MULTI_BASELINE, [184.0, 580.0, 184.0, 184.0, 580.0, -12.0, 184.0, 184.0, 184.0]),
    ],
)
def test_feature_ablation_groups_across_inputs(row, baseline, want):
    given, groups = masked(MULTI_MASKS[row])
    s = Settings(groups=groups)
    a = attribute(feature_ablation, multi_input, MULTI[row], s, baseline=baseline, **given)
    np.testing.assert_allclose(a, want, rtol=1e-6)


def test_feature_ablation_on_the_one_conv_net():
    """test_simple_multi_input_conv: each tensor one group, then every pixel alone."""
    ones = np.ones((4, 4))

    def on_x(p, x):
        return one_conv(p, x + jnp.ones((4, 4)))

    def on_x2(p, x2):
        return one_conv(p, jnp.asarray(ARANGE, jnp.float32) + x2)

    one_group = {"mask": np.zeros((4, 4), np.int32)}
    np.testing.assert_allclose(
        attribute(feature_ablation, on_x, ARANGE, Settings(groups=1), **one_group), 67 * ones
    )
    np.testing.assert_allclose(
        attribute(feature_ablation, on_x2, ones, Settings(groups=1), **one_group), 13 * ones
    )
    want = [[0.0, 2.0, 4.0, 3.0], [4.0, 9.0, 10.0, 7.0], [4.0, 13.0, 14.0, 11.0], [0.0] * 4]
    np.testing.assert_allclose(attribute(feature_ablation, on_x, ARANGE), want)
    np.testing.assert_allclose(
        attribute(feature_ablation, on_x2, ones), [[1.0, 2.0, 2.0, 1.0]] * 3 + [[0.0] * 4]
    )


def summed(p, x):
    """The forward functions of Captum's ``*_batch_scalar_*`` tests: one scalar, shape ()."""
    return jnp.sum(multilayer(p, x))


def test_feature_ablation_of_a_scalar_output():
    """_single_input_one_sample_batch_scalar_ablation_assert: a 0-d output is one output."""
    given, groups = masked([0, 0, 1])
    a = attribute(feature_ablation, summed, [2.0, 10.0, 3.0], Settings(groups=groups), **given)
    np.testing.assert_allclose(a, [82.0, 82.0, 24.0], rtol=1e-6)
    xs = jnp.array([[2.0, 10.0, 3.0], [20.0, 50.0, 30.0]])
    batch = attribute_batch("feature_ablation", summed, None, xs, np.zeros(2, int))  # (1,)
    for x, a in zip(xs, batch.attribution):
        np.testing.assert_allclose(a, feature_ablation(summed, None, x, T0).attribution)
    with pytest.raises(ValueError, match=r"target: expected a class index in \[0, 1\), got 1"):
        feature_ablation(summed, None, xs[0], jnp.int32(1))


# --- KernelSHAP (tests/attr/test_kernel_shap.py); Captum samples, we enumerate (<= 12 players) -


@pytest.mark.parametrize(
    ("x", "mask", "baseline", "want"),
    [
        (
            [20.0, 50.0, 30.0],
            None,
            np.array([10.0, 20.0, 10.0]),
            [40.0, 120.0, 80.0],
        ),  # test_linear_...
        ([20.0, 50.0, 30.0], None, 0.0, [76.66666, 196.66666, 116.66666]),  # test_simple_...
        ([20.0, 50.0, 30.0], [0, 0, 1], 0.0, [275.0, 275.0, 115.0]),  # ..._with_mask
        ([20.0, 50.0, 30.0], [0, 0, 1], 4.0, [248.0, 248.0, 104.0]),  # ..._with_baselines
        # test_simple_batch_kernel_shap and ..._with_mask, one row each
        ([2.0, 10.0, 3.0], None, 0.0, [7.0, 32.5, 10.5]),
        ([2.0, 10.0, 3.0], [0, 0, 1], 0.0, [39.5, 39.5, 10.5]),
        ([20.0, 50.0, 30.0], [1, 1, 0], 0.0, [275.0, 275.0, 115.0]),
    ],
)
def test_kernel_shap_simple_inputs(x, mask, baseline, want):
    given, groups = ({}, 0) if mask is None else masked(mask)
    a = attribute(kernel_shap, multilayer, x, Settings(groups=groups), baseline=baseline, **given)
    np.testing.assert_allclose(a, want, rtol=1e-5)


@pytest.mark.parametrize(
    ("x", "mask", "baseline", "want"),
    [
        (  # test_multi_input_kernel_shap_without_mask: 9 players, every coalition
            [23.0, 0.0, 0.0, 20.0, 0.0, 50.0, 0.0, 100.0, 10.0],
            None,
            0.0,
            [90.0, 0.0, 0.0, 78.0, 0.0, 198.0, 0.0, 398.0, 38.0],
        ),
        (  # test_multi_input_kernel_shap_with_mask
            MULTI[1],
            MULTI_MASKS[1],
            0.0,
            [255.0, 595.0, 255.0, 255.0, 595.0, 0.0, 255.0, 255.0, 255.0],
        ),
        (
            MULTI[1],
            MULTI_MASKS[1],
            MULTI_BASELINE,
            [184.0, 580.0, 184.0, 184.0, 580.0, -12.0, 184.0, 184.0, 184.0],
        ),
        (  # test_multi_input_batch_kernel_shap, first row
            MULTI[0],
            MULTI_MASKS[0],
            0.0,
            [1088.6666] * 3 + [76.6666, 1088.6666, 156.6666] * 2,
        ),
        (MULTI[0], MULTI_MASKS[0], MULTI_BASELINE, [1040.0] * 3 + [52.0, 1040.0, 132.0] * 2),
    ],
)
def test_kernel_shap_groups_across_inputs(x, mask, baseline, want):
    given, groups = ({}, 0) if mask is None else masked(mask)
    s = Settings(groups=groups)
    a = kernel_shap(
        multi_input,
        None,
        jnp.asarray(x, jnp.float32),
        T0,
        default_inputs(jnp.asarray(x, jnp.float32), baseline=baseline, **given),
        s,
    )
    np.testing.assert_allclose(a.attribution, want, rtol=1e-5, atol=1e-3)
    assert abs(float(a.completeness_gap)) < 1e-3  # efficiency over the groups, each once


def test_sampled_kernel_shap_with_groups_keeps_efficiency():
    """Captum's sampled estimate (delta 1.0): ours with exact_max=1 forces sampling."""
    given, groups = masked(MULTI_MASKS[0])
    s = Settings(groups=groups, exact_max=1, coalitions=256)
    x = jnp.asarray(MULTI[0], jnp.float32)
    a = kernel_shap(multi_input, None, x, T0, default_inputs(x, **given), s)
    np.testing.assert_allclose(
        a.attribution, [1088.6666] * 3 + [76.6666, 1088.6666, 156.6666] * 2, atol=1.0
    )


def test_kernel_shap_of_a_scalar_output():
    """_single_input_scalar_kernel_shap_assert."""
    given, groups = masked([0, 0, 1])
    a = attribute(kernel_shap, summed, [2.0, 10.0, 3.0], Settings(groups=groups), **given)
    np.testing.assert_allclose(a, [79.0, 79.0, 21.0], rtol=1e-6)


# --- LIME (tests/attr/test_lime.py) --------------------------------------------------------------
# Captum's tests fit ``SkLearnLasso(alpha=1.0)`` with an exponential kernel of width 10 on the
# cosine distance (nearly uniform weights). With on/off switches drawn at probability 1/2
# (Var z = 1/4) the Lasso shrinks every least-squares coefficient towards 0 by
# alpha / Var z = 4; our LIME fits a ridge. So we take a wide kernel, a tiny ridge, and
# Captum's numbers moved 4 away from 0 (delta 1.0, as Captum's assertions).


def unshrunk(values):
    values = np.asarray(values, np.float64)
    return np.where(values > 0, values + 4.0, np.where(values < 0, values - 4.0, 0.0))


UNIFORM = {"kernel_width": 1000.0, "ridge": 1e-6, "coalitions": 2000}


@pytest.mark.parametrize(
    ("x", "mask", "baseline", "captum"),
    [
        ([20.0, 50.0, 30.0], None, 0.0, [73.3716, 193.3349, 113.3349]),  # test_simple_lime
        ([20.0, 50.0, 30.0], [0, 0, 1], 0.0, [271.0, 271.0, 111.0]),  # ..._with_mask
        ([20.0, 50.0, 30.0], [0, 0, 1], 4.0, [244.0, 244.0, 100.0]),  # ..._with_baselines
        # test_simple_batch_lime_with_mask, second row
        ([10.0, 14.0, 4.0], [0, 1, 2], 0.0, [32.11, 48.00, 11.00]),
        (  # test_multi_input_lime_with_mask, without and with baselines
            MULTI[1],
            MULTI_MASKS[1],
            0.0,
            [251.0, 591.0, 251.0, 251.0, 591.0, 0.0, 251.0, 251.0, 251.0],
        ),
        (
            MULTI[1],
            MULTI_MASKS[1],
            MULTI_BASELINE,
            [180.0, 576.0, 180.0, 180.0, 576.0, -8.0, 180.0, 180.0, 180.0],
        ),
    ],
)
def test_lime_matches_captums_fit_without_its_lasso_shrinkage(x, mask, baseline, captum):
    model = multilayer if len(x) == 3 else multi_input
    given, groups = ({}, 0) if mask is None else masked(mask)
    s = Settings(groups=groups, **UNIFORM)
    a = attribute(lime, model, x, s, baseline=baseline, key=jax.random.key(0), **given)
    np.testing.assert_allclose(a, unshrunk(captum), atol=1.0)


# --- Grad-CAM (tests/attr/layer/test_grad_cam.py) ----------------------------------------------


def one_conv_sequential(identity_first: bool = False):
    """``BasicModel_ConvNet_One_Conv`` as a ``Sequential`` (channels last).

    With ``identity_first`` a 1x1 identity convolution comes first: its output is the conv
    layer's input (Captum's ``attribute_to_layer_input=True``).
    """
    first = (Conv2D(1, 1, padding="VALID"),) if identity_first else ()
    layers = (*first, Conv2D(2, 3, padding="VALID", activation="relu"), Flatten(), Dense(4, "relu"))
    model = Sequential((4, 4), layers)
    h, w, c = np.unravel_index(np.arange(8), (2, 2, 2))  # our flatten order: (H, W, C)
    fc = np.where(c * 4 + h * 2 + w < 5, 1.0, -1.0)  # Captum's weights in its (C, H, W) order
    params = [
        {"w": jnp.ones((3, 3, 1, 2)), "b": jnp.array([-50.0, -75.0])},
        {},
        {"w": jnp.asarray(np.repeat(fc[:, None], 4, axis=1), jnp.float32), "b": jnp.zeros(4)},
    ]
    if identity_first:
        params.insert(0, {"w": jnp.ones((1, 1, 1, 1)), "b": jnp.zeros(1)})
    return model, tuple(params)


def test_the_sequential_one_conv_net_is_captums():
    model, params = one_conv_sequential()
    x = jnp.asarray(ARANGE + 1.0, jnp.float32)
    np.testing.assert_allclose(model.logits(params, x), one_conv(None, x), rtol=1e-6)


def test_grad_cam_on_the_relu_conv_layer():
    """test_simple_input_conv_relu: the 2x2 map [[0, 4], [28, 32.5]], upsampled to 4x4."""
    model, params = one_conv_sequential()
    x = jnp.asarray(ARANGE, jnp.float32)
    a = grad_cam(model, params, x, T0).attribution
    want = jax.image.resize(jnp.array([[0.0, 4.0], [28.0, 32.5]]), (4, 4), "linear")
    np.testing.assert_allclose(a, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("relu", [False, True])
def test_grad_cam_relu_setting_on_the_conv_layers_input(relu):
    """test_simple_input_conv_without_final_relu / ..._fc_with_final_relu: 0.5625 * x, with
    the negative pixel kept (Captum's default) or cut by the ReLU."""
    model, params = one_conv_sequential(identity_first=True)
    x = ARANGE.copy()
    x[1, 1] = -4.0
    s = Settings(layer="conv_1", cam_relu=relu)
    a = grad_cam(model, params, jnp.asarray(x, jnp.float32), T0, None, s).attribution
    want = 0.5625 * x
    if relu:
        want[1, 1] = 0.0
    np.testing.assert_allclose(a, want, rtol=1e-5, atol=1e-5)
    e = explain(model, params, x, 0, method="grad_cam", settings=s)
    np.testing.assert_allclose(e.attribution, want, rtol=1e-5, atol=1e-5)


# --- Masks: group ids, superpixels, no recompiles ------------------------------------------------


def test_grid_mask_tiles_the_spatial_axes_and_keeps_channels_together():
    m = grid_mask((5, 4, 3), 2)
    assert m.shape == (5, 4, 3) and m.dtype == np.int32 and not m.flags.writeable
    np.testing.assert_array_equal(m[..., 0], m[..., 2])
    np.testing.assert_array_equal(
        m[..., 0], [[0, 0, 1, 1], [0, 0, 1, 1], [2, 2, 3, 3], [2, 2, 3, 3], [4, 4, 5, 5]]
    )
    np.testing.assert_array_equal(grid_mask((4,), 2), [0, 1, 2, 3])  # tabular: each alone
    np.testing.assert_array_equal(grid_mask((2, 2), 0), [[0, 1], [2, 3]])  # no cells
    assert grid_mask((5, 4, 3), 2) is m  # cached: the same array, never re-packed
    with pytest.raises(ValueError, match="cell: expected an int >= 0"):
        grid_mask((4, 4), -1)


@pytest.mark.parametrize("method", [occlusion, feature_ablation, kernel_shap, lime])
def test_every_group_gets_one_value(method):
    mask = grid_mask((4, 4), 2)
    s = Settings(groups=4, window=(3, 3))  # occlusion with a mask ignores window / stride
    a = attribute(method, one_conv, ARANGE, s, mask=mask)
    for g in range(4):
        assert np.ptp(a[mask == g]) == 0, g


def test_occlusion_with_a_mask_is_one_window_per_group():
    mask = grid_mask((4, 4), 2)
    by_mask = attribute(occlusion, one_conv, ARANGE, Settings(groups=4), mask=mask)
    by_window = attribute(occlusion, one_conv, ARANGE, Settings(window=(2, 2), stride=(2, 2)))
    np.testing.assert_allclose(by_mask, by_window)


@pytest.mark.parametrize(
    ("mask", "groups", "message"),
    [
        (np.zeros(3, np.int32), 2, r"mask: expected the group ids 0..1 .* got ids \[0\]"),
        (np.array([0, 1, 3], np.int32), 3, r"got ids \[0, 1, 3\]"),
        (np.zeros(4, np.int32), 1, r"mask: expected int group ids of the input's shape \(3,\)"),
        (np.zeros(3, np.float32), 1, "mask: expected int group ids"),
    ],
)
def test_bad_masks_are_refused(mask, groups, message):
    with pytest.raises(ValueError, match=message):
        x = jnp.array([1.0, 2.0, 3.0])
        feature_ablation(
            multilayer, None, x, T0, default_inputs(x)._replace(mask=mask), Settings(groups=groups)
        )


def test_changing_the_mask_values_never_recompiles():
    model, params = one_conv_sequential()
    x = jnp.asarray(ARANGE, jnp.float32)
    cells = grid_mask((4, 4), 2)
    masks = [cells, cells[::-1], np.arange(16).reshape(4, 4) % 4]
    for method in ("occlusion", "feature_ablation", "kernel_shap", "lime"):
        s = static_settings(method, Settings(groups=4))
        before = explain_flat._cache_size()
        maps = [
            explain_flat(model, params, x, T0, default_inputs(x, mask=m), method=method, settings=s)
            for m in masks
        ]
        assert explain_flat._cache_size() == before + 1, method
        assert not np.allclose(maps[0], maps[2]), method  # the mask is read, not baked in


def test_attribute_batch_with_a_mask_equals_single_calls():
    xs = jnp.asarray(np.stack([ARANGE, ARANGE[::-1], ARANGE.T]), jnp.float32)
    inputs = default_inputs(xs[0], mask=grid_mask((4, 4), 2))
    s = Settings(groups=4)
    batch = attribute_batch("feature_ablation", one_conv, None, xs, np.zeros(3, int), inputs, s)
    for x, a in zip(xs, batch.attribution):
        np.testing.assert_allclose(
            a, feature_ablation(one_conv, None, x, T0, inputs, s).attribution
        )
