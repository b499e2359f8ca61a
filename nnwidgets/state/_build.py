"""Turn the Explorer's constructor arguments into one ``ExplorerState``, checking each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import numpy as np

from ..models import (
    BUNDLED_MODELS,
    Dataset,
    FunctionModel,
    Sequential,
    check_params,
    dataset_from_arrays,
    pretrained,
)
from ._explorer_state import ExplorerState


def _data(data: Any, input_shape: tuple[int, ...] | None) -> Dataset:
    if isinstance(data, Dataset):
        if input_shape is not None and data.input_shape != tuple(input_shape):
            raise ValueError(
                f"data: expected examples of shape {tuple(input_shape)}, got {data.input_shape}"
            )
        return data
    if isinstance(data, tuple) and len(data) == 2:
        return dataset_from_arrays(*data, input_shape=input_shape)
    raise ValueError(f"data: expected (X, y) arrays or a Dataset, got {type(data).__name__}")


def build_state(model: Any, params: Any = None, data: Any = None, **inputs: Any) -> ExplorerState:
    """Build the state for ``Explorer(model, params, data=...)``.

    Args:
        model: a bundled model name (``"digits"``, ``"digits_cnn"``, ``"iris"``, ``"wine"``,
            ``"breast_cancer"``), a ``Sequential`` spec, or a function
            ``f(params, x) -> logits``.
        params: the parameters for a spec or function (optional for a name: bundled weights).
        data: ``(X, y)`` arrays or a ``Dataset``; required unless ``model`` is a name.
        **inputs: initial input traits (``x``, ``method``, ``target``, …).

    Raises:
        ValueError: naming the argument, what was expected and what came.
    """
    if isinstance(model, str):
        if model not in BUNDLED_MODELS:
            raise ValueError(
                f"model: expected one of {list(BUNDLED_MODELS)} or a model, got {model!r}"
            )
        bundled = pretrained(model)
        spec = bundled.model
        params = bundled.params if params is None else check_params(spec, params)
        dataset = bundled.dataset if data is None else _data(data, spec.input_shape)
        return ExplorerState(spec, params, dataset, **inputs)
    if data is None:
        raise ValueError(
            "data: expected (X, y) arrays for your model (slider ranges, default "
            "input and class names come from them), got None"
        )
    if isinstance(model, Sequential):
        if params is None:
            raise ValueError(
                "params: expected parameters for the model (e.g. "
                "model.init(jax.random.key(0)) or nnwidgets.models.fit(...)), got None"
            )
        return ExplorerState(
            model, check_params(model, params), _data(data, model.input_shape), **inputs
        )
    if callable(model):
        return _function_state(model, params, _data(data, None), **inputs)
    raise ValueError(
        f"model: expected a data set name, a Sequential or a function "
        f"f(params, x) -> logits, got {type(model).__name__}"
    )


def _function_state(
    fn: Callable[..., Any], params: Any, ds: Dataset, **inputs: Any
) -> ExplorerState:
    try:
        try:
            out = jax.eval_shape(fn, params, jax.ShapeDtypeStruct(ds.input_shape, np.float32))
        except (jax.errors.ConcretizationTypeError, jax.errors.TracerBoolConversionError):
            # Python branches on values: it cannot be traced, but it may still run eagerly
            # (the state then says so and runs without jit)
            out = np.asarray(fn(params, np.asarray(ds.X_test[0], np.float32)))
    except Exception as e:
        raise ValueError(
            f"model: calling model(params, x) on one example of shape "
            f"{ds.input_shape} failed: {type(e).__name__}: {e}"
        ) from e
    if len(out.shape) != 1 or out.shape[0] < ds.n_classes:
        raise ValueError(
            f"model: expected logits of shape ({ds.n_classes},) for one example, got {out.shape}"
        )
    return ExplorerState(FunctionModel(fn, ds.input_shape, out.shape[0]), params, ds, **inputs)
