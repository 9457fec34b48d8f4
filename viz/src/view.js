// The space-time diagram, drawn on one canvas. Only what falls in the visible time window is
// visited (binary search over time-ordered arrays), and marks that land on the same pixel are
// drawn once, so a million-event trace pans as smoothly as a small one.
'use strict';

(function () {
  var K = DSIM.KIND, AR = DSIM.ARROW;
  var LABEL_W = 120, AXIS_H = 26, NET_ROW_H = 14;
  // Lane height: automatic between AUTO_MIN and LANE_H_MAX; zooming lanes or fitting them all
  // may go down to LANE_H_MIN (4,096 lanes in a 410-pixel band), where lanes share pixels.
  var LANE_H_AUTO_MIN = 14, LANE_H_MAX = 56, LANE_H_MIN = 0.1, LABEL_MIN_H = 10, SCROLLBAR_W = 10;

  var ROLE_COLORS = {
    leader: '#f2a93b', candidate: '#b07cd8', follower: '#8fc1e8', primary: '#f2a93b', backup: '#8fc1e8',
    coordinator: '#f2a93b', participant: '#8fc1e8', observer: '#cccccc'
  };
  var PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#46a0a0', '#d0a000', '#9a6324', '#808000', '#000075'];
  function hashColor(s) {
    var h = 0;
    for (var i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
    return PALETTE[Math.abs(h) % PALETTE.length];
  }
  DSIM.roleColor = function (role) { return ROLE_COLORS[role.toLowerCase()] || hashColor(role); };
  var KIND_COLORS = [];
  KIND_COLORS[K.start] = '#2a9d2a'; KIND_COLORS[K.send] = '#4a6fa5'; KIND_COLORS[K.deliver] = '#4a6fa5';
  KIND_COLORS[K.drop] = '#d62728'; KIND_COLORS[K.duplicate] = '#ff7f0e'; KIND_COLORS[K.hold] = '#8c564b';
  KIND_COLORS[K.timer] = '#999999'; KIND_COLORS[K.crash] = '#000000'; KIND_COLORS[K.restart] = '#2a9d2a';
  KIND_COLORS[K.wipe] = '#000000'; KIND_COLORS[K.pause] = '#c9a800'; KIND_COLORS[K.resume] = '#c9a800';
  KIND_COLORS[K.slow] = '#e76f51'; KIND_COLORS[K.unslow] = '#e76f51';
  KIND_COLORS[K.clock] = '#17becf'; KIND_COLORS[K.annotate] = '#7f7f7f'; KIND_COLORS[K.invoke] = '#2a9d2a';
  KIND_COLORS[K.complete] = '#2a9d2a'; KIND_COLORS[K.violation] = '#d62728';
  var FAULT_COLORS = { partition: '#e377c2', clog: '#c49c94', network: '#2a9d8f', clock: '#17becf' };
  DSIM.FAULT_COLORS = FAULT_COLORS;
  var OP_COLORS = { ok: '#5cb85c', fail: '#d9534f', info: '#f0ad4e', open: '#aaaaaa' };
  // Text cut to maxW pixels with an ellipsis ('' when not even one character fits). Labels are
  // shortened, never squeezed: fillText is never given a maxWidth.
  function fitText(c, text, maxW) {
    text = String(text);
    if (c.measureText(text).width <= maxW) return text;
    var lo = 0, hi = text.length;
    while (lo < hi) {
      var m = (lo + hi + 1) >> 1;
      if (c.measureText(text.slice(0, m) + '…').width <= maxW) lo = m; else hi = m - 1;
    }
    return lo ? text.slice(0, lo) + '…' : '';
  }
  DSIM.fitText = fitText;
  function drawFit(c, text, x, y, maxW) { var t = fitText(c, text, maxW); if (t) c.fillText(t, x, y); return t; }
  DSIM.OP_COLORS = OP_COLORS;

  function View(canvas, trace) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.trace = trace;
    this.hiddenActors = new Set();
    this.hiddenTypes = new Set();
    this.cursor = -1;
    this.selection = null;  // {kind:'arrow'|'event'|'op'|'partition', id}
    this.matches = null;    // Set of event indices matching the search
    this.laneHUser = 0;     // lane height chosen by the user (px), or 0 for automatic
    this.scrollY = 0;       // lane scroll offset (px) from the first lane
    this.stats = { drawnArrows: 0, drawnEvents: 0, frames: 0, lastFrameMs: 0 };
    this.resize();
    this.fit();
  }

  View.prototype.resize = function () {
    var dpr = window.devicePixelRatio || 1, r = this.canvas.getBoundingClientRect();
    this.W = Math.max(200, r.width); this.H = Math.max(150, r.height);
    this.canvas.width = Math.round(this.W * dpr); this.canvas.height = Math.round(this.H * dpr);
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.layout();
  };

  View.prototype.layout = function () {
    var tr = this.trace, self = this;
    this.lanes = tr.actors.filter(function (a) { return !self.hiddenActors.has(a.id); }).map(function (a) { return a.id; });
    this.netH = tr.partitionRows * NET_ROW_H + 4;
    var top = AXIS_H + this.netH;
    var avail = Math.max(1, this.H - top - 4), n = Math.max(1, this.lanes.length);
    // Automatic height: the lanes fill the band (no empty canvas below a small cluster), never
    // below LANE_H_AUTO_MIN (then they scroll).
    this.laneHAuto = Math.max(LANE_H_AUTO_MIN, avail / n);
    this.laneH = this.laneHUser || this.laneHAuto;
    this.bandH = avail;  // the lane band: y in [top, top + bandH)
    this.contentH = this.lanes.length * this.laneH;
    this.scrollY = Math.max(0, Math.min(this.scrollY, this.contentH - avail));
    // laneY: the lane's centre (may lie outside the band); laneIdx: its row, or -1 when hidden.
    this.laneY = new Float64Array(tr.actors.length).fill(-1);
    this.laneIdx = new Int32Array(tr.actors.length).fill(-1);
    this.lanes.forEach(function (a, i) { self.laneY[a] = top + (i + 0.5) * self.laneH - self.scrollY; self.laneIdx[a] = i; });
    this.top = top;
    // Rows at least partly in the band; only these are drawn.
    this.firstRow = Math.max(0, Math.floor(this.scrollY / this.laneH));
    this.lastRow = Math.min(this.lanes.length - 1, Math.floor((this.scrollY + avail) / this.laneH));
  };
  View.prototype.faultRowY = function (row) { return AXIS_H + 2 + row * NET_ROW_H + (NET_ROW_H - 2) / 2; };
  View.prototype.laneShown = function (a) { return a >= 0 && this.laneIdx[a] >= 0; };
  View.prototype.laneOnScreen = function (a) {
    var i = a >= 0 ? this.laneIdx[a] : -1;
    return i >= this.firstRow && i <= this.lastRow;
  };
  View.prototype.scrollable = function () { return this.contentH > this.bandH + 0.5; };
  View.prototype.scrollLanes = function (dyPx) { this.scrollY += dyPx; this.layout(); };
  // Lane height times `factor`, keeping the lane under y (default: the band's middle) in place.
  View.prototype.zoomLanes = function (factor, y) {
    if (y === undefined || y < this.top) y = this.top + this.bandH / 2;
    var row = (y - this.top + this.scrollY) / this.laneH;
    this.laneHUser = Math.max(LANE_H_MIN, Math.min(Math.max(LANE_H_MAX, this.laneHAuto), this.laneH * factor));
    this.scrollY = row * this.laneHUser - (y - this.top);
    this.layout();
  };
  // Every shown lane in the band at once (the overview).
  View.prototype.fitLanes = function () {
    this.laneHUser = Math.max(LANE_H_MIN, Math.min(Math.max(LANE_H_MAX, this.laneHAuto), this.bandH / Math.max(1, this.lanes.length)));
    this.scrollY = 0;
    this.layout();
  };
  // Scroll so that actor a's lane is in the band (centred when it was not).
  View.prototype.revealLane = function (a) {
    if (!this.laneShown(a) || this.laneOnScreen(a)) return;
    this.scrollY = (this.laneIdx[a] + 0.5) * this.laneH - this.bandH / 2;
    this.layout();
  };
  // The vertical scrollbar at the right edge: [x, trackTop, trackH, thumbTop, thumbH], or null.
  View.prototype.scrollbar = function () {
    if (!this.scrollable()) return null;
    var trackH = this.bandH, thumbH = Math.max(20, trackH * trackH / this.contentH);
    var thumbTop = this.top + (trackH - thumbH) * this.scrollY / (this.contentH - trackH);
    return [this.W - SCROLLBAR_W, this.top, trackH, thumbTop, thumbH];
  };
  // Drag the thumb by dy pixels.
  View.prototype.scrollbarDrag = function (dy) {
    var sb = this.scrollbar();
    if (!sb) return;
    this.scrollLanes(dy * (this.contentH - sb[2]) / Math.max(1, sb[2] - sb[4]));
  };
  // Centre the thumb at y (a click on the track).
  View.prototype.scrollbarJump = function (y) {
    var sb = this.scrollbar();
    if (!sb) return;
    this.scrollLanes((y - sb[3] - sb[4] / 2) * (this.contentH - sb[2]) / Math.max(1, sb[2] - sb[4]));
  };

  View.prototype.fit = function () {
    var tr = this.trace, span = tr.tEnd - tr.tStart;
    this.nsPerPx = span / Math.max(1, this.W - LABEL_W - 20);
    this.t0 = tr.tStart - 10 * this.nsPerPx;
  };
  View.prototype.x = function (t) { return LABEL_W + (t - this.t0) / this.nsPerPx; };
  View.prototype.tAt = function (x) { return this.t0 + (x - LABEL_W) * this.nsPerPx; };
  View.prototype.t1 = function () { return this.tAt(this.W); };
  View.prototype.setWindow = function (t0, t1) {
    if (!(t1 > t0)) return;
    this.nsPerPx = (t1 - t0) / Math.max(1, this.W - LABEL_W);
    this.t0 = t0;
  };
  // The time of the selection (an event, the send of an arrow, an operation's invoke, a fault's
  // start, a point of a lane), or of the cursor; null when there is neither.
  View.prototype.focusTime = function () {
    var s = this.selection, tr = this.trace;
    if (s) {
      if (s.kind === 'event' && s.id >= 0 && s.id < tr.n) return tr.T[s.id];
      if (s.kind === 'arrow' && s.id >= 0 && s.id < tr.nArrows) return tr.aTS[s.id];
      if (s.kind === 'op' && tr.ops[s.id]) return tr.ops[s.id].t0;
      if (s.kind === 'partition' && tr.partitions[s.id]) return tr.partitions[s.id].t0;
      if (s.kind === 'lane' && typeof s.t === 'number') return s.t;
    }
    return this.cursor >= 0 && this.cursor < tr.n ? tr.T[this.cursor] : null;
  };
  // Where zooming is anchored: the selection (or cursor) when it is on screen, so that zooming
  // after a jump keeps what was jumped to in place; otherwise undefined.
  View.prototype.anchorX = function () {
    var t = this.focusTime();
    if (t === null) return undefined;
    var x = this.x(t);
    return x >= LABEL_W && x <= this.W ? x : undefined;
  };
  View.prototype.zoom = function (factor, atX) {
    if (atX === undefined) atX = this.anchorX();
    if (atX === undefined) atX = LABEL_W + (this.W - LABEL_W) / 2;
    var t = this.tAt(atX);
    var tr = this.trace, maxNs = (tr.tEnd - tr.tStart) * 4 / Math.max(1, this.W - LABEL_W);
    this.nsPerPx = Math.min(Math.max(this.nsPerPx * factor, 1e-3), Math.max(maxNs, 1));
    this.t0 = t - (atX - LABEL_W) * this.nsPerPx;
  };
  View.prototype.pan = function (dx) { this.t0 -= dx * this.nsPerPx; };
  View.prototype.ensureVisible = function (t) {
    var t1 = this.t1();
    if (t < this.t0 || t > t1) this.t0 = t - (this.W - LABEL_W) / 2 * this.nsPerPx;
  };

  View.prototype.arrowVisible = function (i) {
    var tr = this.trace;
    if (this.hiddenTypes.has(tr.aType[i])) return false;
    return this.laneShown(tr.aFrom[i]) || this.laneShown(tr.aTo[i]);
  };
  View.prototype.eventVisible = function (e) {
    var tr = this.trace, a = tr.A[e];
    if (a >= 0 && this.hiddenActors.has(a)) return false;
    var ar = tr.ARW[e];
    if (ar >= 0 && this.hiddenTypes.has(tr.aType[ar])) return false;
    return true;
  };

  // Geometry of arrow i: [x1, y1, x2, y2], or null when an end's lane is hidden. An arrow to or
  // from a lane scrolled out of view is cut where it leaves the lane band.
  View.prototype.arrowGeom = function (i) {
    var tr = this.trace, f = tr.aFlags[i];
    if (!this.laneShown(tr.aFrom[i]) || !this.laneShown(tr.aTo[i])) return null;
    var y1 = this.laneY[tr.aFrom[i]], y2 = this.laneY[tr.aTo[i]];
    var x1 = this.x(tr.aTS[i]), x2 = this.x(tr.aTE[i]);
    if (f & AR.DROPPED) {
      // Blocked at the sender: a short stub along the sender's own lane (it never left).
      if (f & AR.DROP_AT_SENDER) { x2 = x1 + 10; y2 = y1; }
      else if (x2 - x1 < 1) x2 = x1 + 6;  // dropped on arrival with no recorded send: still to the receiver
    } else if (!(f & AR.DELIVERED)) {
      y2 = y1 + (y2 - y1) * 0.6;  // in flight (or held) when the run ended
    }
    return clipToBand(x1, y1, x2, y2, this.top, this.top + this.bandH);
  };
  function clipToBand(x1, y1, x2, y2, yTop, yBottom) {
    if ((y1 < yTop && y2 < yTop) || (y1 > yBottom && y2 > yBottom)) return null;
    var dy = y2 - y1, u0 = 0, u1 = 1;
    if (dy !== 0) {
      var ua = (yTop - y1) / dy, ub = (yBottom - y1) / dy;
      u0 = Math.max(0, Math.min(ua, ub)); u1 = Math.min(1, Math.max(ua, ub));
    }
    if (u0 === 0 && u1 === 1) return [x1, y1, x2, y2];
    var dx = x2 - x1;
    return [x1 + u0 * dx, y1 + u0 * dy, x1 + u1 * dx, y1 + u1 * dy];
  }

  View.prototype.visibleArrowRange = function () {
    var tr = this.trace, t0 = this.t0, t1 = this.t1();
    return [DSIM.lowerBound(tr.aTS, t0 - tr.arrowMaxDur), DSIM.lowerBound(tr.aTS, t1 + 1)];
  };

  View.prototype.draw = function () {
    var start = performance.now();
    var c = this.ctx, tr = this.trace, W = this.W, H = this.H, self = this;
    var t0 = this.t0, t1 = this.t1();
    c.clearRect(0, 0, W, H);
    c.fillStyle = '#ffffff'; c.fillRect(0, 0, W, H);
    c.font = '11px system-ui, sans-serif';
    c.textBaseline = 'middle';
    var lh = this.laneH, rows = this.lanes.slice(this.firstRow, this.lastRow + 1);
    c.save();
    c.beginPath(); c.rect(0, this.top, W, this.bandH); c.clip();
    // Lanes: background, down / paused shading, role colours.
    rows.forEach(function (a, ri) {
      var y = self.laneY[a];
      if (lh >= 3) {
        c.fillStyle = (self.firstRow + ri) % 2 ? '#f7f8fa' : '#ffffff';
        c.fillRect(LABEL_W, y - lh / 2, W - LABEL_W, lh);
      }
      var segs = tr.roleSegs[a];
      for (var j = 0; j < segs.length; j += 3) {
        if (segs[j + 1] < t0 || segs[j] > t1) continue;
        var xa = Math.max(LABEL_W, self.x(segs[j])), xb = Math.min(W, self.x(segs[j + 1]));
        c.fillStyle = DSIM.roleColor(segs[j + 2]);
        c.globalAlpha = 0.35; c.fillRect(xa, y - lh / 2 + 1, xb - xa, lh - 2); c.globalAlpha = 1;
        c.fillRect(xa, y - lh / 2 + (lh >= 3 ? 1 : 0), xb - xa, Math.min(3, Math.max(1, lh / 2)));
        if (xb - xa > 40 && lh >= 20) {
          c.fillStyle = '#333'; drawFit(c, segs[j + 2], xa + 3, y - lh / 2 + 10, xb - xa - 6);
        }
      }
      shade(tr.slowed[a], '#f4a261', 0.30, 'slow');
      shade(tr.paused[a], '#ffe680', 0.55, 'paused');
      shade(tr.down[a], '#555555', 0.35, 'crashed');
      function shade(iv, color, alpha, label) {
        for (var j = 0; j < iv.length; j += 2) {
          if (iv[j + 1] < t0 || iv[j] > t1) continue;
          var xa = Math.max(LABEL_W, self.x(iv[j])), xb = Math.min(W, self.x(iv[j + 1]));
          c.globalAlpha = alpha; c.fillStyle = color; c.fillRect(xa, y - lh / 2, Math.max(1, xb - xa), lh); c.globalAlpha = 1;
          // Below the role's name, clear of the state labels at the lane's foot.
          if (xb - xa > 50 && lh >= 14) { c.fillStyle = '#222'; c.fillText(label, xa + 3, lh >= 36 ? y - lh / 2 + 22 : y); }
        }
      }
      if (lh < 4) return;  // dense: the lane line would only grey the overview
      c.strokeStyle = tr.actors[a].kind === 'client' ? '#9bc79b' : '#9aa7b8';
      c.lineWidth = 1;
      c.beginPath(); c.moveTo(LABEL_W, y); c.lineTo(W, y); c.stroke();
    });
    // Annotation labels (other keys than role). A label that would run into the one before it is not drawn; the one before it ends with
    // "+N", the number of labels it hides (click the lane for the full state at any time).
    var labelStats = { drawn: 0, elided: 0 };
    // Where each "+N" is drawn, with the labels it stands for, so that hovering it lists them.
    var hotspots = this.labelHotspots = [];
    if (lh >= 20) {
      c.fillStyle = '#444';
      rows.forEach(function (a) {
        var lab = tr.labels[a], y = self.laneY[a] + lh / 2 - 7, placed = null;
        var lo = 0, hi = lab.length >> 1;  // first label at or after t0 ([t, text] pairs)
        while (lo < hi) { var m = (lo + hi) >> 1; if (lab[2 * m] < t0) lo = m + 1; else hi = m; }
        var j0 = lo;
        function flush(p) {
          if (!p) return;
          c.fillText(p.text, p.x + 2, y); c.fillRect(p.x, y - 4, 1, 8);
          labelStats.drawn++;
          if (!p.hidden) return;
          var px = p.x + 2 + p.w + 3, pw = c.measureText('+' + p.hidden).width;
          c.fillStyle = '#b05000'; c.fillText('+' + p.hidden, px, y); c.fillStyle = '#444';
          hotspots.push({ x0: px - 2, x1: px + pw + 2, y0: y - 11, y1: y + 5, lane: a, from: p.hiddenFrom, to: p.hiddenTo });
        }
        for (var j = 2 * j0; j < lab.length && lab[j] <= t1; j += 2) {
          var x = self.x(lab[j]);
          if (x < LABEL_W) continue;
          if (placed && x < placed.x + 2 + placed.w + (placed.hidden ? 3 + c.measureText('+' + placed.hidden).width : 0) + 8) {
            if (!placed.hidden) placed.hiddenFrom = j;
            placed.hidden++; placed.hiddenTo = j; labelStats.elided++; continue;
          }
          flush(placed);
          var text = fitText(c, lab[j + 1], 240);
          placed = { x: x, text: text, w: c.measureText(text).width, hidden: 0 };
        }
        flush(placed);
      });
    }
    this.stats.labels = labelStats;
    // Client operations.
    this.drawOps(c, t0, t1);
    // Messages.
    this.drawArrows(c, t0, t1);
    // Event markers, one per pixel column per lane.
    this.drawEvents(c, t0, t1);
    c.restore();
    // Fault row: partitions, clogs, network windows (loss, duplication ...), clock steps and drift.
    c.fillStyle = '#eef0f4'; c.fillRect(0, AXIS_H, W, this.netH);
    var pointPx = Math.max(60, ((tr.tEnd - tr.tStart) / 10) / this.nsPerPx);
    c.save(); c.beginPath(); c.rect(LABEL_W, AXIS_H, W - LABEL_W, this.netH); c.clip();
    tr.partitions.forEach(function (p, pi) {
      var y = AXIS_H + 2 + p.row * NET_ROW_H, hRow = NET_ROW_H - 2, selected = self.selection && self.selection.kind === 'partition' && self.selection.id === pi;
      if (p.point) {
        var px = self.x(p.t0);
        if (px < LABEL_W - 8 || px > W + 8) return;
        c.fillStyle = FAULT_COLORS.clock;
        c.beginPath(); c.moveTo(px, y); c.lineTo(px + hRow / 2, y + hRow / 2); c.lineTo(px, y + hRow); c.lineTo(px - hRow / 2, y + hRow / 2); c.fill();
        if (selected) { c.strokeStyle = '#000'; c.lineWidth = 2; c.stroke(); }
        // The label runs up to the next item of its row.
        var room = 1e9;
        for (var q = pi + 1; q < tr.partitions.length && q < pi + 64; q++) {
          if (tr.partitions[q].row === p.row) { room = self.x(tr.partitions[q].t0) - px; break; }
        }
        c.fillStyle = '#0b5560'; drawFit(c, p.text, px + hRow / 2 + 3, y + hRow / 2, Math.max(pointPx, room) - hRow - 6);
        return;
      }
      if (p.t1 < t0 || p.t0 > t1) return;
      var xa = Math.max(LABEL_W, self.x(p.t0)), xb = Math.min(W, self.x(p.t1));
      c.fillStyle = FAULT_COLORS[p.kind] || FAULT_COLORS.partition;
      c.fillRect(xa, y, Math.max(2, xb - xa), hRow);
      if (selected) { c.strokeStyle = '#000'; c.lineWidth = 2; c.strokeRect(xa, y, Math.max(2, xb - xa), hRow); }
      if (xb - xa > 30) { c.fillStyle = '#fff'; drawFit(c, p.text, xa + 3, y + NET_ROW_H / 2 - 1, xb - xa - 6); }
    });
    c.restore();
    // Violations: a red line across everything.
    tr.violations.forEach(function (e) {
      var t = tr.T[e];
      if (t < t0 || t > t1) return;
      var x = self.x(t);
      c.strokeStyle = '#d62728'; c.lineWidth = 2;
      c.beginPath(); c.moveTo(x, AXIS_H); c.lineTo(x, H); c.stroke();
      c.fillStyle = '#d62728';
      c.beginPath(); c.moveTo(x - 6, AXIS_H); c.lineTo(x + 6, AXIS_H); c.lineTo(x, AXIS_H + 9); c.fill();
    });
    // Cursor.
    if (this.cursor >= 0 && this.cursor < tr.n) {
      var ct = tr.T[this.cursor], cx = this.x(ct);
      c.strokeStyle = '#1f5fd6'; c.lineWidth = 1.5;
      c.beginPath(); c.moveTo(cx, AXIS_H); c.lineTo(cx, H); c.stroke();
      var ca = tr.A[this.cursor];
      if (this.laneOnScreen(ca)) {
        c.beginPath(); c.arc(cx, this.laneY[ca], 6, 0, 2 * Math.PI); c.stroke();
      }
    }
    // Lane labels (with the clock offset at the cursor, or at the window's left edge).
    c.fillStyle = '#ffffff'; c.fillRect(0, AXIS_H, LABEL_W, H - AXIS_H);
    c.fillStyle = '#eef0f4'; c.fillRect(0, AXIS_H, LABEL_W, this.netH);
    c.fillStyle = '#555'; c.fillText('faults', 6, AXIS_H + this.netH / 2);
    var tRef = this.cursor >= 0 ? tr.T[this.cursor] : Math.max(t0, tr.tStart);
    // Below LABEL_MIN_H a label would overlap its neighbours: every k-th lane is named instead.
    var every = lh >= LABEL_MIN_H ? 1 : Math.ceil(14 / lh), labeled = 0;
    rows.forEach(function (a, ri) {
      var y = self.laneY[a], actor = tr.actors[a];
      if (y < self.top || y > self.top + self.bandH || (self.firstRow + ri) % every) return;
      labeled++;
      c.fillStyle = actor.kind === 'client' ? '#2f7d32' : '#1d2b3a';
      c.font = lh >= 14 ? 'bold 12px system-ui, sans-serif' : (every > 1 ? '9px' : 'bold 10px') + ' system-ui, sans-serif';
      if (every > 1) { c.fillRect(LABEL_W - 6, y - 0.5, 6, 1); }
      drawFit(c, actor.name, 6, lh >= 26 ? y - 7 : y, LABEL_W - 14);
      c.font = '10px system-ui, sans-serif';
      if (lh >= 26) {
        if (actor.kind === 'node') {
          var off = tr.clockOffsetAt(a, tRef);
          c.fillStyle = off ? '#0f7f8c' : '#999';
          drawFit(c, 'clock ' + (off >= 0 ? '+' : '') + DSIM.fmtTime(off), 6, y + 8, LABEL_W - 10);
        } else { c.fillStyle = '#999'; c.fillText('client', 6, y + 8); }
      }
    });
    c.font = '11px system-ui, sans-serif';
    this.stats.labeledLanes = labeled;
    c.strokeStyle = '#ccd'; c.beginPath(); c.moveTo(LABEL_W + 0.5, AXIS_H); c.lineTo(LABEL_W + 0.5, H); c.stroke();
    this.drawScrollbar(c);
    this.drawAxis(c, t0, t1);
    this.stats.frames++;
    this.stats.lastFrameMs = performance.now() - start;
  };

  View.prototype.drawScrollbar = function (c) {
    var sb = this.scrollbar();
    if (!sb) return;
    c.fillStyle = '#e4e7ec'; c.fillRect(sb[0], sb[1], SCROLLBAR_W, sb[2]);
    c.fillStyle = '#8a96a8'; c.fillRect(sb[0] + 1, sb[3], SCROLLBAR_W - 2, sb[4]);
  };

  View.prototype.drawAxis = function (c, t0, t1) {
    var W = this.W;
    c.fillStyle = '#f3f4f6'; c.fillRect(0, 0, W, AXIS_H);
    c.strokeStyle = '#ccd'; c.beginPath(); c.moveTo(0, AXIS_H - 0.5); c.lineTo(W, AXIS_H - 0.5); c.stroke();
    var span = t1 - t0, target = span / Math.max(1, (W - LABEL_W) / 150);
    var step = Math.pow(10, Math.floor(Math.log10(Math.max(target, 1e-3))));
    if (target / step > 5) step *= 5; else if (target / step > 2) step *= 2;
    c.fillStyle = '#333'; c.strokeStyle = '#bbb';
    for (var t = Math.ceil(t0 / step) * step; t <= t1; t += step) {
      var x = this.x(t);
      if (x < LABEL_W) continue;
      c.beginPath(); c.moveTo(x, AXIS_H - 6); c.lineTo(x, AXIS_H); c.stroke();
      c.fillText(DSIM.fmtTime(Math.round(t)), x + 2, 10);
    }
    c.fillStyle = '#555'; c.fillText('time →', 6, 10);
  };

  View.prototype.drawOps = function (c, t0, t1) {
    var tr = this.trace, self = this, lh = this.laneH;
    if (!tr.ops.length) return;
    var j0 = DSIM.lowerBound(tr.opsStart, t0 - tr.opMaxDur), j1 = DSIM.lowerBound(tr.opsStart, t1 + 1);
    var lastX = new Float64Array(tr.actors.length).fill(-1e9);
    var sel = this.selection;
    var bh = Math.max(6, Math.min(16, lh * 0.36));
    for (var j = j0; j < j1; j++) this.drawOp(c, tr.ops[j], t0, lastX, bh, sel);
    // Operations that never completed may start before the window.
    for (j = 0; j < j0; j++) if (tr.ops[j].comp < 0) this.drawOp(c, tr.ops[j], t0, lastX, bh, sel);
    void self;
  };

  View.prototype.drawOp = function (c, o, t0, lastX, bh, sel) {
    var y = this.laneY[o.client];
    if (!this.laneOnScreen(o.client) || o.t1 < t0) return;
    var tr = this.trace;
    var xa = this.x(o.t0), xb = Math.max(xa + 2, this.x(o.t1));
    var selected = sel && sel.kind === 'op' && sel.id === o.index;
    if (xb - xa < 3 && Math.round(xa) === lastX[o.client] && !selected) return;
    lastX[o.client] = Math.round(xa);
    var yb = y + 2;
    c.fillStyle = OP_COLORS[o.comp >= 0 ? o.type : 'open'] || '#aaa';
    c.fillRect(xa, yb, xb - xa, bh);
    if (tr.linBlocked.has(o.op)) { c.strokeStyle = '#d62728'; c.lineWidth = 3; c.strokeRect(xa - 1, yb - 1, xb - xa + 2, bh + 2); }
    if (selected) { c.strokeStyle = '#000'; c.lineWidth = 2; c.strokeRect(xa, yb, xb - xa, bh); }
    if (xb - xa > 36 && bh >= 10) {
      var label = this.opLabel(o);
      c.fillStyle = '#102010'; drawFit(c, label, xa + 2, yb + bh / 2, xb - xa - 4);
    }
  };

  // An operation's label on its bar: '#N' is its index in the history (the numbering of the side
  // panel and of `dsim check`); 'step k' its place in the partial linearization.
  View.prototype.opLabel = function (o) {
    var tr = this.trace, h = o.h;
    var label = '#' + o.op + ' ' + (h ? (h.f + (h.key !== undefined && h.key !== null ? ' ' + DSIM.show(h.key) : '') +
      (h.value !== null && h.value !== undefined ? ' ' + DSIM.show(h.value) : '') +
      ' → ' + h.type + (h.output !== null && h.output !== undefined ? ' ' + DSIM.show(h.output) : '')) : 'op');
    var order = tr.linOrder.get(o.op);
    if (order !== undefined) label += ' · step ' + order;
    if (tr.linBlocked.has(o.op)) label += ' · cannot be placed';
    return label;
  };

  View.prototype.drawArrows = function (c, t0, t1) {
    var tr = this.trace, r = this.visibleArrowRange(), nA = tr.actors.length;
    // Too many arrows to tell apart: the aggregated density view instead (density.js).
    this.densityMode = !!DSIM.density && !this.forceArrows && DSIM.density.wanted(this, r);
    if (this.densityMode) { DSIM.density.draw(this, c, t0, t1, r); this.drawCausalArrows(c, t0, t1, r); this.drawSelectedArrow(c); return; }
    this.density = null;
    var dedupe = nA <= 256;
    var lastS = dedupe ? new Int32Array(nA * nA).fill(-1 << 30) : null;
    var lastE = dedupe ? new Int32Array(nA * nA).fill(-1 << 30) : null;
    // node, client, dropped at the receiver, duplicate copy, dropped at the sender
    var paths = [new Path2D(), new Path2D(), new Path2D(), new Path2D(), new Path2D()];
    var heads = [];
    var drawn = 0, self = this;
    function one(i) {
      if (tr.aTE[i] < t0 || tr.aTS[i] > t1) return;
      if (self.hiddenTypes.has(tr.aType[i])) return;
      var g = self.arrowGeom(i);
      if (!g) return;
      if (dedupe) {
        var pair = tr.aFrom[i] * nA + tr.aTo[i], xs = Math.round(g[0]), xe = Math.round(g[2]);
        if (lastS[pair] === xs && lastE[pair] === xe) return;
        lastS[pair] = xs; lastE[pair] = xe;
      }
      var f = tr.aFlags[i];
      var p = f & AR.DROP_AT_SENDER ? 4 : f & AR.DROPPED ? 2 : f & AR.DUP_COPY ? 3 : f & AR.CLIENT ? 1 : 0;
      paths[p].moveTo(g[0], g[1]); paths[p].lineTo(g[2], g[3]);
      if (drawn < 4000) heads.push(i, g);
      drawn++;
    }
    for (var i = r[0]; i < r[1]; i++) one(i);
    var open = tr.openArrows;
    for (i = 0; i < open.length && open[i] < r[0]; i++) one(open[i]);
    var styles = [['#4a6fa5', []], ['#3f9c3f', []], ['#d62728', [4, 3]], ['#ff7f0e', [2, 2]], ['#8b1a1a', []]];
    var thin = drawn > 20000 ? 0.5 : 1;
    // Client traffic is drawn first and faint, so that node-to-node messages stand out.
    var fade = this.causal ? 0.15 : 1;
    [1, 0, 3, 2, 4].forEach(function (s) {
      c.globalAlpha = (s === 1 ? 0.4 : 1) * fade;
      c.lineWidth = s === 4 ? 2.5 * thin : thin;
      c.strokeStyle = styles[s][0]; c.setLineDash(styles[s][1]); c.stroke(paths[s]);
    });
    c.globalAlpha = 1;
    c.setLineDash([]);
    if (drawn <= 4000) {
      for (var h = 0; h < heads.length; h += 2) {
        var ai = heads[h], g = heads[h + 1], fl = tr.aFlags[ai];
        if (fl & AR.DROP_AT_SENDER) {
          // Blocked at send: a barred circle on the sender's lane.
          c.strokeStyle = '#8b1a1a'; c.lineWidth = 1.5;
          c.beginPath(); c.arc(g[2] + 3, g[3], 3.5, 0, 6.2832); c.moveTo(g[2] + 0.5, g[3] + 2.5); c.lineTo(g[2] + 5.5, g[3] - 2.5); c.stroke();
        } else if (fl & AR.DROPPED) {
          c.strokeStyle = '#d62728'; c.lineWidth = 2;
          c.beginPath(); c.moveTo(g[2] - 4, g[3] - 4); c.lineTo(g[2] + 4, g[3] + 4); c.moveTo(g[2] + 4, g[3] - 4); c.lineTo(g[2] - 4, g[3] + 4); c.stroke();
        } else if (fl & AR.DELIVERED) {
          var ang = Math.atan2(g[3] - g[1], g[2] - g[0]);
          c.fillStyle = fl & AR.DUP_COPY ? '#ff7f0e' : fl & AR.CLIENT ? '#3f9c3f' : '#4a6fa5';
          c.beginPath(); c.moveTo(g[2], g[3]);
          c.lineTo(g[2] - 7 * Math.cos(ang - 0.4), g[3] - 7 * Math.sin(ang - 0.4));
          c.lineTo(g[2] - 7 * Math.cos(ang + 0.4), g[3] - 7 * Math.sin(ang + 0.4)); c.fill();
        } else {
          c.fillStyle = '#777'; c.fillText('?', g[2] + 2, g[3]);
        }
        if (fl & AR.DUPLICATED) { c.fillStyle = '#ff7f0e'; c.fillText('×2', g[0] + 3, g[1] - 6); }
      }
      if (drawn <= 300) {
        c.fillStyle = '#24364f'; c.font = '10px system-ui, sans-serif';
        for (h = 0; h < heads.length; h += 2) {
          var gg = heads[h + 1];
          if (Math.abs(gg[2] - gg[0]) + Math.abs(gg[3] - gg[1]) > 60) {
            drawFit(c, tr.typeNames[tr.aType[heads[h]]], (gg[0] + gg[2]) / 2 + 3, (gg[1] + gg[3]) / 2, 100);
          }
        }
        c.font = '11px system-ui, sans-serif';
      }
    }
    this.drawCausalArrows(c, t0, t1, r);
    this.drawSelectedArrow(c);
    this.stats.drawnArrows = drawn;
  };
  // With causality on (causal.js): the messages of the selected event's past in purple, of its
  // future in green, drawn over the others (which are faded).
  View.prototype.drawCausalArrows = function (c, t0, t1, r) {
    var cz = this.causal, tr = this.trace;
    if (!cz) return;
    var P = DSIM.CAUSAL, past = new Path2D(), fut = new Path2D(), self = this;
    function one(i) {
      if (tr.aTE[i] < t0 || tr.aTS[i] > t1 || self.hiddenTypes.has(tr.aType[i])) return;
      var ms = cz.mark[tr.aSend[i]], me = tr.aEnd[i] >= 0 ? cz.mark[tr.aEnd[i]] : 0, path = null;
      if (me === P.PAST || (me === P.SELF && ms === P.PAST)) path = past;
      else if (ms === P.FUTURE || ms === P.SELF) path = fut;
      if (!path) return;
      var g = self.arrowGeom(i);
      if (g) { path.moveTo(g[0], g[1]); path.lineTo(g[2], g[3]); }
    }
    for (var i = r[0]; i < r[1]; i++) one(i);
    for (i = 0; i < tr.openArrows.length && tr.openArrows[i] < r[0]; i++) one(tr.openArrows[i]);
    c.globalAlpha = 1; c.setLineDash([]); c.lineWidth = 1.6;
    c.strokeStyle = '#7b3fb5'; c.stroke(past);
    c.strokeStyle = '#0a8f6a'; c.stroke(fut);
  };
  View.prototype.drawSelectedArrow = function (c) {
    var sel = this.selection;
    if (sel && sel.kind === 'arrow') {
      var sg = this.arrowGeom(sel.id);
      if (sg) { c.strokeStyle = '#000'; c.lineWidth = 3; c.beginPath(); c.moveTo(sg[0], sg[1]); c.lineTo(sg[2], sg[3]); c.stroke(); }
    }
  };

  View.prototype.drawEvents = function (c, t0, t1) {
    var tr = this.trace, i0 = tr.eventAt(t0), i1 = tr.eventAt(t1 + 1);
    var nA = tr.actors.length, lastX = new Int32Array(nA).fill(-1 << 30), drawn = 0;
    var lh = this.laneH, big = (i1 - i0) < 3000 && lh >= 20, dense = lh < 6;
    var markH = Math.max(1, Math.min(3, lh - 1)), bigH = Math.max(3, Math.min(8, lh));
    var matches = this.matches, marks = this.stats.marksByLane = new Int32Array(nA), causal = this.causal;
    var LE = tr.laneEvents, rows = this.lastRow - this.firstRow + 1;
    // Zoomed out over many events: per lane, one binary search per pixel column that holds an
    // event (the lane's own time-ordered events, model.js), not a look at every event.
    if (LE && !matches && !causal && this.hiddenTypes.size === 0 && !big && rows * (this.W - LABEL_W) * 2 < i1 - i0) {
      for (var r = this.firstRow; r <= this.lastRow; r++) {
        var la = this.lanes[r], lo = LE.off[la], hi = LE.off[la + 1];
        var j = DSIM.lowerBound(LE.t, t0, lo, hi), jEnd = DSIM.lowerBound(LE.t, t1 + 1, j, hi), ly = this.laneY[la];
        while (j < jEnd) {
          var ei = LE.ev[j], ex = this.x(tr.T[ei]), exi = Math.round(ex), ek = tr.K[ei];
          c.fillStyle = KIND_COLORS[ek] || '#666';
          if (ek === K.crash || ek === K.violation) c.fillRect(ex - 4, ly - bigH / 2, 8, bigH);
          else if (dense) c.fillRect(exi, ly - markH / 2, 1, markH);
          else c.fillRect(ex - 1, ly - 1.5, 2, 3);
          marks[la]++; drawn++;
          j = DSIM.lowerBound(LE.t, this.tAt(exi + 0.5), j + 1, jEnd);
        }
      }
      i1 = i0;  // done
    }
    for (var i = i0; i < i1; i++) {
      var a = tr.A[i], k = tr.K[i];
      if (a < 0 || k === K.annotate || !this.laneOnScreen(a)) continue;
      var y = this.laneY[a];
      var x = this.x(tr.T[i]), xi = Math.round(x);
      if (xi === lastX[a] && !(matches && matches.has(i)) && !(causal && causal.mark[i])) continue;
      lastX[a] = xi;
      var ar = tr.ARW[i];
      if (ar >= 0 && this.hiddenTypes.has(tr.aType[ar])) continue;
      c.fillStyle = KIND_COLORS[k] || '#666';
      if (causal) c.globalAlpha = causal.mark[i] ? 1 : 0.15;
      if (k === K.crash || k === K.violation) { c.fillRect(x - 4, y - bigH / 2, 8, bigH); }
      else if (big) { c.beginPath(); c.arc(x, y, k === K.timer ? 2 : 3, 0, 6.2832); c.fill(); }
      else if (dense) c.fillRect(xi, y - markH / 2, 1, markH);  // 1-pixel marks in the overview
      else c.fillRect(x - 1, y - 1.5, 2, 3);
      marks[a]++;
      if (matches && matches.has(i)) { c.strokeStyle = '#e6a100'; c.lineWidth = 2; c.strokeRect(x - 5, y - 5, 10, 10); }
      drawn++;
    }
    c.globalAlpha = 1;
    var sel = this.selection;
    if (sel && sel.kind === 'event' && sel.id >= 0 && sel.id < tr.n && this.laneOnScreen(tr.A[sel.id])) {
      c.strokeStyle = '#000'; c.lineWidth = 2;
      c.strokeRect(this.x(tr.T[sel.id]) - 5, this.laneY[tr.A[sel.id]] - 5, 10, 10);
    }
    this.stats.drawnEvents = drawn;
  };

  // What is under the point (x, y)? Returns a selection or null.
  // The labels behind the "+N" under (x, y), as lines "time  text" (at most `max`, then a count of
  // the rest); null when no "+N" is there.
  View.prototype.hiddenLabelsAt = function (x, y, max) {
    var spots = this.labelHotspots || [];
    for (var i = 0; i < spots.length; i++) {
      var h = spots[i];
      if (x < h.x0 || x > h.x1 || y < h.y0 || y > h.y1) continue;
      var lab = this.trace.labels[h.lane], lines = [], n = 0;
      for (var j = h.from; j <= h.to; j += 2) {
        if (this.x(lab[j]) < LABEL_W) continue;
        if (++n <= max) lines.push(DSIM.fmtTime(lab[j]) + '  ' + lab[j + 1]);
      }
      if (n > max) lines.push('… and ' + (n - max) + ' more (click the lane for its state at any time)');
      return { lane: h.lane, count: n, lines: lines };
    }
    return null;
  };

  View.prototype.hit = function (x, y) {
    var tr = this.trace, self = this;
    if (y >= AXIS_H && y < AXIS_H + this.netH) {
      var t = this.tAt(x), row = Math.floor((y - AXIS_H - 2) / NET_ROW_H), best = null;
      tr.partitions.forEach(function (p, pi) {
        if (p.row !== row) return;
        if (p.point ? Math.abs(self.x(p.t0) - x) <= 7 : p.t0 <= t && t <= p.t1) best = { kind: 'partition', id: pi };
      });
      if (best) return best;
      var e = this.nearestEvent(x, function (i) { return tr.A[i] < 0; }, 6);
      return e >= 0 ? { kind: 'event', id: e } : null;
    }
    // An event marker on the lane under the pointer.
    var lane = -1, row = Math.floor((y - this.top + this.scrollY) / this.laneH);
    if (y >= this.top && y < this.top + this.bandH && row >= 0 && row < this.lanes.length) lane = this.lanes[row];
    if (lane >= 0 && Math.abs(this.laneY[lane] - y) <= 6) {
      var ev = this.nearestEvent(x, function (i) { return tr.A[i] === lane && tr.K[i] !== K.annotate && self.eventVisible(i); }, 5);
      if (ev >= 0) return { kind: 'event', id: ev };
    }
    // An arrow.
    var r = this.visibleArrowRange(), t0 = this.t0, t1 = this.t1(), bestD = 5, bestA = -1;
    function test(i) {
      if (tr.aTE[i] < t0 || tr.aTS[i] > t1 || self.hiddenTypes.has(tr.aType[i])) return;
      var g = self.arrowGeom(i);
      if (!g) return;
      var d = segDist(x, y, g[0], g[1], g[2], g[3]);
      if (d < bestD) { bestD = d; bestA = i; }
    }
    if (!this.densityMode) {  // in the density view single arrows are not drawn, so not picked
      for (var i = r[0]; i < r[1]; i++) test(i);
      for (i = 0; i < tr.openArrows.length; i++) test(tr.openArrows[i]);
    }
    if (bestA >= 0) return { kind: 'arrow', id: bestA };
    // A client operation bar.
    if (lane >= 0 && tr.actors[lane].kind === 'client') {
      var tt = this.tAt(x), found = null;
      var bh = Math.max(6, Math.min(16, this.laneH * 0.36)), yb = this.laneY[lane] + 2;
      if (y >= yb - 2 && y <= yb + bh + 2) {
        tr.ops.forEach(function (o) {
          if (o.client === lane && o.t0 - 2 * self.nsPerPx <= tt && tt <= o.t1 + 2 * self.nsPerPx) found = { kind: 'op', id: o.index };
        });
      }
      if (found) return found;
    }
    if (lane >= 0) return { kind: 'lane', id: lane, t: this.tAt(x) };
    return null;
  };

  View.prototype.nearestEvent = function (x, pred, maxPx) {
    var tr = this.trace, t = this.tAt(x), lo = tr.eventAt(t - maxPx * this.nsPerPx), hi = tr.eventAt(t + maxPx * this.nsPerPx + 1);
    var best = -1, bd = maxPx + 1;
    for (var i = lo; i < hi && i - lo < 200000; i++) {
      if (!pred(i)) continue;
      var d = Math.abs(this.x(tr.T[i]) - x);
      if (d < bd) { bd = d; best = i; }
    }
    return best;
  };

  function segDist(px, py, x1, y1, x2, y2) {
    var dx = x2 - x1, dy = y2 - y1, l = dx * dx + dy * dy;
    var u = l ? ((px - x1) * dx + (py - y1) * dy) / l : 0;
    u = Math.max(0, Math.min(1, u));
    var ex = x1 + u * dx - px, ey = y1 + u * dy - py;
    return Math.sqrt(ex * ex + ey * ey);
  }

  View.LABEL_W = LABEL_W;
  View.clipToBand = clipToBand;
  View.segDist = segDist;
  DSIM.View = View;
})();
