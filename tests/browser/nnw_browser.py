"""Real-browser harness shared by tests/browser and benchmarks/browser_latency.py.

Starts Voila, JupyterLab and Notebook 7 with this interpreter (so kernels run this
virtualenv's python), launches Debian's Chromium through Playwright, opens an Explorer
notebook and reads the exact values the views print. Plain module, no pytest: the benchmark
imports it by adding this directory to ``sys.path``.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import os
import pathlib
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

import nbformat
import numpy as np
import psutil  # ipykernel's dependency: finds the kernels a server started
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
NOTEBOOKS = {
    "tabular": 'from nnwidgets import Explorer\nExplorer("breast_cancer")',
    "digits": 'from nnwidgets import Explorer\nExplorer("digits")',
    # a Playground and an Explorer in one page (one cell: Lab's run-all logic stays simple)
    "playground": (
        "from nnwidgets import Explorer, Playground\n"
        'pg = Playground(dataset="circle", hidden=[4, 4], speed=5)\n'
        "display(pg)\n"
        'Explorer("breast_cancer")'
    ),
    # restarted and killed by test_kernel_restart_browser.py: a kernel no other test shares
    "restart": 'from nnwidgets import Explorer\nExplorer("iris")',
    # a user's own Flax NNX model, as it is (the test builds the same model: FLAX_MODEL)
    "flax": None,
}
#: The Flax NNX model of the "flax" notebook (deterministic: nnx.Rngs(0)), a cell of its own.
FLAX_MODEL = """\
from flax import nnx


class DigitsMLP(nnx.Module):
    def __init__(self, rngs):
        self.hidden = nnx.Linear(64, 32, rngs=rngs)
        self.out = nnx.Linear(32, 10, rngs=rngs)

    def __call__(self, x):  # a batch of (8, 8) digits
        return self.out(nnx.relu(self.hidden(x.reshape(x.shape[0], -1))))


model = DigitsMLP(nnx.Rngs(0))
"""
NOTEBOOKS["flax"] = (
    FLAX_MODEL
    + "from nnwidgets import Explorer\nfrom nnwidgets.models import load_dataset\n"
    + 'Explorer(model, data=load_dataset("digits"))'
)
SERVER_START_TIMEOUT = 120.0  # s; JupyterLab on 2 busy cores takes 5-20 s
EXPLORER_TIMEOUT = 120.0  # s; page load + kernel start + jax import + first compile
UPDATE_TIMEOUT = 20.0  # s; one slider step / one painted pixel until the page shows it
ROOT = pathlib.Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
JS = pathlib.Path(__file__).resolve().parent / "js"  # the page-side functions below evaluate


@functools.cache
def js(name: str) -> str:
    """The page-side function in ``tests/browser/js/<name>.js`` (a JavaScript function
    expression after its comment), as ``page.evaluate`` and ``wait_for_function`` take it."""
    return (JS / f"{name}.js").read_text()


# The views' exact-value tables (built in the page: valuesTable in nnwidgets/views/js/common.js).
PROBS = ".nnw-probabilities details.nnw-values"
ATTRIBUTION = ".nnw-attribution details.nnw-values"


# -- servers ---------------------------------------------------------------------------------


#: Kernelspecs by name: the bundled notebooks' kernel (preloads nnwidgets) and ipykernel's.
KERNELS = {"nnwidgets": "Python 3 (nnwidgets)", "python3": "Python 3 (ipykernel)"}


def write_notebooks(
    directory: pathlib.Path, kernel: str = "nnwidgets", suffix: str = ""
) -> dict[str, pathlib.Path]:
    """Write one ``<name><suffix>.ipynb`` per entry of ``NOTEBOOKS`` (one cell each) into
    ``directory``, run by the kernelspec ``kernel`` (one of ``KERNELS``)."""
    paths = {}
    for name, source in NOTEBOOKS.items():
        paths[name] = write_notebook(directory / f"{name}{suffix}.ipynb", source, kernel)
    return paths


def write_notebook(path: pathlib.Path, source: str, kernel: str = "nnwidgets") -> pathlib.Path:
    """A one-cell notebook of ``source`` at ``path``, run by the kernelspec ``kernel``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {
        "name": kernel,
        "display_name": KERNELS[kernel],
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, path)
    return path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: What a kernel process runs: ipykernel's launcher or nnwidgets' (the "nnwidgets" kernelspec).
KERNEL_MODULES = ("ipykernel_launcher", "nnwidgets.kernel_launcher")


def kernel_processes(server: Server) -> list[psutil.Process]:
    """The kernel processes (ipykernel or nnwidgets' launcher) the server started (alive)."""
    out = []
    for p in _descendants(server.proc.pid):
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            cmd = " ".join(p.cmdline())
            if any(m in cmd for m in KERNEL_MODULES) and p.is_running():
                out.append(p)
    return out


def _descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


@dataclass
class Server:
    """One running Voila or JupyterLab process (its own process group) and how to reach it."""

    kind: str  # "voila" or "lab"
    proc: subprocess.Popen
    port: int
    log: pathlib.Path
    token: str = ""
    notebook_dir: pathlib.Path = field(default_factory=pathlib.Path)

    @property
    def base(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    def url(self, notebook: str) -> str:
        """The page that shows ``notebook`` (``"tabular"`` or ``"digits"``)."""
        if self.kind == "voila":
            return f"{self.base}/voila/render/{notebook}.ipynb"
        if self.kind == "notebook":
            return f"{self.base}/notebooks/{notebook}.ipynb?token={self.token}"
        # a workspace of its own per notebook, reset: no tab restored from another page
        workspace = f"{self.base}/lab/workspaces/nnw-{notebook}"
        return f"{workspace}/tree/{notebook}.ipynb?reset&token={self.token}"

    def log_tail(self, n: int = 40) -> str:
        """The last ``n`` lines of the server's log, for error messages."""
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def wait_ready(self, path: str, timeout: float = SERVER_START_TIMEOUT) -> None:
        """Poll ``path`` over HTTP until it answers 200; raise with the log if it never does."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.kind} server exited with code {self.proc.returncode} before it "
                    f"was ready; log {self.log}:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(self.base + path, timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(
            f"{self.kind} server not ready on {self.base}{path} after {timeout:.0f} s; "
            f"log {self.log}:\n{self.log_tail()}"
        )

    def stop(self, grace: float = 10.0) -> None:
        """Stop the server's process group and every kernel it started.

        jupyter_client starts each kernel in a session of its own, so killing the server's
        group alone would leave them running: they are collected first and killed after.
        """
        children = _descendants(self.proc.pid)  # kernels (own sessions) and group members
        if self.proc.poll() is None:  # not reaped yet: its pid is still its group's id
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)  # the server shuts its kernels down
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        for p in children:  # whatever outlived the server; psutil guards against pid reuse
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                p.kill()
        psutil.wait_procs(children, timeout=5)


def _env(work: pathlib.Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ, **(extra or {}))
    env["JAX_PLATFORMS"] = "cpu"
    env["JUPYTER_RUNTIME_DIR"] = str(work / "runtime")  # connection files: not in $HOME
    env.pop("JUPYTER_TOKEN", None)
    return env


def _popen(
    args: list[str],
    work: pathlib.Path,
    log: pathlib.Path,
    cwd: pathlib.Path,
    env: dict[str, str] | None = None,
):
    with open(log, "wb") as out:  # the child keeps its own copy; ours closes here
        return subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=_env(work, env),
            start_new_session=True,
        )


def start_voila(
    notebook_dir: pathlib.Path,
    work: pathlib.Path,
    env: dict[str, str] | None = None,
    extra: tuple[str, ...] = (),
) -> Server:
    """Voila serving ``notebook_dir`` on a free port; ready when it returns.

    ``env`` adds environment variables for the server and its kernels (e.g.
    ``NNWIDGETS_TCP_NODELAY=0``), ``extra`` command-line options.
    """
    work.mkdir(parents=True, exist_ok=True)
    port, log = free_port(), work / "voila.log"
    args = [
        sys.executable,
        "-m",
        "voila",
        str(notebook_dir),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--show_tracebacks=True",
        *extra,
    ]
    proc = _popen(args, work, log, notebook_dir, env)
    server = Server("voila", proc, port, log, "", notebook_dir)
    server.wait_ready("/")
    return server


def _start_jupyter(
    kind: str,
    module: str,
    app: str,
    notebook_dir: pathlib.Path,
    work: pathlib.Path,
    env: dict[str, str] | None,
    extra: list[str],
) -> Server:
    """A jupyter_server application (JupyterLab or Notebook 7) with a token and fresh user
    settings (no news toast); ``app`` is its config class for ``user_settings_dir``."""
    work.mkdir(parents=True, exist_ok=True)
    settings = work / "user-settings"
    notification = settings / "@jupyterlab/apputils-extension/notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True, exist_ok=True)
    notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    port, log, token = free_port(), work / f"{kind}.log", secrets.token_hex(16)
    args = [
        sys.executable,
        "-m",
        module,
        "--allow-root",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={notebook_dir}",
        f"--{app}.user_settings_dir={settings}",
        *extra,
    ]
    proc = _popen(args, work, log, notebook_dir, env)
    server = Server(kind, proc, port, log, token, notebook_dir)
    server.wait_ready(f"/api/status?token={token}")
    return server


def start_lab(
    notebook_dir: pathlib.Path, work: pathlib.Path, env: dict[str, str] | None = None
) -> Server:
    """JupyterLab with a token, fresh user settings (no news toast) and fresh workspaces."""
    (work / "workspaces").mkdir(parents=True, exist_ok=True)
    extra = [f"--LabApp.workspaces_dir={work / 'workspaces'}"]
    return _start_jupyter("lab", "jupyterlab", "LabApp", notebook_dir, work, env, extra)


def start_notebook(
    notebook_dir: pathlib.Path, work: pathlib.Path, env: dict[str, str] | None = None
) -> Server:
    """Jupyter Notebook 7 with a token and fresh user settings (the same server as Lab's)."""
    return _start_jupyter("notebook", "notebook", "JupyterNotebookApp", notebook_dir, work, env, [])


START = {"voila": start_voila, "lab": start_lab, "notebook": start_notebook}


# -- browser ---------------------------------------------------------------------------------


def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium, headless; a clear error (never a skip) when it is not installed."""
    if not os.access(CHROMIUM, os.X_OK):
        raise RuntimeError(
            f"{CHROMIUM} not found: the browser tests need Debian's chromium "
            "(apt-get install -y chromium; scripts/test.sh does this). Playwright's own "
            "browser download does not work offline."
        )
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)


def new_page(browser: Any) -> Any:
    """A page in a fresh context; every https request fails at once (offline, no CDN waits)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    page = context.new_page()
    page.route("https://**/*", lambda route: route.abort())
    return page


def next_frames(page: Any, n: int = 2) -> None:
    """Wait ``n`` animation frames (bqplot may apply one update in two batches)."""
    page.evaluate(js("next_frames"), n)


def _lab_run_all(page: Any, timeout: float) -> int:
    """Run all cells from the Run menu until the first prompt leaves ``[ ]:``.

    Lab shows an idle kernel about a second before the kernel exists; a run-all in that window
    is dropped, so it is retried (every 5 s). Returns how many run-alls it took.
    """
    page.wait_for_selector(".jp-NotebookPanel .jp-CodeCell .jp-InputPrompt", timeout=timeout * 1000)
    page.wait_for_selector(
        ".jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator[data-status='idle']",
        timeout=timeout * 1000,
    )
    deadline = time.monotonic() + timeout
    for attempt in itertools.count(1):
        for dialog in page.locator(".jp-Dialog").all():  # e.g. a kernel selection dialog
            with contextlib.suppress(PlaywrightError):
                dialog.locator(".jp-Dialog-footer button.jp-mod-accept").click(timeout=2000)
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
        try:
            page.wait_for_function(js("run_all_started"), timeout=5000)
            return attempt
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")  # close the menu if it is still open
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"JupyterLab: run-all did not start the cell after {attempt} tries"
                ) from None
            print(f"JupyterLab dropped run-all #{attempt}: retrying", file=sys.stderr)
    raise AssertionError("unreachable")


def open_explorer(
    page: Any, server: Server, notebook: str, timeout: float = EXPLORER_TIMEOUT
) -> Any:
    """Load ``notebook`` from ``server`` (running it in Lab) and wait for a ready Explorer."""
    page.goto(server.url(notebook), wait_until="domcontentloaded", timeout=timeout * 1000)
    if server.kind in ("lab", "notebook"):  # Notebook 7 has JupyterLab's menus and cells
        _lab_run_all(page, timeout)
        # the cell has finished: no second run can replace the output
        page.wait_for_function(js("cell_finished"), timeout=timeout * 1000)
    status = page.locator(".nnw-explorer .nnw-status")
    status.wait_for(state="attached", timeout=timeout * 1000)
    page.wait_for_function(js("explorer_ready"), timeout=timeout * 1000)
    wait_quiet(page, timeout=timeout)
    return page.locator(".nnw-explorer").first


def show_tab(page: Any, title: str, css: str) -> None:
    """Click the course tab ``title`` and wait for its view (class ``css``), built when first
    shown by the kernel."""
    tab = page.get_by_role("tab", name=title)
    tab.scroll_into_view_if_needed()
    tab.click()
    page.locator(f".nnw-tabs .{css}").first.wait_for(
        state="visible", timeout=UPDATE_TIMEOUT * 1000
    )


def wait_quiet(page: Any, quiet_ms: int = 500, timeout: float = UPDATE_TIMEOUT) -> None:
    """Wait until the probability and attribution views have not changed for ``quiet_ms``.

    bqplot may apply one update over several frames and a second message (the attribution)
    may follow the first: this waits until the page has settled.
    """
    page.evaluate(js("wait_quiet"), [quiet_ms, timeout * 1000])
    next_frames(page)


def eventually(check: Any, timeout: float = UPDATE_TIMEOUT, every: float = 0.05) -> Any:
    """``check()``'s result once it stops raising AssertionError; its last error after ``timeout``.

    For "the page shows X": a quiet moment on the page does not prove the kernel has answered
    the last input (a busy kernel on a slow machine can pause longer than any quiet window).
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(every)


def read_values(page: Any, table: str) -> np.ndarray:
    """The numbers a view's exact-value table prints, in ``data-index`` order (float64)."""
    pairs = page.evaluate(js("read_values"), table)
    if not pairs:
        raise AssertionError(f"no values in {table!r}")
    out = np.full(max(i for i, _ in pairs) + 1, np.nan)
    for i, text in pairs:
        out[i] = float(text.replace("\u2212", "-"))
    return out


def table_class(page: Any, table: str, prefix: str) -> int:
    """The ``k`` of a ``{prefix}{k}`` class on a values table (predicted / explained class)."""
    classes = page.locator(table).first.get_attribute("class") or ""
    (k,) = [c[len(prefix) :] for c in classes.split() if c.startswith(prefix)]
    return int(k)


def text_of(page: Any, selector: str) -> str:
    """``textContent`` of the first match (collapsed ``details`` included)."""
    return page.locator(selector).first.text_content() or ""


def wait_text_change(page: Any, selector: str, before: str, timeout: float = UPDATE_TIMEOUT):
    """Wait until ``selector``'s textContent differs from ``before``, then two frames."""
    page.wait_for_function(js("text_changed"), arg=[selector, before], timeout=timeout * 1000)
    next_frames(page)


def slider_value(page: Any, feature: int) -> float:
    """A tabular slider's value as its readout prints it (U+2212 minus made ASCII)."""
    text = text_of(page, f".nnw-input-sliders .nnw-feature-{feature} .widget-readout")
    return float(text.strip().replace("\u2212", "-"))


def slider_values(page: Any) -> np.ndarray:
    """Every tabular slider's value as its readout prints it, in feature order."""
    texts = page.evaluate(js("slider_values"))
    out = np.full(len(texts), np.nan)
    for i, text in texts:
        out[i] = float(text.strip().replace("\u2212", "-"))
    return out


def canvas_values(page: Any) -> np.ndarray:
    """The 64 values the digit canvas shows (its ``data-values``), row-major."""
    raw = page.locator(".nnw-digit-painter canvas.nnw-paint-canvas").get_attribute("data-values")
    return np.array([float(v) for v in raw.split(",")])


def screenshot(page: Any, name: str) -> pathlib.Path:
    """Save a full-page screenshot into ``test-artifacts/`` (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@contextlib.contextmanager
def serving(start: Any, directory: pathlib.Path, work: pathlib.Path, name: str) -> Any:
    """A module's server: ``start(directory, work)``, stopped at the end, its log kept.

    A server that does not start fails the tests (never skips them); the log is copied to
    ``ARTIFACTS / f"{name}-{kind}-server.log"``.
    """
    import pytest

    try:
        srv, problem = start(directory, work), None
    except RuntimeError as e:
        srv, problem = None, str(e)
    if problem:
        pytest.fail(problem, pytrace=False)
    try:
        yield srv
    finally:
        srv.stop()
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copyfile(srv.log, ARTIFACTS / f"{name}-{srv.kind}-server.log")
