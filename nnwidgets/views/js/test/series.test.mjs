// Unit tests of the series editor's pure helpers (../series.js): layout, the pointer's hit
// test and value, drags across steps, ticks, shade bands and texts.
import assert from "node:assert/strict";
import { test } from "node:test";

import { PALE, divergingRGB } from "../common.js";
import * as series from "../series.js";

const measure = (s) => 6 * s.length;  // ~6 px a character of an 11 px label
const geometry = (steps, channels, extra = {}) => series.layout({
  W: 420, height_px: 220, steps, channels, title: "a title", names: ["sin", "cos"],
  color_label: "attribution", shaded: false, measure, ...extra,
});

test("layout: the plot inside the canvas, the colour bar below only with a shade", () => {
  const { LEFT, RIGHT } = series;
  const g = geometry(32, 2);
  assert.deepEqual([g.x0, g.w], [LEFT, 420 - LEFT - RIGHT]);
  assert.equal(g.legend.rows, 1);
  assert.ok(g.top < g.y0 && g.y0 + g.h < g.below && g.below <= g.H && g.H <= 220, String(g.H));
  const s = geometry(32, 2, { shaded: true });
  assert.equal(s.h, g.h);  // the bar adds room below; the chart keeps its size
  assert.ok(s.barY >= s.below && s.H > g.H && s.barW === 160);
  const narrow = geometry(32, 2, { W: 200, shaded: true });
  assert.ok(narrow.barW <= narrow.w);
});

test("legendRows: items in a row while they fit, then a new row", () => {
  const { legendRows } = series;
  const one = legendRows(["sin", "cos"], 2, 44, 364, measure);
  assert.equal(one.rows, 1);
  assert.deepEqual(one.items.map((i) => i.row), [0, 0]);
  assert.ok(one.items[1].x > one.items[0].x);
  const names = ["a long channel name", "another long name", "third one here"];
  const two = legendRows(names, 3, 44, 200, measure);
  assert.deepEqual(two.items.map((i) => i.row), [0, 1, 2]);
  assert.equal(two.items[1].x, 44);
  assert.equal(legendRows([], 0, 0, 100, measure).rows, 0);
  assert.equal(series.channelName(["sin"], 1), "channel 1");
  assert.equal(series.channelName(["sin", ""], 1), "channel 1");
  assert.equal(series.channelName(["sin"], 0), "sin");
});

test("fitWidth: width_px where it fits, else the element's width, not below MIN_W", () => {
  const { fitWidth, MIN_W } = series;
  assert.equal(fitWidth(420, 0), 420);
  assert.equal(fitWidth(420, 1400), 420);
  assert.equal(fitWidth(420, 300), 300);
  assert.equal(fitWidth(420, 100), MIN_W);
});

test("xOf / stepAt: steps at the centres of equal columns; any x maps to a step", () => {
  const { xOf, stepAt } = series;
  const g = geometry(32, 2);
  const col = g.w / 32;
  assert.equal(xOf(0, g), g.x0 + col / 2);
  for (let t = 0; t < 32; t++) {
    assert.equal(stepAt(xOf(t, g), g), t);
    assert.equal(stepAt(xOf(t, g) + 0.49 * col, g), t);
  }
  assert.equal(stepAt(g.x0 - 50, g), 0);  // clamped: a drag may leave the plot
  assert.equal(stepAt(g.x0 + g.w + 50, g), 31);
});

test("yOf / valueAt: inverse inside [lo, hi], clamped outside, float32", () => {
  const { yOf, valueAt, INSET } = series;
  const g = geometry(32, 2);
  assert.equal(yOf(1, g, -1, 1), g.y0 + INSET);
  assert.equal(yOf(-1, g, -1, 1), g.y0 + g.h - INSET);
  for (const v of [-1, -0.25, 0, 0.5, 1]) {
    assert.ok(Math.abs(valueAt(yOf(v, g, -1, 1), g, -1, 1) - v) < 1e-6);
  }
  assert.equal(valueAt(g.y0 - 40, g, -1, 1), 1);
  assert.equal(valueAt(g.y0 + g.h + 40, g, -1, 1), -1);
  assert.equal(valueAt(-1000, g, -2, 3), 3);
  const v = valueAt(g.y0 + 33.3, g, -1, 1);
  assert.equal(Math.fround(v), v);
});

test("hitPoint: the point within HIT px, the nearer channel of two, none farther away", () => {
  const { hitPoint, xOf, yOf, HIT } = series;
  const g = geometry(4, 2);
  const values = new Float32Array([0, 0.5, 0.2, 0.3, 0.4, -0.4, -1, 1]);  // steps x channels
  const [x, y] = [xOf(2, g), yOf(Math.fround(-0.4), g, -1, 1)];
  assert.deepEqual(hitPoint(x, y, values, g, -1, 1), { step: 2, channel: 1, d: 0 });
  const h = hitPoint(x + 3, y - 4, values, g, -1, 1);
  assert.deepEqual([h.step, h.channel, h.d], [2, 1, 5]);
  assert.equal(hitPoint(x, y + HIT + 1, values, g, -1, 1), null);
  // step 1's points at 0.2 and 0.3: a pointer nearer 0.3's gets channel 1
  const y2 = yOf(0.2, g, -1, 1), y3 = yOf(0.3, g, -1, 1);
  assert.equal(hitPoint(xOf(1, g), y3 + 0.3 * (y2 - y3), values, g, -1, 1).channel, 1);
  assert.equal(hitPoint(xOf(1, g), y2 - 0.3 * (y2 - y3), values, g, -1, 1).channel, 0);
  assert.equal(hitPoint(x, y, values, { ...g, steps: 0 }, -1, 1), null);
});

test("nearestChannel: the channel whose point is nearest the pointer at a step", () => {
  const { nearestChannel, yOf } = series;
  const g = geometry(2, 2), values = new Float32Array([0.9, -0.9, 0, 0]);
  assert.equal(nearestChannel(yOf(0.5, g, -1, 1), 0, values, g, -1, 1), 0);
  assert.equal(nearestChannel(yOf(-0.2, g, -1, 1), 0, values, g, -1, 1), 1);
});

test("paintSegment: a drag across steps sets each on the line, in either direction", () => {
  const { paintSegment } = series;
  const v = new Float32Array(5 * 2);  // 5 steps, 2 channels
  assert.equal(paintSegment(v, 2, 1, 0, 0, 4, 1), true);
  assert.deepEqual(Array.from(v), [0, 0, 0, 0.25, 0, 0.5, 0, 0.75, 0, 1]);
  assert.equal(paintSegment(v, 2, 1, 0, 0, 4, 1), false);  // nothing new: nothing to send
  paintSegment(v, 2, 0, 3, -1, 1, 0);  // right to left on channel 0
  assert.deepEqual(Array.from(v).filter((_, i) => i % 2 === 0), [0, 0, -0.5, -1, 0]);
  const w = new Float32Array(3);
  paintSegment(w, 1, 0, 2, 0.1, 2, 0.7);  // the same step: the pointer's value
  assert.deepEqual(Array.from(w), [0, 0, Math.fround(0.7)]);
  assert.ok(Array.from(v).every((x) => Math.fround(x) === x));
});

test("stepTicks: whole steps from 0, never past the last, far enough apart", () => {
  const { stepTicks } = series;
  assert.deepEqual(stepTicks(0, 300), []);
  assert.deepEqual(stepTicks(1, 300), [0]);
  assert.deepEqual(stepTicks(5, 300), [0, 1, 2, 3, 4]);
  for (const [n, w] of [[32, 364], [32, 184], [1000, 364], [7, 60]]) {
    const t = stepTicks(n, w), gap = (w / n) * (t[1] - t[0]);
    assert.equal(t[0], 0);
    assert.ok(t.every((v) => Number.isInteger(v) && v <= n - 1), String(t));
    assert.ok(t.length >= 2 && gap >= 28, `${n} steps on ${w} px: ${t}`);
  }
});

test("bandRect: a full column for one channel, a band around each point for more", () => {
  const { bandRect, yOf, BAND } = series;
  const one = series.layout({ W: 420, height_px: 220, steps: 4, channels: 1, title: "",
    names: [], color_label: "", shaded: true, measure });
  assert.deepEqual(bandRect(1, 0, 0.3, one, -1, 1), [one.x0 + 91, one.y0, 91, one.h]);
  const g = geometry(4, 2);
  const [x, y, w, h] = bandRect(2, 1, 0, g, -1, 1);
  assert.deepEqual([x, w], [g.x0 + g.w / 2, g.w / 4]);
  assert.deepEqual([y, h], [Math.round(yOf(0, g, -1, 1)) - BAND, 2 * BAND]);
  const many = geometry(32, 1, { channels: 1 });  // 11.375 px columns: whole pixels, no gaps
  for (let t = 0; t < 31; t++) {
    const [x1, , w1] = bandRect(t, 0, 0, many, -1, 1), [x2] = bandRect(t + 1, 0, 0, many, -1, 1);
    assert.ok(Number.isInteger(x1) && Number.isInteger(w1) && x1 + w1 === x2);
  }
  const last = bandRect(31, 0, 0, many, -1, 1);
  assert.equal(last[0] + last[2], many.x0 + many.w);
  const [, top, , cut] = bandRect(0, 0, 1, g, -1, 1);  // at the top: cut at the plot's edge
  assert.ok(top === g.y0 && cut < 2 * BAND);
});

test("shadeRGB is symmetric over ±max(|lo|, |hi|); hoverText names step, channel, shade", () => {
  const { shadeRGB, hoverText } = series;
  assert.deepEqual(shadeRGB(0, -2, 2), PALE);
  assert.deepEqual(shadeRGB(-1, -0.5, 2), divergingRGB(-0.5));
  assert.deepEqual(shadeRGB(NaN, -1, 1), [221, 221, 221]);
  assert.equal(hoverText(3, "sin", 0.5, undefined, ""), "step 3 · sin: 0.5000");
  assert.equal(hoverText(3, "sin", 0.5, -0.125, ""), "step 3 · sin: 0.5000 (shade -0.1250)");
  assert.equal(hoverText(0, "cos", 1, 0.25, "attribution"),
    "step 0 · cos: 1.000 (attribution 0.2500)");
});
