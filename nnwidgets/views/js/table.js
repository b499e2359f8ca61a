import { arr, follow, inNextFrame, valuesTable } from "./common.js";

// An exact-values table on its own (a view whose chart bqplot draws, or a ranked list): built
// in the page from one float32 buffer, like the canvases' tables, and kept open while the
// values change. Names are sent when they change; without names a row is named by its index.
function render({ model, el }) {
  const table = valuesTable(el);
  const draw = () => {
    const v = arr(model.get("values"), Float32Array), names = model.get("names");
    table((i) => (names.length === v.length ? String(names[i]) : String(i)), v,
      model.get("table_class"), model.get("table_version"));
  };
  return follow(model, ["values", "names", "table_class", "table_version"], draw,
    inNextFrame(draw), el);
}
export default { render };
