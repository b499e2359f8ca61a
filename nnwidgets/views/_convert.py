"""The one place values cross from the state to widget traits: float32 numpy and display text."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import numpy as np


def f32(x: Any) -> np.ndarray:
    """``x`` as a float32 numpy array (bqplot sends these as binary buffers)."""
    return np.asarray(x, dtype=np.float32)


def number(v: float) -> str:
    """A value as the views print it: six significant digits, ASCII minus."""
    return f"{float(v):.6g}"


def values_table(names: Sequence[str], values: Any, css: str, version: int = 0) -> str:
    """A collapsible table of exact values next to a chart (also what browser tests read).

    ``data-version`` is the state's update count: how many inputs reached the kernel.
    """
    rows = "".join(
        f'<tr data-index="{i}"><td>{html.escape(str(n))}</td>'
        f'<td class="nnw-v">{number(v)}</td></tr>'
        for i, (n, v) in enumerate(zip(names, f32(values).ravel()))
    )
    return (
        f'<details class="nnw-values {css}" data-version="{version}"><summary>values</summary>'
        f"<table>{rows}</table></details>"
    )
