"""The Explorer on sequence models, headless: state, views and app equal the kernels."""

from __future__ import annotations

import jax
import numpy as np
import pytest

from nnwidgets import Explorer
from nnwidgets.kernels import attention_rollout, explain
from nnwidgets.models import (
    GRU,
    LSTM,
    Dense,
    Embedding,
    PositionalEncoding,
    SequencePool,
    Sequential,
    TransformerBlock,
    load_dataset,
)
from nnwidgets.views import AttentionView, HiddenStateView, SequenceInput
from nnwidgets.views._matrix_canvas import MatrixCanvas


@pytest.fixture(scope="module")
def text_app():
    ds = load_dataset("sentiment")
    net = Sequential(
        (32,),
        (
            Embedding(len(ds.vocab), 16),
            PositionalEncoding(),
            TransformerBlock(2, 32),
            SequencePool(),
            Dense(2),
        ),
    )
    ex = Explorer(net, net.init(jax.random.key(0)), data=ds, method="integrated_gradients")
    yield ex
    ex.close()


@pytest.fixture(scope="module")
def series_app():
    ds = load_dataset("waveforms")
    net = Sequential((32, 2), (LSTM(8), Dense(4)))
    ex = Explorer(net, net.init(jax.random.key(1)), data=ds, method="occlusion")
    yield ex
    ex.close()


def test_text_sets_the_token_ids_and_names_unknown_words(text_app):
    s = text_app.state
    s.text = "the plot was not bad blorp"
    ids, unknown = s.dataset.encode("the plot was not bad blorp")
    np.testing.assert_array_equal(s.x, ids)
    assert s.unknown_words == ["blorp"] and unknown == ("blorp",)
    assert s.words == ("the", "plot", "was", "not", "bad", "<unk>")
    assert s.error == ""


def test_picking_an_example_shows_its_words_in_the_text_box(text_app):
    s = text_app.state
    src = next(v for v in text_app.views if isinstance(v, SequenceInput))
    src.picker.index.set_state({"value": 5})  # the browser's slider
    words = s.dataset.decode(s.dataset.X_test[5])
    assert src.text.value == " ".join(words) == s.text and s.words == words
    assert s.label == int(s.dataset.y_test[5]) and src.strip.tokens == list(words)
    assert src.text.trait_metadata("value", "echo_update") is False  # typing: no echo


def test_an_empty_sentence_says_so_instead_of_an_all_zero_map(text_app):
    s = text_app.state
    s.text = ""
    assert s.words == () and s.notice.startswith("no words yet: type a sentence")
    assert "all zero" not in s.notice and s.error == ""
    s.text = "good"
    assert s.notice == ""


def test_ids_set_directly_show_as_their_words(text_app):
    s = text_app.state
    s.x = s.dataset.X_test[3]
    assert s.text == " ".join(s.dataset.decode(s.dataset.X_test[3]))
    assert s.unknown_words == []


def test_the_token_strip_shows_the_kernels_attribution_per_word(text_app):
    s = text_app.state
    src = next(v for v in text_app.views if isinstance(v, SequenceInput))
    src.text.value = "very good but the ending was dull"  # as the browser's text box would
    assert s.text == "very good but the ending was dull"
    e = explain(s.model, s.params, s.x, method="integrated_gradients")
    np.testing.assert_allclose(src.strip.array(), e.attribution[:7], rtol=1e-4, atol=1e-5)
    assert src.strip.tokens == list(s.words)
    assert "completeness gap" in src.strip.caption


def test_attention_view_draws_each_head_and_the_rollout_from_the_state(text_app):
    s = text_app.state
    text_app.tabs.selected_index = [t for t, _ in text_app.tab_list].index("attention")
    view = text_app.tab_view("attention")  # the tab shown: it redraws on every step
    assert isinstance(view, AttentionView)
    s.text = "not boring at all"
    n = len(s.words)
    w = np.asarray(s.activations["block_1.attention"])
    np.testing.assert_allclose(view.heads[("block_1.attention", 1)].array(), w[:n, :n, 1])
    np.testing.assert_allclose(w[:, :n].sum(axis=1), 1.0, atol=1e-5)  # rows sum to 1
    np.testing.assert_array_equal(w[:, n:], 0.0)  # padding keys get 0
    small = view.heads[("block_1.attention", 1)]
    small._handle_custom_msg({"event": "cell_click", "row": 0, "col": 1}, [])  # as the page
    assert view.pick.value == "block_1.attention|1"
    np.testing.assert_allclose(view.large.array(), w[:n, :n, 1])
    view.pick.value = "rollout"
    want = np.asarray(attention_rollout((w,)))
    np.testing.assert_allclose(view.large.array(), want[:n, :n], rtol=1e-5)
    np.testing.assert_allclose(s.rollout.sum(axis=1), 1.0, atol=1e-5)


SENTENCE = "the plot was not bad but the ending was really dull"


def _shown(app, tab):
    """The Explorer's ``tab`` view, its tab selected (a shown tab redraws on every step)."""
    app.tabs.selected_index = [t for t, _ in app.tab_list].index(tab)
    return app.tab_view(tab)


def test_the_enlarged_attention_map_names_queries_and_keys_by_the_words(text_app):
    s = text_app.state
    view = _shown(text_app, "attention")
    s.text = SENTENCE
    words = list(s.words)
    assert words == SENTENCE.split()
    for pick in [f"{name}|{h}" for name, h in view.heads] + ["rollout"]:
        view.pick.value = pick
        large = view.large
        assert large.col_names == words and large.row_names == words  # keys, queries
        assert (large.x_label, large.y_label) == ("key", "query")
        assert (large.rows, large.cols) == (len(words), len(words))
        assert large.color_bar and large.color_label == "attention weight"
        assert large.caption == ""  # the words are on the axes, no caption lists them
    assert len(view.heads) == 2  # block_1's two heads
    for plot in view.heads.values():  # the small maps: no names, no bar of their own
        assert plot.color_bar is False and not plot.axes
        assert plot.col_names == [] and plot.row_names == []
        assert (plot.lo, plot.hi) == (large.lo, large.hi) == (0.0, 1.0)  # the large map's bar
    s.text = " ".join([SENTENCE] * 3)  # cut at the model's 32 steps
    assert len(s.words) == 32 and view.large.col_names == list(s.words)
    assert view.large.width_px / 32 >= 12  # a line's width a word: none left out on the page
    s.text = "not bad"
    assert view.large.col_names == view.large.row_names == ["not", "bad"]
    s.text = ""  # the one padding step the model reads
    assert view.large.col_names == view.large.row_names == ["<pad>"]
    assert view.large.title.endswith("no words, nothing to attend to")


def test_hidden_state_maps_name_their_steps_by_the_words(text_app):
    s = text_app.state
    view = _shown(text_app, "hidden states")
    s.text = SENTENCE
    for plot in (view.state_map, view.gate_map):
        assert plot.col_names == list(s.words) and plot.row_names == []  # units: indices
        assert (plot.x_label, plot.y_label) == ("step", "unit") and plot.caption == ""
        assert plot.color_bar
        # square cells at least 12 px (up to 64 units): a line for each word written upright
        assert min(plot.width_px / plot.cols, plot.height_px / plot.rows) >= 12
    np.testing.assert_allclose(
        view.state_map.array(), np.asarray(s.activations[view.states.value])[: len(s.words)].T
    )


def test_series_maps_keep_index_ticks(series_app):
    view = _shown(series_app, "hidden states")
    for plot in (view.state_map, view.gate_map):
        assert plot.col_names == [] and plot.row_names == [] and plot.caption == ""


def test_matrix_names_are_checked_and_sent_with_the_values_only_when_changed(monkeypatch):
    import comm
    from widget_comm import LOG, DummyComm, updates

    monkeypatch.setattr(comm, "create_comm", lambda **kw: DummyComm())
    LOG.clear()
    plot = MatrixCanvas(scheme="viridis")
    words = ["not", "bad", "at"]
    plot.show(np.eye(3), labels=("key", "query"), names=(words, words))
    plot.show(0.5 * np.eye(3), labels=("key", "query"), names=(words, words))

    def sent(message):  # the traits an update carries (the values as a binary buffer)
        return set(message["state"]) | {path[0] for path in message["buffer_paths"]}

    first, second = updates(plot)
    assert {"values", "col_names", "row_names", "rows", "cols"} <= sent(first)
    assert first["state"]["col_names"] == words
    assert sent(second) == {"values"}  # the same names: not sent again
    plot.show(np.ones((2, 3)), names=(words, None))  # fewer rows: the row names go
    (third,) = updates(plot)[2:]
    assert third["state"]["row_names"] == [] and "col_names" not in sent(third)
    with pytest.raises(ValueError, match=r"names\[0\]: expected 3 column names .* received 2"):
        plot.show(np.ones((2, 3)), names=(words[:2], None))
    with pytest.raises(ValueError, match=r"names\[1\]: expected 2 row names .* received 3"):
        plot.show(np.ones((2, 3)), names=(None, words))
    with pytest.raises(ValueError, match=r"names: expected a pair \(column names, row names\)"):
        plot.show(np.ones((2, 3)), names=words)
    with pytest.raises(ValueError, match=r"names\[0\]: .* received the string 'abc'"):
        plot.show(np.ones((2, 3)), names=("abc", None))
    assert plot.col_names == words and plot.rows == 2  # a refused call changes nothing
    plot.show(np.ones((2, 3)))  # no names: index ticks again
    assert plot.col_names == [] and plot.row_names == []
    plot.close()


def test_hidden_state_view_draws_units_by_steps(series_app):
    s = series_app.state
    series_app.tabs.selected_index = 0
    view = series_app.tab_view("hidden states")
    assert isinstance(view, HiddenStateView)
    assert view.states.value == "lstm_1"
    assert set(view.gates.options) == {
        "lstm_1.input_gate",
        "lstm_1.forget_gate",
        "lstm_1.candidate",
        "lstm_1.output_gate",
        "lstm_1.cell",
    }
    np.testing.assert_allclose(view.state_map.array(), np.asarray(s.activations["lstm_1"]).T)
    view.gates.value = "lstm_1.forget_gate"
    gate = view.gate_map.array()
    np.testing.assert_allclose(gate, np.asarray(s.activations["lstm_1.forget_gate"]).T)
    assert gate.min() >= 0 and gate.max() <= 1 and series_app.state.rollout is None


def test_dragging_a_series_point_recomputes_with_the_new_series(series_app):
    s = series_app.state
    editor = next(v for v in series_app.views if isinstance(v, SequenceInput)).editor
    x = editor.array()
    x[5, 1] = 1.25
    editor.set_state({"value": x.astype("<f4").tobytes()})  # what the page sends
    assert s.x[5, 1] == np.float32(1.25)
    e = explain(s.model, s.params, s.x, method="occlusion", settings=s.settings())
    np.testing.assert_allclose(
        np.frombuffer(editor.shade, "<f4").reshape(32, 2), e.attribution, atol=1e-5
    )
    assert s.window == 1 and s.settings().window == (1, 2)  # a window of steps, every channel


def test_sequence_apps_have_their_own_tabs_first():
    assert Explorer.__init__  # the class, for the tab constants
    from nnwidgets.apps._explorer import SEQUENCE_TABS

    assert [t for t, _ in SEQUENCE_TABS] == ["hidden states", "attention"]


def test_bad_sequence_inputs_are_refused_in_the_widget(text_app, series_app):
    s = series_app.state
    s.text = "hello"
    assert s.error.startswith("text: expected a model that reads token ids")
    s.baseline_kind = "blur"
    assert "'blur' needs an image input" in s.error and s.baseline_kind != "blur"
    s.superpixel = 2
    assert s.error.startswith("superpixel: expected 0") and s.superpixel == 0
    s.window = 40
    assert "steps (32)" in s.error
    x = s.x.copy()
    bad = x.copy()
    bad[0, 0] = np.nan
    s.x = bad
    assert "NaN" in s.error or "finite" in s.error
    np.testing.assert_array_equal(s.x, x)  # the last good input stays
    text_app.state.baseline_kind = "blur"
    assert "'blur' needs an image input" in text_app.state.error


def test_a_gru_series_model_shows_its_gates():
    ds = load_dataset("waveforms")
    net = Sequential((32, 2), (GRU(6, return_sequences=True), SequencePool("last"), Dense(4)))
    ex = Explorer(net, net.init(jax.random.key(2)), data=ds)
    try:
        view = ex.tab_view("hidden states")
        assert view.gates.options == ("gru_1.reset_gate", "gru_1.update_gate", "gru_1.candidate")
        assert [t for t, _ in ex.tab_list][:2] == ["hidden states", "network"]  # no attention
    finally:
        ex.close()
