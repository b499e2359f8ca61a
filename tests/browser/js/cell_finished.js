// nnw_browser.open_explorer: the first code cell has finished (its prompt shows `[n]:`), so no
// second run can replace its output.
() => /^\s*\[\d+\]:\s*$/.test(document.querySelector(
  ".jp-NotebookPanel .jp-CodeCell .jp-InputPrompt").textContent);
