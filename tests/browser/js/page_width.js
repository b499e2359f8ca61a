// test_export_browser: how wide the page's content is (px): above the window's width, the page
// scrolls sideways.
() => document.scrollingElement.scrollWidth;
