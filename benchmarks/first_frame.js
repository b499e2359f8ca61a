// First interactive frame, for benchmarks/browser_latency.py and sequence_latency.py: an init
// script (runs before the page's own scripts). window.__nnwOpen.ready is the performance.now()
// of the first animation frame at which the Explorer's status says "ready" with values in both
// exact-value tables, or for a sequence Explorer in the probabilities' and its input drawn (as
// tests/browser/js/sequence_ready.js has it) (version: the probabilities' data-version then);
// runAll stamps every click on JupyterLab's / Notebook 7's "Run All" menu item (a capturing
// pointerup); navigation() says where the load's time went (server response vs page scripts).
(() => {
  const w = window.__nnwOpen = { ready: null, version: null, runAll: [] };
  document.addEventListener("pointerup", (ev) => {
    if (ev.target && ev.target.closest &&
        ev.target.closest('.lm-Menu-item[data-command="runmenu:run-all"]'))
      w.runAll.push(performance.now());
  }, true);
  const INPUT = [".nnw-attribution td.nnw-v", ".nnw-sequence-input .nnw-token[data-value]",
    ".nnw-sequence-input canvas.nnw-series-canvas[data-values]"].join(", ");
  const check = () => {
    const s = document.querySelector(".nnw-explorer .nnw-status");
    if (s && s.textContent.trim() === "ready"
        && document.querySelector(".nnw-probabilities td.nnw-v")
        && document.querySelector(INPUT)) {
      w.ready = performance.now();
      const d = document.querySelector(".nnw-probabilities details.nnw-values");
      w.version = d ? Number(d.dataset.version) : null;
      return;
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
  w.isReady = () => w.ready !== null;
  w.state = () => ({ ready: w.ready, version: w.version, runAll: w.runAll });
  w.navigation = () => {
    const n = performance.getEntriesByType("navigation")[0];
    return {
      response_start_ms: n.responseStart, response_end_ms: n.responseEnd,
      dom_content_loaded_ms: n.domContentLoadedEventEnd, load_ms: n.loadEventEnd,
    };
  };
})();
