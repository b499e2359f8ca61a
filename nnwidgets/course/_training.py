"""Lesson 09, weights and gradients over training: checks on the recorded training history.

The checks read what a Playground records (``state.history``, ``state.layer_history``: plain
dicts of lists) or a weight array, compute their own reference and never show it.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from ._common import CheckResult, _as_name, _is_int, _missing, _right, _wrong

#: The statistics ``check_weight_stats`` expects, in the order it reports them.
STATS: tuple[str, ...] = ("mean", "std", "min", "max")
_RTOL, _ATOL = 1e-4, 1e-6


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=_RTOL, abs_tol=_ATOL)


def _weights(w: Any) -> np.ndarray:
    """``w`` as a non-empty float array of finite numbers, else TypeError/ValueError."""
    try:
        a = np.asarray(w, np.float64)
    except (TypeError, ValueError) as e:
        raise TypeError(f"w: expected an array of weights, got {type(w).__name__}") from e
    if a.size == 0 or not np.isfinite(a).all():
        raise ValueError(f"w: expected a non-empty array of finite weights, got shape {a.shape}")
    return a


def _stat_value(name: str, value: Any) -> float | CheckResult:
    """One statistic of the answer as a float, or what is wrong with it."""
    if np.ndim(value) != 0:
        return _wrong(
            f"{name}: expected one number for the whole array, got shape {np.shape(value)}: "
            "reduce over every axis (no axis=...)"
        )
    try:
        v = float(value)
    except (TypeError, ValueError):
        return _wrong(f"{name}: expected a number, got {type(value).__name__}")
    if not math.isfinite(v):
        return _wrong(f"{name}: expected a finite number, got {v}")
    return v


def check_weight_stats(answer: Any, w: Any) -> CheckResult:
    """Mean, standard deviation, smallest and largest value of one weight array, by hand.

    The reference (what ``layer_history`` records, computed here in float64 with numpy):
    the statistics of every entry of ``w`` together, the standard deviation dividing by n.

    Args:
        answer: a dict ``{"mean": ..., "std": ..., "min": ..., "max": ...}`` of numbers.
        w: the weight array (e.g. ``state.params[0]["w"]``).

    Returns:
        A ``CheckResult``.

    Raises:
        TypeError, ValueError: ``w`` is not a non-empty array of finite numbers.
    """
    a = _weights(w)
    if answer is None:
        return _missing("stats", f"a dict with the keys {list(STATS)}")
    if not isinstance(answer, Mapping):
        return _wrong(
            f"stats: expected a dict with the keys {list(STATS)}, got {type(answer).__name__}"
        )
    missing = [k for k in STATS if k not in answer]
    if missing:
        return _wrong(f"stats: missing {missing} (expected the keys {list(STATS)})")
    got = {}
    for k in STATS:
        v = _stat_value(k, answer[k])
        if isinstance(v, CheckResult):
            return v
        got[k] = v
    ref = {
        "mean": float(a.mean()),
        "std": float(a.std()),
        "min": float(a.min()),
        "max": float(a.max()),
    }
    if (
        _close(got["min"], ref["max"])
        and _close(got["max"], ref["min"])
        and ref["min"] != ref["max"]
    ):
        return _wrong("min and max are swapped")
    n = a.size
    slips = {
        "mean": [(float(np.abs(a).mean()), "the mean of |w|: average the signed weights")],
        "std": [
            (float(a.var()), "that is the variance: the standard deviation is its square root"),
            (
                float(a.std(ddof=1)) if n > 1 else math.nan,
                "divides by n - 1 (ddof=1); the weights are the whole population: divide by n",
            ),
        ],
    }
    for k in STATS:
        if _close(got[k], ref[k]):
            continue
        for value, message in slips.get(k, []):
            if _close(got[k], value):
                return _wrong(f"{k}: {message}")
        return _wrong(f"{k}: off by {got[k] - ref[k]:+.3g}")
    return _right(f"mean, std, min and max of the {n} weights {tuple(a.shape)} match")


def _series(history: Any, key: str) -> tuple[list[int], list[float]]:
    """``history["step"]`` and ``history[key]``, checked, else ValueError naming history."""
    if not isinstance(history, Mapping) or "step" not in history or key not in history:
        got = sorted(history) if isinstance(history, Mapping) else type(history).__name__
        raise ValueError(
            f"history: expected a Playground's state.history (with 'step' and {key!r}), got {got}"
        )
    steps, values = list(history["step"]), [float(v) for v in history[key]]
    if len(steps) != len(values) or not steps:
        raise ValueError(
            f"history: expected one {key} per step, got {len(steps)} steps and {len(values)}"
        )
    return steps, values


def _first_below(steps: list[int], values: list[float], threshold: float) -> int | None:
    return next((s for s, v in zip(steps, values) if v < threshold), None)


def check_first_step_below(
    answer: Any, history: Any, threshold: float, *, key: str = "train_loss"
) -> CheckResult:
    """The first recorded step at which ``history[key]`` is below ``threshold``.

    Args:
        answer: the student's step (an int), or None if it never drops below.
        history: a Playground's ``state.history`` (``step`` and ``key`` per update).
        threshold: the value to drop below (strictly).
        key: the curve, ``"train_loss"`` by default.

    Returns:
        A ``CheckResult``.

    Raises:
        ValueError: ``history`` lacks the curves, or ``threshold`` is not a finite number.
    """
    if not isinstance(threshold, numbers.Real) or not math.isfinite(threshold):
        raise ValueError(f"threshold: expected a finite number, got {threshold!r}")
    steps, values = _series(history, key)
    ref = _first_below(steps, values, threshold)
    what = key.replace("_", " ")
    if answer is None:
        if ref is None:
            return _right(f"the {what} never drops below {threshold:g} in this history")
        return _wrong("step: got None: assign your answer (a step, an int) and run the check again")
    if not _is_int(answer):
        return _wrong(
            f"step: expected an int (a step of history['step']), got {type(answer).__name__}"
        )
    answer = int(answer)
    if ref is None:
        return _wrong(f"the {what} never drops below {threshold:g} in this history: answer None")
    if answer == ref:
        return _right(f"step {answer} is the first update with {what} < {threshold:g}")
    if answer == steps.index(ref):
        return _wrong(
            f"{answer} is the row's index in the history, not its step: "
            "read the step from history['step'] at that row"
        )
    if answer not in steps:
        return _wrong(f"no update was recorded at step {answer}: use a value of history['step']")
    other = "test_loss" if key == "train_loss" else None
    if other in history and answer == _first_below(*_series(history, other), threshold):
        return _wrong(
            f"that is where the test loss drops below {threshold:g}; the exercise asks for "
            f"the {what}"
        )
    value = values[steps.index(answer)]
    if not value < threshold:
        return _wrong(f"at step {answer} the {what} is {value:.4g}, not below {threshold:g}")
    return _wrong(
        f"at step {answer} the {what} is below {threshold:g}, but it already was earlier: "
        "find the first such step"
    )


def _grad_norms(layer_history: Any) -> dict[str, tuple[float, float]]:
    """Each layer's first and last gradient norm, else ValueError naming layer_history."""
    ok = isinstance(layer_history, Mapping) and layer_history
    if not ok or not all(
        isinstance(r, Mapping) and len(r.get("grad_norm", ())) >= 2 for r in layer_history.values()
    ):
        raise ValueError(
            "layer_history: expected a Playground's state.layer_history after training (each "
            f"layer's 'grad_norm' with 2 or more values), got {type(layer_history).__name__}"
        )
    ends = {
        str(n): (float(r["grad_norm"][0]), float(r["grad_norm"][-1]))
        for n, r in layer_history.items()
    }
    bad = [n for n, (first, last) in ends.items() if not (first > 0 and math.isfinite(last))]
    if bad:
        raise ValueError(f"layer_history: expected positive first gradient norms, got 0 for {bad}")
    return ends


def check_shrinking_layer(answer: Any, layer_history: Any) -> CheckResult:
    """The layer whose gradient norm shrank most relative to its start (last / first smallest).

    Args:
        answer: a layer name (a key of ``layer_history``).
        layer_history: a Playground's ``state.layer_history`` after training.

    Returns:
        A ``CheckResult``.

    Raises:
        ValueError: ``layer_history`` is not a trained Playground's (two rows or more).
    """
    ends = _grad_norms(layer_history)
    layers = list(ends)
    answer = _as_name("layer", answer, layers)
    if isinstance(answer, CheckResult):
        return answer
    ratio = {n: last / first for n, (first, last) in ends.items()}
    best = min(ratio.values())
    mine = ratio[answer]
    if mine <= best * (1 + 1e-6):
        return _right(
            f"{answer}'s gradient norm ends at {mine:.3g} × its start, the smallest ratio"
        )
    if mine == max(ratio.values()):
        return _wrong(f"{answer}'s gradient norm shrinks least ({mine:.3g} × its start)")
    if answer == min(ends, key=lambda n: ends[n][1]):
        return _wrong(
            f"{answer} has the smallest gradient norm at the end, but it started small too: "
            "compare each layer with its own start (last / first)"
        )
    if answer == max(ends, key=lambda n: ends[n][0] - ends[n][1]):
        return _wrong(
            f"{answer}'s gradient norm drops the most in absolute terms; the layers start at "
            "different sizes: compare last / first"
        )
    return _wrong(f"{answer}'s gradient norm ends at {mine:.3g} × its start; another shrinks more")
