"""One message per step: an app's StepFrame carries every widget update of a step (headless)."""

import numpy as np
import pytest
from kernel_reference import expected
from widget_comm import LOG, dummy_comm, sent, updates  # noqa: F401  (fixture)

from nnwidgets import Explorer, Playground
from nnwidgets.apps._explorer import TABS
from nnwidgets.views import StepFrame
from nnwidgets.views._bars_canvas import BarsCanvas
from nnwidgets.views._base import widget_tree
from nnwidgets.views._frame import ALIGN, join_buffers


def framed_values(widget, key="values"):
    """The float32 values the last frame carried for ``widget``'s binary trait ``key``."""
    for _, data, buffers in reversed(LOG):
        content = data.get("content") if data.get("method") == "custom" else None
        if not isinstance(content, dict) or content.get("event") != "frame":
            continue
        (joined,) = buffers
        for u in content["updates"]:
            if u["id"] == widget.model_id and [key] in u["buffer_paths"]:
                offset, size = content["spans"][u["buffers"][u["buffer_paths"].index([key])]]
                assert offset % ALIGN == 0  # a Float32Array can view it in place
                return np.frombuffer(joined[offset : offset + size], "<f4")
    raise AssertionError(f"no frame carried {key} of {widget!r}")


def step_messages(action):
    """The messages the kernel side sends while ``action()`` runs."""
    before = len(LOG)
    action()
    return sent()[before:]


def test_a_slider_step_is_one_message_with_every_plots_kernel_values():
    ex = Explorer("breast_cancer")
    slider = ex.views[2].sliders[3]
    probs, attribution, activations = ex.views[3:6]
    network = ex.tab_view("network")
    messages = step_messages(lambda: slider.set_state({"value": slider.value + 0.25}))
    assert len(messages) == 1 and messages[0]["content"]["event"] == "frame"
    ids = {u["id"] for u in messages[0]["content"]["updates"]}
    plots = [probs.canvas, attribution.canvas, activations.canvas, network.canvas]
    assert {w.model_id for w in plots} <= ids
    assert slider.model_id not in ids  # the page's own value is not echoed
    e = expected(ex.state, ex.state.x)
    np.testing.assert_allclose(framed_values(probs.canvas), e.probs, rtol=1e-6)
    np.testing.assert_allclose(framed_values(attribution.canvas), e.attribution, rtol=1e-5)
    layers = np.concatenate([np.ravel(ex.state.activations[n]) for n in activations.canvas.groups])
    np.testing.assert_allclose(framed_values(activations.canvas), layers, rtol=1e-6)
    assert ex.frame.frames >= 1
    ex.close()


def test_a_painted_stroke_with_a_course_tab_shown_is_one_message():
    ex = Explorer("digits")
    ex.tabs.selected_index = [t for t, _ in TABS].index("gradients")
    painter, attribution = ex.views[2], ex.views[4]
    x = painter.canvas.array()
    x[2, 3] = 1.0
    messages = step_messages(lambda: painter.canvas.set_state({"value": x.astype("<f4").tobytes()}))
    assert len(messages) == 1
    gradients = ex.tab_view("gradients")
    ids = {u["id"] for u in messages[0]["content"]["updates"]}
    assert {gradients.norms.model_id, gradients.matrix.model_id} <= ids  # the tab rides along
    e = expected(ex.state, x)
    np.testing.assert_allclose(
        framed_values(attribution.canvas).reshape(8, 8), e.attribution, rtol=1e-5, atol=1e-7
    )
    ex.close()


def test_refused_input_is_one_message_and_the_next_step_works():
    ex = Explorer("iris")
    status = ex.views[0]
    x = ex.state.x.copy()
    x[0] = np.nan
    messages = step_messages(lambda: setattr(ex.state, "x", x))
    assert len(messages) == 1  # the error and the inputs put back, together
    assert "NaN" in ex.state.error or "nan" in ex.state.error.lower()
    assert "nnw-error" in updates(status)[-1]["state"]["value"]  # said in the widget
    good = ex.state.dataset.X_test[3]
    assert len(step_messages(lambda: setattr(ex.state, "x", good))) == 1
    assert ex.state.error == ""
    ex.close()


def test_a_playground_training_step_is_one_message():
    pg = Playground(dataset="xor", hidden=[4])
    pg.state.step_once()  # the first says "compiling…" before it compiles (a message of its own)
    messages = step_messages(pg.state.step_once)
    assert len(messages) == 1 and messages[0]["content"]["event"] == "frame"
    ids = {u["id"] for u in messages[0]["content"]["updates"]}
    assert pg.boundary.canvas.model_id in ids
    old = [w for w in pg.frame._adopted.values() if w in widget_tree(pg.tabs)]
    pg.state.hidden = [3, 2]  # a new network: its new widgets are adopted too
    pg.state.step_once()
    assert len(step_messages(pg.state.step_once)) == 1
    # the closed ones of the old network are let go (not kept alive by the frame)
    assert old and not any(id(w) in pg.frame._adopted for w in old if w.comm is None)
    assert all(w.comm is not None for w in pg.frame._adopted.values())
    pg.close()


def test_updates_outside_a_step_go_out_at_once_and_close_restores_sending():
    ex = Explorer("iris")
    canvas = ex.views[3].canvas
    messages = step_messages(lambda: setattr(canvas, "color", "#123456"))
    assert [m["method"] for m in messages] == ["update"]  # its own comm, not a frame
    assert "_send" in canvas.__dict__
    ex.frame.close()
    assert "_send" not in canvas.__dict__
    assert len(step_messages(lambda: setattr(ex.state, "x", ex.state.dataset.X_test[1]))) > 1
    ex.close()


def test_a_frame_without_a_state_and_nested_collects():
    frame = StepFrame()

    bars = BarsCanvas(["a"], [2])
    frame.adopt([bars, frame, bars])
    with frame.collect():
        bars.show([np.array([1.0, 2.0])])
        with frame.collect():  # nested: the outer one sends
            bars.highlight = 1
    (message,) = [m for m in sent() if m.get("method") == "custom"]
    assert [u["id"] for u in message["content"]["updates"]] == [bars.model_id] * 2
    np.testing.assert_array_equal(framed_values(bars), [1.0, 2.0])
    with pytest.raises(TypeError, match="hook"):
        Explorer("iris").state.on_publish(None)


def test_join_buffers_aligns_every_part():
    joined, spans = join_buffers([b"\x01", b"", np.arange(3, dtype="<f4").data])
    assert spans == [[0, 1], [8, 0], [8, 12]]
    assert np.frombuffer(joined[8:20], "<f4").tolist() == [0.0, 1.0, 2.0]


def test_picking_an_example_is_one_message_with_its_label_and_no_echo():
    ex = Explorer("digits")
    picker = ex.views[2].picker
    messages = step_messages(lambda: picker.index.set_state({"value": 7}))
    assert len(messages) == 1  # the lab's plots, the painter's picture and the label
    ids = {u["id"] for u in messages[0]["content"]["updates"]}
    assert {picker.label.model_id, ex.views[2].canvas.model_id} <= ids
    assert picker.index.model_id not in ids  # the page's own value is not echoed
    np.testing.assert_array_equal(ex.state.x, ex.state.dataset.X_test[7])
    ex.close()


def test_widgets_added_after_the_app_was_built_ride_in_the_frame_too():
    """A search's new sliders (and a tab built when first shown) are adopted as they arrive:
    moving a found slider is still one message."""
    from test_image_inputs import tabular_explorer

    from nnwidgets.views._inputs import InputSliders

    ex = tabular_explorer()
    sliders = next(v for v in ex.views if isinstance(v, InputSliders))
    sliders.search.value = "sensor_4"
    found = sliders.found.children[3]
    assert id(found) in ex.frame._adopted
    messages = step_messages(lambda: found.set_state({"value": found.value + 0.5}))
    assert len(messages) == 1 and messages[0]["content"]["event"] == "frame"
    view = ex.tab_view("gradients")  # built now, inside an adopted tab holder
    assert id(view.matrix) in ex.frame._adopted
    ex.frame.close()  # and closing gives every widget its own sending back
    assert "_send" not in found.__dict__ and "_send" not in view.matrix.__dict__
    ex.close()
