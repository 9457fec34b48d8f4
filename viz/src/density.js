// The message-density view: when the visible window holds more arrows than can be told apart,
// messages are counted per lane pair (sender -> receiver) and time bucket of a few pixels, and
// each non-empty cell is drawn once, as one vertical bar from the sender's lane to the
// receiver's inside its bucket, thicker and darker the more messages it holds. Hovering a cell gives its
// count (app.js shows the tooltip). Zoom in and the single arrows come back.
'use strict';

(function () {
  var AR = DSIM.ARROW;
  var BUCKET_PX = 20, GROUP_PX = 8, GROUPS_MAX = 32;
  var WIDTHS = [1, 1.5, 2.5, 4], ALPHAS = [0.22, 0.4, 0.65, 0.9];
  var COLORS = ['#4a6fa5', '#3f9c3f', '#d62728'];  // node to node, client traffic, mostly dropped

  var density = { BUCKET_PX: BUCKET_PX };

  // More arrows in the window than about one per three pixel columns: a wall, not a diagram.
  density.limit = function (view) { return Math.max(150, 0.35 * (view.W - DSIM.View.LABEL_W)); };
  density.wanted = function (view, range) { return range[1] - range[0] > density.limit(view); };

  // First index in arr[lo, hi) with arr[i] > t.
  function upperBound(arr, t, lo, hi) {
    while (lo < hi) { var m = (lo + hi) >> 1; if (arr[m] <= t) lo = m + 1; else hi = m; }
    return lo;
  }

  // At load (model.js finish): every lane pair with traffic, its arrows' send times in order,
  // and those of its dropped ones.
  density.prepare = function (tr) {
    var na = tr.nArrows, nA = tr.actors.length, ids = new Map(), pairOf = new Int32Array(na), cnt = [], dcnt = [];
    var pFrom = [], pTo = [];
    for (var i = 0; i < na; i++) {
      var key = tr.aFrom[i] * nA + tr.aTo[i], p = ids.get(key);
      if (p === undefined) { p = pFrom.length; ids.set(key, p); pFrom.push(tr.aFrom[i]); pTo.push(tr.aTo[i]); cnt.push(0); dcnt.push(0); }
      pairOf[i] = p; cnt[p]++;
      if (tr.aFlags[i] & AR.DROPPED) dcnt[p]++;
    }
    var n = pFrom.length, off = new Int32Array(n + 1), doff = new Int32Array(n + 1);
    for (p = 0; p < n; p++) { off[p + 1] = off[p] + cnt[p]; doff[p + 1] = doff[p] + dcnt[p]; }
    var ts = new Float64Array(na), dts = new Float64Array(doff[n]), at = off.slice(0, n), dat = doff.slice(0, n);
    for (i = 0; i < na; i++) {
      p = pairOf[i];
      ts[at[p]++] = tr.aTS[i];
      if (tr.aFlags[i] & AR.DROPPED) dts[dat[p]++] = tr.aTS[i];
    }
    tr.densityPairs = { n: n, from: Int32Array.from(pFrom), to: Int32Array.from(pTo), off: off, ts: ts, doff: doff, dts: dts };
  };

  density.draw = function (v, c, t0, t1, range) {
    var tr = v.trace, LW = DSIM.View.LABEL_W;
    var nb = Math.ceil((v.W - LW) / BUCKET_PX) + 1;
    // Lanes thinner than a few pixels (the overview of a big cluster) are counted in groups of
    // G neighbouring lanes, each group GROUP_PX or more tall: a pair is then a pair of groups.
    // At most GROUPS_MAX groups then, so that a cell holds more than one message.
    var G = v.laneH >= GROUP_PX ? 1 : Math.max(Math.ceil(GROUP_PX / v.laneH), Math.ceil(v.lanes.length / GROUPS_MAX));
    var nG = Math.ceil(v.lanes.length / G);
    var index = new Map();
    var cFrom = [], cTo = [], cB = [], cN = [], cDrop = [], cClient = [];
    var total = 0;
    function add(i) {
      if (tr.aTE[i] < t0 || tr.aTS[i] > t1 || v.hiddenTypes.has(tr.aType[i])) return;
      var from = tr.aFrom[i], to = tr.aTo[i];
      if (!v.laneShown(from) || !v.laneShown(to)) return;
      if (!v.laneOnScreen(from) && !v.laneOnScreen(to)) {
        // Both ends scrolled away: drawn only when the segment crosses the band.
        var yf = v.laneY[from], yt = v.laneY[to];
        if ((yf < v.top && yt < v.top) || (yf > v.top + v.bandH && yt > v.top + v.bandH)) return;
      }
      var b = Math.floor((v.x(Math.max(tr.aTS[i], t0)) - LW) / BUCKET_PX);
      if (b < 0) b = 0; else if (b >= nb) b = nb - 1;
      var gf = Math.floor(v.laneIdx[from] / G), gt = Math.floor(v.laneIdx[to] / G);
      var key = (gf * nG + gt) * nb + b, ci = index.get(key);
      if (ci === undefined) {
        ci = cN.length; index.set(key, ci);
        cFrom.push(G > 1 ? gf : from); cTo.push(G > 1 ? gt : to); cB.push(b); cN.push(0); cDrop.push(0);
        cClient.push(tr.actors[from].kind === 'client' || tr.actors[to].kind === 'client' ? 1 : 0);
      }
      cN[ci]++; total++;
      if (tr.aFlags[i] & AR.DROPPED) cDrop[ci]++;
    }
    // Zoomed far out, the window holds far more arrows than there are lane pairs times
    // buckets: then each pair's cells are counted by binary search in its send times
    // (prepare(), at load), and the frame costs the same for 10,000 arrows as for 10,000,000.
    var P = tr.densityPairs, nIn = range[1] - range[0], i;
    if (P && v.hiddenTypes.size === 0 && P.n * nb * 4 < nIn) {
      var tsStart = DSIM.lowerBound(tr.aTS, t0, range[0], range[1]);
      // Sent before the window and still in flight in it: one by one, into the first bucket.
      for (i = range[0]; i < tsStart; i++) add(i);
      var open0 = tr.openArrows;
      for (i = 0; i < open0.length && open0[i] < range[0]; i++) add(open0[i]);
      var bucketNs = BUCKET_PX * v.nsPerPx;
      for (var pi = 0; pi < P.n; pi++) {
        var from = P.from[pi], to = P.to[pi];
        if (!v.laneShown(from) || !v.laneShown(to)) continue;
        if (!v.laneOnScreen(from) && !v.laneOnScreen(to)) {
          var yf0 = v.laneY[from], yt0 = v.laneY[to];
          if ((yf0 < v.top && yt0 < v.top) || (yf0 > v.top + v.bandH && yt0 > v.top + v.bandH)) continue;
        }
        var gf0 = Math.floor(v.laneIdx[from] / G), gt0 = Math.floor(v.laneIdx[to] / G);
        var client = tr.actors[from].kind === 'client' || tr.actors[to].kind === 'client' ? 1 : 0;
        var lo = P.off[pi], hi = P.off[pi + 1], dlo = P.doff[pi], dhi = P.doff[pi + 1];
        var j = DSIM.lowerBound(P.ts, t0, lo, hi), dj = DSIM.lowerBound(P.dts, t0, dlo, dhi);
        while (j < hi && P.ts[j] <= t1) {
          // The bucket of the next message, and where it ends.
          var b = Math.floor((P.ts[j] - t0) / bucketNs);
          if (b < 0) b = 0; else if (b >= nb) b = nb - 1;
          var last = b === nb - 1, edge = t0 + (b + 1) * bucketNs;
          var j2 = last ? upperBound(P.ts, t1, j, hi) : DSIM.lowerBound(P.ts, edge, j, hi);
          if (j2 <= j) j2 = j + 1;  // rounding at a bucket's edge
          var dj2 = dj < dhi ? (last ? upperBound(P.dts, t1, dj, dhi) : DSIM.lowerBound(P.dts, edge, dj, dhi)) : dj;
          var key2 = (gf0 * nG + gt0) * nb + b, c2 = index.get(key2);
          if (c2 === undefined) {
            c2 = cN.length; index.set(key2, c2);
            cFrom.push(G > 1 ? gf0 : from); cTo.push(G > 1 ? gt0 : to); cB.push(b); cN.push(0); cDrop.push(0); cClient.push(client);
          }
          cN[c2] += j2 - j; cDrop[c2] += dj2 - dj; total += j2 - j;
          j = j2; dj = dj2;
        }
      }
    } else {
      for (i = range[0]; i < range[1]; i++) add(i);
      var open = tr.openArrows;
      for (i = 0; i < open.length && open[i] < range[0]; i++) add(open[i]);
    }
    // A cell's end: its lane's centre, or its group's.
    function yOf(x) { return G > 1 ? v.top + (x * G + Math.min(G, v.lanes.length - x * G) / 2) * v.laneH - v.scrollY : v.laneY[x]; }
    var max = 1;
    for (i = 0; i < cN.length; i++) if (cN[i] > max) max = cN[i];
    var paths = [];
    for (var p = 0; p < COLORS.length * WIDTHS.length; p++) paths.push(new Path2D());
    var geom = new Float64Array(cN.length * 4), lmax = Math.log(1 + max);
    for (i = 0; i < cN.length; i++) {
      var x0 = LW + cB[i] * BUCKET_PX;
      // Downward traffic a third into the bucket, upward two thirds: the two directions of a
      // pair stay apart, and a bucket reads as a row of bars.
      var yf = yOf(cFrom[i]), yt = yOf(cTo[i]), xc = x0 + (yt >= yf ? BUCKET_PX / 3 : 2 * BUCKET_PX / 3);
      var g = DSIM.View.clipToBand(xc - 1, yf, xc + 1, yt, v.top, v.top + v.bandH);
      if (!g) { geom[4 * i] = NaN; continue; }
      geom.set(g, 4 * i);
      var level = Math.min(WIDTHS.length - 1, Math.floor(WIDTHS.length * Math.log(1 + cN[i]) / (lmax || 1)));
      var color = cDrop[i] * 2 > cN[i] ? 2 : cClient[i];
      var path = paths[color * WIDTHS.length + level];
      path.moveTo(g[0], g[1]); path.lineTo(g[2], g[3]);
    }
    // Client traffic first, then node traffic, then drops on top.
    // Many cells (a huge cluster's overview): hairlines, which rasterise many times faster than
    // strokes of a pixel or more; the level is then told by opacity alone.
    var hair = cN.length > 3000, fade = v.causal ? 0.25 : 1;
    [1, 0, 2].forEach(function (color) {
      c.strokeStyle = COLORS[color];
      for (var l = 0; l < WIDTHS.length; l++) {
        c.globalAlpha = ALPHAS[l] * (color === 1 ? 0.45 : 1) * fade; c.lineWidth = hair ? 0.5 : WIDTHS[l];
        c.stroke(paths[color * WIDTHS.length + l]);
      }
    });
    c.globalAlpha = 1;
    v.density = { from: cFrom, to: cTo, b: cB, n: cN, drop: cDrop, geom: geom, max: max, total: total, group: G };
    v.stats.drawnArrows = total;
    v.stats.densityCells = cN.length;
    // A note at the band's top right: what this is and how to leave it.
    var note = 'message density: ' + total.toLocaleString() + ' messages, ' + cN.length.toLocaleString() +
      ' cells (up to ' + max + ') · hover for counts · zoom in for arrows';
    c.font = '11px system-ui, sans-serif';
    var w = c.measureText(note).width + 10, xr = v.W - 14 - w, yt = v.top + 4;
    c.fillStyle = 'rgba(255,255,255,0.88)'; c.fillRect(xr, yt, w, 16);
    c.strokeStyle = '#b8c2d0'; c.lineWidth = 1; c.strokeRect(xr + 0.5, yt + 0.5, w - 1, 15);
    c.fillStyle = '#34465c'; c.fillText(note, xr + 5, yt + 8);
  };

  // The cell under (x, y) in the last density frame: {from, to, n, dropped, t0, t1}, or null.
  density.hit = function (v, x, y) {
    var d = v.density;
    if (!v.densityMode || !d) return null;
    var LW = DSIM.View.LABEL_W, b = Math.floor((x - LW) / BUCKET_PX), best = -1, bestD = 4;
    for (var i = 0; i < d.n.length; i++) {
      if (Math.abs(d.b[i] - b) > 1 || isNaN(d.geom[4 * i])) continue;
      var dist = DSIM.View.segDist(x, y, d.geom[4 * i], d.geom[4 * i + 1], d.geom[4 * i + 2], d.geom[4 * i + 3]);
      if (dist < bestD) { bestD = dist; best = i; }
    }
    if (best < 0) return null;
    return { group: d.group, from: d.from[best], to: d.to[best], n: d.n[best], dropped: d.drop[best], t0: Math.max(v.t0, v.trace.tStart, v.tAt(LW + d.b[best] * BUCKET_PX)),
      t1: v.tAt(LW + (d.b[best] + 1) * BUCKET_PX), x: (d.geom[4 * best] + d.geom[4 * best + 2]) / 2, y: (d.geom[4 * best + 1] + d.geom[4 * best + 3]) / 2 };
  };

  density.describe = function (tr, cell, v) {
    function name(x) {
      if (!(cell.group > 1)) return tr.actorName(x);
      var a = v.lanes[x * cell.group], b = v.lanes[Math.min(v.lanes.length - 1, (x + 1) * cell.group - 1)];
      return tr.actorName(a) + '–' + tr.actorName(b);
    }
    return name(cell.from) + ' → ' + name(cell.to) + ': ' + cell.n + ' message' + (cell.n === 1 ? '' : 's') +
      (cell.dropped ? ' (' + cell.dropped + ' dropped)' : '') + ', sent ' + DSIM.fmtTime(Math.round(cell.t0)) + ' – ' + DSIM.fmtTime(Math.round(cell.t1));
  };

  DSIM.density = density;
})();
