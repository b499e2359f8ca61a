// test_explorer_browser: `will-change` of the input sliders' moving parts inside the app.
() => [...document.querySelectorAll(".nnw-explorer .nnw-input-sliders .noUi-origin, "
  + ".nnw-explorer .nnw-input-sliders .noUi-connect")].map((e) => getComputedStyle(e).willChange);
