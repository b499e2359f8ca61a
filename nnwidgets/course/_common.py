"""What every exercise check shares: the result type and the comparison.

The comparison names the mistake (shape, sign, transpose, a known slip, the largest
difference) and never shows the reference.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

_RTOL, _ATOL = 1e-4, 1e-5


@dataclasses.dataclass(frozen=True)
class CheckResult:
    """The outcome of one check.

    Attributes:
        ok: True when the answer is right.
        message: ``"right: ..."`` or what is off.
    """

    ok: bool
    message: str

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:  # what a notebook cell shows
        return self.message


def _right(message: str) -> CheckResult:
    return CheckResult(True, f"right: {message}")


def _wrong(message: str) -> CheckResult:
    return CheckResult(False, message)


def _is_int(value: Any) -> bool:
    """An int answer (numpy's too), not a bool."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _missing(name: str, want: str) -> CheckResult:
    """What a check says when the answer is still None."""
    return _wrong(f"{name}: got None: assign your answer ({want}) and run the check again")


def _as_number(
    name: str, value: Any, want: str = "a float", units: int | None = None
) -> float | CheckResult:
    """``value`` as one finite float, or what is wrong with it (None, a text, an array...).

    ``units``: the size of a per-unit array, which the message then suspects.
    """
    if value is None:
        return _missing(name, f"one number, {want}")
    if isinstance(value, (bool, np.bool_, str, bytes, dict)) or callable(value):
        return _wrong(f"{name}: expected one number ({want}), got {type(value).__name__}")
    try:
        a = np.asarray(value, np.float64)
    except (TypeError, ValueError):
        return _wrong(f"{name}: expected one number ({want}), got {type(value).__name__}")
    if a.size != 1:
        per = " (one per unit?)" if units is not None and a.shape[-1:] == (units,) else ""
        return _wrong(f"{name}: expected one number ({want}), got an array of shape {a.shape}{per}")
    v = float(a.ravel()[0])
    if not np.isfinite(v):
        return _wrong(f"{name}: got {v}, not a finite number")
    return v


def _as_name(name: str, value: Any, names: Sequence[str], what: str = "layer") -> str | CheckResult:
    """``value`` as one of ``names`` (e.g. the model's layers), or what is wrong with it."""
    if value is None:
        return _missing(name, f"a {what} name")
    if not isinstance(value, str):
        return _wrong(f"{name}: expected a {what} name (str), got {type(value).__name__}")
    if value not in names:
        return _wrong(f"{name}: {value!r} is not one of the {what}s {list(names)}")
    return value


def _as_array(name: str, value: Any, shape: tuple[int, ...]) -> np.ndarray | CheckResult:
    """``value`` as a float array, or the message that says why it is not one."""
    want = f"an array of shape {shape}"
    if value is None:
        return _wrong(f"{name}: got None: assign your answer ({want}) and run the check again")
    if isinstance(value, (str, bytes, dict)) or callable(value):
        return _wrong(f"{name}: expected {want} (numpy or jax), got {type(value).__name__}")
    try:
        a = np.asarray(value, np.float64)
    except (TypeError, ValueError):
        return _wrong(f"{name}: expected {want} (numpy or jax), got {type(value).__name__}")
    return a


def _compare(
    name: str,
    value: Any,
    reference: np.ndarray,
    mistakes: Sequence[tuple[np.ndarray, str]] = (),
    sign_hint: str = "",
) -> CheckResult:
    """``value`` against ``reference``: right, or the shape, sign, known mistake or difference."""
    ref = np.asarray(reference, np.float64)
    a = _as_array(name, value, ref.shape)
    if isinstance(a, CheckResult):
        return a
    if a.shape != ref.shape:
        if a.ndim == 2 and a.shape == ref.shape[::-1]:
            return _wrong(
                f"{name}: expected shape {ref.shape}, got {a.shape}: transposed? A gradient "
                "has the shape of what it differentiates by (for a weight: inputs × outputs)"
            )
        if a.size == ref.size:
            return _wrong(
                f"{name}: expected shape {ref.shape}, got {a.shape}: the right number of "
                "entries, arranged differently (an extra axis, or flattened?)"
            )
        return _wrong(f"{name}: expected shape {ref.shape}, got {a.shape}")
    if not np.all(np.isfinite(a)):
        return _wrong(f"{name}: contains NaN or inf")

    def close(b: np.ndarray) -> bool:
        return np.allclose(a, b, rtol=_RTOL, atol=_ATOL)

    if close(ref):
        return _right(f"{name} matches jax.grad (largest difference {np.abs(a - ref).max():.1e})")
    if np.abs(ref).max() > _ATOL and close(-ref):
        return _wrong(f"{name}: every entry has the opposite sign. {sign_hint}".rstrip())
    if ref.ndim == 2 and ref.shape[0] == ref.shape[1] and close(ref.T):
        return _wrong(f"{name}: transposed (rows are the inputs, columns the outputs)")
    for candidate, message in mistakes:
        if candidate.shape == ref.shape and close(candidate):
            return _wrong(f"{name}: {message}")
    diff = a - ref
    where = np.unravel_index(int(np.argmax(np.abs(diff))), diff.shape)
    wrong = int(np.sum(~np.isclose(a, ref, rtol=_RTOL, atol=_ATOL)))
    at = "[" + ", ".join(str(int(i)) for i in where) + "]"
    return _wrong(
        f"{name}: off by {diff[where]:+.3g} at {at} ({wrong} of {ref.size} entries differ)"
    )
