"""The Playground's single source of truth: data, architecture, hyper-parameters and training.

Training runs in a background thread that advances jit-compiled chunks of ``speed`` steps
and publishes at most ``MAX_UPDATES_PER_S`` updates per second. A thread works the same under
ipykernel 6 and 7 (ipykernel 7 does not run asyncio tasks between cells), while the kernel
keeps answering widget messages: the heavy work runs in XLA, which releases the GIL, and the
thread sleeps between updates. One lock orders the thread's chunks and every change made
from the kernel's main thread (a button, a slider, code), so a pause or a new architecture
always lands between two chunks.
"""

from __future__ import annotations

import json
import math
import numbers
import threading
import time
from collections.abc import Sequence
from typing import Any, NamedTuple

import jax
import numpy as np
import traitlets as t

from ..kernels import (
    OPTIMIZERS,
    REGULARIZATIONS,
    Hyper,
    WeightStats,
    init_opt_state,
    snapshot,
    train_chunk,
)
from ..models import (
    ACTIVATIONS,
    DATASETS,
    FEATURES,
    INITS,
    TOY_DATASETS,
    Dataset,
    Dense,
    Sequential,
    check_features,
    check_params,
    dataset_from_arrays,
    expand_features,
    load_dataset,
    plane_grid,
    toy_dataset,
)
from ._checks import Integer, Number, ShowsObserverErrors, Text
from ._publishing import Publishes
from ._scene import (
    LAYER_HISTORY_KEYS,
    check_added,
    check_architecture,
    check_layer_history,
    check_scene,
    config_error,
    params_to_json,
    parse_scene,
    user_data,
)

SCENE_FORMAT = "nnwidgets.playground"
SCENE_VERSION = 1
MAX_UPDATES_PER_S = 20
MAX_LAYERS = 6
MAX_NEURONS_2D = 8
MAX_NEURONS = 128
GRID = 50  # output picture: GRID x GRID points of the input plane
THUMB = 24  # neuron thumbnails: THUMB x THUMB points
SPEEDS = (1, 5, 10, 25, 50, 100)
#: Traits that define a run: changing any of them starts afresh (new weights, step 0).
STRUCTURE = ("features", "hidden", "activation", "init", "seed")
#: Traits that define the data.
DATA = ("dataset", "noise", "test_fraction", "data_seed")
CONFIG = (
    *DATA,
    *STRUCTURE,
    "learning_rate",
    "batch_size",
    "regularization",
    "reg_rate",
    "optimizer",
    "speed",
)


DIVERGED = (
    "training diverged (the loss became NaN/inf); lower the learning rate or press reset. "
    "The weights before this chunk are kept."
)
NONFINITE = "the network's outputs are NaN/inf for these weights and data"


class _Job(NamedTuple):
    """What one chunk of training starts from, taken under the lock."""

    generation: int
    steps: int
    params: Any
    opt_state: Any
    optimizer: str
    signature: tuple[Any, ...]  # (model, optimizer, task, regularization, batch_size)


def _history() -> dict[str, list[float]]:
    keys = ("step", "epoch", "train_loss", "test_loss", "train_acc", "test_acc")
    return {k: [] for k in keys}


def _layer_history(names: Sequence[str]) -> dict[str, dict[str, list[float]]]:
    return {name: {k: [] for k in LAYER_HISTORY_KEYS} for name in names}


class PlaygroundState(ShowsObserverErrors, Publishes):
    """Data, network, hyper-parameters, weights and the training loop of one Playground.

    Assigning a trait takes effect at once: a new data set, feature list or architecture
    rebuilds the data and (for the architecture, features, activation, init and seed) starts
    a fresh network; learning rate, regularisation rate, batch size and optimiser apply from
    the next step without losing the weights. An invalid value is refused (the old value
    stays) and ``error`` says what was expected and what came.

    Args:
        data: ``(X, y)`` arrays of your own, instead of a named ``dataset``.
        **config: initial values of the traits in ``CONFIG``.
    """

    # data ------------------------------------------------------------------
    dataset = Text(
        "circle", help=f"One of {[*TOY_DATASETS, *DATASETS]}, or 'custom' for your (X, y)."
    )
    noise = Number(0.0, help="Noise of a generated 2-D set, 0 to 0.5.")
    test_fraction = Number(0.5, help="Share of a generated set held out for testing, 0.1-0.9.")
    data_seed = Integer(0, help="Seed of a generated 2-D set (points, noise, split).")
    added = t.List(help="Points added by clicking: [x1, x2, label] rows (training data).")
    add_label = Integer(1, help="Class a click adds to a classification set.")
    add_value = Number(0.5, help="Target a click adds to a regression set, -1 to 1.")
    # network ------------------------------------------------------------------
    features = t.List(t.Any(), ["x1", "x2"], help=f"Input features of 2-D sets: {FEATURES}.")
    hidden = t.List(t.Any(), [4, 2], help="Neurons per hidden layer (at most 6 layers).")
    activation = Text("tanh", help=f"Hidden layers' activation, one of {list(ACTIVATIONS)}.")
    init = Text("default", help=f"Weight initialisation, one of {list(INITS)}.")
    seed = Integer(0, help="Seed of the initial weights and of the batch order.")
    # training ------------------------------------------------------------------
    learning_rate = Number(0.03, help="Step size (an array in the kernel: never recompiles).")
    batch_size = Integer(10, help="Examples per step.")
    regularization = Text("none", help=f"Penalty on the weights: {list(REGULARIZATIONS)}.")
    reg_rate = Number(0.0, help="Weight of the penalty (an array: never recompiles).")
    optimizer = Text("sgd", help=f"One of {list(OPTIMIZERS)} (optax).")
    speed = Integer(10, help=f"Steps per published update, one of {SPEEDS}.")
    # outputs (written by this object only) ---------------------------------------------------
    playing = t.Bool(False, read_only=True, help="True while the training thread runs.")
    step = t.Int(0, read_only=True, help="Optimiser steps taken since the last reset.")
    epoch = t.Float(0.0, read_only=True, help="step * batch_size / training examples.")
    history = t.Dict(read_only=True, help="Per update: step, epoch, train/test loss and acc.")
    layer_history = t.Dict(
        read_only=True,
        help="Layer with parameters -> per update: step, mean / std / min / max of its "
        "weights, grad_norm (|d objective / d its w and b|).",
    )
    output_map = t.Any(read_only=True, help="Output over the plane, (GRID, GRID), top row first.")
    neuron_maps = t.Any(read_only=True, help="Every unit over the plane, (units, THUMB, THUMB).")
    input_maps = t.Any(read_only=True, help="Every input feature over the plane.")
    loss = t.Float(None, allow_none=True, read_only=True, help="Training loss (data term).")
    param_grads = t.Any(read_only=True, help="d training objective / d params.")
    grad_norms = t.Any(read_only=True, help="Per layer with parameters: |gradient|.")
    weight_summary = t.Dict(
        read_only=True, help="'layer.w' -> WeightStats of that layer's weights."
    )
    model_version = t.Int(0, read_only=True, help="Bumped when the architecture changes.")
    data_version = t.Int(0, read_only=True, help="Bumped when the data change.")
    version = t.Int(0, read_only=True, help="Bumped once per published update.")
    notice = t.Unicode("", help="'' or a note about the current pictures.")

    def __init__(self, data: Any = None, **config: Any) -> None:
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._ready = False
        # clicked points belong to the data set they were added to: a data-set change puts
        # them aside and brings back the new set's own (none lost, none in the wrong set)
        self._added_by_dataset: dict[str, list[list[float]]] = {}
        self._swapping_added = False
        self._user_data = None if data is None else self._check_user_data(data)
        if self._user_data is not None:
            config.setdefault("dataset", "custom")
        if "dataset" in config:  # first: the widest layer allowed depends on it
            config = {"dataset": config.pop("dataset"), **config}
        self._compiled: set[tuple[Any, ...]] = set()
        self._generation = 0  # bumped whenever the weights, data or optimiser are replaced
        self._optimizer = self.optimizer  # the one opt_state belongs to (trait may be ahead)
        self.params: Any = None
        self.opt_state: Any = None
        self.model: Sequential | None = None
        self.data: Dataset | None = None
        super().__init__(**config)
        if self.error:
            raise ValueError(self.error)
        self._ready = True
        with self._lock:
            self._load_data()
            self._new_network()
            self._publish()

    # properties ------------------------------------------------------------------
    @property
    def is_2d(self) -> bool:
        """True for the generated 2-D sets and for 2-D user data (pictures of the plane)."""
        return self.data is not None and self.data.X_train.shape[1:] == (2,)

    @property
    def task(self) -> str:
        """'classification' or 'regression'."""
        return self.data.task if self.data is not None else "classification"

    @property
    def class_names(self) -> tuple[str, ...]:
        """Names of the classes (empty for regression)."""
        return self.data.class_names if self.data is not None else ()

    @property
    def steps_per_epoch(self) -> int:
        """Steps that see every training example once."""
        return -(-len(self.data.y_train) // self.batch_size)

    @property
    def param_layers(self) -> list[str]:
        """Names of the layers with parameters (the keys of ``layer_history``)."""
        return [n for n, p in zip(self.model.layer_names, self.params) if p]

    @property
    def max_neurons(self) -> int:
        """Widest hidden layer allowed: 8 for 2-D sets, 128 otherwise."""
        two_d = self.dataset in TOY_DATASETS or (
            self._user_data is not None and self._user_data[0].shape[1:] == (2,)
        )
        return MAX_NEURONS_2D if two_d else MAX_NEURONS

    # validation ------------------------------------------------------------------
    def _refuse(self, old: Any, message: str) -> Any:
        self.error = message
        return old

    @staticmethod
    def _check_user_data(data: Any) -> tuple[np.ndarray, np.ndarray]:
        if not isinstance(data, (tuple, list)) or len(data) != 2:
            raise ValueError(f"data: expected a pair (X, y) of arrays, got {type(data).__name__}")
        X, y = np.asarray(data[0]), np.asarray(data[1])
        if X.ndim < 2:
            raise ValueError(f"data X: expected shape (n, n_features), got {X.shape}")
        if np.issubdtype(y.dtype, np.floating) and not np.all(np.mod(y, 1) == 0):
            ds = dataset_from_arrays(X, np.zeros(len(X), np.int32))  # checks X
            if y.shape != (len(X),) or not np.isfinite(y).all():
                raise ValueError(f"data y: expected {len(X)} finite targets, got shape {y.shape}")
            return ds.X_train, y.astype(np.float32)
        ds = dataset_from_arrays(X, y)
        return ds.X_train, ds.y_train

    def _choice(self, name: str, value: Any, options: Sequence[Any]) -> Any:
        if value not in options:
            return self._refuse(
                getattr(self, name), f"{name}: expected one of {list(options)}, got {value!r}"
            )
        return value

    @t.validate("dataset")
    def _v_dataset(self, proposal: t.Bunch) -> str:
        options = [*TOY_DATASETS, *DATASETS] + (["custom"] if self._user_data is not None else [])
        return self._choice("dataset", proposal.value, options)

    @t.validate("activation")
    def _v_activation(self, proposal: t.Bunch) -> str:
        return self._choice("activation", proposal.value, list(ACTIVATIONS))

    @t.validate("init")
    def _v_init(self, proposal: t.Bunch) -> str:
        return self._choice("init", proposal.value, list(INITS))

    @t.validate("optimizer")
    def _v_optimizer(self, proposal: t.Bunch) -> str:
        return self._choice("optimizer", proposal.value, list(OPTIMIZERS))

    @t.validate("regularization")
    def _v_regularization(self, proposal: t.Bunch) -> str:
        return self._choice("regularization", proposal.value, list(REGULARIZATIONS))

    @t.validate("speed")
    def _v_speed(self, proposal: t.Bunch) -> int:
        return self._choice("speed", proposal.value, SPEEDS)

    def _range(self, name: str, value: float, lo: float, hi: float) -> float:
        if not (math.isfinite(value) and lo <= value <= hi):
            return self._refuse(
                getattr(self, name), f"{name}: expected a number in [{lo}, {hi}], got {value!r}"
            )
        return value

    @t.validate("noise")
    def _v_noise(self, proposal: t.Bunch) -> float:
        return self._range("noise", proposal.value, 0.0, 0.5)

    @t.validate("add_label")
    def _v_add_label(self, proposal: t.Bunch) -> int:
        n = max(2, len(self.class_names))
        return self._choice("add_label", proposal.value, list(range(n)))

    @t.validate("add_value")
    def _v_add_value(self, proposal: t.Bunch) -> float:
        return self._range("add_value", proposal.value, -1.0, 1.0)

    @t.validate("test_fraction")
    def _v_test_fraction(self, proposal: t.Bunch) -> float:
        return self._range("test_fraction", proposal.value, 0.1, 0.9)

    @t.validate("learning_rate")
    def _v_learning_rate(self, proposal: t.Bunch) -> float:
        value = proposal.value
        if not (math.isfinite(value) and 0 < value <= 10):
            return self._refuse(
                self.learning_rate, f"learning_rate: expected a number in (0, 10], got {value!r}"
            )
        return value

    @t.validate("reg_rate")
    def _v_reg_rate(self, proposal: t.Bunch) -> float:
        return self._range("reg_rate", proposal.value, 0.0, 10.0)

    @t.validate("batch_size")
    def _v_batch_size(self, proposal: t.Bunch) -> int:
        return self._range("batch_size", proposal.value, 1, 1024)

    @t.validate("features")
    def _v_features(self, proposal: t.Bunch) -> list[str]:
        try:
            return list(check_features(proposal.value))
        except ValueError as e:
            return self._refuse(self.features, str(e))

    @t.validate("hidden")
    def _v_hidden(self, proposal: t.Bunch) -> list[int]:
        value, most = list(proposal.value), self.max_neurons
        whole = all(isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in value)
        value = [int(n) for n in value] if whole else value
        if not whole or len(value) > MAX_LAYERS or not all(1 <= n <= most for n in value):
            return self._refuse(
                self.hidden,
                f"hidden: expected at most {MAX_LAYERS} layers of 1 to {most} neurons, got {value}",
            )
        return value

    # reactions ------------------------------------------------------------------
    def _report(self, what: str, error: Exception) -> None:
        """Show an unexpected error in the widget; the last good run stays."""
        self.error = f"{what} failed: {type(error).__name__}: {error}"
        self.status = "error"

    @t.observe(*DATA, "added")
    def _data_changed(self, change: t.Bunch) -> None:
        if self._ready and change.new != change.old and not self._swapping_added:
            if change.name == "dataset":
                self._added_by_dataset[change.old] = self.added
                self._swapping_added = True
                try:
                    self.added = self._added_by_dataset.pop(change.new, [])
                finally:
                    self._swapping_added = False
            try:
                self._reload()
            except Exception as e:  # e.g. the new data do not fit: the old run stays
                self._report(f"changing {change.name}", e)

    def _reload(self) -> None:
        """New data: rebuilt arrays, and a new network only if the old one cannot take them."""
        with self._lock:
            try:
                self._load_data()
            except ValueError as e:
                self.error = str(e)
                return
            if self.hidden and max(self.hidden) > self.max_neurons:  # digits -> 2-D set
                # narrower layers: the structure observer builds and publishes the new network
                self.set_trait("hidden", [min(n, self.max_neurons) for n in self.hidden])
                return
            if self.build_model() != self.model:
                self._new_network()  # other inputs or classes: the old weights cannot fit
            self._publish()

    @t.observe(*STRUCTURE)
    def _structure_changed(self, change: t.Bunch) -> None:
        if self._ready and change.new != change.old:
            try:
                with self._lock:
                    if change.name == "features":
                        self._prepare_inputs()
                    self._new_network()
                    self._publish()
            except Exception as e:
                self._report(f"changing {change.name}", e)

    @t.observe("optimizer")
    def _optimizer_changed(self, change: t.Bunch) -> None:
        if self._ready and change.new != change.old:
            with self._lock:  # the optimiser trains only with its own state: both at once
                self.opt_state = init_opt_state(change.new, self.params)
                self._optimizer = change.new
                self._generation += 1

    @t.observe("regularization", "reg_rate", "batch_size")
    def _objective_changed(self, change: t.Bunch) -> None:
        if self._ready and change.new != change.old:
            with self._lock:
                if change.name == "batch_size":
                    self.set_trait("epoch", self.step / self.steps_per_epoch)
                if not self.playing:
                    self._publish()  # the penalty and its gradient change the numbers shown

    # data and network ------------------------------------------------------------------
    def _load_data(self) -> None:
        name = self.dataset
        if name == "custom":
            X, y = self._user_data
            regression = y.dtype == np.float32
            extra = np.asarray(self.added, np.float32).reshape(-1, 3)
            if len(extra) and X.shape[1:] != (2,):
                raise ValueError("added: points can only be added to 2-D data")
            X_all = np.concatenate([X, extra[:, :2]]) if len(extra) else X
            y_all = np.concatenate([y, extra[:, 2].astype(y.dtype)]) if len(extra) else y
            classes = () if regression else tuple(str(c) for c in range(int(y_all.max()) + 1))
            self.data = Dataset(
                "custom",
                "tabular",
                X_all,
                y_all,
                X,
                y,
                tuple(f"x{i + 1}" for i in range(int(np.prod(X.shape[1:])))),
                classes,
                task="regression" if regression else "classification",
            )
        elif name in TOY_DATASETS:
            self.data = toy_dataset(
                name,
                noise=self.noise,
                test_fraction=self.test_fraction,
                seed=self.data_seed,
                extra=self.added,
            )
        else:
            if self.added:
                raise ValueError(f"added: points can only be added to 2-D data, not {name!r}")
            self.data = load_dataset(name)
        self._prepare_inputs()
        self.set_trait("data_version", self.data_version + 1)

    def _prepare_inputs(self) -> None:
        ds = self.data
        self._generation += 1  # a chunk running on the old arrays is dropped
        if self.is_2d:
            feats = self.features
            self._X_train = expand_features(ds.X_train, feats)
            self._X_test = expand_features(ds.X_test, feats)
            self._grid = expand_features(plane_grid(GRID), feats)
            self._thumb_grid = expand_features(plane_grid(THUMB), feats)
            self.set_trait("input_maps", self._thumb_grid.T.reshape(-1, THUMB, THUMB))
        else:
            flat = (len(ds.X_train), -1)
            self._X_train = ds.X_train.reshape(flat)
            self._X_test = ds.X_test.reshape(len(ds.X_test), -1)
            self._grid = self._thumb_grid = None
            self.set_trait("input_maps", None)
        self._y_train, self._y_test = ds.y_train, ds.y_test

    def _inputs_shape(self) -> tuple[int, ...]:
        return (self._X_train.shape[1],)

    def build_model(self) -> Sequential:
        """The network the current traits describe."""
        n_out = 1 if self.task == "regression" else max(2, len(self.class_names))
        layers = [Dense(n, self.activation) for n in self.hidden]
        return Sequential(self._inputs_shape(), (*layers, Dense(n_out, name="output")))

    def _new_network(self) -> None:
        """Fresh weights from ``init`` and ``seed``; step 0 and an empty history."""
        model = self.build_model()
        changed = model != self.model
        self.model = model
        key = jax.random.key(self.seed)
        self._batch_key = jax.random.fold_in(key, 1)
        self.params = model.init(jax.random.fold_in(key, 0), self.init)
        self.opt_state = init_opt_state(self.optimizer, self.params)
        self._optimizer = self.optimizer
        self._generation += 1
        self.set_trait("step", 0)
        self.set_trait("epoch", 0.0)
        self.set_trait("history", _history())
        self.set_trait("layer_history", _layer_history(self.param_layers))
        if changed:
            self.set_trait("model_version", self.model_version + 1)

    def hyper(self) -> Hyper:
        """The array hyper-parameters of the next chunk."""
        return Hyper(np.float32(self.learning_rate), np.float32(self.reg_rate))

    # training ------------------------------------------------------------------
    def _job(self, steps: int) -> _Job:
        """Everything the next ``steps`` steps read, taken together; the caller holds the lock."""
        if self.batch_size > len(self._y_train):
            raise ValueError(
                f"batch_size: expected at most the {len(self._y_train)} training examples, "
                f"got {self.batch_size}"
            )
        signature = (self.model, self._optimizer, self.task, self.regularization, self.batch_size)
        if (*signature, steps) not in self._compiled:
            self.status = "compiling the training step…"
        return _Job(
            self._generation, steps, self.params, self.opt_state, self._optimizer, signature
        )

    def _train(self, job: _Job) -> tuple[Any, Any, Any]:
        """``(params, opt_state, snapshot)`` after ``job``; pure, so it runs outside the lock.

        Raises FloatingPointError when a loss, or anything the snapshot would publish, is not
        finite: nothing non-finite is ever published, and the weights before it stay.
        """
        params, opt_state, losses = self.chunk(job.steps, job)
        self._compiled.add((*job.signature, job.steps))
        snap = self.snapshot(params) if np.isfinite(np.asarray(losses)).all() else None
        if snap is None or not all(np.isfinite(v).all() for v in jax.tree_util.tree_leaves(snap)):
            raise FloatingPointError(DIVERGED)
        return params, opt_state, snap

    def _commit(self, job: _Job, params: Any, opt_state: Any, snap: Any) -> None:
        """Take the trained weights and publish ``snap``; the caller holds the lock."""
        with self.publishing():  # the step counter and the outputs: one update
            self.params, self.opt_state = params, opt_state
            self.set_trait("step", self.step + job.steps)
            self.set_trait("epoch", self.step / self.steps_per_epoch)
            if self.playing:
                self.status = "training"
            self._publish(snap)

    def _advance(self, steps: int) -> None:
        """Train ``steps`` steps (one compiled chunk) and publish, in the calling thread."""
        with self._lock:
            job = self._job(steps)
            self._commit(job, *self._train(job))

    def chunk(self, steps: int, job: _Job | None = None) -> tuple[Any, Any, Any]:
        """``steps`` steps from the current weights: ``(params, opt_state, losses)``.

        Pure: the state keeps its weights (``_advance`` commits them; benchmarks time this).
        ``job`` (internal) gives the weights and optimiser to start from.
        """
        params, opt_state, optimizer = (
            (self.params, self.opt_state, self._optimizer)
            if job is None
            else (job.params, job.opt_state, job.optimizer)
        )
        return train_chunk(
            self.model if job is None else job.signature[0],
            params,
            opt_state,
            self._X_train,
            self._y_train,
            self._batch_key,
            np.int32(self.step),
            self.hyper(),
            optimizer=optimizer,
            task=self.task,
            reg=self.regularization,
            batch_size=self.batch_size,
            steps=steps,
        )

    def snapshot(self, params: Any = None) -> Any:
        """The ``snapshot`` kernel for ``params`` (default: the current weights), on the host."""
        return jax.device_get(
            snapshot(
                self.model,
                self.params if params is None else params,
                self._X_train,
                self._y_train,
                self._X_test,
                self._y_test,
                self._grid,
                self._thumb_grid,
                self.hyper(),
                task=self.task,
                reg=self.regularization,
            )
        )

    def step_once(self) -> None:
        """Pause if playing, then train exactly one batch and publish."""
        self.pause()
        try:
            self._advance(1)
        except (ValueError, FloatingPointError) as e:
            self.error = str(e)
        except Exception as e:
            self._report("step", e)

    def train(self, steps: int) -> None:
        """Pause if playing, then train ``steps`` steps from code, publishing every ``speed``.

        What ``play`` does, in the calling thread and reproducibly: ``history`` and
        ``layer_history`` get one row per ``speed`` steps (and one for a last, shorter chunk).
        A diverging chunk stops there (``error`` says so; the weights before it stay).
        """
        if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 1:
            raise ValueError(f"steps: expected a positive int, got {steps!r}")
        self.pause()
        left = int(steps)
        while left > 0:
            try:
                self._advance(min(left, self.speed))
            except (ValueError, FloatingPointError) as e:
                self.error = str(e)
                return
            except Exception as e:
                self._report("train", e)
                return
            left -= self.speed

    def play(self) -> None:
        """Start the training thread (no-op while it runs)."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive() and not self._stop.is_set():
                return
            self._stop = stop = threading.Event()  # each thread has its own: see pause
            self.set_trait("playing", True)
            self.status = "training"
            self._thread = threading.Thread(
                target=self._loop, args=(stop,), name="nnwidgets-train", daemon=True
            )
            self._thread.start()

    def pause(self, timeout: float = 0.1) -> None:
        """Stop training: no update is published after this returns.

        The thread's maths runs outside the lock, so this waits only for a publication in
        progress, never for a chunk that is still compiling or running: that chunk's result
        is dropped when it ends (the thread is given ``timeout`` seconds to end meanwhile).
        """
        thread, self._thread = self._thread, None
        self._stop.set()
        with self._lock:  # a publication in progress ends; the thread checks _stop under it
            if self.playing:
                self.set_trait("playing", False)
                self.status = "paused"
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def reset(self) -> None:
        """New weights from ``init`` and ``seed``: step 0, empty curves (keeps playing)."""
        with self._lock:
            try:
                self._new_network()
                self._publish()
            except Exception as e:
                self._report("reset", e)

    def _loop(self, stop: threading.Event) -> None:
        period = 1.0 / MAX_UPDATES_PER_S
        while not stop.is_set():
            started = time.perf_counter()
            job = None
            try:
                with self._lock:
                    if stop.is_set():
                        break
                    job = self._job(self.speed)
                result = self._train(job)  # compiles and runs without the lock
                with self._lock:
                    if stop.is_set():
                        break
                    if job.generation == self._generation:  # else: a new network, optimiser
                        self._commit(job, *result)  # or data came meanwhile: drop this chunk
            except Exception as e:  # shown in the widget; the weights before it stay
                with self._lock:
                    if job is not None and job.generation != self._generation:
                        continue  # the data or network changed under the chunk: drop it
                    if not stop.is_set():
                        self.error = (
                            str(e)
                            if isinstance(e, FloatingPointError)
                            else f"training stopped: {type(e).__name__}: {e}"
                        )
                        self.status = "error"
                        stop.set()
                        self._stopped(stop)
                return
            stop.wait(max(0.0, period - (time.perf_counter() - started)))
        with self._lock:
            self._stopped(stop)

    def _stopped(self, stop: threading.Event) -> None:
        """The thread of ``stop`` ends: ``playing`` goes False unless a newer thread runs."""
        if self._stop is stop:
            self._thread = None
            if self.playing:
                self.set_trait("playing", False)
                if not self.error:
                    self.status = "paused"

    # publishing ------------------------------------------------------------------
    def _publish(self, snap: Any = None) -> None:
        """One snapshot (given, or computed now), all outputs under one notification hold."""
        if snap is None:
            snap = self.snapshot()
            if not all(np.isfinite(v).all() for v in jax.tree_util.tree_leaves(snap)):
                raise FloatingPointError(NONFINITE)
        names = self.model.layer_names
        history = self.history
        row = (
            self.step,
            self.epoch,
            float(snap.train_loss),
            float(snap.test_loss),
            float(snap.train_acc),
            float(snap.test_acc),
        )
        if history["step"] and history["step"][-1] == self.step:
            for values in history.values():
                values.pop()  # the same step again (a setting changed): replace its row
        for values, v in zip(history.values(), row):
            values.append(v)
        self._record_layers(snap)
        with self.publishing(), self.hold_trait_notifications():
            self.set_trait("loss", float(snap.train_loss))
            if snap.output is not None:
                self.set_trait("output_map", np.asarray(snap.output).reshape(GRID, GRID))
                self.set_trait("neuron_maps", np.asarray(snap.neurons).reshape(-1, THUMB, THUMB))
            else:
                self.set_trait("output_map", None)
                self.set_trait("neuron_maps", None)
            self.set_trait("param_grads", snap.param_grads)
            self.set_trait("grad_norms", np.asarray(snap.grad_norms))
            self.set_trait(
                "weight_summary",
                {
                    f"{n}.w": WeightStats(*(np.asarray(v) for v in s))
                    for n, s in zip(names, snap.weight_stats)
                },
            )
            self.error = ""
            if not self.playing:
                self.status = "ready"
            self.set_trait("version", self.version + 1)

    def _record_layers(self, snap: Any) -> None:
        """Append this update's row to ``layer_history`` (replacing a row of the same step)."""
        for name, stats, norm in zip(
            self.param_layers, snap.weight_stats, np.asarray(snap.grad_norms).tolist()
        ):
            record = self.layer_history.setdefault(name, _layer_history([name])[name])
            if record["step"] and record["step"][-1] == self.step:
                for values in record.values():
                    values.pop()
            record["step"].append(self.step)
            record["mean"].append(float(stats.mean))
            record["std"].append(math.sqrt(float(stats.var)))
            record["min"].append(float(stats.min))
            record["max"].append(float(stats.max))
            record["grad_norm"].append(norm)

    def prepare(self, *parts: str) -> None:
        """Nothing to do: every update publishes the weight statistics (views call this)."""

    # user edits ------------------------------------------------------------------
    def add_point(self, x1: float, x2: float, label: float | None = None) -> None:
        """Add a training point of a 2-D set.

        ``label`` defaults to ``add_label`` (classification) or ``add_value`` (regression).
        """
        if label is None:
            label = self.add_value if self.task == "regression" else self.add_label
        if not self.is_2d:
            self.error = f"add_point: points can only be added to 2-D data, not {self.dataset!r}"
            return
        if not (math.isfinite(x1) and math.isfinite(x2)):
            self.error = f"add_point: expected finite coordinates, got ({x1}, {x2})"
            return
        if self.task == "classification" and label not in range(len(self.class_names)):
            self.error = (
                f"add_point: expected a label in [0, {len(self.class_names)}), got {label!r}"
            )
            return
        if self.task == "regression" and not math.isfinite(label):
            self.error = f"add_point: expected a finite target, got {label!r}"
            return
        self.added = [*self.added, [float(x1), float(x2), float(label)]]

    def add_layer(self) -> None:
        """Append a hidden layer as wide as the last one (or 2)."""
        self.hidden = [*self.hidden, self.hidden[-1] if self.hidden else 2]

    def remove_layer(self) -> None:
        """Drop the last hidden layer."""
        self.hidden = self.hidden[:-1]

    def set_neurons(self, layer: int, n: int) -> None:
        """Set hidden layer ``layer``'s width to ``n``."""
        if not 0 <= layer < len(self.hidden):
            self.error = f"layer: expected an index in [0, {len(self.hidden)}), got {layer}"
            return
        hidden = list(self.hidden)
        hidden[layer] = n
        self.hidden = hidden

    # scenes ------------------------------------------------------------------
    def to_json(self) -> str:
        """Everything needed to rebuild this run exactly: data, settings, weights, step, curves."""
        with self._lock:
            config = {name: getattr(self, name) for name in CONFIG}
            data: dict[str, Any] = {"added": self.added}
            if self.dataset == "custom":
                X, y = self._user_data
                data.update(X=X.tolist(), y=y.tolist(), y_dtype=str(y.dtype))
            leaves = jax.tree_util.tree_leaves(self.opt_state)
            scene = {
                "format": SCENE_FORMAT,
                "version": SCENE_VERSION,
                "config": config,
                "data": data,
                "architecture": self.model.to_dict(),
                "step": self.step,
                "params": params_to_json(self.params),
                "opt_state": [np.asarray(v).tolist() for v in leaves],
                "history": self.history,
                "layer_history": self.layer_history,
            }
        return json.dumps(scene)

    @classmethod
    def from_json(cls, text: str) -> PlaygroundState:
        """Rebuild a state from ``to_json``; ValueError naming what is corrupt or incompatible."""
        scene = parse_scene(text, "Playground")
        # every field is checked before anything is built; nothing half-loaded is returned
        scene = check_scene(scene, fmt=SCENE_FORMAT, version=SCENE_VERSION, config_names=CONFIG)
        data = scene["data"]
        try:
            state = cls(data=user_data(data), **scene["config"])
        except (ValueError, t.TraitError) as e:
            raise config_error(e, CONFIG) from e
        added = check_added(
            data.get("added", []),
            dataset=state.dataset,
            task=state.task,
            n_classes=len(state.class_names),
            is_2d=state.is_2d,
        )
        with state._lock:
            state.set_trait("error", "")
            if added:
                state.added = added
                if state.error:
                    raise ValueError(f"scene data added: {state.error}")
            check_architecture(scene["architecture"], state.model.to_dict())
            state._restore(scene)
            state._publish()
        return state

    def _restore(self, scene: dict[str, Any]) -> None:
        layers = scene.get("layer_history")  # a scene written before it: an empty one
        layers = (
            _layer_history(self.param_layers)
            if layers is None
            else check_layer_history(layers, self.param_layers, scene["step"])
        )
        try:
            params = check_params(self.model, scene["params"])
        except ValueError as e:
            raise ValueError(f"scene {e}") from e
        template = init_opt_state(self.optimizer, params)
        leaves, treedef = jax.tree_util.tree_flatten(template)
        saved = scene["opt_state"]
        if len(saved) != len(leaves):
            raise ValueError(
                f"scene opt_state: expected {len(leaves)} arrays for {self.optimizer!r}, "
                f"got {len(saved)}"
            )
        restored = []
        for i, (want, got) in enumerate(zip(leaves, saved)):
            arr = np.asarray(got, np.asarray(want).dtype)
            if arr.dtype.kind in "iu" and not np.array_equal(arr, got):  # a count of 2.5
                raise ValueError(f"scene opt_state[{i}]: expected an {arr.dtype}, got {got!r:.80}")
            if arr.shape != np.shape(want):
                raise ValueError(
                    f"scene opt_state[{i}]: expected shape {np.shape(want)}, got {arr.shape}"
                )
            restored.append(arr)
        self.params = params
        self.opt_state = jax.tree_util.tree_unflatten(treedef, restored)
        self.set_trait("step", scene["step"])
        self.set_trait("epoch", self.step / self.steps_per_epoch)
        self.set_trait("history", {k: list(scene["history"][k]) for k in _history()})
        self.set_trait("layer_history", layers)

    def close(self) -> None:
        """Stop training and let the thread end (apps call this when closed)."""
        thread = self._thread
        self.pause()
        if thread is not None and thread is not threading.current_thread():
            thread.join(10.0)
