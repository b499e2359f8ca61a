"""FAULTS 20: the kernel restarts or dies under an open Explorer.

The widgets must show as disconnected (ipywidgets' ``jupyter-widgets-disconnected``, and the
app's status line says so: ``AppGuard``), and running the cell again (JupyterLab, Notebook 7)
or reloading the page (Voila, which starts a kernel per page) must bring back a working
Explorer whose numbers are the new kernel's.
"""

from __future__ import annotations

import numpy as np
import psutil
import pytest

from nnwidgets.kernels import explain

from . import nnw_browser as nb

pytestmark = pytest.mark.browser

DISCONNECTED = ".nnw-explorer.jupyter-widgets-disconnected"


def _restart_from_the_menu(page) -> None:
    """Kernel > Restart Kernel... and confirm, as a user does (JupyterLab, Notebook 7)."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Kernel").first.click()
    page.locator('.lm-Menu-item[data-command="kernelmenu:restart"]').click()
    page.locator(".jp-Dialog-footer button.jp-mod-accept").click()


def _kill(server: nb.Server, kernel: str) -> None:
    """SIGKILL the kernel process whose connection file names ``kernel``."""
    procs = [p for p in nb.kernel_processes(server) if kernel in " ".join(p.cmdline())]
    assert len(procs) == 1, [p.cmdline() for p in nb.kernel_processes(server)]
    procs[0].kill()
    psutil.wait_procs(procs, timeout=10)


def _assert_page_is_the_kernels(page, model) -> None:
    x = nb.slider_values(page).astype(np.float32)
    e = explain(model.model, model.params, x, method="saliency")
    nb.eventually(
        lambda: np.testing.assert_allclose(
            nb.read_values(page, nb.PROBS), e.probs, rtol=1e-4, atol=1e-12
        )
    )


def test_restart_or_death_shows_disconnected_and_the_explorer_comes_back(
    server, chromium, models
):
    page = nb.new_page(chromium)
    kernels: list[str] = []
    page.on(
        "websocket",
        lambda ws: kernels.append(ws.url.split("/api/kernels/")[1].split("/")[0])
        if "/api/kernels/" in ws.url
        else None,
    )
    try:
        nb.open_explorer(page, server, "restart")
        _assert_page_is_the_kernels(page, models["restart"])
        if server.kind == "voila":  # no restart in Voila: the kernel dies
            _kill(server, kernels[-1])
        else:
            _restart_from_the_menu(page)
        page.wait_for_selector(DISCONNECTED, timeout=30_000)
        said = page.evaluate(nb.js("status_after"))  # AppGuard's stylesheet says what happened
        assert "disconnected: the kernel stopped or restarted" in said, said
        nb.screenshot(page, f"kernel-gone-{server.kind}")
        if server.kind == "voila":
            page.reload(wait_until="domcontentloaded")
        else:
            nb._lab_run_all(page, nb.EXPLORER_TIMEOUT)
        page.wait_for_function(nb.js("explorer_live"), timeout=nb.EXPLORER_TIMEOUT * 1000)
        nb.wait_quiet(page)
        assert page.locator(DISCONNECTED).count() == 0
        _assert_page_is_the_kernels(page, models["restart"])
        nb.screenshot(page, f"kernel-back-{server.kind}")
    finally:
        page.context.close()
