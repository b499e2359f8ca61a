// Unit tests of the views' pure layout and colour helpers (../network.js, ../boundary.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { BLUE, ORANGE, WHITE } from "../common.js";
import * as boundary from "../boundary.js";
import * as network from "../network.js";

test("nodeSize shrinks nodes to fit the tallest column, down to 4 px", () => {
  const { nodeSize, TOP, BOTTOM } = network;
  assert.equal(nodeSize([3, 4, 1], 360, 36), 36);
  const s = nodeSize([2, 20, 1], 360, 36);
  assert.ok(s < 36 && 20 * 1.25 * s <= 360 - TOP - BOTTOM);
  assert.ok(360 - TOP - BOTTOM < 20 * 1.25 * (s + 1));
  assert.equal(nodeSize([2, 500, 1], 360, 36), 4);
  assert.equal(nodeSize([], 360, 36), 36);
});

test("nodePositions: columns MX from the edges, nodes centred between TOP and BOTTOM", () => {
  const { nodePositions, MX } = network;
  // the same case as node_positions' doctest in _network_canvas.py
  assert.deepEqual(nodePositions([1, 2], 328, 232, 40), [[64, 124], [264, 99], [264, 149]]);
  const pos = nodePositions([2, 3, 1], 640, 360, 36);
  assert.deepEqual([...new Set(pos.map((p) => p[0]))], [MX, 320, 640 - MX]);
  assert.equal(nodePositions([2], 300, 200, 36)[0][0], 150);  // one column: centred
});

test("fitWidth: width_px where it fits, else the element's width (not below 200 px)", () => {
  const { fitWidth } = network;
  assert.equal(fitWidth(760, 0), 760);  // not laid out yet (a hidden tab): width_px
  assert.equal(fitWidth(760, 1400), 760);
  assert.equal(fitWidth(760, 634), 634);
  assert.equal(fitWidth(640, 120), 200);
});

test("labelStep: input labels at least 12 px apart, every k-th; none past 6", () => {
  const { labelStep, nodeSize } = network;
  assert.equal(labelStep(42.5), 1);  // a 2-D Playground: every input named
  assert.equal(labelStep(12), 1);
  assert.equal(labelStep(10), 2);  // breast_cancer's 30 inputs at 360 px
  const s = nodeSize([64, 8, 10], 360, 34);  // the digits' 64 inputs: every 3rd
  assert.equal(s, 4);
  assert.equal(labelStep(1.25 * s), 3);
  assert.equal(labelStep(1), 0);  // too dense for any: none (a note says so)
  assert.equal(labelStep(0), 0);
});

test("clip: a label cut to the room it has, with an ellipsis", () => {
  const ctx = { measureText: (t) => ({ width: 6 * t.length }) };  // 6 px a character
  assert.equal(network.clip(ctx, "x1", 40), "x1");
  assert.equal(network.clip(ctx, "mean concave points", 48), "mean co…");
  assert.equal(network.clip(ctx, "abc", 4), "");
});

test("segDist: distance from a point to a segment, clamped at its ends", () => {
  const { segDist } = network;
  assert.equal(segDist(5, 3, [0, 0], [10, 0]), 3);
  assert.equal(segDist(-3, 4, [0, 0], [10, 0]), 5);
  assert.equal(segDist(1, 1, [1, 1], [1, 1]), 0);
});

test("network colours: white at 0 and NaN, the palette's ends at -1 and +1", () => {
  const { colour, ENDS, LUT } = network;
  assert.deepEqual(colour(0), WHITE);
  assert.deepEqual(colour(NaN), WHITE);
  assert.deepEqual(colour(-1), ORANGE);
  assert.deepEqual(colour(2), BLUE);
  assert.deepEqual(colour(1, ENDS.red_blue), ENDS.red_blue[1]);
  assert.equal(LUT.length, 256);  // the thumbnails' uint8: 0 orange, 128 white, 255 blue
  assert.deepEqual([LUT[0], LUT[128], LUT[255]], [ORANGE, WHITE, BLUE]);
});

test("boundary: dataToPixel puts the extent inside the margins", () => {
  const { dataToPixel, ML, MT } = boundary, e = [-6, 6, -6, 6];
  assert.deepEqual(dataToPixel(0, 0, e, 300), [180, 158]);  // as data_to_pixel's doctest
  assert.deepEqual(dataToPixel(-6, 6, e, 300), [ML, MT]);
  assert.deepEqual(dataToPixel(6, -6, e, 300), [ML + 300, MT + 300]);
});

test("boundary colour: orange at vmin, white in the middle, blue at vmax, clipped", () => {
  const { colour } = boundary;
  assert.deepEqual(colour(0, 0, 1), ORANGE);
  assert.deepEqual(colour(0.5, 0, 1), WHITE);
  assert.deepEqual(colour(3, 0, 1), BLUE);
  assert.deepEqual(colour(NaN, 0, 1), WHITE);
});
