// test_export_browser: the "PNG" button of the canvas `sel` ({ opacity, title, label }) and the
// canvas's pixel size, or null when the canvas has no such button.
(sel) => {
  const canvas = document.querySelector(sel);
  const button = canvas && canvas.parentElement.querySelector(":scope > button.nnw-png");
  if (!button) return null;
  return {
    opacity: Number(getComputedStyle(button).opacity), title: button.title,
    label: button.getAttribute("aria-label"), width: canvas.width, height: canvas.height,
  };
};
