// nnw_browser.wait_quiet: resolves once the probability and attribution views have not changed
// for `quiet` ms; rejects if they keep changing for `timeout` ms.
([quiet, timeout]) => new Promise((done, fail) => {
  const views = [".nnw-probabilities", ".nnw-attribution"]
    .map((s) => document.querySelector(s)).filter(Boolean);
  let timer = setTimeout(finish, quiet);
  const guard = setTimeout(() => {
    obs.disconnect();
    fail(new Error(`the Explorer's views kept changing for ${timeout} ms`));
  }, timeout);
  const obs = new MutationObserver(() => {
    clearTimeout(timer); timer = setTimeout(finish, quiet);
  });
  function finish() { obs.disconnect(); clearTimeout(guard); done(); }
  for (const v of views) obs.observe(v, {
    childList: true, subtree: true, characterData: true, attributes: true });
});
