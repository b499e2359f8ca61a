// benchmarks: every call from Python into the page-side probes (paint_probe.js's
// window.__nnwProbe, first_frame.js's window.__nnwOpen): `name` is "<object>.<key>"; a method
// is called with `args`, a value is returned as it is.
([name, args]) => {
  const [obj, key] = name.split(".");
  const v = window[obj][key];
  return typeof v === "function" ? v.apply(window[obj], args) : v;
};
