// The first match of `sel` has data-<key> above `n` (a step counter, a point count, a version).
([sel, key, n]) => Number(document.querySelector(sel)?.dataset[key]) > n;
