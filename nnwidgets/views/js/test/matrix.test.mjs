// Unit tests of the matrix heat map's pure helpers (../matrix.js): colours, index ticks, layout.
import assert from "node:assert/strict";
import { test } from "node:test";

import { PALE, divergingRGB } from "../common.js";
import * as matrix from "../matrix.js";

test("divergingRGB: pale white at 0, the full red / blue at -1 / +1, clamped beyond", () => {
  assert.deepEqual(divergingRGB(0), PALE);
  assert.deepEqual(divergingRGB(-1), [178, 24, 43]);
  assert.deepEqual(divergingRGB(1), [33, 102, 172]);
  assert.deepEqual(divergingRGB(7), divergingRGB(1));
});

test("viridisRGB: its end stops at 0 and 1, in between interpolated, clamped outside", () => {
  const { viridisRGB, VIRIDIS } = matrix;
  assert.deepEqual(viridisRGB(0), VIRIDIS[0]);
  assert.deepEqual(viridisRGB(1), VIRIDIS[8]);
  assert.deepEqual(viridisRGB(0.5), VIRIDIS[4]);
  assert.deepEqual(viridisRGB(-3), VIRIDIS[0]);
  const mid = viridisRGB(1 / 16);  // halfway between the first two stops
  assert.deepEqual(mid, [70, 23, 103]);
});

test("colorOf: diverging is symmetric over max |lo|, |hi|; viridis spans lo..hi; NaN none", () => {
  const { colorOf, viridisRGB } = matrix;
  assert.deepEqual(colorOf(2, "diverging", -4, 4), divergingRGB(0.5));
  assert.deepEqual(colorOf(-4, "diverging", -1, 4), divergingRGB(-1));
  assert.deepEqual(colorOf(3, "viridis", 1, 5), viridisRGB(0.5));
  assert.deepEqual(colorOf(1, "viridis", 1, 1), viridisRGB(0.5));  // a constant map: mid colour
  assert.equal(colorOf(NaN, "diverging", -1, 1), null);
  assert.equal(colorOf(Infinity, "viridis", 0, 1), null);
  assert.deepEqual(colorOf(1e-6, "diverging", -2e-6, 2e-6), divergingRGB(0.5));  // tiny scales
});

test("indexTicks: whole indices from 0, never past the last, a handful", () => {
  const { indexTicks } = matrix;
  assert.deepEqual(indexTicks(0), []);
  assert.deepEqual(indexTicks(1), [0]);
  assert.deepEqual(indexTicks(3), [0, 1, 2]);
  const t = indexTicks(64);
  assert.equal(t[0], 0);
  assert.ok(t.at(-1) <= 63 && t.length >= 3 && t.length <= 8, String(t));
  assert.ok(t.every(Number.isInteger));
  assert.ok(indexTicks(150528).every((v) => Number.isInteger(v) && v <= 150527));
});

test("layout: square cells fit the box, a fixed cell size wins, the bar at least MIN_BAR", () => {
  const { layout, MIN_BAR, PAD } = matrix;
  const base = { fr: 1, fc: 1, cell_px: 0, width_px: 320, height_px: 320, axes: true,
    x_label: "unit", y_label: "input", color_label: "weight" };
  const g = layout({ ...base, rows: 64, cols: 32 });
  assert.equal(g.cell, 5);  // 320 / 64 rows
  assert.deepEqual([g.w, g.h], [160, 320]);
  assert.ok(g.x0 + g.w <= g.W && g.y0 + g.h < g.below && g.below < g.H);
  assert.ok(g.barW >= MIN_BAR && g.barX >= PAD - 1e-9 && g.barX + g.barW <= g.W);
  const one = layout({ ...base, rows: 10, cols: 1 });  // a column: the bar still 120 px wide
  assert.equal(one.barW, MIN_BAR);
  assert.ok(one.W >= MIN_BAR + 2 * PAD);
  const blocked = layout({ ...base, rows: 65536, cols: 10, fr: 256, fc: 1 });
  assert.deepEqual([blocked.rows, blocked.cols], [256, 10]);
  assert.equal(blocked.cell, 1.25);
  assert.ok(g.rotated);  // "input" fits up the left side of a 320 px map
  const flat = layout({ ...base, rows: 3, cols: 24, y_label: "input channel (kh rows each)" });
  assert.ok(!flat.rotated && flat.x0 === 34);  // a 40 px map: the row title goes underneath
  assert.equal(flat.below - flat.y0 - flat.h, 16 + 2 * 14);
  const fixed = layout({ ...base, rows: 16, cols: 32, cell_px: 10, axes: false });
  assert.deepEqual([fixed.cell, fixed.w, fixed.x0], [10, 320, PAD]);
});
