// Explaining a violation. For an illegal history, per key (Porcupine-style): the intervals of the
// operations around the place where the search got stuck, the partial linearization as a short
// list of steps (expandable, in a scrolling box), the model state before and after, and the
// operations that cannot be placed, highlighted. For an invariant violation: each datum it
// names (node, term, index, version, transaction ...) linked to the trace events that match.
// And for any client operation: the node that served it.
//
// Numbering: "#N" is an operation's index in the history (as `dsim check` prints it), on the
// canvas and in every panel; "step k" is a position in the partial linearization.
// Everything from the trace is written with textContent.
'use strict';

(function () {
  var K = DSIM.KIND;
  var STEPS_SHOWN = 4, STEPS_MAX = 20000, ROWS_MAX = 14, MATCHES_SHOWN = 8;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function link(text, fn, cls) { var b = el('button', text, 'link' + (cls ? ' ' + cls : '')); b.addEventListener('click', fn); return b; }
  function same(a, b) { return JSON.stringify(a === undefined ? null : a) === JSON.stringify(b === undefined ? null : b); }
  function show(s) { return s === null || s === undefined ? 'nil' : JSON.stringify(s); }

  function modelOf(tr) {
    var c = tr.doc.scenario && tr.doc.scenario.checks && tr.doc.scenario.checks.linearizability;
    return typeof c === 'string' ? c : c && typeof c.model === 'string' ? c.model : null;
  }

  // One step of the sequential specification: {ok, state, why}. `state` is what the operation
  // leaves (when ok); `why` says why the model rejects it.
  function step(model, state, h) {
    var f = h.f, v = h.value, out = h.output;
    if (model === 'register' || model === 'cas-register') {
      if (f === 'read') return same(out, state) ? { ok: true, state: state } : { ok: false, state: state, why: 'it reads ' + show(out) + ' but the register holds ' + show(state) };
      if (f === 'write') return { ok: true, state: v };
      if (f === 'cas' && Array.isArray(v)) {
        if (h.type === 'fail') return !same(state, v[0]) ? { ok: true, state: state } : { ok: false, state: state, why: 'it failed, but the register holds ' + show(state) + ', the value it expected' };
        return same(state, v[0]) ? { ok: true, state: v[1] } : { ok: false, state: state, why: 'it expects ' + show(v[0]) + ' but the register holds ' + show(state) };
      }
    } else if (model === 'kv') {
      var s = state === null ? '' : state;
      if (f === 'get') return same(out, s) || (s === '' && out === null) ? { ok: true, state: s } : { ok: false, state: s, why: 'it gets ' + show(out) + ' but the key holds ' + show(s) };
      if (f === 'put') return { ok: true, state: v };
      if (f === 'append') return { ok: true, state: s + (v === null ? '' : String(v)) };
    }
    return null;  // a model this page does not know
  }

  // Does the replayed state st match the checker's (f.state: a register's value as JSON, or a kv
  // model's object of key -> string)?
  function sameState(model, f, st) {
    var final = String(f.state), parsed;
    if (final === show(st) || final === DSIM.show(st) || (st === null && /^(nil|null)$/.test(final))) return true;
    try { parsed = JSON.parse(final); } catch (e) { return false; }
    if (model === 'kv' && parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      var v = f.key === null || f.key === undefined ? undefined : parsed[String(f.key)];
      return same(v, st) || (st === '' && (v === undefined || v === null));
    }
    return same(parsed, st);
  }
  function histOp(tr, i) { var ops = tr.doc.history && tr.doc.history.ops; return ops ? ops[i] : null; }

  // ---- Linearizability ----
  // Fills `box` with one explanation per failing key. hooks: selectOp(i), opLine(i).
  function linearizability(tr, box, hooks) {
    var lin = tr.lin;
    if (!lin || !Array.isArray(lin.failures) || !lin.failures.length) return false;
    var model = modelOf(tr);
    box.appendChild(el('p', 'Operations are numbered #N by their index in the history, here and on the diagram; ' +
      'step k is a position in the partial linearization.', 'note'));
    lin.failures.forEach(function (f, fi) {
      var sec = el('div', null, 'explain-key');
      sec.dataset.failure = fi;
      var keyText = f.key === null || f.key === undefined ? 'the register' : 'key ' + DSIM.show(f.key);
      sec.appendChild(el('div', 'Not linearizable: ' + keyText, 'bad explain-h'));
      var linz = Array.isArray(f.linearized) ? f.linearized : [], blocked = Array.isArray(f.blocked) ? f.blocked : [];
      // States along the partial linearization, when the model is one this page can replay and
      // the replay ends where the checker's did.
      var states = null;
      if (model) {
        var st = model === 'kv' ? '' : null, ok = true;
        states = [];
        for (var i = 0; i < linz.length && ok; i++) {
          var h = histOp(tr, linz[i]), r = h && step(model, st, h);
          if (!r || !r.ok) { ok = false; break; }
          st = r.state; states.push(st);
        }
        if (!ok || !sameState(model, f, st)) states = null;
      }
      var before = f.state === undefined ? '?' : DSIM.show(f.state);
      timeline(tr, sec, f, linz, blocked, hooks);
      // The partial linearization, collapsed.
      var lh = el('div', 'Partial linearization: ' + linz.length + ' step' + (linz.length === 1 ? '' : 's') + ', then none of the ' +
        blocked.length + ' operation' + (blocked.length === 1 ? '' : 's') + ' below can come next.', 'sub');
      sec.appendChild(lh);
      function stepItem(k) {
        var li = el('li'); li.dataset.op = linz[k];
        li.appendChild(el('span', 'step ' + (k + 1) + ': ', 'stepk'));
        li.appendChild(link(hooks.opLine(linz[k]), function () { hooks.selectOp(linz[k]); }));
        if (states) li.appendChild(el('span', ' → ' + show(states[k]), 'stepstate'));
        return li;
      }
      var short = el('ul', null, 'steps');
      if (fi === 0) short.id = 'steps-short';
      var from = Math.max(0, linz.length - STEPS_SHOWN);
      if (from > 0) short.appendChild(el('li', '… steps 1 to ' + from + ' hidden', 'note'));
      for (var k = from; k < linz.length; k++) short.appendChild(stepItem(k));
      sec.appendChild(short);
      if (from > 0) {
        var all = el('ol', null, 'steps steps-all'); all.hidden = true;
        var tog = link('show all ' + linz.length + ' steps', function () {
          if (!all.firstChild) {
            for (var k2 = 0; k2 < Math.min(linz.length, STEPS_MAX); k2++) all.appendChild(stepItem(k2));
            if (linz.length > STEPS_MAX) all.appendChild(el('li', '… ' + (linz.length - STEPS_MAX) + ' more (dsim check --json)', 'note'));
          }
          all.hidden = !all.hidden; short.hidden = !all.hidden;
          tog.textContent = all.hidden ? 'show all ' + linz.length + ' steps' : 'show the last ' + STEPS_SHOWN + ' steps';
        }, 'steps-toggle');
        sec.appendChild(tog);
        sec.appendChild(all);
      }
      // State before / after, and why each blocked operation cannot be placed.
      var t = el('table', null, 'explain-state');
      var r1 = el('tr'); r1.appendChild(el('td', 'state before')); r1.appendChild(el('td', before + (linz.length ? ' (after step ' + linz.length + ')' : ' (initial)')));
      t.appendChild(r1);
      // After: what the first blocked operation would leave, if the model took it at all.
      var h0 = histOp(tr, blocked[0]), cur0 = states ? (states.length ? states[states.length - 1] : (model === 'kv' ? '' : null)) : undefined;
      var r0 = h0 && model && states ? step(model, cur0, h0) : null;
      if (r0) {
        var r2 = el('tr'); r2.appendChild(el('td', 'state after'));
        r2.appendChild(el('td', r0.ok ? show(r0.state) + ' (after #' + blocked[0] + ', if it were placed)' : 'none: the model rejects #' + blocked[0] + ' in this state'));
        t.appendChild(r2);
      }
      sec.appendChild(t);
      sec.appendChild(el('div', 'Cannot be placed next (' + blocked.length + '):', 'bad sub'));
      var ul = el('ul', null, 'steps');
      blocked.forEach(function (op) {
        var li = el('li', null, 'blocked'); li.dataset.op = op;
        li.appendChild(link(hooks.opLine(op), function () { hooks.selectOp(op); }));
        var h = histOp(tr, op), cur = states ? (states.length ? states[states.length - 1] : (model === 'kv' ? '' : null)) : undefined;
        var r = h && model && states ? step(model, cur, h) : null;
        if (r && !r.ok) li.appendChild(el('div', 'rejected: ' + r.why + '.', 'why'));
        else if (r && r.ok) li.appendChild(el('div', 'the model accepts it (state after: ' + show(r.state) +
          '), but no order of the operations left then works: a later one could never be explained.', 'why'));
        else li.appendChild(el('div', 'the model rejects it in state ' + before + '.', 'why'));
        ul.appendChild(li);
      });
      sec.appendChild(ul);
      box.appendChild(sec);
    });
    return true;
  }

  // The intervals of the operations around the blocked ones: the blocked operations, those that
  // overlap them, and the last steps of the partial linearization. One row per operation.
  function timeline(tr, sec, f, linz, blocked, hooks) {
    var ops = tr.doc.history && tr.doc.history.ops;
    if (!ops || !blocked.length) return;
    var end = function (h) { return typeof h.complete_ns === 'number' ? h.complete_ns : tr.tEnd; };
    var bMin = Infinity, bMax = -Infinity;
    blocked.forEach(function (op) { var h = ops[op]; if (h) { bMin = Math.min(bMin, h.invoke_ns); bMax = Math.max(bMax, end(h)); } });
    var chosen = new Set(blocked), order = new Map();
    linz.forEach(function (op, k) { order.set(op, k + 1); });
    var keyed = f.key !== null && f.key !== undefined;
    for (var i = 0; i < ops.length && chosen.size < ROWS_MAX; i++) {
      var h = ops[i];
      if (!h || h.type === 'fail' || chosen.has(i)) continue;
      if (keyed && !same(h.key, f.key)) continue;
      if (h.invoke_ns <= bMax && end(h) >= bMin) chosen.add(i);
    }
    for (var k = linz.length - 1; k >= 0 && k >= linz.length - 6 && chosen.size < ROWS_MAX; k--) chosen.add(linz[k]);
    var rows = Array.from(chosen).filter(function (op) { return ops[op]; });
    rows.sort(function (a, b) { return ops[a].invoke_ns - ops[b].invoke_ns || a - b; });
    var lo = Infinity, hi = -Infinity;
    rows.forEach(function (op) { lo = Math.min(lo, ops[op].invoke_ns); hi = Math.max(hi, end(ops[op])); });
    var span = Math.max(1, hi - lo);
    var tl = el('div', null, 'timeline');
    tl.appendChild(el('div', 'Intervals, ' + DSIM.fmtTime(lo) + ' to ' + DSIM.fmtTime(hi) + ':', 'sub'));
    rows.forEach(function (op) {
      var h = ops[op], isBlocked = blocked.indexOf(op) >= 0, st = order.get(op);
      var row = el('div', null, 'tl-row' + (isBlocked ? ' blocked' : '')); row.dataset.op = op;
      var lab = el('div', hooks.opLine(op), 'tl-label');
      var tag = el('div', st ? 'step ' + st : isBlocked ? 'blocked' : 'not placed', 'tl-tag');
      var track = el('div', null, 'tl-track');
      var bar = el('div', null, 'tl-bar ' + (isBlocked ? 'blocked' : st ? 'placed' : 'free'));
      bar.style.left = (100 * (h.invoke_ns - lo) / span).toFixed(2) + '%';
      bar.style.width = Math.max(1, 100 * (end(h) - h.invoke_ns) / span).toFixed(2) + '%';
      if (typeof h.complete_ns !== 'number') bar.classList.add('open');
      track.appendChild(bar);
      row.appendChild(lab); row.appendChild(tag); row.appendChild(track);
      row.title = 'invoked ' + DSIM.fmtTime(h.invoke_ns) + ', ' + (typeof h.complete_ns === 'number' ? 'completed ' + DSIM.fmtTime(h.complete_ns) : 'never completed');
      row.addEventListener('click', function () { hooks.selectOp(op); });
      tl.appendChild(row);
    });
    sec.appendChild(tl);
  }

  // Marks the rows of history operation `op` as selected.
  function highlight(box, op) {
    Array.prototype.forEach.call(box.querySelectorAll('[data-op]'), function (n) {
      n.classList.toggle('sel', op !== null && op !== undefined && n.dataset.op === String(op));
    });
  }

  // ---- Invariant violations: the data they name, linked to matching events ----
  var INDEX_KEYS = ['commit', 'commit_index', 'last_index', 'applied', 'index'];
  function annotationMatches(tr, key, v) {
    var out = [];
    tr.perActor.forEach(function (pa, a) {
      for (var j = 0; j < pa.ann.length; j++) if (pa.annKey[j] === key && same(pa.annVal[j], v)) out.push({ e: pa.ann[j], text: tr.actors[a].name + ' ' + key + ' ' + DSIM.show(v) });
    });
    if (!out.length && typeof v === 'number' && /index$/.test(key)) {
      // An index: where a node's commit (or log) index first reaches it.
      tr.perActor.forEach(function (pa, a) {
        var prev = {};
        for (var j = 0; j < pa.ann.length; j++) {
          var k = pa.annKey[j], x = pa.annVal[j];
          if (INDEX_KEYS.indexOf(k) < 0 || typeof x !== 'number') continue;
          if (x >= v && !(prev[k] >= v)) out.push({ e: pa.ann[j], text: tr.actors[a].name + ' ' + k + ' reaches ' + v + ' (' + x + ')' });
          prev[k] = x;
        }
      });
    }
    out.sort(function (x, y) { return x.e - y.e; });
    return out;
  }
  // Events whose JSON has the field "key":value (the value whole, not a prefix of a longer one).
  function fieldMatches(tr, key, v, limit, except) {
    var needle = JSON.stringify(String(key)) + ':' + JSON.stringify(v), hits = [], count = 0;
    if (tr.n > 3000000) return { count: -1, hits: hits, needle: needle };
    for (var i = 0; i < tr.n; i++) {
      if (i === except) continue;
      var s = tr.rawText(i), p = s.indexOf(needle);
      while (p >= 0) {
        var c = s.charAt(p + needle.length);
        if (c === ',' || c === '}' || c === ']') { count++; if (hits.length < limit) hits.push(i); break; }
        p = s.indexOf(needle, p + 1);
      }
    }
    return { count: count, hits: hits, needle: needle };
  }

  // A block for violation event e. hooks: selectEvent(i), selectLane(a, t), search(q).
  function invariant(tr, e, hooks) {
    var ev = tr.event(e), data = ev.data, box = el('div', null, 'explain-inv');
    box.appendChild(el('div', DSIM.show(ev.id || ev.kind) + ' at ' + DSIM.fmtTime(tr.T[e]), 'bad explain-h'));
    if (ev.detail) box.appendChild(el('div', DSIM.show(ev.detail), 'why'));
    if (!data || typeof data !== 'object' || Array.isArray(data)) return box;
    var t = el('table', null, 'explain-data'), NODE_KEY = /(^|_)(node|nodes|replica|replicas|leader)$/;
    var keys = Object.keys(data);
    keys.sort(function (a, b) { return (NODE_KEY.test(b) ? 1 : 0) - (NODE_KEY.test(a) ? 1 : 0); });
    keys.forEach(function (k) {
      var v = data[k], tr2 = el('tr'), td = el('td');
      tr2.appendChild(el('td', k)); tr2.appendChild(td); t.appendChild(tr2);
      var ids = typeof v === 'number' ? [v] : Array.isArray(v) && v.every(function (x) { return typeof x === 'number'; }) ? v : null;
      if (NODE_KEY.test(k) && ids && ids.every(function (x) { return tr.validActor(x); })) {
        ids.forEach(function (a, i) {
          if (i) td.appendChild(document.createTextNode(' '));
          var b = link(tr.actors[a].name, function () { hooks.selectLane(a, tr.T[e]); }, 'datum');
          b.dataset.actor = a; td.appendChild(b);
        });
        td.appendChild(el('span', ' (its state at the violation)', 'note'));
        return;
      }
      if (v === null || typeof v === 'object') { td.appendChild(el('code', DSIM.show(v))); return; }
      td.appendChild(el('code', DSIM.show(v)));
      var ann = annotationMatches(tr, k, v);
      var div = el('div', null, 'matches');
      ann.slice(0, MATCHES_SHOWN).forEach(function (m) {
        var b = link(m.text + ' at ' + DSIM.fmtTime(tr.T[m.e]), function () { hooks.selectEvent(m.e); }, 'datum');
        b.dataset.event = m.e; div.appendChild(b);
      });
      if (ann.length > MATCHES_SHOWN) div.appendChild(el('span', ' +' + (ann.length - MATCHES_SHOWN) + ' more', 'note'));
      var fm = fieldMatches(tr, k, v, 3, e);
      if (fm.count > 0) {
        var line = el('div', null, 'note');
        line.appendChild(document.createTextNode(fm.count + (fm.count === 1 ? ' event carries ' : ' events carry ') + fm.needle + ': '));
        fm.hits.forEach(function (i) {
          var b = link('#' + i, function () { hooks.selectEvent(i); }, 'datum'); b.dataset.event = i;
          line.appendChild(b); line.appendChild(document.createTextNode(' '));
        });
        line.appendChild(link('search all', function () { hooks.search(fm.needle); }));
        div.appendChild(line);
      }
      if (!ann.length && fm.count <= 0) div.appendChild(el('span', ' no event names it', 'note'));
      td.appendChild(div);
    });
    box.appendChild(t);
    return box;
  }

  // ---- The node that served an operation ----
  // {attempts: [{node, request, reply, send, status, error}], server: attempt or null}
  function opServer(tr, o) {
    var out = { attempts: [], server: null };
    if (!o || o.inv < 0) return out;
    var last = o.comp >= 0 ? o.comp : Math.min(tr.n - 1, o.inv + 200000), byNode = new Map();
    for (var i = o.inv; i <= last && i - o.inv < 400000; i++) {
      if (tr.A[i] !== o.client || (tr.K[i] !== K.send && tr.K[i] !== K.deliver)) continue;
      var ev = tr.event(i);
      if (ev.op !== o.op) continue;
      if (tr.K[i] === K.send && ev.type === 'Request') {
        var at = { node: ev.to, request: i, reply: -1, send: -1, status: 'no reply', error: '' };
        out.attempts.push(at); byNode.set(ev.to, at);
      } else if (tr.K[i] === K.deliver && ev.type === 'Reply') {
        var a2 = byNode.get(ev.from);
        if (!a2) { a2 = { node: ev.from, request: -1, reply: -1, send: -1, status: '', error: '' }; out.attempts.push(a2); }
        a2.reply = i;
        var arw = tr.ARW[i];
        a2.send = arw >= 0 ? tr.aSend[arw] : i;
        var p = tr.event(a2.send).payload;
        a2.status = p && p.status !== undefined ? DSIM.show(p.status) : 'replied';
        a2.error = p && p.error ? DSIM.show(p.error) : '';
        byNode.delete(ev.from);
      }
    }
    for (var j = out.attempts.length - 1; j >= 0; j--) {
      var x = out.attempts[j];
      if (x.reply >= 0 && (x.status === 'ok' || x.status === 'replied')) { out.server = x; break; }
    }
    if (!out.server && o.comp >= 0) {
      for (j = out.attempts.length - 1; j >= 0; j--) if (out.attempts[j].reply >= 0 && out.attempts[j].status !== 'redirect') { out.server = out.attempts[j]; break; }
    }
    return out;
  }

  DSIM.explain = { linearizability: linearizability, invariant: invariant, opServer: opServer, highlight: highlight, step: step };
})();
