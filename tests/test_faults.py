"""One test per line of FAULTS.md (``test_fault_NN_...``), through the public API.

docs/testing.md maps every fault to these tests and to the other tests (browser, files) that
cover it further.
"""

import json
import os
import pathlib
import threading

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jupyter_client.manager import start_new_kernel
from test_large_inputs import image_explorer, record_all, size
from widget_comm import dummy_comm  # noqa: F401  (fixture)

from nnwidgets import Explorer, Playground
from nnwidgets.kernels import step_traces
from nnwidgets.models import FEATURES, load_weights
from nnwidgets.state import PlaygroundState, build_state
from nnwidgets.views import MethodControls, StatusLine

OUTPUTS = ("logits", "probs", "attribution", "activations", "version")
X2 = np.array([[1.0, 2.0], [2.0, 1.0]], np.float32)
Y2 = np.array([0, 1])


@pytest.fixture(scope="module")
def iris():
    return build_state("iris")


def outputs(s):
    return {k: getattr(s, k) for k in OUTPUTS}


def assert_unchanged(s, before):
    for k, v in before.items():
        assert getattr(s, k) is v, k


def assert_consistent(s):
    """Every output finite, and equal to a fresh recompute of the same settings."""
    assert np.isfinite(s.probs).all() and np.isfinite(s.attribution).all()
    assert abs(float(s.probs.sum()) - 1.0) < 1e-5
    assert s.attribution.shape == s.x.shape
    shown = s.attribution.copy()
    s.recompute()
    np.testing.assert_allclose(s.attribution, shown, rtol=1e-5, atol=1e-6)


def test_fault_01_nan_or_inf_input_names_the_feature(iris):
    before = outputs(iris)
    x = iris.x.copy()
    x[2] = np.inf
    iris.x = x
    assert "feature 'petal length (cm)'" in iris.error and "inf" in iris.error
    assert_unchanged(iris, before)
    iris.x = iris.dataset.X_test[1]  # the next interaction works
    assert iris.error == ""


def test_fault_02_nonfinite_output_refuses_the_input_and_keeps_inputs_and_outputs():
    s = build_state(lambda p, x: jnp.stack([jnp.log(x[0]), x[1]]), None, data=(X2, Y2))
    x0, before = s.x, outputs(s)
    s.x = np.array([-1.0, 0.0])
    assert "NaN/inf" in s.error and "refused" in s.error
    np.testing.assert_array_equal(s.x, x0)  # the input shown belongs to the outputs shown
    assert_unchanged(s, before)


def test_fault_02_a_diverging_playground_publishes_nothing_nonfinite():
    s = PlaygroundState(dataset="surface", hidden=[8, 8], activation="relu", init="normal_1")
    s.learning_rate = 10.0
    s.features = list(FEATURES)
    seen = []
    s.observe(lambda c: seen.append(c.new), names=["loss", "output_map", "neuron_maps"])
    for _ in range(30):
        s.step_once()
        if s.error:
            break
    assert "diverged" in s.error
    assert all(v is None or np.isfinite(v).all() for v in seen)
    assert all(np.isfinite(v).all() for v in s.history.values())


def test_fault_03_wrong_shape_says_expected_and_received(iris):
    iris.x = np.zeros(3)
    assert "expected shape (4,), got (3,)" in iris.error
    iris.x = np.zeros((1, 4))  # a batch axis
    assert "got (1, 4)" in iris.error
    with pytest.raises(ValueError, match=r"data X: expected examples of shape \(4,\).*got \(3,\)"):
        build_state("iris", data=(np.zeros((5, 3)), np.zeros(5, int)))


def test_fault_04_integer_inputs_are_cast_to_float32(iris):
    iris.x = np.array([5, 3, 1, 0], np.uint8)
    assert iris.error == "" and iris.x.dtype == np.float32
    iris.method = "integrated_gradients"
    assert iris.error == "" and np.isfinite(iris.attribution).all()
    iris.method = "saliency"
    before = outputs(iris)
    iris.x = np.array([5, 3, 1, 0]) * (1 + 1j)  # float32 would drop the imaginary part
    assert "x: expected real numbers" in iris.error and "complex" in iris.error
    assert_unchanged(iris, before)


def test_fault_05_float64_is_converted_to_float32_on_purpose(iris):
    iris.x = np.array([5.1, 3.5, 1.4, 0.2], np.float64)
    assert iris.x.dtype == np.float32 and iris.error == ""
    iris.sigma = np.float32(0.2)  # numpy scalars too
    assert iris.error == "" and iris.sigma == pytest.approx(0.2)


def test_fault_06_no_target_explains_the_predicted_class(iris):
    iris.target = None
    assert iris.explained == iris.predicted
    iris.target = np.int64(2)  # numpy ints are ints
    assert iris.explained == 2 and iris.error == ""
    iris.target = None


@pytest.mark.parametrize("value", [3, -1, 1.5, "3", True])
def test_fault_07_bad_target_is_refused(iris, value):
    before = outputs(iris)
    iris.target = value
    assert iris.error.startswith("target: expected") and str(value) in iris.error
    assert iris.target is None
    assert_unchanged(iris, before)


def test_fault_08_non_differentiable_model_gives_a_notice_not_a_blank_map():
    fn = lambda p, x: jnp.stack([jnp.round(x[0]), jax.lax.stop_gradient(x[1])])  # noqa: E731
    s = build_state(fn, None, data=(X2, Y2))
    assert "attribution is all zero" in s.notice
    assert np.array_equal(s.attribution, np.zeros(2))


def test_fault_09_an_unjittable_model_runs_eagerly_with_a_warning():
    def fn(p, x):
        if x[0] > 0:  # Python branch on a value
            return jnp.stack([2.0 * x[0], x[1]])
        return jnp.stack([x[0], x[1]])

    s = build_state(fn, None, data=(X2, Y2))
    assert s.error == "" and "running eagerly" in s.notice and "jnp.where" in s.notice


@pytest.mark.parametrize("method", ["saliency", "integrated_gradients", "lime", "kernel_shap"])
def test_fault_10_a_constant_model_gives_zero_attribution_and_the_notice(method):
    fn = lambda p, x: jnp.stack([0.0 * x.sum() + 1.0, 0.0 * x.sum()])  # noqa: E731
    s = build_state(fn, None, data=(X2, Y2), method=method)
    assert np.isfinite(s.attribution).all() and np.abs(s.attribution).max() < 1e-6
    assert "attribution is all zero" in s.notice


def test_fault_11_every_value_the_state_takes_is_shown_by_its_control_unchanged():
    s = build_state("iris")
    controls = MethodControls(s)
    for name, value in [
        ("ig_steps", 100),
        ("ig_steps", 1),
        ("samples", 3),
        ("coalitions", 100),
        ("sigma", 2.5),
        ("window", 4),
        ("stride", 4),
        ("seed", 2**31 - 1),
    ]:
        setattr(s, name, value)
        assert s.error == "" and getattr(s, name) == value, name
        assert controls.settings[name].value == value, name  # shown, not clamped back
    controls.settings["ig_steps"].value = 8  # the browser picks a preset again
    assert s.ig_steps == 8
    controls.settings["seed"].value = 5
    assert s.seed == 5
    controls.close()
    ex = Explorer("iris", ig_steps=100, samples=3)  # at construction too
    assert ex.state.ig_steps == 100 and ex.views[1].settings["ig_steps"].value == 100
    ex.close()


def test_fault_11_playground_controls_show_any_accepted_rate():
    pg = Playground(dataset="xor", hidden=[2])
    s, c = pg.state, pg.controls.controls
    for name, value in [("learning_rate", 0.5), ("reg_rate", 0.02), ("batch_size", 500)]:
        setattr(s, name, value)
        assert s.error == "" and getattr(s, name) == value
        assert c[name].value == value
    s.features = ["x1", "x1²", "x1·x2"]  # the names the README and the buttons write
    assert s.error == "" and s.features == ["x1", "x1^2", "x1*x2"]
    s.learning_rate = np.float32(0.25)
    assert s.error == "" and c["learning_rate"].value == pytest.approx(0.25)
    pg.close()


def test_fault_11_slider_edges_give_finite_outputs():
    ex = Explorer("iris")
    sliders = ex.views[2].sliders
    for slider in sliders:
        slider.set_state({"value": slider.max})
    assert ex.state.error == "" and np.isfinite(ex.state.probs).all()
    for slider in sliders:
        slider.set_state({"value": slider.min})
    np.testing.assert_allclose(ex.state.x, [s.min for s in sliders], rtol=1e-6)
    assert np.isfinite(ex.state.attribution).all()
    ex.close()


def test_fault_12_a_fast_drag_ends_on_the_final_value():
    ex = Explorer("iris")
    slider = ex.views[2].sliders[0]
    values = np.linspace(slider.min, slider.max, 100).round(2)
    for v in values:
        slider.set_state({"value": float(v)})
    assert ex.state.x[0] == pytest.approx(values[-1])
    assert_consistent(ex.state)
    ex.close()


def test_fault_13_an_exception_in_an_observer_is_shown_and_the_state_keeps_working():
    ex = Explorer("iris")
    s = ex.state
    status = ex.views[0]

    def broken(change):
        raise RuntimeError("my observer broke")

    s.observe(broken, names="probs")
    slider = ex.views[2].sliders[0]
    with pytest.raises(RuntimeError):  # ipywidgets would only log this
        slider.set_state({"value": float(slider.max)})
    assert "my observer broke" in s.error and "my observer broke" in status.value
    s.unobserve(broken, names="probs")
    slider.set_state({"value": float(slider.min)})  # the next interaction works
    assert s.error == "" and s.x[0] == pytest.approx(slider.min)
    ex.close()


def test_fault_14_ig_steps_and_baseline_are_checked(iris):
    iris.method = "integrated_gradients"
    for steps in (0, 5000):
        iris.ig_steps = steps
        assert f"ig_steps: expected an int in [1, 4096], got {steps}" == iris.error
    iris.ig_steps = 1
    assert iris.error == ""
    iris.ig_steps = 4096  # chunked evaluation
    assert iris.error == "" and np.isfinite(iris.attribution).all()
    iris.baseline = np.zeros(5)
    assert "baseline: expected shape (4,), got (5,)" in iris.error
    iris.baseline = None
    assert "baseline: expected an array" in iris.error and "None" in iris.error
    iris.x = None
    assert "x: expected an array" in iris.error
    iris.ig_steps, iris.method = 32, "saliency"


def test_fault_15_occlusion_window_and_stride_are_checked():
    s = build_state("digits", method="occlusion")
    s.window = 9
    assert "window: expected an int from 1 to the input's smallest axis (8), got 9" in s.error
    s.stride = 0
    assert "stride" in s.error
    s.stride = 3  # larger than the window (2): would skip pixels
    assert "stride: expected an int from 1 to the window (2), got 3" in s.error
    assert s.stride == 1
    s.x = np.zeros((8, 8, 1))
    assert "expected shape (8, 8), got (8, 8, 1)" in s.error


def test_fault_16_smoothgrad_sigma_zero_samples_and_seed(iris):
    iris.method = "saliency"
    saliency = iris.attribution.copy()
    iris.method, iris.sigma = "smoothgrad", 0.0
    np.testing.assert_allclose(iris.attribution, saliency, rtol=1e-5)
    iris.samples = 0
    assert iris.error == "samples: expected an int in [1, 4096], got 0"
    iris.sigma, iris.seed = 0.3, 7
    seven = iris.attribution.copy()
    iris.seed = 8
    assert not np.array_equal(iris.attribution, seven)
    iris.seed = 7  # the map shown is the map of the seed shown
    np.testing.assert_array_equal(iris.attribution, seven)
    iris.recompute()
    np.testing.assert_array_equal(iris.attribution, seven)
    iris.method, iris.sigma, iris.seed = "saliency", 0.15, 0


@pytest.mark.parametrize("method", ["smoothgrad", "vargrad", "lime", "kernel_shap"])
def test_fault_16_sampling_methods_use_the_seed_shown(method):
    s = build_state("iris", method=method, seed=7)
    first = s.attribution.copy()
    s.seed = 8
    s.seed = 7
    np.testing.assert_array_equal(s.attribution, first)


def test_fault_17_a_large_input_stays_small_on_the_wire():
    ex = image_explorer()  # 128 x 128 images
    rng = np.random.default_rng(1)
    ex.state.x = rng.random(ex.state.input_shape).astype(np.float32)
    sent = record_all(ex)
    ex.state.x = rng.random(ex.state.input_shape).astype(np.float32)
    assert not ex.state.error and size(sent) < 100_000, size(sent)
    ex.close()


def test_fault_18_first_use_compiles_with_a_status_then_never_again(iris):
    seen = []
    iris.observe(lambda c: seen.append(c.new), names="status")
    iris.method = "vargrad"
    assert any(v.startswith("compiling") for v in seen) and iris.status == "ready"
    n = step_traces()
    for i in range(20):  # a drag: new values, same shapes
        iris.x = iris.dataset.X_test[i]
    assert step_traces() == n
    iris.method = "saliency"


def _run_cells(cells):
    """Run (cell id, code) pairs in a real kernel as a frontend would; the last cell's output."""
    km, kc = start_new_kernel(kernel_name="python3", env=dict(os.environ))
    try:
        out = []
        for cell_id, code in cells:
            content = {"code": code, "silent": False, "store_history": True}
            content.update(user_expressions={}, allow_stdin=False, stop_on_error=True)
            msg = kc.session.msg("execute_request", content, metadata={"cellId": cell_id})
            kc.shell_channel.send(msg)
            out = []
            while True:
                m = kc.get_iopub_msg(timeout=180)
                if m["parent_header"].get("msg_id") != msg["header"]["msg_id"]:
                    continue
                if m["msg_type"] == "stream":
                    out.append(m["content"]["text"])
                assert m["msg_type"] != "error", m["content"]["traceback"]
                if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                    break
        return "".join(out).split()
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


COUNT = (
    "import threading, ipywidgets\n"
    "print(sum(t.name == 'nnwidgets-train' for t in threading.enumerate()),"
    " len(ipywidgets.widgets.widget._instances))"
)


def test_fault_19_rerunning_the_first_cell_closes_what_it_built():
    build = "from nnwidgets import Playground\np = Playground()\np.state.play()"
    once = _run_cells([("a", build), ("b", COUNT)])
    four = _run_cells([("a", build)] * 4 + [("b", COUNT)])
    assert once[0] == "1" and four == once  # one training thread, as many widgets as once


def test_fault_20_saved_notebooks_hold_no_widget_state():
    for path in (pathlib.Path(__file__).parent.parent / "notebooks").glob("*.ipynb"):
        nb = json.loads(path.read_text())
        assert "widgets" not in nb.get("metadata", {}), path.name
        assert path.stat().st_size < 200_000, path.name


def test_fault_21_without_the_widget_extension_the_text_says_what_to_install():
    ex = Explorer("iris")
    assert "pip install nnwidgets" in repr(ex) and "JupyterLab" in repr(ex)
    pg = Playground(dataset="xor", hidden=[2])
    assert "pip install nnwidgets" in repr(pg)
    ex.close()
    pg.close()


def test_fault_22_the_app_shows_its_own_error_line():
    s = build_state("iris")
    line = StatusLine(s)
    s.x = np.zeros(7)
    assert 'role="alert"' in line.value and "expected shape (4,), got (7,)" in line.value
    s.x = s.dataset.X_test[0]
    assert "alert" not in line.value
    line.close()


def held_chunks(s, monkeypatch):
    """Make each training chunk of ``s`` wait for ``release``; ``started`` is set as it starts."""
    started, release = threading.Event(), threading.Event()
    original = s._train

    def held(job):
        started.set()
        release.wait(30)
        return original(job)

    monkeypatch.setattr(s, "_train", held)
    return started, release


def test_fault_23_pause_returns_while_a_chunk_still_runs_and_nothing_follows(monkeypatch):
    s = PlaygroundState(dataset="xor", hidden=[2], speed=1)
    started, release = held_chunks(s, monkeypatch)  # still compiling when pause is pressed
    s.play()
    assert started.wait(30)
    version = s.version
    s.pause()  # returns without waiting for the chunk
    assert not s.playing and not release.is_set()
    release.set()
    s.close()  # the thread ends; its chunk is dropped
    assert s.version == version and s.step == 0 and not s.error


def test_fault_23_changing_the_optimizer_while_training_never_kills_the_thread():
    s = PlaygroundState(dataset="circle", hidden=[4], speed=5)
    s.play()
    for i in range(30):
        s.optimizer = ("sgd", "momentum", "adam")[i % 3]
        s.learning_rate = (0.03, 0.01)[i % 2]
    s.step_once()  # pauses, then one step with the last optimiser
    assert not s.error and s.step > 0
    s.close()


def test_fault_24_two_views_of_one_state_update_from_one_batch():
    ex = Explorer("iris")
    s = ex.state
    seen = []
    s.observe(lambda c: seen.append((c.name, s.version, s.probs.copy())), names=list(OUTPUTS))
    v = s.version
    s.x = s.dataset.X_test[3]
    assert [n for n, *_ in seen].count("version") == 1
    assert all(ver == v + 1 and np.array_equal(p, s.probs) for _, ver, p in seen)
    ex.close()


def test_fault_25_a_lesson_round_trips_and_corrupt_files_are_refused(tmp_path):
    s = PlaygroundState(dataset="xor", hidden=[3])
    s.step_once()
    text = s.to_json()
    assert PlaygroundState.from_json(text).to_json() == text
    scene = json.loads(text)
    scene["params"][0]["w"][0][0] = float("nan")
    with pytest.raises(ValueError, match="scene params"):
        PlaygroundState.from_json(json.dumps(scene))
    (tmp_path / "w.npz").write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(ValueError, match="weights file"):
        load_weights(tmp_path / "w.npz")


def test_fault_23_a_data_change_under_a_running_chunk_drops_it_without_an_error(monkeypatch):
    s = PlaygroundState(dataset="xor", hidden=[2], speed=1)
    started, release = held_chunks(s, monkeypatch)  # runs while the input width changes
    s.play()
    assert started.wait(30)
    s.features = ["x1", "x2", "x1*x2"]  # 3 inputs: the running chunk's weights take 2
    started.clear()
    release.set()
    assert started.wait(30)  # training went on with the next chunk
    assert not s.error and s.playing
    monkeypatch.undo()
    s.step_once()
    assert not s.error and s.params[0]["w"].shape == (3, 2)
    s.close()
