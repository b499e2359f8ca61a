"""Voila with the demo's kernel culling: a closed page's kernel does not outlive it.

Voila 0.5 asks for the kernel's shutdown when a page closes, but the request is refused (403,
no ``_xsrf``: voila-dashboards/voila#1458), so without culling every closed page leaves a
~330 MB kernel behind. The installed ``voila.json`` turns jupyter_server's culler on for kernels
without a connection; this runs the same options with short times.
"""

from __future__ import annotations

import json
import time

import pytest

from . import nnw_browser as nb

pytestmark = pytest.mark.browser

DEMO = (  # the installed voila.json's culler, times shortened
    "--MappingKernelManager.cull_interval=1",
    "--MappingKernelManager.cull_idle_timeout=3",
)


def test_the_installed_voila_config_culls_kernels_of_closed_pages():
    config = json.loads((nb.ROOT / "jupyter-config" / "voila.json").read_text())
    cull = config["MappingKernelManager"]
    assert cull["cull_interval"] > 0 and cull["cull_idle_timeout"] > 0
    assert cull["cull_connected"] is False  # an open page keeps its kernel
    assert "cull_" not in (nb.ROOT / "scripts" / "demo.sh").read_text()  # said once


def test_a_closed_voila_page_leaves_no_kernel_behind(chromium, notebook_dir, tmp_path):
    server = nb.start_voila(notebook_dir, tmp_path / "voila-cull", extra=DEMO)
    try:
        page = nb.new_page(chromium)
        nb.open_explorer(page, server, "tabular")
        assert len(nb.kernel_processes(server)) == 1
        time.sleep(5)  # an open page's kernel is connected: never culled, however idle
        assert len(nb.kernel_processes(server)) == 1
        page.context.close()
        deadline = time.monotonic() + 60
        while nb.kernel_processes(server) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert nb.kernel_processes(server) == [], server.log_tail()
    finally:
        server.stop()
