// test_playground_browser: what the Playground shows now, from the selectors of its step
// counter, its curves' values and its two canvases: step, curve points, pictures' checksums
// and frames.
([epoch, curves, boundary, network]) => {
  const e = document.querySelector(epoch), c = document.querySelector(curves);
  const b = document.querySelector(boundary), n = document.querySelector(network);
  return {
    step: Number(e.dataset.step), points: Number(c.dataset.points), text: e.textContent,
    boundary: b.dataset.checksum, boundary_frame: Number(b.dataset.frame),
    network: n.dataset.checksum, network_frame: Number(n.dataset.frame),
  };
};
