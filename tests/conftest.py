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
