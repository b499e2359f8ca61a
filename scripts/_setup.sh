# Shared set-up for scripts/demo.sh and scripts/test.sh: a local .venv with nnwidgets installed.
# Sourced, not run. Needs python3 (>= 3.10) with venv; everything else comes from PyPI.
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
