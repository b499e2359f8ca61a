import os
import tempfile

os.environ.setdefault("JAX_PLATFORMS", "cpu")
# JAX's persistent cache (on by default in nnwidgets): a fresh one per test session, never the
# user's ~/.cache; the browser tests' servers and kernels inherit it.
os.environ.setdefault("NNWIDGETS_COMPILATION_CACHE", tempfile.mkdtemp(prefix="nnw-jax-cache-"))

import jax
import pytest

jax.config.update("jax_numpy_dtype_promotion", "strict")
jax.config.update("jax_numpy_rank_promotion", "raise")


@pytest.fixture
def getkey():
    keys = iter(jax.random.split(jax.random.key(1234), 1000))
    return lambda: next(keys)


def _record(widget):
    """Also keep the binary buffers of what ``widget`` sends (the dummy comm drops them)."""
    sent, send = [], widget.comm.send

    def send_and_keep(*args, data=None, buffers=None, **kwargs):
        sent.append((data, [bytes(b) for b in buffers or []]))
        send(*args, data=data, buffers=buffers, **kwargs)

    widget.comm.send = send_and_keep
    return sent


def _binary(message):
    """``{trait: bytes}`` for the buffers of one sent ``(data, buffers)`` message."""
    data, buffers = message
    return {path[0]: buf for path, buf in zip(data["buffer_paths"], buffers)}


@pytest.fixture
def record():
    """``record(widget)``: the list of ``(data, [bytes])`` messages ``widget`` sends from now on,
    binary buffers included (the dummy comm of ``widget_comm`` drops them)."""
    return _record


@pytest.fixture
def binary():
    """``binary(message)``: ``{trait: bytes}`` for the buffers of one recorded message."""
    return _binary
