"""Axis ticks of the bqplot views and the heat maps' colour ranges: short labels, headless."""

import math
import re

import jax
import numpy as np
import pytest
from widget_comm import dummy_comm  # noqa: F401  (fixture)

from nnwidgets.models import pretrained
from nnwidgets.state import build_state
from nnwidgets.views._activation_fns import ActivationFunctionView
from nnwidgets.views._convert import HUGE, TINY, axis_ticks, nice_ticks, tick_format
from nnwidgets.views._embedding import EmbeddingView
from nnwidgets.views._feature_maps import FeatureMapView
from nnwidgets.views._gradients_view import GradientsView
from nnwidgets.views._weights_view import WeightsView

SI = "yzafpnµm kMGTPEZY"  # d3's prefixes, 1e-24 ... 1e24 (" ": none)


def d3_label(v, fmt):
    """What d3-format prints for ``v`` with the specifiers ``tick_format`` returns.

    ``".N~f"``: N decimals, trailing zeros trimmed; ``".3~s"``: 3 significant digits and the
    SI prefix of the value's own power of 1000, trimmed; ``".2~e"``: e-notation, trimmed.
    The minus is U+2212.
    """
    if v == 0:
        return "0e+0" if fmt == ".2~e" else "0"
    if fmt == ".2~e":
        mantissa, exponent = f"{v:.2e}".split("e")
        text = f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent):+d}"
    elif fmt == ".3~s":
        group = min(8, max(-8, math.floor(math.log10(abs(float(f"{v:.2e}"))) / 3)))
        text = f"{v / 10 ** (3 * group):.3g}" + SI[group + 8].strip()
    else:
        decimals = int(re.fullmatch(r"\.(\d+)~f", fmt).group(1))
        text = f"{v:.{decimals}f}"
        text = text.rstrip("0").rstrip(".") if "." in text else text
    return text.replace("-", "\u2212")


def labels(axis):
    return [d3_label(float(t), axis.tick_format) for t in axis.tick_values]


def short_and_one_prefix(texts, most=6):
    """At most ``most`` characters, no zero padding, one SI prefix for every non-zero label."""
    assert all(len(t) <= most + ("e" in t) and "0000" not in t for t in texts), texts
    prefixes = {t[-1] for t in texts if t != "0" and not t[-1].isdigit()}
    assert len(prefixes) <= 1, texts
    for prefix in prefixes:
        assert all(t == "0" or t.endswith(prefix) for t in texts), texts


@pytest.mark.parametrize(
    ("lo", "hi", "fmt"),
    [
        (-9e-6, 9e-6, ".3~s"),
        (0.0, 4e-4, ".3~s"),
        (0.0, 12000.0, ".3~s"),
        (-0.07, 0.07, ".3~f"),
        (0.0, 1.0, ".2~f"),
        (0.0, 250.0, ".0~f"),
        (1000.0, 1010.0, ".1~f"),
        (-1.7e-23, 1.7e-23, ".2~e"),
        (0.0, 3e16, ".2~e"),
    ],
)
def test_tick_format_switches_to_si_for_tiny_and_huge_axes(lo, hi, fmt):
    assert tick_format(lo, hi) == fmt
    ticks, fmt = axis_ticks(lo, hi)
    assert lo - 1e-12 <= ticks.min() and ticks.max() <= hi + 1e-12 and 2 <= len(ticks) <= 5
    assert (0.0 in ticks) == (lo <= 0 <= hi)
    texts = [d3_label(t, fmt) for t in ticks]
    assert len(set(texts)) == len(texts), texts  # no "0 0 1 1"
    short_and_one_prefix(texts)


@pytest.mark.parametrize("scale", [1e-12, 1e-9, 3e-7, 1e-6, 2.5e-5, 7e-4, 1.0, 40.0, 3e4, 2e7])
def test_nice_ticks_are_round_and_share_a_prefix(scale):
    rng = np.random.default_rng(0)
    for lo, hi in rng.uniform(-1.5, 1.5, (50, 2)) * scale:
        lo, hi = min(lo, hi), max(lo, hi)
        ticks = nice_ticks(lo, hi, most=4)
        assert 1 <= len(ticks) <= 4 and lo <= ticks.min() and ticks.max() <= hi
        # a narrow range next to 1e-3 may need "−0.00098"
        short_and_one_prefix([d3_label(t, axis_ticks(lo, hi, 4)[1]) for t in ticks], most=8)
    assert TINY < 1 < HUGE


def tiny_state():
    """The bundled digits CNN with every parameter scaled by 1e-6 (weights about ±1e-6)."""
    params = jax.tree.map(lambda p: p * 1e-6, pretrained("digits_cnn").params)
    return build_state("digits_cnn", params)


def check_color_bar(plot, label, lo, hi):
    """The heat map's canvas colours ``[lo, hi]`` and titles its bar (the page draws the bar
    with ``tickLabel``: short labels at any magnitude, js/test/ticks.test.mjs)."""
    assert plot.color_label == label
    assert (plot.lo, plot.hi) == pytest.approx((lo, hi), rel=1e-6)
    assert plot.lo < plot.hi and np.isfinite([plot.lo, plot.hi]).all()


@pytest.mark.parametrize("tiny", [False, True])
def test_weights_heat_map_has_a_colour_bar_and_short_ticks(tiny):
    state = tiny_state() if tiny else build_state("digits_cnn")
    view = WeightsView(state, layer="conv_2")
    s = state.weight_summary["conv_2.w"]
    limit = max(abs(float(s.min)), abs(float(s.max)))
    check_color_bar(view.matrix, "weight", -limit, limit)
    x_axis, y_axis = view.hist_figure.axes
    edges = np.asarray(s.edges)
    assert edges[0] <= np.min(x_axis.tick_values) and np.max(x_axis.tick_values) <= edges[-2]
    short_and_one_prefix(labels(x_axis))
    assert y_axis.tick_format == ".0~f"  # whole counts
    if tiny:
        assert limit < 1e-5 and x_axis.tick_format == ".3~s"
    view.layer.value = "conv_1.w"  # another array: the bar follows its range
    s = state.weight_summary["conv_1.w"]
    limit = max(abs(float(s.min)), abs(float(s.max)))
    check_color_bar(view.matrix, "weight", -limit, limit)
    view.close()


def test_gradients_colour_bar_runs_over_the_shown_range_in_its_own_units():
    state = tiny_state()
    view = GradientsView(state, layer="conv_1")
    g = np.abs(view.matrix.array()).max()
    check_color_bar(view.matrix, "dL/dθ", -g, g)
    state.x = state.dataset.X_test[3]  # a step: the bar follows the new limit
    g = np.abs(view.matrix.array()).max()
    check_color_bar(view.matrix, "dL/dθ", -g, g)
    assert view.limit == pytest.approx(g)
    view.close()


@pytest.mark.parametrize("tiny", [False, True])
def test_feature_maps_one_colour_bar_per_layer_over_its_values(tiny):
    state = tiny_state() if tiny else build_state("digits_cnn")
    view = FeatureMapView(state)
    for _ in range(2):
        for plot in view.plots.values():  # data-driven: the layer's own range
            drawn = plot.array()
            check_color_bar(plot, "activation", np.nanmin(drawn), np.nanmax(drawn))
        state.x = state.dataset.X_test[5]
    view.close()


def test_line_and_scatter_axes_print_short_labels():
    state = tiny_state()
    acts = ActivationFunctionView(state)
    acts.layer.value = "conv_2"  # its neurons at ~1e-11 on the curve f(z) over a fixed z range
    s = state
    curve, pre = s.activation_curves["relu"], np.asarray(s.preactivations["conv_2"])
    act, slope = np.asarray(s.activations["conv_2"]), np.asarray(s.slopes["conv_2"])
    for figure, y in zip(acts.figures, ((curve["f"], act), (curve["df"], slope))):
        x_axis, y_axis = figure.axes
        for axis, v in ((x_axis, (curve["z"], pre)), (y_axis, y)):
            v = np.concatenate([np.ravel(a) for a in v])
            assert axis.tick_format == tick_format(v.min(), v.max())
    emb = EmbeddingView(state)  # the layer over the data set: ~1e-13, e-notation
    points = np.asarray(state.embedding_points)
    for axis, v in zip(emb.figure.axes, points.T):
        assert axis.tick_format == tick_format(v.min(), v.max()) == ".2~e"
    for view in (acts, emb):
        view.close()
