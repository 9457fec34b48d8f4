// Reading dsim's native trace (docs/trace-format.md) and indexing it once for drawing.
// The text is read as it comes (a stream for ?trace=URL, one string for a file or the embedded
// report), one event line at a time, in slices that yield to the browser, so a 1,000,000-event
// trace never freezes the tab and a bad line is reported by its number. Event lines are not
// turned into objects: a scanner checks each line is valid JSON and takes the few fields the
// index needs (t, k, a, to, from, msg, op, copy, type) straight into typed arrays; an event's
// full JSON is parsed only when it is shown. Rare kinds (annotations, faults, operations) and
// anything unusual go through JSON.parse, and an invalid line gets JSON.parse's own message.
// Nothing read from a trace is ever interpreted as HTML: the UI only uses textContent.
'use strict';

var DSIM = window.DSIM || (window.DSIM = {});

DSIM.KINDS = ['start', 'send', 'deliver', 'drop', 'duplicate', 'hold', 'timer', 'crash', 'restart', 'wipe',
  'pause', 'resume', 'partition', 'heal', 'clog', 'unclog', 'network', 'clock', 'annotate', 'invoke',
  'complete', 'violation', 'stop', 'slow', 'unslow'];
DSIM.KIND = {};
DSIM.KINDS.forEach(function (k, i) { DSIM.KIND[k] = i; });
DSIM.KIND_UNKNOWN = 255;

// A clear, user-facing error: `message` is shown in the page as plain text.
DSIM.TraceError = function (message) { this.message = message; this.name = 'TraceError'; };
DSIM.TraceError.prototype = Object.create(Error.prototype);

(function () {
function lineOfOffset(text, offset) {
  var line = 1;
  for (var p = text.indexOf('\n'); p !== -1 && p < offset; p = text.indexOf('\n', p + 1)) line++;
  return line;
}

function describeJsonError(e, text, baseLine) {
  var msg = String(e && e.message || e);
  var m = /position (\d+)/.exec(msg);
  if (m) return 'line ' + (baseLine + lineOfOffset(text, +m[1]) - 1) + ': ' + msg;
  return msg;
}

// Yields to the browser (input, painting) without setTimeout's 4 ms clamp on nested timers.
var yieldChannel = null, yieldQueue = [];
function yieldToBrowser() {
  if (typeof MessageChannel === 'undefined') return new Promise(function (r) { setTimeout(r, 0); });
  if (!yieldChannel) {
    yieldChannel = new MessageChannel();
    yieldChannel.port1.onmessage = function () { var r = yieldQueue.shift(); if (r) r(); };
  }
  return new Promise(function (r) { yieldQueue.push(r); yieldChannel.port2.postMessage(0); });
}
DSIM.yieldToBrowser = yieldToBrowser;

function validateHeader(doc) {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new DSIM.TraceError('This is not a dsim trace: the document is not a JSON object.');
  }
  if (doc.format !== 'dsim-trace') {
    throw new DSIM.TraceError('This is not a dsim trace: "format" is ' + JSON.stringify(doc.format === undefined ? null : doc.format) +
      ', expected "dsim-trace". (Traces come from `dsim run FILE --trace OUT.json`.)');
  }
  if (doc.version !== 1) {
    throw new DSIM.TraceError('Unsupported trace version ' + JSON.stringify(doc.version) + ' (this viewer reads version 1).');
  }
  if (!Array.isArray(doc.actors)) throw new DSIM.TraceError('The trace has no "actors" list.');
  doc.actors.forEach(function (a, i) {
    if (!a || typeof a !== 'object') throw new DSIM.TraceError('actors[' + i + '] is not an object.');
  });
}

// ---- The event-line scanner ----
// scanLine(s, p, q, rec) looks at s[p, q) (one event line, without its trailing comma). Returns
// 1 when it is valid JSON whose fields are in `rec` (kinds the index reads in full are 2:
// parse the line), 2 when it is valid but needs JSON.parse (an unusual value), 0 when it is not
// valid JSON (JSON.parse then gives the message).
var FAST_KINDS = {};
['start', 'send', 'deliver', 'drop', 'duplicate', 'hold', 'timer', 'stop'].forEach(function (k) { FAST_KINDS[k] = DSIM.KIND[k]; });
var WS = new Uint8Array(128); WS[32] = WS[9] = WS[10] = WS[13] = 1;
var sPos = 0, sStr = '';  // scanner state: the position after the last token, the string read
function skipWs(s, p, q) { while (p < q) { var c = s.charCodeAt(p); if (c < 128 && WS[c]) p++; else break; } return p; }
// A string at p (s[p] is '"'): sets sPos past it; returns 1 (no escapes), 2 (escapes), 0 (invalid).
function scanString(s, p, q) {
  var esc = 1;
  for (p++; p < q; p++) {
    var c = s.charCodeAt(p);
    if (c === 34) { sPos = p + 1; return esc; }
    if (c < 32) return 0;
    if (c === 92) {
      esc = 2; p++;
      c = s.charCodeAt(p);
      if (c === 117) {
        for (var j = 1; j <= 4; j++) {
          var h = s.charCodeAt(p + j);
          if (!((h >= 48 && h <= 57) || (h >= 65 && h <= 70) || (h >= 97 && h <= 102))) return 0;
        }
        p += 4;
      } else if (!(c === 34 || c === 92 || c === 47 || c === 98 || c === 102 || c === 110 || c === 114 || c === 116)) return 0;
    }
  }
  return 0;
}
// A number at p: sets sPos past it; returns its value, or NaN when it is not a JSON number.
function scanNumber(s, p, q) {
  var a = p, c = s.charCodeAt(p), v = 0, simple = true, neg = false;
  if (c === 45) { neg = true; p++; c = s.charCodeAt(p); }
  if (c === 48) { p++; c = s.charCodeAt(p); }
  else if (c >= 49 && c <= 57) { while (c >= 48 && c <= 57 && p < q) { v = v * 10 + (c - 48); p++; c = s.charCodeAt(p); } }
  else return NaN;
  if (p - a > 15) simple = false;
  if (c === 46) {
    simple = false; p++; c = s.charCodeAt(p);
    if (!(c >= 48 && c <= 57)) return NaN;
    while (c >= 48 && c <= 57 && p < q) { p++; c = s.charCodeAt(p); }
  }
  if (c === 101 || c === 69) {
    simple = false; p++; c = s.charCodeAt(p);
    if (c === 43 || c === 45) { p++; c = s.charCodeAt(p); }
    if (!(c >= 48 && c <= 57)) return NaN;
    while (c >= 48 && c <= 57 && p < q) { p++; c = s.charCodeAt(p); }
  }
  if (p > q) return NaN;
  sPos = p;
  return simple ? (neg ? -v : v) : +s.slice(a, p);
}
// Any JSON value at p: sets sPos past it; returns false when it is not valid.
function skipValue(s, p, q, depth) {
  var c = s.charCodeAt(p);
  if (c === 34) return scanString(s, p, q) !== 0;
  if (c === 123 || c === 91) {
    if (depth > 200) return false;
    var close = c === 123 ? 125 : 93;
    p = skipWs(s, p + 1, q);
    if (s.charCodeAt(p) === close) { sPos = p + 1; return true; }
    for (;;) {
      if (close === 125) {
        if (s.charCodeAt(p) !== 34 || !scanString(s, p, q)) return false;
        p = skipWs(s, sPos, q);
        if (s.charCodeAt(p) !== 58) return false;
        p = skipWs(s, p + 1, q);
      }
      if (p >= q || !skipValue(s, p, q, depth + 1)) return false;
      p = skipWs(s, sPos, q);
      c = s.charCodeAt(p);
      if (c === close) { sPos = p + 1; return true; }
      if (c !== 44) return false;
      p = skipWs(s, p + 1, q);
    }
  }
  if (c === 116) { if (s.startsWith('true', p)) { sPos = p + 4; return true; } return false; }
  if (c === 102) { if (s.startsWith('false', p)) { sPos = p + 5; return true; } return false; }
  if (c === 110) { if (s.startsWith('null', p)) { sPos = p + 4; return true; } return false; }
  return !isNaN(scanNumber(s, p, q));
}
function Rec() { this.t = undefined; this.k = undefined; this.a = undefined; this.to = undefined; this.from = undefined; this.msg = undefined; this.op = undefined; this.copy = undefined; this.type = undefined; }
// Which field a key names: 1 t, 2 k, 3 a, 4 to, 5 from, 6 msg, 7 op, 8 copy, 9 type, 0 another.
function keyId(s, a, n) {
  var c = s.charCodeAt(a);
  if (n === 1) return c === 116 ? 1 : c === 107 ? 2 : c === 97 ? 3 : 0;
  if (n === 2) return c === 116 && s.charCodeAt(a + 1) === 111 ? 4 : c === 111 && s.charCodeAt(a + 1) === 112 ? 7 : 0;
  if (n === 3) return s.startsWith('msg', a) ? 6 : 0;
  if (n === 4) return s.startsWith('from', a) ? 5 : s.startsWith('copy', a) ? 8 : s.startsWith('type', a) ? 9 : 0;
  return 0;
}
function scanLine(s, p, q, r) {
  r.t = r.k = r.a = r.to = r.from = r.msg = r.op = r.copy = r.type = undefined;
  var full = false;
  p = skipWs(s, p, q);
  if (s.charCodeAt(p) !== 123) return 0;
  p = skipWs(s, p + 1, q);
  if (s.charCodeAt(p) === 125) return skipWs(s, p + 1, q) === q ? 2 : 0;
  for (;;) {
    if (s.charCodeAt(p) !== 34) return 0;
    var e = scanString(s, p, q);
    if (!e) return 0;
    var id = e === 1 ? keyId(s, p + 1, sPos - p - 2) : 0;
    if (e === 2) full = true;  // an escaped key: JSON.parse decides what it names
    p = skipWs(s, sPos, q);
    if (s.charCodeAt(p) !== 58) return 0;
    p = skipWs(s, p + 1, q);
    if (p >= q) return 0;
    var c = s.charCodeAt(p);
    if (id === 2 || id === 9) {
      if (c !== 34) { if (!skipValue(s, p, q, 0)) return 0; full = true; }
      else {
        var se = scanString(s, p, q);
        if (!se) return 0;
        var str = se === 1 ? s.slice(p + 1, sPos - 1) : JSON.parse(s.slice(p, sPos));
        if (id === 2) r.k = str; else r.type = str;
      }
    } else if (id !== 0) {
      if (c === 45 || (c >= 48 && c <= 57)) {
        var v = scanNumber(s, p, q);
        if (isNaN(v)) return 0;
        switch (id) {
          case 1: r.t = v; break; case 3: r.a = v; break; case 4: r.to = v; break; case 5: r.from = v; break;
          case 6: r.msg = v; break; case 7: r.op = v; break; case 8: r.copy = v; break;
        }
      } else { if (!skipValue(s, p, q, 0)) return 0; full = true; }
    } else if (!skipValue(s, p, q, 0)) return 0;
    p = skipWs(s, sPos, q);
    c = s.charCodeAt(p);
    if (c === 44) { p = skipWs(s, p + 1, q); continue; }
    if (c !== 125) return 0;
    if (skipWs(s, p + 1, q) !== q) return 0;
    break;
  }
  if (full || typeof r.k !== 'string' || FAST_KINDS[r.k] === undefined) return 2;
  return 1;
}
DSIM.scanLine = scanLine;  // for tests

// ---- Reading ----
// A reader takes the text in pieces (push), and knows the layout dsim writes: the header, then
// "events": [ with one event per line, then "\n]" and the footer.
function Reader(progress, total) {
  this.progress = progress || function () {};
  this.total = total || 0;     // expected characters (bytes for a stream), or 0 when unknown
  this.seen = 0;               // characters pushed so far
  this.state = 'header';       // header | events | footer
  this.head = '';              // text before the events (and the footer, after them)
  this.foot = '';
  this.carry = '';             // an incomplete event line
  this.lineNo = 0;             // lines before the current piece
  this.trace = null;
  this.rec = new Rec();
  this.sliceStart = 0;
  this.timings = { start: performance.now() };
}

var MARK = '\n"events": [';
Reader.prototype.push = async function (text) {
  if (this.state === 'header') {
    this.head = this.head ? this.head + text : text;
    var m = this.head.indexOf(MARK);
    if (m < 0) { this.seen += text.length; this.report(); return; }
    var rest = this.head.slice(m + MARK.length);
    this.head = this.head.slice(0, m + 1);
    this.seen += text.length - rest.length;
    // The rest of the "events": [ line counts as that line; the first event is on the next.
    this.lineNo = lineOfOffset(this.head, this.head.length) - 1;
    this.startEvents();
    text = rest;
  }
  if (this.state === 'events') await this.events(text);
  else if (this.state === 'footer') { this.foot += text; this.seen += text.length; }
};

Reader.prototype.startEvents = function () {
  var doc;
  // The header alone (actors, scenario) is enough to index the events; the footer comes later.
  try { doc = JSON.parse(this.head + '"events": []}'); } catch (e) {
    throw new DSIM.TraceError('The trace header is not valid JSON (' + describeJsonError(e, this.head, 1) +
      '). The file may be truncated or edited.');
  }
  validateHeader(doc);
  this.timings.header = performance.now();
  this.trace = new DSIM.Index(doc);
  this.trace.allocate(this.total ? Math.max(1024, Math.ceil(this.total / 90)) : 65536);
  this.state = 'events';
  this.eventsLine = this.lineNo;  // the line of "events": [
  this.sliceStart = performance.now();
};

// 1234567 -> "1,234,567" (toLocaleString costs tens of milliseconds the first time).
function fmtInt(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ','); }
DSIM.fmtInt = fmtInt;

Reader.prototype.report = function () {
  var f = this.total ? Math.min(1, this.seen / this.total) : NaN;
  var n = this.trace ? this.trace.n : 0;
  this.progress(f, (this.trace ? 'Reading events: ' + fmtInt(n) : 'Reading the trace') +
    (this.total ? ' (' + Math.round(100 * f) + ' %)' : ' (' + (this.seen / 1e6).toFixed(1) + ' MB)'), n);
};

// Event lines of `text` (which continues the previous piece); yields every ~40 ms.
Reader.prototype.events = async function (text) {
  var s = this.carry ? this.carry + text : text, tr = this.trace, rec = this.rec;
  var base = this.seen - this.carry.length;
  this.carry = '';
  var block = tr.addBlock(s), p = 0, n = s.length, count = 0;
  // s[p] starts a line (the text after a newline).
  while (p < n) {
    var nl = s.indexOf('\n', p);
    if (nl < 0) { this.carry = s.slice(p); break; }
    this.lineNo++;
    var q = nl;
    if (q > p && s.charCodeAt(q - 1) === 13) q--;
    if (q > p && s.charCodeAt(q - 1) === 44) q--;  // the trailing comma
    if (q > p && s.charCodeAt(p) === 93) {
      // "]" (no event line starts so): the end of the events; the footer follows.
      this.state = 'footer';
      this.foot = s.slice(p + 1);  // what follows "]": ",\n" and the footer fields, or "\n}"
      this.seen = base + n;
      this.carry = '';
      return;
    }
    if (q > p) {
      var kind = scanLine(s, p, q, rec);
      if (kind === 1) tr.addFast(rec, FAST_KINDS[rec.k], this.lineNo, block, p, q);
      else {
        var raw = s.slice(p, q), ev;
        try { ev = JSON.parse(raw); } catch (e) {
          throw new DSIM.TraceError('Event on line ' + this.lineNo + ' is not valid JSON: ' + e.message);
        }
        tr.add(ev, this.lineNo, block, p, q);
      }
    }
    p = nl + 1;
    if ((++count & 4095) === 0 && performance.now() - this.sliceStart > 40) {
      this.seen = base + p; this.report();
      await yieldToBrowser();
      this.sliceStart = performance.now();
    }
  }
  this.seen = base + n;
};

// The whole text has been pushed: the footer, the index. Returns the trace.
Reader.prototype.end = async function () {
  if (this.state === 'header') return this.whole(this.head);
  if (this.state === 'events') {
    var last = this.carry.replace(/^\s+/, '');
    if (last.charCodeAt(0) === 93) { this.state = 'footer'; this.foot = last.slice(1); }
    else {
      throw new DSIM.TraceError('The trace is truncated: the "events" list starting at line ' + (this.eventsLine + 1) +
        ' never ends (the file stops at line ' + (this.lineNo + 1) + '). Was it copied while still being written?');
    }
  }
  var doc;
  // The footer: what follows "]" (",\n\"history\": ...\n}" or "\n}").
  var text = this.head + '"events": []' + this.foot;
  try { doc = JSON.parse(text); } catch (e) {
    throw new DSIM.TraceError('The trace header or footer is not valid JSON (' + describeJsonError(e, text, 1) +
      '). The file may be truncated or edited.');
  }
  validateHeader(doc);
  var tr = this.trace;
  tr.doc = doc;
  this.timings.events = performance.now();
  this.progress(1, 'Indexing ' + fmtInt(tr.n) + ' events', tr.n);
  await yieldToBrowser();
  tr.finish();
  this.timings.indexed = performance.now();
  tr.timings = this.timings;
  return tr;
};

// Not the one-event-per-line layout: the whole document at once.
Reader.prototype.whole = async function (text) {
  if (typeof text !== 'string' || text.trim() === '') throw new DSIM.TraceError('The file is empty.');
  var doc;
  try { doc = JSON.parse(text); } catch (e) {
    var m = /position (\d+)/.exec(String(e.message));
    var truncated = /end of (JSON )?input|Unterminated|Unexpected end/i.test(String(e.message));
    throw new DSIM.TraceError((truncated ? 'The trace is truncated or not JSON' : 'The trace is not valid JSON') + ': ' +
      (m ? 'line ' + lineOfOffset(text, +m[1]) + ': ' : '') + e.message);
  }
  validateHeader(doc);
  if (!Array.isArray(doc.events)) throw new DSIM.TraceError('The trace has no "events" list.');
  this.timings.header = performance.now();
  var evs = doc.events, trace = new DSIM.Index(doc);
  trace.allocate(evs.length);
  for (var i = 0; i < evs.length; i++) {
    trace.add(evs[i], 0, -1, 0, 0);
    if ((i & 65535) === 65535) { this.progress(i / evs.length, 'Reading events', i); await yieldToBrowser(); }
  }
  this.timings.events = performance.now();
  this.progress(1, 'Indexing', trace.n);
  await yieldToBrowser();
  trace.finish();
  this.timings.indexed = performance.now();
  trace.timings = this.timings;
  return trace;
};

// Parses and indexes a trace given as one string. `progress(fraction, label, events)` is
// called between slices.
DSIM.loadTrace = async function (text, progress) {
  if (typeof text !== 'string' || text.trim() === '') throw new DSIM.TraceError('The file is empty.');
  var r = new Reader(progress, text.length);
  await r.push(text);
  return r.end();
};

// Reads a trace from a ReadableStream of bytes (a fetch() body, a File's stream()) as it
// arrives, never as one huge string; `total` is its size in bytes, or 0 when unknown.
DSIM.loadTraceStream = async function (stream, total, progress) {
  var r = new Reader(progress, total), any = false;
  var reader = stream.getReader(), dec = new TextDecoder('utf-8');
  r.report();
  // Characters are counted against bytes: close enough for mostly-ASCII traces.
  for (;;) {
    var x = await reader.read();
    if (x.done) break;
    var s = dec.decode(x.value, { stream: true });
    if (s) { any = any || /\S/.test(s); await r.push(s); }
    r.report();
  }
  var tail = dec.decode();
  if (tail) await r.push(tail);
  if (!any) throw new DSIM.TraceError('The file is empty.');
  return r.end();
};
DSIM.Reader = Reader;
})();
