// The page: loading (embedded data, file picker, drag and drop, ?trace=URL), the side panels,
// stepping and playback, keyboard shortcuts and the URL hash. Every string from a trace goes
// into the page through textContent, never as HTML.
'use strict';

(function () {
  var K = DSIM.KIND, AR = DSIM.ARROW;
  var $ = function (id) { return document.getElementById(id); };
  var app = { trace: null, view: null, playTimer: null, timings: {}, drawPending: false, loading: false };
  window.dsimViz = app;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function link(text, fn) { var b = el('button', text, 'link'); b.addEventListener('click', fn); return b; }

  // ---- Messages: welcome, progress, error ----
  function showMessage(title, text, isError, detail) {
    var m = $('message');
    clear(m);
    m.className = 'message' + (isError ? ' error' : '');
    m.appendChild(el('h2', title));
    if (text) m.appendChild(el('p', text));
    if (detail) m.appendChild(el('pre', detail));
    document.body.dataset.state = isError ? 'error' : 'loading';
  }
  // The loading card: a bar (indeterminate when the size is unknown) and what is being read.
  function showProgress(fraction, label) {
    var m = $('message'), p = m.querySelector('progress'), l = m.querySelector('.progresslabel');
    if (!p || !l) {
      clear(m); m.className = 'message';
      m.appendChild(el('h2', 'Loading trace'));
      if (app.source) m.appendChild(el('p', app.source, 'source'));
      l = el('p', '', 'progresslabel'); m.appendChild(l);
      p = el('progress'); p.max = 1; m.appendChild(p);
    }
    l.textContent = label;
    if (isNaN(fraction)) p.removeAttribute('value'); else p.value = fraction;
    document.body.dataset.state = 'loading';
  }
  app.showProgress = showProgress;
  function showError(err, source) {
    stop();
    var text = err instanceof DSIM.TraceError ? err.message : 'Unexpected error while reading the trace: ' + (err && err.message || err);
    showMessage('Cannot open ' + (source || 'this trace'), text, true,
      'Traces come from `dsim run SCENARIO --trace OUT.json` (docs/trace-format.md). Open another file with "Open trace…".');
    if (!(err instanceof DSIM.TraceError) && window.console) console.error(err);
  }

  // ---- Loading ----
  // Loads a trace: `read(progress)` returns a promise of the indexed trace (parse.js).
  async function load(read, source, t0) {
    if (app.loading) return;
    app.loading = true;
    stop();
    app.timings = { start: t0 === undefined ? performance.now() : t0 };
    app.source = source || '';
    showProgress(NaN, 'Reading the trace');
    try {
      await DSIM.yieldToBrowser();
      var trace = await read(showProgress);
      app.timings.parsed = performance.now();
      app.timings.parse = trace.timings;
      install(trace, source);
    } catch (e) {
      showError(e, source);
    } finally {
      app.loading = false;
    }
  }
  function loadText(text, source, t0) {
    return load(function (progress) { return DSIM.loadTrace(text, progress); }, source, t0);
  }
  app.loadText = loadText;

  function install(trace, source) {
    app.trace = trace;
    var canvas = $('canvas');
    document.body.dataset.state = 'ready';
    // The claim strip first: it takes its height before the canvas is sized.
    app.claim = DSIM.renderClaim(trace, $('claim'), $('verdict'), {
      jump: jumpFinding,
      resized: function () { if (app.view) { app.view.resize(); requestDraw(); } }
    });
    app.view = new DSIM.View(canvas, trace);
    var sc = trace.doc.scenario || {};
    var title = (sc.name || sc.description || source || 'trace');
    $('title').textContent = title;
    $('title').title = (sc.description || '') + (source ? '\n' + source : '');
    document.title = 'dsim · ' + String(title).slice(0, 80);
    buildSummary(); buildExplain(); buildFilters();
    app.view.cursor = -1;
    applyHash();
    app.view.draw();
    app.timings.firstDraw = performance.now();
    app.timings.loadMs = app.timings.firstDraw - app.timings.start;
    document.body.dataset.loadMs = String(Math.round(app.timings.loadMs));
    updateCursorInfo();
    canvas.focus();
  }

  function requestDraw() {
    if (app.drawPending || !app.view) return;
    app.drawPending = true;
    requestAnimationFrame(function () { app.drawPending = false; app.view.draw(); });
  }
  app.requestDraw = requestDraw;

  // ---- Summary: verdict, linearizability, findings ----
  function opLine(tr, opIndex) {
    var o = tr.opByHistory.get(opIndex), h = o && o.h;
    var hist = tr.doc.history && tr.doc.history.ops;
    if (!h && hist) h = hist[opIndex];
    if (!h) return 'op ' + opIndex;
    var client = o ? tr.actors[o.client].name : 'p' + h.process;
    return '#' + opIndex + ' ' + client + ' ' + h.f + (h.key !== undefined && h.key !== null ? ' ' + DSIM.show(h.key) : '') +
      (h.value !== null && h.value !== undefined ? ' ' + DSIM.show(h.value) : '') + ' → ' + h.type +
      (h.output !== null && h.output !== undefined ? ' ' + DSIM.show(h.output) : '');
  }
  function selectOpByHistory(opIndex) {
    var o = app.trace.opByHistory.get(opIndex);
    if (o) select({ kind: 'op', id: o.index }, true);
  }

  function buildSummary() {
    var tr = app.trace, box = $('summary'), cl = app.claim;
    clear(box);
    var lin = tr.lin;
    // The same verdict, in the same words, as the claim strip and the bar's badge.
    box.appendChild(el('p', cl.word + ': expected ' + cl.expected + '; observed ' +
      (cl.observed.length ? cl.observed.map(function (o) { return o.id; }).join(', ') : 'no violation') + '.',
      cl.verdict === 'held' ? 'good' : cl.verdict === 'failed' ? 'bad' : ''));
    var lp = el('div');
    if (!lin) lp.appendChild(el('p', 'Linearizability: not checked.'));
    else {
      lp.appendChild(el('p', 'Linearizability: ' + DSIM.show(lin.verdict) + (lin.reason ? ' (' + DSIM.show(lin.reason) + ')' : '') +
        (lin.verdict === 'illegal' ? ' — see Explanation below' : '')));
      lp.id = 'linearizability';
    }
    box.appendChild(lp);
    // A trace cut at its budget: the diagram ends early, the run (and its verdict) did not.
    var cut = tr.doc.trace_cut;
    if (cut && typeof cut === 'object') {
      var cp = el('p', 'Trace cut: ' + DSIM.show(cut.reason), 'bad'); cp.id = 'trace-cut';
      box.appendChild(cp);
    }
    var fd = el('div'); fd.id = 'findings';
    if (tr.findings.length === 0 && tr.violations.length === 0) fd.appendChild(el('p', 'No invariant violations.', 'good'));
    else {
      fd.appendChild(el('p', 'Violations found (' + Math.max(tr.findings.length, tr.violations.length) + '):'));
      var ul2 = el('ul', null, 'oplist');
      tr.violations.forEach(function (e) {
        var ev = tr.event(e), li = el('li');
        li.appendChild(link(DSIM.show(ev.id || ev.kind) + ' at ' + DSIM.fmtTime(tr.T[e]), function () { select({ kind: 'event', id: e }, true); }));
        if (ev.detail) li.appendChild(el('div', DSIM.show(ev.detail)));
        ul2.appendChild(li);
      });
      if (!tr.violations.length) tr.findings.forEach(function (f) {
        var li = el('li', DSIM.show(f.id || f.name) + (typeof f.t === 'number' ? ' at ' + DSIM.fmtTime(f.t) : '') + ': ' + DSIM.show(f.detail || ''));
        ul2.appendChild(li);
      });
      fd.appendChild(ul2);
    }
    box.appendChild(fd);
    var dropped = 0, dups = 0;
    for (var i = 0; i < tr.nArrows; i++) { if (tr.aFlags[i] & AR.DROPPED) dropped++; if (tr.aFlags[i] & AR.DUP_COPY) dups++; }
    box.appendChild(el('p', tr.n.toLocaleString() + ' events, ' + tr.nArrows.toLocaleString() + ' messages (' +
      dropped + ' dropped, ' + dups + ' duplicated), ' + tr.ops.length +
      ' client operations, run ' + DSIM.fmtTime(tr.tEnd) + ', seed ' + DSIM.show(tr.doc.seed) + '.'));
  }

  // The Explanation section: the illegal history per key, then each invariant violation with
  // the data it names linked to the matching events (explain.js).
  var explainHooks = {
    selectOp: function (op) { selectOpByHistory(op); },
    opLine: function (op) { return opLine(app.trace, op); },
    selectEvent: function (e) { select({ kind: 'event', id: e }, true); },
    selectLane: function (a, t) {
      var v = app.view;
      v.revealLane(a);
      select({ kind: 'lane', id: a, t: t }, false);
      v.ensureVisible(t); requestDraw();
    },
    search: function (q) { $('search').value = q; runSearch(); app.view.lastQuery = q; nextMatch(1); }
  };
  function buildExplain() {
    var tr = app.trace, box = $('explain');
    clear(box);
    var any = DSIM.explain.linearizability(tr, box, explainHooks);
    var shown = 0;
    tr.violations.forEach(function (e) {
      var ev = tr.event(e);
      if (shown >= 5 || /^linearizability/.test(String(ev.id))) return;
      box.appendChild(DSIM.explain.invariant(tr, e, explainHooks));
      shown++; any = true;
    });
    $('explainsec').hidden = !any;
  }

  function buildFilters() {
    var tr = app.trace, box = $('filters');
    clear(box);
    box.appendChild(el('div', 'Lanes', 'sub'));
    tr.actors.forEach(function (a) {
      var l = el('label'), c = el('input'); c.type = 'checkbox'; c.checked = true; c.dataset.actor = a.id;
      c.addEventListener('change', function () {
        if (c.checked) app.view.hiddenActors.delete(a.id); else app.view.hiddenActors.add(a.id);
        app.view.layout(); requestDraw(); updateHash();
      });
      l.appendChild(c); l.appendChild(document.createTextNode(' ' + a.name)); box.appendChild(l);
    });
    box.appendChild(el('div', 'Message types', 'sub'));
    var counts = new Int32Array(tr.typeNames.length);
    for (var i = 0; i < tr.nArrows; i++) counts[tr.aType[i]]++;
    tr.typeNames.forEach(function (name, id) {
      var l = el('label'), c = el('input'); c.type = 'checkbox'; c.checked = true; c.dataset.type = name;
      c.addEventListener('change', function () {
        if (c.checked) app.view.hiddenTypes.delete(id); else app.view.hiddenTypes.add(id);
        requestDraw();
      });
      l.appendChild(c); l.appendChild(document.createTextNode(' ' + name + ' (' + counts[id] + ')')); box.appendChild(l);
    });
  }

  // ---- Details ----
  function row(table, k, v) {
    var tr = el('tr'); tr.appendChild(el('td', k)); var td = el('td');
    if (v instanceof Node) td.appendChild(v); else td.textContent = String(v);
    tr.appendChild(td); table.appendChild(tr);
  }
  function pre(obj) { return el('pre', typeof obj === 'string' ? obj : JSON.stringify(obj, null, 2)); }
  function stateBlock(box, actor, e, when) {
    var tr = app.trace, s = tr.stateAt(actor, e);
    var head = el('div', 'State of ' + tr.actors[actor].name + ' ' + (when || 'at this moment') + ':', 'sub');
    if (when) head.id = 'serverstate';
    box.appendChild(head);
    var t = el('table');
    row(t, 'status', s.status);
    if (tr.actors[actor].kind === 'node') row(t, 'clock offset', (s.clock_offset_ns >= 0 ? '+' : '') + DSIM.fmtTime(s.clock_offset_ns) + (s.drift_ppm ? ', drift ' + s.drift_ppm + ' ppm' : ''));
    Object.keys(s.state).forEach(function (k) { row(t, k, DSIM.show(s.state[k])); });
    box.appendChild(t);
  }
  function eventLink(e, text) { return link(text || ('#' + e), function () { select({ kind: 'event', id: e }, true); }); }

  function renderDetails() {
    var box = $('details'), tr = app.trace, sel = app.view.selection;
    clear(box);
    if (!sel) { box.textContent = 'Click an arrow, event, operation or partition.'; return; }
    var t = el('table');
    if (app.view.causal) {
      var cz = app.view.causal, cl = el('div', null, 'causalinfo'); cl.id = 'causalinfo';
      cl.appendChild(el('span', 'causal past ' + cz.past.toLocaleString() + ' events', 'cpast'));
      cl.appendChild(document.createTextNode(' · '));
      cl.appendChild(el('span', 'future ' + cz.future.toLocaleString() + ' events', 'cfuture'));
      cl.appendChild(document.createTextNode(' (of event #' + cz.e + '; c turns it off)'));
      box.appendChild(cl);
    }
    if (sel.kind === 'arrow') {
      var i = sel.id, f = tr.aFlags[i], send = tr.aSend[i], end = tr.aEnd[i];
      var sev = tr.event(send);
      var status = f & AR.DELIVERED ? 'delivered' : f & AR.DROPPED ? 'dropped' : f & AR.HELD ? 'held (never released)' : 'in flight at the end';
      box.appendChild(el('b', 'Message ' + tr.typeNames[tr.aType[i]] + ': ' + tr.actors[tr.aFrom[i]].name + ' → ' + tr.actors[tr.aTo[i]].name));
      row(t, 'status', status + (f & AR.DUP_COPY ? ' (a duplicate copy)' : '') + (f & AR.DUPLICATED ? ' (was duplicated)' : ''));
      if (sev.msg !== undefined) row(t, 'msg', DSIM.show(f & AR.DUP_COPY ? sev.copy : sev.msg));
      if (sev.op !== undefined) row(t, 'op', DSIM.show(sev.op));
      row(t, 'sent', DSIM.fmtTime(tr.aTS[i]) + ' ');
      t.lastChild.lastChild.appendChild(eventLink(send, 'event #' + send));
      if (end >= 0) {
        var eev = tr.event(end);
        row(t, f & AR.DELIVERED ? 'delivered' : 'dropped', DSIM.fmtTime(tr.T[end]) + (eev.reason ? ' (' + DSIM.show(eev.reason) + ')' : '') + ' ');
        t.lastChild.lastChild.appendChild(eventLink(end, 'event #' + end));
        row(t, 'latency', DSIM.fmtTime(tr.T[end] - tr.aTS[i]));
      }
      box.appendChild(t);
      box.appendChild(el('div', 'payload', 'sub'));
      var payloadPre = pre(sev.payload === undefined ? null : sev.payload);
      payloadPre.id = 'payload';
      box.appendChild(payloadPre);
      stateBlock(box, tr.aFrom[i], send);
    } else if (sel.kind === 'event') {
      var e = sel.id, ev = tr.event(e);
      box.appendChild(el('b', 'Event #' + e + ': ' + DSIM.show(ev.k) + (tr.A[e] >= 0 ? ' at ' + tr.actors[tr.A[e]].name : '')));
      row(t, 'time', DSIM.fmtTime(tr.T[e]) + ' (' + tr.T[e] + ' ns)');
      if (tr.lines[e]) row(t, 'line', tr.lines[e]);
      if (tr.ARW[e] >= 0) row(t, 'message', link('show the message', function () { select({ kind: 'arrow', id: tr.ARW[e] }, true); }));
      box.appendChild(t);
      if (tr.K[e] === K.violation && !/^linearizability/.test(String(ev.id))) box.appendChild(DSIM.explain.invariant(tr, e, explainHooks));
      if (tr.K[e] === K.violation && /^linearizability/.test(String(ev.id)) && tr.linBlocked.size) {
        box.appendChild(el('div', 'The operation that cannot be placed:', 'sub'));
        tr.linBlocked.forEach(function (op) { box.appendChild(link(opLine(tr, op), function () { selectOpByHistory(op); })); });
      }
      box.appendChild(pre(ev));
      if (tr.A[e] >= 0 && tr.actors[tr.A[e]].kind === 'node') stateBlock(box, tr.A[e], e);
    } else if (sel.kind === 'op') {
      var o = tr.ops[sel.id], h = o.h || {};
      box.appendChild(el('b', 'Operation ' + opLine(tr, o.op)));
      row(t, 'client', tr.actors[o.client].name);
      row(t, 'invoked', DSIM.fmtTime(o.t0) + ' '); t.lastChild.lastChild.appendChild(eventLink(o.inv, 'event #' + o.inv));
      if (o.comp >= 0) { row(t, 'completed', DSIM.fmtTime(o.t1) + ' (' + o.type + ') '); t.lastChild.lastChild.appendChild(eventLink(o.comp, 'event #' + o.comp)); }
      else row(t, 'completed', 'never (info)');
      var order = tr.linOrder.get(o.op);
      if (order !== undefined) row(t, 'linearization', 'step ' + order + ' of the partial linearization');
      if (tr.linBlocked.has(o.op)) row(t, 'linearization', 'CANNOT BE PLACED: the history breaks here (see Explanation)');
      // Who served it: the node whose reply completed it, and that node's state then.
      var srv = DSIM.explain.opServer(tr, o);
      if (srv.server) {
        var sv = el('span', tr.actors[srv.server.node].name + ' ');
        sv.id = 'servedby';
        sv.appendChild(eventLink(srv.server.send, 'reply event #' + srv.server.send));
        row(t, 'served by', sv);
      } else row(t, 'served by', srv.attempts.length ? 'no node (every reply refused it, or none came)' : 'no request recorded');
      if (srv.attempts.length > 1 || (srv.attempts.length && !srv.server)) {
        row(t, 'attempts', srv.attempts.map(function (x) {
          return tr.actorName(x.node) + ': ' + (x.status || 'no reply') + (x.error ? ' (' + x.error + ')' : '');
        }).join('; '));
      }
      box.appendChild(t);
      if (srv.server && tr.actors[srv.server.node] && tr.actors[srv.server.node].kind === 'node') stateBlock(box, srv.server.node, srv.server.send, 'when it replied');
      box.appendChild(pre(h));
    } else if (sel.kind === 'partition') {
      var p = tr.partitions[sel.id];
      box.appendChild(el('b', p.text));
      if (p.point) row(t, 'at', DSIM.fmtTime(p.t0));
      else { row(t, 'from', DSIM.fmtTime(p.t0)); row(t, 'until', p.t1 >= tr.tEnd ? 'the end of the run' : DSIM.fmtTime(p.t1)); }
      box.appendChild(t);
      // The scenario's initial skew has no event: its "clocks" section instead.
      box.appendChild(pre(p.ev >= 0 ? tr.event(p.ev) : (tr.doc.scenario || {}).clocks));
    } else if (sel.kind === 'lane') {
      var at = Math.max(0, tr.eventAt(sel.t + 1) - 1);
      box.appendChild(el('b', tr.actors[sel.id].name + ' at ' + DSIM.fmtTime(sel.t)));
      stateBlock(box, sel.id, at);
    }
  }

  function select(sel, reveal) {
    var v = app.view, tr = app.trace;
    if (sel && sel.kind === 'event') v.cursor = sel.id;
    else if (sel && sel.kind === 'arrow') v.cursor = tr.aSend[sel.id];
    else if (sel && sel.kind === 'op') v.cursor = tr.ops[sel.id].inv;
    v.selection = sel;
    if (reveal && v.cursor >= 0) { v.ensureVisible(tr.T[v.cursor]); v.revealLane(tr.A[v.cursor]); }
    DSIM.explain.highlight($('explain'), sel && sel.kind === 'op' ? tr.ops[sel.id].op : null);
    updateCausal();
    renderDetails(); updateCursorInfo(); updateHash(); requestDraw();
  }
  app.select = select;

  // ---- Causality (causal.js): the selected event's causal past and future ----
  function causalEvent() {
    var v = app.view, tr = app.trace, s = v.selection;
    if (!s) return -1;
    if (s.kind === 'event') return s.id;
    if (s.kind === 'arrow') return tr.aSend[s.id];
    if (s.kind === 'op') return tr.ops[s.id].inv;
    return -1;
  }
  function updateCausal() {
    var v = app.view, e = app.causalOn ? causalEvent() : -1;
    if (e < 0 || app.trace.A[e] < 0) { v.causal = null; return; }
    if (!v.causal || v.causal.e !== e) v.causal = DSIM.causal(app.trace, e);
  }
  function toggleCausal() {
    app.causalOn = !app.causalOn;
    $('causal').classList.toggle('on', app.causalOn);
    updateCausal(); renderDetails(); requestDraw();
  }

  // ---- Cursor, stepping, playback ----
  function updateCursorInfo() {
    var v = app.view, tr = app.trace;
    $('cursorinfo').textContent = v.cursor >= 0 ? 'event ' + v.cursor + ' / ' + tr.n + ' · ' + DSIM.fmtTime(tr.T[v.cursor]) + ' · ' + (DSIM.KINDS[tr.K[v.cursor]] || 'unknown') : tr.n + ' events';
  }
  function step(dir, count) {
    var v = app.view, tr = app.trace, c = v.cursor;
    count = count || 1;
    if (c < 0) c = dir > 0 ? -1 : tr.n;
    while (count-- > 0) {
      var x = c + dir;
      while (x >= 0 && x < tr.n && !v.eventVisible(x)) x += dir;
      if (x < 0 || x >= tr.n) break;
      c = x;
    }
    if (c < 0 || c >= tr.n) return false;
    var moved = c !== v.cursor;
    v.cursor = c;
    v.selection = { kind: 'event', id: c };
    v.ensureVisible(tr.T[c]);
    updateCausal();
    renderDetails(); updateCursorInfo(); updateHash(); requestDraw();
    return moved;
  }
  app.step = step;
  function play() {
    if (app.playTimer) { stop(); return; }
    $('play').textContent = 'pause';
    var last = performance.now(), carry = 0;
    app.playTimer = setInterval(function () {
      var now = performance.now(), speed = +$('speed').value;
      carry += (now - last) / 1000 * speed; last = now;
      var n = Math.floor(carry);
      if (n > 0) { carry -= n; if (!step(1, n)) stop(); }
    }, 30);
  }
  function stop() {
    if (app.playTimer) clearInterval(app.playTimer);
    app.playTimer = null;
    var b = $('play'); if (b) b.textContent = 'play';
  }
  // The first violation: an invariant's violation event, or, for an illegal history, the first
  // operation that cannot be placed (not the checker's end-of-run event), whichever is earlier.
  function jumpViolation() {
    var tr = app.trace, best = null;
    tr.violations.forEach(function (e) {
      if (/^linearizability/.test(String(tr.event(e).id)) && tr.linBlocked.size) return;
      if (!best || tr.T[e] < best.t) best = { t: tr.T[e], sel: { kind: 'event', id: e } };
    });
    tr.linBlocked.forEach(function (op) {
      var o = tr.opByHistory.get(op);
      if (o && (!best || o.t0 < best.t)) best = { t: o.t0, sel: { kind: 'op', id: o.index } };
    });
    if (!best && tr.violations.length) best = { sel: { kind: 'event', id: tr.violations[0] } };
    if (best) select(best.sel, true);
  }
  app.jumpViolation = jumpViolation;
  function jumpFinding(id) {
    var tr = app.trace;
    if (/^linearizability/.test(id) && tr.linBlocked.size) { selectOpByHistory(tr.linBlocked.values().next().value); return; }
    for (var i = 0; i < tr.violations.length; i++) {
      if (DSIM.show(tr.event(tr.violations[i]).id) === id) { select({ kind: 'event', id: tr.violations[i] }, true); return; }
    }
    jumpViolation();
  }

  // ---- Search ----
  var searchTimer = null;
  function runSearch() {
    var q = $('search').value.trim().toLowerCase(), tr = app.trace, v = app.view;
    if (!tr) return;
    if (!q) { v.matches = null; $('searchinfo').textContent = ''; requestDraw(); return; }
    var m = new Set();
    for (var i = 0; i < tr.n; i++) if (tr.rawText(i).toLowerCase().indexOf(q) >= 0) m.add(i);
    v.matches = m; v.matchList = Array.from(m);
    $('searchinfo').textContent = m.size + ' match' + (m.size === 1 ? '' : 'es');
    requestDraw();
  }
  function nextMatch(dir) {
    var v = app.view;
    if (!v.matchList || !v.matchList.length) return;
    var L = v.matchList, c = v.cursor, j;
    if (dir > 0) { j = DSIM.lowerBound(L, c + 1); if (j >= L.length) j = 0; }
    else { j = DSIM.lowerBound(L, c) - 1; if (j < 0) j = L.length - 1; }
    select({ kind: 'event', id: L[j] }, true);
    $('searchinfo').textContent = (j + 1) + ' / ' + L.length;
  }

  // ---- URL hash: #t=T0..T1&e=CURSOR&sel=KIND:ID ----
  var hashTimer = null, applyingHash = false;
  function updateHash() {
    if (applyingHash || !app.view) return;
    clearTimeout(hashTimer);
    hashTimer = setTimeout(function () {
      var v = app.view, parts = ['t=' + Math.round(v.t0) + '..' + Math.round(v.t1())];
      if (v.cursor >= 0) parts.push('e=' + v.cursor);
      if (v.selection && v.selection.kind !== 'lane') parts.push('sel=' + v.selection.kind + ':' + v.selection.id);
      var h = '#' + parts.join('&');
      if (location.hash !== h) history.replaceState(null, '', h);
    }, 150);
  }
  function applyHash() {
    var v = app.view, tr = app.trace, h = location.hash.replace(/^#/, '');
    if (!h) return;
    applyingHash = true;
    try {
      h.split('&').forEach(function (kv) {
        var i = kv.indexOf('='), k = kv.slice(0, i), val = decodeURIComponent(kv.slice(i + 1));
        if (k === 't') { var m = /^(-?\d+(?:\.\d+)?)\.\.(-?\d+(?:\.\d+)?)$/.exec(val); if (m) v.setWindow(+m[1], +m[2]); }
        else if (k === 'e') { var e = parseInt(val, 10); if (e >= 0 && e < tr.n) v.cursor = e; }
        else if (k === 'sel') {
          var s = /^(arrow|event|op|partition):(\d+)$/.exec(val);
          if (s) {
            var id = +s[2], lim = { arrow: tr.nArrows, event: tr.n, op: tr.ops.length, partition: tr.partitions.length }[s[1]];
            if (id < lim) v.selection = { kind: s[1], id: id };
          }
        }
      });
      renderDetails(); updateCursorInfo();
    } finally { applyingHash = false; }
  }
  window.addEventListener('hashchange', function () { if (app.view) { applyHash(); requestDraw(); } });

  // ---- Input ----
  function setupInput() {
    var canvas = $('canvas'), drag = null;
    canvas.addEventListener('mousedown', function (e) {
      if (!app.view) return;
      var r = canvas.getBoundingClientRect(), sb = app.view.scrollbar();
      drag = { x: e.clientX, y: e.clientY, moved: false, scrollbar: !!sb && e.clientX - r.left >= sb[0] };
      if (drag.scrollbar) {
        var y = e.clientY - r.top;
        if (y < sb[3] || y > sb[3] + sb[4]) { app.view.scrollbarJump(y); requestDraw(); }
      }
      canvas.focus();
    });
    canvas.addEventListener('mousemove', function (e) {
      var tip = $('tip');
      if (!app.view || drag) { tip.hidden = true; return; }
      var r = canvas.getBoundingClientRect(), x = e.clientX - r.left, y = e.clientY - r.top, text = null;
      if (app.view.densityMode) {
        var cell = DSIM.density.hit(app.view, x, y);
        if (cell) text = DSIM.density.describe(app.trace, cell, app.view);
      } else {
        // A "+N" lists the labels it hides.
        var hidden = app.view.hiddenLabelsAt(x, y, 20);
        if (hidden) text = app.trace.actors[hidden.lane].name + ': ' + hidden.count + ' more labels\n' + hidden.lines.join('\n');
      }
      if (text === null) { tip.hidden = true; return; }
      tip.textContent = text;
      tip.hidden = false;
      tip.style.left = Math.min(e.clientX - r.left + 12, r.width - tip.offsetWidth - 4) + 'px';
      tip.style.top = (e.clientY - r.top + 14) + 'px';
    });
    canvas.addEventListener('mouseleave', function () { $('tip').hidden = true; });
    window.addEventListener('mousemove', function (e) {
      if (!drag) return;
      if (drag.scrollbar) { app.view.scrollbarDrag(e.clientY - drag.y); drag.y = e.clientY; requestDraw(); return; }
      var dx = e.clientX - drag.x;
      if (Math.abs(dx) + Math.abs(e.clientY - drag.y) > 3) { drag.moved = true; canvas.classList.add('dragging'); }
      if (drag.moved) { app.view.pan(dx); drag.x = e.clientX; drag.y = e.clientY; requestDraw(); }
    });
    window.addEventListener('mouseup', function (e) {
      if (!drag) return;
      var d = drag; drag = null; canvas.classList.remove('dragging');
      if (d.scrollbar) return;
      if (d.moved) { updateHash(); return; }
      var r = canvas.getBoundingClientRect();
      var hit = app.view.hit(e.clientX - r.left, e.clientY - r.top);
      select(hit, false);
    });
    canvas.addEventListener('wheel', function (e) {
      if (!app.view) return;
      e.preventDefault();
      var r = canvas.getBoundingClientRect(), v = app.view, x = e.clientX - r.left, y = e.clientY - r.top;
      // Lanes: alt+wheel sets their height; the wheel over the lane names or the scrollbar
      // scrolls them (when they do not all fit). Elsewhere the wheel is time zoom and pan.
      var overLaneEdge = y >= v.top && (x < DSIM.View.LABEL_W || x >= v.W - 12);
      if (e.altKey) { v.zoomLanes(Math.pow(1.0015, -e.deltaY), y); requestDraw(); return; }
      if (overLaneEdge && v.scrollable() && Math.abs(e.deltaY) >= Math.abs(e.deltaX) && !e.shiftKey) {
        v.scrollLanes(e.deltaMode === 1 ? e.deltaY * v.laneH : e.deltaY); requestDraw(); return;
      }
      if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) app.view.pan(-(e.deltaX || e.deltaY));
      else {
        // Around the selection (or cursor) when it is on screen, so that it stays put; else the pointer.
        var ax = v.anchorX();
        v.zoom(Math.pow(1.0015, e.deltaY), ax === undefined ? x : ax);
      }
      requestDraw(); updateHash();
    }, { passive: false });
    window.addEventListener('resize', function () { if (app.view) { app.view.resize(); requestDraw(); } });
    // The diagram's box also changes without a window resize: the toolbar wraps to a second line
    // as its texts change, the claim strip unfolds. The canvas follows its box.
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        if (!app.view) return;
        var r = canvas.getBoundingClientRect();
        if (Math.abs(r.width - app.view.W) > 0.5 || Math.abs(r.height - app.view.H) > 0.5) { app.view.resize(); app.view.draw(); }
      }).observe($('stage'));
    }
    document.addEventListener('keydown', function (e) {
      if (!app.view) return;
      var tgt = e.target;
      if (tgt && (tgt.tagName === 'INPUT' || tgt.tagName === 'SELECT')) {
        if (tgt.id === 'search' && e.key === 'Enter') { e.preventDefault(); clearTimeout(searchTimer); if (!app.view.matchList || app.view.lastQuery !== tgt.value) { runSearch(); app.view.lastQuery = tgt.value; } nextMatch(e.shiftKey ? -1 : 1); }
        else if (e.key === 'Escape') tgt.blur();
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      var v = app.view, handled = true, span = (v.W - DSIM.View.LABEL_W) * v.nsPerPx;
      switch (e.key) {
        case 'ArrowRight': if (e.shiftKey) { v.t0 += span * 0.8; requestDraw(); updateHash(); } else step(1); break;
        case 'ArrowLeft': if (e.shiftKey) { v.t0 -= span * 0.8; requestDraw(); updateHash(); } else step(-1); break;
        case 'Home': v.cursor = -1; step(1); break;
        case 'End': v.cursor = app.trace.n; step(-1); break;
        case ' ': play(); break;
        case '+': case '=': v.zoom(0.5); requestDraw(); updateHash(); break;
        case '-': case '_': v.zoom(2); requestDraw(); updateHash(); break;
        case 'f': v.fit(); requestDraw(); updateHash(); break;
        case 'PageDown': v.scrollLanes(v.bandH * 0.9); requestDraw(); break;
        case 'PageUp': v.scrollLanes(-v.bandH * 0.9); requestDraw(); break;
        case 'ArrowDown': v.scrollLanes(3 * v.laneH); requestDraw(); break;
        case 'ArrowUp': v.scrollLanes(-3 * v.laneH); requestDraw(); break;
        case 'a': v.fitLanes(); requestDraw(); break;
        case '>': v.zoomLanes(1.5); requestDraw(); break;
        case '<': v.zoomLanes(1 / 1.5); requestDraw(); break;
        case 'v': jumpViolation(); break;
        case 'c': toggleCausal(); break;
        case '/': $('search').focus(); break;
        case '[': $('speed').selectedIndex = Math.max(0, $('speed').selectedIndex - 1); break;
        case ']': $('speed').selectedIndex = Math.min($('speed').options.length - 1, $('speed').selectedIndex + 1); break;
        case 'Escape': select(null); break;
        default: handled = false;
      }
      if (handled) e.preventDefault();
    });
    $('first').addEventListener('click', function () { if (app.view) { app.view.cursor = -1; step(1); } });
    $('last').addEventListener('click', function () { if (app.view) { app.view.cursor = app.trace.n; step(-1); } });
    $('prev').addEventListener('click', function () { if (app.view) step(-1); });
    $('next').addEventListener('click', function () { if (app.view) step(1); });
    $('play').addEventListener('click', function () { if (app.view) play(); });
    $('zoomin').addEventListener('click', function () { if (app.view) { app.view.zoom(0.5); requestDraw(); } });
    $('zoomout').addEventListener('click', function () { if (app.view) { app.view.zoom(2); requestDraw(); } });
    $('fit').addEventListener('click', function () { if (app.view) { app.view.fit(); requestDraw(); } });
    $('jumpviol').addEventListener('click', function () { if (app.view) jumpViolation(); });
    $('causal').addEventListener('click', function () { if (app.view) toggleCausal(); });
    $('lanetaller').addEventListener('click', function () { if (app.view) { app.view.zoomLanes(1.5); requestDraw(); } });
    $('laneshorter').addEventListener('click', function () { if (app.view) { app.view.zoomLanes(1 / 1.5); requestDraw(); } });
    $('lanefit').addEventListener('click', function () { if (app.view) { app.view.fitLanes(); requestDraw(); } });
    // Keys go to the diagram after a button click (space must not press the button again).
    Array.prototype.forEach.call(document.querySelectorAll('#bar button'), function (b) {
      b.addEventListener('click', function () { canvas.focus(); });
    });
    $('search').addEventListener('input', function () {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(function () { runSearch(); app.view && (app.view.lastQuery = $('search').value); }, 250);
    });
    $('file').addEventListener('change', function () {
      var f = this.files && this.files[0];
      if (f) readFile(f);
      this.value = '';
    });
    document.addEventListener('dragover', function (e) { e.preventDefault(); document.body.classList.add('dragover'); });
    document.addEventListener('dragleave', function () { document.body.classList.remove('dragover'); });
    document.addEventListener('drop', function (e) {
      e.preventDefault(); document.body.classList.remove('dragover');
      var f = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
      if (f) readFile(f);
    });
  }

  // A file (picker, drop): read whole (a local read is quick and never blocks the tab), then
  // parsed in slices with a progress bar.
  function readFile(file) {
    var t0 = performance.now();
    load(function (progress) {
      progress(NaN, 'Reading the file');
      return file.text().then(function (text) { return DSIM.loadTrace(text, progress); },
        function (e) { throw new DSIM.TraceError('Cannot read the file: ' + (e && e.message || e)); });
    }, file.name + ' (' + (file.size / 1e6).toFixed(1) + ' MB)', t0);
  }

  // Test hooks (used by viz/test/e2e.mjs).
  app.status = function () {
    var v = app.view, tr = app.trace;
    return {
      state: document.body.dataset.state, events: tr ? tr.n : 0, arrows: tr ? tr.nArrows : 0, lanes: v ? v.lanes.length : 0,
      drawnArrows: v ? v.stats.drawnArrows : 0, drawnEvents: v ? v.stats.drawnEvents : 0, cursor: v ? v.cursor : -1,
      cursorTime: v && v.cursor >= 0 ? tr.T[v.cursor] : null, selection: v ? v.selection : null,
      violations: tr ? tr.violations.length : 0, timings: app.timings, lastFrameMs: v ? v.stats.lastFrameMs : 0,
      laneH: v ? v.laneH : 0, firstRow: v ? v.firstRow : 0, lastRow: v ? v.lastRow : 0,
      scrollable: v ? v.scrollable() : false, labeledLanes: v ? v.stats.labeledLanes : 0,
      bandH: v ? v.bandH : 0, densityMode: v ? !!v.densityMode : false, densityCells: v ? v.stats.densityCells || 0 : 0,
      labels: v && v.stats.labels ? v.stats.labels : null,
      causal: v && v.causal ? { e: v.causal.e, past: v.causal.past, future: v.causal.future } : null
    };
  };
  // Screen x (client coordinates) of the selection's (or cursor's) time, or null.
  app.focusX = function () {
    var v = app.view, t = v.focusTime(), r = $('canvas').getBoundingClientRect();
    return t === null ? null : r.left + v.x(t);
  };
  // Client coordinates of density cell i of the last frame, or null.
  app.densityPoint = function (i) {
    var v = app.view, d = v.density, r = $('canvas').getBoundingClientRect();
    if (!v.densityMode || !d || i >= d.n.length || isNaN(d.geom[4 * i])) return null;
    return { x: r.left + (d.geom[4 * i] + d.geom[4 * i + 2]) / 2, y: r.top + (d.geom[4 * i + 1] + d.geom[4 * i + 3]) / 2, n: d.n[i] };
  };
  // Fault-row item i: its kind and text, and client coordinates of a point on it.
  app.faultItem = function (i) {
    var v = app.view, p = app.trace.partitions[i], r = $('canvas').getBoundingClientRect();
    var xa = Math.max(DSIM.View.LABEL_W, v.x(p.t0)), xb = Math.min(v.W, v.x(p.t1));
    return { kind: p.kind, text: p.text, point: !!p.point, x: r.left + (p.point ? v.x(p.t0) : (xa + xb) / 2), y: r.top + v.faultRowY(p.row) };
  };
  // The causal mark of event i (0 unrelated, 1 past, 2 future, 3 the event), or null when off.
  app.causalMark = function (i) { var c = app.view.causal; return c ? c.mark[i] : null; };
  app.opLabel = function (opIndex) { var o = app.trace.opByHistory.get(opIndex); return o ? app.view.opLabel(o) : null; };
  // Arrow i's flags and geometry as drawn, with its ends' lane centres.
  app.arrowInfo = function (i) {
    var v = app.view, tr = app.trace;
    return { flags: tr.aFlags[i], geom: v.arrowGeom(i), yFrom: v.laneY[tr.aFrom[i]], yTo: v.laneY[tr.aTo[i]] };
  };
  // Actor a's lane as last drawn: on screen, its centre (client y), event marks drawn on it.
  app.laneInfo = function (a) {
    var v = app.view, r = $('canvas').getBoundingClientRect();
    return { onScreen: v.laneOnScreen(a), y: r.top + v.laneY[a], marks: v.stats.marksByLane ? v.stats.marksByLane[a] : 0,
      labeled: v.laneH >= 10 && v.laneOnScreen(a) && v.laneY[a] >= v.top && v.laneY[a] <= v.top + v.bandH };
  };
  // Client coordinates of a point on arrow i (for clicking it), or null when off screen.
  app.arrowPoint = function (i) {
    var v = app.view, g = v.arrowGeom(i), r = $('canvas').getBoundingClientRect();
    if (!g) return null;
    var x = (g[0] + g[2]) / 2, y = (g[1] + g[3]) / 2;
    if (x < DSIM.View.LABEL_W || x > v.W) return null;
    return { x: r.left + x, y: r.top + y };
  };
  // A delivered node-to-node arrow drawn at least `minPx` long, in the visible window.
  app.findArrow = function (minPx) {
    var v = app.view, tr = app.trace;
    if (v.densityMode) return -1;  // single arrows are not drawn in the density view
    for (var i = 0; i < tr.nArrows; i++) {
      if (!(tr.aFlags[i] & AR.DELIVERED) || (tr.aFlags[i] & AR.CLIENT)) continue;
      var g = v.arrowGeom(i);
      if (g && g[0] > DSIM.View.LABEL_W && g[2] < v.W && Math.hypot(g[2] - g[0], g[3] - g[1]) >= (minPx || 20)) return i;
    }
    return -1;
  };

  function boot() {
    setupInput();
    var embedded = document.getElementById('dsim-trace');
    if (embedded) {
      loadText(embedded.textContent, embedded.dataset.name || 'embedded trace', 0);
      return;
    }
    var q = new URLSearchParams(location.search).get('trace');
    if (!q) {
      // Nothing to load: the welcome card (index.html's inline script put a loading card up).
      var m = $('message');
      if (window.DSIM_WELCOME && m.querySelector('.progresslabel')) {
        clear(m); m.className = 'message';
        window.DSIM_WELCOME.forEach(function (node) { m.appendChild(node); });
      }
      document.body.dataset.state = 'empty';
    }
    if (q) {
      // Read as a stream, with progress: never one huge string that freezes the tab.
      load(function (progress) {
        progress(NaN, 'Fetching ' + q);
        return fetch(q).then(function (r) {
          if (!r.ok) throw new DSIM.TraceError('Fetching ' + q + ' failed: HTTP ' + r.status);
          return DSIM.loadTraceStream(r.body, +(r.headers.get('content-length') || 0), progress);
        }, function (e) {
          throw new DSIM.TraceError('Cannot fetch ' + q + ': ' + e.message +
            ' (browsers do not let a page opened from file:// fetch files; use Open trace… or `dsim viz`)');
        });
      }, q, 0);
    }
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot); else boot();
})();
