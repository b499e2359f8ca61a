// Unit tests of the pure helpers in ../common.js (run: node --test nnwidgets/views/js/test/).
import assert from "node:assert/strict";
import { test } from "node:test";

import { BLUE_DARK, PALE, RED, arr, diverging, inNextFrame, steady, ticks } from "../common.js";

test("arr reads a DataView in place when aligned", () => {
  const f = new Float32Array([1.5, -2, 3]);
  const a = arr(new DataView(f.buffer, 4, 8), Float32Array);
  assert.deepEqual(Array.from(a), [-2, 3]);
  a[0] = 7;
  assert.equal(f[1], 7);  // the same memory, no copy
});

test("arr copies a misaligned view and drops a trailing partial element", () => {
  const bytes = new Uint8Array(11);
  new DataView(bytes.buffer).setFloat32(1, 0.25, true);
  new DataView(bytes.buffer).setFloat32(5, -4, true);
  assert.deepEqual(Array.from(arr(new DataView(bytes.buffer, 1, 10), Float32Array)), [0.25, -4]);
});

test("arr accepts an ArrayBuffer and typed arrays; anything else is empty", () => {
  assert.deepEqual(Array.from(arr(new Uint8Array([1, 2, 3]).buffer, Uint8Array)), [1, 2, 3]);
  assert.deepEqual(Array.from(arr(new Uint8Array([4, 5]), Uint8Array)), [4, 5]);
  for (const v of [null, undefined, "", [1, 2], { byteLength: 4 }]) {
    assert.equal(arr(v, Float32Array).length, 0);
  }
});

test("diverging runs pale -> red below 0 and pale -> dark blue above, clipped at |f| = 1", () => {
  const rgb = (c) => `rgb(${c.join(",")})`;
  assert.equal(diverging(0), rgb(PALE));
  assert.equal(diverging(-1), rgb(RED));
  assert.equal(diverging(1), rgb(BLUE_DARK));
  assert.equal(diverging(5), rgb(BLUE_DARK));
  assert.equal(diverging(-0.5), rgb(PALE.map((p, i) => Math.round(p + (RED[i] - p) / 2))));
});

test("steady keeps 0 inside and its domain until the data leave or shrink", () => {
  assert.deepEqual(steady(null, 1, 3), [0, 3.375]);  // 0 included, 12.5% padding where bars go
  assert.deepEqual(steady(null, -3, -1), [-3.375, 0]);
  assert.deepEqual(steady(null, -1, 3), [-1.5, 3.5]);
  assert.deepEqual(steady(null, 0, 0), [-0.125, 0.125]);
  const d = steady(null, -2, 2);
  assert.equal(steady(d, -1.5, 1.5), d);  // inside and >= 60% of the span: unchanged
  assert.notEqual(steady(d, -0.5, 0.5), d);  // shrunk: rescaled
  assert.notEqual(steady(d, -2, 5), d);  // left the domain: rescaled
});

test("ticks are round steps of 1, 2 or 5 covering the range", () => {
  assert.deepEqual(ticks(-6, 6), [-6, -4, -2, 0, 2, 4, 6]);
  assert.deepEqual(ticks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(ticks(-1.5, 1.5), [-1.5, -1, -0.5, 0, 0.5, 1, 1.5]);
  assert.deepEqual(ticks(0, 3), [0, 0.5, 1, 1.5, 2, 2.5, 3]);
  assert.deepEqual(ticks(-0.07, 0.07), [-0.05, 0, 0.05]);  // step 0.05 >= 0.14 / 6
});

test("inNextFrame draws once per frame however often it is called", () => {
  const frames = [];
  globalThis.requestAnimationFrame = (f) => frames.push(f);
  try {
    let drawn = 0;
    const schedule = inNextFrame(() => drawn++);
    schedule(); schedule(); schedule();
    assert.equal(frames.length, 1);
    frames.shift()();
    assert.equal(drawn, 1);
    schedule();
    assert.equal(frames.length, 1);
  } finally {
    delete globalThis.requestAnimationFrame;
  }
});
