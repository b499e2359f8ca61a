#!/usr/bin/env bash
# Run the whole test suite: Debian's chromium and nodejs if missing, set up .venv (and eslint in
# .cache/eslint), lint, the browser modules' node tests, then pytest (kernels, state, headless
# widgets, notebooks, doctests, real-browser tests). Extra arguments go to pytest, e.g.
# `bash scripts/test.sh -m "not browser"` while iterating.
set -euo pipefail
missing=""  # chromium for the browser tests; node (and npm, for eslint) for the JavaScript
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v node >/dev/null || missing="$missing nodejs"
command -v npm >/dev/null || missing="$missing npm"
if [ -n "$missing" ]; then
  echo "installing Debian's$missing for the browser and JavaScript tests"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086  # one word per package
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
source "$(dirname "$0")/_setup.sh" test "[test]"
ruff check nnwidgets tests benchmarks scripts notebooks
ruff format --check nnwidgets
.cache/eslint/node_modules/.bin/eslint nnwidgets/views/js benchmarks tests/browser/js eslint.config.mjs
node --test --test-reporter=spec nnwidgets/views/js/test/*.test.mjs
exec python -m pytest "$@"
