// test_export_browser (the embed manager check), loaded by the page before the embed script:
// requirejs finds anywidget's front end (its classic-notebook AMD bundle, copied beside the
// page as anywidget.js) there instead of on a CDN.
window.requirejs.config({ paths: { anywidget: "./anywidget" } });
