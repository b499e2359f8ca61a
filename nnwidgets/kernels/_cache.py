"""JAX's persistent compilation cache, on by default, so a second launch skips compiling."""

from __future__ import annotations

import os
import pathlib

import jax

ENV = "NNWIDGETS_COMPILATION_CACHE"
_OFF = {"0", "off", "false", "no"}


def default_cache_dir() -> pathlib.Path:
    """``$XDG_CACHE_HOME/nnwidgets/jax`` (``~/.cache/nnwidgets/jax`` when unset)."""
    base = os.environ.get("XDG_CACHE_HOME") or pathlib.Path.home() / ".cache"
    return pathlib.Path(base) / "nnwidgets" / "jax"


def enable_compilation_cache() -> str | None:
    """Turn on JAX's persistent compilation cache unless the user decided otherwise.

    - ``NNWIDGETS_COMPILATION_CACHE=0`` (or ``off``): leave JAX's cache settings alone.
    - ``NNWIDGETS_COMPILATION_CACHE=/some/dir``: cache there.
    - a ``jax_compilation_cache_dir`` the user already set is kept as it is.
    - otherwise: :func:`default_cache_dir`.

    The explain kernels compile in well under JAX's default 1 s threshold, so the minimum
    compile time for caching is lowered to 0 (unless the user changed it). An unwritable
    directory only costs the cache, never an error.

    Returns:
        The cache directory in use, or None when caching is off.
    """
    setting = os.environ.get(ENV, "").strip()
    if setting.lower() in _OFF:
        return None
    current = jax.config.jax_compilation_cache_dir
    if current:
        return current
    path = pathlib.Path(setting).expanduser() if setting else default_cache_dir()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    if not os.access(path, os.W_OK):
        return None
    jax.config.update("jax_compilation_cache_dir", str(path))
    if jax.config.jax_persistent_cache_min_compile_time_secs == 1.0:  # JAX's default
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    return str(path)
