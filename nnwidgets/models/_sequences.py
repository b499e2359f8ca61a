"""Generated sequence data sets: "sentiment" (word tokens) and "waveforms" (2-channel series).

Both are drawn from ``np.random.default_rng(seed)`` (nothing is downloaded), so a seed gives
the same set bit for bit. ``load_dataset("sentiment")`` and ``load_dataset("waveforms")`` wrap
them as a ``Dataset``; this module holds the vocabulary, the label rule and the generators.

"sentiment" sentences are made of a fixed vocabulary (``VOCAB``). Their label follows one rule
(``sentiment_label``): the sentiment word that comes last decides, and a negation ("not",
"never", "hardly") right before it, intensifiers ("very", "really", "so", "extremely") skipped,
flips it. So "not bad" and "never boring" are positive, "not very good" is negative, and in
"the plot was dull but the acting was great" the clause after "but" decides.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

#: Steps of every sequence: sentences are padded (or cut) to this many tokens.
SEQUENCE_LENGTH = 32
#: Token id of the padding after a sentence, and of a word not in the vocabulary.
PAD, UNK = 0, 1
PAD_WORD, UNK_WORD = "<pad>", "<unk>"

#: The sequence sets ``load_dataset`` generates, by name.
SEQUENCE_DATASETS = ("sentiment", "waveforms")

POSITIVE_WORDS = (
    "good",
    "great",
    "fun",
    "excellent",
    "brilliant",
    "wonderful",
    "enjoyable",
    "clever",
    "funny",
    "charming",
)
NEGATIVE_WORDS = (
    "bad",
    "awful",
    "boring",
    "dull",
    "terrible",
    "poor",
    "weak",
    "predictable",
    "slow",
    "bland",
)
#: Keep the polarity of the sentiment word after them.
INTENSIFIERS = ("very", "really", "so", "extremely")
#: Flip the polarity of the sentiment word after them (intensifiers in between skipped).
NEGATIONS = ("not", "never", "hardly")
NOUNS = (
    "movie",
    "film",
    "plot",
    "acting",
    "story",
    "music",
    "ending",
    "cast",
    "script",
    "dialogue",
)
FUNCTION_WORDS = ("the", "a", "an", "this", "it", "was", "is", "felt", "i", "found", "thought")
CONNECTIVES = ("and", "but")
#: Token id -> word: ``VOCAB[PAD]`` is "<pad>", ``VOCAB[UNK]`` is "<unk>".
VOCAB: tuple[str, ...] = (
    PAD_WORD,
    UNK_WORD,
    *FUNCTION_WORDS,
    *CONNECTIVES,
    *NOUNS,
    *INTENSIFIERS,
    *NEGATIONS,
    *POSITIVE_WORDS,
    *NEGATIVE_WORDS,
)
SENTIMENT_CLASSES = ("negative", "positive")
#: Short sentences always in the training split (its first rows), with their labels.
TEACHING_PHRASES = (
    ("not bad", 1),
    ("very good", 1),
    ("never boring", 1),
    ("not good", 0),
    ("not very good", 0),
    ("very bad", 0),
)
#: Longest generated sentence, in words.
MAX_WORDS = 16

WAVEFORM_CLASSES = ("sine", "square", "sawtooth", "noise")
WAVEFORM_CHANNELS = 2

#: Sizes of the generated pools (before the train/test split).
POOL_SIZES = {"sentiment": 2600, "waveforms": 2000}

_COUNT_NOUNS = ("movie", "film", "plot", "story", "ending", "cast", "script")  # "a good film"
_POLARITY = {**{w: 1 for w in POSITIVE_WORDS}, **{w: -1 for w in NEGATIVE_WORDS}}
_WORD_RE = re.compile(r"\w+(?:'\w+)*")


def tokenize(text: str) -> list[str]:
    """The words of ``text``: lower-cased, split on whitespace and punctuation.

    Args:
        text: any string.

    Returns:
        The words in order (an apostrophe inside a word keeps it whole: "isn't").

    Examples:
        >>> tokenize("Not bad, REALLY!")
        ['not', 'bad', 'really']
    """
    if not isinstance(text, str):
        raise ValueError(f"text: expected a str, got {type(text).__name__}")
    return _WORD_RE.findall(text.lower())


def sentiment_label(words: str | Sequence[str]) -> int | None:
    """The label the "sentiment" set gives a sentence: 1 positive, 0 negative.

    The last sentiment word (``POSITIVE_WORDS``, ``NEGATIVE_WORDS``) decides. Its polarity is
    flipped when the nearest word before it that is not an intensifier is a negation: "not
    bad" and "not very bad" are positive, "never really fun" is negative. In the generated
    sentences the clause after "but" decides, and the sentiment words of a clause agree.

    Args:
        words: a sentence as a string (tokenized with ``tokenize``) or as its words.

    Returns:
        0 or 1; None when no sentiment word occurs.

    Examples:
        >>> sentiment_label("the plot was dull but the acting was not bad")
        1
    """
    if isinstance(words, str):
        words = tokenize(words)
    elif not isinstance(words, Sequence) or not all(isinstance(w, str) for w in words):
        raise ValueError(f"words: expected a str or a sequence of str, got {type(words).__name__}")
    label = None
    for i, word in enumerate(words):
        if word not in _POLARITY:
            continue
        polarity = _POLARITY[word]
        j = i - 1
        while j >= 0 and words[j] in INTENSIFIERS:
            j -= 1
        if j >= 0 and words[j] in NEGATIONS:
            polarity = -polarity
        label = int(polarity > 0)
    return label


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed: expected a non-negative int, got {seed!r}")
    return int(seed)


def _check_n(n: object, multiple: int, smallest: int) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < smallest or n % multiple:
        raise ValueError(f"n: expected an int >= {smallest}, a multiple of {multiple}, got {n!r}")
    return int(n)


class _Words:
    """Draws the words of sentences from one generator (uniform draws, so it is fast)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, options: Sequence[str]) -> str:
        return options[int(self.rng.random() * len(options))]

    def adjective(self, polarity: int, *, before_noun: bool = False) -> list[str]:
        """``[negation] [intensifier] word`` whose effective polarity is ``polarity``.

        ``before_noun``: no negation, and no "so" ("a very good film", never "a so good film").
        """
        if not before_noun and self.chance(0.4):
            neg = self.pick(NEGATIONS)
            words = [neg]
            if neg != "hardly" and self.chance(0.3):  # "not very good", never "hardly very"
                words.append(self.pick(("very", "really")))
            return [*words, self.pick(NEGATIVE_WORDS if polarity > 0 else POSITIVE_WORDS)]
        intensifiers = ("very", "really", "extremely") if before_noun else INTENSIFIERS
        words = [self.pick(intensifiers)] if self.chance(0.35) else []
        return [*words, self.pick(POSITIVE_WORDS if polarity > 0 else NEGATIVE_WORDS)]

    def adjectives(self, polarity: int, pair: bool) -> list[str]:
        """One adjective phrase, or (``pair``, sometimes) two joined by "and", same polarity."""
        first = self.adjective(polarity)
        if pair and self.chance(0.25):
            return [*first, "and", *self.other_adjective(polarity, first[-1])]
        return first

    def other_adjective(self, polarity: int, word: str) -> list[str]:
        """An adjective phrase of ``polarity`` whose sentiment word is not ``word``."""
        while True:
            second = self.adjective(polarity)
            if second[-1] != word:
                return second

    def noun_phrase(self) -> list[str]:
        return ["the", self.pick(NOUNS)]

    def verb(self) -> str:
        return self.pick(("was", "is"))

    def clause(self, polarity: int, pair: bool) -> list[str]:
        """A clause of effective ``polarity``; ``pair`` allows two adjectives in it."""
        kind = int(self.rng.random() * (8 if pair else 7))
        if kind == 0:  # "not bad", "very good and fun"
            return self.adjectives(polarity, pair)
        if kind == 1:  # "the plot was never boring"
            return [*self.noun_phrase(), self.verb(), *self.adjectives(polarity, pair)]
        if kind == 2:  # "it was so dull", "this film is great"
            subject = ["it"] if self.chance(0.5) else ["this", self.pick(("movie", "film"))]
            return [*subject, self.verb(), *self.adjectives(polarity, pair)]
        if kind == 3:  # "it felt hardly fun"
            return ["it", "felt", *self.adjectives(polarity, pair)]
        if kind == 4:  # "i found the ending really clever"
            obj = ["it"] if self.chance(0.5) else self.noun_phrase()
            return ["i", "found", *obj, *self.adjectives(polarity, pair)]
        if kind == 5:  # "i thought it was not very good"
            obj = ["it"] if self.chance(0.5) else self.noun_phrase()
            return ["i", "thought", *obj, "was", *self.adjectives(polarity, pair)]
        if kind == 6:  # "an extremely clever film"
            adjective = self.adjective(polarity, before_noun=True)
            article = "an" if adjective[0][0] in "aeiou" else "a"
            return [article, *adjective, self.pick(_COUNT_NOUNS)]
        # "the plot was dull and the acting was not good"
        first = self.adjective(polarity)
        return [
            *self.noun_phrase(),
            self.verb(),
            *first,
            "and",
            *self.noun_phrase(),
            self.verb(),
            *self.other_adjective(polarity, first[-1]),
        ]

    def sentence(self, label: int) -> list[str]:
        """A sentence of ``label`` (2 to ``MAX_WORDS`` words); a third are "A but B", B deciding."""
        polarity = 1 if label else -1
        while True:
            if self.chance(1 / 3):
                words = [*self.clause(-polarity, False), "but", *self.clause(polarity, False)]
            else:
                words = self.clause(polarity, True)
            if 2 <= len(words) <= MAX_WORDS:
                return words


def sentiment_raw(seed: int = 0, n: int = 2594) -> tuple[tuple[tuple[str, ...], ...], np.ndarray]:
    """Generated "sentiment" sentences (words) and labels, half of each class.

    The teaching phrases (``TEACHING_PHRASES``) are not among them; ``load_dataset`` adds them
    to the training split.

    Args:
        seed: seeds the labels' order and every word.
        n: number of sentences (even, >= 2).

    Returns:
        ``(sentences, labels)``: tuples of 2 to ``MAX_WORDS`` words, and int32 labels
        (0 "negative", 1 "positive") equal to ``sentiment_label`` of each sentence.
    """
    seed, n = _check_seed(seed), _check_n(n, 2, 2)
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % 2).astype(np.int32)
    words = _Words(rng)
    sentences = tuple(tuple(words.sentence(int(label))) for label in labels)
    return sentences, labels


def encode_words(
    words: Sequence[str], vocab: Sequence[str] = VOCAB, length: int = SEQUENCE_LENGTH
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Token ids (float32, shape ``(length,)``) of ``words`` and the words not in ``vocab``.

    Unknown words become ``UNK``; words past ``length`` are dropped, the rest is ``PAD``.
    The unknown words are those kept (not dropped), each once, in order of appearance.
    """
    index = {w: i for i, w in enumerate(vocab) if i not in (PAD, UNK)}
    kept = list(words)[:length]
    ids = np.full(length, PAD, np.float32)
    ids[: len(kept)] = [index.get(w, UNK) for w in kept]
    unknown = tuple(dict.fromkeys(w for w in kept if w not in index))
    return ids, unknown


def _smooth_noise(rng: np.random.Generator, n: int, length: int) -> np.ndarray:
    """``(n, length)`` white noise smoothed by a Gaussian of random width (1 to 2.5 steps)."""
    margin = 8
    white = rng.normal(0.0, 1.0, (n, length + 2 * margin))
    width = rng.uniform(1.0, 2.5, (n, 1, 1))
    offset = np.arange(length + 2 * margin)[None, None, :] - (
        np.arange(length)[None, :, None] + margin
    )
    kernel = np.exp(-0.5 * (offset / width) ** 2)
    kernel /= kernel.sum(axis=2, keepdims=True)
    return np.einsum("nij,nj->ni", kernel, white)


def _shape(kind: np.ndarray, cycles: np.ndarray) -> np.ndarray:
    """Waveform ``kind`` (0 sine, 1 square, 2 sawtooth) at phases ``cycles`` (in cycles)."""
    frac = cycles - np.floor(cycles)
    return np.select(
        [kind == 0, kind == 1],
        [np.sin(2 * np.pi * cycles), np.where(frac < 0.5, 1.0, -1.0)],
        2.0 * frac - 1.0,
    )


def waveforms_raw(seed: int = 0, n: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    """Generated "waveforms" series and labels, a quarter of each class.

    Channel 0 is a sine, square or sawtooth wave of 1 to 4 cycles over the window, random
    phase and amplitude (0.6 to 1.2), plus a little noise. Channel 1 is the same wave a
    quarter cycle later (so a sine's partner is a cosine), scaled by 0.5 to 1. "noise" is
    smoothed random noise with the same peak; its channel 1 is the same noise 2 to 4 steps
    later. Values are clipped to [-1.5, 1.5].

    Args:
        seed: seeds the labels' order and every value.
        n: number of series (a multiple of 4, >= 4).

    Returns:
        ``(X, y)``: float32 ``(n, SEQUENCE_LENGTH, 2)`` and int32 labels (``WAVEFORM_CLASSES``).
    """
    seed, n = _check_seed(seed), _check_n(n, 4, 4)
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(n) % 4).astype(np.int32)
    t = np.arange(SEQUENCE_LENGTH) / SEQUENCE_LENGTH
    freq = rng.uniform(1.0, 4.0, (n, 1))
    phase = rng.uniform(0.0, 1.0, (n, 1))
    amplitude = rng.uniform(0.6, 1.2, (n, 1))
    partner = rng.uniform(0.5, 1.0, (n, 1))
    sigma = rng.uniform(0.02, 0.08, (n, 1, 1))
    cycles = freq * t + phase
    kind = np.broadcast_to(y[:, None], cycles.shape)
    X = np.stack([_shape(kind, cycles), partner * _shape(kind, cycles - 0.25)], axis=2)
    noisy = np.flatnonzero(y == 3)
    lag = rng.integers(2, 5, len(noisy))
    smooth = _smooth_noise(rng, len(noisy), SEQUENCE_LENGTH + 4)
    smooth /= np.abs(smooth[:, 4:]).max(axis=1, keepdims=True)
    steps = np.arange(SEQUENCE_LENGTH)
    X[noisy, :, 0] = smooth[:, 4 + steps]
    X[noisy, :, 1] = (
        partner[noisy] * smooth[np.arange(len(noisy))[:, None], 4 + steps - lag[:, None]]
    )
    X = amplitude[:, :, None] * X + rng.normal(0.0, 1.0, X.shape) * sigma
    return np.clip(X, -1.5, 1.5).astype(np.float32), y


def _split(
    rng: np.random.Generator, y: np.ndarray, test_fraction: float
) -> tuple[np.ndarray, np.ndarray]:
    """Shuffled train and test indices, stratified: each class loses ``test_fraction``."""
    train, test = [], []
    for label in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == label))
        n_test = round(len(idx) * test_fraction)
        test.append(idx[:n_test])
        train.append(idx[n_test:])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))


def check_split(test_fraction: object, seed: object) -> tuple[float, int]:
    """``(test_fraction, seed)`` as a float in [0.1, 0.9] and an int >= 0, else ValueError."""
    if (
        isinstance(test_fraction, bool)
        or not isinstance(test_fraction, (int, float, np.integer, np.floating))
        or not 0.1 <= test_fraction <= 0.9
    ):
        raise ValueError(f"test_fraction: expected a float in [0.1, 0.9], got {test_fraction!r}")
    return float(test_fraction), _check_seed(seed)


def sequence_arrays(name: str, test_fraction: float = 0.25, seed: int = 0) -> dict[str, Any]:
    """The fields of the ``Dataset`` named ``name`` (one of ``SEQUENCE_DATASETS``), but its name.

    The pool (``POOL_SIZES``) is generated from ``seed`` and split stratified; "sentiment"'s
    training split also gets the ``TEACHING_PHRASES``. The arrays are new and writeable.

    Args:
        name: "sentiment" or "waveforms".
        test_fraction: share of the pool held out, in [0.1, 0.9].
        seed: seeds the pool and the split.

    Returns:
        A dict of ``kind``, ``X_train``, ``y_train``, ``X_test``, ``y_test``,
        ``feature_names``, ``class_names`` and ``vocab``.
    """
    if name not in SEQUENCE_DATASETS:
        raise ValueError(f"data set name: expected one of {list(SEQUENCE_DATASETS)}, got {name!r}")
    test_fraction, seed = check_split(test_fraction, seed)
    if name == "waveforms":
        X, y = waveforms_raw(seed, POOL_SIZES[name])
        feature_names = tuple(
            f"step {t} · channel {c}"
            for t in range(SEQUENCE_LENGTH)
            for c in range(WAVEFORM_CHANNELS)
        )
        kind, classes, vocab = "series", WAVEFORM_CLASSES, ()
    else:
        sentences, y = sentiment_raw(seed, POOL_SIZES[name] - len(TEACHING_PHRASES))
        X = np.stack([encode_words(s)[0] for s in sentences])
        feature_names = tuple(f"token {t}" for t in range(SEQUENCE_LENGTH))
        kind, classes, vocab = "text", SENTIMENT_CLASSES, VOCAB
    # the split has its own stream: the same seed splits pools of any size alike
    idx_train, idx_test = _split(np.random.default_rng([seed, 1]), y, test_fraction)
    X_train, y_train = X[idx_train], y[idx_train]
    if name == "sentiment":
        teach = np.stack([encode_words(tokenize(text))[0] for text, _ in TEACHING_PHRASES])
        X_train = np.concatenate([teach, X_train])
        y_train = np.concatenate([np.array([lab for _, lab in TEACHING_PHRASES]), y_train])
    return {
        "kind": kind,
        "X_train": X_train.astype(np.float32),
        "y_train": y_train.astype(np.int32),
        "X_test": X[idx_test].astype(np.float32),
        "y_test": y[idx_test].astype(np.int32),
        "feature_names": feature_names,
        "class_names": classes,
        "vocab": vocab,
    }
