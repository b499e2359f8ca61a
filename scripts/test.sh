#!/usr/bin/env bash
# Run the whole test suite: set up .venv (and Debian's chromium if missing), lint, then pytest
# (kernels, state, headless widgets, notebooks, doctests, real-browser tests). Extra arguments
# go to pytest, e.g. `bash scripts/test.sh -m "not browser"` while iterating.
source "$(dirname "$0")/_setup.sh" test "[test]"
if [ ! -x /usr/bin/chromium ]; then
  echo "installing Debian's chromium for the browser tests"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
ruff check nnwidgets tests benchmarks scripts notebooks
ruff format --check nnwidgets
exec python -m pytest "$@"
