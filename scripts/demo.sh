#!/usr/bin/env bash
# Launch the demo: set up .venv, then serve notebooks/01_explorer.ipynb with Voila on 127.0.0.1.
source "$(dirname "$0")/_setup.sh" runtime ""
PORT=${PORT:-8866}
echo
echo "  nnwidgets demo: open http://127.0.0.1:${PORT}/  (Ctrl-C stops it)"
echo
# A preheated kernel pool: the next page gets a kernel that has already run the notebook
# (first frame about 1.7 s instead of 3.5 s here). Kernel culling comes from the Voila config
# nnwidgets installs (.venv/etc/jupyter/voila.json, see docs/serving.md): a kernel whose page
# has gone (no connection, no code run for 5 min, checked every minute) is shut down, as
# Voila's own shutdown request on page close is refused (voila-dashboards/voila#1458); Voila
# never culls the pool's kernels.
exec .venv/bin/python -m voila notebooks/01_explorer.ipynb --no-browser --port="$PORT" \
  --Voila.ip=127.0.0.1 --preheat_kernel=True --pool_size=1
