// nnw_browser.read_values: `[data-index, printed value]` of every row of the exact-value table
// `sel`.
(sel) => [...document.querySelectorAll(sel + " table tr[data-index]")].map(
  (tr) => [Number(tr.dataset.index), tr.querySelector("td.nnw-v").textContent]);
