"""Execute notebooks on the "Python 3 (nnwidgets)" kernel: ``python execute_notebooks.py NB...``.

Run by tests/test_binder.py with the Binder environment's own Python (so its kernel and its
packages are the ones used); a cell that raises stops it with the error.
"""

from __future__ import annotations

import pathlib
import sys

import nbclient
import nbformat


def main(paths: list[str]) -> None:
    """Execute each notebook in ``paths`` in its own folder."""
    for name in paths:
        path = pathlib.Path(name)
        nb = nbformat.read(path, as_version=4)
        client = nbclient.NotebookClient(
            nb,
            timeout=900,
            kernel_name="nnwidgets",
            resources={"metadata": {"path": str(path.parent)}},
        )
        client.execute()
        print("executed", path.name, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
