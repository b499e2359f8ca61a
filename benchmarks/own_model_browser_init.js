(() => {
  const B = window.__nnwPaint = {steps: [], cur: null, armed: false,
                                 lastDraw: 0, lastProbs: 0};
  const labels = new WeakMap();
  let next = 0;
  // "<view>#n" for a canvas in the app (its nearest nnw-* class that is not a canvas
  // widget's, e.g. nnw-probabilities), else null
  const label = c => {
    const known = labels.get(c);
    if (known) return known;
    if (!c || !c.isConnected) return null;  // an offscreen canvas: its blit is counted
    const app = c.closest('.nnw-explorer');
    if (!app) return null;
    let el = c, name = 'canvas';
    while (el && el !== app) {
      const k = el.classList && [...el.classList].find(
        k => k.startsWith('nnw-') && !k.endsWith('-canvas') && k !== 'nnw-app');
      if (k) { name = k; break; }
      el = el.parentElement;
    }
    const l = `${name}#${next++}`;
    labels.set(c, l);
    return l;
  };
  const P = CanvasRenderingContext2D.prototype;
  for (const m of ['putImageData', 'drawImage', 'fillRect', 'clearRect', 'strokeRect',
                   'fillText', 'stroke', 'fill']) {
    const orig = P[m];
    P[m] = function (...args) {
      const l = B.armed && label(this.canvas);
      if (l) {
        const t = performance.now();
        B.lastDraw = t;
        if (B.cur) { B.cur.draw[l] = t; B.cur.calls++; }
      }
      return orig.apply(this, args);
    };
  }
  // kernel websocket traffic per step: first message sent, first and last received
  const WS = window.WebSocket;
  window.WebSocket = function (url, protocols) {
    const ws = protocols === undefined ? new WS(url) : new WS(url, protocols);
    if (/\/channels/.test(String(url))) ws.addEventListener('message', () => {
      const cur = B.cur;
      if (!cur) return;
      const t = performance.now();
      if (cur.ws_in_first === null) cur.ws_in_first = t;
      cur.ws_in_last = t;
      cur.ws_in++;
    });
    return ws;
  };
  window.WebSocket.prototype = WS.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
  const send = WS.prototype.send;
  WS.prototype.send = function (data) {
    const cur = B.cur;
    if (cur && cur.ws_out === null && /\/channels/.test(this.url)) cur.ws_out = performance.now();
    return send.call(this, data);
  };
  document.addEventListener('pointerdown', ev => {
    const t = performance.now();
    const el = ev.target;
    if (el && el.closest && el.closest('.nnw-digit-painter canvas.nnw-paint-canvas')) {
      B.cur = {t0: t, event_ts: ev.timeStamp, draw: {}, calls: 0, svg: null, svg_changes: 0,
               probs: null, ws_out: null, ws_in_first: null, ws_in_last: null, ws_in: 0};
      B.steps.push(B.cur);
    }
  }, true);
  window.__nnwArm = () => {  // once the Explorer is shown
    const root = document.querySelector('.nnw-explorer');
    const box = document.querySelector(
      '.nnw-probabilities details.nnw-values').parentElement;
    let last = box.textContent;
    new MutationObserver(() => {
      const t = performance.now(), now = box.textContent;
      if (now !== last) {
        B.lastProbs = t;
        if (B.cur && B.cur.probs === null) B.cur.probs = t;
      }
      last = now;
    }).observe(box, {childList: true, subtree: true, characterData: true});
    new MutationObserver(muts => {
      const t = performance.now();
      for (const m of muts) {
        const n = m.target.nodeType === 1 ? m.target : m.target.parentElement;
        if (n && n.closest && n.closest('svg')) {
          B.lastDraw = t;
          if (B.cur) { B.cur.svg = t; B.cur.svg_changes++; }
          break;
        }
      }
    }).observe(root, {childList: true, subtree: true, attributes: true, characterData: true});
    B.armed = true;
    return document.visibilityState;
  };
})();
