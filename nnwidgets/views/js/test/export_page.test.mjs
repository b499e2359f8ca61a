// Unit tests of the static export's page helpers (../export_page.js) and of the picture's file
// name (pngName in ../common.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { pngName } from "../common.js";
import { dataView, staticModel, widgetOf, withBuffers } from "../export_page.js";

test("pngName makes a short slug without the nnw- prefix", () => {
  assert.equal(pngName("nnw-heat-canvas"), "heat-canvas.png");
  assert.equal(pngName("Integrated gradients · class 9"), "integrated-gradients-class-9.png");
  assert.equal(pngName("  --dense_1.w (2, 4)-- "), "dense-1-w-2-4.png");
  for (const empty of ["", "···", null, undefined]) assert.equal(pngName(empty), "picture.png");
  assert.equal(pngName("x".repeat(200)), "x".repeat(60) + ".png");
});

test("dataView decodes base64 into a DataView of its own buffer", () => {
  const f = new Float32Array([1.5, -2]);
  const b64 = globalThis.btoa(String.fromCharCode(...new Uint8Array(f.buffer)));
  const v = dataView(b64);
  assert.ok(v instanceof DataView);
  assert.equal(v.byteOffset, 0);
  assert.deepEqual(Array.from(new Float32Array(v.buffer)), [1.5, -2]);
  assert.equal(dataView("").byteLength, 0);
});

test("withBuffers puts each binary part back at its path", () => {
  const state = { values: null, nested: { parts: [0, null] }, other: 3 };
  const out = withBuffers(state, [["values"], ["nested", "parts", 1]], ["AQID", "BA=="]);
  assert.deepEqual(Array.from(new Uint8Array(out.values.buffer)), [1, 2, 3]);
  assert.deepEqual(Array.from(new Uint8Array(out.nested.parts[1].buffer)), [4]);
  assert.equal(out.other, 3);
});

test("staticModel returns the saved values and ignores every change", () => {
  const m = staticModel({ a: 1 });
  assert.equal(m.get("a"), 1);
  assert.equal(m.get("missing"), undefined);
  m.set("a", 2); m.save_changes(); m.send({}); m.on("change:a", () => {}); m.off();
  assert.equal(m.get("a"), 1);
});

test("widgetOf accepts anywidget's module forms", async () => {
  const render = () => {};
  assert.equal((await widgetOf({ default: { render } })).render, render);
  assert.equal((await widgetOf({ default: async () => ({ render }) })).render, render);
  assert.equal((await widgetOf({ render })).render, render);
});
