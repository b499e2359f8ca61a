"""What every lesson's source shares: markdown and code cells, and the notebook around them."""

from __future__ import annotations

import nbformat as nbf

md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell


def notebook(cells: list[nbf.NotebookNode]) -> nbf.NotebookNode:
    """A notebook of ``cells`` on the "Python 3 (nnwidgets)" kernel (nnwidgets.kernel_launcher:
    ipykernel that imports nnwidgets while the notebook is read)."""
    for i, cell in enumerate(cells):  # stable ids: regenerating changes only what changed
        cell.id = f"cell-{i:02d}"
    nb = nbf.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "nnwidgets", "display_name": "Python 3 (nnwidgets)",
                                 "language": "python"}
    return nb
