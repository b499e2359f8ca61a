"""The Explorer's single source of truth: inputs in, every derived output published together."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import jax
import numpy as np
import traitlets as t

from ..kernels import (
    IG_RULES,
    METHODS,
    WITH_GAP,
    Extras,
    Inputs,
    Settings,
    activation_curve,
    conv_layers,
    enable_compilation_cache,
    explain_flat,
    grid_mask,
    layer_outputs,
    pack,
    pack_input,
    pca,
    randomisation_check,
    static_settings,
    step_kernel,
    tsne_affinities,
    tsne_steps,
    unpack,
    weight_stats,
)
from ..models import Dataset, parameter_arrays
from ._checks import Array, Flag, Integer, Number, ShowsObserverErrors, Text
from ._publishing import Publishes


def input_kind(model: Any, dataset: Dataset) -> str:
    """How the input is shown and edited: ``"text"``, ``"series"``, ``"image"`` or ``"tabular"``.

    A model that reads token ids takes text; a ``(steps, channels)`` input of a model with
    recurrent or attention layers (or a series data set) is a series; other inputs of rank 2
    or 3 are images.
    """
    if getattr(model, "token_input", False):
        return "text"
    shape = tuple(model.input_shape)
    sequence = {"state", "attention"} & set(getattr(model, "layer_kinds", ()))
    if len(shape) == 2 and (dataset.kind == "series" or sequence):
        return "series"
    return "image" if len(shape) in (2, 3) else "tabular"


#: Assigning any of these recomputes, synchronously.
INPUT_TRAITS = (
    "x",
    "target",
    "method",
    "ig_steps",
    "ig_rule",
    "baseline",
    "samples",
    "sigma",
    "seed",
    "absolute",
    "window",
    "stride",
    "superpixel",
    "feature_mask",
    "coalitions",
    "layer",
    "cam_relu",
    "neuron",
    "label",
)
_UNTRACEABLE = (jax.errors.ConcretizationTypeError, jax.errors.TracerBoolConversionError)


class ExplorerState(ShowsObserverErrors, Publishes):
    """One model, its parameters, its data set, the current input and everything derived from it.

    Only this object runs kernels. Assigning any input trait (``x``, ``target``, ``method``,
    ``ig_steps``, ``baseline``, ``samples``, ``sigma``, ``seed``) recomputes synchronously,
    before the assignment returns, and publishes all outputs at once (``publish_values``),
    the last of them a bump of ``version``; views observe
    ``version`` and so redraw once per update from one consistent set of outputs.

    An invalid assignment (wrong shape, NaN/inf, target out of range, unknown method) does
    not raise: it is refused, the previous value and outputs stay, and ``error`` says what
    was expected and what came, so the widget can show it. A non-finite model output is
    treated the same way. The next valid assignment clears ``error``.

    Args:
        model: a ``Sequential`` or ``UserModel`` (see ``nnwidgets.models.adapt``).
        params: its parameters (checked by the caller).
        dataset: supplies the default input, feature ranges and names.
        **inputs: initial values of the input traits.
    """

    # inputs ---------------------------------------------------------------------------------
    x = Array(help="Current input: float32 numpy array of the model's input shape (read-only).")
    target = Integer(
        None, allow_none=True, help="Class explained; None explains the predicted one."
    )
    method = Text("saliency", help=f"Attribution method, one of {METHODS}.")
    ig_steps = Integer(
        32, help="Integrated Gradients: points on the path (compiles once per value)."
    )
    ig_rule = Text("middle", help=f"Integrated Gradients: quadrature, one of {IG_RULES}.")
    baseline_kind = Text(
        "zero",
        help="Reference input of IG, ablation, KernelSHAP and LIME: 'zero', 'mean' (the "
        "training mean), 'blur' (the input blurred; images), 'uniform' (noise over the data "
        "range) or 'custom' (set when ``baseline`` is assigned).",
    )
    baseline = Array(
        help="The reference array for 'zero', 'mean' and 'custom' (zeros by default = the "
        "data mean for standardised tabular sets)."
    )
    samples = Integer(16, help="SmoothGrad family: noisy copies (compiles once per value).")
    sigma = Number(0.15, help="SmoothGrad family: noise std as a fraction of each feature's range.")
    seed = Integer(0, help="PRNG seed for noise, uniform baselines, KernelSHAP and LIME samples.")
    absolute = Flag(False, help="Saliency: the gradient's magnitude instead of its sign.")
    window = Integer(
        2,
        help="Occlusion: window size along each spatial axis (1 for tabular sets; an (H, W, C) "
        "image's window covers every channel), from the stride to min(H, W).",
    )
    stride = Integer(1, help="Occlusion: stride along each spatial axis, from 1 to the window.")
    superpixel = Integer(
        0,
        help="Occlusion, ablation, KernelSHAP, LIME on images: perturb square superpixels of "
        "this many pixels a side (channels together) instead of pixels / windows; 0 = none.",
    )
    feature_mask = t.Any(
        None,
        allow_none=True,
        help="Occlusion, ablation, KernelSHAP, LIME: int group ids 0..G-1 of the input's shape "
        "(each group perturbed as one, every feature gets its group's value); overrides "
        "``superpixel``; None = no mask.",
    )
    coalitions = Integer(256, help="KernelSHAP and LIME: sampled coalitions / perturbations.")
    layer = Text("", help="Grad-CAM's conv layer / the neuron's layer ('' = default).")
    cam_relu = Flag(True, help="Grad-CAM: keep only the positive evidence (ReLU of the map).")
    neuron = Integer(0, help="neuron_gradient: the neuron's index within ``layer``.")
    label = Integer(0, help="True class for the loss and its parameter gradients.")
    text = t.Unicode(
        "",
        help="A token model's input as text: assigning it sets ``x`` to its token ids "
        "(unknown words become the unknown token; see ``unknown_words``).",
    )
    embed_layer = Text(help="Layer whose activations the embedding view shows.")
    embed_method = Text(
        "pca", help="'pca' (instant) or 'tsne' (computed once per layer, with progress)."
    )
    # outputs (read-only: only this object's recompute writes them) -----------------------------
    logits = t.Any(read_only=True, help="Logits, shape (C,).")
    probs = t.Any(read_only=True, help="Class probabilities, shape (C,).")
    predicted = t.Int(read_only=True, help="Arg-max class.")
    explained = t.Int(read_only=True, help="The class the attribution explains.")
    activations = t.Dict(read_only=True, help="Layer name -> post-activation values.")
    preactivations = t.Dict(read_only=True, help="Layer name -> pre-activation values.")
    attribution = t.Any(read_only=True, help="Feature importance, same shape as x.")
    completeness_gap = t.Float(
        None,
        allow_none=True,
        read_only=True,
        help="IG and KernelSHAP: sum(attribution) - (f(x) - f(baseline)); else None.",
    )
    notice = t.Unicode(
        "", help="'' or a warning about the current result (all-zero map, running eagerly)."
    )
    slopes = t.Dict(read_only=True, help="Layer name -> activation derivative at its inputs.")
    loss = t.Float(None, allow_none=True, read_only=True, help="Cross-entropy for ``label``.")
    grad_norms = t.Any(read_only=True, help="Per layer with parameters: |d loss / d params|.")
    param_grads = t.Any(read_only=True, help="d loss / d params, shaped like ``params``.")
    embedding = t.Any(read_only=True, help="The current input in PCA coordinates, (2,).")
    embedding_points = t.Any(read_only=True, help="The data set in PCA coordinates, (n, 2).")
    embedding_labels = t.Any(read_only=True, help="The data set's labels, (n,).")
    embedding_progress = t.Float(1.0, read_only=True, help="t-SNE progress, 0 to 1.")
    activation_curves = t.Dict(
        read_only=True,
        help="Activation name -> {'z', 'f', 'df'}: f and f' (jax.grad) on a grid, once.",
    )
    weight_summary = t.Dict(
        read_only=True, help="Layer name -> WeightStats of its weights (numpy), once per params."
    )
    unknown_words = t.List(
        t.Unicode(), read_only=True, help="Words of ``text`` not in the vocabulary (token model)."
    )
    rollout = t.Any(
        None,
        allow_none=True,
        read_only=True,
        help="Attention rollout (T, T) over the model's attention layers; None without any.",
    )
    version = t.Int(0, read_only=True, help="Bumped once per published update.")
    sanity = t.List(
        read_only=True,
        help="Last randomisation check: [(layer randomised, Spearman rho), ...], top first.",
    )

    def __init__(self, model: Any, params: Any, dataset: Dataset, **inputs: Any) -> None:
        self.model, self.params, self.dataset = model, params, dataset
        self.cache_dir = enable_compilation_cache()  # a second launch skips compiling
        self._ready = False
        self._compiled: set[tuple[str, Settings]] = set()
        self._eager = ""  # why the model runs without jit ('' = it compiles)
        self._packed: Any = None  # (what was packed, slow, layout): see _slow
        self._low = np.asarray(dataset.lo, np.float32)
        self._high = np.asarray(dataset.hi, np.float32)
        self._key, self._key_seed = jax.random.key(0), 0
        self._good: dict[str, Any] = {}  # the inputs of the outputs shown (see _fail)
        self._restoring = False
        shape = tuple(model.input_shape)
        self.input_kind = input_kind(model, dataset)
        inputs.setdefault("x", dataset.X_test[0])
        # a token model's zero baseline is all padding: the zero-embedding baseline
        inputs.setdefault("baseline", np.zeros(shape, np.float32))
        inputs.setdefault("window", 2 if len(shape) > 1 and self.input_kind != "series" else 1)
        inputs.setdefault("label", int(dataset.y_test[0]))
        names = model.layer_names
        inputs.setdefault("embed_layer", names[-2] if len(names) > 1 else names[-1])
        leaves = jax.tree_util.tree_leaves(params)
        self._trainable = bool(leaves) and all(  # d loss / d params exists
            jax.numpy.issubdtype(getattr(v, "dtype", None), jax.numpy.inexact) for v in leaves
        )
        self._pca: Any = None
        self._tsne: dict[str, Any] = {}  # layer -> t-SNE coordinates (computed once)
        self._ref: Any = (np.zeros((1, 1), np.float32), np.zeros((1, 2), np.float32))
        self._setting_baseline = False
        self._batching, self._pending = 0, False
        text = inputs.pop("text", None)
        self._wording = False  # True while text and x are being set from each other
        super().__init__(**inputs)
        if self.input_kind == "text":  # the input's words (x follows a given text)
            self.text = " ".join(dataset.decode(self.x)) if text is None else text
        elif text is not None:
            self.text = text  # refused: says why
        if self.error:  # an initial input was refused: explain what was refused, then stop
            raise ValueError(self.error)
        self._ready = True
        self._prepared: set[str] = set()
        self._no_embedding()
        self.recompute()
        if self.error:  # e.g. the model's output is NaN at the first input: nothing to show
            raise ValueError(self.error)

    @property
    def input_shape(self) -> tuple[int, ...]:
        """Shape of one input."""
        return tuple(self.model.input_shape)

    @property
    def methods(self) -> tuple[str, ...]:
        """The methods this model supports (Grad-CAM needs a layer of feature maps)."""
        return tuple(m for m in METHODS if m != "grad_cam" or conv_layers(self.model))

    @property
    def class_names(self) -> tuple[str, ...]:
        """Names of the output classes."""
        return self.dataset.class_names

    # validation: refuse, keep the old value, say why -------------------------------------------
    def _refuse(self, old: Any, message: str) -> Any:
        self.error = message
        return old

    def _check_array(self, name: str, value: Any) -> np.ndarray | str:
        if value is None:
            return f"{name}: expected an array of shape {self.input_shape}, got None"
        if np.iscomplexobj(value):  # float32(complex) would silently drop the imaginary part
            return f"{name}: expected real numbers of shape {self.input_shape}, got complex values"
        try:
            wide = np.array(value, dtype=np.float64)  # ints and float64 become float32 on purpose
        except (TypeError, ValueError) as e:
            return f"{name}: expected numbers of shape {self.input_shape}, got {value!r:.60} ({e})"
        if wide.shape != self.input_shape:
            return f"{name}: expected shape {self.input_shape}, got {wide.shape}"
        bad = ~(np.abs(wide) <= np.finfo(np.float32).max)  # NaN, inf, or inf in float32
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            feature = self.dataset.feature_names[i]
            return (
                f"{name}: expected finite float32 values, got {wide.ravel()[i]} for feature "
                f"{feature!r}"
            )
        arr = wide.astype(np.float32)
        arr.flags.writeable = False  # change it by assigning a new array, never in place
        return arr

    @t.validate("x", "baseline")
    def _validate_array(self, proposal: t.Bunch) -> np.ndarray:
        name = proposal.trait.name
        checked = self._check_array(name, proposal.value)
        if isinstance(checked, str):
            return self._refuse(getattr(self, name, None), checked)
        return checked

    @t.validate("target")
    def _validate_target(self, proposal: t.Bunch) -> int | None:
        value, n = proposal.value, len(self.class_names)
        if value is not None and not 0 <= value < n:
            return self._refuse(
                self.target, f"target: expected None or a class in [0, {n}), got {value}"
            )
        return value

    @t.validate("method")
    def _validate_method(self, proposal: t.Bunch) -> str:
        if proposal.value not in METHODS:
            return self._refuse(
                self.method, f"method: expected one of {list(METHODS)}, got {proposal.value!r}"
            )
        if proposal.value == "grad_cam" and not conv_layers(self.model):
            return self._refuse(
                self.method,
                "method: grad_cam needs a model with a Conv2D layer; this model's layers are "
                f"{list(self.model.layer_names)} (try Explorer('digits_cnn'))",
            )
        return proposal.value

    @t.validate("ig_steps", "samples", "coalitions")
    def _validate_count(self, proposal: t.Bunch) -> int:
        name, value = proposal.trait.name, proposal.value
        if not 1 <= value <= 4096:
            return self._refuse(
                getattr(self, name), f"{name}: expected an int in [1, 4096], got {value}"
            )
        return value

    @t.validate("window", "stride")
    def _validate_window(self, proposal: t.Bunch) -> int:
        name, value, shape = proposal.trait.name, proposal.value, self.input_shape
        smallest = min(shape[:2])  # an (H, W, C) image: the window covers the channels whole
        if self.input_kind == "series":
            smallest = shape[0]  # a window of steps, every channel
        if name == "window":
            low = f"{self.stride} (the stride)" if self.stride > 1 else "1"
            axis = "smallest spatial axis" if len(shape) == 3 else "smallest axis"
            if self.input_kind in ("series", "text"):
                axis = "steps"
            ok, expected = self.stride <= value <= smallest, f"{low} to the input's {axis}"
            expected += f" ({smallest})"
        else:
            ok, expected = 1 <= value <= self.window, f"1 to the window ({self.window})"
        if not ok:
            return self._refuse(
                getattr(self, name), f"{name}: expected an int from {expected}, got {value}"
            )
        return value

    @t.validate("superpixel")
    def _validate_superpixel(self, proposal: t.Bunch) -> int:
        value, shape = proposal.value, self.input_shape
        if self.input_kind != "image":
            if value != 0:
                return self._refuse(
                    self.superpixel,
                    f"superpixel: expected 0 (superpixels need an image input, this one has "
                    f"shape {shape}), got {value}",
                )
        elif not 0 <= value <= min(shape[:2]):
            return self._refuse(
                self.superpixel,
                f"superpixel: expected an int from 0 (none) to the input's smallest spatial "
                f"axis ({min(shape[:2])}), got {value}",
            )
        return value

    @t.validate("feature_mask")
    def _validate_feature_mask(self, proposal: t.Bunch) -> np.ndarray | None:
        shape = self.input_shape
        what = f"feature_mask: expected None or int group ids 0..G-1 of shape {shape}"
        try:
            value = np.asarray(proposal.value)
        except (TypeError, ValueError) as e:  # ragged lists, ...
            return self._refuse(self.feature_mask, f"{what}, got {proposal.value!r:.60} ({e})")
        if value.dtype.kind not in "iu" or value.shape != shape:
            return self._refuse(
                self.feature_mask, f"{what}, got {value.dtype} of shape {value.shape}"
            )
        ids = np.unique(value)
        if ids[0] != 0 or ids[-1] != len(ids) - 1:
            shown = f"{ids[:12].tolist()}{' ...' if len(ids) > 12 else ''}"
            return self._refuse(self.feature_mask, f"{what}, each used, got ids {shown}")
        mask = value.astype(np.int32)
        mask.flags.writeable = False  # change it by assigning a new array, never in place
        return mask

    @t.validate("ig_rule")
    def _validate_rule(self, proposal: t.Bunch) -> str:
        if proposal.value not in IG_RULES:
            return self._refuse(
                self.ig_rule, f"ig_rule: expected one of {list(IG_RULES)}, got {proposal.value!r}"
            )
        return proposal.value

    @t.validate("baseline_kind")
    def _validate_baseline_kind(self, proposal: t.Bunch) -> str:
        kinds = ["zero", "mean", "blur", "uniform", "custom"]
        value = proposal.value
        if value not in kinds:
            return self._refuse(
                self.baseline_kind, f"baseline_kind: expected one of {kinds}, got {value!r}"
            )
        if value == "blur" and self.input_kind != "image":
            return self._refuse(
                self.baseline_kind,
                f"baseline_kind: 'blur' needs an image input, this one has shape "
                f"{self.input_shape}",
            )
        return value

    @t.validate("layer")
    def _validate_layer(self, proposal: t.Bunch) -> str:
        names = list(self.model.layer_names)
        if proposal.value and proposal.value not in names:
            return self._refuse(
                self.layer, f"layer: expected '' or one of {names}, got {proposal.value!r}"
            )
        return proposal.value

    @t.validate("label")
    def _validate_label(self, proposal: t.Bunch) -> int:
        n = len(self.class_names)
        if not 0 <= proposal.value < n:
            return self._refuse(
                self.label, f"label: expected a class in [0, {n}), got {proposal.value}"
            )
        return proposal.value

    @t.validate("embed_layer")
    def _validate_embed_layer(self, proposal: t.Bunch) -> str:
        names = list(self.model.layer_names)
        if proposal.value not in names:
            return self._refuse(
                self.embed_layer, f"embed_layer: expected one of {names}, got {proposal.value!r}"
            )
        return proposal.value

    @t.validate("embed_method")
    def _validate_embed_method(self, proposal: t.Bunch) -> str:
        if proposal.value not in ("pca", "tsne"):
            return self._refuse(
                self.embed_method,
                f"embed_method: expected 'pca' or 'tsne', got {proposal.value!r}",
            )
        return proposal.value

    @t.observe("embed_layer", "embed_method")
    def _new_embedding(self, change: t.Bunch) -> None:
        if self._ready and change.new != change.old:
            # first the embedding, then the step that places the input
            self._fit_embedding() if "embedding" in self._prepared else self._no_embedding()
            if self._batching:
                self._pending = True
            else:
                self.recompute()

    @t.validate("neuron")
    def _validate_neuron(self, proposal: t.Bunch) -> int:
        sizes = dict(zip(self.model.layer_names, self.model.layer_sizes))
        n = sizes[self.layer or self.model.layer_names[0]]
        if not 0 <= proposal.value < n:
            return self._refuse(
                self.neuron, f"neuron: expected an index in [0, {n}), got {proposal.value}"
            )
        return proposal.value

    @t.validate("sigma")
    def _validate_sigma(self, proposal: t.Bunch) -> float:
        if not (np.isfinite(proposal.value) and proposal.value >= 0):
            return self._refuse(
                self.sigma, f"sigma: expected a finite float >= 0, got {proposal.value}"
            )
        return proposal.value

    # the one update path -------------------------------------------------------------------------
    @t.validate("seed")
    def _validate_seed(self, proposal: t.Bunch) -> int:
        if not 0 <= proposal.value < 2**31:
            return self._refuse(
                self.seed, f"seed: expected an int in [0, 2**31), got {proposal.value}"
            )
        return proposal.value

    @t.observe("baseline_kind")
    def _new_baseline_kind(self, change: t.Bunch) -> None:
        if change.new is change.old or not self._ready or self._restoring:
            return
        self._setting_baseline = True  # notifications fire when the batch ends: flag it all
        try:
            with self.batch():  # the kind and its array: one recompute
                self._pending = True
                if change.new in ("zero", "mean"):
                    ds = self.dataset
                    zero = change.new == "zero"
                    self.baseline = np.zeros(self.input_shape) if zero else ds.X_train.mean(0)
        finally:
            self._setting_baseline = False

    @t.observe("baseline")
    def _custom_baseline(self, change: t.Bunch) -> None:
        if self._setting_baseline or self._restoring or not self._ready:
            return
        if change.new is not change.old:
            self.set_trait("baseline_kind", "custom")

    @t.validate("text")
    def _validate_text(self, proposal: t.Bunch) -> str:
        if self.input_kind != "text":
            return self._refuse(
                self.text,
                f"text: expected a model that reads token ids (its first layer an Embedding); "
                f"this one takes inputs of shape {self.input_shape}",
            )
        return proposal.value

    @t.observe("text")
    def _new_text(self, change: t.Bunch) -> None:
        """The text's token ids become ``x`` (one recompute); unknown words are listed."""
        if self._wording or self.input_kind != "text":
            return
        ids, unknown = self.dataset.encode(change.new)
        self._wording = True
        try:
            self.set_trait("unknown_words", list(unknown))
            self.x = ids
        finally:
            self._wording = False

    @t.observe("x")
    def _new_words(self, change: t.Bunch) -> None:
        """Ids set directly (an example, a scene) show as their words in ``text``."""
        if self._wording or self.input_kind != "text":
            return
        self._wording = True
        try:
            self.text = " ".join(self.dataset.decode(self.x))
            self.set_trait("unknown_words", [])
        finally:
            self._wording = False

    @property
    def words(self) -> tuple[str, ...]:
        """A token model's input as words: one per token up to the padding."""
        if self.input_kind != "text":
            return ()
        cached = self.__dict__.get("_words")
        if cached is None or cached[0] is not self.x:  # decoded once per input
            self._words = cached = (self.x, self.dataset.decode(self.x))
        return cached[1]

    @t.observe(*INPUT_TRAITS)
    def _inputs_changed(self, change: t.Bunch) -> None:
        if self._restoring or not self._ready:
            return
        if change.name == "method" and change.new == "neuron_gradient":
            self._active_neuron()
        if change.new is not change.old:  # a refused value comes back as the old
            if self._batching:
                self._pending = True
            else:
                self.recompute()

    def _active_neuron(self) -> None:
        """A silent neuron (a dead ReLU: an all-zero map) gives way to the layer's most active.

        Called when neuron_gradient is chosen; set without a recompute of its own.
        """
        layer = self.layer or self.model.layer_names[0]
        values = np.ravel(self.activations.get(layer, ()))
        if values.size and values[self.neuron % values.size] == 0 and np.abs(values).max() > 0:
            self._restoring = True  # the method's own recompute follows
            try:
                self.neuron = int(np.argmax(np.abs(values)))
            finally:
                self._restoring = False

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Assign several inputs with one recompute at the end (e.g. layer, neuron, method)."""
        self._batching += 1
        try:
            with self.hold_trait_notifications():
                yield
        finally:
            self._batching -= 1
        if not self._batching and self._pending:
            self._pending = False
            self.recompute()

    # what the kernel gets -------------------------------------------------------------------
    def settings(self) -> Settings:
        """The current method's static settings (canonical: unused fields at defaults)."""
        kind = self.baseline_kind
        return static_settings(
            self.method,
            Settings(
                steps=self.ig_steps,
                rule=self.ig_rule,
                chunk=64 if self.ig_steps > 256 else 0,
                baseline=kind if kind in ("blur", "uniform") else "input",
                samples=self.samples,
                absolute=self.absolute,
                window=self._per_axis(self.window),
                stride=self._per_axis(self.stride),
                groups=self._groups(),
                coalitions=self.coalitions,
                layer=self.layer if self.method == "neuron_gradient" else self._cam_layer(),
                cam_relu=self.cam_relu,
            ),
        )

    def _per_axis(self, size: int) -> tuple[int, ...]:
        """Occlusion's window or stride: ``size`` per axis, an image's channels whole."""
        shape = self.input_shape
        if self.input_kind == "series":  # a window of steps covers every channel
            return (size, shape[1])
        if len(shape) == 3:  # Captum's sliding window (C, w, w) on a CHW image
            return (size, size, shape[2])
        return (size,) * len(shape)

    def _mask(self) -> np.ndarray:
        """The group mask: ``feature_mask``, else the superpixels (cached: the same object)."""
        if self.feature_mask is not None:
            return self.feature_mask
        return grid_mask(self.input_shape, self.superpixel)

    def _groups(self) -> int:
        """``Settings.groups``: the number of groups of ``_mask``, 0 when there is no mask."""
        if self.feature_mask is None and not self.superpixel:
            return 0
        return int(self._mask().max()) + 1

    def _cam_layer(self) -> str:
        convs = conv_layers(self.model)
        return self.layer if self.layer in convs else ""

    def inputs(self) -> Inputs:
        """The array arguments: changing any of them never compiles."""
        return Inputs(
            baseline=self.baseline,
            key=self._seed_key(),
            sigma=np.float32(self.sigma),
            low=self._low,
            high=self._high,
            neuron=np.int32(self.neuron),
            mask=self._mask(),
        )

    def _seed_key(self) -> Any:
        """The PRNG key of ``seed`` (made when the seed changes, so it is never a stale one)."""
        if self._key_seed != self.seed:
            self._key, self._key_seed = jax.random.key(self.seed), self.seed
        return self._key

    def set_params(self, params: Any) -> None:
        """Show the model with new weights (a training step's, a checkpoint's).

        ``params`` must have the structure, shapes and dtypes of ``self.params`` (the same
        model trained further). Everything that depends on the weights follows: the step
        (probabilities, attribution, activations, gradients), the embedding (PCA refitted,
        t-SNE recomputed when shown), the weight statistics; the last sanity check is cleared
        (it was for the old weights). The input, method and settings stay.

        Raises:
            ValueError: ``params`` is not the same model's (names the first leaf that differs).
        """
        old, treedef = jax.tree_util.tree_flatten_with_path(self.params)
        new, new_def = jax.tree_util.tree_flatten(params)
        if new_def != treedef:
            raise ValueError(
                f"params: expected the structure of the model's parameters {treedef}, got {new_def}"
            )
        for (path, a), b in zip(old, new):
            where = jax.tree_util.keystr(path)
            shape, dtype = np.shape(a), np.dtype(getattr(a, "dtype", None) or np.asarray(a).dtype)
            got = np.dtype(getattr(b, "dtype", None) or np.asarray(b).dtype)
            if np.shape(b) != shape or got != dtype:
                raise ValueError(
                    f"params: expected {where} of shape {shape} and dtype {dtype}, got shape "
                    f"{np.shape(b)} and dtype {got}"
                )
            if np.issubdtype(dtype, np.inexact) and not np.all(np.isfinite(np.asarray(b))):
                raise ValueError(f"params: expected finite values, got NaN or inf in {where}")
        self.params = params
        self._tsne = {}  # computed for the old weights
        self.set_trait("sanity", [])
        if "weights" in self._prepared:
            self._summarise_weights()
        if "embedding" in self._prepared:
            self._fit_embedding()
        self.recompute()

    def recompute(self) -> None:
        """Run the fused kernel once for the current inputs and publish every output together.

        If it fails (an exception, or a NaN/inf anywhere in the outputs), nothing is
        published: the inputs go back to those of the outputs on screen and ``error`` says
        why, so the inputs shown and the outputs shown always belong together.
        """
        settings = self.settings()
        config = (self.method, settings)
        if config not in self._compiled and not self._eager:
            self.status = f"compiling {self.method}…"
        try:
            flat = self._run(settings)
        except _UNTRACEABLE as e:  # even eagerly: the method vmaps over a batch of inputs
            self._fail(
                f"method: {self.method} evaluates the model on a batch of points (vmap), which "
                "a model that branches on values in Python cannot do even eagerly; choose "
                "saliency or gradient_x_input, or use jnp.where / lax.cond in the model "
                f"({type(e).__name__}: {str(e).splitlines()[0]})"
            )
            return
        except Exception as e:  # shown in the widget; the last good outputs stay
            self._fail(f"{self.method} failed: {type(e).__name__}: {e}")
            return
        self._compiled.add(config)
        if not np.isfinite(flat).all():
            self._fail(
                f"{self.method}: the model's output or gradient is NaN/inf for this input; "
                "the input was refused and the last finite result stays"
            )
            return
        with self.publishing():
            self._publish(
                unpack(self.model, flat, self.params if self._trainable else None, embed=True)
            )
        self._good = {name: getattr(self, name) for name in (*INPUT_TRAITS, "baseline_kind")}

    def _fail(self, message: str) -> None:
        """Say why, and put back the inputs of the outputs still shown (no recompute)."""
        with self.publishing():
            self._restoring = True
            try:
                with self.hold_trait_notifications():
                    for name, value in self._good.items():
                        if getattr(self, name) is not value:
                            setattr(self, name, value)
            finally:
                self._restoring = False
            self.error = message
            self.status = "error"

    def _slow(self) -> tuple[Any, Any]:
        """The step's packed parameters, ``Inputs`` and ``Extras``, re-packed when one changed.

        ``parts`` is every parameter leaf and everything ``inputs()`` and the ``Extras``
        read: any part that is not the very object packed last time (a new value) packs
        again. Parameters are read as arrays: a leaf replaced in ``params`` is seen, a numpy
        leaf changed in place is not (as the weight statistics and the embedding, computed
        once).
        """
        key = self._seed_key()
        parts = (*jax.tree_util.tree_leaves(self.params), self.baseline, key, self.sigma)
        parts += (self._low, self._high, self.neuron, self._mask(), self.label)
        parts += (self._pca, self._ref)
        cached = self._packed
        if (
            cached is None
            or len(cached[0]) != len(parts)
            or any(a is not b for a, b in zip(cached[0], parts))
        ):
            extras = Extras(np.int32(self.label), *self._pca, *self._ref)
            self._packed = cached = (parts, *pack((self.params, self.inputs(), extras)))
        return cached[1], cached[2]

    def kernel(self, settings: Settings | None = None) -> tuple[Callable[..., Any], Any]:
        """``(step, slow)``: the compiled step for ``settings`` (default: the current ones).

        ``np.asarray(step(slow, pack_input(x, target)))`` is what a slider step runs: the
        fused kernel of ``kernels.step_kernel`` with the parameters and ``Inputs`` packed.
        """
        slow, layout = self._slow()
        step = step_kernel(
            self.model,
            layout,
            method=self.method,
            settings=self.settings() if settings is None else settings,
            param_grads=self._trainable,
            embed_layer=self.embed_layer,
            embed_method=self.embed_method,
        )
        return step, slow

    def _run(self, settings: Settings) -> np.ndarray:
        """The fused kernel's packed result; eagerly when the model cannot be traced."""
        step, slow = self.kernel(settings)
        fast = pack_input(self.x, -1 if self.target is None else self.target)
        if not self._eager:
            try:
                return np.asarray(step(slow, fast))
            except _UNTRACEABLE as e:
                # Python control flow on values: say so once, then keep running it eagerly
                self._eager = f"{type(e).__name__}: {str(e).splitlines()[0]}"
        with jax.disable_jit():
            return np.asarray(step(slow, fast))

    #: What ``prepare`` computes on demand (each once), for the view that first shows it.
    PARTS = ("embedding", "weights", "activation_curves")

    def prepare(self, *parts: str) -> None:
        """Compute ``parts`` of ``PARTS`` now if not done yet (views call this when built).

        The embedding's PCA, the weight statistics and the activation curves each compile
        kernels of their own; an app computes them when a view first needs them, not at
        start, so the first frame comes sooner.
        """
        for part in parts:
            if part not in self.PARTS:
                raise ValueError(f"part: expected one of {list(self.PARTS)}, got {part!r}")
            if part in self._prepared:
                continue
            self._prepared.add(part)
            if part == "embedding":
                self._fit_embedding()
                self.recompute()  # places the current input in the new embedding
            elif part == "weights":
                self._summarise_weights()
            else:
                self._activation_curves()

    def _no_embedding(self) -> None:
        """Zeros in place of the PCA until ``prepare("embedding")`` (the kernel's shapes)."""
        size = dict(zip(self.model.layer_names, self.model.layer_sizes))[self.embed_layer]
        self._pca = (np.zeros(size, np.float32), np.zeros((size, 2), np.float32))
        self._ref = (np.zeros((1, 1), np.float32), np.zeros((1, 2), np.float32))
        self.set_trait("embedding_points", np.zeros((0, 2), np.float32))
        self.set_trait("embedding_labels", np.zeros(0, np.int32))

    def _fit_embedding(self) -> None:
        """PCA (or t-SNE, once per layer) of ``embed_layer`` over the data set."""
        ds = self.dataset
        try:
            acts = layer_outputs(self.model, self.params, ds.X, layer=self.embed_layer)
            fitted = pca(acts, k=2)
        except Exception:  # e.g. an untraceable user model: no embedding, nothing else lost
            self._no_embedding()
            return
        self._pca = (np.asarray(fitted.mean), np.asarray(fitted.components))
        points = np.asarray(fitted.coords)
        if self.embed_method == "tsne":
            coords = self._tsne.get(self.embed_layer)
            if coords is None:
                coords = self._tsne[self.embed_layer] = self._run_tsne(acts)
            self._ref = (acts, coords)  # device arrays: no copy per step
            points = np.asarray(coords)
        else:
            self._ref = (np.zeros((1, 1), np.float32), np.zeros((1, 2), np.float32))
        self.set_trait("embedding_points", points)
        self.set_trait("embedding_labels", np.asarray(ds.y))

    def _run_tsne(self, acts: Any, iterations: int = 500, chunk: int = 50) -> Any:
        """t-SNE in chunks, publishing ``embedding_progress`` after each chunk."""
        self.status = "t-SNE: computing…"
        self.set_trait("embedding_progress", 0.0)
        p = tsne_affinities(acts)
        y = 1e-4 * jax.random.normal(jax.random.key(self.seed), (acts.shape[0], 2))
        velocity = jax.numpy.zeros_like(y)
        for start in range(0, iterations, chunk):
            y, velocity = tsne_steps(p, y, velocity, np.int32(start), steps=chunk)
            y.block_until_ready()
            self.set_trait("embedding_progress", (start + chunk) / iterations)
        self.status = "ready"
        return y

    def _activation_curves(self, lo: float = -5.0, hi: float = 5.0, n: int = 201) -> None:
        """Compute f and f' of every activation the model uses, on a grid (once)."""
        z = np.linspace(lo, hi, n, dtype=np.float32)
        curves = {}
        for name in dict.fromkeys(getattr(self.model, "activation_names", ())):
            f, df = activation_curve(name, z)
            curves[name] = {"z": z, "f": np.asarray(f), "df": np.asarray(df)}
        self.set_trait("activation_curves", curves)

    def _summarise_weights(self) -> None:
        """Statistics and histogram of every parameter array (once per set of params)."""
        if not self._trainable:
            return
        summary = {
            name: type(s)(*(np.asarray(v) for v in s))
            for name, w in parameter_arrays(self.model, self.params).items()
            for s in [weight_stats(w)]
        }
        self.set_trait("weight_summary", summary)

    def _notice(self, attribution: np.ndarray, logits: np.ndarray) -> str:
        notes = []
        if self._eager:
            notes.append(
                "running eagerly (slow): the model cannot be jit-compiled because it branches "
                f"on values in Python ({self._eager}); use jnp.where or lax.cond to make it fast"
            )
        # relative to the outputs' scale: sampling methods (LIME, KernelSHAP) fit a constant
        # model with rounding noise (~1e-12), not exact zeros
        scale = max(1.0, float(np.max(np.abs(logits))))
        if self.input_kind == "text" and not self.words:
            notes.append("no words yet: type a sentence (the prediction is the empty one's)")
        elif float(np.max(np.abs(attribution), initial=0.0)) <= 1e-6 * scale:
            notes.append(
                "attribution is all zero: the model is constant here or not differentiable "
                "(argmax, round, stop_gradient, a dead ReLU layer)"
            )
        return "; ".join(notes)

    def sanity_check(
        self, progress: Callable[[int, int], None] | None = None
    ) -> list[tuple[str, float]]:
        """Cascading parameter randomisation for the current method, input and class.

        Publishes the result in ``sanity`` (also returned); an error goes to ``error``.
        """
        if not self._trainable:
            self.error = "sanity check: needs a model with float parameters to randomise"
            return []
        settings, inputs = self.settings(), self.inputs()
        target = np.int32(self.explained)

        def attribute(params: Any) -> np.ndarray:
            flat = explain_flat(
                self.model, params, self.x, target, inputs, method=self.method, settings=settings
            )
            return unpack(self.model, np.asarray(flat)).attribution

        self.status = "sanity check: randomising layers…"
        try:
            result = randomisation_check(
                attribute,
                self.model,
                self.params,
                jax.random.key(self.seed + 1),
                progress=progress,
            )
        except Exception as e:  # shown in the widget; nothing else changes
            self.error = f"sanity check failed: {type(e).__name__}: {e}"
            self.status = "error"
            return []
        self.set_trait("sanity", [tuple(r) for r in result])
        self.status = "ready"
        return result

    def _regroup(self, leaves: Any) -> Any:
        """Flat gradient leaves back into the params' structure (tuple of per-layer dicts)."""
        if leaves is None:
            return None
        treedef = jax.tree_util.tree_structure(self.params)
        return jax.tree_util.tree_unflatten(treedef, list(leaves))

    def _publish(self, e: Any) -> None:
        names = self.model.layer_names
        shapes = getattr(self.model, "layer_shapes", [(n,) for n in self.model.layer_sizes])
        self.publish_values(
            {
                "logits": e.logits,
                "probs": e.probs,
                "predicted": int(np.argmax(e.logits)),
                "explained": int(e.target),
                "activations": {n: v.reshape(s) for n, v, s in zip(names, e.post, shapes)},
                "preactivations": {n: v.reshape(s) for n, v, s in zip(names, e.pre, shapes)},
                "slopes": {n: v.reshape(s) for n, v, s in zip(names, e.slopes, shapes)},
                "attribution": e.attribution,
                "loss": e.loss,
                "grad_norms": e.grad_norms,
                "param_grads": self._regroup(e.param_grads),
                "embedding": e.embedding,
                "completeness_gap": e.completeness_gap if self.method in WITH_GAP else None,
                "rollout": e.rollout,
                "notice": self._notice(e.attribution, e.logits),
                "error": "",
                "status": "ready",
                "version": self.version + 1,  # last: the views redraw from the values above
            }
        )
