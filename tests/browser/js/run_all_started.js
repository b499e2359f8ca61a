// nnw_browser._lab_run_all: the notebook's first code cell has left the `[ ]:` prompt (its
// run-all was not dropped).
() => {
  const p = document.querySelector(".jp-NotebookPanel .jp-CodeCell .jp-InputPrompt");
  return p && !/^\s*\[\s*\]:\s*$/.test(p.textContent);
};
