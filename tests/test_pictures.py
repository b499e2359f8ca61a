"""Static pictures: save_png of apps and views, and the PNG a saved notebook keeps.

Each canvas's picture has the canvas's size, draws the values it holds in the page's colours
(read from the page's scripts), and is not blank; an app's picture changes with its state.
"""

import base64
import io

import numpy as np
import pytest
from PIL import Image

from nnwidgets import Explorer, Playground
from nnwidgets.views import BoundaryCanvas, ImageCanvas, NetworkCanvas, PaintCanvas
from nnwidgets.views._bars_canvas import BarsCanvas
from nnwidgets.views._matrix_canvas import MatrixCanvas
from nnwidgets.views._picture import (
    diverging_rgb,
    figure_png,
    picture,
    save_png,
    viridis_rgb,
)


def colours(image):
    return len(np.unique(np.asarray(image.convert("RGB")).reshape(-1, 3), axis=0))


def not_blank(image, at_least=3):
    return colours(image) >= at_least


def read_png(path):
    with Image.open(path) as im:
        im.load()
        return im.copy()


def test_colours_are_the_pages():
    # js/common.js: RED = [178, 24, 43], BLUE_DARK = [33, 102, 172], PALE = [247, 247, 247]
    assert diverging_rgb(np.array(-1.0)).tolist() == [178, 24, 43]
    assert diverging_rgb(np.array(1.0)).tolist() == [33, 102, 172]
    assert diverging_rgb(np.array(0.0)).tolist() == [247, 247, 247]
    assert diverging_rgb(np.array(np.nan)).tolist() == [247, 247, 247]
    # js/matrix.js VIRIDIS: the first and last of its nine stops
    assert viridis_rgb(np.array(0.0)).tolist() == [68, 1, 84]
    assert viridis_rgb(np.array(1.0)).tolist() == [253, 231, 37]


def test_matrix_cells_have_their_values_colours():
    values = np.array([[-2.0, 0.0], [1.0, 2.0]], np.float32)
    canvas = MatrixCanvas(title="w", axes=False, color_bar=False, cell_px=10, rows=2, cols=2,
                          lo=-2.0, hi=2.0, values=values.tobytes())
    im = np.asarray(picture(canvas))
    top, left = 18, 4  # the title line, the plain margin
    for (r, c), v in np.ndenumerate(values):
        pixel = im[top + 10 * r + 5, left + 10 * c + 5]
        assert pixel.tolist() == diverging_rgb(np.array(v / 2.0)).tolist(), (r, c)


def test_canvases_have_their_size_and_are_not_blank():
    net = NetworkCanvas(width_px=400, height_px=240, columns=[2, 3, 1],
                        node_values=np.linspace(-1, 1, 6, dtype=np.float32).tobytes(),
                        links=np.linspace(-1, 1, 9, dtype=np.float32).tobytes())
    im = picture(net)
    assert im.size == (400, 240) and not_blank(im)

    board = BoundaryCanvas(size_px=200)
    board.grid_size = 4
    board.grid = np.linspace(-1, 1, 16, dtype=np.float32).tobytes()
    im = picture(board)
    assert im.size == (200, 200) and not_blank(im)

    img = ImageCanvas(rows=4, cols=5, cell_px=6)
    img.pixels = (np.arange(60) * 4).astype(np.uint8).tobytes()
    im = picture(img)
    assert im.size == (30, 24) and not_blank(im)

    paint = PaintCanvas(rows=8, cols=8, cell_px=10)
    paint.value = np.eye(8, dtype=np.float32).tobytes()
    im = picture(paint)
    assert im.size == (82, 82) and not_blank(im, 2)  # a 1 px frame round the 80 px grid


def test_bars_follow_their_values():
    bars = BarsCanvas(panel_width=200, panel_height=120, domain=[0.0, 1.0], groups=["p"],
                      sizes=[2], values=np.array([0.25, 1.0], np.float32).tobytes())
    im = np.asarray(picture(bars))
    assert im.shape[:2] == (120, 200)
    blue = np.all(im == [0x6B, 0xAE, 0xD6], axis=2)  # the default bar colour
    cols = np.flatnonzero(blue.any(axis=0))
    heights = [blue[:, c].sum() for c in (cols.min(), cols.max())]
    assert heights[1] == pytest.approx(4 * heights[0], rel=0.1)


@pytest.fixture(scope="module")
def explorer():
    app = Explorer("digits")
    yield app
    app.close()


def test_explorer_save_png(explorer, tmp_path):
    path = explorer.save_png(tmp_path / "explorer.png")
    im = read_png(path)
    assert im.width >= 600 and im.height >= 600 and colours(im) > 50
    before = np.asarray(im)
    explorer.state.x = np.zeros_like(np.asarray(explorer.state.x))  # an empty canvas
    after = np.asarray(read_png(explorer.save_png(tmp_path / "empty.png")))
    assert before.shape != after.shape or np.any(before != after)


def test_a_view_and_a_tab_save_png(explorer, tmp_path):
    im = read_png(explorer.tab_view("weights").save_png(tmp_path / "weights.png"))
    assert not_blank(im, 20)
    im = read_png(explorer.views[3].save_png(tmp_path / "probs.png"))  # the probabilities
    assert not_blank(im, 3)


def test_bqplot_figure_png_has_the_figures_size(explorer):
    weights = explorer.tab_view("weights")
    im = Image.open(io.BytesIO(figure_png(weights.hist_figure)))
    width = int(weights.hist_figure.layout.width.removesuffix("px"))
    height = int(weights.hist_figure.layout.height.removesuffix("px"))
    assert im.size == (width, height) and not_blank(im, 5)


def test_the_notebook_keeps_a_picture(explorer):
    data = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data  # the live widget comes first
    im = Image.open(io.BytesIO(base64.b64decode(data["image/png"])))
    assert im.format == "PNG" and not_blank(im, 50)


def test_playground_and_sequences_save_png(tmp_path):
    play = Playground(dataset="circle", hidden=[3])
    try:
        for _ in range(3):
            play.state.step_once()
        assert not_blank(read_png(play.save_png(tmp_path / "play.png")), 50)
    finally:
        play.close()
    seq = Explorer("sentiment_lstm", text="not bad at all")
    try:
        assert not_blank(read_png(seq.save_png(tmp_path / "seq.png")), 50)
    finally:
        seq.close()


@pytest.mark.parametrize("path", ["out.jpg", 3, None, "folder/"])
def test_save_png_refuses_other_paths(explorer, path):
    with pytest.raises(ValueError, match=r"path: expected a file name ending in \.png, got"):
        save_png(explorer, path)

