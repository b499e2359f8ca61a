"""Headless tests of the sequence canvases (TokenStrip, SeriesEditor) on a dummy comm."""

import numpy as np
import pytest
import traitlets as t
from widget_comm import dummy_comm, updates  # noqa: F401  (fixture)

import nnwidgets.views
from nnwidgets.views import SeriesEditor, TokenStrip

SENTENCE = ["the", "movie", "was", "not", "bad", "at", "all"]
VALUES = [-0.1, 0.3, 0.05, -0.8, 0.9, 0.0, 0.2]


def test_exported_from_views():
    assert {"TokenStrip", "SeriesEditor"} <= set(nnwidgets.views.__all__)
    assert nnwidgets.views.TokenStrip is TokenStrip
    assert nnwidgets.views.SeriesEditor is SeriesEditor


# -- TokenStrip ------------------------------------------------------------------------------


def test_token_strip_defaults():
    w = TokenStrip()
    assert w.tokens == w.unknown == [] and w.values == b""
    assert (w.lo, w.hi, w.auto_range, w.title, w.color_label) == (-1.0, 1.0, True, "", "")
    assert w.array().shape == (0,) and w.array().dtype == np.float32


def test_token_strip_show_round_trip_in_one_message_of_float32_le(record, binary):
    w = TokenStrip(title="attribution per word", color_label="attribution")
    sent, n = record(w), len(updates(w))
    w.show(SENTENCE, VALUES, unknown=[False] * 6 + [True])
    assert len(updates(w)) == n + 1 and len(sent) == 1
    state = sent[0][0]["state"]
    assert state["tokens"] == SENTENCE and state["unknown"] == [False] * 6 + [True]
    assert (state["lo"], state["hi"]) == (-0.9, 0.9)  # symmetric: ±max |value|
    buf = binary(sent[0])["values"]
    np.testing.assert_array_equal(np.frombuffer(buf, "<f4"), np.float32(VALUES))
    assert w.array().dtype == np.float32
    np.testing.assert_array_equal(w.array(), np.float32(VALUES))


def test_token_strip_sends_only_what_changed(record, binary):
    w = TokenStrip(SENTENCE, VALUES)
    sent = record(w)
    w.show(SENTENCE, [v * 2 for v in VALUES])
    assert set(sent[0][0]["state"]) | set(binary(sent[0])) == {"values", "lo", "hi"}


def test_token_strip_fixed_range_and_empty_sentence():
    w = TokenStrip()
    w.color_range(-2, 2)
    w.show(SENTENCE, VALUES)
    assert (w.lo, w.hi, w.auto_range) == (-2.0, 2.0, False)
    w.auto_range = True
    w.show([], [])
    assert w.tokens == [] and w.values == b"" and (w.lo, w.hi) == (-1.0, 1.0)
    w.show(["a", "b"], [0, 0])  # all zero: the range stays ±1, not 0..0
    assert (w.lo, w.hi) == (-1.0, 1.0)
    with pytest.raises(ValueError, match="lo, hi: expected finite numbers with lo < hi"):
        w.color_range(1, 1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((SENTENCE, VALUES[:-1]), r"values: expected shape \(7,\) \(one per token\), "),
        ((SENTENCE, [VALUES]), r"values: expected shape \(7,\).*received \(1, 7\)"),
        ((SENTENCE, [*VALUES[:-1], np.nan]), "values: expected finite numbers, received nan at 6"),
        ((["a"], [np.inf]), "values: expected finite numbers, received inf at 0"),
        ((SENTENCE, VALUES, [True]), "unknown: expected 7 flags .*, received 1"),
        (("a sentence", [0.0]), "tokens: expected a list of strings, received 'a sentence'"),
        (([1, 2], [0.0, 0.0]), "tokens: expected a list of strings"),
    ],
)
def test_token_strip_refuses_bad_input_and_keeps_what_it_had(args, message):
    w = TokenStrip(["ok"], [0.5])
    with pytest.raises(ValueError, match=message):
        w.show(*args)
    assert w.tokens == ["ok"] and w.array().tolist() == [0.5]


def test_token_strip_text_goes_to_the_page_as_data():
    w = TokenStrip(["<img src=x onerror=alert(1)>", "&amp;"], [0.1, -0.1])
    assert w.tokens[0] == "<img src=x onerror=alert(1)>"  # the page sets it as textContent
    src = TokenStrip._esm
    assert "innerHTML" not in src.split("export const BAR_W")[1]


# -- SeriesEditor ----------------------------------------------------------------------------


def sine(steps=32):
    t_ = np.arange(steps) / steps * 2 * np.pi
    return np.stack([np.sin(t_), np.cos(t_)], axis=1)


def test_series_defaults():
    w = SeriesEditor()
    assert (w.steps, w.channels, w.y_lo, w.y_hi) == (32, 1, -1.0, 1.0)
    assert (w.width_px, w.height_px, w.value, w.shade) == (420, 220, b"", b"")
    assert w.array().shape == (32, 1) and not w.array().any()
    assert w.array().dtype == np.float32
    value = SeriesEditor.class_traits()["value"].metadata
    assert value["echo_update"] is False and value["from_json"](None, None) == b""


def test_series_show_round_trip_in_one_message_of_float32_le(record, binary):
    w = SeriesEditor(channel_names=["sin", "cos"])
    sent, n = record(w), len(updates(w))
    w.show(sine())
    assert len(updates(w)) == n + 1 and len(sent) == 1
    state = sent[0][0]["state"]
    assert state["channels"] == 2 and "steps" not in state  # 32 already
    buf = binary(sent[0])["value"]
    assert len(buf) == 32 * 2 * 4
    np.testing.assert_array_equal(np.frombuffer(buf, "<f4").reshape(32, 2), np.float32(sine()))
    a = w.array()
    assert a.shape == (32, 2) and a.dtype == np.float32
    np.testing.assert_array_equal(a, np.float32(sine()))
    a[0, 0] = 5  # a copy: the widget's value stays
    assert w.array()[0, 0] == 0


def test_series_browser_edit_arrives_and_is_not_echoed(record):
    w = SeriesEditor(sine())
    sent, seen = record(w), []
    w.observe(lambda c: seen.append(c["new"]), names="value")
    edited = np.float32(sine())
    edited[3:6, 1] = [0.5, 0.25, -1.0]
    w.set_state({"value": memoryview(edited.astype("<f4").tobytes())})
    np.testing.assert_array_equal(w.array(), edited)
    assert len(seen) == 1 and sent == []  # echo_update=False: nothing goes back
    with pytest.raises(t.TraitError, match="received 0"):  # an empty buffer: refused
        w.set_state({"value": None})
    np.testing.assert_array_equal(w.array(), edited)


def test_series_refuses_a_buffer_of_the_wrong_length():
    w = SeriesEditor(sine())
    with pytest.raises(
        t.TraitError, match=r"value: expected 256 bytes \(32x2 float32\), received 252"
    ):
        w.set_state({"value": np.zeros(63, "<f4").tobytes()})
    with pytest.raises(t.TraitError, match="value: expected finite float32 values"):
        w.set_state({"value": np.full((32, 2), np.nan, "<f4").tobytes()})
    np.testing.assert_array_equal(w.array(), np.float32(sine()))


@pytest.mark.parametrize(
    ("series", "message"),
    [
        (
            np.zeros(32),
            r"series: expected a non-empty 2-D array \(steps, channels\), received "
            r"shape \(32,\)",
        ),
        (np.zeros((0, 2)), r"received shape \(0, 2\)"),
        (np.zeros((2, 2, 2)), r"received shape \(2, 2, 2\)"),
        ([[0.0, np.nan]], "series: expected finite numbers, received nan at step 0, channel 1"),
    ],
)
def test_series_show_validates(series, message):
    w = SeriesEditor(sine())
    with pytest.raises(ValueError, match=message):
        w.show(series)
    np.testing.assert_array_equal(w.array(), np.float32(sine()))


def test_series_shade_same_shape_symmetric_range_float32(record, binary):
    w = SeriesEditor(sine(), color_label="attribution")
    sent = record(w)
    shade = sine() * 0.3
    shade[0, 0] = -0.6
    w.show_shade(shade)
    assert len(sent) == 1
    assert (w.shade_lo, w.shade_hi) == pytest.approx((-0.6, 0.6))
    buf = binary(sent[0])["shade"]
    np.testing.assert_array_equal(np.frombuffer(buf, "<f4").reshape(32, 2), np.float32(shade))
    with pytest.raises(ValueError, match=r"values: expected shape \(32, 2\), received \(32, 1\)"):
        w.show_shade(np.zeros((32, 1)))
    with pytest.raises(ValueError, match="values: expected finite numbers"):
        w.show_shade(np.full((32, 2), np.inf))
    with pytest.raises(t.TraitError, match="shade: expected 0 or 256 bytes"):
        w.shade = b"\0" * 8
    w.shade_range(-1, 2)
    w.show_shade(shade)
    assert (w.shade_lo, w.shade_hi, w.auto_shade_range) == (-1.0, 2.0, False)
    w.show_shade(None)
    assert w.shade == b""


def test_series_new_shape_clears_the_shade_same_shape_keeps_it(record, binary):
    w = SeriesEditor(sine())
    w.show_shade(sine())
    w.show(sine() * 0.5)
    assert len(w.shade) == 256
    sent = record(w)
    w.show(sine(16))
    assert w.shade == b"" and (w.steps, w.channels) == (16, 2)
    assert set(sent[0][0]["state"]) | set(binary(sent[0])) == {"shade", "steps", "value"}
    assert w.array().shape == (16, 2)


def test_series_array_is_zeros_while_the_value_does_not_fit():
    w = SeriesEditor(sine())
    w.steps = 8  # changed directly: the page reads zeros for the missing values too
    assert w.array().shape == (8, 2) and not w.array().any()
