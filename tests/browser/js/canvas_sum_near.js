// tests assert_canvas_sum: the canvas `sel`'s data-<key> (the sum it drew) is within `tol` of
// `want`.
([sel, key, want, tol]) => Math.abs(Number(document.querySelector(sel)?.dataset[key]) - want)
  <= tol;
