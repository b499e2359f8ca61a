// An app's message frame (nnwidgets/views/_frame.py): one custom message per step carries the
// state updates of every widget the step changed, and one buffer with all their binary parts.
// Each update goes to its widget model through the path a normal update message takes
// (_handle_comm_msg: buffers put back at their paths, the state deserialised, set), all in this
// one task: every plot of the step paints in the same animation frame.

// The frame's updates as `{ id, data, buffers }`: `data` is an ordinary update message's
// content, `buffers` one DataView per binary part, each over an ArrayBuffer of its own, as a
// normal message brings them (deserialisers such as bqplot's read `view.buffer` whole, not
// from `byteOffset`: a view into the joined buffer gave them every part of the frame).
// Refuses a malformed frame.
export function frameUpdates(content, joined) {
  if (!content || content.event !== "frame" || !Array.isArray(content.updates)) return [];
  const spans = content.spans || [];
  let whole = joined;
  if (whole instanceof ArrayBuffer) whole = new DataView(whole);
  const view = ([offset, size]) => {
    if (!whole || offset + size > whole.byteLength) throw new Error("frame: span out of range");
    const at = whole.byteOffset + offset;
    return new DataView(whole.buffer.slice(at, at + size));
  };
  return content.updates.map((u) => ({
    id: u.id,
    data: { method: "update", state: u.state, buffer_paths: u.buffer_paths || [] },
    buffers: (u.buffers || []).map((k) => view(spans[k])),
  }));
}

// Hand one update to its model: the widget base's own handler, or (a base without it)
// deserialise and set the state the way that handler does.
export async function deliver(target, update) {
  const msg = { content: { data: update.data }, buffers: update.buffers, parent_header: {} };
  if (typeof target._handle_comm_msg === "function") return target._handle_comm_msg(msg);
  const state = { ...update.data.state };
  update.data.buffer_paths.forEach((path, k) => {
    let obj = state;
    for (const key of path.slice(0, -1)) obj = obj[key];
    obj[path[path.length - 1]] = update.buffers[k];
  });
  const ready = await target.constructor._deserialize_state(state, target.widget_manager);
  target.set_state(ready);
}

function initialize({ model }) {
  const models = new Map();  // model id -> promise of the widget model (looked up once)
  const onFrame = async (content, buffers) => {
    let updates;
    try {
      updates = frameUpdates(content, buffers && buffers[0]);
    } catch (e) {
      console.error("nnwidgets: a malformed step frame", e);
      return;
    }
    const targets = await Promise.all(updates.map((u) => {
      if (!models.has(u.id)) models.set(u.id, model.widget_manager.get_model(u.id));
      return models.get(u.id).catch(() => null);  // a widget closed meanwhile
    }));
    updates.forEach((u, k) => {
      if (targets[k]) deliver(targets[k], u);
      else models.delete(u.id);
    });
  };
  model.on("msg:custom", onFrame);
  return () => model.off("msg:custom", onFrame);
}
export default { initialize };
