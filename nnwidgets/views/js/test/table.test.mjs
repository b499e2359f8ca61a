// Unit tests of the exact-values table helpers in ../common.js (the browser builds the tables).
import assert from "node:assert/strict";
import { test } from "node:test";

import { TABLE_LIMIT, TABLE_TOP, escapeHtml, number, tableBody, topIndices } from "../common.js";

test("number prints as Python's %.6g does", () => {
  // expected strings: f"{v:.6g}" in Python for the same doubles
  const cases = [[0, "0"], [-0, "-0"], [1, "1"], [-1, "-1"], [1 / 3, "0.333333"],
    [123456, "123456"], [1234567, "1.23457e+06"], [0.0001, "0.0001"],
    [0.00001234567, "1.23457e-05"], [1e-7, "1e-07"], [-2.5e10, "-2.5e+10"],
    [999999.5, "1e+06"], [0.1 + 0.2, "0.3"], [100, "100"], [1e21, "1e+21"],
    [Math.fround(0.1), "0.1"], [NaN, "nan"], [Infinity, "inf"], [-Infinity, "-inf"]];
  for (const [v, want] of cases) assert.equal(number(v), want, String(v));
});

test("topIndices keeps the k largest |value| in index order, ties to the lower index", () => {
  assert.deepEqual(topIndices([1, -5, 3, NaN, 5], 3), [1, 2, 4]);
  assert.deepEqual(topIndices(new Float32Array([2, -2, 2]), 2), [0, 1]);
});

test("tableBody lists every value, or the largest |value| of a long vector with a note", () => {
  const short = tableBody((i) => ["a<b", "c"][i], [1.5, -2]);
  assert.equal(short, '<table><tr data-index="0"><td>a&lt;b</td><td class="nnw-v">1.5</td></tr>' +
    '<tr data-index="1"><td>c</td><td class="nnw-v">-2</td></tr></table>');
  const long = Float32Array.from({ length: TABLE_LIMIT + 1 }, (_, i) => (i % 7) - 3 + i / 1e4);
  const html = tableBody((i) => `f${i}`, long);
  assert.match(html, new RegExp(`showing the ${TABLE_TOP} largest \\|value\\| of ${long.length}`));
  assert.equal(html.match(/<tr /g).length, TABLE_TOP);
  assert.equal(escapeHtml("\"'&"), "&quot;&#x27;&amp;");
});
