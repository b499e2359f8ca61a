// test_layout_browser: at least `n` apps match `sel` and every one's status says "ready".
([sel, n]) => {
  const apps = [...document.querySelectorAll(sel)];
  return apps.length >= n && apps.every((a) => {
    const s = a.querySelector(".nnw-status");
    return Boolean(s) && s.textContent.trim() === "ready";
  });
};
