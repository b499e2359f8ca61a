"""Large inputs: what one step sends for a 128 x 128 image, the painter's binary value,
downsampled captions and heat maps, and data near float32's limit (headless, dummy comm)."""


import jax
import numpy as np
import pytest
import traitlets as t
from widget_comm import dummy_comm, updates  # noqa: F401  (fixture)

from nnwidgets import Explorer
from nnwidgets.models import Dense, Flatten, Sequential
from nnwidgets.views import AttributionView, DigitPainter
from nnwidgets.views._convert import IMAGE_BOX

SIDE = 128


def image_explorer(side=SIDE, n=12):
    """An Explorer of a small dense net on random ``side`` x ``side`` images, 10 classes."""
    rng = np.random.default_rng(0)
    X = rng.random((n, side, side)).astype(np.float32)
    y = np.arange(n) % 10
    net = Sequential((side, side), (Flatten(), Dense(32, "relu"), Dense(10)))
    return Explorer(net, net.init(jax.random.key(0)), data=(X, y))


def record_all(ex):
    """Record ``(data, buffers)`` of everything the Explorer's widgets send from now on."""
    from nnwidgets.views._base import widget_tree

    sent = []
    for w in widget_tree(ex):
        send = w.comm.send

        def keep(*args, data=None, buffers=None, _send=send, **kwargs):
            sent.append((data, [bytes(b) for b in buffers or []]))
            _send(*args, data=data, buffers=buffers, **kwargs)

        w.comm.send = keep
    return sent


def size(sent):
    """Bytes on the wire: the JSON of each message plus its binary buffers."""
    import json

    return sum(len(json.dumps(d)) + sum(len(b) for b in bufs) for d, bufs in sent)


def parts(ex):
    painter = next(v for v in ex.views if isinstance(v, DigitPainter))
    attribution = next(v for v in ex.views if isinstance(v, AttributionView))
    return painter, attribution


def block_means(a, f):
    """``a`` averaged over ``f`` x ``f`` blocks (sides divisible by ``f``), in float64."""
    r, c = a.shape
    return np.asarray(a, np.float64).reshape(r // f, f, c // f, f).mean(axis=(1, 3))


def test_a_128x128_step_stays_under_100_kb():
    ex = image_explorer()
    rng = np.random.default_rng(1)
    ex.state.x = rng.random((SIDE, SIDE)).astype(np.float32)  # compiled, first redraws done
    sent = record_all(ex)
    ex.state.x = rng.random((SIDE, SIDE)).astype(np.float32)
    assert not ex.state.error
    # the painter's own 64 kB (the input, float32) plus everything else well under 100 kB
    assert size(sent) < 100_000, size(sent)
    painter, _ = parts(ex)
    # a stroke in the browser: the page already has the input, the answer is small
    sent.clear()
    x = np.array(ex.state.x)
    x[5, 7] = 1.0 - x[5, 7]
    painter.canvas.set_state({"value": x.astype("<f4").tobytes()})
    np.testing.assert_array_equal(ex.state.x, x)
    assert sent and size(sent) < 40_000, size(sent)
    ex.close()


def test_painter_value_travels_as_a_float32_buffer():
    ex = Explorer("digits")
    painter, _ = parts(ex)
    x = np.asarray(ex.state.dataset.X_test[3], np.float32)
    n = len(updates(painter.canvas))
    ex.state.x = x
    (message,) = updates(painter.canvas)[n:]
    assert message["buffer_paths"] == [["value"]]
    assert "value" not in message["state"]  # no JSON list: the bytes ride as a buffer
    assert painter.canvas.value == x.astype("<f4").tobytes()
    np.testing.assert_array_equal(painter.canvas.array(), x)
    ex.close()


def test_a_browser_stroke_as_bytes_updates_state_x():
    ex = Explorer("digits")
    painter, _ = parts(ex)
    x = np.array(ex.state.x)
    x[2, 4] = 1.0
    # exactly what ipywidgets hands the kernel: the buffer as a memoryview at its path
    painter.canvas._handle_msg(
        {
            "content": {"data": {"method": "update", "state": {}, "buffer_paths": [["value"]]}},
            "buffers": [memoryview(x.astype("<f4").tobytes())],
        }
    )
    np.testing.assert_array_equal(ex.state.x, x)
    assert not ex.state.error
    with pytest.raises(t.TraitError, match="value: expected 256 bytes"):
        painter.canvas.set_state({"value": b"\0" * 12})  # not 64 float32 values
    np.testing.assert_array_equal(ex.state.x, x)
    ex.close()


def test_large_image_caption_and_heat_map_are_downsampled_and_say_so():
    ex = image_explorer()
    painter, attribution = parts(ex)
    a = np.asarray(ex.state.attribution, np.float32)
    heat = attribution.canvas
    assert (heat.rows, heat.cols, heat.block) == (SIDE, SIDE, 4)  # 4 x 4 block means drawn
    shown = np.frombuffer(heat.values, "<f4").reshape(32, 32)
    np.testing.assert_allclose(shown, block_means(a, 4), rtol=1e-5, atol=1e-12)
    caption = heat.caption  # notes only: the page builds the table of the cells drawn
    assert "map: a 32×32 average of 128×128" in caption and "<table" not in caption
    assert heat.cell_names == []  # a drawn cell is a block: the page names its pixel spans
    assert heat.table_class.startswith("nnw-explained-")
    # the painter stays full size but fits its box (two screen pixels a pixel)
    assert (painter.canvas.rows, painter.canvas.cols) == (SIDE, SIDE)
    assert painter.canvas.cols * painter.canvas.cell_px <= IMAGE_BOX
    assert painter.canvas.cell_px == 2
    ex.close()


def test_digits_caption_and_heat_map_are_not_downsampled():
    ex = Explorer("digits")
    _, attribution = parts(ex)
    heat = attribution.canvas
    assert (heat.rows, heat.cols) == (8, 8)
    np.testing.assert_array_equal(
        np.frombuffer(heat.values, "<f4").reshape(8, 8), np.asarray(ex.state.attribution)
    )
    assert "average" not in heat.caption and heat.block == 1
    assert heat.table_version == ex.state.version  # the page's table: one row per pixel
    ex.close()


def tabular_data(big):
    rng = np.random.default_rng(0)
    X = rng.random((20, 4))
    X[0, 1] = big
    return X, np.arange(20) % 3


def tabular_net():
    net = Sequential((4,), (Dense(8, "tanh"), Dense(3)))
    return net, net.init(jax.random.key(0))


def test_data_near_float32_max_opens_an_explorer():
    net, params = tabular_net()
    ex = Explorer(net, params, data=tabular_data(1e38))
    slider = ex.views[2].sliders[1]
    assert slider.max >= float(np.float32(1e38)) and np.isfinite(slider.max)
    ex.close()


def test_data_beyond_float32_range_is_refused_by_name():
    net, params = tabular_net()
    with pytest.raises(ValueError, match=r"data X: expected values within float32's range") as e:
        Explorer(net, params, data=tabular_data(1e39))
    assert "1e+39" in str(e.value) and "(0, 1)" in str(e.value)


def peaks(v, b):
    """Each run of ``b`` values of ``v`` (its length divisible by ``b``): the largest |value|."""
    blocks = np.asarray(v, np.float32).reshape(-1, b)
    return blocks[np.arange(len(blocks)), np.abs(blocks).argmax(axis=1)]


def test_a_large_model_draws_block_peaks_and_a_click_explains_the_peak_neuron():
    from nnwidgets.models import Conv2D
    from nnwidgets.views import ActivationView

    rng = np.random.default_rng(0)
    X = rng.random((12, SIDE, SIDE)).astype(np.float32)
    net = Sequential((SIDE, SIDE), (Conv2D(4, activation="relu"), Flatten(), Dense(10)))
    ex = Explorer(net, net.init(jax.random.key(0)), data=(X, np.arange(12) % 10))
    sent = record_all(ex)
    ex.state.x = rng.random((SIDE, SIDE)).astype(np.float32)
    assert size(sent) < 100_000, size(sent)  # 65,536 conv activations: 1,024 bars
    conv = ex.state.model.layer_names[0]
    acts = next(v for v in ex.views if isinstance(v, ActivationView))
    assert acts.canvas.sizes[0] == 1024 and acts.canvas.blocks[0] == 64
    assert acts.canvas.totals[0] == SIDE * SIDE * 4
    a = np.asarray(ex.state.activations[conv], np.float32).ravel()
    drawn = np.frombuffer(acts.canvas.values, "<f4")[:1024]
    np.testing.assert_array_equal(drawn, peaks(a, 64))
    # a click on bar 5 explains the neuron whose value the bar shows
    acts.canvas._message(None, {"event": "element_click", "group": conv, "index": 5}, [])
    assert ex.state.layer == conv
    assert ex.state.neuron == 5 * 64 + int(np.abs(a[5 * 64 : 6 * 64]).argmax())
    # the weight gradient of the dense layer (65,536 x 10): 256 x 10 block peaks, titled so
    grads = ex.tab_view("gradients")
    grads.layer.value = f"{ex.state.model.layer_names[-1]}.w"
    assert grads.matrix.block == [256, 1]
    g = np.asarray(ex.state.param_grads[-1]["w"], np.float32)
    shown = grads.matrix.array()
    np.testing.assert_allclose(shown, peaks(g.T, 256).reshape(10, 256).T, rtol=1e-6)
    assert "peak |value| of 256×1 blocks" in grads.matrix.title
    # the activation functions: 1,000 of the conv layer's neurons as points, titled so
    fns = ex.tab_view("activation functions")
    fns.layer.value = conv
    assert len(fns.points[0].x) == 1000
    assert f"(1000 of {SIDE * SIDE * 4} neurons)" in fns.figures[0].title
    # the feature maps: four 128 x 128 channels tiled 256 x 256, drawn as 2 x 2 block peaks
    plot = ex.tab_view("feature maps").plots[conv]
    assert plot.block == [2, 2] and plot.array().shape == (128, 128)
    assert "peak |value| of 2×2 blocks" in plot.title
    ex.close()
