"""Headless tests of the Playground canvases (BoundaryCanvas, NetworkCanvas) on a dummy comm."""

import numpy as np
import pytest
from widget_comm import dummy_comm, updates  # noqa: F401  (fixture)

from nnwidgets.views._boundary_canvas import MARGIN, BoundaryCanvas, data_to_pixel
from nnwidgets.views._network_canvas import (
    BOTTOM,
    MARGIN_X,
    TOP,
    NetworkCanvas,
    node_positions,
    node_size,
)


def custom(widget, content):
    """Deliver a custom message from the browser the way ipywidgets does."""
    widget._handle_msg(
        {"content": {"data": {"method": "custom", "content": content}}, "buffers": []}
    )


# -- BoundaryCanvas --------------------------------------------------------------------------


def test_boundary_defaults():
    w = BoundaryCanvas()
    assert (w.grid_size, w.vmin, w.vmax, w.size_px) == (50, -1.0, 1.0, 300)
    assert w.extent == [-6.0, 6.0, -6.0, 6.0]
    assert (w.discrete, w.show_test, w.add_enabled, w.add_label) == (True, True, True, 0.0)
    assert w.grid == w.points == w.values == w.test_mask == b""


def test_boundary_show_sends_one_update_with_the_grid_bytes(record, binary):
    w = BoundaryCanvas()
    sent, n = record(w), len(updates(w))
    grid = np.linspace(-2, 2, 12).reshape(3, 4)[:, :3]  # float64, not contiguous
    w.show(grid, -2.0, 2.0)
    assert len(updates(w)) == n + 1 and len(sent) == 1
    state = sent[0][0]["state"]
    assert (state["grid_size"], state["vmin"], state["vmax"]) == (3, -2.0, 2.0)
    assert binary(sent[0]) == {"grid": grid.astype("<f4").tobytes()}
    np.testing.assert_array_equal(np.frombuffer(w.grid, "<f4").reshape(3, 3), grid.astype("<f4"))
    w.show(np.zeros((2, 2)))  # None keeps the colour range
    assert (w.grid_size, w.vmin, w.vmax) == (2, -2.0, 2.0)


@pytest.mark.parametrize(
    ("grid", "vmin", "vmax", "words"),
    [
        (np.zeros((3, 4)), -1, 1, ["grid", "(n, n)", "(3, 4)"]),
        (np.zeros(9), -1, 1, ["grid", "(9,)"]),
        (np.zeros((0, 0)), -1, 1, ["grid", "(0, 0)"]),
        (np.zeros((2, 2)), 1, 1, ["vmin", "vmax", "1.0"]),
    ],
)
def test_boundary_show_rejects_bad_input(record, grid, vmin, vmax, words):
    w = BoundaryCanvas()
    sent = record(w)
    with pytest.raises(ValueError) as info:
        w.show(grid, vmin, vmax)
    assert all(word in str(info.value) for word in words), info.value
    assert sent == [] and w.grid == b""


def test_boundary_set_points_sends_one_update_with_three_buffers(record, binary):
    w = BoundaryCanvas()
    sent = record(w)
    pts = np.array([[0.5, -1.0], [2.0, 3.25], [-6.0, 6.0]])
    vals = np.array([0, 1, 1])
    mask = np.array([False, True, False])
    w.set_points(pts, vals, mask)
    assert len(sent) == 1
    assert binary(sent[0]) == {
        "points": pts.astype("<f4").tobytes(),
        "values": vals.astype("<f4").tobytes(),
        "test_mask": bytes([0, 1, 0]),
    }
    w.set_points(pts[:2], [0.2, -0.7])  # no mask: all training points
    assert w.test_mask == bytes([0, 0])
    w.set_points(np.zeros((0, 2)), np.zeros(0))
    assert w.points == w.values == w.test_mask == b""


@pytest.mark.parametrize(
    ("points", "values", "mask", "words"),
    [
        (np.zeros((3, 3)), np.zeros(3), None, ["points", "(n, 2)", "(3, 3)"]),
        (np.zeros(6), np.zeros(3), None, ["points", "(6,)"]),
        (np.zeros((3, 2)), np.zeros(4), None, ["values", "(3,)", "(4,)"]),
        (np.zeros((3, 2)), np.zeros(3), np.zeros(2), ["test_mask", "(3,)", "(2,)"]),
    ],
)
def test_boundary_set_points_rejects_bad_shapes(record, points, values, mask, words):
    w = BoundaryCanvas()
    sent = record(w)
    with pytest.raises(ValueError) as info:
        w.set_points(points, values, mask)
    assert all(word in str(info.value) for word in words), info.value
    assert sent == []


def test_boundary_click_message_calls_on_add():
    w = BoundaryCanvas()
    got, other = [], []
    w.on_add(lambda x1, x2: got.append((x1, x2)))
    w.on_add(other.append, remove=False)
    w.on_add(other.append, remove=True)
    custom(w, {"event": "add", "x1": 1.5, "x2": -2})
    custom(w, {"event": "something else", "x1": 0, "x2": 0})
    custom(w, ["not", "a", "dict"])
    assert got == [(1.5, -2.0)] and all(isinstance(v, float) for v in got[0])
    assert other == []


def test_data_to_pixel_maps_the_extent_corners_to_the_plot_corners():
    left, top = MARGIN[0], MARGIN[1]
    assert data_to_pixel(-6, 6, [-6, 6, -6, 6], 300) == (left, top)
    assert data_to_pixel(6, -6, [-6, 6, -6, 6], 300) == (left + 300, top + 300)
    assert data_to_pixel(1, 2, [0, 4, 0, 8], 100) == (left + 25, top + 75)


# -- NetworkCanvas ---------------------------------------------------------------------------


def network():
    return NetworkCanvas(
        columns=[3, 4, 1],
        column_names=["input", "dense_1", "output"],
        input_labels=["x1", "x2", "sin x1"],
    )


def test_network_defaults():
    w = NetworkCanvas()
    assert (w.width_px, w.height_px, w.node_px, w.thumb_size) == (640, 360, 36, 0)
    assert (w.selected, w.link_limit, w.link_label) == (-1, 1.0, "weight")
    assert w.columns == w.column_names == w.input_labels == []


def test_network_show_sends_one_update_with_the_buffers(record, binary):
    w = network()
    sent, n = record(w), len(updates(w))
    rng = np.random.default_rng(0)
    links = [rng.normal(size=(3, 4)), rng.normal(size=(4, 1))]
    thumbs = rng.integers(0, 256, size=(8, 5, 5), dtype=np.uint8)
    nodes = np.linspace(-1, 1, 8)
    w.show(thumbs, links, 2.5, node_values=nodes)
    assert len(updates(w)) == n + 1 and len(sent) == 1
    assert sent[0][0]["state"]["thumb_size"] == 5 and sent[0][0]["state"]["link_limit"] == 2.5
    flat = np.concatenate([links[0].ravel(), links[1].ravel()]).astype("<f4")
    assert binary(sent[0]) == {
        "thumbs": thumbs.tobytes(),
        "links": flat.tobytes(),
        "node_values": nodes.astype("<f4").tobytes(),
    }
    # the link for source i, target j of pair k sits at offset(k) + i * columns[k+1] + j
    assert np.frombuffer(w.links, "<f4")[2 * 4 + 3] == np.float32(links[0][2, 3])
    assert np.frombuffer(w.links, "<f4")[12 + 3] == np.float32(links[1][3, 0])

    w.show(None, [np.zeros((3, 4)), np.ones((4, 1))], 1.0)
    assert (w.thumb_size, w.thumbs, w.node_values) == (0, b"", b"")
    assert len(sent) == 2


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"thumbs": np.zeros((7, 5, 5), np.uint8)}, ["thumbs", "(8, T, T)", "(7, 5, 5)"]),
        ({"thumbs": np.zeros((8, 5, 5))}, ["thumbs", "uint8", "float64"]),
        ({"thumbs": np.zeros((8, 5, 4), np.uint8)}, ["thumbs", "(8, 5, 4)"]),
        ({"links": [np.zeros((3, 4))]}, ["links", "2 matrices", "received 1"]),
        ({"links": [np.zeros((3, 4)), np.zeros((1, 4))]}, ["links[1]", "(4, 1)", "(1, 4)"]),
        ({"link_limit": 0.0}, ["link_limit", "> 0", "0.0"]),
        ({"node_values": np.zeros(7)}, ["node_values", "(8,)", "(7,)"]),
    ],
)
def test_network_show_rejects_shapes_that_disagree_with_columns(record, kwargs, words):
    w = network()
    sent = record(w)
    args = {"thumbs": None, "links": [np.zeros((3, 4)), np.zeros((4, 1))], "link_limit": 1.0}
    with pytest.raises(ValueError) as info:
        w.show(**{**args, **kwargs})
    assert all(word in str(info.value) for word in words), info.value
    assert sent == [] and w.links == b""


def test_network_selected_syncs_from_the_browser():
    w = network()
    seen = []
    w.observe(lambda change: seen.append(change["new"]), "selected")
    w.set_state({"selected": 3})
    assert w.selected == 3 and seen == [3]
    w.set_state({"selected": -1})
    assert w.selected == -1


def test_quantise_maps_each_map_by_its_own_max():
    maps = np.array(
        [
            [[0.0, 4.0], [-4.0, 2.0]],
            [[0.0, 0.0], [0.0, 0.0]],
            [[-0.5, 0.25], [0.0, np.nan]],
        ]
    )
    q, scales = NetworkCanvas.quantise(maps)
    assert q.dtype == np.uint8 and q.shape == (3, 2, 2)
    np.testing.assert_array_equal(scales, np.array([4.0, 0.0, 0.5], np.float32))
    assert q[0].tolist() == [[128, 255], [0, 192]]  # 128 + 127 * 0.5 = 191.5 -> 192
    assert (q[1] == 128).all()
    assert q[2].tolist() == [[0, 192], [128, 128]]
    with pytest.raises(ValueError, match=r"maps: expected shape \(N, T, T\), received \(2, 2\)"):
        NetworkCanvas.quantise(np.zeros((2, 2)))


def test_node_positions_layout():
    cols, width, height, px = [3, 4, 1], 640, 360, 36
    pos = node_positions(cols, width, height, px)
    assert len(pos) == 8
    xs = [MARGIN_X, width / 2, width - MARGIN_X]
    assert [p[0] for p in pos] == [xs[0]] * 3 + [xs[1]] * 4 + [xs[2]]
    mid = TOP + (height - TOP - BOTTOM) / 2
    pitch = 1.25 * px  # nothing needs shrinking here
    assert [p[1] for p in pos[3:7]] == [mid - 1.5 * pitch, mid - 0.5 * pitch, mid + 0.5 * pitch,
                                        mid + 1.5 * pitch]  # fmt: skip
    assert pos[7][1] == mid and pos[1][1] == mid
    assert node_positions([2], 300, 200, 36)[0][0] == 150  # one column: centred


def test_node_size_shrinks_to_fit_the_tallest_column():
    assert node_size([3, 4, 1], 360, 36) == 36
    s = node_size([2, 20, 1], 360, 36)
    assert s < 36 and 20 * 1.25 * s <= 360 - TOP - BOTTOM < 20 * 1.25 * (s + 1)
    assert node_size([2, 500, 1], 360, 36) == 4
    assert node_size([], 360, 36) == 36
    pos = node_positions([2, 20, 1], 640, 360, 36)
    ys = [p[1] for p in pos[2:22]]
    assert ys[0] - s / 2 >= TOP and ys[-1] + s / 2 <= 360 - BOTTOM
