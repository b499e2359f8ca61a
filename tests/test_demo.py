"""scripts/demo.sh: its targets (the Explorer or the Playground in Voila, JupyterLab on the
course) serve the right page on 127.0.0.1 at the URL it prints; its usage and errors.

The script runs as it is, from a copy of the repository's layout whose ``_setup.sh`` installs
nothing: ``.venv`` is this interpreter's environment (the real set-up would ``pip install -e .``
into the environment the tests run in), ``notebooks`` the course. Each server is stopped by its
process group, its kernels with it.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest
from browser import nnw_browser as nb  # tests/browser: the server harness (stop, logs)

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "scripts" / "demo.sh"
TARGETS = ("explorer", "playground", "lab")
#: The stand-in for scripts/_setup.sh: what demo.sh relies on (cwd = the repository), no install.
SETUP = """\
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
touch setup-ran
export PATH="$PWD/.venv/bin:$PATH"
"""
PAGE_TIMEOUT = 240.0  # s; Voila answers once its preheated kernel has run the whole notebook


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """A repository layout: scripts/demo.sh (a copy), a set-up that installs nothing, .venv and
    notebooks/ (links)."""
    root = tmp_path_factory.mktemp("demo-tree")
    (root / "scripts").mkdir()
    shutil.copy(DEMO, root / "scripts" / "demo.sh")
    (root / "scripts" / "_setup.sh").write_text(SETUP)
    assert (Path(sys.prefix) / "bin" / "python").exists(), sys.prefix
    (root / ".venv").symlink_to(sys.prefix, target_is_directory=True)
    (root / "notebooks").symlink_to(ROOT / "notebooks", target_is_directory=True)
    return root


def run_demo(tree, *args):
    """demo.sh run to its end (usage and errors: no server)."""
    (tree / "setup-ran").unlink(missing_ok=True)
    return subprocess.run(
        ["bash", str(tree / "scripts" / "demo.sh"), *args],
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_prints_the_usage_and_sets_nothing_up(tree, flag):
    result = run_demo(tree, flag)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: bash scripts/demo.sh [TARGET]")
    for target in TARGETS:
        assert f"\n  {target} " in result.stdout
    assert "PORT=" in result.stdout
    assert not (tree / "setup-ran").exists()


@pytest.mark.parametrize("args", [("nonsense",), ("--port=9000",), ("lab", "playground")])
def test_a_wrong_target_is_a_usage_error_naming_the_valid_ones(tree, args):
    result = run_demo(tree, *args)
    assert result.returncode == 2
    assert result.stdout == ""
    first = result.stderr.splitlines()[0]
    assert first.startswith("demo.sh: "), result.stderr
    if len(args) == 1:
        assert f"'{args[0]}'" in first and "explorer, playground, lab" in first
    assert "usage: bash scripts/demo.sh [TARGET]" in result.stderr
    assert not (tree / "setup-ran").exists()


def test_the_readme_names_the_demos_targets():
    readme = (ROOT / "README.md").read_text()
    for target in ("playground", "lab"):
        assert f"bash scripts/demo.sh {target}" in readme


# -- the servers -----------------------------------------------------------------------------


@pytest.fixture
def demo(tree, tmp_path):
    """``demo(*args)``: demo.sh serving on a free port, its own process group; returns the
    server and the URL it printed. Every server is stopped (with its kernels) at the end."""
    servers = []

    def start(*args):
        port, log = nb.free_port(), tmp_path / f"demo-{'-'.join(args) or 'default'}.log"
        script = str(tree / "scripts" / "demo.sh")
        proc = nb._popen(["bash", script, *args], tmp_path, log, tree, {"PORT": str(port)})
        server = nb.Server("demo", proc, port, log)
        servers.append(server)
        deadline = time.monotonic() + nb.SERVER_START_TIMEOUT
        url = None
        while time.monotonic() < deadline:
            assert proc.poll() is None, f"demo.sh exited ({proc.returncode}):\n{server.log_tail()}"
            url = url or re.search(r"open (http://\S+)", log.read_text(errors="replace"))
            if url and _listening(port):
                return server, url.group(1)
            time.sleep(0.25)
        raise AssertionError(f"demo.sh not listening on {port}:\n{server.log_tail()}")

    yield start
    for server in servers:
        left = nb._descendants(server.proc.pid)
        server.stop()
        assert server.proc.returncode is not None
        assert not [p for p in left if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        nb.ARTIFACTS.mkdir(exist_ok=True)
        shutil.copyfile(server.log, nb.ARTIFACTS / server.log.name)


def _listening(port):
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _get(url, timeout=30.0):
    """``(status, body)``; an HTTP error's status too."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, ""


def _bound_to_localhost_only(server):
    listening = {
        c.laddr
        for c in psutil.Process(server.proc.pid).net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN
    }
    assert listening == {("127.0.0.1", server.port)}, listening


@pytest.mark.browser
@pytest.mark.parametrize(
    ("args", "notebook", "heading", "not_heading"),
    [
        ((), "01_explorer", "01 · The Explorer", "03 · The Playground"),
        (("playground",), "03_playground", "03 · The Playground", "01 · The Explorer"),
    ],
    ids=["default-explorer", "playground"],
)
def test_voila_targets_serve_their_notebook(demo, args, notebook, heading, not_heading):
    server, url = demo(*args)
    assert url == f"http://127.0.0.1:{server.port}/"  # Voila: no token, as ever
    _bound_to_localhost_only(server)
    status, page = _get(url, timeout=PAGE_TIMEOUT)  # one request: one kernel from the pool
    assert status == 200, server.log_tail()
    page = html.unescape(page)
    assert f"<title>{notebook}</title>" in page
    assert heading in page and not_heading not in page
    assert "application/vnd.jupyter.widget-view+json" in page  # the widgets are on the page
    assert "There was an error when executing cell" not in page, server.log_tail()


@pytest.mark.browser
def test_lab_target_serves_jupyterlab_on_the_course_with_a_token(demo):
    server, url = demo("lab")
    match = re.fullmatch(rf"http://127\.0\.0\.1:{server.port}/lab\?token=([0-9a-f]{{48}})", url)
    assert match, url
    token = match.group(1)
    # the token is in no command line (ps shows those to every user)
    assert token not in " ".join(psutil.Process(server.proc.pid).cmdline())
    _bound_to_localhost_only(server)
    status, page = _get(url, timeout=nb.SERVER_START_TIMEOUT)
    assert status == 200, server.log_tail()
    assert "JupyterLab" in page
    api = f"{server.base}/api"
    assert _get(f"{api}/contents")[0] == 403  # no token, no access
    status, contents = _get(f"{api}/contents?token={token}")
    assert status == 200
    names = {item["name"] for item in json.loads(contents)["content"]}
    assert {p.name for p in (ROOT / "notebooks").glob("*.ipynb")} <= names
    status, specs = _get(f"{api}/kernelspecs?token={token}")
    assert status == 200
    spec = json.loads(specs)["kernelspecs"]["nnwidgets"]["spec"]
    assert spec["display_name"] == "Python 3 (nnwidgets)"
