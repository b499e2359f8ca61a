// test_layout_browser: resolves once every app's size and element count have not changed for
// `quiet` ms (bqplot figures and the canvases redraw a frame or more after a change).
([quiet, timeout]) => new Promise((done, fail) => {
  const shape = () => JSON.stringify([...document.querySelectorAll(".nnw-app")].map((a) => {
    const r = a.getBoundingClientRect();
    return [r.width, r.height, a.getElementsByTagName("*").length];
  }));
  let last = shape(), since = performance.now();
  const start = since;
  const tick = () => {
    const now = shape(), t = performance.now();
    if (now !== last) { last = now; since = t; }
    if (t - since >= quiet) return done();
    if (t - start > timeout) return fail(new Error("the layout kept changing"));
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
});
