"""Every course notebook runs top to bottom in a fresh kernel, its exercise checks pass with the
reference answers, and each app it shows is saved with a static picture beside the widget."""

import base64
import io
import pathlib
import re

import nbformat
import pytest
from nbclient import NotebookClient
from PIL import Image

NOTEBOOKS = sorted((pathlib.Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))
WIDGET = "application/vnd.jupyter.widget-view+json"
#: A check cell: one call of a ``check_...`` function of ``nnwidgets.course``.
CHECK = re.compile(r"^check_\w+\(", re.M)


def test_there_are_notebooks():
    assert NOTEBOOKS


def outputs(nb):
    return [(c, o) for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.kernelspec.name == "nnwidgets"  # nnwidgets.kernel_launcher (preloads)
    NotebookClient(nb, timeout=300,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for _, o in outputs(nb) if o.output_type == "error"]
    assert not errors
    widgets = [o for _, o in outputs(nb) if WIDGET in o.get("data", {})]
    assert widgets
    for o in widgets:  # nbviewer and GitHub show this picture where the widget cannot run
        png = o["data"].get("image/png")
        assert png, "an app's output keeps a static picture"
        with Image.open(io.BytesIO(base64.b64decode(png))) as im:
            assert im.width > 100 and im.height > 50
    checks = [c for c in nb.cells if c.cell_type == "code" and CHECK.search(c.source)]
    for cell in checks:  # the pre-filled reference answers are right
        shown = " ".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs)
        assert shown.startswith("right:"), f"{cell.source!r} said {shown!r}"
