// Input -> last plot painted, measured in the page. An init script (page.add_init_script: it runs
// before the page's own scripts) shared by benchmarks/browser_latency.py,
// benchmarks/sequence_latency.py and benchmarks/own_model_browser.py. It defines
// window.__nnwProbe:
//
// - arm({root, readout, version, dom}): once the app is shown. `root` selects the app
//   (".nnw-explorer"), `readout` an element whose text is the kernel's answer (the
//   probabilities' values table); with `version` true a change of its data-version (the
//   kernel's update count) is a readout change too, even when the text stays the same. `dom`:
//   more selectors (e.g. [".nnw-tokens"], the token strip's chips) whose DOM changes are paints,
//   as a bqplot figure's are.
// - set(trigger): which user input starts a step: {type: "keydown", selector, key},
//   {type: "pointerdown", selector} or {type: "pointermove", selector} (a move with the left
//   button held), on an element inside `selector`; null: none (untimed actions). Also ends the
//   current step.
// - steps[n]: one record per input, t0 = performance.now() in a capturing listener on the
//   document (before the app's own handlers), and the plots' paints after it until the next.
// - wait(n, quiet, timeout): resolves {ok, step} once step n's readout changed and nothing was
//   painted, changed in the readout or received from the kernel for `quiet` ms (ok false after
//   `timeout` ms). settle(since, quiet, timeout): the same for untimed actions, `since` the
//   readout change count before them (-1: no change needed).
//
// A paint is a plot's: a drawing call of CanvasRenderingContext2D.prototype on a connected
// canvas of class nnw-*-canvas inside the app (the views draw in requestAnimationFrame
// callbacks, so a call's time is its frame's), or a DOM change inside a bqplot figure
// (svg.svg-figure) or inside an element of `dom` in the app, stamped by a MutationObserver
// (labels "<view>:svg#k", "<view>:dom#k"; both counted as svg_changes). Text (status line,
// readouts, tables) is no paint. Kernel websocket frames (a wrapped WebSocket, URLs with
// /channels) are stamped per step too: the first sent, the first and last received, their
// count, and the largest received (ws_in_big: the views' update, not an echo or a status).
(() => {
  const P = window.__nnwProbe = {
    steps: [], cur: null, trigger: null, root: null,
    lastPaint: 0, lastReadout: 0, lastWs: 0, readoutChanges: 0,
  };
  const PLOT_CANVAS = /^nnw-[\w-]+-canvas$/;
  const labels = new WeakMap();
  let next = 0;
  // The view `el` belongs to: its nearest nnw-* class that is not a canvas's or the app's.
  const viewOf = (el) => {
    for (let e = el; e && e.classList; e = e.parentElement) {
      const k = [...e.classList].find((c) => c.startsWith("nnw-") && !c.endsWith("-canvas")
        && c !== "nnw-app");
      if (k) return k;
    }
    return "app";
  };
  const label = (el, suffix) => {
    const known = labels.get(el);
    if (known) return known;
    const l = `${viewOf(el)}${suffix}#${next++}`;
    labels.set(el, l);
    return l;
  };
  // "<view>#k" for a plot canvas of the armed app, else null (offscreen canvases: their blit
  // onto a shown one is counted); decided once per canvas, when it is first drawn on connected
  const canvases = new WeakMap();
  const plotCanvas = (c) => {
    const known = canvases.get(c);
    if (known !== undefined) return known && c.isConnected ? known : null;
    if (!P.root || !c || !c.isConnected) return null;
    const plot = [...c.classList].some((k) => PLOT_CANVAS.test(k)) && c.closest(P.root);
    canvases.set(c, plot ? label(c, "") : false);
    return canvases.get(c) || null;
  };
  const painted = (l, dom) => {
    const t = performance.now(), s = P.cur;
    P.lastPaint = t;
    if (!s) return;
    s.paint[l] = t; s.last = t; s.last_view = l;
    if (dom) s.svg_changes++; else s.calls++;
  };
  const C = CanvasRenderingContext2D.prototype;
  for (const m of ["putImageData", "drawImage", "fillRect", "clearRect", "strokeRect",
    "fillText", "strokeText", "stroke", "fill"]) {
    const orig = C[m];
    C[m] = function (...args) {
      const l = plotCanvas(this.canvas);
      if (l) painted(l, false);
      return orig.apply(this, args);
    };
  }
  // kernel websocket traffic
  const isKernel = (url) => /\/channels/.test(String(url));
  const WS = window.WebSocket;
  window.WebSocket = function (url, protocols) {
    const ws = protocols === undefined ? new WS(url) : new WS(url, protocols);
    if (isKernel(url)) ws.addEventListener("message", (ev) => {
      const t = performance.now(), s = P.cur, d = ev.data;
      P.lastWs = t;
      if (!s) return;
      if (s.ws_in_first === null) s.ws_in_first = t;
      s.ws_in_last = t;
      s.ws_in++;
      const size = typeof d === "string" ? d.length : d.byteLength ?? d.size ?? 0;
      if (size > s.ws_in_big_size) { s.ws_in_big = t; s.ws_in_big_size = size; }
    });
    return ws;
  };
  window.WebSocket.prototype = WS.prototype;
  Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  const send = WS.prototype.send;
  WS.prototype.send = function (data) {
    const s = P.cur;
    if (s && s.ws_out === null && isKernel(this.url)) s.ws_out = performance.now();
    return send.call(this, data);
  };
  // the inputs that start a step
  const start = (ev) => {
    const g = P.trigger, el = ev.target;
    if (!g || g.type !== ev.type || !el || !el.closest || !el.closest(g.selector)) return;
    if (ev.type === "keydown" && g.key && ev.key !== g.key) return;
    if (ev.type === "pointermove" && !(ev.buttons & 1)) return;
    P.cur = {
      type: ev.type, t0: performance.now(), event_ts: ev.timeStamp, paint: {}, last: null,
      last_view: null, calls: 0, svg_changes: 0, readout: null, ws_out: null,
      ws_in_first: null, ws_in_last: null, ws_in: 0, ws_in_big: null, ws_in_big_size: 0,
    };
    P.steps.push(P.cur);
  };
  for (const type of ["keydown", "pointerdown", "pointermove"])
    document.addEventListener(type, start, true);
  P.set = (trigger) => { P.trigger = trigger; P.cur = null; };
  P.counts = () => [P.steps.length, P.readoutChanges];  // steps so far, readout changes so far
  P.since = (n) => P.steps.slice(n);
  let armed = false;
  P.arm = ({ root, readout, version = false, dom = [] }) => {
    P.root = root;
    if (armed) return document.visibilityState;
    armed = true;
    const app = document.querySelector(root);
    const out = document.querySelector(readout), box = out.parentElement;
    // the readout's text and, with `version`, its data-version
    const answer = () => box.textContent + (version ? `#${out.dataset.version}` : "");
    let text = answer();
    new MutationObserver(() => {
      const t = performance.now(), now = answer();
      if (now !== text) {
        P.lastReadout = t; P.readoutChanges++;
        if (P.cur && P.cur.readout === null) P.cur.readout = t;
      }
      text = now;
    }).observe(box, { childList: true, subtree: true, characterData: true,
      ...(version ? { attributes: true, attributeFilter: ["data-version"] } : {}) });
    const plots = [["svg.svg-figure", ":svg"], ...dom.map((sel) => [sel, ":dom"])];
    new MutationObserver((muts) => {
      for (const m of muts) {
        const n = m.target.nodeType === 1 ? m.target : m.target.parentElement;
        if (!n || !n.closest) continue;
        for (const [sel, suffix] of plots) {
          const plot = n.closest(sel);
          if (plot) { painted(label(plot, suffix), true); break; }
        }
      }
    }).observe(app, { childList: true, subtree: true, attributes: true, characterData: true });
    return document.visibilityState;
  };
  const quietFor = () => performance.now() - Math.max(P.lastPaint, P.lastReadout, P.lastWs);
  const poll = (ready, timeout) => new Promise((done) => {
    const begin = performance.now();
    const tick = () => {
      if (ready()) return done(true);
      if (performance.now() - begin > timeout) return done(false);
      setTimeout(tick, 10);
    };
    tick();
  });
  P.wait = async (n, quiet, timeout) => {
    const ok = await poll(() => P.steps[n] && P.steps[n].readout !== null
      && quietFor() >= quiet, timeout);
    return { ok, step: P.steps[n] || null };
  };
  P.settle = (since, quiet, timeout) => poll(
    () => P.readoutChanges > since && quietFor() >= quiet, timeout);
})();
