// test_export_browser: every canvas a static export drew (or every match of `sel` if given), as
// { cls, width, height, colours }: its pixel size and how many distinct RGBA values ~10000
// sampled pixels have (1: blank).
(sel) => [...document.querySelectorAll(sel || "[data-nnw-widget] canvas")].map((c) => {
  const w = c.width, h = c.height, seen = new Set();
  if (w && h) {
    const d = c.getContext("2d").getImageData(0, 0, w, h).data;
    const step = Math.max(1, Math.floor((w * h) / 10000));
    for (let i = 0; i < w * h; i += step) {
      seen.add(`${d[4 * i]},${d[4 * i + 1]},${d[4 * i + 2]},${d[4 * i + 3]}`);
    }
  }
  return { cls: c.className, width: w, height: h, colours: seen.size };
});
