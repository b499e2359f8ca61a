([n, quiet, timeout]) => new Promise(done => {
  const B = window.__nnwPaint, start = performance.now();
  const tick = () => {
    const t = performance.now(), cur = B.steps[n];
    if (cur && cur.probs !== null && t - Math.max(B.lastDraw, B.lastProbs) >= quiet)
      return done(true);
    if (t - start > timeout) return done(false);
    setTimeout(tick, 20);
  };
  tick();
})
