"""The Explorer on sequence models in real Chromium, served by Voila and by JupyterLab.

Text (the bundled sentiment transformer): a word typed into the text box on the keyboard makes
the kernel recompute; the word chips must then show the new sentence, each chip's
``data-value`` the attribution ``explain`` gives here, in the test process, for that text;
the attention tab's enlarged map (its values table) must print the kernel's attention weights
for that text, for the head or rollout the buttons choose; and the chips' colours must have
changed. Series (the bundled waveforms LSTM, Voila): a point dragged with the mouse changes
the kernel's ``x`` at that step only (the notebook prints the kernel's ``x`` in a Label), and
the probabilities the page prints are those of that ``x``.
"""

from __future__ import annotations

import contextlib
import json
import re

import jax.numpy as jnp
import numpy as np
import pytest

from nnwidgets.kernels import attention_rollout, explain
from nnwidgets.models import pretrained

from . import nnw_browser as nb
from .test_explorer_browser import PROB_TOL, assert_no_error

pytestmark = pytest.mark.browser

TEXT_MODEL, SERIES_MODEL = "sentiment_transformer", "waveforms_lstm"
NOTEBOOKS = {
    "sentiment": f'from nnwidgets import Explorer\nExplorer("{TEXT_MODEL}")',
    # the kernel's x after every recompute, exact (float32 -> JSON doubles), in a Label
    "waveforms": f"""\
import json

import ipywidgets as W
from nnwidgets import Explorer

ex = Explorer("{SERIES_MODEL}")
kernel_x = W.Label()
kernel_x.add_class("nnw-kernel-x")


def report(_=None):
    kernel_x.value = json.dumps([ex.state.version, ex.state.x.tolist()])


ex.state.observe(report, names="version")
report()
W.VBox([ex, kernel_x])""",
}
TYPED = " bad"  # typed at the end of the first test sentence ("i found it not awful")
# A chip's data-value is its float32 attribution to 9 digits: exact, up to the kernel's float
# rounding in another process. The attention table prints 6 significant digits; the weights
# of one jitted call and of an eager forward pass differ by up to ~2e-7.
ATTR_TOL = {"rtol": 1e-5, "atol": 1e-6}
ATTENTION_TOL = {"rtol": 1e-4, "atol": 1e-6}
ATTENTION = ".nnw-attention details.nnw-attention-values"
CHIPS = nb.js("token_chips")
HIT = 8  # px: series.js picks the nearest point within this distance of the pointer


# -- servers and pages -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def sequence_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("sequence-notebooks")
    for name, source in NOTEBOOKS.items():
        nb.write_notebook(path / f"{name}.ipynb", source)
    return path


@pytest.fixture(scope="module")
def voila(sequence_dir, tmp_path_factory):
    work = tmp_path_factory.mktemp("sequence-voila")
    with nb.serving(nb.start_voila, sequence_dir, work, "sequence") as srv:
        yield srv


@pytest.fixture(scope="module")
def lab(sequence_dir, tmp_path_factory):
    work = tmp_path_factory.mktemp("sequence-lab")
    with nb.serving(nb.start_lab, sequence_dir, work, "sequence") as srv:
        yield srv


@pytest.fixture(scope="module", params=["voila", "lab"])
def server(request):
    """Voila, then JupyterLab (each started once for this module)."""
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="module")
def text_model():
    return pretrained(TEXT_MODEL)


@pytest.fixture(scope="module")
def series_model():
    return pretrained(SERIES_MODEL)


@pytest.fixture
def page(request, chromium):
    """``open(server, notebook)`` loads a notebook in a fresh page (closed after the test;
    a failed test leaves a screenshot in test-artifacts/)."""
    opened = []

    def open_page(server, notebook):
        p = nb.new_page(chromium)
        opened.append(p)
        p.goto(
            server.url(notebook), wait_until="domcontentloaded", timeout=_ms(nb.EXPLORER_TIMEOUT)
        )
        if server.kind in ("lab", "notebook"):
            nb._lab_run_all(p, nb.EXPLORER_TIMEOUT)
            p.wait_for_function(nb.js("cell_finished"), timeout=_ms(nb.EXPLORER_TIMEOUT))
        # the sequence Explorer has no attribution view of its own (nb.open_explorer waits for
        # one): ready once its status says so and its chips or series points are drawn
        p.wait_for_function(nb.js("sequence_ready"), timeout=_ms(nb.EXPLORER_TIMEOUT))
        nb.wait_quiet(p)
        return p

    yield open_page
    report = getattr(request.node, "rep_call", None)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name).strip("_")
    for p in opened:
        if report is None or report.failed:
            with contextlib.suppress(Exception):
                nb.screenshot(p, f"{name}-failed")
        with contextlib.suppress(Exception):
            p.context.close()


def _ms(seconds):
    return seconds * 1000


# -- what the kernel computes, here ----------------------------------------------------------


class Expected:
    """What the kernel holds for ``text``: its words, per-token attribution (saliency, the
    Explorer's default), probabilities and attention weights, computed in this process."""

    def __init__(self, m, text):
        ids, unknown = m.dataset.encode(text)
        assert not unknown, unknown
        self.text, self.words = text, m.dataset.decode(ids)
        n = len(self.words)
        e = explain(m.model, m.params, ids, method="saliency")
        self.attribution = np.asarray(e.attribution)[:n].astype(np.float64)
        self.probs = np.asarray(e.probs)
        _, trace = m.model.apply(m.params, jnp.asarray(ids))
        layers = [name for name, kind in zip(m.model.layer_names, m.model.layer_kinds)
                  if kind == "attention"]  # fmt: skip
        weights = {name: np.asarray(trace[name].post).reshape(32, 32, -1) for name in layers}
        self.maps = {(name, h): w[:n, :n, h] for name, w in weights.items()
                     for h in range(w.shape[2])}  # fmt: skip
        self.maps["rollout"] = np.asarray(attention_rollout(tuple(weights.values())))[:n, :n]


def _chips(page):
    return page.evaluate(CHIPS)


def assert_chips(page, want):
    """The chips are ``want``'s words, in order, with its attribution as their data-values."""
    chips = _chips(page)
    assert [c["index"] for c in chips] == list(range(len(chips)))
    assert tuple(c["word"] for c in chips) == want.words, [c["word"] for c in chips]
    values = np.array([float(c["value"]) for c in chips])
    np.testing.assert_allclose(values, want.attribution, **ATTR_TOL, err_msg="chip data-values")
    np.testing.assert_allclose(nb.read_values(page, nb.PROBS), want.probs, **PROB_TOL)


def assert_enlarged(page, want, key):
    """The enlarged attention map's values table prints ``want.maps[key]`` (query x key)."""
    shown = nb.read_values(page, ATTENTION)
    np.testing.assert_allclose(
        shown, want.maps[key].ravel(), **ATTENTION_TOL, err_msg=f"enlarged map {key}"
    )


# -- text ------------------------------------------------------------------------------------


def test_typing_a_word_updates_the_chips_and_the_attention_maps(server, page, text_model):
    p = page(server, "sentiment")
    m = text_model
    box = p.locator(".nnw-sequence-input .nnw-text-input input")
    before = Expected(m, " ".join(m.dataset.decode(m.dataset.X_test[0])))
    assert box.input_value() == before.text  # the page holds what we think it holds
    nb.eventually(lambda: assert_chips(p, before))
    nb.show_tab(p, "attention", "nnw-attention")  # shown: it redraws on every recompute
    nb.eventually(lambda: assert_enlarged(p, before, ("block_1.attention", 0)))
    colours = [c["background"] for c in _chips(p)]
    attention_text = nb.text_of(p, ATTENTION)

    box.click()
    p.keyboard.press("End")
    box.press_sequentially(TYPED, delay=50)  # one kernel recompute per key (" ba" is <unk>)
    after = Expected(m, before.text + TYPED)
    assert after.words == (*before.words, TYPED.strip())
    nb.eventually(lambda: assert_chips(p, after))
    nb.wait_text_change(p, ATTENTION, attention_text)
    nb.eventually(lambda: assert_enlarged(p, after, ("block_1.attention", 0)))
    assert box.input_value() == after.text
    assert p.locator(".nnw-sequence-input .nnw-unknown").count() == 0
    assert_no_error(p)

    # the colours changed: each chip's value over the strip's ±max|value| moved (a chip whose
    # relative value moved by > 0.05 must have another colour), and the top chip of each
    # sentence has the scale's end colour (with these weights "awful" before, "not" after)
    new = [c["background"] for c in _chips(p)]
    assert len(new) == len(colours) + 1 and new[: len(colours)] != colours
    f0 = before.attribution / np.abs(before.attribution).max()
    f1 = after.attribution[: len(f0)] / np.abs(after.attribution).max()
    moved = np.flatnonzero(np.abs(f1 - f0) > 0.05)
    assert moved.size >= 1, (f0, f1)
    for i in moved:
        assert new[i] != colours[i], (i, before.words[i], colours[i], new[i])
    top0, top1 = int(np.argmax(np.abs(f0))), int(np.argmax(np.abs(after.attribution)))
    assert colours[top0] == new[top1], (before.words[top0], after.words[top1], colours, new)

    # the buttons choose the enlarged map: another layer's head, then the rollout
    pick = p.locator(".nnw-attention-pick")
    for label, key in (("block_2 · head 1", ("block_2.attention", 1)), ("rollout", "rollout")):
        shown = nb.text_of(p, ATTENTION)
        pick.get_by_role("button", name=label).click()
        nb.wait_text_change(p, ATTENTION, shown)
        nb.eventually(lambda key=key: assert_enlarged(p, after, key))
        assert label in (pick.locator("button.mod-active").text_content() or "")
    # a click on a head's small map enlarges that head (block_1's head 1: the second map)
    shown = nb.text_of(p, ATTENTION)
    p.locator(".nnw-attention .nnw-matrix-canvas").nth(1).click()
    nb.wait_text_change(p, ATTENTION, shown)
    nb.eventually(lambda: assert_enlarged(p, after, ("block_1.attention", 1)))
    assert "block_1 · head 1" in (pick.locator("button.mod-active").text_content() or "")
    assert_no_error(p)
    nb.screenshot(p, f"sequence-{server.kind}-typed")


# -- series ----------------------------------------------------------------------------------


def _kernel_x(page, shape):
    version, x = json.loads(nb.text_of(page, ".nnw-kernel-x"))
    return int(version), np.array(x, dtype=np.float32).reshape(shape)


def _page_series(canvas, shape):
    return np.array(canvas.get_attribute("data-values").split(","), dtype=np.float32).reshape(shape)


def test_dragging_a_series_point_changes_the_kernels_input_at_that_step(voila, page, series_model):
    p = page(voila, "waveforms")
    m = series_model
    shape = tuple(m.dataset.X_test[0].shape)
    steps = shape[0]
    canvas = p.locator(".nnw-sequence-input canvas.nnw-series-canvas")
    x0 = np.asarray(m.dataset.X_test[0], dtype=np.float32)
    np.testing.assert_array_equal(_page_series(canvas, shape), x0, err_msg="series on the page")
    version0, kernel0 = _kernel_x(p, shape)
    np.testing.assert_array_equal(kernel0, x0, err_msg="the kernel's x before the drag")

    # where series.js draws each point: steps at column centres, values over [y_lo, y_hi]
    # (SequenceInput's range: the data's lowest and highest value)
    x_left, y_top, w, h, inset = json.loads(canvas.get_attribute("data-plot"))
    lo, hi = float(np.min(m.dataset.lo)), float(np.max(m.dataset.hi))

    def col(step):
        return x_left + (step + 0.5) * w / steps

    def row(value):
        return y_top + inset + (hi - value) / (hi - lo) * (h - 2 * inset)

    # drag channel 0 at the step (away from the ends) where channel 1's point is farthest
    t = max(range(4, steps - 4), key=lambda s: abs(row(x0[s, 0]) - row(x0[s, 1])))
    c = 0
    assert abs(row(x0[t, 0]) - row(x0[t, 1])) > 2 * HIT, "no step with well-separated points"
    dy = -40 if row(x0[t, c]) - 40 > y_top + inset else 40  # up unless too near the top
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    start_x, start_y = float(box["x"] + col(t)), float(box["y"] + row(x0[t, c]))
    p.mouse.move(start_x, start_y)
    p.mouse.down()
    p.mouse.move(start_x, start_y + dy, steps=6)  # straight up/down: the same step's column
    p.mouse.up()

    def kernel_took_the_drag():
        shown = _page_series(canvas, shape)
        version, kernel = _kernel_x(p, shape)
        assert version > version0 and kernel[t, c] != x0[t, c], (version, kernel[t, c])
        np.testing.assert_array_equal(kernel, shown, err_msg="the kernel's x and the page's")
        return kernel

    kernel = nb.eventually(kernel_took_the_drag)
    changed = np.argwhere(kernel != x0)
    assert changed.tolist() == [[t, c]], changed.tolist()  # that step of that channel only
    per_px = (hi - lo) / (h - 2 * inset)  # the value where the pointer was let go, to ~1 px
    assert abs(kernel[t, c] - (x0[t, c] - dy * per_px)) <= 1.5 * per_px, (kernel[t, c], x0[t, c])
    e = explain(m.model, m.params, kernel, method="saliency")
    nb.eventually(
        lambda: np.testing.assert_allclose(nb.read_values(p, nb.PROBS), e.probs, **PROB_TOL)
    )
    assert_no_error(p)
    nb.screenshot(p, "sequence-voila-dragged")
