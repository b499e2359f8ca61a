// test_layout_browser: everything wrong with the layout of app `index` of `selector`, as
// sentences (an element past the app's right edge, content cut off or scrolling sideways, the
// app wider than its output area, a page-wide scroll).
([selector, index]) => {
  const app = document.querySelectorAll(selector)[index], out = [];
  const right = app.getBoundingClientRect().right;
  const name = (el) => el.tagName.toLowerCase() + [...el.classList].map((c) => "." + c).join("")
    + (el.textContent && el.children.length === 0 ? ` "${el.textContent.slice(0, 30)}"` : "");
  for (const el of [app, ...app.querySelectorAll("*")]) {
    if (!el.getClientRects().length) continue;  // not displayed (another tab, a closed table)
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    if (!r.width || !r.height || cs.visibility === "hidden") continue;
    if (r.right > right + 1) {
      out.push(`${name(el)} ends at ${Math.round(r.right)} px, the app at ${Math.round(right)}`);
    }
    if (el instanceof HTMLElement && !(el instanceof HTMLSelectElement)
        && cs.overflowX !== "visible" && el.scrollWidth > el.clientWidth + 1) {
      out.push(`${name(el)} cuts off or scrolls its content: ${el.scrollWidth} px in `
        + `${el.clientWidth}`);
    }
  }
  for (let a = app.parentElement; a; a = a.parentElement) {  // the output area, the page
    const r = a.getBoundingClientRect();
    if (right > r.right + 1) out.push(`the app ends past ${name(a)}: ${right} > ${r.right}`);
    if (a.scrollWidth > a.clientWidth + 1 && getComputedStyle(a).overflowX !== "visible"
        || a === document.documentElement && a.scrollWidth > a.clientWidth + 1) {
      out.push(`${name(a)} scrolls sideways: ${a.scrollWidth} px in ${a.clientWidth}`);
    }
  }
  return out;
};
