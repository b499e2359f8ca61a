"""A multichannel time series as a line chart the user edits by dragging its points.

The series travels as one float32 buffer both ways (``value``, as ``PaintCanvas`` does it): a
drag sends the whole series at most once per animation frame, and the kernel does not echo it
back. A second buffer (``shade``, e.g. an attribution over the series) colours the chart behind
the points on the diverging scheme.
"""

from __future__ import annotations

from typing import Any

import anywidget
import numpy as np
import traitlets as t

from ._js import esm
from ._paint_canvas import _bytes_from_json

_ESM = esm("series")


def _series(name: str, values: Any, shape: tuple[int, int] | None = None) -> np.ndarray:
    """``values`` as a finite float32 ``(steps, channels)`` array (``shape`` if given)."""
    v = np.asarray(values, dtype=np.float64)
    if shape is not None and v.shape != shape:
        raise ValueError(f"{name}: expected shape {shape}, received {tuple(v.shape)}")
    if v.ndim != 2 or 0 in v.shape:
        raise ValueError(
            f"{name}: expected a non-empty 2-D array (steps, channels), received shape "
            f"{tuple(v.shape)}"
        )
    if not np.isfinite(v).all():
        step, channel = (int(i) for i in np.argwhere(~np.isfinite(v))[0])
        raise ValueError(
            f"{name}: expected finite numbers, received {v[step, channel]} at step {step}, "
            f"channel {channel}"
        )
    return np.ascontiguousarray(v, dtype="<f4")


class SeriesEditor(anywidget.AnyWidget):
    """A ``(steps, channels)`` series drawn as one line per channel; drag a point to edit it.

    Pointer down on a point (within a few px; the nearest if several) and drag: the point
    follows the pointer vertically, and sweeping sideways sets the steps passed to the
    pointer's path, the values clamped to ``[y_lo, y_hi]``. ``value`` holds the series as
    float32 bytes (row-major: step by step, each step its channels; little-endian); ``show``
    and ``array`` convert from and to a ``(steps, channels)`` array. ``show_shade(values)``
    colours a band behind each step (one channel) or under each point on the diverging scheme
    over ±max|shade| (or ``shade_range(lo, hi)``), with a colour bar titled ``color_label``.

    Examples:
        >>> editor = SeriesEditor(np.zeros((4, 2)), channel_names=["sin", "cos"])
        >>> editor.show_shade([[0.5, 0], [0, 0], [0, -1], [0, 0]])
        >>> editor.array().shape, (editor.shade_lo, editor.shade_hi)
        ((4, 2), (-1.0, 1.0))
    """

    _esm = _ESM
    value = t.Bytes(b"", help="The series as float32 bytes, (steps, channels) row-major.").tag(
        sync=True, echo_update=False, from_json=_bytes_from_json
    )
    steps = t.Int(32, help="Time steps (points per line).").tag(sync=True)
    channels = t.Int(1, help="Channels (lines).").tag(sync=True)
    channel_names = t.List(t.Unicode(), help="Legend names (else 'channel c').").tag(sync=True)
    y_lo = t.Float(-1.0, help="Bottom of the value axis; drags stop here.").tag(sync=True)
    y_hi = t.Float(1.0, help="Top of the value axis; drags stop here.").tag(sync=True)
    shade = t.Bytes(b"", help="float32 (steps, channels) shading, or empty (none).").tag(sync=True)
    shade_lo = t.Float(-1.0, help="Shade value at the colour bar's left end.").tag(sync=True)
    shade_hi = t.Float(1.0, help="Shade value at the colour bar's right end.").tag(sync=True)
    auto_shade_range = t.Bool(True, help="Each show_shade() sets the range to ±max|shade|.")
    title = t.Unicode("", help="Text above the chart.").tag(sync=True)
    color_label = t.Unicode("", help="Title under the shade's colour bar.").tag(sync=True)
    width_px = t.Int(420, help="Canvas width (px; narrower if the page is).").tag(sync=True)
    height_px = t.Int(220, help="Chart height (px), the colour bar below it.").tag(sync=True)

    def __init__(self, series: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if series is not None:
            self.show(series)

    @t.validate("value")
    def _valid_value(self, proposal: Any) -> bytes:
        value = bytes(proposal["value"])
        n = 4 * self.steps * self.channels
        if len(value) != n:
            raise t.TraitError(
                f"value: expected {n} bytes ({self.steps}x{self.channels} float32), "
                f"received {len(value)}"
            )
        if not np.isfinite(np.frombuffer(value, "<f4")).all():
            raise t.TraitError("value: expected finite float32 values, received NaN or inf")
        return value

    @t.validate("shade")
    def _valid_shade(self, proposal: Any) -> bytes:
        shade = bytes(proposal["value"])
        n = 4 * self.steps * self.channels
        if len(shade) not in (0, n):
            raise t.TraitError(
                f"shade: expected 0 or {n} bytes ({self.steps}x{self.channels} float32), "
                f"received {len(shade)}"
            )
        return shade

    def show(self, series: Any) -> None:
        """Draw ``series`` ``(steps, channels)`` (finite; sent as float32).

        A new shape clears the shade. Values outside ``[y_lo, y_hi]`` are drawn clipped.
        """
        v = _series("series", series)
        with self.hold_sync():  # one update: the series and whatever else changed
            if v.shape != (self.steps, self.channels):
                self.shade = b""
                self.steps, self.channels = v.shape
            self.value = v.tobytes()

    def array(self) -> np.ndarray:
        """The series as float32 ``(steps, channels)`` (zeros before any value)."""
        shape = (self.steps, self.channels)
        if len(self.value) != 4 * self.steps * self.channels:
            return np.zeros(shape, np.float32)
        return np.frombuffer(self.value, "<f4").reshape(shape).copy()

    def shade_range(self, lo: float, hi: float) -> None:
        """Fix the shade's colour range to ``[lo, hi]`` (finite, ``lo < hi``)."""
        lo, hi = float(lo), float(hi)
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise ValueError(f"lo, hi: expected finite numbers with lo < hi, received {lo}, {hi}")
        with self.hold_sync():
            self.auto_shade_range = False
            self.shade_lo, self.shade_hi = lo, hi

    def show_shade(self, values: Any) -> None:
        """Shade the chart by ``values`` ``(steps, channels)``; ``None`` removes the shade."""
        if values is None:
            self.shade = b""
            return
        s = _series("values", values, (self.steps, self.channels))
        with self.hold_sync():
            if self.auto_shade_range:
                m = float(np.abs(s).max())
                self.shade_lo, self.shade_hi = (-m, m) if m > 0 else (-1.0, 1.0)
            self.shade = s.tobytes()
