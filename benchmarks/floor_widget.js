// The floor of browser_latency.py: the least a slider step can cost through the same server,
// kernel and page. A plain ipywidgets slider whose kernel observer sets `value` of this
// widget (one comm message, no computation); the widget writes the value as text (the probe's
// readout) and draws one bar on a canvas of class nnw-floor-canvas in the next animation frame,
// as the lab's canvases do.
function render({ model, el }) {
  const canvas = document.createElement("canvas"), readout = document.createElement("span");
  canvas.className = "nnw-floor-canvas"; canvas.width = 200; canvas.height = 12;
  readout.className = "nnw-floor-readout";
  el.append(canvas, readout);
  const ctx = canvas.getContext("2d");
  let pending = false;
  const draw = () => {
    pending = false;
    const v = model.get("value");
    ctx.clearRect(0, 0, 200, 12);
    ctx.fillStyle = "#6baed6"; ctx.fillRect(0, 0, 2 * (v % 100), 12);
  };
  const changed = () => {
    readout.textContent = String(model.get("value"));
    if (!pending) { pending = true; requestAnimationFrame(draw); }
  };
  model.on("change:value", changed);
  changed();
  return () => model.off("change:value", changed);
}
export default { render };
