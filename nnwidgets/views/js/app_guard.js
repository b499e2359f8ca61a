const ATTR = "data-lm-suppress-shortcuts";
function render({ model, el }) {
  // Lumino (JupyterLab, Notebook 7) matches shortcut selectors from the key event's target up
  // to the first element carrying ATTR: the focused control itself must carry it (selectors
  // such as "command mode :focus" match the control before any ancestor is looked at).
  const mark = () => {
    const root = el.closest(model.get("selector"));
    if (root === null) return false;
    if (!root.hasAttribute(ATTR)) {
      root.setAttribute(ATTR, "true");
      root.addEventListener("focusin", (ev) => ev.target.setAttribute?.(ATTR, "true"));
    }
    return true;
  };
  if (mark()) return;
  let tries = 0;  // the app's root is attached after this view renders
  const timer = setInterval(() => { if (mark() || ++tries > 200) clearInterval(timer); }, 50);
  return () => clearInterval(timer);
}
export default { render };
