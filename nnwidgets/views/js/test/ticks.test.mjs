// Unit tests of tickLabel in ../common.js, the canvases' axis and colour-scale labels (run: node
// --test nnwidgets/views/js/test/).
import assert from "node:assert/strict";
import { test } from "node:test";

import { HUGE, TINY, tickLabel } from "../common.js";

const SI = { p: 1e-12, n: 1e-9, "µ": 1e-6, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
// A label read back as a number (U+2212 minus, SI prefix)
const parse = (s) => {
  const unit = SI[s.slice(-1)] || 1;
  return Number(s.replace("−", "-").replace(/[pnµkMGT]$/, "")) * unit;
};

test("tiny axes get SI prefixes: one prefix per axis, chosen by its extent", () => {
  assert.equal(tickLabel(9e-6, 9e-6), "9µ");
  assert.equal(tickLabel(-9e-6, 9e-6), "−9µ");
  assert.equal(tickLabel(9e-6), "9µ");  // the extent defaults to |v|
  assert.equal(tickLabel(5e-7, 1.5e-6), "0.5µ");  // not "500n" next to "1.5µ"
  assert.equal(tickLabel(1.5e-6, 1.5e-6), "1.5µ");
  assert.equal(tickLabel(2.4e-4, 9.7e-4), "240µ");
  assert.equal(tickLabel(1e-11, 1.2e-11), "10p");
  assert.equal(tickLabel(0, 1e-6), "0");
});

test("huge axes get k, M, G", () => {
  assert.equal(tickLabel(12000, 12000), "12k");
  assert.equal(tickLabel(1234, 12345), "1k");
  assert.equal(tickLabel(-1.5e6, 2e6), "−1.5M");
  assert.equal(tickLabel(9999, 9999), "10k");  // rounds up into the next prefix, not "10000"
  assert.equal(tickLabel(3e9, 3e9), "3G");
});

test("in between: two significant digits of the extent, no trailing zeros", () => {
  assert.equal(tickLabel(0.8765, 0.8765), "0.88");
  assert.equal(tickLabel(-0.375, 3.375), "−0.4");
  assert.equal(tickLabel(0.5, 1), "0.5");
  assert.equal(tickLabel(1, 1), "1");
  assert.equal(tickLabel(20.01, 20.01), "20");
  assert.equal(tickLabel(1234, 1234), "1200");
  assert.equal(tickLabel(-0.0099, 0.0099), "−0.0099");
  assert.equal(tickLabel(9.996e-4, 9.996e-4), "0.001");  // rounds up out of the tiny range
  assert.equal(tickLabel(-0.0004, 1), "0");  // rounds to zero: no "−0"
  assert.equal(tickLabel(TINY, TINY), "0.001");
  assert.equal(tickLabel(HUGE / 2, HUGE / 2), "5000");
});

test("past pico and tera: e-notation; non-finite values", () => {
  assert.equal(tickLabel(3e38, 3e38), "3e+38");
  assert.equal(tickLabel(-2e-30, 2e-30), "−2e-30");
  assert.equal(tickLabel(1.7e-23, 1.7e-23), "1.7e-23");  // not "17y"
  assert.equal(tickLabel(0, 1.7e-23), "0");
  assert.equal(tickLabel(5e-13, 9e-12), "0.5p");
  assert.equal(tickLabel(2e15, 2e15), "2e+15");
  assert.equal(tickLabel(NaN, 1), "NaN");
  assert.equal(tickLabel(-Infinity, 1), "−Infinity");
  assert.equal(tickLabel(1, Infinity), "1");
});

test("labels stay short (<= 7 characters, no run of 4 zeros) and read back close", () => {
  for (let e = -12; e <= 11; e += 0.37) {
    const extent = Math.pow(10, e);
    for (const f of [-1, -0.73, -0.5, -0.1234, -0.001, 0, 0.04, 0.25, 0.618, 0.99, 1]) {
      const v = f * extent, s = tickLabel(v, extent);
      assert.ok(s.length <= 7, `${v} on ±${extent}: ${s}`);
      assert.ok(!s.includes("0000"), `${v} on ±${extent}: ${s}`);  // never "0.0000090"
      assert.ok(Math.abs(parse(s) - v) <= 0.051 * extent, `${v} on ±${extent}: ${s}`);
    }
  }
});
