// nnw_browser.next_frames: resolves after `n` animation frames (bqplot may apply one update in
// two batches).
(n) => new Promise((done) => {
  const step = (k) => (k ? requestAnimationFrame(() => step(k - 1)) : done());
  step(n);
});
