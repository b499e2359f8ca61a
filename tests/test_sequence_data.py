"""The generated sequence sets: "sentiment" (token ids) and "waveforms" (2-channel series)."""

import time

import numpy as np
import pytest

from nnwidgets.models import (
    DATASETS,
    PAD,
    SEQUENCE_DATASETS,
    SEQUENCE_LENGTH,
    UNK,
    load_dataset,
)
from nnwidgets.models import _sequences as seq


@pytest.fixture(scope="module")
def sentiment():
    return load_dataset("sentiment")


@pytest.fixture(scope="module")
def waveforms():
    return load_dataset("waveforms")


def label_of(ds, text):
    """The rule's label of ``text`` read back from its encoding, as a model would see it."""
    ids, _ = ds.encode(text)
    return seq.sentiment_label(ds.decode(ids))


def bag_of_words(X, vocab_size):
    counts = np.zeros((len(X), vocab_size))
    rows = np.repeat(np.arange(len(X)), X.shape[1])
    np.add.at(counts, (rows, X.astype(int).ravel()), 1)
    counts[:, PAD] = 0
    return counts


def test_names_and_exports():
    assert SEQUENCE_DATASETS == ("sentiment", "waveforms")
    assert DATASETS == ("digits", "iris", "wine", "breast_cancer")  # write_snapshots loops over it
    assert (SEQUENCE_LENGTH, PAD, UNK) == (32, 0, 1)
    assert seq.VOCAB[:2] == ("<pad>", "<unk>") and len(set(seq.VOCAB)) == len(seq.VOCAB)
    assert 40 <= len(seq.VOCAB) <= 60
    with pytest.raises(ValueError, match=r"expected one of \[.*'sentiment', 'waveforms'\]"):
        load_dataset("imdb")


@pytest.mark.parametrize("name", SEQUENCE_DATASETS)
def test_deterministic_bit_for_bit(name):
    a, b = seq.sequence_arrays(name), seq.sequence_arrays(name)  # no cache between them
    for key in ("X_train", "y_train", "X_test", "y_test"):
        assert a[key].tobytes() == b[key].tobytes(), key
    other = seq.sequence_arrays(name, seed=1)
    assert not np.array_equal(a["X_train"], other["X_train"])
    ds = load_dataset(name)
    assert load_dataset(name) is ds  # generated once
    np.testing.assert_array_equal(ds.X_train, a["X_train"])


@pytest.mark.parametrize("name", SEQUENCE_DATASETS)
def test_loading_is_fast(name):
    t0 = time.perf_counter()
    seq.sequence_arrays(name, seed=7)
    assert time.perf_counter() - t0 < 0.2


@pytest.mark.parametrize("name", SEQUENCE_DATASETS)
def test_cached_arrays_are_read_only(name):
    ds = load_dataset(name)
    for arr in (ds.X_train, ds.y_train, ds.X_test, ds.y_test):
        assert not arr.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            arr[0] = 0


def test_sentiment_shapes_sizes_and_balance(sentiment):
    ds = sentiment
    assert ds.kind == "text" and ds.class_names == ("negative", "positive")
    assert ds.vocab == seq.VOCAB and ds.input_shape == (SEQUENCE_LENGTH,)
    assert ds.X_train.dtype == np.float32 and ds.y_train.dtype == np.int32
    assert ds.X_train.shape == (1952, 32) and ds.X_test.shape == (648, 32)
    assert ds.feature_names == tuple(f"token {i}" for i in range(32))
    assert len(ds.feature_names) == int(np.prod(ds.input_shape))
    np.testing.assert_array_equal(np.bincount(ds.y_train), [976, 976])
    np.testing.assert_array_equal(np.bincount(ds.y_test), [324, 324])
    X = ds.X
    assert (np.round(X) == X).all() and X.min() == PAD and X.max() == len(seq.VOCAB) - 1
    assert not (X == UNK).any()
    lengths = (X != PAD).sum(axis=1)
    assert lengths.min() == 2 and lengths.max() <= seq.MAX_WORDS
    # the words come first, then only padding
    assert all((row[n:] == PAD).all() and (row[:n] != PAD).all() for row, n in zip(X, lengths))


def test_sentiment_labels_follow_the_rule(sentiment):
    ds = sentiment
    for X, y in ((ds.X_train, ds.y_train), (ds.X_test, ds.y_test)):
        rule = np.array([seq.sentiment_label(ds.decode(row)) for row in X])
        np.testing.assert_array_equal(rule, y)


def test_teaching_phrases_in_training_set(sentiment):
    ds = sentiment
    train = [" ".join(ds.decode(row)) for row in ds.X_train]
    for text, label in [("not bad", 1), ("very good", 1), ("never boring", 1), ("not good", 0)]:
        assert text in train
        assert ds.y_train[train.index(text)] == label
        assert label_of(ds, text) == label


def test_negation_flips_and_intensifiers_keep(sentiment):
    ds = sentiment
    assert label_of(ds, "good") == 1 and label_of(ds, "not good") == 0
    assert label_of(ds, "boring") == 0 and label_of(ds, "never boring") == 1
    assert label_of(ds, "very good") == 1 and label_of(ds, "not very good") == 0
    assert label_of(ds, "extremely dull") == 0 and label_of(ds, "hardly dull") == 1
    assert label_of(ds, "not really bad") == 1
    # the negation must come right before (intensifiers skipped): here it is not
    assert label_of(ds, "it was not the plot that was good") == 1
    assert seq.sentiment_label("the movie was long") is None


def test_but_clause_decides(sentiment):
    ds = sentiment
    assert label_of(ds, "the plot was dull but the acting was great") == 1
    assert label_of(ds, "the plot was great but the acting was dull") == 0
    assert label_of(ds, "it was boring but not bad") == 1
    assert label_of(ds, "good but never fun") == 0
    sentences, labels = seq.sentiment_raw(seed=3, n=400)
    with_but = [(s, y) for s, y in zip(sentences, labels) if "but" in s]
    assert len(with_but) > 50
    for s, y in with_but:
        after = s[len(s) - s[::-1].index("but") :]
        assert seq.sentiment_label(after) == y
        before = s[: s.index("but")]
        assert seq.sentiment_label(before) == 1 - y  # "but" joins opposite clauses


def test_generated_sentences(sentiment):
    sentences, labels = seq.sentiment_raw(seed=5, n=600)
    assert len(sentences) == 600 and labels.dtype == np.int32
    np.testing.assert_array_equal(np.bincount(labels), [300, 300])
    vocab = set(seq.VOCAB[2:])
    assert all(set(s) <= vocab and 2 <= len(s) <= seq.MAX_WORDS for s in sentences)
    assert [seq.sentiment_label(s) for s in sentences] == labels.tolist()
    negated = sum(any(w in seq.NEGATIONS for w in s) for s in sentences)
    assert 0.3 < negated / len(sentences) < 0.7


def test_encode_unknown_words_and_case(sentiment):
    ds = sentiment
    ids, unknown = ds.encode("Not BAD, Sherlock... not bad at all, Sherlock!")
    assert ids.dtype == np.float32 and ids.shape == (SEQUENCE_LENGTH,)
    assert unknown == ("sherlock", "at", "all")  # each once, in order
    words = ds.decode(ids)
    assert words == ("not", "bad", "<unk>", "not", "bad", "<unk>", "<unk>", "<unk>")
    assert ids[2] == UNK and (ids[8:] == PAD).all()
    for empty in ("", "  ", "?!"):
        ids, unknown = ds.encode(empty)
        assert (ids == PAD).all() and unknown == ()
    assert ds.encode("<unk> <pad>")[1] == ("unk", "pad")  # never the special tokens


def test_encode_truncates(sentiment):
    ds = sentiment
    text = " ".join(["very"] * 40 + ["zebra"])
    ids, unknown = ds.encode(text)
    assert ids.shape == (SEQUENCE_LENGTH,) and (ids == seq.VOCAB.index("very")).all()
    assert unknown == ()  # "zebra" was cut off, not kept as <unk>


def test_decode_round_trip(sentiment):
    ds = sentiment
    for row in ds.X_test[:50]:
        words = ds.decode(row)
        np.testing.assert_array_equal(ds.encode(" ".join(words))[0], row)
    assert ds.decode(np.array([0, 32, 0, 1], np.int64)) == ("good", "<unk>")
    assert ds.decode([]) == ()


def test_bad_arguments_name_themselves(sentiment, waveforms):
    ds = sentiment
    with pytest.raises(ValueError, match="text: expected a str, got int"):
        ds.encode(3)
    with pytest.raises(ValueError, match=r"ids: expected a 1-D array .*shape \(2, 32\)"):
        ds.decode(ds.X_train[:2])
    with pytest.raises(ValueError, match=r"ids: expected whole numbers in \[0, 51\], got 52 at 1"):
        ds.decode([3, 52])
    with pytest.raises(ValueError, match=r"ids: expected whole numbers .*got -1.0 at 0"):
        ds.decode(np.array([-1.0]))
    with pytest.raises(ValueError, match=r"ids: expected whole numbers .*got 2.5 at 0"):
        ds.decode([2.5])
    with pytest.raises(ValueError, match="ids: expected a 1-D array"):
        ds.decode(["good"])
    for other in (waveforms, load_dataset("iris")):
        with pytest.raises(ValueError, match=f"encode: expected a text data set.*'{other.kind}'"):
            other.encode("good")
        with pytest.raises(ValueError, match="decode: expected a text data set"):
            other.decode([2, 3])
    with pytest.raises(ValueError, match=r"test_fraction: expected a float in \[0.1, 0.9\]"):
        load_dataset("sentiment", test_fraction=0.95)
    with pytest.raises(ValueError, match=r"test_fraction: expected a float.*got '0\.2'"):
        load_dataset("waveforms", test_fraction="0.2")
    with pytest.raises(ValueError, match="seed: expected a non-negative int, got -1"):
        load_dataset("sentiment", seed=-1)
    with pytest.raises(ValueError, match=r"seed: expected a non-negative int, got 1\.5"):
        load_dataset("waveforms", seed=1.5)
    with pytest.raises(ValueError, match="n: expected an int >= 2, a multiple of 2, got 7"):
        seq.sentiment_raw(n=7)
    with pytest.raises(ValueError, match="n: expected an int >= 4, a multiple of 4, got 10"):
        seq.waveforms_raw(n=10)
    with pytest.raises(ValueError, match="words: expected a str or a sequence of str"):
        seq.sentiment_label([1, 2])
    with pytest.raises(ValueError, match="text: expected a str, got NoneType"):
        seq.tokenize(None)


def test_other_split(sentiment):
    ds = load_dataset("sentiment", test_fraction=0.5, seed=2)
    np.testing.assert_array_equal(np.bincount(ds.y_test), [648, 648])
    np.testing.assert_array_equal(np.bincount(ds.y_train), [652, 652])
    assert ds.vocab == sentiment.vocab


def test_bag_of_words_fails_where_the_negation_rule_succeeds(sentiment):
    from sklearn.linear_model import LogisticRegression

    ds = sentiment
    v = len(ds.vocab)
    model = LogisticRegression(C=10.0, max_iter=2000)
    model.fit(bag_of_words(ds.X_train, v), ds.y_train)
    train_acc = model.score(bag_of_words(ds.X_train, v), ds.y_train)
    test_acc = model.score(bag_of_words(ds.X_test, v), ds.y_test)
    assert train_acc < 0.8 and test_acc < 0.8, (train_acc, test_acc)  # word order matters
    rule = np.array([seq.sentiment_label(ds.decode(row)) for row in ds.X_test])
    assert (rule == ds.y_test).mean() == 1.0


def test_waveforms_shapes_sizes_and_balance(waveforms):
    ds = waveforms
    assert ds.kind == "series" and ds.class_names == ("sine", "square", "sawtooth", "noise")
    assert ds.input_shape == (SEQUENCE_LENGTH, 2) and ds.vocab == ()
    assert ds.X_train.dtype == np.float32 and ds.y_train.dtype == np.int32
    assert ds.X_train.shape == (1500, 32, 2) and ds.X_test.shape == (500, 32, 2)
    assert len(ds.feature_names) == int(np.prod(ds.input_shape)) == 64
    # one name per value, in the order of X.reshape(n, -1)
    assert ds.feature_names[:3] == (
        "step 0 · channel 0",
        "step 0 · channel 1",
        "step 1 · channel 0",
    )
    assert ds.feature_names[-1] == "step 31 · channel 1"
    np.testing.assert_array_equal(np.bincount(ds.y_train), [375] * 4)
    np.testing.assert_array_equal(np.bincount(ds.y_test), [125] * 4)


def test_waveforms_finite_bounded_and_alike_in_amplitude(waveforms):
    X, y = waveforms.X, waveforms.y
    assert np.isfinite(X).all() and np.abs(X).max() <= 1.5
    peak = np.abs(X[:, :, 0]).max(axis=1)
    for label in range(4):
        assert 0.55 < np.median(peak[y == label]) < 1.2, label
    # the channels are related: a sine's partner is its cosine (a quarter cycle later)
    sines = X[y == 0]
    corr = [np.corrcoef(s[:, 0], s[:, 1])[0, 1] for s in sines]
    assert np.abs(np.median(corr)) < 0.4


def shape_features(X):
    """Per channel: how much time near the peak, how far a step moves, how often it rises."""
    x = X / np.abs(X).max(axis=1, keepdims=True)
    dx = np.diff(x, axis=1)
    parts = [
        np.abs(x).mean(1),
        (np.abs(x) > 0.8).mean(1),
        np.abs(dx).mean(1),
        np.abs(dx).max(1),
        (dx > 0).mean(1),
    ]
    return np.concatenate(parts, axis=1)


def test_waveforms_are_learnable_from_shape_not_raw_values(waveforms):
    from sklearn.linear_model import LogisticRegression

    ds = waveforms
    model = LogisticRegression(max_iter=3000).fit(shape_features(ds.X_train), ds.y_train)
    assert model.score(shape_features(ds.X_test), ds.y_test) > 0.8
    flat = LogisticRegression(max_iter=3000).fit(ds.X_train.reshape(1500, -1), ds.y_train)
    assert flat.score(ds.X_test.reshape(500, -1), ds.y_test) < 0.6  # phase varies: no template
