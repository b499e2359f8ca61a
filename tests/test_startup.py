"""Cold start: the persistent compilation cache, the server extension, lazy imports."""

import json
import os
import pathlib
import subprocess
import sys

import pytest

LAUNCH = """
import json, sys, time
import jax
hits = []
HIT = "/jax/compilation_cache/cache_hits"
jax.monitoring.register_event_listener(lambda e, **kw: hits.append(e) if e == HIT else None)
from nnwidgets import Explorer
t0 = time.perf_counter()
ex = Explorer("digits")
print(json.dumps({"cache_dir": ex.state.cache_dir, "hits": len(hits),
                  "seconds": time.perf_counter() - t0}))
"""


def launch(env_value):
    env = dict(os.environ, NNWIDGETS_COMPILATION_CACHE=env_value)
    out = subprocess.run(
        [sys.executable, "-c", LAUNCH], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_second_launch_reads_the_compiled_kernels_from_the_persistent_cache(tmp_path):
    cache = tmp_path / "jax-cache"
    first = launch(str(cache))
    assert first["cache_dir"] == str(cache)
    entries = sorted(p.name for p in cache.iterdir())
    assert any(name.startswith("jit_explain_step") for name in entries), entries
    second = launch(str(cache))
    assert second["hits"] >= 1  # the explain kernel came from disk, not from XLA


def test_cache_can_be_turned_off(tmp_path):
    assert launch("0")["cache_dir"] is None


def test_users_own_cache_dir_is_kept(tmp_path, monkeypatch):
    import jax

    from nnwidgets.kernels import enable_compilation_cache

    monkeypatch.delenv("NNWIDGETS_COMPILATION_CACHE")
    before = jax.config.jax_compilation_cache_dir
    try:
        jax.config.update("jax_compilation_cache_dir", str(tmp_path))
        assert enable_compilation_cache() == str(tmp_path)
    finally:
        jax.config.update("jax_compilation_cache_dir", before)


def test_unwritable_cache_dir_costs_the_cache_not_an_error(tmp_path, monkeypatch):
    from nnwidgets.kernels import enable_compilation_cache

    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("NNWIDGETS_COMPILATION_CACHE", str(blocker / "cache"))
    import jax

    before = jax.config.jax_compilation_cache_dir
    jax.config.update("jax_compilation_cache_dir", None)
    try:
        assert enable_compilation_cache() is None
    finally:
        jax.config.update("jax_compilation_cache_dir", before)


def test_server_extension_never_imports_jax():
    code = "import sys, nnwidgets.server; print('jax' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_explorer_imports_bqplot_only_when_a_bqplot_tab_is_shown():
    """The lab and the network tab are canvases: building an Explorer imports neither bqplot
    nor pandas (~0.3 s of a fresh kernel); the first bqplot-drawn tab imports them."""
    code = (
        "import sys\n"
        "from nnwidgets import Explorer\n"
        "a, b = Explorer('breast_cancer'), Explorer('digits')\n"
        "print(sorted(m for m in ('bqplot', 'pandas') if m in sys.modules))\n"
        "a.tab_view('weights')\n"
        "print(sorted(m for m in ('bqplot', 'pandas') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "['bqplot', 'pandas']"], out.stdout


def test_server_extension_is_enabled_by_the_installed_config():
    out = subprocess.run(
        [sys.executable, "-m", "jupyter", "server", "extension", "list"],
        capture_output=True, text=True, check=True,
    )
    text = out.stdout + out.stderr
    assert "nnwidgets.server" in text and "enabled" in text.split("nnwidgets.server")[1][:40]
    voila = pathlib.Path(sys.prefix) / "etc" / "jupyter" / "voila.json"
    config = json.loads(voila.read_text())
    assert config["Voila"]["kernel_websocket_connection_class"] == (
        "nnwidgets.server.NoDelayConnection"
    )


class FakeSocket:
    def __init__(self):
        self.options = {}

    def setsockopt(self, level, name, value):
        self.options[(level, name)] = int(value)

    def getsockopt(self, level, name):
        return self.options.get((level, name), 0)


class FakeStream:
    def __init__(self):
        self.socket = FakeSocket()

    def set_nodelay(self, value):
        import socket

        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1 if value else 0)


class FakeHandler:
    """What tornado's WebSocketHandler offers the connection: set_nodelay on its stream."""

    kernel_id = "k"

    def __init__(self):
        self.ws_connection = type("C", (), {"stream": FakeStream()})()

    def set_nodelay(self, value):
        self.ws_connection.stream.set_nodelay(value)


@pytest.mark.parametrize(("switch", "expected"), [(None, 1), ("0", 0), ("off", 0)])
def test_connection_sets_tcp_nodelay_unless_switched_off(monkeypatch, switch, expected):
    import logging
    import socket

    from nnwidgets import server

    if switch is None:
        monkeypatch.delenv(server.ENV_SWITCH, raising=False)
    else:
        monkeypatch.setenv(server.ENV_SWITCH, switch)

    class Base:
        connected = False

        def connect(self):
            self.connected = True
            return "future"

    conn = server.with_nodelay(Base)()
    conn.websocket_handler, conn.log = FakeHandler(), logging.getLogger("test")
    assert conn.connect() == "future" and conn.connected
    sock = conn.websocket_handler.ws_connection.stream.socket
    assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == expected
    assert server.with_nodelay(server.NoDelayConnection) is server.NoDelayConnection


DISPATCH = """
import json
from jax._src import xla_bridge
import nnwidgets.apps
import jax
started = xla_bridge.backends_are_initialized()
jax.numpy.ones(3).sum().block_until_ready()
print(json.dumps({"async": jax.config.read("jax_cpu_enable_async_dispatch"),
                  "started_by_import": started}))
"""


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, False),
        ({"NNWIDGETS_CPU_ASYNC_DISPATCH": "1"}, True),
        ({"JAX_CPU_ENABLE_ASYNC_DISPATCH": "true"}, True),
    ],
)
def test_cpu_dispatch_is_synchronous_unless_switched_back(env, expected):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NNWIDGETS_CPU_ASYNC_DISPATCH", "JAX_CPU_ENABLE_ASYNC_DISPATCH")
    }
    out = subprocess.run(
        [sys.executable, "-c", DISPATCH],
        env={**base, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    # importing nnwidgets starts no JAX client, so the setting is in place when one starts
    assert result == {"async": expected, "started_by_import": False}


PRELOAD_CHECK = """
import sys, nnwidgets.kernel_launcher as k
done = k.preloaded.wait({wait})
print(done, 'nnwidgets.apps' in sys.modules, 'jax' in sys.modules)
"""


def run_in_kernel(name, code, **env):
    from jupyter_client.manager import start_new_kernel

    base = {k: v for k, v in os.environ.items() if k != "NNWIDGETS_PRELOAD"}
    km, kc = start_new_kernel(kernel_name=name, env={**base, **env})
    try:
        out = []

        def hook(msg):
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])

        reply = kc.execute_interactive(code, timeout=120, output_hook=hook)
        assert reply["content"]["status"] == "ok", reply["content"]
        return "".join(out).split()
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_the_nnwidgets_kernelspec_is_installed_and_runs_nnwidgets_kernel():
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("nnwidgets")
    assert spec.argv[1:] == ["-m", "nnwidgets.kernel_launcher", "-f", "{connection_file}"]
    assert spec.display_name == "Python 3 (nnwidgets)" and spec.language == "python"


def test_the_nnwidgets_kernel_imports_nnwidgets_before_any_cell_does():
    # the cell only waits: the preload thread imported the apps (and jax) on its own
    assert run_in_kernel("nnwidgets", PRELOAD_CHECK.format(wait=60)) == ["True", "True", "True"]


def test_preload_can_be_switched_off_and_ipykernel_never_preloads():
    code = "import time; time.sleep(3)\n" + PRELOAD_CHECK.format(wait=0)
    assert run_in_kernel("nnwidgets", code, NNWIDGETS_PRELOAD="0") == ["False", "False", "False"]
    assert run_in_kernel("python3", code) == ["False", "False", "False"]


def test_an_explorer_runs_in_the_preloading_kernel_while_it_preloads():
    # the cell starts at once, racing the preload thread for the same modules
    code = 'from nnwidgets import Explorer\nex = Explorer("iris")\nprint(ex.state.status)'
    assert run_in_kernel("nnwidgets", code) == ["ready"]


COMM_TARGET = """
import time
from comm import get_comm_manager

def _open(comm, msg):
    comm.on_msg(lambda m: time.sleep(m["content"]["data"]["sleep"]))

get_comm_manager().register_target("nnw-test", _open)
"""


def comm_statuses(name, sleeps, **env):
    """The iopub statuses that answer a widget message per handler duration in ``sleeps``."""
    from jupyter_client.manager import start_new_kernel

    base = {k: v for k, v in os.environ.items() if k != "NNWIDGETS_BUSY_DELAY"}
    km, kc = start_new_kernel(kernel_name=name, env={**base, **env})
    try:
        assert kc.execute_interactive(COMM_TARGET, timeout=60)["content"]["status"] == "ok"
        opened = kc.session.msg("comm_open", {"comm_id": "c1", "target_name": "nnw-test"})
        kc.shell_channel.send(opened)
        statuses = []
        for sleep in [None, *sleeps]:  # None: the comm_open itself
            msg = opened
            if sleep is not None:
                msg = kc.session.msg("comm_msg", {"comm_id": "c1", "data": {"sleep": sleep}})
                kc.shell_channel.send(msg)
            seen = []
            while "idle" not in seen:
                reply = kc.get_iopub_msg(timeout=30)
                ours = reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]
                if ours and reply["msg_type"] == "status":
                    seen.append(reply["content"]["execution_state"])
            statuses.append(seen)
        return statuses
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_a_quick_widget_message_changes_no_kernel_status_in_the_nnwidgets_kernel():
    # a slider step: idle alone (the frontend's status stays idle); a slow handler still shows
    # as busy; other messages (comm_open) as in ipykernel
    statuses = comm_statuses("nnwidgets", [0.0, 0.6, 0.0])
    assert statuses == [["busy", "idle"], ["idle"], ["busy", "idle"], ["idle"]]


def test_busy_delay_0_and_ipykernel_announce_every_widget_message():
    expected = [["busy", "idle"]] * 3
    assert comm_statuses("nnwidgets", [0.0, 0.0], NNWIDGETS_BUSY_DELAY="0") == expected
    assert comm_statuses("python3", [0.0, 0.0]) == expected


def test_busy_delay_setting():
    from nnwidgets.kernel_launcher._quiet import DEFAULT_DELAY, busy_delay

    assert busy_delay(None) == busy_delay(" ") == DEFAULT_DELAY == 0.1
    assert busy_delay("0.5") == 0.5
    assert busy_delay("0") == busy_delay("-1") == busy_delay("off") == 0.0
