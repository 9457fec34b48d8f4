// Happens-before around one event: its causal past (every event that could have influenced it)
// and its causal future (every event it could influence), over the order of events on each lane
// and the pairing of each send with its delivery. Two sweeps over the event arrays with one
// frontier per lane, O(events); cluster-wide events (faults) belong to no lane and are left out.
'use strict';

(function () {
  var K = DSIM.KIND, AR = DSIM.ARROW;
  var PAST = 1, FUTURE = 2, SELF = 3;

  // Returns {mark: Uint8Array (0 unrelated, 1 past, 2 future, 3 the event), past, future}.
  DSIM.causal = function (tr, e) {
    var n = tr.n, na = tr.actors.length, mark = new Uint8Array(n), past = 0, future = 0;
    var a0 = tr.A[e];
    if (a0 < 0) return { e: e, mark: mark, past: 0, future: 0 };
    // Past: walking back, lane a is reached up to frontier[a]; a delivery reached reaches its send.
    var frontier = new Int32Array(na).fill(-1);
    frontier[a0] = e;
    for (var i = e; i >= 0; i--) {
      var a = tr.A[i];
      if (a < 0 || i > frontier[a]) continue;
      if (i !== e) { mark[i] = PAST; past++; }
      if (tr.K[i] === K.deliver && tr.ARW[i] >= 0) {
        var s = tr.aSend[tr.ARW[i]], from = tr.aFrom[tr.ARW[i]];
        if (s >= 0 && s < i && s > frontier[from]) frontier[from] = s;
      }
    }
    // Future: walking forward, lane a is reached from frontier[a] on; a send reached reaches its delivery.
    var start = new Int32Array(na).fill(n);
    start[a0] = e;
    for (i = e; i < n; i++) {
      a = tr.A[i];
      if (a < 0 || i < start[a]) continue;
      if (i !== e) { mark[i] = FUTURE; future++; }
      var k = tr.K[i], arw = tr.ARW[i];
      if ((k === K.send || k === K.duplicate) && arw >= 0 && (tr.aFlags[arw] & AR.DELIVERED)) {
        var d = tr.aEnd[arw], to = tr.aTo[arw];
        if (d > i && d < start[to]) start[to] = d;
      }
    }
    mark[e] = SELF;
    return { e: e, mark: mark, past: past, future: future };
  };
  DSIM.CAUSAL = { PAST: PAST, FUTURE: FUTURE, SELF: SELF };
})();
