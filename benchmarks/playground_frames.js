// benchmarks/playground.py: [boundary frames, network frames, step] of the Playground, or null
// while its step counter is not above `minStep` (so it also serves wait_for_function).
(minStep) => {
  const b = document.querySelector(".nnw-playground canvas.nnw-boundary-canvas");
  const n = document.querySelector(".nnw-playground canvas.nnw-network-canvas");
  const step = Number(document.querySelector(".nnw-playground .nnw-epoch")?.dataset.step);
  if (!b || !n || !(step > minStep)) return null;
  return [Number(b.dataset.frame), Number(n.dataset.frame), step];
};
