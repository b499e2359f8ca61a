// browser_latency: [aria-valuemin, aria-valuemax, track width px] of every input slider.
() => [...document.querySelectorAll(".nnw-input-sliders .noUi-handle")].map((h) => [
  Number(h.getAttribute("aria-valuemin")), Number(h.getAttribute("aria-valuemax")),
  h.closest(".noUi-base").getBoundingClientRect().width]);
