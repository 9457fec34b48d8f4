// End-to-end tests of the visualizer in headless Chromium, on traces of real scenarios.
//   node viz/test/e2e.mjs DSIM_BINARY OUT_DIR
// Screenshots of each view go to OUT_DIR (keep it out of the repository). Prints one line per
// test and closes with "N passed, M failed"; exits non-zero on any failure.
import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import { dsim, traceOf, reportOf, launch, settled, fileUrl, vizDir, repoDir, harness } from './common.mjs';
import { synthTrace } from './synth.mjs';

const [binary, outArg] = process.argv.slice(2);
if (!binary) { console.error('usage: node viz/test/e2e.mjs DSIM_BINARY OUT_DIR'); process.exit(2); }
const outDir = path.resolve(outArg || fs.mkdtempSync('/tmp/dsim-viz-e2e-'));
fs.mkdirSync(outDir, { recursive: true });

const { test, expect, outcome } = harness();

const scen = (p) => path.join(repoDir, 'scenarios', p);

// Traces of real scenarios. Each failing one is a different kind of finding: a protocol
// invariant (primary-backup), Raft's leader completeness (figure 8 with the bug), and an illegal
// client history (Raft leases under clock skew).
const traces = {};
traces.demo = traceOf(binary, scen('demo.json'), outDir, 'demo');
traces.partitions = traceOf(binary, scen('primary-backup/partitions.json'), outDir, 'partitions');
traces.raft = traceOf(binary, scen('raft/leader-crash.json'), outDir, 'raft');
const failing = [
  { key: 'bug', file: 'primary-backup/bug-skip-sync.json', violation: 'invariant:replica-agreement' },
  { key: 'figure8', file: 'raft/figure-8-bug.json', violation: 'invariant:leader-completeness' },
  { key: 'lease', file: 'raft/lease-clock-skew.json', violation: 'linearizability', illegal: true },
];
for (const f of failing) traces[f.key] = traceOf(binary, scen(f.file), outDir, f.key);
const reports = {};
for (const [k, t] of Object.entries(traces)) reports[k] = reportOf(binary, t);

const browser = await launch();
const page = await browser.context.newPage();
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(String(e)));
const shot = (name) => page.screenshot({ path: path.join(outDir, name + '.png') });
const status = () => page.evaluate(() => window.dsimViz.status());

async function open(url) {
  await page.goto(url);
  const st = await settled(page);
  if (st !== 'ready') throw new Error('page state ' + st + ': ' + await page.locator('#message').innerText());
}

await test('report: lanes and message arrows are drawn', async () => {
  await open(fileUrl(reports.demo));
  const s = await status();
  const trace = JSON.parse(fs.readFileSync(traces.demo, 'utf8'));
  expect(s.lanes === trace.actors.length, `${trace.actors.length} lanes, got ${s.lanes}`);
  expect(s.arrows > 0 && s.drawnArrows > 0, `arrows drawn (${s.drawnArrows} of ${s.arrows})`);
  expect(s.events === trace.events.length, 'every event indexed');
  await shot('demo-overview');
});

await test('clicking an arrow shows its payload', async () => {
  await open(fileUrl(reports.demo));
  // Zoom in until arrows are long enough to aim at.
  let idx = -1;
  for (let i = 0; i < 12 && idx < 0; i++) {
    idx = await page.evaluate(() => window.dsimViz.findArrow(40));
    if (idx < 0) { await page.keyboard.press('+'); await page.waitForTimeout(30); }
  }
  expect(idx >= 0, 'a visible arrow');
  await page.waitForTimeout(50);
  const pt = await page.evaluate((i) => window.dsimViz.arrowPoint(i), idx);
  await page.mouse.click(pt.x, pt.y);
  const s = await status();
  expect(s.selection && s.selection.kind === 'arrow', 'an arrow selected, got ' + JSON.stringify(s.selection));
  const details = await page.locator('#details').innerText();
  expect(/Message /.test(details), 'message details: ' + details.slice(0, 200));
  expect(await page.locator('#payload').count() === 1, 'a payload block');
  await shot('demo-arrow-selected');
});

await test('stepping moves the cursor forward and back', async () => {
  await open(fileUrl(reports.demo));
  await page.locator('#canvas').focus();
  await page.keyboard.press('Home');
  const a = (await status()).cursor;
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  const b = (await status()).cursor;
  expect(b > a, `cursor advanced (${a} -> ${b})`);
  await page.keyboard.press('ArrowLeft');
  const c = (await status()).cursor;
  expect(c < b && c >= a, `cursor went back (${b} -> ${c})`);
  await page.click('#next');
  expect((await status()).cursor > c, 'the next button steps');
  const info = await page.locator('#cursorinfo').innerText();
  expect(/event \d+/.test(info), 'cursor info: ' + info);
  await shot('demo-stepping');
});

await test('playback advances the cursor', async () => {
  await open(fileUrl(reports.demo));
  await page.locator('#canvas').focus();
  await page.keyboard.press('Home');
  const a = (await status()).cursor;
  await page.selectOption('#speed', '250');
  await page.locator('#canvas').focus();
  await page.keyboard.press(' ');
  await page.waitForTimeout(400);
  await page.keyboard.press(' ');
  expect((await status()).cursor > a + 5, 'played several events');
});

for (const f of failing) {
  await test(`${f.file} shows its violation (${f.violation}) and jumps to it`, async () => {
    await open(fileUrl(reports[f.key]));
    const trace = JSON.parse(fs.readFileSync(traces[f.key], 'utf8'));
    const first = trace.events.find((e) => e.k === 'violation');
    expect(first && first.id === f.violation, `the trace's first violation is ${f.violation}`);
    // One verdict, one wording: the claim (a violation of this kind) held; no "Expectation held"
    // beside a red "violation" badge.
    expect(trace.expectation.held === true, 'the scenario\'s claim held in the run');
    expect(await page.locator('#verdict').innerText() === 'Claim held', 'the bar says Claim held: ' + await page.locator('#verdict').innerText());
    expect(await page.locator('#claim-verdict').innerText() === 'Claim held', 'the claim strip says Claim held');
    expect(await page.locator('#verdict').evaluate((e) => e.classList.contains('ok')), 'the verdict is green');
    expect((await page.locator('#claim-expected').innerText()).includes(f.violation), 'the strip names the expected violation');
    expect((await page.locator('#claim-observed').innerText()).includes(first.id), 'the strip names the observed violation');
    const body = await page.locator('body').innerText();
    expect(!/Expectation (NOT )?held/.test(body) && !/^violation$/m.test(body), 'no old wording left');
    const summary = await page.locator('#summary').innerText();
    expect(summary.includes(first.id), 'the violation is listed: ' + first.id);
    expect(summary.startsWith('Claim held'), 'the side panel uses the same verdict: ' + summary.slice(0, 80));
    if (f.illegal) {
      expect(trace.linearizability.verdict === 'illegal', 'the trace carries an illegal history');
      expect(/Linearizability: illegal/.test(summary), 'linearizability verdict shown');
      const ex = await page.locator('#explain').innerText();
      expect(/Cannot be placed/.test(ex) && /Partial linearization: \d+ steps/.test(ex), 'counterexample shown');
    }
    await page.locator('#canvas').focus();
    await page.keyboard.press('v');
    const s = await status();
    if (f.illegal) {
      // The operation that cannot be placed, not the checker's event at the end of the run.
      const blocked = trace.linearizability.failures[0].blocked[0];
      const op = await page.evaluate(() => { const v = window.dsimViz; const s = v.view.selection; return s && s.kind === 'op' ? v.trace.ops[s.id].op : null; });
      expect(op === blocked, `jumped to the blocked operation #${blocked}, got ${JSON.stringify(s.selection)}`);
      expect((await page.locator('#details').innerText()).includes('CANNOT BE PLACED'), 'its details say so');
    } else {
      expect(s.selection && s.selection.kind === 'event' && s.selection.id === first.i, 'jumped to the first violation event');
      expect((await page.locator('#details').innerText()).includes('violation'), 'violation details');
    }
    await shot(f.key + '-violation');
  });
}

for (const key of ['partitions', 'raft']) {
  await test(`${key} scenario renders (state, faults)`, async () => {
    await open(fileUrl(reports[key]));
    const s = await status();
    expect(s.drawnArrows > 0 && s.drawnEvents > 0, 'arrows and events drawn');
    await shot(key + '-overview');
  });
}

await test('the static page opens a trace by file picker', async () => {
  await page.goto(fileUrl(path.join(vizDir, 'index.html')));
  await page.setInputFiles('#file', traces.demo);
  expect(await settled(page) === 'ready', 'ready');
  expect((await status()).drawnArrows > 0, 'arrows drawn');
});

await test('a truncated trace gets a clear message', async () => {
  await page.goto(fileUrl(path.join(vizDir, 'index.html')));
  const text = fs.readFileSync(traces.demo, 'utf8');
  await page.setInputFiles('#file', { name: 'cut.json', mimeType: 'application/json', buffer: Buffer.from(text.slice(0, Math.floor(text.length / 2))) });
  expect(await settled(page) === 'error', 'error state');
  const msg = await page.locator('#message').innerText();
  expect(/truncated|line \d+/.test(msg), 'message names the problem: ' + msg);
  await shot('error-truncated');
  await page.setInputFiles('#file', { name: 'other.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "something-else"}') });
  expect(await settled(page) === 'error', 'error state');
  expect(/not a dsim trace/.test(await page.locator('#message').innerText()), 'wrong format named');
});

await test('text from a trace is never interpreted as HTML', async () => {
  const trace = JSON.parse(fs.readFileSync(traces.demo, 'utf8'));
  const evil = '<img src=x onerror="window.__xss=1"></script><b>bold</b>';
  trace.actors[0].name = evil;
  trace.scenario.description = evil; trace.scenario.name = evil;
  const sendIdx = trace.events.findIndex((e) => e.k === 'send');
  trace.events[sendIdx].type = evil;
  const lines = ['{', '"format": "dsim-trace",', '"version": 1,'];
  for (const k of Object.keys(trace)) if (!['format', 'version', 'events'].includes(k)) lines.push(JSON.stringify(k) + ': ' + JSON.stringify(trace[k]) + ',');
  const doc = lines.join('\n') + '\n"events": [\n' + trace.events.map((e) => JSON.stringify(e)).join(',\n') + '\n]\n}\n';
  const evilTrace = path.join(outDir, 'evil.trace.json');
  fs.writeFileSync(evilTrace, doc);
  const evilReport = reportOf(binary, evilTrace);
  await open(fileUrl(evilReport));
  await page.waitForTimeout(200);
  expect(await page.evaluate(() => window.__xss === undefined), 'no script ran');
  expect(await page.locator('#title').innerText() === evil, 'the name is shown as text');
  expect((await page.locator('#claim-desc').innerText()).includes(evil), 'the description is shown as text in the claim strip');
  expect(await page.locator('#filters').innerText().then((t) => t.includes(evil)), 'the type is shown as text');
});

await test('the URL hash deep-links to a time and selection', async () => {
  await page.goto('about:blank');
  await page.goto(fileUrl(reports.demo) + '#t=0..50000000&e=7&sel=event:7');
  expect(await settled(page) === 'ready', 'ready');
  const s = await status();
  expect(s.cursor === 7 && s.selection && s.selection.kind === 'event' && s.selection.id === 7, 'cursor and selection from the hash: ' + JSON.stringify(s));
  await page.locator('#canvas').focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(300);
  const h = await page.evaluate(() => location.hash);
  expect(/e=\d+/.test(h) && /sel=event:\d+/.test(h), 'the hash follows: ' + h);
});

await test('filters and search', async () => {
  await open(fileUrl(reports.demo));
  const before = (await status()).lanes;
  await page.locator('#filters input[data-actor="0"]').uncheck();
  expect((await status()).lanes === before - 1, 'a lane hidden');
  await page.locator('#filters input[data-actor="0"]').check();
  await page.fill('#search', '"k":"deliver"');
  await page.press('#search', 'Enter');
  const info = await page.locator('#searchinfo').innerText();
  expect(/\d+ \/ \d+/.test(info), 'search position: ' + info);
  const s = await status();
  expect(s.selection && s.selection.kind === 'event', 'a match selected');
  await shot('demo-search');
});

// 1,024 nodes: the lanes do not fit the screen, so they scroll (scrollbar, keys, wheel over the
// lane names) and "all lanes" shrinks them to fit. The scenario is the shipped 64-node push
// broadcast with 1,024 nodes.
const bigScenario = path.join(outDir, 'push-fanout1-n1024.json');
{
  const s = JSON.parse(fs.readFileSync(scen('broadcast/push-fanout1-n64.json'), 'utf8'));
  s.name = 'push-fanout1-n1024'; s.cluster.nodes = 1024;
  fs.writeFileSync(bigScenario, JSON.stringify(s));
}
const bigReport = reportOf(binary, traceOf(binary, bigScenario, outDir, 'n1024'));

await test('1,024 lanes: scroll to the last lane, fit all lanes', async () => {
  await open(fileUrl(bigReport));
  const loadMs = +(await page.evaluate(() => document.body.dataset.loadMs));
  console.log(`         1,024-node trace: first draw ${loadMs} ms`);
  let s = await status();
  expect(s.lanes === 1025, '1,025 lanes, got ' + s.lanes);
  expect(s.scrollable && s.laneH >= 14 && s.lastRow < 100, `a scrollable band (laneH ${s.laneH}, rows ${s.firstRow}..${s.lastRow})`);
  const last = 1023;  // the last node's lane (the client's lane follows it)
  expect(!(await page.evaluate((a) => window.dsimViz.laneInfo(a), last)).onScreen, 'the last node off screen at first');
  // The wheel over the diagram still zooms time; over the lane names it scrolls lanes.
  const box = await page.locator('#canvas').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + 300);
  await page.mouse.wheel(0, 200); await page.waitForTimeout(50);
  expect((await status()).firstRow === 0, 'wheel over the diagram does not scroll lanes');
  await page.mouse.move(box.x + 40, box.y + 300);
  await page.mouse.wheel(0, 600); await page.waitForTimeout(50);
  expect((await status()).firstRow > 0, 'wheel over the lane names scrolls lanes');
  await page.keyboard.press('f');
  // Drag the scrollbar's thumb to the bottom.
  const sb = await page.evaluate(() => window.dsimViz.view.scrollbar());
  await page.mouse.move(box.x + sb[0] + 5, box.y + sb[3] + sb[4] / 2);
  await page.mouse.down(); await page.mouse.move(box.x + sb[0] + 5, box.y + box.height, { steps: 4 }); await page.mouse.up();
  await page.waitForTimeout(50);
  s = await status();
  expect(s.lastRow === s.lanes - 1, `scrollbar reaches the last lane (rows ${s.firstRow}..${s.lastRow})`);
  // Page keys: up a page and down again.
  await page.keyboard.press('PageUp'); await page.waitForTimeout(50);
  expect((await status()).lastRow < s.lanes - 1, 'PageUp scrolls up');
  for (let i = 0; i < 5 && (await status()).lastRow < s.lanes - 1; i++) { await page.keyboard.press('PageDown'); await page.waitForTimeout(30); }
  s = await status();
  const info = await page.evaluate((a) => window.dsimViz.laneInfo(a), last);
  expect(s.lastRow === s.lanes - 1 && info.onScreen && info.labeled && info.marks > 0,
    `the last node's lane shown with its label and events: ${JSON.stringify(info)}`);
  expect(s.drawnEvents > 0 && s.labeledLanes > 20 && s.labeledLanes < 100, `only the lanes in view labelled (${s.labeledLanes})`);
  console.log(`         scrolled frame: ${s.lastFrameMs.toFixed(1)} ms, ${s.drawnEvents} marks, ${s.drawnArrows} arrows`);
  await shot('n1024-last-lanes');
  await page.keyboard.press('a'); await page.waitForTimeout(50);
  s = await status();
  expect(s.firstRow === 0 && s.lastRow === s.lanes - 1 && !s.scrollable, `all lanes in view (rows ${s.firstRow}..${s.lastRow}, laneH ${s.laneH})`);
  expect(s.laneH < 1 && s.drawnEvents > 1000, `dense overview (laneH ${s.laneH}, ${s.drawnEvents} marks)`);
  console.log(`         overview frame: ${s.lastFrameMs.toFixed(1)} ms, ${s.drawnEvents} marks, ${s.drawnArrows} arrows`);
  await shot('n1024-all-lanes');
  await page.click('#lanetaller'); await page.click('#lanetaller');
  expect((await status()).laneH > s.laneH * 2, 'lanes + makes lanes taller');
});

await test('a small trace keeps its automatic lane height and does not scroll', async () => {
  await open(fileUrl(reports.demo));
  const s = await status();
  expect(!s.scrollable && s.firstRow === 0 && s.lastRow === s.lanes - 1 && s.laneH >= 14, JSON.stringify(s).slice(0, 300));
});

// ---- Explaining violations, readability ----
// Writes a trace (an object) in dsim's one-event-per-line layout and makes its report.
function rewrite(trace, name) {
  const lines = ['{', '"format": "dsim-trace",', '"version": 1,'];
  for (const k of Object.keys(trace)) if (!['format', 'version', 'events'].includes(k)) lines.push(JSON.stringify(k) + ': ' + JSON.stringify(trace[k]) + ',');
  const doc = lines.join('\n') + '\n"events": [\n' + trace.events.map((e) => JSON.stringify(e)).join(',\n') + '\n]\n}\n';
  const file = path.join(outDir, name + '.trace.json');
  fs.writeFileSync(file, doc);
  return reportOf(binary, file);
}

await test('claim strip: description, expected vs observed, one verdict (held and failed)', async () => {
  const trace = JSON.parse(fs.readFileSync(traces.demo, 'utf8'));
  await open(fileUrl(reports.demo));
  expect(await page.locator('#claim').isVisible(), 'the strip is shown');
  const desc = await page.locator('#claim-desc').innerText();
  expect(desc.includes(trace.scenario.description.slice(0, 40)), 'the description is on the page, not only a tooltip: ' + desc.slice(0, 80));
  expect(await page.locator('#claim-verdict').innerText() === 'Claim held', 'a passing scenario: Claim held');
  expect((await page.locator('#claim-expected').innerText()).includes('no safety violation'), 'expected: no safety violation');
  expect((await page.locator('#claim-observed').innerText()).includes('no violation'), 'observed: no violation');
  // A claim that failed: the same strip, red, with the reason.
  trace.expectation = { held: false, detail: 'expected no safety violation, found invariant:made-up' };
  const failed = rewrite(trace, 'demo-failed-claim');
  await open(fileUrl(failed));
  expect(await page.locator('#verdict').innerText() === 'Claim failed', 'the bar says Claim failed');
  expect(await page.locator('#claim-verdict').evaluate((e) => e.classList.contains('bad')), 'in red');
  expect((await page.locator('#claim').innerText()).includes('found invariant:made-up'), 'with the reason');
  expect((await page.locator('#summary').innerText()).startsWith('Claim failed'), 'the side panel agrees');
  await shot('claim-failed');
});

await test('illegal history: the explanation per key, collapsed steps, one op numbering, served by', async () => {
  const trace = JSON.parse(fs.readFileSync(traces.lease, 'utf8'));
  const f = trace.linearizability.failures[0], blocked = f.blocked[0];
  await open(fileUrl(reports.lease));
  await page.locator('#canvas').focus();
  await page.keyboard.press('v');
  // The blocked operation, highlighted in the intervals and the list.
  const row = page.locator(`#explain .tl-row[data-op="${blocked}"]`);
  expect(await row.count() === 1, 'the blocked operation has an interval row');
  expect(await row.evaluate((e) => e.classList.contains('blocked') && e.classList.contains('sel')), 'highlighted as blocked and selected');
  expect(await page.locator('#explain .tl-row').count() > 1, 'with the operations around it');
  const ex = await page.locator('#explain').innerText();
  expect(ex.includes('state before') && ex.includes(JSON.stringify(f.state).replace(/^"|"$/g, '')), 'the state before: ' + f.state);
  const bh = trace.history.ops[blocked];
  const why = bh.f === 'read' ? `rejected: it reads ${JSON.stringify(bh.output)} but the register holds ${f.state}` : 'rejected:';
  expect(ex.includes(why), 'why it cannot be placed: ' + why);
  expect(ex.includes('state after'), 'the state after');
  // Collapsed: a few steps, and the whole list only on demand, in a scrolling box.
  expect(await page.locator('#steps-short li').count() <= 5, 'a short list of steps');
  expect(ex.includes(`step ${f.linearized.length}: #${f.linearized[f.linearized.length - 1]} `), 'the last step, as "step k: #N"');
  const panelH = await page.locator('#explainsec').evaluate((e) => e.offsetHeight);
  expect(panelH < 900, 'the panel stays short: ' + panelH + ' px');
  await page.locator('#explain .steps-toggle').first().click();
  const all = await page.locator('#explain .steps-all').first().evaluate((e) => ({ h: e.clientHeight, sh: e.scrollHeight, n: e.children.length }));
  expect(all.n === f.linearized.length && all.h < 400 && all.sh > all.h, 'every step, in a scrolling box: ' + JSON.stringify(all));
  expect((await page.locator('#explainsec').evaluate((e) => e.offsetHeight)) < panelH + 420, 'never a 3,000 px panel');
  // One numbering: the history index, on the canvas and in the panel.
  const label = await page.evaluate((i) => window.dsimViz.opLabel(i), blocked);
  expect(label.startsWith('#' + blocked + ' '), 'the canvas label is numbered #' + blocked + ': ' + label);
  const lastOp = f.linearized[f.linearized.length - 1];
  const lastLabel = await page.evaluate((i) => window.dsimViz.opLabel(i), lastOp);
  expect(lastLabel.startsWith('#' + lastOp + ' ') && lastLabel.includes('step ' + f.linearized.length), 'a placed op: #N and its step: ' + lastLabel);
  expect((await page.locator('#explain li.blocked').first().innerText()).startsWith('#' + blocked + ' '), 'the panel uses #N too');
  // The node that served it, and that node's state then.
  const det = await page.locator('#details').innerText();
  const reply = trace.events.find((e) => e.k === 'send' && e.op === blocked && e.type === 'Reply' && e.a < 5);
  const server = trace.actors[reply.a].name;
  expect((await page.locator('#servedby').innerText()).startsWith(server), 'served by ' + server + ': ' + det.slice(0, 300));
  expect((await page.locator('#serverstate').innerText()).includes(server) && /role\s+leader/.test(det) && /term\s+\d+/.test(det), 'its role and term then');
  // A step in the list selects its operation.
  await page.locator('#explain .steps-all li button').first().click();
  const sel = await page.evaluate(() => { const v = window.dsimViz; const s = v.view.selection; return s && s.kind === 'op' ? v.trace.ops[s.id].op : null; });
  expect(sel === f.linearized[0], 'a step selects its operation');
  await shot('lease-explanation');
});

await test('invariant violations link the data they name to matching events', async () => {
  const f8 = JSON.parse(fs.readFileSync(traces.figure8, 'utf8'));
  const v = f8.events.find((e) => e.k === 'violation');
  await open(fileUrl(reports.figure8));
  const inv = page.locator('#explain .explain-inv');
  expect(await inv.count() === 1, 'an explanation of the violation');
  // The term it names: the annotations where nodes reached it.
  const termLink = inv.locator('button.datum', { hasText: `n${v.data.node} term ${v.data.term}` });
  expect(await termLink.count() === 1, 'a link to n1 reaching term 11');
  await termLink.click();
  let s = await status();
  const ev = f8.events[s.selection.id];
  expect(s.selection.kind === 'event' && ev.k === 'annotate' && ev.key === 'term' && ev.value === v.data.term && ev.a === v.data.node, 'selects that annotation: ' + JSON.stringify(ev));
  // The index: where commit indices reached it.
  const idx = inv.locator('button.datum', { hasText: `commit reaches ${v.data.index}` });
  expect(await idx.count() > 0, 'commit reaching index 40');
  await idx.first().click();
  s = await status();
  const ev2 = f8.events[s.selection.id];
  expect(ev2.k === 'annotate' && ev2.key === 'commit' && ev2.value >= v.data.index, 'selects it: ' + JSON.stringify(ev2));
  // The node: its lane and state at the violation.
  await inv.locator(`button.datum[data-actor="${v.data.node}"]`).click();
  s = await status();
  expect(s.selection.kind === 'lane' && s.selection.id === v.data.node, 'selects node 1\'s lane');
  expect((await page.locator('#details').innerText()).includes('role'), 'with its state');
  await shot('figure8-explanation');
  // Primary-backup: the version both replicas hold, on each node.
  const pb = JSON.parse(fs.readFileSync(traces.bug, 'utf8'));
  const pv = pb.events.find((e) => e.k === 'violation');
  await open(fileUrl(reports.bug));
  await page.locator('#canvas').focus();
  await page.keyboard.press('v');
  const det = page.locator('#details .explain-inv');
  expect(await det.count() === 1, 'the violation\'s details carry the links too');
  for (const n of pv.data.nodes) expect(await det.locator(`button.datum[data-actor="${n}"]`).count() === 1, 'node ' + n + ' linked');
  const ver = det.locator('button.datum', { hasText: `version ${pv.data.version}` });
  expect(await ver.count() >= 2, 'version 5 on several nodes');
  await ver.last().click();
  const e3 = pb.events[(await status()).selection.id];
  expect(e3.k === 'annotate' && e3.key === 'version' && e3.value === pv.data.version, 'selects a version-5 annotation');
});

await test('zoom keeps the selection in place (keys, buttons, wheel)', async () => {
  await open(fileUrl(reports.lease));
  await page.locator('#canvas').focus();
  await page.keyboard.press('v');
  await page.waitForTimeout(50);
  const x0 = await page.evaluate(() => window.dsimViz.focusX());
  const box = await page.locator('#canvas').boundingBox();
  expect(Math.abs(x0 - (box.x + 120 + (box.width - 120) / 2)) > 50, 'the violation is away from the centre');
  const near = async (what) => { const x = await page.evaluate(() => window.dsimViz.focusX()); expect(Math.abs(x - x0) < 1.5, `${what}: still at ${x0.toFixed(1)}, now ${x.toFixed(1)}`); };
  await page.keyboard.press('+'); await page.keyboard.press('+'); await near('+ +');
  await page.click('#zoomin'); await near('the + button');
  await page.mouse.move(box.x + 200, box.y + 300); await page.mouse.wheel(0, -300); await page.waitForTimeout(50); await near('the wheel');
  await page.keyboard.press('-'); await page.click('#zoomout'); await near('- and the - button');
  const s = await status();
  expect(s.selection && s.selection.kind === 'op', 'still selected');
  await shot('lease-zoomed');
});

await test('zoomed out: a message-density view with counts on hover, arrows again when zoomed in', async () => {
  await open(fileUrl(reports.raft));
  let s = await status();
  expect(s.densityMode && s.densityCells > 0 && s.densityCells < s.arrows / 2, `density cells instead of ${s.arrows} arrows: ${s.densityCells}`);
  let pt = null;
  for (let i = 0; i < 400 && !pt; i += 7) pt = await page.evaluate((i) => window.dsimViz.densityPoint(i), i);
  expect(pt, 'a density cell on screen');
  await page.mouse.move(pt.x, pt.y);
  await page.waitForTimeout(50);
  expect(await page.locator('#tip').isVisible(), 'a tooltip on hover');
  const tip = await page.locator('#tip').innerText();
  expect(/^n\d+|^c\d+/.test(tip) && / → /.test(tip) && /\d+ messages?/.test(tip), 'the lane pair and count: ' + tip);
  await shot('raft-density');
  await page.mouse.move(10, 10);
  await page.locator('#canvas').focus();
  for (let i = 0; i < 14 && (await status()).densityMode; i++) await page.keyboard.press('+');
  s = await status();
  expect(!s.densityMode && s.drawnArrows > 0, 'single arrows when zoomed in');
});

await test('labels are elided with +N, never squeezed; lanes fill the height', async () => {
  await open(fileUrl(reports.raft));
  const r = await page.evaluate(() => {
    const proto = CanvasRenderingContext2D.prototype, orig = proto.fillText;
    let squeezed = 0, plus = 0;
    proto.fillText = function (t, x, y, m) { if (m !== undefined) squeezed++; if (/^\+\d+$/.test(String(t))) plus++; return orig.apply(this, arguments); };
    const v = window.dsimViz.view;
    v.draw();
    v.zoom(0.25); v.draw();
    proto.fillText = orig;
    return { squeezed, plus, labels: v.stats.labels, laneH: v.laneH, lanes: v.lanes.length, bandH: v.bandH };
  });
  expect(r.squeezed === 0, 'no fillText with a maxWidth: ' + r.squeezed);
  expect(r.labels.elided > 0 && r.plus > 0 && r.labels.drawn > 0, 'colliding labels elided with +N: ' + JSON.stringify(r));
  expect(r.lanes * r.laneH >= r.bandH - 1, `lanes fill the band (${r.lanes} × ${r.laneH.toFixed(1)} of ${r.bandH})`);
  await page.locator('#canvas').focus();
  await page.keyboard.press('f');
  await shot('raft-labels');
});

await test('hovering a +N lists the labels it hides, with their times', async () => {
  await open(fileUrl(reports.raft));
  await page.locator('#canvas').focus();
  for (let i = 0; i < 14 && (await status()).densityMode; i++) await page.keyboard.press('+');
  expect(!(await status()).densityMode, 'zoomed in past the density view');
  const spot = await page.evaluate(() => {
    const v = window.dsimViz.view;
    v.draw();
    const h = (v.labelHotspots || [])[0];
    if (!h) return null;
    const r = document.getElementById('canvas').getBoundingClientRect();
    return { x: r.left + (h.x0 + h.x1) / 2, y: r.top + (h.y0 + h.y1) / 2, hidden: (h.to - h.from) / 2 + 1 };
  });
  expect(spot, 'a +N on the first screen of the raft trace');
  await page.mouse.move(spot.x, spot.y);
  expect(await page.locator('#tip').isVisible(), 'a tooltip over the +N');
  const lines = (await page.locator('#tip').innerText()).split('\n');
  expect(/^n\d+: \d+ more labels$/.test(lines[0]), 'the lane and the count: ' + lines[0]);
  expect(lines.length - 1 === Math.min(spot.hidden, 21), `a line per hidden label (${spot.hidden}), at most 20 and a count: ` + lines.length);
  expect(/\d/.test(lines[1]) && /=|:|\w/.test(lines[1]), 'a time and a label: ' + lines[1]);
  await shot('raft-hidden-labels');
  await page.mouse.move(5, 5);
  expect(!(await page.locator('#tip').isVisible()), 'the tooltip goes when the pointer leaves the +N');
});

await test('drops at the sender on its own lane; network windows and clock steps on the fault row', async () => {
  await open(fileUrl(reports.figure8));
  const d = await page.evaluate(() => {
    const v = window.dsimViz, tr = v.trace, out = { sender: null, receiver: null };
    for (let i = 0; i < tr.nArrows; i++) {
      const f = tr.aFlags[i];
      if (!(f & 2)) continue;
      if ((f & 64) && !out.sender) out.sender = v.arrowInfo(i);
      if (!(f & 64) && !(f & 32) && !out.receiver) out.receiver = v.arrowInfo(i);
    }
    return out;
  });
  expect(d.sender && d.sender.geom[1] === d.sender.yFrom && d.sender.geom[3] === d.sender.yFrom, 'a drop blocked at send stays on the sender\'s lane: ' + JSON.stringify(d.sender));
  expect(d.receiver && d.receiver.geom[3] === d.receiver.yTo, 'a drop at the receiver reaches its lane: ' + JSON.stringify(d.receiver));
  // The demo's loss and duplication window.
  await open(fileUrl(reports.demo));
  const items = await page.evaluate(() => window.dsimViz.trace.partitions.map((p, i) => window.dsimViz.faultItem(i)));
  const net = items.findIndex((p) => p.kind === 'network');
  expect(net >= 0 && /loss 0\.2/.test(items[net].text) && /dup 0\.1/.test(items[net].text), 'a network window: ' + JSON.stringify(items));
  await page.mouse.click(items[net].x, items[net].y);
  let s = await status();
  expect(s.selection && s.selection.kind === 'partition' && s.selection.id === net, 'clicking it selects it');
  expect((await page.locator('#details').innerText()).includes('network'), 'with its event');
  await shot('demo-fault-row');
  // The lease scenario's clock step on n3.
  await open(fileUrl(reports.lease));
  const items2 = await page.evaluate(() => window.dsimViz.trace.partitions.map((p, i) => window.dsimViz.faultItem(i)));
  const ck = items2.findIndex((p) => p.kind === 'clock');
  expect(ck >= 0 && /n3 clock -1\.000 s/.test(items2[ck].text) && items2[ck].point, 'a clock step mark: ' + JSON.stringify(items2));
  await page.mouse.click(items2[ck].x, items2[ck].y);
  s = await status();
  expect(s.selection && s.selection.kind === 'partition' && s.selection.id === ck, 'clicking it selects it');
});

await test('causality: the selected event\'s past and future match vector clocks', async () => {
  const trace = JSON.parse(fs.readFileSync(traces.figure8, 'utf8'));
  const ev = trace.events, na = trace.actors.length;
  // Vector clocks, computed here from the trace: lane order plus send -> deliver.
  const lane = Array.from({ length: na }, () => new Array(na).fill(0)), vc = new Array(ev.length).fill(null);
  const sent = new Map();
  for (const e of ev) {
    if (typeof e.a !== 'number') continue;
    const v = lane[e.a].slice();
    if (e.k === 'deliver') {
      let key = null;
      if (e.msg !== undefined) key = 'm' + e.msg;
      else if (e.op !== undefined) key = 'o' + e.op + '|' + e.from + '|' + e.a;
      const q = key && sent.get(key);
      const sv = q && (e.msg !== undefined ? q[0] : q.shift());
      if (sv) for (let j = 0; j < na; j++) v[j] = Math.max(v[j], sv[j]);
    }
    v[e.a]++;
    vc[e.i] = v; lane[e.a] = v;
    const push = (key) => { if (!sent.has(key)) sent.set(key, []); sent.get(key).push(v); };
    if (e.k === 'send') push(e.msg !== undefined ? 'm' + e.msg : 'o' + e.op + '|' + e.a + '|' + e.to);
    if (e.k === 'duplicate') push('m' + e.copy);
  }
  const le = (x, y) => x.every((xi, j) => xi <= y[j]);
  // An event in the middle of the run: a delivery on n0.
  const pick = ev.find((e) => e.k === 'deliver' && e.a === 0 && e.i > ev.length / 2);
  await open(fileUrl(reports.figure8));
  await page.evaluate((i) => window.dsimViz.select({ kind: 'event', id: i }, true), pick.i);
  await page.locator('#canvas').focus();
  await page.keyboard.press('c');
  const s = await status();
  expect(s.causal && s.causal.e === pick.i && s.causal.past > 0 && s.causal.future > 0, 'past and future computed: ' + JSON.stringify(s.causal));
  const marks = await page.evaluate((n) => { const m = []; for (let i = 0; i < n; i++) m.push(window.dsimViz.causalMark(i)); return m; }, ev.length);
  let wrong = 0, unrelated = 0, first = null;
  for (const e of ev) {
    if (!vc[e.i]) continue;
    const want = e.i === pick.i ? 3 : le(vc[e.i], vc[pick.i]) ? 1 : le(vc[pick.i], vc[e.i]) ? 2 : 0;
    if (want === 0) unrelated++;
    if (marks[e.i] !== want) { wrong++; if (!first) first = { i: e.i, want, got: marks[e.i] }; }
  }
  expect(wrong === 0, `every event marked as the vector clocks say (${wrong} differ, first ${JSON.stringify(first)})`);
  expect(unrelated > 0, 'some events are concurrent with it');
  expect((await page.locator('#causalinfo').innerText()).includes('causal past'), 'the details say so');
  await shot('figure8-causal');
  await page.keyboard.press('c');
  expect((await status()).causal === null, 'c turns it off');
});


// ---- Loading big traces: progress from the first paint, ?trace= as a stream ----
// Records, at every animation frame from the first one, what the page shows: its state and the
// card over the diagram (the first frame is the first paint).
async function recordedPage() {
  const p = await browser.context.newPage();
  p.on('pageerror', (e) => pageErrors.push(String(e)));
  await p.addInitScript(() => {
    window.__frames = [];
    const tick = () => {
      const m = document.getElementById('message');
      if (m) window.__frames.push({ state: document.body.dataset.state, text: m.innerText, bar: !!m.querySelector('progress'), t: performance.now() });
      if (!document.body || document.body.dataset.state !== 'ready') requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  return p;
}
const bigSynth = path.join(outDir, 'synth-400k.trace.json');
fs.writeFileSync(bigSynth, synthTrace(400000));
const bigSynthReport = reportOf(binary, bigSynth);

await test('a big report shows its progress from the first paint, not the open-a-trace card', async () => {
  const p = await recordedPage();
  try {
    await p.goto(fileUrl(bigSynthReport), { waitUntil: 'commit' });
    expect(await settled(p, 120000) === 'ready', 'ready');
    const frames = await p.evaluate(() => window.__frames);
    const loading = frames.filter((f) => f.state !== 'ready');
    expect(loading.length > 0, 'frames painted while loading: ' + frames.length);
    expect(loading.every((f) => !/Open a trace written by/.test(f.text)), 'never the open-a-trace card: ' + JSON.stringify(loading.find((f) => /Open a trace/.test(f.text))));
    expect(/Loading trace/.test(loading[0].text) && loading[0].bar, 'the first paint shows the loading card: ' + JSON.stringify(loading[0]));
    expect(loading.some((f) => /Reading the page: [\d.]+ MB/.test(f.text)) || loading.some((f) => /Reading events: [\d,]+/.test(f.text)),
      'progress counted: ' + JSON.stringify(loading.map((f) => f.text.split('\n').pop())));
    const s = await p.evaluate(() => window.dsimViz.status());
    expect(s.events === 400000 + 1 || s.events > 400000, 'every event read: ' + s.events);
  } finally { await p.close(); }
});

await test('the file picker reads a big trace with a progress bar', async () => {
  const p = await recordedPage();
  try {
    await p.goto(fileUrl(path.join(vizDir, 'index.html')));
    await p.setInputFiles('#file', bigSynth);
    expect(await settled(p, 120000) === 'ready', 'ready');
    const frames = (await p.evaluate(() => window.__frames)).filter((f) => f.state === 'loading');
    expect(frames.some((f) => f.bar && /Reading events: [\d,]+ \(\d+ %\)/.test(f.text)), 'a progress bar with the events read: ' + JSON.stringify(frames.map((f) => f.text)));
  } finally { await p.close(); }
});

// A local HTTP server (127.0.0.1, a free port): the visualizer under /viz/, OUT_DIR under /out/.
const server = http.createServer((req, res) => {
  const u = new URL(req.url, 'http://x');
  const [root, rel] = u.pathname.startsWith('/viz/') ? [vizDir, u.pathname.slice(5)] : u.pathname.startsWith('/out/') ? [outDir, u.pathname.slice(5)] : [null, null];
  const file = root && path.join(root, path.normalize(decodeURIComponent(rel)));
  if (!file || !file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) { res.writeHead(404); res.end('not found'); return; }
  const type = file.endsWith('.html') ? 'text/html' : file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'application/json';
  res.writeHead(200, { 'content-type': type, 'content-length': fs.statSync(file).size });
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

await test('?trace=URL reads a trace served over HTTP as a stream, with progress', async () => {
  const p = await recordedPage();
  try {
    await p.goto(`${base}/viz/index.html?trace=/out/${path.basename(traces.raft)}`);
    expect(await settled(p) === 'ready', 'ready: ' + await p.locator('#message').innerText());
    const trace = JSON.parse(fs.readFileSync(traces.raft, 'utf8'));
    let s = await p.evaluate(() => window.dsimViz.status());
    expect(s.events === trace.events.length && s.arrows > 0 && s.drawnEvents > 0, 'every event read and drawn: ' + s.events);
    expect(await p.locator('#title').innerText() === trace.scenario.name, 'the scenario named');
    // A big one: the bar counts the events as the bytes arrive.
    await p.goto(`${base}/viz/index.html?trace=/out/${path.basename(bigSynth)}`);
    expect(await settled(p, 120000) === 'ready', 'the big trace ready');
    s = await p.evaluate(() => window.dsimViz.status());
    expect(s.events > 400000, 'every event of the big trace: ' + s.events);
    const frames = (await p.evaluate(() => window.__frames)).filter((f) => f.state === 'loading');
    expect(frames.some((f) => f.bar && /Reading events: [\d,]+ \(\d+ %\)/.test(f.text)), 'progress while it streams: ' + JSON.stringify(frames.map((f) => f.text)));
    await p.goto(`${base}/viz/index.html?trace=/out/no-such.json`);
    expect(await settled(p) === 'error', 'a missing trace is an error');
    expect(/HTTP 404/.test(await p.locator('#message').innerText()), 'that says so');
    // A truncated one, over HTTP too.
    const cut = path.join(outDir, 'cut.trace.json'), text = fs.readFileSync(traces.raft, 'utf8');
    fs.writeFileSync(cut, text.slice(0, Math.floor(text.length * 0.6)));
    await p.goto(`${base}/viz/index.html?trace=/out/cut.trace.json`);
    expect(await settled(p) === 'error', 'a truncated trace is an error');
    expect(/truncated/.test(await p.locator('#message').innerText()), 'named as truncated: ' + await p.locator('#message').innerText());
  } finally { await p.close(); }
});

await test('the event scanner agrees with JSON.parse', async () => {
  await page.goto(fileUrl(path.join(vizDir, 'index.html')));
  const bad = await page.evaluate(() => {
    const cases = ['{"t":1,"k":"send","a":0,"to":1,"msg":2,"type":"P","payload":{"x":[1,2.5e3,-0.5,true,null,"a\\u00e9\\n"]}}',
      '{"k":"deliver","t":12345678901234,"a":1,"from":0,"msg":2,"type":"P\\"q"}', '{"t":1,"k":"timer","a":0}', '{"t":-3,"k":"stop"}',
      '{"t":1,"k":"send","a":0,"to":1,"msg":01}', '{"t":1,"k":"send",}', '{"t":1 "k":"send"}', '{"t":1,"k":"send"}x', '{"t":"1","k":"start","a":0}',
      '{"t":1,"k":"send","a":0,"to":1,"msg":2,"payload":{"a":[1,2}}', '{"t":1e400,"k":"start"}', '{"t":1,"k":"annotate","a":0,"key":"role","value":"leader"}',
      '{"t":1,"k":"start","a":0,"t":2}', '{"t":1,"k":"start","x":"\\q"}', '{"t":1,"k":"start","x":"\t"}', ' { "t" : 1 , "k" : "start" } '];
    const out = [];
    for (const c of cases) {
      let ok = true, obj = null;
      try { obj = JSON.parse(c); } catch (e) { ok = false; }
      const r = {}, v = DSIM.scanLine(c, 0, c.length, r);
      if (ok !== (v !== 0)) out.push('validity: ' + c);
      if (v === 1 && (r.t !== obj.t || r.k !== obj.k || r.a !== obj.a || r.msg !== obj.msg || r.type !== obj.type || r.to !== obj.to || r.from !== obj.from)) out.push('fields: ' + c);
    }
    return out;
  });
  expect(bad.length === 0, 'the same verdict and fields: ' + bad.join('; '));
});

await test('no script errors', async () => { expect(pageErrors.length === 0, 'no page errors: ' + pageErrors.join('\n')); });

await browser.close();
server.close();
const { passed, failed } = outcome();
console.log(`screenshots: ${outDir}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
