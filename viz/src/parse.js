// Reading dsim's native trace (docs/trace-format.md) and indexing it once for drawing.
// Events are parsed one line at a time, in chunks that yield to the browser, so a
// 1,000,000-event trace never freezes the tab and a bad line is reported by its number.
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

function yieldToBrowser() { return new Promise(function (r) { setTimeout(r, 0); }); }

// Splits the document into header+footer (parsed whole) and event lines (parsed one by one).
// Returns null when the layout is not the one-event-per-line one dsim writes.
function splitLayout(text) {
  var marker = '\n"events": [';
  var start = text.indexOf(marker);
  if (start < 0) return null;
  var bodyStart = start + marker.length;
  var end = text.indexOf('\n]', bodyStart);
  // The events section ends with "\n]" followed by "," (footer) or "\n}" (no footer).
  while (end >= 0) {
    var after = text.charAt(end + 2);
    if (after === ',' || after === '\n' || after === '' || after === '}') break;
    end = text.indexOf('\n]', end + 2);
  }
  if (end < 0) {
    throw new DSIM.TraceError('The trace is truncated: the "events" list starting at line ' +
      lineOfOffset(text, start + 1) + ' never ends (the file stops at line ' + lineOfOffset(text, text.length) +
      '). Was it copied while still being written?');
  }
  var headerText = text.slice(0, start + 1) + '"events": []' + text.slice(end + 2);
  return { headerText: headerText, bodyStart: bodyStart, bodyEnd: end, firstLine: lineOfOffset(text, bodyStart) };
}

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

// Parses and indexes a trace. `progress(fraction, label)` is called between chunks.
DSIM.loadTrace = async function (text, progress) {
  progress = progress || function () {};
  var timings = { start: performance.now() };
  if (typeof text !== 'string' || text.trim() === '') throw new DSIM.TraceError('The file is empty.');
  var layout = splitLayout(text);
  var doc, lines = null, lineNo0 = 0, eventObjs = null;
  if (layout) {
    try { doc = JSON.parse(layout.headerText); } catch (e) {
      throw new DSIM.TraceError('The trace header or footer is not valid JSON (' + describeJsonError(e, layout.headerText, 1) +
        '). The file may be truncated or edited.');
    }
    validateHeader(doc);
    lines = { text: text, start: layout.bodyStart, end: layout.bodyEnd };
    lineNo0 = layout.firstLine;
  } else {
    try { doc = JSON.parse(text); } catch (e) {
      var m = /position (\d+)/.exec(String(e.message));
      var truncated = /end of (JSON )?input|Unterminated|Unexpected end/i.test(String(e.message));
      throw new DSIM.TraceError((truncated ? 'The trace is truncated or not JSON' : 'The trace is not valid JSON') + ': ' +
        (m ? 'line ' + lineOfOffset(text, +m[1]) + ': ' : '') + e.message);
    }
    validateHeader(doc);
    if (!Array.isArray(doc.events)) throw new DSIM.TraceError('The trace has no "events" list.');
    eventObjs = doc.events;
  }
  timings.header = performance.now();
  var trace = new DSIM.Index(doc);
  if (lines) {
    // Count lines first, to size the typed arrays.
    var count = 0, s = lines.text, p = lines.start;
    while (p < lines.end) { var q = s.indexOf('\n', p + 1); if (q < 0 || q > lines.end) q = lines.end; if (q - p > 1) count++; p = q; }
    trace.allocate(count);
    p = lines.start;
    var lineNo = lineNo0, n = 0, chunkStart = performance.now();
    while (p < lines.end) {
      var nl = s.indexOf('\n', p + 1);
      if (nl < 0 || nl > lines.end) nl = lines.end;
      var raw = s.slice(p + 1, nl);
      lineNo++;
      p = nl;
      if (raw.length === 0) continue;
      if (raw.charCodeAt(raw.length - 1) === 44) raw = raw.slice(0, -1);  // trailing comma
      var ev;
      try { ev = JSON.parse(raw); } catch (e) {
        throw new DSIM.TraceError('Event on line ' + lineNo + ' is not valid JSON: ' + e.message +
          (nl >= lines.end ? ' (the file may be truncated)' : ''));
      }
      trace.add(ev, raw, lineNo);
      n++;
      if ((n & 16383) === 0 && performance.now() - chunkStart > 40) {
        progress(n / count, 'Reading events: ' + n.toLocaleString() + ' / ' + count.toLocaleString());
        await yieldToBrowser();
        chunkStart = performance.now();
      }
    }
  } else {
    trace.allocate(eventObjs.length);
    for (var i = 0; i < eventObjs.length; i++) {
      trace.add(eventObjs[i], null, 0);
      if ((i & 65535) === 65535) { progress(i / eventObjs.length, 'Reading events'); await yieldToBrowser(); }
    }
  }
  timings.events = performance.now();
  progress(1, 'Indexing');
  await yieldToBrowser();
  trace.finish();
  timings.indexed = performance.now();
  trace.timings = timings;
  return trace;
};
