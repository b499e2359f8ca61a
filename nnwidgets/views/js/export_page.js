// The page-side code of a static export (nnwidgets/views/_export_html.py): a page that opens
// from file:// with no kernel and no network. The page holds each view module once (its source
// as a JSON string), each canvas's synced state (JSON; binary parts base64, with their paths)
// and an empty element per canvas (`data-nnw-widget`). This script imports each module from a
// blob URL, as anywidget does, and calls its `render({ model, el })` with a read-only model
// that returns the saved values; it also switches the tabs. Inlined into the page as a module;
// node imports it for the unit tests (js/test/export_page.test.mjs).

// base64 text -> a DataView over an ArrayBuffer of its own (what anywidget's `get` returns
// for a binary trait)
export function dataView(b64) {
  const text = globalThis.atob(b64), bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return new DataView(bytes.buffer);
}
// The saved state with each binary part put back at its path (paths as ipywidgets'
// `_remove_buffers` gives them: keys and list indices from the state's top)
export function withBuffers(state, paths, buffers) {
  paths.forEach((path, k) => {
    let obj = state;
    for (const key of path.slice(0, -1)) obj = obj[key];
    obj[path[path.length - 1]] = dataView(buffers[k]);
  });
  return state;
}
// A model that shows the saved state and changes nothing: no kernel listens
export function staticModel(state) {
  const nothing = () => {};
  return {
    get: (name) => state[name], set: nothing, on: nothing, off: nothing,
    save_changes: nothing, send: nothing, widget_manager: null,
  };
}
// The `{ render }` of a module as anywidget accepts it: `export default { render }`, a default
// function returning that (possibly async), or a named `render` export
export async function widgetOf(mod) {
  const made = mod.default ?? mod;
  return typeof made === "function" ? await made() : made;
}
// Show tab `k` of a tab block (its bar's buttons and its panels, in order)
export function showTab(tabs, k) {
  const buttons = tabs.querySelectorAll(":scope > .nnw-export-tabbar > button");
  const panels = tabs.querySelectorAll(":scope > .nnw-export-panel");
  buttons.forEach((b, i) => b.setAttribute("aria-selected", String(i === k)));
  panels.forEach((p, i) => { p.hidden = i !== k; });
}
function wireTabs(doc) {
  for (const tabs of doc.querySelectorAll(".nnw-export-tabs")) {
    const buttons = tabs.querySelectorAll(":scope > .nnw-export-tabbar > button");
    buttons.forEach((b, k) => b.addEventListener("click", () => showTab(tabs, k)));
  }
}
async function load(source) {
  const url = window.URL.createObjectURL(new window.Blob([source], { type: "text/javascript" }));
  try {
    return await import(url);
  } finally {
    window.URL.revokeObjectURL(url);
  }
}
async function main(doc) {
  const data = JSON.parse(doc.getElementById("nnw-export-data").textContent);
  wireTabs(doc);
  const modules = {};
  for (const [id, m] of Object.entries(data.modules)) {
    if (m.css) {
      const style = doc.createElement("style");
      style.textContent = m.css; doc.head.appendChild(style);
    }
    modules[id] = load(m.esm).then(widgetOf);
  }
  let drawn = 0, failed = 0;
  for (const el of doc.querySelectorAll("[data-nnw-widget]")) {
    const w = data.widgets[el.dataset.nnwWidget];
    try {
      const widget = await modules[w.module];
      const state = withBuffers(w.state, w.buffer_paths, w.buffers);
      // rendered detached and then put back, as a widget manager does: a view reads its
      // element's width 0 as "not laid out yet" and sizes itself from its state
      const mark = doc.createComment("");
      el.replaceWith(mark);
      try {
        await widget.render({ model: staticModel(state), el });
      } finally {
        mark.replaceWith(el);
      }
      drawn++;
    } catch (e) {
      failed++;
      el.textContent = `this picture could not be drawn: ${e}`;
      el.classList.add("nnw-export-failed");
      console.error("nnwidgets export: a view failed to draw", e);
    }
  }
  doc.body.dataset.nnwDrawn = String(drawn);
  doc.body.dataset.nnwFailed = String(failed);
  doc.body.dataset.nnwReady = "true";
}
if (typeof document !== "undefined" && document.getElementById("nnw-export-data")) {
  main(document);
}
