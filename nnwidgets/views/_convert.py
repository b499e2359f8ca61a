"""The one place values cross from the state to widget traits: float32 numpy and display text."""

from __future__ import annotations

from typing import Any

import numpy as np


def f32(x: Any) -> np.ndarray:
    """``x`` as a float32 numpy array (bqplot sends these as binary buffers)."""
    return np.asarray(x, dtype=np.float32)


def number(v: float) -> str:
    """A value as the views print it: six significant digits, ASCII minus."""
    return f"{float(v):.6g}"


def block_mean(a: Any, max_side: int) -> tuple[np.ndarray, int]:
    """A 2-D array averaged over square ``f`` x ``f`` blocks, its sides then at most ``max_side``.

    Display only: the smallest whole block side ``f`` that fits (1: ``a`` as it is). Edge
    blocks of a side that ``f`` does not divide average the cells they have. Sums run in
    float64, so values near float32's limit do not overflow.

    Args:
        a: the array, shape ``(rows, cols)``.
        max_side: the largest side of the result (>= 1).

    Returns:
        The float32 block means, shape ``(ceil(rows / f), ceil(cols / f))``, and ``f``.

    Examples:
        >>> m, f = block_mean(np.arange(16.0).reshape(4, 4), 2)
        >>> m.tolist(), f
        ([[2.5, 4.5], [10.5, 12.5]], 2)
    """
    a = np.asarray(a)
    rows, cols = a.shape
    f = max(1, -(-max(rows, cols) // max_side))
    if f == 1:
        return f32(a), 1
    r, c = -(-rows // f), -(-cols // f)
    total = np.zeros((r * f, c * f))
    count = np.zeros((r * f, c * f))
    total[:rows, :cols], count[:rows, :cols] = a, 1.0
    sums = total.reshape(r, f, c, f).sum(axis=(1, 3))
    return f32(sums / count.reshape(r, f, c, f).sum(axis=(1, 3))), f


def block_peak(a: np.ndarray, max_side: int) -> tuple[np.ndarray, tuple[int, int]]:
    """A 2-D array cut into ``fr`` x ``fc`` blocks, each shown by its largest-magnitude value.

    Display only: each axis gets the smallest block length that leaves at most ``max_side``
    blocks along it (1: that axis as it is); the sign of each block's peak is kept, so the
    strongest weights, gradients or activations stay visible where a mean would cancel them.

    Returns:
        The peaks (float32, ``(ceil(rows / fr), ceil(cols / fc))``) and ``(fr, fc)``.

    Examples:
        >>> m, f = block_peak(np.array([[1.0, -3.0, 2.0, 0.5], [0.0, 1.0, -1.0, 4.0]]), 2)
        >>> m.tolist(), f
        ([[-3.0, 2.0], [1.0, 4.0]], (1, 2))
    """
    a = f32(a)
    rows, cols = a.shape
    fr, fc = -(-rows // max_side), -(-cols // max_side)
    if fr == fc == 1:
        return a, (1, 1)
    r, c = -(-rows // fr), -(-cols // fc)
    padded = np.zeros((r * fr, c * fc), np.float32)  # 0 never outweighs a real value
    padded[:rows, :cols] = a
    blocks = padded.reshape(r, fr, c, fc).transpose(0, 2, 1, 3).reshape(r, c, fr * fc)
    peak = np.abs(blocks).argmax(axis=2)[..., None]
    return np.take_along_axis(blocks, peak, axis=2)[..., 0], (fr, fc)


#: Side of the square box (screen px) an image input and its attribution map are fitted into:
#: a 28 x 28 painter and ten classes' probabilities fit side by side on a 700 px page.
IMAGE_BOX = 264


def fit_cell(rows: int, cols: int, box: int = IMAGE_BOX) -> int:
    """Screen pixels per image cell so ``rows`` x ``cols`` cells fit a ``box`` px square.

    ``floor(box / max(rows, cols))``, at least 1 (an image larger than the box is drawn one
    screen pixel per cell).

    Examples:
        >>> fit_cell(8, 8), fit_cell(28, 28), fit_cell(224, 224), fit_cell(500, 20)
        (33, 9, 1, 1)
    """
    return max(1, box // max(rows, cols, 1))


def data_range(*arrays: Any) -> tuple[float, float]:
    """The smallest and largest value over ``arrays``: what images are scaled over for display.

    A constant data set gets a range of width 1 (no division by zero).

    Examples:
        >>> data_range(np.array([[0.0, 16.0]]), np.array([4.0, -2.0])), data_range(np.ones(2))
        ((-2.0, 16.0), (1.0, 2.0))
    """
    lo = min(float(np.min(a)) for a in arrays)
    hi = max(float(np.max(a)) for a in arrays)
    return (lo, hi) if hi > lo else (lo, lo + 1.0)


def unit8(x: Any, lo: float, hi: float, *, ink: bool = False) -> np.ndarray:
    """Values scaled from ``[lo, hi]`` to uint8 ``0..255`` (clipped); ``ink``: ``hi`` is 0.

    Examples:
        >>> unit8([-1.0, 0.0, 0.5, 1.0, 2.0], 0.0, 1.0).tolist()
        [0, 0, 128, 255, 255]
        >>> unit8([0.0, 1.0], 0.0, 1.0, ink=True).tolist()
        [255, 0]
    """
    f = np.clip((np.asarray(x, np.float64) - lo) / (hi - lo), 0.0, 1.0)
    return np.rint(255 * (1 - f if ink else f)).astype(np.uint8)


def channels_of(x: Any) -> np.ndarray:
    """An image ``(H, W)`` or ``(H, W, C)`` as the 3 channels it is drawn with ``(H, W, 3)``.

    RGB as it is (C = 3), the first three of C > 3, the channel mean in all three otherwise.
    """
    a = f32(x)
    if a.ndim == 2:
        a = a[..., None]
    if a.shape[2] >= 3:
        return a[..., :3]
    return np.repeat(a.mean(axis=2, keepdims=True), 3, axis=2)


def grey_of(x: Any) -> np.ndarray:
    """An image ``(H, W)`` or ``(H, W, C)`` as one grey channel ``(H, W)``.

    RGB (C >= 3): the luma ``0.299 R + 0.587 G + 0.114 B``; otherwise the channel mean.
    """
    a = f32(x)
    if a.ndim == 2:
        return a
    if a.shape[2] >= 3:
        return f32(a[..., :3] @ np.array([0.299, 0.587, 0.114], np.float32))
    return a.mean(axis=2)


def image_map(a: Any) -> np.ndarray:
    """An attribution of an image input as one value per pixel ``(H, W)``.

    ``(H, W)`` as it is; ``(H, W, C)`` summed over its channels (a pixel's share of the
    output, so totals such as a completeness gap keep their meaning).
    """
    a = f32(a)
    return a if a.ndim == 2 else a.sum(axis=2, dtype=np.float64).astype(np.float32)


def top_features(a: Any, k: int) -> list[int]:
    """The indices of the ``k`` largest ``|a|`` (largest first; ties: the lower index).

    Examples:
        >>> top_features([0.1, -3.0, 2.0, 0.0], 2)
        [1, 2]
    """
    v = np.abs(f32(a).ravel())
    return np.argsort(-v, kind="stable")[:k].tolist()


def integer_ticks(n: int, most: int = 5) -> np.ndarray:
    """Round integer ticks (steps of 1, 2 or 5 times a power of ten) over ``0 … n - 1``.

    For row / column indices and histogram counts: never a fractional tick (an axis
    formatted as integers would print "0 0 1 1"), never past the last index.

    Examples:
        >>> integer_ticks(64).tolist(), integer_ticks(3).tolist(), integer_ticks(1).tolist()
        ([0, 20, 40, 60], [0, 1, 2], [0])
    """
    span = max(int(n) - 1, 1)
    step = 1
    for power in range(12):
        for base in (1, 2, 5):
            step = base * 10**power
            if span / step <= most - 1:
                return np.arange(0, max(int(n), 1), step)
    return np.arange(0, max(int(n), 1), step)


#: Axes whose largest |value| is below ``TINY`` or at least ``HUGE`` are labelled with SI
#: prefixes ("5µ" = 5e-6, "12k" = 12 000), past pico and tera (``SI_RANGE``) in e-notation
#: ("1.7e-23", not "17y"); the JavaScript views' ``tickLabel`` (js/common.js) switches at the
#: same magnitudes.
TINY, HUGE = 1e-3, 1e4
SI_RANGE = (1e-12, 1e15)


def _si(m: float) -> bool:
    """An axis of largest |value| ``m`` is labelled with SI prefixes."""
    return SI_RANGE[0] <= m < TINY or HUGE <= m < SI_RANGE[1]


def _extent(lo: float, hi: float) -> float:
    m = max(abs(float(lo)), abs(float(hi)))
    return m if np.isfinite(m) else 0.0


def tick_format(lo: float, hi: float, *, step: float | None = None) -> str:
    """A d3-format specifier for an axis over ``[lo, hi]`` whose labels stay short.

    Largest |value| below ``TINY`` or from ``HUGE`` on: SI prefixes with trailing zeros trimmed
    (``".3~s"``: 5e-6 -> "5µ", 12000 -> "12k", 0 -> "0"), past pico and tera e-notation
    (``".2~e"``: "1.7e-23", where d3's prefix would be "y"). In between: fixed decimals, as
    many as ticks ``step`` apart need (default: a twentieth of the span, finer than any
    tick d3 places), trailing zeros trimmed (``".2~f"``: 0.25, 1). d3's ``".2g"`` printed
    9e-6 as "0.0000090", which an axis margin clipped to "0000090". Counts: ``step=1``.

    Examples:
        >>> tick_format(-9e-6, 9e-6), tick_format(0, 12000), tick_format(-0.07, 0.07)
        ('.3~s', '.3~s', '.3~f')
        >>> tick_format(0, 250, step=1), tick_format(-1, 1, step=0.5), tick_format(0, 1)
        ('.0~f', '.1~f', '.2~f')
        >>> tick_format(-1.7e-23, 1.7e-23), tick_format(0, 2e15)
        ('.2~e', '.2~e')
    """
    m = _extent(lo, hi)
    if _si(m):
        return ".3~s"
    if 0 < m < TINY or m >= HUGE:
        return ".2~e"
    span = float(hi) - float(lo)
    if step is None:
        step = (span if np.isfinite(span) and span > 0 else m or 1.0) / 20
    return f".{min(8, max(0, int(np.ceil(-np.log10(step) - 1e-9))))}~f"


def nice_ticks(lo: float, hi: float, most: int = 5) -> np.ndarray:
    """At most ``most`` round ticks inside ``[lo, hi]`` (0 among them when it is inside).

    Multiples of 1, 2 or 5 times a power of ten. On an SI-labelled axis (``tick_format``)
    every label has the same prefix ("−1µ 0 1µ", never "500n 1µ"): the step is at least the
    power of 1000 of the largest |value|, or, where that leaves fewer than two ticks, the
    ticks stay within that power or below it.

    Examples:
        >>> nice_ticks(-0.87, 0.87).tolist(), nice_ticks(0, 1, most=6).tolist()
        ([-0.5, 0.0, 0.5], [0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
        >>> nice_ticks(-1.9e-6, 1.9e-6).tolist(), nice_ticks(2.0, 2.0).tolist()
        ([-1e-06, 0.0, 1e-06], [2.0])
    """
    lo, hi = float(lo), float(hi)
    if not (np.isfinite(lo) and np.isfinite(hi)) or hi < lo:
        return np.zeros(0)
    if hi == lo:
        return np.array([lo])
    m = _extent(lo, hi)
    floor = 10.0 ** (3 * np.floor(np.log10(m) / 3)) if _si(m) else 0.0
    floor *= 1 - 1e-9  # 10.0**-6 may round above 1e-6
    tries = [(lo, hi, floor)]  # steps of at least `floor`: every |tick| 0 or >= floor
    if floor:  # too few: the ticks within the part at the extent's prefix or below it
        band = (max(lo, floor), hi) if hi >= floor else (lo, min(hi, -floor))
        below = (max(lo, -floor * (1 - 1e-6)), min(hi, floor * (1 - 1e-6)))
        tries += sorted([(*band, 0.0), (*below, 0.0)], key=lambda r: r[0] - r[1])
    for a, b, least in tries:
        ticks = _round_ticks(a, b, most, least)
        if len(ticks) >= 2:
            return ticks
    return _round_ticks(lo, hi, most, 0.0)


def _round_ticks(lo: float, hi: float, most: int, least: float) -> np.ndarray:
    """The multiples in ``[lo, hi]`` of the least round step >= ``least`` with <= ``most``."""
    if not hi > lo:
        return np.array([lo]) if hi == lo else np.zeros(0)
    # a step of 10**(power + 1) leaves at most one tick (the span halved: no overflow)
    power = int(np.floor(np.log10(hi / 2 - lo / 2) + np.log10(2)))
    top = min(307, max(power + 1, int(np.log10(least)) + 1 if least else power))
    steps = (b * 10.0**p for p in range(max(power - 2, -307), top + 1) for b in (1, 2, 5))
    step = next((s for s in steps if s >= least and _count(lo, hi, s) <= most), None)
    if step is None or step == 0:  # the ends of float64's range
        return np.array([lo, hi])
    first = np.ceil(lo / step - 1e-9)
    decimals = 3 - int(np.floor(np.log10(step)))
    return np.round(np.arange(first, first + _count(lo, hi, step)) * step, decimals) + 0.0


def _count(lo: float, hi: float, step: float) -> float:
    """How many multiples of ``step`` lie in ``[lo, hi]``."""
    return float(np.floor(hi / step + 1e-9) - np.ceil(lo / step - 1e-9) + 1)


def axis_ticks(lo: float, hi: float, most: int = 5) -> tuple[np.ndarray, str]:
    """``nice_ticks`` over ``[lo, hi]`` and the ``tick_format`` that prints them short.

    Examples:
        >>> [(t.tolist(), f) for t, f in (axis_ticks(-2e-6, 2e-6, 3), axis_ticks(0.0, 1.0))]
        [([-2e-06, 0.0, 2e-06], '.3~s'), ([0.0, 0.5, 1.0], '.1~f')]
    """
    ticks = nice_ticks(lo, hi, most)
    step = float(ticks[1] - ticks[0]) if len(ticks) > 1 else None
    return ticks, tick_format(lo, hi, step=step)
