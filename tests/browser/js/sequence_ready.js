// test_sequence_browser: a sequence Explorer is ready: its status says "ready", the
// probabilities table holds values and its input is drawn (word chips with their values, or
// the series editor's points).
() => {
  const s = document.querySelector(".nnw-explorer .nnw-status");
  const input = document.querySelector(".nnw-sequence-input .nnw-token[data-value]")
    || document.querySelector(".nnw-sequence-input canvas.nnw-series-canvas[data-values]");
  return Boolean(s) && s.textContent.trim() === "ready"
    && document.querySelector(".nnw-probabilities td.nnw-v") !== null && Boolean(input);
};
