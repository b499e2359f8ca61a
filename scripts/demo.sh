#!/usr/bin/env bash
# Launch the demo: set up .venv, then serve notebooks/01_explorer.ipynb with Voila on 127.0.0.1.
source "$(dirname "$0")/_setup.sh" runtime ""
PORT=${PORT:-8866}
echo
echo "  nnwidgets demo: open http://127.0.0.1:${PORT}/  (Ctrl-C stops it)"
echo
# A preheated kernel pool: the next page gets a kernel that has already run the notebook
# (first frame about 1.6 s instead of 3.5 s here).
exec .venv/bin/python -m voila notebooks/01_explorer.ipynb --no-browser --port="$PORT" \
  --Voila.ip=127.0.0.1 --preheat_kernel=True --pool_size=1
