// nnw_browser.slider_values: `[feature, readout text]` of every tabular input slider.
() => [...document.querySelectorAll('.nnw-input-sliders [class*="nnw-feature-"]')]
  .map((el) => [Number(/nnw-feature-(\d+)/.exec(el.className)[1]),
    el.querySelector(".widget-readout").textContent]);
