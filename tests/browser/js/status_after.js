// test_kernel_restart_browser: what AppGuard's stylesheet writes after the status line.
() => getComputedStyle(document.querySelector(".nnw-explorer .nnw-status"), "::after").content;
