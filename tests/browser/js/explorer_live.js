// test_kernel_restart_browser: an Explorer that is connected, says "ready" and shows values.
() => {
  const ex = document.querySelector(".nnw-explorer");
  return Boolean(ex) && !ex.classList.contains("jupyter-widgets-disconnected")
    && ex.querySelector(".nnw-status").textContent.trim() === "ready"
    && ex.querySelector(".nnw-probabilities td.nnw-v") !== null;
};
