// ESLint (flat config) for the views' browser modules, nnwidgets/views/js/ (no build step: the
// files ship as they are) and their node tests, and the page-side JavaScript of the benchmarks
// (benchmarks/*.js) and of the browser tests (tests/browser/js/). scripts/_setup.sh installs
// the pinned eslint into .cache/eslint, with no package.json at the top of the repository: its
// rule sets come from there.
import { createRequire } from "node:module";

const js = createRequire(new URL("./.cache/eslint/", import.meta.url))("@eslint/js");

const browser = {
  document: "readonly", window: "readonly", requestAnimationFrame: "readonly",
  setInterval: "readonly", clearInterval: "readonly", console: "readonly",
};
const node = { globalThis: "readonly", URL: "readonly" };

export default [
  js.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: "module" },
    rules: {
      "no-var": "error",
      "prefer-const": "error",
      eqeqeq: "error",
      "no-shadow": "error",
      "max-len": ["error", { code: 100, ignoreUrls: true }],
      semi: "error",
      quotes: ["error", "double", { avoidEscape: true }],
    },
  },
  { files: ["nnwidgets/views/js/*.js"], languageOptions: { globals: browser } },
  {
    files: ["nnwidgets/views/js/test/*.mjs", "eslint.config.mjs"],  // run by node
    languageOptions: { globals: node },
  },
  {  // page-side code Playwright runs: benchmarks' init scripts, the browser tests' functions
    files: ["benchmarks/*.js", "tests/browser/js/*.js"],
    languageOptions: {
      globals: {
        ...browser, performance: "readonly", setTimeout: "readonly", clearTimeout: "readonly",
        MutationObserver: "readonly", CanvasRenderingContext2D: "readonly",
        getComputedStyle: "readonly", HTMLElement: "readonly", HTMLSelectElement: "readonly",
      },
    },
  },
];
