"""The views' browser modules (nnwidgets/views/js/): joined for anywidget, geometry read back."""

import json
import shutil
import subprocess

from nnwidgets.views import SeriesEditor, TokenStrip, _js
from nnwidgets.views._app_guard import AppGuard
from nnwidgets.views._bars_canvas import BarsCanvas
from nnwidgets.views._boundary_canvas import MARGIN, BoundaryCanvas, data_to_pixel
from nnwidgets.views._heat_canvas import HeatCanvas
from nnwidgets.views._image_view import ImageCanvas
from nnwidgets.views._matrix_canvas import MatrixCanvas
from nnwidgets.views._network_canvas import (
    BOTTOM,
    MARGIN_X,
    TOP,
    NetworkCanvas,
    node_positions,
    node_size,
)
from nnwidgets.views._paint_canvas import PaintCanvas
from nnwidgets.views._values_table import ValuesTable

VIEWS = {
    "app_guard": AppGuard,
    "bars": BarsCanvas,
    "boundary": BoundaryCanvas,
    "heat": HeatCanvas,
    "image": ImageCanvas,
    "matrix": MatrixCanvas,
    "network": NetworkCanvas,
    "paint": PaintCanvas,
    "series": SeriesEditor,
    "table": ValuesTable,
    "tokens": TokenStrip,
}
NODE = shutil.which("node")


def node(script, tmp_path):
    """Run ES module source ``script`` with node in ``tmp_path``; its stdout parsed as JSON."""
    assert NODE is not None, "node not found: scripts/test.sh installs Debian's nodejs"
    path = tmp_path / "run.mjs"
    path.write_text(script)
    done = subprocess.run([NODE, str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_each_view_ships_common_js_and_its_own_module_as_one():
    common = (_js.JS_DIR / "common.js").read_text()
    for name, cls in VIEWS.items():
        own = (_js.JS_DIR / f"{name}.js").read_text()
        assert cls._esm == _js.esm(name)
        assert "import " not in cls._esm.split("\n", 1)[0]
        assert cls._esm.count("export default { render };") == 1
        if 'from "./common.js"' in own:
            assert cls._esm.startswith(common) and 'from "./common.js"' not in cls._esm
        else:
            assert cls._esm == own
    assert AppGuard._css == (_js.JS_DIR / "app_guard.css").read_text()


def test_the_joined_modules_load_in_node(tmp_path):
    """common.js + a view's file stays one valid module (no name defined twice)."""
    for name in VIEWS:
        (tmp_path / f"{name}.mjs").write_text(_js.esm(name))
    script = "const out = {};\n" + "".join(
        f'out["{n}"] = typeof (await import("./{n}.mjs")).default.render;\n' for n in VIEWS
    )
    assert node(script + "console.log(JSON.stringify(out));", tmp_path) == dict.fromkeys(
        VIEWS, "function"
    )


def test_geometry_is_read_from_the_js_modules():
    assert (MARGIN_X, TOP, BOTTOM) == (64, 24, 8)
    assert MARGIN == (30, 8, 8, 24)
    assert _js.constants("bars") == {"TOP": 22, "LEFT": 40, "RIGHT": 6, "PAD": 0.05}


def test_python_layout_helpers_agree_with_the_js(tmp_path):
    cases = [([1, 2], 328, 232, 40), ([2, 3, 1], 640, 360, 36), ([2, 20, 1], 640, 360, 36)]
    cases += [([4], 300, 200, 36), ([2, 500, 1], 640, 360, 36), ([], 640, 360, 36)]
    points = [(0.0, 0.0, [-6, 6, -6, 6], 300), (1.5, -2.0, [-2, 3, -4, 1], 250)]
    net, bnd = (_js.JS_DIR / "network.js").as_uri(), (_js.JS_DIR / "boundary.js").as_uri()
    js = node(
        f'import {{ nodePositions, nodeSize }} from "{net}";\n'
        f'import {{ dataToPixel }} from "{bnd}";\n'
        f"const cases = {json.dumps(cases)}, points = {json.dumps(points)};\n"
        "console.log(JSON.stringify({\n"
        "  pos: cases.map((c) => nodePositions(...c)),\n"
        "  size: cases.map(([cols, , h, px]) => nodeSize(cols, h, px)),\n"
        "  px: points.map((p) => dataToPixel(...p)),\n"
        "}));",
        tmp_path,
    )
    assert js["pos"] == [[list(p) for p in node_positions(*c)] for c in cases]
    assert js["size"] == [node_size(cols, h, px) for cols, _, h, px in cases]
    assert js["px"] == [list(data_to_pixel(*p)) for p in points]
