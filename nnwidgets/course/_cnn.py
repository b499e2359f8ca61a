"""Lesson 10, CNNs: one value of a convolution, a conv layer's output shape, Grad-CAM by hand.

The references come from the model itself (its trace, its ``layer_shapes``) and from
``kernels.grad_cam``; the typical slips are recomputed to name them.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..kernels import Settings, conv_layers, grad_cam
from ..models import Conv2D, Dense, Flatten, Sequential
from ._common import CheckResult, _as_array, _as_number, _right, _wrong


def _close(a: Any, b: Any, rtol: float = 1e-4, atol: float = 1e-5) -> bool:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _int_arg(name: str, value: Any, high: int) -> int:
    """``value`` as an int in ``[0, high)``, else ValueError/TypeError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name}: expected an int, got {type(value).__name__}")
    if not 0 <= int(value) < high:
        raise ValueError(f"{name}: expected 0 <= {name} < {high}, got {value}")
    return int(value)


def _first_conv(model: Any, params: Any) -> tuple[Conv2D, np.ndarray, np.ndarray]:
    """The model's first layer, a ``Conv2D``, and its kernel ``(kh, kw, c_in, c_out)`` and bias."""
    layers = getattr(model, "layers", None)
    if not isinstance(model, Sequential) or not layers or not isinstance(layers[0], Conv2D):
        raise TypeError(
            "model: expected a Sequential whose first layer is a Conv2D (e.g. "
            f"pretrained('digits_cnn').model), got {type(model).__name__}"
        )
    try:
        w, b = np.asarray(params[0]["w"], np.float64), np.asarray(params[0]["b"], np.float64)
    except (TypeError, KeyError, IndexError) as e:
        raise TypeError(
            "params: expected the model's parameters (model.init(...), or pretrained(...).params)"
        ) from e
    return layers[0], w, b


def _padded(x: np.ndarray, layer: Conv2D, w: np.ndarray) -> np.ndarray:
    """``x`` ``(H, W, C)`` zero-padded as the layer pads it (XLA's "SAME": extra at the end)."""
    (kh, kw), (sh, sw), (H, W) = w.shape[:2], layer.stride, x.shape[:2]
    if layer.padding != "SAME":
        return x
    oh, ow = -(-H // sh), -(-W // sw)
    ph, pw = max((oh - 1) * sh + kh - H, 0), max((ow - 1) * sw + kw - W, 0)
    return np.pad(x, ((ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))


def check_conv_value(value: Any, model: Any, params: Any, x: Any, position: Any) -> CheckResult:
    """Exercise 1 of lesson 10: one value of the first conv layer's output, before its ReLU.

    ``z[i, j, k] = sum(patch * w[:, :, :, k]) + b[k]``, ``patch`` the kernel-sized window of
    the zero-padded input at output position ``(i, j)`` (a cross-correlation, as in every
    deep-learning library). The reference is the model's own trace (``pre`` of the layer).

    Args:
        value: the student's answer, a number.
        model: a ``Sequential`` whose first layer is a ``Conv2D`` (``pretrained("digits_cnn")``).
        params: its parameters.
        x: one input, ``model.input_shape``.
        position: ``(i, j, k)``: output row, column and channel.

    Returns:
        A ``CheckResult``.

    Raises:
        TypeError, ValueError: ``model``, ``params``, ``x`` or ``position`` are not as above.
    """
    layer, w, b = _first_conv(model, params)
    x = np.asarray(x, np.float64)
    if x.shape != tuple(model.input_shape):
        raise ValueError(f"x: expected shape {tuple(model.input_shape)}, got {x.shape}")
    if not isinstance(position, (tuple, list)) or len(position) != 3:
        raise TypeError(f"position: expected (row, column, channel), got {position!r}")
    shape = model.layer_shapes[0]
    names = ("position row", "position column", "position channel")
    i, j, k = (_int_arg(n, p, s) for n, p, s in zip(names, position, shape))
    _, trace = model.apply(params, jnp.asarray(x, jnp.float32))
    pre = np.asarray(trace[model.layer_names[0]].pre, np.float64)
    ref = float(pre[i, j, k])
    if value is not None and np.shape(value) in (w.shape[:2], w.shape[:3]):
        return _wrong(
            f"z: you have the {np.shape(value)} element-wise products of the patch and the "
            "kernel: add them up (and add the bias)"
        )
    v = _as_number("z", value)
    if isinstance(v, CheckResult):
        return v
    tol = 1e-4 * max(1.0, abs(ref))
    if abs(v - ref) <= tol:
        return _right(f"z[{i}, {j}, {k}] = {v:.4f}, as the layer computes it")
    xc = x[..., None] if x.ndim == 2 else x
    (kh, kw), (sh, sw) = w.shape[:2], layer.stride
    patch = _padded(xc, layer, w)[i * sh : i * sh + kh, j * sw : j * sw + kw]
    mistakes = [
        (ref - b[k], "the bias is missing: add b[k] to the sum of the products"),
        (
            max(ref, 0.0),
            "that is after the ReLU; the value asked for is before it (z, not relu(z))",
        ),
        (
            float(np.sum(patch * w[::-1, ::-1, :, k]) + b[k]),
            "the kernel is flipped (a textbook convolution): deep-learning layers slide the "
            "kernel as it is (cross-correlation), w[0, 0] on the patch's top-left pixel",
        ),
        (
            float(np.sum(patch * np.swapaxes(w, 0, 1)[..., k]) + b[k]),
            "the kernel is transposed: w[a, b] goes with the patch's row a, column b",
        ),
        (float(pre[j, i, k]), "that is the value at (row j, column i): rows and columns swapped"),
    ]
    top = xc[i * sh : i * sh + kh, j * sw : j * sw + kw]
    if top.shape[:2] == (kh, kw):
        mistakes.append(
            (
                float(np.sum(top * w[..., k]) + b[k]),
                "the patch is not padded: with 'SAME' padding the input gets a border of "
                "zeros first, so output (i, j) is centred on input pixel (i, j) (pad, then "
                "take rows i..i+2)",
            )
        )
    for other in range(pre.shape[2]):
        if other != k:
            mistakes.append(
                (float(pre[i, j, other]), f"that is channel {other}, not {k} (w[..., k], b[k])")
            )
    for candidate, message in mistakes:
        if abs(v - candidate) <= tol and abs(candidate - ref) > tol:
            return _wrong(f"z: {message}")
    return _wrong(f"z: off by {v - ref:+.4g} (check the patch, the kernel and the bias)")


def _shape_arg(value: Any) -> tuple[int, ...]:
    ok = isinstance(value, (tuple, list)) and len(value) in (2, 3)
    ok = ok and all(isinstance(n, (int, np.integer)) and int(n) > 0 for n in value)
    if not ok:
        raise ValueError(
            f"input_shape: expected (H, W) or (H, W, C) of positive ints, got {value!r}"
        )
    return tuple(int(n) for n in value)


def check_conv_shape(shape: Any, input_shape: Any, layer: Any) -> CheckResult:
    """Exercise 2 of lesson 10: the output shape of ``layer`` on an input of ``input_shape``.

    The reference is what nnwidgets builds: the first of ``Sequential(input_shape, (layer,
    Flatten(), Dense(1))).layer_shapes``.

    Args:
        shape: the student's answer, a tuple of ints ``(H', W', C')``.
        input_shape: ``(H, W)`` or ``(H, W, C)``.
        layer: a ``Conv2D``.

    Returns:
        A ``CheckResult``.

    Raises:
        TypeError: ``layer`` is not a ``Conv2D``.
        ValueError: ``input_shape`` is not a shape, or too small for the kernel.
    """
    if not isinstance(layer, Conv2D):
        raise TypeError(f"layer: expected a Conv2D, got {type(layer).__name__}")
    input_shape = _shape_arg(input_shape)
    H, W = input_shape[:2]
    (kh, kw), (sh, sw) = layer.kernel_size, layer.stride
    if layer.padding == "VALID" and (kh > H or kw > W):
        raise ValueError(
            f"input_shape: expected at least the kernel {(kh, kw)} for 'VALID', got {input_shape}"
        )
    ref = tuple(Sequential(input_shape, (layer, Flatten(), Dense(1))).layer_shapes[0])
    if shape is None:
        return _wrong(
            "shape: got None: assign your answer (a tuple of ints) and run the check again"
        )
    if isinstance(shape, np.ndarray) and shape.ndim == 1:
        shape = tuple(shape.tolist())
    if not isinstance(shape, (tuple, list)) or not all(
        isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in shape
    ):
        return _wrong(f"shape: expected a tuple of ints, got {type(shape).__name__}")
    shape = tuple(int(n) for n in shape)
    if shape == ref:
        return _right(f"{layer.padding} padding, stride {layer.stride}: {ref}")
    if len(shape) == 2:
        return _wrong(
            "shape: a conv layer's output has three axes (height, width, channels): the "
            "channels axis is missing"
        )
    if len(shape) != 3:
        return _wrong(f"shape: expected three axes (height, width, channels), got {len(shape)}")
    c_in = input_shape[2] if len(input_shape) == 3 else 1
    if shape[:2] == ref[:2]:
        if shape[2] == c_in and c_in != layer.features:
            return _wrong(
                "shape: the height and width are right; the channels are the layer's "
                "features (one per kernel), not the input's channels"
            )
        return _wrong("shape: the height and width are right; the channels are not")
    same = (-(-H // sh), -(-W // sw))
    valid = ((H - kh) // sh + 1, (W - kw) // sw + 1)
    hw = shape[:2]
    if layer.padding == "VALID" and hw == same:
        return _wrong(
            "shape: that is 'SAME' padding's size; 'VALID' adds no border, so the kernel "
            "fits (H - k) // stride + 1 times"
        )
    if layer.padding == "SAME" and hw == valid:
        return _wrong(
            "shape: that is 'VALID' padding's size; 'SAME' pads with zeros so that the "
            "output is ceil(H / stride)"
        )
    if layer.padding == "VALID" and hw == ((H - kh) // sh, (W - kw) // sw):
        return _wrong("shape: one short: the kernel fits (H - k) // stride + 1 times (the +1)")
    unstrided = (H - kh + 1, W - kw + 1) if layer.padding == "VALID" else (H, W)
    if (sh, sw) != (1, 1) and hw == unstrided:
        return _wrong(f"shape: that is the size with stride 1; the stride is {layer.stride}")
    return _wrong(
        "shape: the height and width are off: with 'VALID' the kernel fits "
        "(H - k) // stride + 1 times, with 'SAME' the output is ceil(H / stride)"
    )


def _cam_parts(
    model: Any, params: Any, x: Any, layer: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(A, G, Z)``: the layer's output, d logits / d A per class ``(C, H, W, K)``, pre-act."""
    shape = dict(zip(model.layer_names, model.layer_shapes))[layer]
    x = jnp.asarray(x, jnp.float32)

    def logits(tap: jax.Array) -> tuple[jax.Array, Any]:
        out, trace = model.apply(params, x, taps={layer: tap})
        return out, (trace[layer].post, trace[layer].pre)

    G, (A, Z) = jax.jacrev(logits, has_aux=True)(jnp.zeros(shape, jnp.float32))
    return np.asarray(A, np.float64), np.asarray(G, np.float64), np.asarray(Z, np.float64)


def _cam(A: np.ndarray, weights: np.ndarray, relu: bool = True) -> np.ndarray:
    m = np.einsum("hwk,k->hw", A, weights)
    return np.maximum(m, 0.0) if relu else m


def _resize(a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    return np.asarray(jax.image.resize(jnp.asarray(a, jnp.float32), shape, "linear"), np.float64)


def check_grad_cam(
    cam: Any, model: Any, params: Any, x: Any, *, target: int = -1, layer: str | None = None
) -> CheckResult:
    """Exercise 3 of lesson 10: Grad-CAM by hand, against ``kernels.grad_cam``.

    ``weights = mean of G over H, W`` (``G = d logit[target] / d A``), ``map = relu(sum_k
    weights_k A_k)``. The map may be at the layer's resolution ``(h, w)`` (it is then
    resized as ``grad_cam`` resizes it) or at the input's ``(H, W)``.

    Args:
        cam: the student's map.
        model: a model with a conv layer (e.g. ``pretrained("digits_cnn").model``).
        params: its parameters.
        x: one input.
        target: the class explained; -1 the predicted one.
        layer: the conv layer; None the last one.

    Returns:
        A ``CheckResult``.

    Raises:
        ValueError: the model has no conv layer, ``layer`` is none of them, ``x`` has not
            the model's input shape, ``target`` is out of range.
    """
    convs = conv_layers(model)
    if not convs:
        raise ValueError(f"model: expected a model with a Conv2D layer, got {model!r}")
    layer = convs[-1] if layer is None else layer
    if layer not in convs:
        raise ValueError(f"layer: expected one of the conv layers {list(convs)}, got {layer!r}")
    if np.shape(x) != tuple(model.input_shape):
        raise ValueError(f"x: expected shape {tuple(model.input_shape)}, got {np.shape(x)}")
    A, G, Z = _cam_parts(model, params, x, layer)
    n_classes = G.shape[0]
    if target == -1:
        out, _ = model.apply(params, jnp.asarray(x, jnp.float32))
        target = int(np.argmax(out))
    target = _int_arg("target", target, n_classes)
    x = jnp.asarray(x, jnp.float32)
    full = np.asarray(
        grad_cam(model, params, x, jnp.int32(target), settings=Settings(layer=layer)).attribution
    )
    full = full[..., 0] if full.ndim == 3 else full
    small_shape, big_shape = A.shape[:2], full.shape
    if cam is not None and np.shape(cam) == A.shape:
        return _wrong(
            f"map: shape {A.shape} is one map per channel: sum the weighted channels "
            "(over the last axis) into one map"
        )
    a = _as_array("map", cam, small_shape)
    if isinstance(a, CheckResult):
        return a
    if a.shape not in (small_shape, big_shape):
        return _wrong(
            f"map: expected shape {small_shape} (the layer's) or {big_shape} (the input's), "
            f"got {a.shape}"
        )
    if not np.all(np.isfinite(a)):
        return _wrong("map: contains NaN or inf")
    big = a.shape == big_shape and a.shape != small_shape
    mine = a if big else _resize(a, big_shape)
    # relative to the map's own size (a digit's map can be ~1e-3): float32 rounding only
    scale = max(float(np.abs(full).max()), 1e-6)
    if _close(mine, full, atol=1e-4 * scale):
        return _right(
            f"the map matches nnwidgets' grad_cam on {layer} for class {target} "
            f"(largest value {float(np.abs(full).max()):.3g})"
        )
    g = G[target]
    w = g.mean(axis=(0, 1))
    mistakes = [
        (_cam(A, w, relu=False), "no ReLU: keep only the positive part, relu(sum_k w_k A_k)"),
        (
            _cam(A, g.sum(axis=(0, 1))),
            "the weights are sums over the positions; Grad-CAM takes their mean",
        ),
        (
            np.maximum((A * g.mean(axis=-1, keepdims=True)).sum(axis=-1), 0.0),
            "the gradient is averaged over the wrong axis (the channels); average each "
            "channel's gradient over the positions, axes (0, 1)",
        ),
        (
            np.maximum((A * g).sum(axis=-1), 0.0),
            "each position is weighted by its own gradient (gradient × activation); Grad-CAM "
            "first averages each channel's gradient over all positions",
        ),
        (_cam(A, -w), "the gradient's sign is flipped: G is d logit / d A, not its negative"),
        (_cam(Z, w), "that uses the layer's pre-activations; A is its output (after the ReLU)"),
    ]
    mistakes += [
        (_cam(A, G[c].mean(axis=(0, 1))), f"that is the map of class {c}, not of class {target}")
        for c in range(n_classes)
        if c != target
    ]
    ref = full if big else _cam(A, w)
    for candidate, message in mistakes:
        if big:
            candidate = _resize(candidate, big_shape)
        if _close(a, candidate, atol=1e-4 * scale) and not _close(
            ref, candidate, atol=1e-4 * scale
        ):
            return _wrong(f"map: {message}")
    diff = a - ref
    where = np.unravel_index(int(np.argmax(np.abs(diff))), diff.shape)
    at = "[" + ", ".join(str(int(i)) for i in where) + "]"
    return _wrong(f"map: off by {diff[where]:+.3g} at {at}")
