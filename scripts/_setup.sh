# Shared set-up for scripts/demo.sh and scripts/test.sh: a local .venv with nnwidgets installed.
# Sourced, not run. Needs python3 (>= 3.10) with venv; everything else comes from PyPI (and, for
# the tests, eslint from npm: scripts/test.sh installs Debian's nodejs and npm first).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
echo "installing nnwidgets and its ${1:-runtime} dependencies into .venv (log: .venv/install.log)"
if ! .venv/bin/python -m pip install --disable-pip-version-check -e ".${2:-}" >.venv/install.log 2>&1; then
  tail -30 .venv/install.log
  echo "pip install failed: see .venv/install.log" >&2
  exit 1
fi
export PATH="$PWD/.venv/bin:$PATH"
if [ "${1:-}" = test ]; then  # the JavaScript lint: eslint from npm, pinned, kept in .cache/eslint
  ESLINT_VERSION=9.39.1
  if [ "$(.cache/eslint/node_modules/.bin/eslint --version 2>/dev/null)" != "v$ESLINT_VERSION" ]
  then
    echo "installing eslint $ESLINT_VERSION into .cache/eslint (log: .cache/eslint-install.log)"
    mkdir -p .cache/eslint
    if ! npm install --prefix .cache/eslint --no-audit --no-fund "eslint@$ESLINT_VERSION" \
      >.cache/eslint-install.log 2>&1; then
      tail -30 .cache/eslint-install.log
      echo "npm install eslint failed: see .cache/eslint-install.log" >&2
      exit 1
    fi
  fi
fi
