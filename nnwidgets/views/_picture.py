"""A static picture (PNG) of any view, drawn in Python from the values its widgets hold.

The page draws every canvas from the buffers the kernel sent; this module draws the same
buffers with Pillow, without a page: for ``save_png(path)``, for the image a saved notebook
keeps beside each app (nbviewer and GitHub show it; JupyterLab shows the live widget), and for
the bqplot figures of an exported page. The colours are the page's own (read from
``js/common.js`` and ``js/matrix.js``); the layout is simpler than the page's (no hover tips,
fewer ticks), the values are the same.

A widget tree is drawn by walking it: boxes side by side (``HBox``) or stacked (``VBox``),
a ``Tab`` as its titles over the selected child, texts and controls as lines of text, and each
plot by the drawer of its class (``_DRAWERS``). A widget hidden with ``layout.display = "none"``
is left out, as on the page.
"""

from __future__ import annotations

import base64
import functools
import html
import io
import logging
import math
import os
import pathlib
import re
from collections.abc import Callable
from typing import Any

import ipywidgets as W
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ._convert import nice_ticks
from ._js import _read

GAP = 8  # px between boxed widgets
TEXT = (51, 51, 51)
MUTED = (102, 102, 102)
GRID = (204, 204, 204)
BACKGROUND = (255, 255, 255)
TEXT_WIDTH = 96  # characters before a text line wraps


@functools.cache
def _colours() -> dict[str, Any]:
    """The page's colour constants: ``NAME = [r, g, b]`` in common.js, VIRIDIS in matrix.js."""
    out: dict[str, Any] = {}
    for name, r, g, b in re.findall(r"(\w+) = \[(\d+), (\d+), (\d+)\]", _read("common.js")):
        out[name] = np.array([int(r), int(g), int(b)], np.float64)
    stops = re.search(r"VIRIDIS = \[(.*?)\];", _read("matrix.js"), re.S)
    assert stops, "js/matrix.js defines VIRIDIS"
    out["VIRIDIS"] = np.array(
        [[int(v) for v in s] for s in re.findall(r"\[(\d+), (\d+), (\d+)\]", stops.group(1))],
        np.float64,
    )
    return out


#: Fonts tried in order (Pillow looks in the system's font folders); the first found draws
#: every text, else Pillow's own (which lacks Greek letters such as the θ of dL/dθ).
FONTS = ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf", "Helvetica.ttc")


@functools.cache
def _font(size: int = 11) -> Any:
    for name in FONTS:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _f32(raw: Any) -> np.ndarray:
    data = memoryview(raw).cast("B").tobytes() if raw is not None else b""
    return np.frombuffer(data[: len(data) // 4 * 4], "<f4").astype(np.float64)


def _u8(raw: Any) -> np.ndarray:
    data = memoryview(raw).cast("B").tobytes() if raw is not None else b""
    return np.frombuffer(data, np.uint8)


def diverging_rgb(f: np.ndarray) -> np.ndarray:
    """``f`` in [-1, 1] -> RGB (..., 3) uint8: red below 0, pale at 0, blue above (the page's)."""
    c = _colours()
    f = np.nan_to_num(np.asarray(f, np.float64), nan=0.0)
    a = np.clip(np.abs(f), 0, 1)[..., None]
    end = np.where((f < 0)[..., None], c["RED"], c["BLUE_DARK"])
    return np.round(c["PALE"] + (end - c["PALE"]) * a).astype(np.uint8)


def viridis_rgb(f: np.ndarray) -> np.ndarray:
    """``f`` in [0, 1] -> RGB (..., 3) uint8 on viridis (the page's nine stops, linear)."""
    stops = _colours()["VIRIDIS"]
    x = np.clip(np.nan_to_num(np.asarray(f, np.float64)), 0, 1) * (len(stops) - 1)
    i = np.minimum(len(stops) - 2, np.floor(x).astype(int))
    t = (x - i)[..., None]
    return np.round(stops[i] + (stops[i + 1] - stops[i]) * t).astype(np.uint8)


def _two_ends(f: np.ndarray, ends: tuple[str, str]) -> np.ndarray:
    """``f`` in [-1, 1] -> RGB between ``ends`` through white (the Playground's palette)."""
    c = _colours()
    f = np.clip(np.nan_to_num(np.asarray(f, np.float64)), -1, 1)
    end = np.where((f < 0)[..., None], c[ends[0]], c[ends[1]])
    return np.round(c["WHITE"] + (end - c["WHITE"]) * np.abs(f)[..., None]).astype(np.uint8)


def _label(v: float) -> str:
    return f"{v:.3g}" if math.isfinite(v) else str(v)


class _Canvas:
    """A Pillow image with the few drawing calls the drawers need."""

    def __init__(self, width: int, height: int) -> None:
        self.image = Image.new("RGB", (max(1, int(width)), max(1, int(height))), BACKGROUND)
        self.draw = ImageDraw.Draw(self.image)

    def text(
        self,
        xy: tuple[float, float],
        text: str,
        fill: Any = TEXT,
        anchor: str = "la",
        size: int = 11,
    ) -> None:
        self.draw.text(xy, text, fill=fill, font=_font(size), anchor=anchor)

    def paste(self, rgb: np.ndarray, xy: tuple[int, int], size: tuple[int, int]) -> None:
        """An (h, w, 3) array scaled to ``size`` (nearest: cells stay sharp) at ``xy``."""
        if rgb.size == 0 or size[0] < 1 or size[1] < 1:
            return
        picture = Image.fromarray(np.ascontiguousarray(rgb, np.uint8), "RGB")
        self.image.paste(picture.resize(size, Image.NEAREST), xy)

    def color_bar(
        self,
        x: int,
        y: int,
        w: int,
        lo: float,
        hi: float,
        colors: Callable[[np.ndarray], np.ndarray],
        label: str = "",
    ) -> None:
        ramp = colors(np.linspace(0, 1, max(2, w)))[None]
        self.paste(ramp, (x, y), (w, 8))
        self.text((x, y + 10), _label(lo), MUTED)
        self.text((x + w, y + 10), _label(hi), MUTED, anchor="ra")
        if label:
            self.text((x + w / 2, y + 10), label, MUTED, anchor="ma")


def _text_width(text: str, size: int = 11) -> int:
    return math.ceil(_font(size).getlength(text))


# --------------------------------------------------------------------------------------------
# plot widgets


_DRAWERS: dict[str, Callable[[Any], Image.Image | None]] = {}


def _draws(class_name: str) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    def register(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
        _DRAWERS[class_name] = fn
        return fn

    return register


def _drawer(widget: Any) -> Callable[[Any], Image.Image | None] | None:
    for cls in type(widget).__mro__:
        if cls.__name__ in _DRAWERS and cls.__module__.startswith(("nnwidgets.", "bqplot.")):
            return _DRAWERS[cls.__name__]
    return None


def _cells(values: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """``values`` as (rows, cols): padded with NaN or cut if the sizes disagree."""
    out = np.full(rows * cols, np.nan)
    n = min(out.size, values.size)
    out[:n] = values[:n]
    return out.reshape(rows, cols)


@_draws("MatrixCanvas")
def _matrix(w: Any) -> Image.Image:
    fr, fc = (int(w.block[0]), int(w.block[1])) if len(w.block) == 2 else (1, 1)
    rows, cols = math.ceil(w.rows / max(1, fr)), math.ceil(w.cols / max(1, fc))
    v = _cells(_f32(w.values), rows, cols)
    cell = (
        w.cell_px if w.cell_px > 0 else min(w.width_px / max(1, cols), w.height_px / max(1, rows))
    )
    cell = max(0.25, cell)
    mw, mh = max(1, round(cols * cell)), max(1, round(rows * cell))
    lo, hi = float(w.lo), float(w.hi)
    if w.scheme == "viridis":

        def colors(f: np.ndarray) -> np.ndarray:
            return viridis_rgb(f)

        frac = (v - lo) / (hi - lo if hi != lo else 1.0)
    else:
        most = max(abs(lo), abs(hi)) or 1.0

        def colors(f: np.ndarray) -> np.ndarray:
            return diverging_rgb((lo + f * (hi - lo)) / most)

        frac = (v - lo) / (hi - lo if hi != lo else 1.0)
    left = 40 if w.axes else 4
    top = 18 if w.title else 4
    bottom = (16 if w.axes else 0) + (14 if w.x_label else 0) + (30 if w.color_bar else 0)
    wide = max(mw, 120, _text_width(w.title) - left + 4, _text_width(w.x_label))
    c = _Canvas(left + wide + 8, top + mh + bottom + 4)
    if w.title:
        c.text((left, 2), w.title)
    c.paste(colors(frac), (left, top), (mw, mh))
    y = top + mh + 2
    if w.axes:
        names = list(w.col_names) if len(w.col_names) == w.cols else None
        if names and all(_text_width(s) + 4 <= mw / max(1, len(names)) for s in names):
            for i, s in enumerate(names):
                c.text((left + (i + 0.5) * mw / len(names), y), s, MUTED, anchor="ma")
        else:
            c.text((left, y), "0", MUTED)
            c.text((left + mw, y), str(w.cols - 1), MUTED, anchor="ra")
        rnames = list(w.row_names) if len(w.row_names) == w.rows else None
        first, last = (rnames[0], rnames[-1]) if rnames else ("0", str(w.rows - 1))
        c.text((left - 4, top), first, MUTED, anchor="ra")
        c.text((left - 4, top + mh), last, MUTED, anchor="rd")
        y += 14
        if w.x_label:
            c.text((left + mw / 2, y), w.x_label, MUTED, anchor="ma")
            y += 14
        if w.y_label:
            c.text((2, top + mh + 2), w.y_label, MUTED)
    if w.color_bar:
        c.color_bar(left, y + 4, min(max(mw, 120), 240), lo, hi, colors, w.color_label)
    return c.image


@_draws("HeatCanvas")
def _heat(w: Any) -> Image.Image:
    b = max(1, int(w.block))
    rows, cols = math.ceil(w.rows / b), math.ceil(w.cols / b)
    v = _cells(_f32(w.values), rows, cols)
    side = max(1, int(w.cell_px)) * b  # the page draws each drawn cell as a b x b block
    mw, mh = cols * side, rows * side
    top = 18 if w.title else 2
    c = _Canvas(max(mw, 120) + 4, top + mh + 32)
    if w.title:
        c.text((2, 2), w.title)
    limit = float(w.limit) if w.limit > 0 else 1.0
    tint = diverging_rgb(v / limit).astype(np.float64)
    if w.overlay and w.base_rows and w.base_cols:
        base = _cells(_u8(w.base).astype(np.float64), w.base_rows, w.base_cols)
        base = np.nan_to_num(base)
        grey = np.repeat(
            np.asarray(
                Image.fromarray(base.astype(np.uint8)).resize((cols, rows), Image.BILINEAR),
                np.float64,
            )[..., None],
            3,
            axis=2,
        )
        alpha = np.clip(np.abs(np.nan_to_num(v)) / limit, 0, 1)[..., None]
        tint = grey * (1 - alpha) + tint * alpha
    c.paste(tint.astype(np.uint8), (2, top), (mw, mh))
    c.color_bar(
        2, top + mh + 6, min(max(mw, 120), 240), -limit, limit, lambda f: diverging_rgb(2 * f - 1)
    )
    return c.image


@_draws("ImageCanvas")
def _image(w: Any) -> Image.Image:
    px = _u8(w.pixels)
    rows, cols = int(w.rows), int(w.cols)
    rgb = np.zeros((rows, cols, 3), np.uint8)
    flat = rgb.reshape(-1)
    flat[: min(flat.size, px.size)] = px[: flat.size]
    side = max(1, int(w.cell_px))
    c = _Canvas(cols * side, rows * side)
    c.paste(rgb, (0, 0), (cols * side, rows * side))
    return c.image


@_draws("PaintCanvas")
def _paint(w: Any) -> Image.Image:
    v = np.nan_to_num(_cells(_f32(w.value), int(w.rows), int(w.cols)))
    span = (w.high - w.low) or 1.0
    grey = np.round(255 * (1 - np.clip((v - w.low) / span, 0, 1))).astype(np.uint8)
    side = max(1, int(w.cell_px))
    c = _Canvas(w.cols * side + 2, w.rows * side + 2)
    c.paste(np.repeat(grey[..., None], 3, axis=2), (1, 1), (w.cols * side, w.rows * side))
    c.draw.rectangle((0, 0, w.cols * side + 1, w.rows * side + 1), outline=GRID)
    return c.image


@_draws("BarsCanvas")
def _bars(w: Any) -> Image.Image:
    names, sizes = list(w.groups), list(w.sizes)
    values = _f32(w.values)
    pw, ph = int(w.panel_width), int(w.panel_height)
    across = max(1, min(len(names), 4))
    top, left, right, bottom = 22, 40, 6, (30 if w.x_label else 6)
    c = _Canvas(pw * min(across, max(1, len(names))), ph * max(1, math.ceil(len(names) / across)))
    offset = 0
    for g, name in enumerate(names):
        n = sizes[g] if g < len(sizes) else 0
        v = values[offset : offset + n]
        offset += n
        x0, y0 = (g % across) * pw + left, (g // across) * ph
        width, height = pw - left - right, ph - top - bottom
        finite = v[np.isfinite(v)]
        if len(w.domain) == 2:
            lo, hi = float(w.domain[0]), float(w.domain[1])
        else:
            lo = min(0.0, float(finite.min())) if finite.size else 0.0
            hi = max(0.0, float(finite.max())) if finite.size else 1.0
        hi = hi if hi > lo else lo + 1.0

        def y_of(
            value: float, lo: float = lo, hi: float = hi, y0: int = y0, height: int = height
        ) -> float:
            return y0 + top + height * (hi - value) / (hi - lo)

        c.text((x0 - left + pw / 2, y0 + 4), f"{name} ({n})" if w.counts else name, anchor="ma")
        for tick in sorted({lo, 0.0, hi}):
            if lo <= tick <= hi:
                c.text((x0 - 4, y_of(tick)), _label(tick), MUTED, anchor="rm")
        c.draw.line((x0, y0 + top, x0, y0 + top + height), fill=GRID)
        c.draw.line((x0, y_of(0.0), x0 + width, y_of(0.0)), fill=GRID)
        bw = width / max(n, 1)
        most = float(np.abs(finite).max()) if finite.size else 1.0
        for i, value in enumerate(v):
            if not math.isfinite(value):
                continue
            if i == w.highlight:
                fill: Any = w.highlight_color
            elif w.diverging:
                fill = tuple(int(x) for x in diverging_rgb(value / (most or 1.0)))
            else:
                fill = w.color
            ya, yb = sorted((y_of(0.0), y_of(value)))
            c.draw.rectangle(
                (x0 + i * bw + bw * 0.05, ya, x0 + (i + 1) * bw - bw * 0.05, max(ya + 1, yb)),
                fill=fill,
            )
        if w.x_label:
            labels = list(w.labels) if len(w.labels) == n else [str(i) for i in range(n)]
            fits = all(_text_width(s) + 2 <= bw for s in labels)
            for i, s in enumerate(labels):
                if fits or i in (0, n - 1):
                    c.text((x0 + (i + 0.5) * bw, y0 + top + height + 2), s, MUTED, anchor="ma")
            c.text((x0 + width / 2, y0 + top + height + 16), w.x_label, MUTED, anchor="ma")
    return c.image


@_draws("NetworkCanvas")
def _network(w: Any) -> Image.Image:
    from ._network_canvas import node_positions, node_size

    columns = list(w.columns)
    width, height = int(w.width_px), int(w.height_px)
    c = _Canvas(width, height)
    if not columns:
        return c.image
    xy = node_positions(columns, width, height, int(w.node_px))
    side = node_size(columns, height, int(w.node_px))
    ends = ("RED", "BLUE_DARK") if w.palette == "red_blue" else ("ORANGE", "BLUE")
    links, starts = _f32(w.links), np.cumsum([0, *columns])
    at, limit = 0, float(w.link_limit) or 1.0
    for k in range(len(columns) - 1):
        n, m = columns[k], columns[k + 1]
        block = links[at : at + n * m]
        at += n * m
        if block.size < n * m:
            break
        f = np.clip(block.reshape(n, m) / limit, -1, 1)
        rgb = _two_ends(f, ends)
        for i, j in zip(*np.nonzero(np.abs(f) >= 0.02)):
            a, b = xy[starts[k] + i], xy[starts[k + 1] + j]
            width = max(1, round(abs(float(f[i, j])) * 4))
            c.draw.line((a, b), fill=tuple(int(x) for x in rgb[i, j]), width=width)
    thumbs, t = _u8(w.thumbs), int(w.thumb_size)
    values = _f32(w.node_values)
    for i, (x, y) in enumerate(xy):
        box = (x - side / 2, y - side / 2, x + side / 2, y + side / 2)
        if t and thumbs.size >= (i + 1) * t * t:
            f = thumbs[i * t * t : (i + 1) * t * t].reshape(t, t).astype(np.float64) / 127.5 - 1
            c.paste(_two_ends(f, ends), (round(box[0]), round(box[1])), (round(side),) * 2)
            c.draw.rectangle(box, outline=GRID)
        else:
            f = float(values[i]) / (w.node_limit or 1.0) if i < values.size else 0.0
            fill = tuple(int(v) for v in _two_ends(np.array(f), ends))
            c.draw.ellipse(box, fill=fill, outline=MUTED)
    for k, name in enumerate(w.column_names[: len(columns)]):
        c.text((xy[int(starts[k])][0], 4), name, anchor="ma")
    return c.image


@_draws("TokenStrip")
def _tokens(w: Any) -> Image.Image:
    tokens, values = list(w.tokens), _f32(w.values)
    most = max(abs(w.lo), abs(w.hi)) or 1.0
    top = 18 if w.title else 2
    width, x, y, rows = 480, 2, top, []
    for i, word in enumerate(tokens):
        tw = _text_width(word) + 12
        if x + tw > width and x > 2:
            x, y = 2, y + 22
        unknown = i < len(w.unknown) and bool(w.unknown[i])
        rows.append((x, y, tw, word, values[i] if i < values.size else 0.0, unknown))
        x += tw + 4
    c = _Canvas(width, y + 22 + 32)
    if w.title:
        c.text((2, 2), w.title)
    if not tokens:
        c.text((2, top + 2), "type a sentence", MUTED)
    for x, y, tw, word, value, unknown in rows:
        fill = tuple(int(v) for v in diverging_rgb(np.array(value / most)))
        edge = MUTED if unknown else GRID  # the page dashes an unknown word's chip
        c.draw.rounded_rectangle((x, y, x + tw, y + 18), radius=4, fill=fill, outline=edge)
        c.text((x + tw / 2, y + 9), word, anchor="mm")
    c.color_bar(2, y + 28, 200, -most, most, lambda f: diverging_rgb(2 * f - 1), w.color_label)
    return c.image


@_draws("SeriesEditor")
def _series(w: Any) -> Image.Image:
    steps, channels = max(1, int(w.steps)), max(1, int(w.channels))
    v = _cells(_f32(w.value), steps, channels)
    width, height = int(w.width_px), int(w.height_px)
    top, left = (18 if w.title else 4), 36
    c = _Canvas(width, top + height + 8)
    if w.title:
        c.text((2, 2), w.title)
    lo, hi = float(w.y_lo), float(w.y_hi)
    hi = hi if hi > lo else lo + 1.0
    plot_w, plot_h = width - left - 8, height - 8

    def xy(i: int, value: float) -> tuple[float, float]:
        y = top + plot_h * (hi - np.clip(value, lo, hi)) / (hi - lo)
        return left + plot_w * i / max(1, steps - 1), float(y)

    shade = _f32(w.shade)
    if shade.size >= steps * channels:
        most = max(abs(w.shade_lo), abs(w.shade_hi)) or 1.0
        s = np.abs(shade[: steps * channels].reshape(steps, channels)).max(axis=1)
        signed = shade[: steps * channels].reshape(steps, channels).sum(axis=1)
        f = np.sign(signed) * s / most
        c.paste(diverging_rgb(f)[None], (left, top), (plot_w, plot_h))
    c.draw.rectangle((left, top, left + plot_w, top + plot_h), outline=GRID)
    for tick in (lo, (lo + hi) / 2, hi):
        c.text((left - 4, xy(0, tick)[1]), _label(tick), MUTED, anchor="rm")
    palette = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40)]
    for ch in range(channels):
        points = [xy(i, float(np.nan_to_num(v[i, ch]))) for i in range(steps)]
        c.draw.line(points, fill=palette[ch % len(palette)], width=2)
        name = w.channel_names[ch] if ch < len(w.channel_names) else f"channel {ch}"
        c.text((left + 6 + 90 * ch, top + 2), name, palette[ch % len(palette)])
    return c.image


@_draws("BoundaryCanvas")
def _boundary(w: Any) -> Image.Image:
    n, size = max(1, int(w.grid_size)), int(w.size_px)
    grid = _cells(_f32(w.grid), n, n)
    mid, half = (w.vmax + w.vmin) / 2, ((w.vmax - w.vmin) / 2) or 1.0
    c = _Canvas(size, size)
    c.paste(_two_ends((grid - mid) / half, ("ORANGE", "BLUE")), (0, 0), (size, size))
    (x_lo, x_hi), (y_lo, y_hi) = (
        (w.extent[0], w.extent[1]) if len(w.extent) == 2 else ((-6, 6), (-6, 6))
    )
    points, labels, test = _f32(w.points), _f32(w.values), _u8(w.test_mask)
    for i in range(points.size // 2):
        if test.size > i and test[i] and not w.show_test:
            continue
        x = (points[2 * i] - x_lo) / ((x_hi - x_lo) or 1) * size
        y = (y_hi - points[2 * i + 1]) / ((y_hi - y_lo) or 1) * size
        value = labels[i] if i < labels.size else 0.0
        f = (1.0 if value > 0.5 else -1.0) if w.discrete else (value - mid) / half
        fill = tuple(int(v) for v in _two_ends(np.array(f), ("ORANGE", "BLUE")))
        outline = (0, 0, 0) if test.size > i and test[i] else (255, 255, 255)
        c.draw.ellipse((x - 3, y - 3, x + 3, y + 3), fill=fill, outline=outline)
    return c.image


@_draws("ValuesTable")
def _table(w: Any) -> Image.Image:
    values = _f32(w.values)
    names = list(w.names) if len(w.names) == values.size else [str(i) for i in range(values.size)]
    shown = list(zip(names, values))[:10]
    c = _Canvas(260, 16 * len(shown) + 4 + (16 if values.size > 10 else 0))
    for i, (name, value) in enumerate(shown):
        c.text((4, 2 + 16 * i), str(name), MUTED)
        c.text((256, 2 + 16 * i), _label(float(value)), anchor="ra")
    if values.size > 10:
        c.text((4, 2 + 16 * len(shown)), f"... {values.size - 10} more", MUTED)
    return c.image


def _px(value: Any, default: int) -> int:
    m = re.match(r"\s*(\d+(?:\.\d+)?)px", str(value or ""))
    return int(float(m.group(1))) if m else default


def _series_of(mark: Any, name: str) -> np.ndarray:
    value = getattr(mark, name, None)
    if value is None:
        return np.zeros(0)
    try:
        return np.asarray(value, np.float64)
    except (TypeError, ValueError):
        return np.zeros(0)


@_draws("Figure")
def _figure(fig: Any) -> Image.Image | None:
    """A bqplot Figure: its Lines, Scatter, Bars and Hist marks on their scales.

    With the axis labels, the legend of labelled lines and the title.
    """
    width = _px(fig.layout.width, 400) if fig.layout.width else 400
    height = _px(fig.layout.height, 280) if fig.layout.height else 280
    m = dict(top=24, bottom=36, left=48, right=12)
    c = _Canvas(width, height)
    if fig.title:
        c.text((width / 2, 4), fig.title, anchor="ma")
    marks = [mk for mk in fig.marks if getattr(mk, "visible", True)]
    xs, ys = [], []
    hists: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # a Hist's (edges, counts)
    for mk in marks:
        kind = type(mk).__name__
        if kind == "Hist":
            sample = _series_of(mk, "sample")
            sample = sample[np.isfinite(sample)]
            if sample.size:
                counts, edges = np.histogram(sample, bins=int(getattr(mk, "bins", 10)))
                hists[id(mk)] = (edges, counts)
                xs.append(edges)
                ys.append(np.concatenate([[0.0], counts.astype(np.float64)]))
            continue
        x, y = _series_of(mk, "x"), _series_of(mk, "y")
        if kind == "Bars":
            ys.append(np.array([0.0]))
        if x.size:
            xs.append(x.ravel())
        if y.size:
            ys.append(y.ravel())
    finite = [a[np.isfinite(a)] for a in xs if a.size]
    finite_y = [a[np.isfinite(a)] for a in ys if a.size]
    if not any(a.size for a in finite) or not any(a.size for a in finite_y):
        c.text((width / 2, height / 2), "no data yet", MUTED, anchor="mm")
        return c.image
    sx = marks[0].scales.get("x") if marks else None
    sy = marks[0].scales.get("y") if marks else None

    def domain(parts: list[np.ndarray], scale: Any) -> tuple[float, float, bool]:
        values = np.concatenate([p for p in parts if p.size])
        lo, hi = float(values.min()), float(values.max())
        lo = lo if getattr(scale, "min", None) is None else float(scale.min)
        hi = hi if getattr(scale, "max", None) is None else float(scale.max)
        log = type(scale).__name__ == "LogScale"
        if log:
            positive = values[values > 0]
            lo = max(lo, float(positive.min()) if positive.size else 1e-3)
            hi = max(hi, lo * 10)
            return math.log10(lo), math.log10(hi), True
        if hi <= lo:
            lo, hi = lo - 0.5, hi + 0.5
        return lo, hi, False

    x_lo, x_hi, x_log = domain(finite, sx)
    y_lo, y_hi, y_log = domain(finite_y, sy)
    pw, ph = width - m["left"] - m["right"], height - m["top"] - m["bottom"]

    def X(v: np.ndarray) -> np.ndarray:
        v = np.log10(np.maximum(v, 1e-300)) if x_log else v
        return m["left"] + pw * (v - x_lo) / (x_hi - x_lo)

    def Y(v: np.ndarray) -> np.ndarray:
        v = np.log10(np.maximum(v, 1e-300)) if y_log else v
        return m["top"] + ph * (y_hi - v) / (y_hi - y_lo)

    c.draw.rectangle((m["left"], m["top"], m["left"] + pw, m["top"] + ph), outline=GRID)
    for t in nice_ticks(x_lo, x_hi).tolist():
        x = float(X(np.array(10**t if x_log else t)))
        c.text((x, m["top"] + ph + 3), _label(10**t if x_log else t), MUTED, anchor="ma")
    for t in nice_ticks(y_lo, y_hi).tolist():
        y = float(Y(np.array(10**t if y_log else t)))
        c.text((m["left"] - 4, y), _label(10**t if y_log else t), MUTED, anchor="rm")
    for axis in fig.axes:
        label = getattr(axis, "label", "")
        if not label:
            continue
        if getattr(axis, "orientation", "horizontal") == "vertical":
            c.text((4, m["top"] - 14), label, MUTED)
        else:
            c.text((m["left"] + pw / 2, height - 14), label, MUTED, anchor="ma")
    legend = []
    for mk in marks:
        kind = type(mk).__name__
        colors = list(getattr(mk, "colors", None) or ["#1f77b4"])
        if kind == "Hist" and id(mk) in hists:
            edges, counts = hists[id(mk)]
            for i, n in enumerate(counts):
                box = (float(X(edges[i])), float(Y(n)), float(X(edges[i + 1])), float(Y(0.0)))
                c.draw.rectangle(
                    (box[0], min(box[1], box[3]), box[2], max(box[1], box[3])),
                    fill=colors[0],
                    outline=BACKGROUND,
                )
            continue
        x, y = _series_of(mk, "x"), _series_of(mk, "y")
        if not x.size or not y.size:
            continue
        if kind == "Lines":
            lines = y if y.ndim == 2 else y[None]
            labels = list(getattr(mk, "labels", None) or [])
            for k, row in enumerate(lines):
                xr = x[min(k, len(x) - 1)] if x.ndim == 2 else x
                n = min(xr.size, row.size)
                xr, row = xr[:n], row[:n]
                ok = np.isfinite(row) & np.isfinite(xr)
                points = list(zip(X(xr[ok]).tolist(), Y(row[ok]).tolist()))
                color = colors[k % len(colors)]
                if len(points) > 1:
                    c.draw.line(points, fill=color, width=2)
                if k < len(labels) and labels[k]:
                    legend.append((labels[k], color))
        elif kind == "Scatter":
            ok = np.isfinite(x) & np.isfinite(y)
            color_values = _series_of(mk, "color")
            scale = mk.scales.get("color")
            palette = list(getattr(scale, "colors", None) or colors)
            for i in np.flatnonzero(ok):
                fill = (
                    palette[int(color_values[i]) % len(palette)]
                    if color_values.size == x.size and color_values.size
                    else colors[0]
                )
                px, py = float(X(x[i])), float(Y(y[i]))
                c.draw.ellipse((px - 2.5, py - 2.5, px + 2.5, py + 2.5), fill=fill)
        elif kind == "Bars":
            bw = pw / max(1, x.size) * 0.8
            for xi, yi in zip(x.ravel(), y.ravel()):
                if math.isfinite(xi) and math.isfinite(yi):
                    a, b = sorted((float(Y(np.array(0.0))), float(Y(np.array(yi)))))
                    c.draw.rectangle(
                        (float(X(np.array(xi))) - bw / 2, a, float(X(np.array(xi))) + bw / 2, b),
                        fill=colors[0],
                    )
    for k, (label, color) in enumerate(legend[:8]):
        y = m["top"] + 4 + 14 * k
        c.draw.line((m["left"] + pw - 110, y + 6, m["left"] + pw - 96, y + 6), fill=color, width=2)
        c.text((m["left"] + pw - 92, y), str(label)[:16], TEXT)
    return c.image


# --------------------------------------------------------------------------------------------
# widget trees


HEADING = "\x01"  # marks a line that was a heading: drawn larger
CELL = "\t"  # ends a table cell: lines of cells are drawn as aligned columns


def _strip_tags(markup: str) -> str:
    text = re.sub(r"<h\d[^>]*>", "\n" + HEADING, markup, flags=re.I)
    text = re.sub(r"</t[dh]\s*>", CELL, text, flags=re.I)
    text = re.sub(r"<(br|/p|/div|/li|/tr|/h\d|/table)\s*/?>", "\n", text, flags=re.I)
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(text)


def _text_picture(text: str, size: int = 11) -> Image.Image | None:
    """Lines of text; a heading line larger; runs of table rows as aligned columns."""
    lines: list[tuple[str, int]] = []  # (text, size)
    for raw in text.splitlines():
        big = raw.lstrip().startswith(HEADING)
        raw = raw.replace(HEADING, "")
        if CELL in raw:
            lines.append((raw.strip("\n "), size))
            continue
        raw = " ".join(raw.split())
        while len(raw) > TEXT_WIDTH:
            cut = raw.rfind(" ", 0, TEXT_WIDTH)
            cut = cut if cut > 0 else TEXT_WIDTH
            lines.append((raw[:cut], size))
            raw = raw[cut:].lstrip()
        if raw:
            lines.append((raw, size + 3 if big else size))
    if not lines:
        return None
    cells = [[c.strip() for c in line.split(CELL)] for line, _ in lines if CELL in line]
    columns = max((len(r) for r in cells), default=0)
    widths = [
        max((_text_width(r[k], size) for r in cells if k < len(r)), default=0) + 12
        for k in range(columns)
    ]

    def width(line: str, n: int) -> int:
        return sum(widths) if CELL in line else _text_width(line, n)

    c = _Canvas(max(width(t, n) for t, n in lines) + 4, sum(n + 5 for _, n in lines) + 2)
    y = 1
    for line, n in lines:
        if CELL in line:
            x = 2
            for k, cell in enumerate(line.split(CELL)):
                c.text((x, y), cell.strip(), size=n)
                x += widths[k] if k < len(widths) else 0
        else:
            c.text((2, y), line, size=n)
        y += n + 5
    return c.image


def _control_text(w: Any) -> str | None:
    """What a control shows, as one line: 'description: value'."""
    if isinstance(w, W.Button):
        return None
    value: Any = getattr(w, "value", None)
    if isinstance(w, W.widgets.widget_selection._Selection):
        value = getattr(w, "label", value)
    if isinstance(w, (W.FloatSlider, W.FloatText, W.BoundedFloatText)) and value is not None:
        value = f"{value:.3g}"
    description = getattr(w, "description", "")
    if isinstance(value, bool):
        return f"{'☑' if value else '☐'} {description}".strip()
    if value is None or value == "" or isinstance(value, (bytes, memoryview)):
        return description or None
    return f"{description}: {value}" if description else str(value)


def _hidden(w: Any) -> bool:
    layout = getattr(w, "layout", None)
    return layout is not None and (layout.display == "none" or layout.visibility == "hidden")


def _join(pictures: list[Image.Image], across: bool) -> Image.Image | None:
    pictures = [p for p in pictures if p is not None]
    if not pictures:
        return None
    if len(pictures) == 1:
        return pictures[0]
    if across:
        size = (
            sum(p.width for p in pictures) + GAP * (len(pictures) - 1),
            max(p.height for p in pictures),
        )
    else:
        size = (
            max(p.width for p in pictures),
            sum(p.height for p in pictures) + GAP * (len(pictures) - 1),
        )
    out = Image.new("RGB", size, BACKGROUND)
    at = 0
    for p in pictures:
        out.paste(p, (at, 0) if across else (0, at))
        at += (p.width if across else p.height) + GAP
    return out


def picture(widget: Any) -> Image.Image | None:
    """The static picture of ``widget`` and what it contains, or None if it shows nothing."""
    if widget is None or _hidden(widget):
        return None
    draw = _drawer(widget)
    if draw is not None:
        return draw(widget)
    if isinstance(widget, W.Tab):
        i = widget.selected_index
        if i is None or not widget.children:
            return None
        titles = list(widget.titles) if widget.titles else []
        strip = "   ".join(f"[{t}]" if k == i else t for k, t in enumerate(titles))
        return _join([_text_picture(strip), picture(widget.children[i])], across=False)
    if isinstance(widget, W.Box):
        flow = getattr(widget.layout, "flex_flow", None) or ""
        across = isinstance(widget, W.HBox) or flow.startswith("row")
        if isinstance(widget, W.VBox) or flow.startswith("column"):
            across = False
        return _join([picture(child) for child in widget.children], across=across)
    if isinstance(widget, (W.HTML, W.HTMLMath)):
        return _text_picture(_strip_tags(widget.value))
    if isinstance(widget, W.Label):
        return _text_picture(widget.value)
    if isinstance(widget, W.DOMWidget) and hasattr(widget, "value"):
        text = _control_text(widget)
        return _text_picture(text) if text else None
    return None


def png_bytes(image: Image.Image) -> bytes:
    """``image`` encoded as PNG."""
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)  # fast: drawn at every display
    return out.getvalue()


def figure_png(widget: Any) -> bytes | None:
    """PNG bytes of one plot widget (a bqplot Figure or a canvas), or None if it draws nothing."""
    image = picture(widget)
    return None if image is None else png_bytes(image)


def save_png(widget: Any, path: str | os.PathLike[str]) -> pathlib.Path:
    """Write the static picture of ``widget`` to ``path`` (a ``.png`` file); return the path.

    Raises:
        ValueError: ``path`` is not a .png path, or the widget shows nothing to draw.
    """
    if not isinstance(path, (str, os.PathLike)) or not os.fspath(path).lower().endswith(".png"):
        raise ValueError(f"path: expected a file name ending in .png, got {path!r}")
    image = picture(widget)
    if image is None:
        raise ValueError(f"save_png: {type(widget).__name__} shows nothing to draw")
    out = pathlib.Path(path)
    out.write_bytes(png_bytes(image))
    return out


def with_picture(widget: Any, data: dict[str, Any] | None) -> dict[str, Any] | None:
    """``data`` (a widget's mime bundle) plus ``image/png``: the picture of ``widget``.

    A saved notebook shows the picture where no widget can be drawn (nbviewer, GitHub, a
    notebook opened without its kernel); JupyterLab, Notebook 7, Voila and VS Code prefer the
    live widget. A picture that cannot be drawn is logged and left out: the widget still shows.
    """
    if data is None:
        return data
    try:
        image = picture(widget)
    except Exception:
        logging.getLogger("nnwidgets").exception("nnwidgets: no static picture of this view")
        return data
    if image is not None:
        data["image/png"] = base64.b64encode(png_bytes(image)).decode("ascii")
    return data
