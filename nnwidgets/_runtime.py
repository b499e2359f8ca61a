"""JAX runtime settings made when nnwidgets is imported, before the first computation.

Synchronous CPU dispatch: by default JAX's CPU client hands every call to a worker thread and
returns a future; for the tiny kernels of a slider step that hand-off costs more than the
work (digits MLP, one fused update: 53 -> 23 us median here, CNN 180 -> 141 us). With it off
the call runs in the calling thread, which still releases the GIL while it computes.
"""

from __future__ import annotations

import os

import jax

ENV = "NNWIDGETS_CPU_ASYNC_DISPATCH"
_ON = {"1", "on", "true", "yes"}


def configure_cpu_dispatch() -> bool:
    """Turn JAX's asynchronous CPU dispatch off unless the user decided otherwise.

    - ``NNWIDGETS_CPU_ASYNC_DISPATCH=1``: leave JAX's default (asynchronous) alone.
    - ``JAX_CPU_ENABLE_ASYNC_DISPATCH`` set in the environment: JAX's own switch wins.

    JAX reads the setting when it creates its CPU client, i.e. at the first computation:
    importing nnwidgets after a computation has run leaves the client as it is.

    Returns:
        True when asynchronous dispatch was turned off by this call.
    """
    if os.environ.get(ENV, "").strip().lower() in _ON:
        return False
    if "JAX_CPU_ENABLE_ASYNC_DISPATCH" in os.environ:
        return False
    jax.config.update("jax_cpu_enable_async_dispatch", False)
    return True


SYNC_CPU_DISPATCH = configure_cpu_dispatch()  # on import: before the first computation
