// The claim strip at the top of the page: what the scenario says (its description), what it
// expects, what the run showed, and one verdict in one wording — "Claim held" or "Claim failed"
// — used by the strip, the bar's badge and the side panel alike. A scenario that expects a
// violation and finds it has its claim held: the bug is reproduced.
'use strict';

(function () {
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function list(v) { return v === undefined || v === null ? [] : Array.isArray(v) ? v.map(DSIM.show) : [DSIM.show(v)]; }

  // {verdict: 'held'|'failed'|'none', word, expected, observed: [{id, t, count}], detail}
  DSIM.claimOf = function (tr) {
    var sc = tr.doc.scenario || {}, ex = sc.expect && typeof sc.expect === 'object' ? sc.expect : null;
    var exp = tr.doc.expectation && typeof tr.doc.expectation === 'object' ? tr.doc.expectation : null;
    var parts = [];
    if (ex) {
      var ids = list(ex.violation);
      if (ex.safety === 'violated') parts.push('a safety violation' + (ids.length ? ' (' + ids.join(' or ') + ')' : ''));
      else if (ex.safety === 'holds' || ex.safety === undefined) parts.push('no safety violation');
      if (ex.liveness === 'holds') parts.push('liveness holds');
      else if (ex.liveness === 'violated') parts.push('a liveness violation');
    }
    var seen = new Map();
    tr.findings.forEach(function (f) {
      var id = DSIM.show(f.id || f.name || f.kind);
      var o = seen.get(id);
      if (!o) { o = { id: id, t: typeof f.t === 'number' ? f.t : null, count: 0, kind: DSIM.show(f.kind || '') }; seen.set(id, o); }
      o.count++;
    });
    if (!tr.findings.length) tr.violations.forEach(function (e) {
      var ev = tr.event(e), id = DSIM.show(ev.id || ev.kind), o = seen.get(id);
      if (!o) { o = { id: id, t: tr.T[e], count: 0, kind: DSIM.show(ev.kind || '') }; seen.set(id, o); }
      o.count++;
    });
    // An illegal history is found at the end of the run; what matters is where it breaks.
    seen.forEach(function (o) {
      if (!/^linearizability/.test(o.id) || !tr.linBlocked || !tr.linBlocked.size) return;
      var op = tr.linBlocked.values().next().value, rec = tr.opByHistory.get(op);
      o.where = '#' + op + ' cannot be placed' + (rec ? ', invoked at ' + DSIM.fmtTime(rec.t0) : '');
    });
    var verdict = exp ? (exp.held ? 'held' : 'failed') : 'none';
    var word = verdict === 'held' ? 'Claim held' : verdict === 'failed' ? 'Claim failed' : 'No claim';
    return { verdict: verdict, word: word, expected: parts.length ? parts.join(', ') : 'nothing in particular',
      observed: Array.from(seen.values()), detail: exp ? DSIM.show(exp.detail || '') : '', description: DSIM.show(sc.description || '') };
  };

  // Fills the strip (box) and the bar's badge. hooks.jump(id) goes to a finding.
  DSIM.renderClaim = function (tr, box, badge, hooks) {
    var cl = DSIM.claimOf(tr);
    while (box.firstChild) box.removeChild(box.firstChild);
    badge.className = 'verdict ' + (cl.verdict === 'held' ? 'ok' : cl.verdict === 'failed' ? 'bad' : 'unknown');
    badge.textContent = cl.word;
    var head = el('div', null, 'claim-head');
    var v = el('span', cl.word, 'verdict ' + (cl.verdict === 'held' ? 'ok' : cl.verdict === 'failed' ? 'bad' : 'unknown'));
    v.id = 'claim-verdict';
    head.appendChild(v);
    var e1 = el('span', null, 'claim-part'); e1.id = 'claim-expected';
    e1.appendChild(el('span', 'Expected ', 'claim-k')); e1.appendChild(el('span', cl.expected));
    head.appendChild(e1);
    var e2 = el('span', null, 'claim-part'); e2.id = 'claim-observed';
    e2.appendChild(el('span', 'Observed ', 'claim-k'));
    if (!cl.observed.length) e2.appendChild(el('span', 'no violation'));
    cl.observed.forEach(function (o, i) {
      if (i) e2.appendChild(document.createTextNode(', '));
      var b = el('button', o.id + (o.kind ? ' (' + o.kind + ')' : '') + (o.where ? ': ' + o.where : o.t !== null ? ' at ' + DSIM.fmtTime(o.t) : '') +
        (o.count > 1 ? ' ×' + o.count : ''), 'link');
      b.addEventListener('click', function () { hooks.jump(o.id); });
      e2.appendChild(b);
    });
    head.appendChild(e2);
    if (cl.verdict === 'failed' && cl.detail) head.appendChild(el('span', cl.detail, 'claim-part bad'));
    box.appendChild(head);
    if (cl.description) {
      var d = el('div', null, 'claim-desc'); d.id = 'claim-desc';
      var text = el('span', cl.description);
      d.appendChild(text);
      box.appendChild(d);
      var more = el('button', 'more', 'link claim-more'); more.id = 'claim-more';
      more.addEventListener('click', function () {
        var open = box.classList.toggle('open');
        more.textContent = open ? 'less' : 'more';
        if (hooks.resized) hooks.resized();
      });
      box.appendChild(more);
    }
    box.hidden = false;
    return cl;
  };
})();
