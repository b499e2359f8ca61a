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

// Labels by the node stand-in for ctx.measureText: CHAR px a character
const width = (s) => matrix.CHAR * s.length;
const WORDS = "the plot was not bad but the ending was really dull".split(" ");

test("niceStep: the smallest 1, 2 or 5 times a power of ten at least x, 1 at least", () => {
  const { niceStep } = matrix;
  assert.deepEqual([0.3, 1, 1.5, 2, 2.01, 3.6, 5, 7, 12, 49, 51].map(niceStep),
    [1, 1, 2, 2, 5, 5, 5, 10, 20, 50, 100]);
});

test("indexTicks: thinned to a rounder step where the labels would overlap (cells < 8 px)", () => {
  const { indexTicks, TICK_GAP } = matrix;
  assert.deepEqual(indexTicks(12), [0, 2, 4, 6, 8, 10]);  // wide cells: as before
  assert.deepEqual(indexTicks(12, 30, 18), [0, 2, 4, 6, 8, 10]);
  // 12 columns of 5 px: "8" and "10" 10 px apart overlapped; now 5 indices (25 px) apart
  assert.deepEqual(indexTicks(12, 5, width("11") + TICK_GAP), [0, 5, 10]);
  assert.deepEqual(indexTicks(7, 2, 12), [0, 10].filter((v) => v < 7));  // only 0 fits
  for (const n of [2, 3, 7, 12, 24, 64, 100, 300, 1000, 150528]) {
    for (const pitch of [0.25, 1, 3, 5, 7.5, 8, 12, 40]) {
      const room = width(String(n - 1)) + TICK_GAP, t = indexTicks(n, pitch, room);
      assert.equal(t[0], 0);
      assert.ok(t.every((v) => Number.isInteger(v) && v <= n - 1), `${n} ${pitch}: ${t}`);
      for (let k = 1; k < t.length; k++) {
        assert.ok((t[k] - t[k - 1]) * pitch >= room - 1e-9, `${n} ${pitch}: ${t}`);
      }
    }
  }
});

test("thin: every k-th name from the first, the smallest k that leaves room", () => {
  const { thin } = matrix;
  assert.deepEqual(thin(4, 20, 12), [0, 1, 2, 3]);
  assert.deepEqual(thin(4, 12, 12), [0, 1, 2, 3]);  // exactly a line apart: every one
  assert.deepEqual(thin(10, 5, 12), [0, 3, 6, 9]);
  assert.deepEqual(thin(10, 10, 12), [0, 2, 4, 6, 8]);
  assert.deepEqual(thin(1, 1, 12), [0]);
});

test("columnLabels: flat when they fit, turned 45° or upright, else thinned; no overlap", () => {
  const { columnLabels, LINE, GAP } = matrix;
  const widths = WORDS.map(width);  // "really", "ending": 36 px
  const all = WORDS.map((_, i) => i);
  assert.deepEqual(columnLabels(widths, 40), { angle: 0, shown: all });  // wide cells: flat
  assert.deepEqual(columnLabels(widths, 30), { angle: Math.PI / 4, shown: all });
  assert.deepEqual(columnLabels(widths, LINE * Math.SQRT2), { angle: Math.PI / 4, shown: all });
  assert.deepEqual(columnLabels(widths, 12), { angle: Math.PI / 2, shown: all });  // upright
  assert.deepEqual(columnLabels(widths, 10), { angle: Math.PI / 2, shown: [0, 2, 4, 6, 8, 10] });
  assert.deepEqual(columnLabels(["a", "b"].map(width), 12), { angle: 0, shown: [0, 1] });
  assert.deepEqual(columnLabels([width("word")], 1), { angle: 0, shown: [0] });  // one: flat
  for (const pitch of [0.5, 3, 7, 11, 12, 16, 17, 25, 33, 45]) {
    const { angle, shown } = columnLabels(widths, pitch);
    for (let k = 1; k < shown.length; k++) {
      const [a, b] = [shown[k - 1], shown[k]], apart = (b - a) * pitch;
      if (angle === 0) assert.ok(apart >= (widths[a] + widths[b]) / 2 + GAP, String(pitch));
      else assert.ok(apart * Math.sin(angle) >= LINE - 1e-9, String(pitch));  // parallel lines
    }
  }
});

test("labelBox: flat centred; turned, the text ends at the anchor and runs down-left", () => {
  const { labelBox, LINE } = matrix;
  assert.deepEqual(labelBox(30, 0), { left: 15, right: 15, down: LINE });
  const up = labelBox(30, Math.PI / 2);
  assert.ok(Math.abs(up.left - LINE / 2) < 1e-9 && Math.abs(up.down - 30) < 1e-9);
  const slant = labelBox(30, Math.PI / 4), r = Math.SQRT1_2;
  assert.ok(Math.abs(slant.left - (30 * r + (LINE / 2) * r)) < 1e-9);
  assert.ok(Math.abs(slant.down - (30 * r + LINE * r)) < 1e-9);
});

// Every label's box inside the canvas, beside or under the map, not on it
function assertInside(g, o) {
  const { labelBox, LABEL } = matrix;
  for (const c of g.labels.cols) {
    const b = labelBox(c.w, g.labels.angle), x = g.x0 + c.x;
    assert.ok(x - b.left >= 0 && x + b.right <= g.W, `column ${c.text}: ${x - b.left}, ${g.W}`);
    assert.ok(g.y0 + g.h + 3 + b.down <= g.y0 + g.h + g.depth + 1e-9, `column ${c.text}`);
  }
  for (const r of g.labels.rows) {
    const left = g.x0 - 4 - r.w;
    assert.ok(left >= (o.y_label && g.rotated ? LABEL : 0), `row ${r.text}: ${left}`);
  }
  assert.ok(g.below <= g.H);
}

test("layout with names: the margins grow to the names, nothing is cut off", () => {
  const { layout, LINE } = matrix;
  const base = { fr: 1, fc: 1, cell_px: 0, axes: true, x_label: "key", y_label: "query",
    color_label: "attention weight", rows: 11, cols: 11, row_names: WORDS, col_names: WORDS };
  const big = layout({ ...base, width_px: 360, height_px: 360 });  // ~33 px cells: 45°
  assert.equal(big.labels.angle, Math.PI / 4);
  assert.deepEqual(big.labels.cols.map((c) => c.text), WORDS);
  assert.deepEqual(big.labels.rows.map((r) => r.text), WORDS);
  assert.equal(big.x0, 14 + 6 * 6 + 8);  // the rotated title, "really" and a gap
  assert.ok(big.depth > 16 && big.depth >= 3 + 36 * Math.SQRT1_2);
  assertInside(big, base);
  const wide = layout({ ...base, width_px: 800, height_px: 800 });  // 72 px cells: flat
  assert.ok(wide.labels.angle === 0 && wide.depth === 16);
  assertInside(wide, base);
  const tall = layout({ ...base, rows: 32, row_names: [], width_px: 380, height_px: 384 });
  assert.equal(tall.labels.angle, Math.PI / 2);  // 12 px cells: every word upright
  assert.equal(tall.labels.cols.length, 11);
  assert.deepEqual(tall.labels.rows.map((r) => r.text), ["0", "10", "20", "30"]);
  assert.ok(tall.depth >= 36 + 3 && tall.x0 === 14 + 34);  // index rows: the usual margin
  assertInside(tall, base);
  const packed = layout({ ...base, rows: 64, row_names: [], width_px: 380, height_px: 640 });
  assert.deepEqual(packed.labels.cols.map((c) => c.i), [0, 2, 4, 6, 8, 10]);  // 10 px: thinned
  assertInside(packed, base);
  // a long first name turned down-left past the map: the left margin grows for it
  const long = ["internationalisation", ...WORDS.slice(1)];
  const o = { ...base, col_names: long, row_names: [], width_px: 200, height_px: 200 };
  const g = layout(o);
  assert.ok(g.x0 > 48 && g.labels.angle > 0, String(g.x0));
  assertInside(g, o);
  // names whose count is not the matrix's: index ticks (the page never indexes past them)
  const off = layout({ ...base, col_names: WORDS.slice(1), width_px: 360, height_px: 360 });
  assert.deepEqual(off.labels.cols.map((c) => c.text), ["0", "2", "4", "6", "8", "10"]);
  assert.ok(LINE >= 11);
});

test("layout: index ticks of narrow cells are thinned; wide row indices widen the margin", () => {
  const { layout } = matrix;
  const base = { fr: 1, fc: 1, cell_px: 5, width_px: 320, height_px: 320, axes: true,
    x_label: "", y_label: "", color_label: "" };
  const g = layout({ ...base, rows: 12, cols: 12 });
  assert.deepEqual(g.labels.cols.map((c) => c.text), ["0", "5", "10"]);  // 16 px a label
  assert.deepEqual(g.labels.rows.map((r) => r.text), ["0", "2", "4", "6", "8", "10"]);
  const single = layout({ ...base, rows: 3, cols: 6, cell_px: 10 });  // "0" .. "5": 10 px do
  assert.deepEqual(single.labels.cols.map((c) => c.i), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(single.labels.rows.map((r) => r.i), [0, 1, 2]);
  const narrow = layout({ ...base, rows: 3, cols: 6, cell_px: 7.5 });  // under 8 px: thinned
  assert.deepEqual(narrow.labels.cols.map((c) => c.i), [0, 2, 4]);
  assert.deepEqual(narrow.labels.rows.map((r) => r.i), [0, 2]);
  assertInside(g, base);
  // 150528 rows in 256 blocks: six-digit row indices need more than the usual 34 px
  const deep = layout({ ...base, cell_px: 0, rows: 150528, cols: 10, fr: 588, fc: 1 });
  assert.ok(deep.x0 >= 6 * 6 + 8, String(deep.x0));
  assertInside(deep, base);
});

test("layout without a colour bar: no room kept for it, no minimum width", () => {
  const { layout, PAD, MIN_BAR } = matrix;
  const o = { fr: 1, fc: 1, cell_px: 0, width_px: 120, height_px: 120, axes: false,
    x_label: "", y_label: "", color_label: "", rows: 11, cols: 11, color_bar: false };
  const g = layout(o);
  assert.ok(!g.bar && g.barW === 0);
  assert.deepEqual([g.x0, g.W, g.H], [PAD, 120 + 2 * PAD, 20 + 120 + PAD]);
  const withBar = layout({ ...o, color_bar: true });
  assert.ok(withBar.bar && withBar.barW === MIN_BAR && withBar.H > g.H + 20);
  assert.deepEqual(layout({ ...o, width_px: 30, height_px: 30 }).W, 30 + 2 * PAD);
});

test("cellText / tipText: names with the axis titles; indices as before without names", () => {
  const { cellText, tipText } = matrix;
  const o = { rows: 11, cols: 11, fr: 1, fc: 1, x_label: "key", y_label: "query",
    row_names: WORDS, col_names: WORDS };
  assert.equal(tipText(o, 3, 4, 0.42314), "query 'not' · key 'bad': 0.4231");
  assert.equal(cellText(o, 6, 0, true), "query 6 'the' · key 0 'the'");  // the table: indices
  const steps = { ...o, rows: 32, x_label: "step", y_label: "unit", row_names: [] };
  assert.equal(tipText(steps, 2, 10, -1), "unit 2 · step 'dull': -1.000");
  const plain = { rows: 64, cols: 32, fr: 1, fc: 1, x_label: "unit", y_label: "input",
    row_names: [], col_names: [] };
  assert.equal(tipText(plain, 3, 5, 0.5), "row 3, col 5: 0.5000");
  assert.equal(cellText(plain, 3, 5, true), "(3, 5)");
  const blocked = { ...plain, rows: 65536, fr: 256, col_names: [] };
  assert.equal(tipText(blocked, 1, 2, 2), "row 256–511, col 2: peak 2.000");
  assert.equal(cellText(blocked, 1, 2, true), "rows 256–511, cols 2 (peak)");
  assert.equal(tipText({ ...o, col_names: ["a"] }, 0, 0, 1), "query 'the' · key 0: 1.000");
});
