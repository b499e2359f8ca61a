// Unit tests of the pure helpers in ../common.js (run: node --test nnwidgets/views/js/test/).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  BAR_TICKS, BLUE_DARK, PALE, RED, arr, barTicks, colorBar, diverging, endTicks, inNextFrame,
  steady, ticks,
} from "../common.js";

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

test("barTicks: round values inside the range, at their place on the bar, one per ~40 px", () => {
  const marks = barTicks(-0.9, 0.9, 160);
  assert.deepEqual(marks.map((m) => m.text), ["−0.5", "0", "0.5"]);
  for (const m of marks) assert.equal(m.align, "center");
  assert.deepEqual(marks.map((m) => +m.x.toFixed(6)), [160 * 0.4 / 1.8, 80, 160 * 1.4 / 1.8]
    .map((x) => +x.toFixed(6)));
  const wide = barTicks(0, 10, 400), narrow = barTicks(0, 10, 80);  // 0, 2, ..., 10
  assert.deepEqual(wide.map((m) => m.text), ["0", "2", "4", "6", "8", "10"]);
  assert.deepEqual(wide.map((m) => m.x), [0, 80, 160, 240, 320, 400]);
  assert.deepEqual(narrow.map((m) => m.text), ["0", "6"]);  // every third: two fit in 80 px
  for (const m of barTicks(-3e-6, 2e-5, 200)) assert.ok(m.x >= 0 && m.x <= 200);
  assert.ok(barTicks(-3e-6, 2e-5, 200).every((m) => m.text.endsWith("µ") || m.text === "0"));
});

test("barTicks: an empty range has one label, its value, in the middle", () => {
  assert.deepEqual(barTicks(0.5, 0.5, 120), [{ x: 60, text: "0.5", align: "center" }]);
  assert.deepEqual(barTicks(0, 0, 100), [{ x: 50, text: "0", align: "center" }]);
});

test("endTicks: −limit at the left end, 0 in the middle, +limit at the right end", () => {
  assert.deepEqual(endTicks(3.9, 256), [{ x: 0, text: "−3.9", align: "left" },
    { x: 128, text: "0", align: "center" }, { x: 256, text: "+3.9", align: "right" }]);
  assert.equal(endTicks(2e-5, 10)[2].text, "+20µ");
});

// A 2-D context that records what is drawn: ["rect", x, y, w, h, fill], ["text", t, x, y, align]
function recorder() {
  const calls = [];
  const ctx = {
    fillStyle: "", strokeStyle: "", lineWidth: 0, textAlign: "", textBaseline: "",
    fillRect(x, y, w, h) { calls.push(["rect", x, y, w, h, this.fillStyle]); },
    strokeRect(x, y, w, h) { calls.push(["frame", x, y, w, h, this.strokeStyle]); },
    fillText(t, x, y) { calls.push(["text", t, x, y, this.textAlign]); },
  };
  return { ctx, calls };
}

test("colorBar: a column per px coloured at its centre, a frame, notched ticks, the label", () => {
  const { ctx, calls } = recorder(), seen = [];
  const color = (v) => { seen.push(v); return v < 0 ? [255, 0, 0] : "#00f"; };
  colorBar(ctx, { x: 10, y: 20, w: 4, h: 8, lo: -2, hi: 2, color, label: "weight" });
  assert.deepEqual(seen, [-1.5, -0.5, 0.5, 1.5]);
  assert.deepEqual(calls.slice(0, 5), [
    ["rect", 10, 20, 1, 8, "rgb(255,0,0)"], ["rect", 11, 20, 1, 8, "rgb(255,0,0)"],
    ["rect", 12, 20, 1, 8, "#00f"], ["rect", 13, 20, 1, 8, "#00f"],
    ["frame", 10.5, 20.5, 3, 7, "#aaa"]]);
  const marks = barTicks(-2, 2, 4), texts = calls.filter((c) => c[0] === "text");
  assert.deepEqual(texts.slice(0, -1).map((c) => c.slice(1, 4)),
    marks.map((m) => [m.text, 10 + m.x, 31]));  // 3 px under the strip
  assert.deepEqual(calls.filter((c) => c[0] === "rect" && c[4] === 3).map((c) => c[1]),
    marks.map((m) => 10 + m.x));  // a notch on each
  assert.deepEqual(texts.at(-1), ["text", "weight", 12, 28 + BAR_TICKS, "center"]);
});

test("colorBar: grey where the scheme has no colour; given marks, no label, centred notch", () => {
  const { ctx, calls } = recorder();
  colorBar(ctx, { x: 0, y: 0, w: 2, h: 9, lo: -1, hi: 1, color: () => null,
    marks: endTicks(1, 2) });
  assert.deepEqual(calls.slice(0, 2).map((c) => c[5]), ["rgb(221,221,221)", "rgb(221,221,221)"]);
  assert.deepEqual(calls.filter((c) => c[0] === "text").map((c) => [c[1], c[2], c[4]]),
    [["−1", 0, "left"], ["0", 1, "center"], ["+1", 2, "right"]]);
  assert.deepEqual(calls.filter((c) => c[0] === "rect" && c[4] === 3).map((c) => c[1]), [1]);
});
