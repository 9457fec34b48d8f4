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
    this.nArrows = 0;
    this.arrowCap = 0;
    this.msgSlot = new Int32Array(1024);  // msg id -> arrow + 1, for small integer ids
    this.pendingMsg = new Map();          // other msg ids -> arrow
    this.pendingOp = new Map();
    var na = this.actors.length;
    this.perActor = [];
    for (var i = 0; i < na; i++) this.perActor.push({ life: [], ann: [], annKey: [], annVal: [], clock: [] });
    this.cluster = [];     // event indices of cluster-wide events (partition, heal, clog ...)
    this.violations = [];  // event indices
    this.opsMap = new Map();  // op -> {inv, comp, client}
    // Each event's text: blocks[evBlock[i]].slice(evStart[i], evEnd[i]); events read from a
    // whole parsed document (not dsim's layout) keep their object in rawObj instead.
    this.blocks = [];
    this.rawObj = null;
  }

  function grow(a, n) { var b = new a.constructor(n); b.set(a.subarray(0, Math.min(a.length, n))); return b; }

  Index.prototype.allocate = function (n) {
    n = Math.max(16, n);
    this.cap = n;
    this.T = new Float64Array(n);
    this.K = new Uint8Array(n);
    this.A = new Int32Array(n);
    this.ARW = new Int32Array(n).fill(-1);  // event -> arrow it starts or ends
    this.lines = new Int32Array(n);
    this.evBlock = new Int32Array(n);
    this.evStart = new Uint32Array(n);
    this.evEnd = new Uint32Array(n);
    this.growArrows(n >> 1);
  };
  Index.prototype.growEvents = function () {
    var n = this.cap * 2, old = this.cap;
    this.T = grow(this.T, n); this.K = grow(this.K, n); this.A = grow(this.A, n);
    this.ARW = grow(this.ARW, n); this.ARW.fill(-1, old);
    this.lines = grow(this.lines, n); this.evBlock = grow(this.evBlock, n);
    this.evStart = grow(this.evStart, n); this.evEnd = grow(this.evEnd, n);
    this.cap = n;
  };
  Index.prototype.growArrows = function (n) {
    n = Math.max(16, n);
    if (!this.arrowCap) {
      this.aSend = new Int32Array(n); this.aEnd = new Int32Array(n); this.aFrom = new Int32Array(n); this.aTo = new Int32Array(n);
      this.aType = new Int32Array(n); this.aFlags = new Uint8Array(n); this.aTS = new Float64Array(n); this.aTE = new Float64Array(n);
    } else {
      this.aSend = grow(this.aSend, n); this.aEnd = grow(this.aEnd, n); this.aFrom = grow(this.aFrom, n); this.aTo = grow(this.aTo, n);
      this.aType = grow(this.aType, n); this.aFlags = grow(this.aFlags, n); this.aTS = grow(this.aTS, n); this.aTE = grow(this.aTE, n);
    }
    this.arrowCap = n;
  };
  Index.prototype.addBlock = function (text) { this.blocks.push(text); return this.blocks.length - 1; };

  Index.prototype.typeId = function (name) {
    name = name === undefined || name === null ? '?' : String(name);
    var id = this.typeIds.get(name);
    if (id === undefined) { id = this.typeNames.length; this.typeNames.push(name); this.typeIds.set(name, id); }
    return id;
  };

  Index.prototype.newArrow = function (sendIdx, from, to, type, flags, t) {
    var id = this.nArrows;
    if (id >= this.arrowCap) this.growArrows(this.arrowCap * 2);
    this.aSend[id] = sendIdx; this.aEnd[id] = -1; this.aFrom[id] = from; this.aTo[id] = to; this.aType[id] = type;
    this.aFlags[id] = flags; this.aTS[id] = t; this.aTE[id] = -1;
    this.nArrows = id + 1;
    return id;
  };
  // The arrow a message id names, or undefined.
  Index.prototype.msgGet = function (m) {
    if (typeof m === 'number' && m >= 0 && m < 16777216 && (m | 0) === m) {
      var x = m < this.msgSlot.length ? this.msgSlot[m] : 0;
      return x ? x - 1 : undefined;
    }
    return this.pendingMsg.get(m);
  };
  Index.prototype.msgSet = function (m, id) {
    if (typeof m === 'number' && m >= 0 && m < 16777216 && (m | 0) === m) {
      if (m >= this.msgSlot.length) this.msgSlot = grow(this.msgSlot, Math.max(m + 1, this.msgSlot.length * 2));
      this.msgSlot[m] = id + 1;
    } else this.pendingMsg.set(m, id);
  };
  Index.prototype.msgDelete = function (m) {
    if (typeof m === 'number' && m >= 0 && m < 16777216 && (m | 0) === m) { if (m < this.msgSlot.length) this.msgSlot[m] = 0; }
    else this.pendingMsg.delete(m);
  };

  Index.prototype.validActor = function (x) { return typeof x === 'number' && x >= 0 && x < this.actors.length && (x | 0) === x; };

  // An event parsed by JSON.parse (block < 0: kept as the object itself).
  Index.prototype.add = function (ev, line, block, p, q) {
    if (!ev || typeof ev !== 'object') throw new DSIM.TraceError('Event on line ' + line + ' is not an object.');
    var k = K[ev.k];
    if (k === undefined) k = DSIM.KIND_UNKNOWN;
    var i = this.addEvent(ev, k, line, block, p, q);
    if (block < 0) { if (!this.rawObj) this.rawObj = new Map(); this.rawObj.set(i, ev); }
  };
  // An event the scanner read (parse.js): `rec` holds the fields the index needs.
  Index.prototype.addFast = function (rec, k, line, block, p, q) { this.addEvent(rec, k, line, block, p, q); };

  Index.prototype.addEvent = function (ev, k, line, block, p, q) {
    var i = this.n;
    if (i >= this.cap) this.growEvents();
    var t = num(ev.t, 't', line);
    if (i > 0 && t < this.T[i - 1]) throw new DSIM.TraceError('Event on line ' + line + ': time goes backwards (' + t + ' < ' + this.T[i - 1] + ').');
    var a = typeof ev.a === 'number' ? ev.a : -1;
    if (a !== -1 && !this.validActor(a)) throw new DSIM.TraceError('Event on line ' + line + ': actor ' + JSON.stringify(ev.a) + ' is not in "actors".');
    this.T[i] = t; this.K[i] = k; this.A[i] = a; this.lines[i] = line;
    this.evBlock[i] = block; this.evStart[i] = p; this.evEnd[i] = q;
    this.n = i + 1;
    var pa = a >= 0 ? this.perActor[a] : null;
    switch (k) {
      case K.send: {
        var to = ev.to;
        if (!this.validActor(to) || a < 0) break;
        var client = ev.msg === undefined && ev.op !== undefined;
        var id = this.newArrow(i, a, to, this.typeId(ev.type), client ? F_CLIENT : 0, t);
        this.ARW[i] = id;
        if (!client) this.msgSet(ev.msg, id);
        else {
          var key = ev.op + '|' + a + '|' + to, qu = this.pendingOp.get(key);
          if (!qu) this.pendingOp.set(key, [id]); else qu.push(id);
        }
        break;
      }
      case K.duplicate: {
        if (!this.validActor(ev.to) || a < 0) break;
        var orig = this.msgGet(ev.msg);
        if (orig !== undefined) this.aFlags[orig] |= F_DUPLICATED;
        var cid = this.newArrow(i, a, ev.to, this.typeId(ev.type), F_DUP_COPY, t);
        this.ARW[i] = cid;
        this.msgSet(ev.copy, cid);
        break;
      }
      case K.deliver: case K.drop: case K.hold: {
        var from, dst;
        if (k === K.deliver) { from = ev.from; dst = a; }
        else if (ev.from !== undefined) { from = ev.from; dst = a; } else { from = a; dst = ev.to; }
        var arrow;
        if (ev.msg !== undefined) arrow = this.msgGet(ev.msg);
        else if (ev.op !== undefined) {
          var qk = ev.op + '|' + from + '|' + dst, qq = this.pendingOp.get(qk);
          if (qq && qq.length) arrow = k === K.hold ? qq[0] : qq.shift();
        }
        if (k === K.hold) { if (arrow !== undefined) this.aFlags[arrow] |= F_HELD; break; }
        if (arrow === undefined) {
          // A drop with no recorded send (blocked before it left): a zero-length arrow.
          if (!this.validActor(from) || !this.validActor(dst)) break;
          arrow = this.newArrow(i, from, dst, this.typeId(ev.type), ev.op !== undefined && ev.msg === undefined ? F_CLIENT : 0, t);
        }
        if (ev.msg !== undefined) this.msgDelete(ev.msg);
        this.aEnd[arrow] = i; this.aTE[arrow] = t;
        this.aFlags[arrow] |= k === K.deliver ? F_DELIVERED : F_DROPPED;
        // A drop recorded at the sender (it names `to`) never left: blocked at send.
        if (k === K.drop && ev.from === undefined) this.aFlags[arrow] |= F_DROP_AT_SENDER;
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
    return i;
  };

  // An event's JSON, parsed when it is asked for.
  Index.prototype.event = function (i) {
    if (this.rawObj && this.rawObj.has(i)) return this.rawObj.get(i);
    try { return JSON.parse(this.rawText(i)); } catch (e) { return { error: String(e) }; }
  };
  Index.prototype.rawText = function (i) {
    var b = this.evBlock[i];
    if (b < 0) return this.rawObj && this.rawObj.has(i) ? JSON.stringify(this.rawObj.get(i)) : '';
    return this.blocks[b].slice(this.evStart[i], this.evEnd[i]);
  };

  Index.prototype.finish = function () {
    var n = this.n, self = this;
    if (n < this.cap) {
      this.T = this.T.subarray(0, n); this.K = this.K.subarray(0, n); this.A = this.A.subarray(0, n); this.ARW = this.ARW.subarray(0, n);
      this.lines = this.lines.subarray(0, n); this.evBlock = this.evBlock.subarray(0, n); this.evStart = this.evStart.subarray(0, n); this.evEnd = this.evEnd.subarray(0, n);
    }
    var stats = this.doc.stats || {};
    this.tStart = n ? this.T[0] : 0;
    this.tEnd = Math.max(n ? this.T[n - 1] : 0, typeof stats.end_ns === 'number' ? stats.end_ns : 0);
    if (this.tEnd <= this.tStart) this.tEnd = this.tStart + 1000;
    // Arrows (typed arrays, in send-time order: they were created in event order).
    var na = this.nArrows;
    this.aSend = this.aSend.subarray(0, na); this.aEnd = this.aEnd.subarray(0, na);
    this.aFrom = this.aFrom.subarray(0, na); this.aTo = this.aTo.subarray(0, na);
    this.aType = this.aType.subarray(0, na); this.aFlags = this.aFlags.subarray(0, na);
    this.aTS = this.aTS.subarray(0, na); this.aTE = this.aTE.subarray(0, na);
    var maxDur = 0, open = [];
    for (var i = 0; i < na; i++) {
      var te = this.aTE[i];
      if (te < 0) { this.aTE[i] = this.tEnd; open.push(i); }
      else if (te - this.aTS[i] > maxDur) maxDur = te - this.aTS[i];
    }
    this.arrowMaxDur = maxDur;
    this.openArrows = Int32Array.from(open);
    this.msgSlot = null; this.pendingMsg = null; this.pendingOp = null;
    if (DSIM.density && DSIM.density.prepare) DSIM.density.prepare(this);
    // Each lane's events (not annotations) in time order, for drawing the zoomed-out view.
    var nA = this.actors.length, loff = new Int32Array(nA + 1);
    for (i = 0; i < n; i++) if (this.A[i] >= 0 && this.K[i] !== K.annotate) loff[this.A[i] + 1]++;
    for (i = 0; i < nA; i++) loff[i + 1] += loff[i];
    var lev = new Int32Array(loff[nA]), lt = new Float64Array(loff[nA]), lat = loff.slice(0, nA);
    for (i = 0; i < n; i++) {
      var la = this.A[i];
      if (la >= 0 && this.K[i] !== K.annotate) { lev[lat[la]] = i; lt[lat[la]] = this.T[i]; lat[la]++; }
    }
    this.laneEvents = { off: loff, ev: lev, t: lt };
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
