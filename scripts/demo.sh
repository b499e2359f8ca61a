#!/usr/bin/env bash
# Launch the demo: set up .venv, then serve one target on 127.0.0.1 (`bash scripts/demo.sh -h`):
# the Explorer (notebooks/01_explorer.ipynb) or the Playground (notebooks/03_playground.ipynb)
# with Voila, or JupyterLab on notebooks/.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bash scripts/demo.sh [TARGET]

Sets up .venv, then serves TARGET on http://127.0.0.1:8866/ (PORT=9000 changes the port):
  explorer    the Explorer in Voila (notebooks/01_explorer.ipynb); the default
  playground  the Playground in Voila (notebooks/03_playground.ipynb)
  lab         JupyterLab on notebooks/, "Python 3 (nnwidgets)" kernel; the URL carries its token
EOF
}

TARGET=explorer
if [ $# -gt 1 ]; then
  echo "demo.sh: one target at most, got $#: $*" >&2
  usage >&2
  exit 2
fi
case "${1:-}" in
  -h | --help) usage; exit 0 ;;
  "" | explorer) TARGET=explorer ;;
  playground | lab) TARGET=$1 ;;
  *)
    echo "demo.sh: unknown target '$1' (valid targets: explorer, playground, lab)" >&2
    usage >&2
    exit 2
    ;;
esac

source "$(dirname "$0")/_setup.sh" runtime ""
PORT=${PORT:-8866}
URL="http://127.0.0.1:${PORT}/"
if [ "$TARGET" = lab ]; then
  # JupyterLab runs whatever code it is sent, so unlike Voila (which runs only its notebook) it
  # keeps a token. It goes through the environment, not the command line, where any local user
  # could read it (ps); a JUPYTER_TOKEN you set is used as is.
  if [ -z "${JUPYTER_TOKEN:-}" ]; then
    JUPYTER_TOKEN=$(.venv/bin/python -c 'import secrets; print(secrets.token_hex(24))')
  fi
  export JUPYTER_TOKEN
  URL="${URL}lab?token=${JUPYTER_TOKEN}"
fi
echo
echo "  nnwidgets demo ($TARGET): open ${URL}  (Ctrl-C stops it)"
echo

# port_retries=0: a busy port is an error, not a silent move to another port than the URL above.
if [ "$TARGET" = lab ]; then
  AS_ROOT=()  # Jupyter refuses to run as root without this (e.g. in a container)
  if [ "$(id -u)" = 0 ]; then AS_ROOT=(--allow-root); fi
  exec .venv/bin/python -m jupyterlab --no-browser --ServerApp.ip=127.0.0.1 \
    --ServerApp.port="$PORT" --ServerApp.port_retries=0 --ServerApp.root_dir=notebooks \
    ${AS_ROOT[@]+"${AS_ROOT[@]}"}
fi

if [ "$TARGET" = playground ]; then NOTEBOOK=notebooks/03_playground.ipynb
else NOTEBOOK=notebooks/01_explorer.ipynb
fi
# A preheated kernel pool: the next page gets a kernel that has already run the notebook
# (first frame about 1.7 s instead of 3.5 s here). Kernel culling comes from the Voila config
# nnwidgets installs (.venv/etc/jupyter/voila.json, see docs/serving.md): a kernel whose page
# has gone (no connection, no code run for 5 min, checked every minute) is shut down, as
# Voila's own shutdown request on page close is refused (voila-dashboards/voila#1458); Voila
# never culls the pool's kernels.
exec .venv/bin/python -m voila "$NOTEBOOK" --no-browser --port="$PORT" --Voila.port_retries=0 \
  --Voila.ip=127.0.0.1 --preheat_kernel=True --pool_size=1
