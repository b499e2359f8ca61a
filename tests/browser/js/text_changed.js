// nnw_browser.wait_text_change: the first match of `sel` exists and its textContent is no
// longer `before`.
([sel, before]) => {
  const el = document.querySelector(sel);
  return el && el.textContent !== before;
};
