"""Fixtures for the real-browser tests: Chromium, a Voila, a JupyterLab and a Notebook 7
server, pages.

Each server kind is started once per session (``server`` is parametrized over ``"voila"``,
``"lab"`` and ``"notebook"``, so pytest runs every Voila test, stops Voila with its kernels,
then starts JupyterLab, then Notebook 7). Each notebook is opened once per server and its page
reused by the tests; a failed test saves a screenshot and marks its page for a fresh load.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from types import SimpleNamespace

import numpy as np
import pytest
from playwright.sync_api import sync_playwright

from nnwidgets.models import adapt, load_dataset, pretrained

from . import nnw_browser as nb


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)  # lets fixtures see whether the test failed
    return report


@pytest.fixture(scope="session")
def chromium():
    """Debian's headless Chromium; fails (never skips) when /usr/bin/chromium is missing."""
    with sync_playwright() as p:
        try:
            browser, problem = nb.launch_chromium(p), None
        except RuntimeError as e:
            problem = str(e)
        if problem:
            pytest.fail(problem, pytrace=False)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def notebook_dir(tmp_path_factory):
    """``tabular.ipynb`` and ``digits.ipynb``, one Explorer cell each."""
    path = tmp_path_factory.mktemp("notebooks")
    nb.write_notebooks(path)
    return path


@pytest.fixture(scope="session", params=list(nb.START))
def server(request, notebook_dir, tmp_path_factory):
    """A Voila, JupyterLab or Notebook 7 server on a free 127.0.0.1 port, this venv's kernel."""
    work = tmp_path_factory.mktemp(f"{request.param}-server")
    start = nb.START[request.param]
    try:
        srv, problem = start(notebook_dir, work), None
    except RuntimeError as e:
        problem = str(e)
    if problem:
        pytest.fail(problem, pytrace=False)
    yield srv
    srv.stop()
    nb.ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(srv.log, nb.ARTIFACTS / f"{srv.kind}-server.log")


@pytest.fixture(scope="session")
def models():
    """The bundled models the notebooks show: expected values are computed with these."""
    cancer = pretrained("breast_cancer")
    return {
        "tabular": cancer,
        "digits": pretrained("digits"),
        "playground": cancer,
        "restart": pretrained("iris"),
        "flax": flax_model(),
    }


def flax_model():
    """The "flax" notebook's model, read here the way the Explorer reads it."""
    namespace: dict = {}
    exec(nb.FLAX_MODEL, namespace)  # the notebook's own cell: the same weights (Rngs(0))
    data = load_dataset("digits")
    model, params = adapt(namespace["model"], None, data.X_test)
    return SimpleNamespace(model=model, params=params, dataset=data)


class ExplorerPage:
    """One notebook open in one page, and the input its kernel holds now (``x``)."""

    def __init__(self, browser, server, notebook, model):
        self.browser, self.server, self.notebook, self.model = browser, server, notebook, model
        self.page = None
        self.broken = True

    def ensure_open(self):
        if self.broken:
            self.close()
            self.page = nb.new_page(self.browser)
            nb.open_explorer(self.page, self.server, self.notebook)
            self.x = self._initial_input()
            self.broken = False
        return self

    def _initial_input(self):
        """The input the kernel holds once the page has loaded: ``X_test[0]``.

        The tabular Explorer snaps it to the sliders' 0.01 grid in Python before the page
        renders (nnwidgets.views.InputSliders), so the browser has nothing to send back: the
        readouts and the attribution on the page must both be those of the snapped input.
        """
        x0 = np.array(self.model.dataset.X_test[0], dtype=np.float32)
        if self.notebook in ("digits", "flax"):
            return x0
        x0 = np.array([round(float(v), 2) for v in x0], dtype=np.float32)
        shown = nb.slider_values(self.page).astype(np.float32)
        np.testing.assert_allclose(shown, x0, rtol=0, atol=1e-6, err_msg="slider readouts")
        return x0

    def close(self):
        if self.page is not None:
            self.page.context.close()
            self.page = None


@pytest.fixture(scope="session")
def explorer_pages(server, chromium, models):
    pages = {name: ExplorerPage(chromium, server, name, models[name]) for name in nb.NOTEBOOKS}
    yield pages
    for p in pages.values():
        p.close()


def _artifact_name(request):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name).strip("_")


def _explorer(request, explorer_pages, notebook):
    app = explorer_pages[notebook]
    try:
        app.ensure_open()
    except Exception:
        app.broken = True
        if app.page is not None:
            with contextlib.suppress(Exception):
                nb.screenshot(app.page, f"{_artifact_name(request)}-setup-failed")
        raise
    app.artifact = _artifact_name(request)
    yield app
    report = getattr(request.node, "rep_call", None)
    if report is None or report.failed:
        app.broken = True  # the kernel's input is unknown now: the next test reloads
        with contextlib.suppress(Exception):
            nb.screenshot(app.page, f"{app.artifact}-failed")


@pytest.fixture
def tabular(request, explorer_pages):
    """The breast-cancer Explorer page of the current server."""
    yield from _explorer(request, explorer_pages, "tabular")


@pytest.fixture
def playground(request, explorer_pages):
    """The page with a Playground (circle, 4-4 tanh) above a breast-cancer Explorer."""
    yield from _explorer(request, explorer_pages, "playground")


@pytest.fixture
def flax_digits(request, explorer_pages):
    """The Explorer page of a Flax NNX model on the digits, built in its notebook."""
    yield from _explorer(request, explorer_pages, "flax")


@pytest.fixture
def digits(request, explorer_pages):
    """The digits Explorer page of the current server."""
    yield from _explorer(request, explorer_pages, "digits")
