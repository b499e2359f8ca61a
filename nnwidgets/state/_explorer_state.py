"""The Explorer's single source of truth: inputs in, every derived output published together."""

from __future__ import annotations

from typing import Any

import jax
import numpy as np
import traitlets as t

from ..kernels import METHODS, enable_compilation_cache, explain_flat, static_settings, unpack
from ..models import Dataset

_UNTRACEABLE = (jax.errors.ConcretizationTypeError, jax.errors.TracerBoolConversionError)


class ExplorerState(t.HasTraits):
    """One model, its parameters, its data set, the current input and everything derived from it.

    Only this object runs kernels. Assigning any input trait (``x``, ``target``, ``method``,
    ``ig_steps``, ``baseline``, ``samples``, ``sigma``, ``seed``) recomputes synchronously,
    before the assignment returns, and publishes all outputs inside one
    ``hold_trait_notifications`` block that ends by bumping ``version``; views observe
    ``version`` and so redraw once per update from one consistent set of outputs.

    An invalid assignment (wrong shape, NaN/inf, target out of range, unknown method) does
    not raise: it is refused, the previous value and outputs stay, and ``error`` says what
    was expected and what came, so the widget can show it. A non-finite model output is
    treated the same way. The next valid assignment clears ``error``.

    Args:
        model: a ``Sequential`` or ``FunctionModel``.
        params: its parameters (checked by the caller).
        dataset: supplies the default input, feature ranges and names.
        **inputs: initial values of the input traits.
    """

    # inputs ---------------------------------------------------------------------------------
    x = t.Any(help="Current input: float32 numpy array of the model's input shape (read-only).")
    target = t.Int(None, allow_none=True, help="Class explained; None explains the predicted one.")
    method = t.Unicode("saliency", help=f"Attribution method, one of {METHODS}.")
    ig_steps = t.Int(32, help="Integrated Gradients: points on the path (compiles once per value).")
    baseline = t.Any(
        help="Integrated Gradients' reference input (default zeros = the data mean "
        "for standardised tabular sets)."
    )
    samples = t.Int(16, help="SmoothGrad: number of noisy copies (compiles once per value).")
    sigma = t.Float(0.15, help="SmoothGrad: noise std as a fraction of each feature's data range.")
    seed = t.Int(0, help="SmoothGrad: PRNG seed; the same seed gives the same map.")
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
        help="IG: sum(attribution) - (f(x) - f(baseline)); else None.",
    )
    error = t.Unicode("", help="'' when all is well, else the message the widget shows.")
    status = t.Unicode("", help="What the state is doing ('compiling …', 'ready').")
    notice = t.Unicode(
        "", help="'' or a warning about the current result (all-zero map, running eagerly)."
    )
    version = t.Int(0, read_only=True, help="Bumped once per published update.")

    def __init__(self, model: Any, params: Any, dataset: Dataset, **inputs: Any) -> None:
        self.model, self.params, self.dataset = model, params, dataset
        self.cache_dir = enable_compilation_cache()  # a second launch skips compiling
        self._ready = False
        self._compiled: set[tuple[str, int, int]] = set()
        self._eager = ""  # why the model runs without jit ('' = it compiles)
        self._range = np.asarray(dataset.hi - dataset.lo, np.float32)
        self._key = jax.random.key(0)
        shape = tuple(model.input_shape)
        inputs.setdefault("x", dataset.X_test[0])
        inputs.setdefault("baseline", np.zeros(shape, np.float32))
        super().__init__(**inputs)
        if self.error:  # an initial input was refused: explain what was refused, then stop
            raise ValueError(self.error)
        self._ready = True
        self._key = jax.random.key(self.seed)
        self.recompute()

    @property
    def input_shape(self) -> tuple[int, ...]:
        """Shape of one input."""
        return tuple(self.model.input_shape)

    @property
    def class_names(self) -> tuple[str, ...]:
        """Names of the output classes."""
        return self.dataset.class_names

    # validation: refuse, keep the old value, say why -------------------------------------------
    def _refuse(self, old: Any, message: str) -> Any:
        self.error = message
        return old

    def _check_array(self, name: str, value: Any) -> np.ndarray | str:
        try:
            arr = np.array(value, dtype=np.float32)  # ints and float64 become float32 on purpose
        except (TypeError, ValueError) as e:
            return f"{name}: expected numbers of shape {self.input_shape}, got {value!r:.60} ({e})"
        if arr.shape != self.input_shape:
            return f"{name}: expected shape {self.input_shape}, got {arr.shape}"
        bad = ~np.isfinite(arr)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            feature = self.dataset.feature_names[i]
            return f"{name}: expected finite values, got {arr.ravel()[i]} for feature {feature!r}"
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
        return proposal.value

    @t.validate("ig_steps", "samples")
    def _validate_count(self, proposal: t.Bunch) -> int:
        name, value = proposal.trait.name, proposal.value
        if not 1 <= value <= 4096:
            return self._refuse(
                getattr(self, name), f"{name}: expected an int in [1, 4096], got {value}"
            )
        return value

    @t.validate("sigma")
    def _validate_sigma(self, proposal: t.Bunch) -> float:
        if not (np.isfinite(proposal.value) and proposal.value >= 0):
            return self._refuse(
                self.sigma, f"sigma: expected a finite float >= 0, got {proposal.value}"
            )
        return proposal.value

    # the one update path -------------------------------------------------------------------------
    @t.observe("seed")
    def _new_key(self, change: t.Bunch) -> None:
        self._key = jax.random.key(change.new)

    @t.observe("x", "target", "method", "ig_steps", "baseline", "samples", "sigma", "seed")
    def _inputs_changed(self, change: t.Bunch) -> None:
        if self._ready and change.new is not change.old:  # a refused value comes back as the old
            self.recompute()

    def recompute(self) -> None:
        """Run the fused kernel once for the current inputs and publish every output together."""
        steps, samples = static_settings(self.method, self.ig_steps, self.samples)
        config = (self.method, steps, samples)
        if config not in self._compiled and not self._eager:
            self.status = f"compiling {self.method}…"
        try:
            flat = self._run(steps, samples)
        except _UNTRACEABLE as e:  # even eagerly: the method vmaps over a batch of inputs
            self.error = (
                f"method: {self.method} evaluates the model on a batch of points (vmap), which "
                "a model that branches on values in Python cannot do even eagerly; choose "
                "saliency or gradient_x_input, or use jnp.where / lax.cond in the model "
                f"({type(e).__name__}: {str(e).splitlines()[0]})"
            )
            self.status = "error"
            return
        except Exception as e:  # shown in the widget; the last good outputs stay
            self.error = f"{self.method} failed: {type(e).__name__}: {e}"
            self.status = "error"
            return
        self._compiled.add(config)
        if not np.isfinite(flat).all():
            self.error = (
                f"{self.method}: the model's output or gradient is NaN/inf for this "
                "input; showing the last finite result"
            )
            self.status = "error"
            return
        self._publish(unpack(self.model, flat))

    def _run(self, steps: int, samples: int) -> np.ndarray:
        """The fused kernel's packed result; eagerly when the model cannot be traced."""
        args = (
            self.model,
            self.params,
            self.x,
            np.int32(-1 if self.target is None else self.target),
            self.baseline,
            self._key,
            self.sigma * self._range,
        )
        if not self._eager:
            try:
                return np.asarray(
                    explain_flat(*args, method=self.method, steps=steps, samples=samples)
                )
            except _UNTRACEABLE as e:
                # Python control flow on values: say so once, then keep running it eagerly
                self._eager = f"{type(e).__name__}: {str(e).splitlines()[0]}"
        with jax.disable_jit():
            return np.asarray(explain_flat(*args, method=self.method, steps=steps, samples=samples))

    def _notice(self, attribution: np.ndarray) -> str:
        notes = []
        if self._eager:
            notes.append(
                "running eagerly (slow): the model cannot be jit-compiled because it branches "
                f"on values in Python ({self._eager}); use jnp.where or lax.cond to make it fast"
            )
        if not np.any(attribution):
            notes.append(
                "attribution is all zero: the model is constant here or not differentiable "
                "(argmax, round, stop_gradient, a dead ReLU layer)"
            )
        return "; ".join(notes)

    def _publish(self, e: Any) -> None:
        names = self.model.layer_names
        with self.hold_trait_notifications():
            self.set_trait("logits", e.logits)
            self.set_trait("probs", e.probs)
            self.set_trait("predicted", int(np.argmax(e.logits)))
            self.set_trait("explained", e.target)
            self.set_trait("activations", dict(zip(names, e.post)))
            self.set_trait("preactivations", dict(zip(names, e.pre)))
            self.set_trait("attribution", e.attribution)
            gap = e.completeness_gap if self.method == "integrated_gradients" else None
            self.set_trait("completeness_gap", gap)
            self.notice = self._notice(e.attribution)
            self.error = ""
            self.status = "ready"
            self.set_trait("version", self.version + 1)
