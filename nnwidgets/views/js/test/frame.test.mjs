// Unit tests of ../frame.js: a step frame split back into ordinary update messages.
import assert from "node:assert/strict";
import { test } from "node:test";

import { deliver, frameUpdates } from "../frame.js";

const joined = () => {
  const bytes = new Uint8Array(24);
  new Float32Array(bytes.buffer, 8, 3).set([1.5, -2, 3]);
  bytes[0] = 7;
  return new DataView(bytes.buffer);
};
const frame = {
  event: "frame",
  spans: [[0, 1], [8, 12]],
  updates: [
    { id: "a", state: { caption: "x" }, buffer_paths: [["mask"]], buffers: [0] },
    { id: "b", state: { limit: 2 }, buffer_paths: [["values"]], buffers: [1] },
    { id: "c", state: { value: "<b>ok</b>" }, buffer_paths: [], buffers: [] },
  ],
};

test("frameUpdates gives each widget an update message and each part a buffer of its own", () => {
  const whole = joined(), out = frameUpdates(frame, whole);
  assert.deepEqual(out.map((u) => u.id), ["a", "b", "c"]);
  assert.deepEqual(out[1].data, { method: "update", state: { limit: 2 },
    buffer_paths: [["values"]] });
  const v = out[1].buffers[0];
  // a whole ArrayBuffer per part: readers of `view.buffer` see this part only
  assert.notEqual(v.buffer, whole.buffer);
  assert.equal(v.byteOffset, 0);
  assert.equal(v.buffer.byteLength, 12);
  assert.deepEqual(Array.from(new Float32Array(v.buffer)), [1.5, -2, 3]);
  assert.equal(out[0].buffers[0].getUint8(0), 7);
  assert.deepEqual(out[2].buffers, []);
  assert.equal(frameUpdates(frame, whole.buffer).length, 3);  // an ArrayBuffer too
});

test("frameUpdates ignores other messages and refuses spans outside the buffer", () => {
  assert.deepEqual(frameUpdates({ event: "element_click" }, joined()), []);
  assert.deepEqual(frameUpdates(null, null), []);
  assert.throws(() => frameUpdates({ ...frame, spans: [[0, 1], [16, 12]] }, joined()), /span/);
});

test("deliver uses the model's own update handler, else deserialises and sets", async () => {
  const u = frameUpdates(frame, joined())[1];
  const seen = [];
  await deliver({ _handle_comm_msg: (msg) => seen.push(msg) }, u);
  assert.equal(seen[0].content.data.method, "update");
  assert.equal(seen[0].buffers[0].byteLength, 12);
  let set = null;
  class Plain {
    static async _deserialize_state(state) { return { ...state, limit: state.limit * 10 }; }
    set_state(state) { set = state; }
  }
  await deliver(new Plain(), u);
  assert.equal(set.limit, 20);
  assert.equal(set.values.byteLength, 12);  // the buffer put back at its path
});
