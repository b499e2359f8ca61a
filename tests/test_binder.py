"""Binder: the Python it names, the launch links, and the environment built as repo2docker does.

The build test makes a fresh venv of the Python ``binder/runtime.txt`` names, installs
``binder/requirements.txt``, runs ``binder/postBuild``, then executes every notebook on the
kernel that postBuild installed and renders each with that environment's Voila. It downloads
what the pip cache lacks (a few minutes): marked ``binder``.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
sys.path.insert(0, str(ROOT / "scripts"))
import binder_links  # noqa: E402  (scripts/binder_links.py)


def runtime_version() -> str:
    """The ``X.Y`` of ``binder/runtime.txt`` (``python-X.Y``)."""
    text = (BINDER / "runtime.txt").read_text().strip()
    m = re.fullmatch(r"python-(3\.\d+)", text)
    assert m, f"binder/runtime.txt: expected 'python-3.Y', got {text!r}"
    return m.group(1)


def pins() -> dict[str, str]:
    lines = (BINDER / "requirements.txt").read_text().splitlines()
    found = (line.split("==") for line in lines if "==" in line and not line.startswith("#"))
    return {name.strip(): version.strip() for name, version in found}


def test_runtime_names_a_python_every_pin_supports():
    version = Version(runtime_version())
    checked = 0
    for name, pinned in pins().items():
        try:
            meta = importlib.metadata.metadata(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        if meta["Version"] != pinned or not meta.get("Requires-Python"):
            continue  # another version here: its metadata says nothing of the pin
        assert version in SpecifierSet(meta["Requires-Python"]), (name, meta["Requires-Python"])
        checked += 1
    assert checked >= 10  # jax 0.10.2 among them: Python >= 3.11 (3.10 found no jaxlib)
    assert version in SpecifierSet(">=3.11")


@pytest.mark.parametrize(
    "url, path",
    [
        ("https://github.com/ann/nnwidgets.git", "ann/nnwidgets"),
        ("https://github.com/ann/nnwidgets", "ann/nnwidgets"),
        ("git@github.com:ann/nn-widgets.git", "ann/nn-widgets"),
        ("ssh://git@github.com/ann/nnwidgets", "ann/nnwidgets"),
        ("https://gitlab.com/ann/nnwidgets.git", None),
        ("/srv/git/nnwidgets", None),
    ],
)
def test_github_path_of_a_remote(url, path):
    assert binder_links.github_path(url) == path


def test_launch_links_come_from_the_repositorys_remote(tmp_path, capsys):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert binder_links.main([], repo=tmp_path) == 1  # no remote: the template, and says so
    out, err = capsys.readouterr()
    assert "has no remote" in err and "v2/gh/OWNER/REPO/HEAD" in out
    subprocess.run(
        ["git", "-C", str(tmp_path), "remote", "add", "origin", "git@github.com:ann/nnw.git"],
        check=True,
    )
    assert binder_links.main(["--ref", "main"], repo=tmp_path) == 0
    out, _ = capsys.readouterr()
    assert (
        "https://mybinder.org/v2/gh/ann/nnw/main?urlpath=voila/render/notebooks/01_explorer.ipynb"
        in out
    )
    assert out.count("https://mybinder.org/v2/gh/ann/nnw/main?urlpath=") == 4


def _run(args: list, **kwargs) -> None:
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, check=False, **kwargs
    )
    assert done.returncode == 0, f"{args[:4]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.binder
def test_the_binder_environment_builds_and_runs_every_notebook(tmp_path):
    version = runtime_version()
    python = shutil.which(f"python{version}")
    assert python, f"binder/runtime.txt names Python {version}: no python{version} on this machine"
    venv = tmp_path / "venv"
    _run([python, "-m", "venv", venv])
    bin_ = venv / "bin"
    env = {
        **os.environ,
        "PATH": f"{bin_}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": str(venv),
    }
    env.pop("PYTHONPATH", None)
    _run(
        [bin_ / "python", "-m", "pip", "install", "-q", "-r", BINDER / "requirements.txt"],
        env=env,
        timeout=1800,
    )
    _run(["bash", BINDER / "postBuild"], cwd=ROOT, env=env, timeout=900)  # as repo2docker
    # the pins are what got installed, and nnwidgets itself with its kernel
    freeze = (
        subprocess.run(
            [bin_ / "python", "-m", "pip", "freeze"],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        .stdout.lower()
        .replace("_", "-")
    )
    for name, pinned in pins().items():
        assert f"{name.lower().replace('_', '-')}=={pinned}" in freeze, name
    assert (venv / "share" / "jupyter" / "kernels" / "nnwidgets" / "kernel.json").exists()
    work = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", work)
    _run(
        [bin_ / "python", ROOT / "tests" / "execute_notebooks.py", *sorted(work.glob("*.ipynb"))],
        cwd=work,
        env=env,
        timeout=2400,
    )
    port = _free_port()
    log = open(tmp_path / "voila.log", "w")  # noqa: SIM115  (closed below)
    server = subprocess.Popen(
        [bin_ / "voila", "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1", str(work)],
        cwd=work,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read()
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "voila.log").read_text()[-3000:]
                time.sleep(0.5)
        for path in NOTEBOOKS:
            url = f"http://127.0.0.1:{port}/voila/render/{path.name}"
            with urllib.request.urlopen(url, timeout=900) as response:
                assert response.status == 200, path.name
                page = response.read().decode()
            assert "application/vnd.jupyter.widget-view+json" in page, path.name
            assert (
                "Traceback" not in page
                and 'jp-RenderedText" data-mime-type="application/vnd.jupyter.stderr' not in page
            ), path.name
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        log.close()
