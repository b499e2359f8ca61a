"""A tokenised sentence as a row of word chips, each coloured by a value (e.g. its attribution).

The words travel as a list of strings (sent when they change), their values as one float32
buffer (``values``); the page colours the chips on the diverging scheme, marks unknown words
and builds the values table from the same buffer, as the other canvases do.
"""

from __future__ import annotations

from typing import Any

import anywidget
import numpy as np
import traitlets as t

from ._base import Captioned, set_changed
from ._js import esm

_ESM = esm("tokens")


class TokenStrip(Captioned, anywidget.AnyWidget):
    """Word chips coloured by one value per token on the diverging scheme, with a colour bar.

    ``show(tokens, values, unknown)`` draws the sentence: token ``i`` is the chip ``i`` (with
    ``data-index`` and its float32 ``data-value`` in the page), its background the value's
    colour over ``[lo, hi]``. Each ``show`` sets the range to ±max|value| (symmetric around 0)
    unless ``color_range(lo, hi)`` fixed it. Unknown words are drawn dashed, with a note that
    the model reads them as ``<unk>``; an empty sentence shows "type a sentence".

    Examples:
        >>> strip = TokenStrip(title="attribution per word", color_label="attribution")
        >>> strip.show(["not", "bad"], [-0.5, 0.25], unknown=[False, True])
        >>> strip.array(), (strip.lo, strip.hi)
        (array([-0.5 ,  0.25], dtype=float32), (-0.5, 0.5))
    """

    _esm = _ESM
    tokens = t.List(t.Unicode(), help="The words, one chip each.").tag(sync=True)
    unknown = t.List(t.Bool(), help="Per token: not in the vocabulary (drawn dashed).").tag(
        sync=True
    )
    values = t.Bytes(b"", help="float32 value per token (little-endian).").tag(sync=True)
    lo = t.Float(-1.0, help="Value at the colour bar's left end.").tag(sync=True)
    hi = t.Float(1.0, help="Value at the colour bar's right end.").tag(sync=True)
    auto_range = t.Bool(True, help="Each show() sets lo / hi to ±max|value|.")
    title = t.Unicode("", help="Text above the chips.").tag(sync=True)
    color_label = t.Unicode("", help="Title under the colour bar, e.g. 'attribution'.").tag(
        sync=True
    )

    def __init__(
        self, tokens: Any = None, values: Any = None, unknown: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        if tokens is not None:
            self.show(tokens, np.zeros(len(tokens)) if values is None else values, unknown)

    def color_range(self, lo: float, hi: float) -> None:
        """Fix the colour bar's range to ``[lo, hi]`` (finite, ``lo < hi``); shows keep it."""
        lo, hi = float(lo), float(hi)
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise ValueError(f"lo, hi: expected finite numbers with lo < hi, received {lo}, {hi}")
        with self.hold_sync():
            self.auto_range = False
            self.lo, self.hi = lo, hi

    def show(self, tokens: Any, values: Any, unknown: Any = None) -> None:
        """Draw ``tokens`` (strings) with one finite ``values`` entry each; ``unknown`` flags."""
        words = list(tokens) if not isinstance(tokens, str) else None
        if words is None or not all(isinstance(w, str) for w in words):
            raise ValueError(f"tokens: expected a list of strings, received {tokens!r:.80}")
        n = len(words)
        v = np.asarray(values, dtype=np.float64)
        if v.shape != (n,):
            raise ValueError(
                f"values: expected shape ({n},) (one per token), received {tuple(v.shape)}"
            )
        if not np.isfinite(v).all():
            bad = int(np.flatnonzero(~np.isfinite(v))[0])
            raise ValueError(f"values: expected finite numbers, received {v[bad]} at {bad}")
        flags = [False] * n if unknown is None else [bool(u) for u in unknown]
        if len(flags) != n:
            raise ValueError(f"unknown: expected {n} flags (one per token), received {len(flags)}")
        drawn = np.ascontiguousarray(v, dtype="<f4")
        with self.hold_sync():  # one update: the values and whatever else changed
            set_changed(self, {"tokens": words, "unknown": flags})
            if self.auto_range:
                m = float(np.abs(v).max()) if n else 0.0  # ±0.9, not ±0.8999999762
                set_changed(self, {"lo": -m, "hi": m} if m > 0 else {"lo": -1.0, "hi": 1.0})
            self.values = drawn.tobytes()

    def array(self) -> np.ndarray:
        """The values the page has, ``(len(tokens),)`` float32."""
        return np.frombuffer(self.values, "<f4").copy()
