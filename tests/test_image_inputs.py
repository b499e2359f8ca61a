"""Image inputs of any size and tabular inputs with many features in the Explorer (headless).

A dummy comm stands in for the browser; ``set_state`` is what the page sends.
"""

import jax
import numpy as np
import pytest
from widget_comm import dummy_comm, updates  # noqa: F401  (fixture)

from nnwidgets import Explorer
from nnwidgets.models import Conv2D, Dense, Flatten, Sequential, dataset_from_arrays
from nnwidgets.views import AttributionView, DigitPainter, ImageView, InputSliders
from nnwidgets.views._base import InputSlider, widget_tree
from nnwidgets.views._convert import (
    IMAGE_BOX,
    block_mean,
    channels_of,
    fit_cell,
    grey_of,
    image_map,
    top_features,
    unit8,
)
from nnwidgets.views._inputs import MAX_SLIDERS, TOP

SHAPES = [(8, 8), (8, 8, 1), (28, 28), (28, 28, 1), (32, 32, 3), (224, 224, 3), (224, 224)]


def image_explorer(shape, n=6, scale=1.0):
    """A small CNN on random images of ``shape`` (values in [0, scale)), 3 classes."""
    rng = np.random.default_rng(0)
    X = (scale * rng.random((n, *shape))).astype(np.float32)
    stride = 8 if max(shape) > 100 else 1  # a short Flatten for the 224 x 224 inputs
    net = Sequential(shape, (Conv2D(2, stride=stride, activation="relu"), Flatten(), Dense(3)))
    return Explorer(net, net.init(jax.random.key(0)), data=(X, np.arange(n) % 3))


def view(ex, kind):
    return next(v for v in ex.views if isinstance(v, kind))


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_image_inputs_get_a_fitted_painter_or_picture_never_a_slider_per_pixel(shape):
    ex = image_explorer(shape)
    s = ex.state
    rows, cols = shape[:2]
    grey = len(shape) == 2 or shape[2] == 1
    source = ex.views[2]
    assert isinstance(source, DigitPainter if grey else ImageView)
    assert not [w for w in widget_tree(ex) if isinstance(w, InputSlider)]
    # the picture fits its box: floor(box / side) px a pixel
    canvas = source.canvas
    assert (canvas.rows, canvas.cols) == (rows, cols)
    assert canvas.cell_px == fit_cell(rows, cols) >= 1
    assert cols * canvas.cell_px <= IMAGE_BOX and rows * canvas.cell_px <= IMAGE_BOX
    assert cols * canvas.cell_px > IMAGE_BOX // 2  # and uses most of it
    # so does the attribution map beside it (block means of a large image)
    heat = view(ex, AttributionView).canvas
    drawn_side = -(-max(rows, cols) // heat.block)
    assert drawn_side * heat.cell_px <= IMAGE_BOX
    want, _ = block_mean(image_map(s.attribution), heat.max_side)
    np.testing.assert_allclose(
        np.frombuffer(heat.values, "<f4").reshape(want.shape), want, rtol=1e-5, atol=1e-9
    )
    # the picker loads an example and its label
    v0 = s.version
    source.picker.index.value = 3
    assert s.version == v0 + 1  # the example and its label: one recompute
    np.testing.assert_array_equal(s.x, s.dataset.X_test[3])
    assert s.label == int(s.dataset.y_test[3])
    assert 'data-index="3"' in source.picker.label.value
    if grey:  # a stroke (the float32 bytes the page sends) becomes the input, shape kept
        np.testing.assert_array_equal(canvas.array(), s.x.reshape(rows, cols))
        x = canvas.array()
        x[rows // 2, cols // 3] = canvas.high
        canvas.set_state({"value": x.astype("<f4").tobytes()})
        assert s.x.shape == shape and not s.error
        np.testing.assert_array_equal(s.x, x.reshape(shape))
    else:  # the picture is the input scaled from the data range
        lo, hi = source.low, source.high
        rgb = np.frombuffer(canvas.pixels, np.uint8).reshape(rows, cols, 3)
        np.testing.assert_array_equal(rgb, unit8(channels_of(s.x), lo, hi))
    ex.close()


def test_the_overlay_tints_the_input_in_grey_and_is_sent_only_while_shown():
    ex = image_explorer((32, 32, 3))
    attribution = view(ex, AttributionView)
    heat = attribution.canvas
    assert heat.base == b"" and not heat.overlay  # the map alone: no picture sent
    n = len(updates(heat))
    attribution.mode.value = True  # "on image"
    assert heat.overlay and (heat.base_rows, heat.base_cols) == (32, 32)
    (message,) = updates(heat)[n:]  # one message: overlay, the picture and the values
    assert {"overlay", "base_rows", "base_cols"} <= set(message["state"])
    lo, hi = ex.views[2].low, ex.views[2].high
    want = unit8(grey_of(ex.state.x), lo, hi)  # luma, white = the data's largest value
    np.testing.assert_array_equal(np.frombuffer(heat.base, np.uint8).reshape(32, 32), want)
    assert "the sum over 3 channels" in heat.caption
    ex.views[2].picker.index.value = 2  # a new input: the picture follows
    want = unit8(grey_of(ex.state.dataset.X_test[2]), lo, hi)
    np.testing.assert_array_equal(np.frombuffer(heat.base, np.uint8).reshape(32, 32), want)
    ex.close()
    with pytest.raises(ValueError, match="grey: expected a 2-D uint8 array"):
        heat.show_base(np.zeros((2, 2), np.float32))


def test_a_grey_overlay_matches_the_painter_and_a_large_one_fits_the_box():
    ex = image_explorer((224, 224))
    attribution = view(ex, AttributionView)
    attribution.mode.value = True
    heat = attribution.canvas
    assert (heat.base_rows, heat.base_cols) == (224, 224)  # within the box: full size
    painter = ex.views[2]
    want = unit8(ex.state.x, painter.canvas.low, painter.canvas.high, ink=True)
    np.testing.assert_array_equal(np.frombuffer(heat.base, np.uint8).reshape(224, 224), want)
    assert "map: a 32×32 average of 224×224" in heat.caption
    ex.close()


def test_the_painter_paints_and_clears_in_the_data_sets_range():
    ex = image_explorer((28, 28), scale=255.0)
    painter = ex.views[2]
    lo, hi = float(ex.state.dataset.X.min()), float(ex.state.dataset.X.max())
    assert (painter.canvas.low, painter.canvas.high) == (lo, hi)
    assert painter.brush.value == painter.canvas.brush == hi  # paint: the darkest value
    painter.brush.value = lo  # erase
    assert painter.canvas.brush == lo
    painter.brush_size.value = 3
    assert painter.canvas.brush_size == 3
    painter.clear.click()
    np.testing.assert_array_equal(ex.state.x, np.full((28, 28), lo, np.float32))
    ex.close()


def tabular_explorer(n_features=60):
    """A small MLP on random data with ``n_features`` named features, 3 classes."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, n_features)).astype(np.float32)
    kinds = ("temperature", "humidity", "pressure", "wind")
    names = tuple(f"sensor_{i:02d}_{kinds[i % 4]}" for i in range(n_features))
    data = dataset_from_arrays(X, np.arange(40) % 3, feature_names=names)
    net = Sequential((n_features,), (Dense(8, "tanh"), Dense(3)))
    return Explorer(net, net.init(jax.random.key(0)), data=data)


def slider_widgets(ex):
    return [w for w in widget_tree(ex) if isinstance(w, InputSlider)]


def test_many_features_show_the_top_ones_by_attribution_and_a_search_box():
    ex = tabular_explorer()
    sliders = view(ex, InputSliders)
    s = ex.state
    assert len(slider_widgets(ex)) == TOP <= MAX_SLIDERS
    assert sliders.features[:TOP] == top_features(s.attribution, TOP)  # largest first
    for w, i in zip(sliders.top.children, sliders.features):
        assert w.description == s.dataset.feature_names[i] and f"nnw-feature-{i}" in w._dom_classes
        assert np.float32(w.value) == s.x[i]
    assert f"{TOP} of 60 features" in sliders.heading.value
    # the search box shows the features whose names contain the text
    sliders.search.value = "sensor_4"
    found = sliders.found.children
    assert [w.description for w in found] == [
        f"sensor_{i}_{k}"
        for i, k in (
            (40, "temperature"),
            (41, "humidity"),
            (42, "pressure"),
            (43, "wind"),
            (44, "temperature"),
            (45, "humidity"),
            (46, "pressure"),
            (47, "wind"),
            (48, "temperature"),
            (49, "humidity"),
        )
    ]
    assert 'data-count="10"' in sliders.found_note.value
    # moving a found slider changes that feature of the input, and only it
    x0 = s.x.copy()
    found[3].set_state({"value": 1.5})
    x0[43] = 1.5
    np.testing.assert_array_equal(s.x, x0)
    # a broad search shows at most what is left of the budget, and says so
    sliders.search.value = "sensor"
    assert len(sliders.found.children) == MAX_SLIDERS - TOP
    assert 'data-count="60"' in sliders.found_note.value and "first 28" in sliders.found_note.value
    assert len(slider_widgets(ex)) <= MAX_SLIDERS and len(sliders.sliders) <= MAX_SLIDERS
    sliders.search.value = "HUMID"  # case-insensitive; the sliders are reused
    assert len(sliders.found.children) == 15
    assert all("humidity" in w.description for w in sliders.found.children)
    sliders.search.value = ""
    assert sliders.found.children == () and sliders.found_note.value == ""
    assert len(sliders.sliders) <= MAX_SLIDERS
    ex.close()


def test_the_top_features_follow_the_attribution_but_a_dragged_slider_stays_put():
    ex = tabular_explorer()
    sliders = view(ex, InputSliders)
    s = ex.state
    dragged = sliders.top.children[5]
    feature = sliders.features[5]
    rng = np.random.default_rng(1)
    for v in rng.uniform(dragged.min, dragged.max, 20):  # a drag: the top set changes meanwhile
        before = list(sliders.features[:TOP])
        dragged.set_state({"value": round(float(v), 2)})
        assert sliders.top.children[5] is dragged and sliders.features[5] == feature
        # the dragged feature and the largest |attribution| of the others: 12 sliders
        others = [i for i in top_features(s.attribution, TOP + 1) if i != feature]
        wanted = {feature, *others[: TOP - 1]}
        assert set(sliders.features[:TOP]) == wanted
        for old, new in zip(before, sliders.features[:TOP]):
            if old in wanted:
                assert old == new  # still wanted: not moved, not replaced
    # a change from elsewhere (another class explained) ends the drag: the top is the top
    s.target = (s.explained + 1) % 3
    assert set(sliders.features[:TOP]) == set(top_features(s.attribution, TOP))
    assert len(slider_widgets(ex)) == TOP
    ex.close()


def test_forty_features_still_get_one_slider_each():
    ex = tabular_explorer(MAX_SLIDERS)
    sliders = view(ex, InputSliders)
    assert sliders.search is None and sliders.features == list(range(MAX_SLIDERS))
    assert len(slider_widgets(ex)) == MAX_SLIDERS
    sliders.sliders[7].set_state({"value": 0.5})
    assert ex.state.x[7] == np.float32(0.5)
    ex.close()


def test_the_body_row_wraps_on_a_narrow_page():
    for ex in (image_explorer((28, 28)), tabular_explorer()):
        body = next(c for c in ex.children if ex.views[2] in getattr(c, "children", ()))
        row = body if not isinstance(ex.views[2], InputSliders) else body.children[1]
        assert row.layout.flex_flow == "row wrap"
        assert view(ex, AttributionView) in row.children
        ex.close()
