// test_one_message_browser: how many axis ticks the bqplot figure holding `svg` draws.
(svg) => (svg.closest(".bqplot") || svg.parentElement).querySelectorAll(".tick").length;
