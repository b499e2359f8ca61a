#!/usr/bin/env bash
# Launch the demo: set up .venv, then serve notebooks/01_explorer.ipynb with Voila on 127.0.0.1.
source "$(dirname "$0")/_setup.sh" runtime ""
PORT=${PORT:-8866}
echo
echo "  nnwidgets demo: open http://127.0.0.1:${PORT}/  (Ctrl-C stops it)"
echo
# A preheated kernel pool: the next page gets a kernel that has already run the notebook
# (first frame about 1.7 s instead of 3.5 s here). The culler shuts down kernels whose page
# has gone (no connection, idle 5 min): Voila's own shutdown request on page close is refused
# (voila-dashboards/voila#1458); Voila never culls the pool's kernels.
exec .venv/bin/python -m voila notebooks/01_explorer.ipynb --no-browser --port="$PORT" \
  --Voila.ip=127.0.0.1 --preheat_kernel=True --pool_size=1 \
  --MappingKernelManager.cull_interval=60 --MappingKernelManager.cull_idle_timeout=300
