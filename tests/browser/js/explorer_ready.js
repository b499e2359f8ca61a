// nnw_browser.open_explorer: the Explorer's status says "ready" and both exact-value tables
// (probabilities, attribution) hold values.
() => {
  const s = document.querySelector(".nnw-explorer .nnw-status");
  return s && s.textContent.trim() === "ready"
    && document.querySelector(".nnw-probabilities td.nnw-v")
    && document.querySelector(".nnw-attribution td.nnw-v");
};
