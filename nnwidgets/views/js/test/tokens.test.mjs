// Unit tests of the token strip's pure helpers (../tokens.js): chip colours, notes, texts.
import assert from "node:assert/strict";
import { test } from "node:test";

import { PALE, divergingRGB } from "../common.js";
import * as tokens from "../tokens.js";

test("chipColor: diverging over ±max(|lo|, |hi|), pale at 0, grey without a value", () => {
  const { chipColor } = tokens;
  assert.deepEqual(chipColor(0, -0.9, 0.9).rgb, PALE);
  assert.deepEqual(chipColor(0.9, -0.9, 0.9).rgb, divergingRGB(1));
  assert.deepEqual(chipColor(-0.45, -0.9, 0.9).rgb, divergingRGB(-0.5));
  assert.deepEqual(chipColor(-0.5, -0.1, 1).rgb, divergingRGB(-0.5));  // one scale both sides
  assert.deepEqual(chipColor(3, -1, 1).rgb, divergingRGB(1));  // clamped beyond the range
  assert.deepEqual(chipColor(0.5, 0, 0).rgb, divergingRGB(0.5));  // an empty range: ±1
  for (const v of [undefined, NaN, Infinity]) {
    assert.deepEqual(chipColor(v, -1, 1), { rgb: [221, 221, 221], ink: "#333" });
  }
});

test("chipColor: white text on strong colours, dark text on pale ones", () => {
  const { chipColor, INK_FLIP } = tokens;
  assert.equal(chipColor(0.1, -1, 1).ink, "#222");
  assert.equal(chipColor(-0.9, -1, 1).ink, "#fff");
  assert.equal(chipColor(INK_FLIP, -1, 1).ink, "#fff");
  assert.equal(chipColor(INK_FLIP - 0.01, -1, 1).ink, "#222");
});

test("unknownNote: nothing without unknown words; singular and plural", () => {
  const { unknownNote } = tokens;
  assert.equal(unknownNote([]), "");
  assert.equal(unknownNote([false, false]), "");
  assert.equal(unknownNote([false, true]), "1 unknown word (shown dashed) is read as <unk>");
  assert.equal(unknownNote([true, false, true]),
    "2 unknown words (shown dashed) are read as <unk>");
});

test("valueText reads back as the very float32; tipText is 'word · value'", () => {
  const { valueText, tipText } = tokens;
  const v = new Float32Array([0.3, -0.8, 1e-7]);
  for (const x of v) assert.equal(Math.fround(Number(valueText(x))), x);
  assert.equal(valueText(undefined), "");
  assert.equal(valueText(NaN), "NaN");
  assert.equal(tipText("bad", v[1]), "bad · -0.8000");
  assert.equal(tipText("<b>", undefined), "<b> · no value");  // shown as text, never as HTML
});

test("drawBar: the bar's pixels, ticks at round values within it, the title under it", () => {
  const calls = [];
  const ctx = {
    fillRect: (x, y, w, h) => calls.push(["rect", x, y, w, h]),
    strokeRect: () => {}, fillText: (t, x, y) => calls.push(["text", t, x, y]),
  };
  tokens.drawBar(ctx, 6, 0, 160, -0.9, 0.9, "attribution");
  const texts = calls.filter((c) => c[0] === "text").map((c) => c[1]);
  assert.equal(texts.at(-1), "attribution");
  assert.ok(texts.includes("0") && texts.length >= 3, String(texts));
  for (const [, , x] of calls.filter((c) => c[0] === "text")) assert.ok(x >= 6 && x <= 166);
  assert.equal(calls.filter((c) => c[0] === "rect" && c[4] === tokens.BAR).length, 160);
});
