"""Turn the Explorer's constructor arguments into one ``ExplorerState``, checking each."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ..models import (
    BUNDLED_MODELS,
    Dataset,
    Sequential,
    adapt,
    check_params,
    dataset_from_arrays,
    kind_of,
    pretrained,
)
from ._explorer_state import ExplorerState


def _data(
    data: Any,
    input_shape: tuple[int, ...] | None,
    feature_names: Any = None,
    class_names: Any = None,
) -> Dataset:
    if isinstance(data, Dataset):
        if input_shape is not None and data.input_shape != tuple(input_shape):
            raise ValueError(
                f"data: expected examples of shape {tuple(input_shape)}, got {data.input_shape}"
            )
        if feature_names is None and class_names is None:
            return data
        renamed = dataset_from_arrays(
            data.X_train[:1],
            data.y_train[:1],
            feature_names=data.feature_names if feature_names is None else feature_names,
            class_names=data.class_names if class_names is None else class_names,
        )  # checks the names against the data's size
        return dataclasses.replace(
            data, feature_names=renamed.feature_names, class_names=renamed.class_names
        )
    if isinstance(data, tuple) and len(data) == 2:
        return dataset_from_arrays(
            *data, input_shape=input_shape, feature_names=feature_names, class_names=class_names
        )
    raise ValueError(f"data: expected (X, y) arrays or a Dataset, got {type(data).__name__}")


def build_state(
    model: Any,
    params: Any = None,
    data: Any = None,
    *,
    batched: bool | None = None,
    feature_names: Any = None,
    class_names: Any = None,
    **inputs: Any,
) -> ExplorerState:
    """Build the state for ``Explorer(model, params, data=...)``.

    Args:
        model: a bundled model name (``"digits"``, ``"digits_cnn"``, ``"iris"``, ``"wine"``,
            ``"breast_cancer"``), a ``Sequential``, a Flax NNX or Linen module, an Equinox
            module, a Haiku ``Transformed`` or a function ``f(params, x) -> logits``.
        params: a ``Sequential``'s or function's parameters, a Linen module's ``variables``,
            a Haiku ``Transformed``'s params; None for NNX and Equinox modules (they carry
            theirs) and for a name (bundled weights).
        data: ``(X, y)`` arrays or a ``Dataset``; required unless ``model`` is a name.
        batched: your model takes a batch axis ``(B, ...)`` (None: detected).
        feature_names: a name per input value (shown on sliders, bars and titles).
        class_names: a name per class (shown on the probabilities and titles).
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
        dataset = _data(
            bundled.dataset if data is None else data, spec.input_shape, feature_names, class_names
        )
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
        dataset = _data(data, model.input_shape, feature_names, class_names)
        return ExplorerState(model, check_params(model, params), dataset, **inputs)
    if not kind_of(model):
        raise ValueError(
            "model: expected a bundled model name, a Sequential, a Flax NNX or Linen module, an "
            "Equinox module, a Haiku Transformed or a function f(params, x) -> logits, got "
            f"{type(model).__name__}"
        )
    dataset = _data(data, None, feature_names, class_names)
    adapted, params = adapt(model, params, dataset.X_test, batched=batched)
    if adapted.channels_first_input:  # (C, H, W) images are held and shown as (H, W, C)
        train = np.ascontiguousarray(np.moveaxis(dataset.X_train, 1, -1))
        same = dataset.X_test is dataset.X_train  # your own arrays: one array, both sets
        dataset = dataclasses.replace(
            dataset,
            X_train=train,
            X_test=train if same else np.ascontiguousarray(np.moveaxis(dataset.X_test, 1, -1)),
            feature_names=tuple(
                np.moveaxis(np.array(dataset.feature_names).reshape(dataset.input_shape), 0, -1)
                .ravel()
                .tolist()
            ),
        )
    if adapted.n_outputs < dataset.n_classes:
        raise ValueError(
            f"model: expected {dataset.n_classes} outputs (one per class of the data), got "
            f"{adapted.n_outputs}"
        )
    return ExplorerState(adapted, params, dataset, **inputs)
