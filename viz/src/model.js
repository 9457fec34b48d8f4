// The indexed trace: typed arrays per event, message arrows paired once, node state intervals,
// client operations, partitions and violations. Everything the view draws comes from here.
'use strict';

(function () {
  var K = DSIM.KIND;
  var F_DELIVERED = 1, F_DROPPED = 2, F_DUP_COPY = 4, F_DUPLICATED = 8, F_HELD = 16, F_CLIENT = 32, F_DROP_AT_SENDER = 64;
  DSIM.ARROW = { DELIVERED: F_DELIVERED, DROPPED: F_DROPPED, DUP_COPY: F_DUP_COPY, DUPLICATED: F_DUPLICATED, HELD: F_HELD, CLIENT: F_CLIENT,
    DROP_AT_SENDER: F_DROP_AT_SENDER };

  function num(v, what, line) {
    if (typeof v !== 'number' || !isFinite(v)) {
      throw new DSIM.TraceError((line ? 'Event on line ' + line : 'An event') + ': "' + what + '" is missing or not a number.');
    }
    return v;
  }

  function Index(doc) {
    this.doc = doc;
    this.actors = doc.actors.map(function (a, i) {
      return { id: i, name: String(a.name === undefined ? 'actor' + i : a.name), kind: a.kind === 'client' ? 'client' : 'node' };
    });
    this.n = 0;
    this.typeNames = [];
    this.typeIds = new Map();
    this.arrows = { send: [], end: [], from: [], to: [], type: [], flags: [], tS: [], tE: [] };
    this.pendingMsg = new Map();
    this.pendingOp = new Map();
    var na = this.actors.length;
    this.perActor = [];
    for (var i = 0; i < na; i++) this.perActor.push({ life: [], ann: [], annKey: [], annVal: [], clock: [] });
    this.cluster = [];     // event indices of cluster-wide events (partition, heal, clog ...)
    this.violations = [];  // event indices
    this.opsMap = new Map();  // op -> {inv, comp, client}
  }

  Index.prototype.allocate = function (n) {
    this.cap = n;
    this.T = new Float64Array(n);
    this.K = new Uint8Array(n);
    this.A = new Int32Array(n);
    this.ARW = new Int32Array(n).fill(-1);  // event -> arrow it starts or ends
    this.raw = new Array(n);
    this.lines = new Int32Array(n);
  };

  Index.prototype.typeId = function (name) {
    name = name === undefined || name === null ? '?' : String(name);
    var id = this.typeIds.get(name);
    if (id === undefined) { id = this.typeNames.length; this.typeNames.push(name); this.typeIds.set(name, id); }
    return id;
  };

  Index.prototype.newArrow = function (sendIdx, from, to, type, flags, t) {
    var a = this.arrows, id = a.send.length;
    a.send.push(sendIdx); a.end.push(-1); a.from.push(from); a.to.push(to); a.type.push(type); a.flags.push(flags);
    a.tS.push(t); a.tE.push(-1);
    return id;
  };

  Index.prototype.validActor = function (x) { return typeof x === 'number' && x >= 0 && x < this.actors.length && (x | 0) === x; };

  Index.prototype.add = function (ev, raw, line) {
    if (!ev || typeof ev !== 'object') throw new DSIM.TraceError('Event on line ' + line + ' is not an object.');
    var i = this.n;
    if (i >= this.cap) throw new DSIM.TraceError('More events than expected.');
    var t = num(ev.t, 't', line);
    if (i > 0 && t < this.T[i - 1]) throw new DSIM.TraceError('Event on line ' + line + ': time goes backwards (' + t + ' < ' + this.T[i - 1] + ').');
    var k = K[ev.k];
    if (k === undefined) k = DSIM.KIND_UNKNOWN;
    var a = typeof ev.a === 'number' ? ev.a : -1;
    if (a !== -1 && !this.validActor(a)) throw new DSIM.TraceError('Event on line ' + line + ': actor ' + JSON.stringify(ev.a) + ' is not in "actors".');
    this.T[i] = t; this.K[i] = k; this.A[i] = a; this.raw[i] = raw === null ? ev : raw; this.lines[i] = line;
    this.n = i + 1;
    var pa = a >= 0 ? this.perActor[a] : null;
    switch (k) {
      case K.send: {
        var to = ev.to;
        if (!this.validActor(to) || a < 0) break;
        var client = ev.msg === undefined && ev.op !== undefined;
        var id = this.newArrow(i, a, to, this.typeId(ev.type), client ? F_CLIENT : 0, t);
        this.ARW[i] = id;
        if (!client) this.pendingMsg.set(ev.msg, id);
        else {
          var key = ev.op + '|' + a + '|' + to, q = this.pendingOp.get(key);
          if (!q) this.pendingOp.set(key, [id]); else q.push(id);
        }
        break;
      }
      case K.duplicate: {
        if (!this.validActor(ev.to) || a < 0) break;
        var orig = this.pendingMsg.get(ev.msg);
        if (orig !== undefined) this.arrows.flags[orig] |= F_DUPLICATED;
        var cid = this.newArrow(i, a, ev.to, this.typeId(ev.type), F_DUP_COPY, t);
        this.ARW[i] = cid;
        this.pendingMsg.set(ev.copy, cid);
        break;
      }
      case K.deliver: case K.drop: case K.hold: {
        var from, dst;
        if (k === K.deliver) { from = ev.from; dst = a; }
        else if (ev.from !== undefined) { from = ev.from; dst = a; } else { from = a; dst = ev.to; }
        var arrow;
        if (ev.msg !== undefined) arrow = this.pendingMsg.get(ev.msg);
        else if (ev.op !== undefined) {
          var qk = ev.op + '|' + from + '|' + dst, qq = this.pendingOp.get(qk);
          if (qq && qq.length) arrow = k === K.hold ? qq[0] : qq.shift();
        }
        if (k === K.hold) { if (arrow !== undefined) this.arrows.flags[arrow] |= F_HELD; break; }
        if (arrow === undefined) {
          // A drop with no recorded send (blocked before it left): a zero-length arrow.
          if (!this.validActor(from) || !this.validActor(dst)) break;
          arrow = this.newArrow(i, from, dst, this.typeId(ev.type), ev.op !== undefined && ev.msg === undefined ? F_CLIENT : 0, t);
        }
        if (ev.msg !== undefined) this.pendingMsg.delete(ev.msg);
        this.arrows.end[arrow] = i; this.arrows.tE[arrow] = t;
        this.arrows.flags[arrow] |= k === K.deliver ? F_DELIVERED : F_DROPPED;
        // A drop recorded at the sender (it names `to`) never left: blocked at send.
        if (k === K.drop && ev.from === undefined) this.arrows.flags[arrow] |= F_DROP_AT_SENDER;
        this.ARW[i] = arrow;
        break;
      }
      case K.annotate:
        if (pa) { pa.ann.push(i); pa.annKey.push(String(ev.key)); pa.annVal.push(ev.value); }
        break;
      case K.start: case K.crash: case K.restart: case K.wipe: case K.pause: case K.resume: case K.slow: case K.unslow:
        if (pa) pa.life.push(i);
        if (pa && k !== K.start) this.cluster.push(i);
        break;
      case K.clock:
        if (pa) pa.clock.push(i, typeof ev.offset_ns === 'number' ? ev.offset_ns : 0, typeof ev.drift_ppm === 'number' ? ev.drift_ppm : 0);
        this.cluster.push(i);
        break;
      case K.partition: case K.heal: case K.clog: case K.unclog: case K.network:
        this.cluster.push(i);
        if (!this.clusterData) this.clusterData = new Map();
        this.clusterData.set(i, ev);
        break;
      case K.invoke: case K.complete: {
        var o = this.opsMap.get(ev.op);
        if (!o) { o = { op: ev.op, inv: -1, comp: -1, client: a, type: 'open' }; this.opsMap.set(ev.op, o); }
        if (k === K.invoke) o.inv = i; else { o.comp = i; o.type = String(ev.type); }
        break;
      }
      case K.violation:
        this.violations.push(i);
        break;
    }
  };

  // Cluster events are few; their parsed form is kept.
  Index.prototype.event = function (i) {
    var r = this.raw[i];
    if (typeof r === 'string') { try { return JSON.parse(r); } catch (e) { return { error: String(e) }; } }
    return r;
  };
  Index.prototype.rawText = function (i) {
    var r = this.raw[i];
    return typeof r === 'string' ? r : JSON.stringify(r);
  };

  Index.prototype.finish = function () {
    var n = this.n, self = this;
    if (n < this.cap) { this.T = this.T.subarray(0, n); this.K = this.K.subarray(0, n); this.A = this.A.subarray(0, n); }
    var stats = this.doc.stats || {};
    this.tStart = n ? this.T[0] : 0;
    this.tEnd = Math.max(n ? this.T[n - 1] : 0, typeof stats.end_ns === 'number' ? stats.end_ns : 0);
    if (this.tEnd <= this.tStart) this.tEnd = this.tStart + 1000;
    // Arrows as typed arrays, ordered by send time (they were created in event order).
    var a = this.arrows, na = a.send.length;
    this.nArrows = na;
    this.aSend = Int32Array.from(a.send); this.aEnd = Int32Array.from(a.end);
    this.aFrom = Int32Array.from(a.from); this.aTo = Int32Array.from(a.to);
    this.aType = Int32Array.from(a.type); this.aFlags = Uint8Array.from(a.flags);
    this.aTS = Float64Array.from(a.tS); this.aTE = new Float64Array(na);
    var maxDur = 0, open = [];
    for (var i = 0; i < na; i++) {
      var te = a.tE[i];
      if (te < 0) { this.aTE[i] = this.tEnd; open.push(i); }
      else { this.aTE[i] = te; if (te - a.tS[i] > maxDur) maxDur = te - a.tS[i]; }
    }
    this.arrowMaxDur = maxDur;
    this.openArrows = Int32Array.from(open);
    this.arrows = null; this.pendingMsg = null; this.pendingOp = null;
    // Node lifecycle: down (crashed), paused and slow intervals; roles and labels from annotations.
    this.down = []; this.paused = []; this.slowed = []; this.roleSegs = []; this.labels = [];
    for (var ac = 0; ac < this.actors.length; ac++) {
      var pa = this.perActor[ac], down = [], paused = [], slowed = [], segs = [], labels = [];
      var downAt = -1, pausedAt = -1, slowAt = -1, slowFaults = new Set(), life = pa.life;
      var role = null, roleAt = 0;
      // Merge lifecycle and annotations in event order.
      var li = 0, ai = 0;
      while (li < life.length || ai < pa.ann.length) {
        var useLife = ai >= pa.ann.length || (li < life.length && life[li] < pa.ann[ai]);
        if (useLife) {
          var e = life[li++], k = this.K[e], t = this.T[e];
          var ignored = false;
          if (k !== K.start) { var ev = this.event(e); ignored = !!ev.ignored; }
          if (ignored) continue;
          if (k === K.crash || k === K.wipe) slowFaults.clear();  // a crash ends the slowness
          if (k === K.slow) slowFaults.add(ev.fault);
          else if (k === K.unslow) { if (ev.undo) slowFaults.delete(ev.fault); else slowFaults.clear(); }
          if (slowFaults.size > 0 && slowAt < 0) slowAt = t;
          if (slowFaults.size === 0 && slowAt >= 0) { slowed.push(slowAt, t); slowAt = -1; }
          if (k === K.crash) {
            if (downAt < 0) downAt = t;
            if (pausedAt >= 0) { paused.push(pausedAt, t); pausedAt = -1; }
            if (role !== null) { segs.push(roleAt, t, role); role = null; }
          } else if (k === K.restart || k === K.start) {
            if (downAt >= 0) { down.push(downAt, t); downAt = -1; }
          } else if (k === K.pause) { if (pausedAt < 0) pausedAt = t; }
          else if (k === K.resume) { if (pausedAt >= 0) { paused.push(pausedAt, t); pausedAt = -1; } }
        } else {
          var idx = ai++, ev2 = pa.ann[idx], key = pa.annKey[idx], val = pa.annVal[idx], t2 = this.T[ev2];
          if (key === 'role') {
            if (role !== null) segs.push(roleAt, t2, role);
            role = val === null || val === undefined ? null : DSIM.show(val); roleAt = t2;
          } else labels.push(t2, key + ' ' + DSIM.show(val));
        }
      }
      if (downAt >= 0) down.push(downAt, this.tEnd);
      if (pausedAt >= 0) paused.push(pausedAt, this.tEnd);
      if (slowAt >= 0) slowed.push(slowAt, this.tEnd);
      if (role !== null) segs.push(roleAt, this.tEnd, role);
      this.down.push(down); this.paused.push(paused); this.slowed.push(slowed); this.roleSegs.push(segs); this.labels.push(labels);
    }
    // Partitions and clogs over time.
    this.partitions = [];  // {t0, t1, text, ev}
    // The skew the scenario starts with (its "clocks" section): one bar over the run.
    var clocks = this.doc.scenario && this.doc.scenario.clocks;
    if (clocks && typeof clocks === 'object') {
      var skew = [];
      Object.keys(clocks).forEach(function (name) {
        var c = clocks[name] || {}, parts = [];
        if (typeof c.offset_ms === 'number' && c.offset_ms) parts.push((c.offset_ms > 0 ? '+' : '') + c.offset_ms + ' ms');
        if (typeof c.drift_ppm === 'number' && c.drift_ppm) parts.push('drift ' + (c.drift_ppm > 0 ? '+' : '') + c.drift_ppm + ' ppm');
        if (parts.length) skew.push((name === 'default' ? 'every node' : name) + ' ' + parts.join(', '));
      });
      if (skew.length) this.partitions.push({ t0: this.tStart, t1: this.tEnd, text: 'clocks: ' + skew.join(' · '), ev: -1, row: 0, kind: 'clock' });
    }
    var active = [];
    var clogs = [], netWin = null, clockWin = new Map();
    function networkText(nv) {
      var parts = [];
      if (nv.loss) parts.push('loss ' + DSIM.show(nv.loss));
      if (nv.duplicate) parts.push('dup ' + DSIM.show(nv.duplicate));
      if (nv.reorder) parts.push('reorder ' + DSIM.show(nv.reorder));
      if (typeof nv.latency_mean_ns === 'number') parts.push('latency ' + DSIM.fmtTime(nv.latency_mean_ns));
      return parts.join(' · ') || 'conditions';
    }
    this.networkMarks = [];
    this.cluster.forEach(function (e) {
      var k = self.K[e], t = self.T[e];
      if (k === K.partition) {
        var ev = self.clusterData.get(e);
        var groups = Array.isArray(ev.groups) ? ev.groups.map(function (g) {
          return '{' + (Array.isArray(g) ? g.map(function (x) { return self.actorName(x); }).join(',') : DSIM.show(g)) + '}';
        }).join(' | ') : '';
        var p = { t0: t, t1: self.tEnd, text: String(ev.action || 'partition') + ' ' + groups, ev: e, fault: ev.fault, row: 0, kind: 'partition' };
        active.push(p); self.partitions.push(p);
      } else if (k === K.heal) {
        var hv = self.clusterData.get(e);
        active = active.filter(function (p) {
          if (!hv.undo || p.fault === hv.fault) { p.t1 = t; return false; }
          return true;
        });
      } else if (k === K.clog) {
        var cv = self.clusterData.get(e);
        var c = { t0: t, t1: self.tEnd, text: 'clog ' + DSIM.show(cv.pairs), ev: e, fault: cv.fault, row: 1, clog: true, kind: 'clog' };
        clogs.push(c); self.partitions.push(c);
      } else if (k === K.unclog) {
        clogs.forEach(function (c) { if (c.t1 === self.tEnd) c.t1 = t; });
        clogs = [];
      } else if (k === K.network) {
        self.networkMarks.push(e);
        var nv = self.clusterData.get(e);
        if (netWin) { netWin.t1 = t; netWin = null; }
        if (!nv.restored) {
          netWin = { t0: t, t1: self.tEnd, text: 'network ' + networkText(nv), ev: e, fault: nv.fault, row: 0, kind: 'network' };
          self.partitions.push(netWin);
        }
      } else if (k === K.clock) {
        var ck = self.event(e), who = self.actorName(self.A[e]), act = String(ck.action || 'clock');
        var off = typeof ck.offset_ns === 'number' ? ck.offset_ns : 0, drift = typeof ck.drift_ppm === 'number' ? ck.drift_ppm : 0;
        var open = clockWin.get(self.A[e]);
        if (open) { open.t1 = t; clockWin.delete(self.A[e]); }
        if (act === 'clock-drift' && !ck.undo && drift !== 0) {
          var w = { t0: t, t1: self.tEnd, text: who + ' drift ' + (drift > 0 ? '+' : '') + drift + ' ppm', ev: e, row: 0, kind: 'clock' };
          clockWin.set(self.A[e], w); self.partitions.push(w);
        } else {
          var label = act === 'clock-step' ? who + ' clock ' + (off >= 0 ? '+' : '') + DSIM.fmtTime(off)
            : act === 'clock-drift' ? who + ' drift back to ' + (drift > 0 ? '+' : '') + drift + ' ppm'
            : act === 'clock-resync' ? who + ' clock resync' : who + ' ' + act;
          self.partitions.push({ t0: t, t1: t, text: label, ev: e, row: 0, kind: 'clock', point: true });
        }
      }
    });
    // Stack overlapping partitions into rows.
    var rowsEnd = [];
    // A point mark (a clock step) keeps its row for a short while so that its label has room.
    var pointNs = (this.tEnd - this.tStart) / 10;
    this.partitions.forEach(function (p) {
      var r = 0;
      while (r < rowsEnd.length && rowsEnd[r] > p.t0) r++;
      rowsEnd[r] = p.point ? p.t0 + pointNs : p.t1; p.row = r;
    });
    this.partitionRows = Math.max(1, rowsEnd.length);
    // Client operations, ordered by invoke time.
    var hist = this.doc.history && Array.isArray(this.doc.history.ops) ? this.doc.history.ops : null;
    var ops = Array.from(this.opsMap.values()).filter(function (o) { return o.inv >= 0; });
    ops.sort(function (x, y) { return x.inv - y.inv; });
    this.ops = ops;
    var opMax = 0;
    ops.forEach(function (o, j) {
      o.t0 = self.T[o.inv];
      o.t1 = o.comp >= 0 ? self.T[o.comp] : self.tEnd;
      if (o.comp >= 0 && o.t1 - o.t0 > opMax) opMax = o.t1 - o.t0;
      o.h = hist && typeof o.op === 'number' ? hist[o.op] : null;
      o.index = j;
    });
    this.opMaxDur = opMax;
    this.opByHistory = new Map();
    ops.forEach(function (o) { self.opByHistory.set(o.op, o); });
    this.opsStart = Float64Array.from(ops.map(function (o) { return o.t0; }));
    // Linearizability verdict and counterexample.
    this.lin = this.doc.linearizability || null;
    this.linOrder = new Map(); this.linBlocked = new Set();
    if (this.lin && Array.isArray(this.lin.failures)) {
      this.lin.failures.forEach(function (f) {
        (f.linearized || []).forEach(function (op, j) { self.linOrder.set(op, j + 1); });
        (f.blocked || []).forEach(function (op) { self.linBlocked.add(op); });
      });
    }
    this.findings = Array.isArray(this.doc.findings) ? this.doc.findings : [];
  };

  Index.prototype.actorName = function (x) {
    return this.validActor(x) ? this.actors[x].name : DSIM.show(x);
  };

  // Lower bound: first event index with T >= t.
  Index.prototype.eventAt = function (t) {
    var lo = 0, hi = this.n;
    while (lo < hi) { var m = (lo + hi) >> 1; if (this.T[m] < t) lo = m + 1; else hi = m; }
    return lo;
  };
  DSIM.lowerBound = function (arr, t, lo, hi) {
    lo = lo || 0; hi = hi === undefined ? arr.length : hi;
    while (lo < hi) { var m = (lo + hi) >> 1; if (arr[m] < t) lo = m + 1; else hi = m; }
    return lo;
  };

  // The node's published state, liveness and clock just after event `e`.
  Index.prototype.stateAt = function (actor, e) {
    var pa = this.perActor[actor], st = {}, self = this;
    var t = this.T[e];
    // Annotations since the last crash before or at e.
    var lastCrash = -1;
    pa.life.forEach(function (x) { if (x <= e && self.K[x] === K.crash) lastCrash = x; });
    for (var i = 0; i < pa.ann.length && pa.ann[i] <= e; i++) {
      if (pa.ann[i] > lastCrash) st[pa.annKey[i]] = pa.annVal[i];
    }
    var status = 'up';
    var d = this.down[actor], p = this.paused[actor], sl = this.slowed[actor];
    for (var j = 0; j < sl.length; j += 2) if (sl[j] <= t && t < sl[j + 1]) status = 'slow';
    for (j = 0; j < d.length; j += 2) if (d[j] <= t && t < d[j + 1]) status = 'crashed';
    for (j = 0; j < p.length; j += 2) if (p[j] <= t && t < p[j + 1]) status = 'paused';
    var off = 0, drift = 0;
    for (j = 0; j < pa.clock.length && pa.clock[j] <= e; j += 3) { off = pa.clock[j + 1]; drift = pa.clock[j + 2]; }
    return { status: status, state: st, clock_offset_ns: off, drift_ppm: drift };
  };

  Index.prototype.clockOffsetAt = function (actor, t) {
    var c = this.perActor[actor].clock, off = 0;
    for (var j = 0; j < c.length && this.T[c[j]] <= t; j += 3) off = c[j + 1];
    return off;
  };

  DSIM.Index = Index;

  DSIM.show = function (v) {
    if (typeof v === 'string') return v;
    if (v === undefined) return '';
    try { return JSON.stringify(v); } catch (e) { return String(v); }
  };
  DSIM.fmtTime = function (ns) {
    var a = Math.abs(ns);
    if (a >= 1e9) return (ns / 1e9).toFixed(a >= 1e11 ? 1 : 3) + ' s';
    if (a >= 1e6) return (ns / 1e6).toFixed(a >= 1e8 ? 1 : 3) + ' ms';
    if (a >= 1e3) return (ns / 1e3).toFixed(1) + ' µs';
    return ns + ' ns';
  };
})();
