// End-to-end tests of the visualizer in headless Chromium, on traces of real scenarios.
//   node viz/test/e2e.mjs DSIM_BINARY OUT_DIR
// Screenshots of each view go to OUT_DIR (keep it out of the repository). Prints one line per
// test and closes with "N passed, M failed"; exits non-zero on any failure.
import fs from 'node:fs';
import path from 'node:path';
import { dsim, traceOf, reportOf, launch, settled, fileUrl, vizDir, repoDir } from './common.mjs';

const [binary, outArg] = process.argv.slice(2);
if (!binary) { console.error('usage: node viz/test/e2e.mjs DSIM_BINARY OUT_DIR'); process.exit(2); }
const outDir = path.resolve(outArg || fs.mkdtempSync('/tmp/dsim-viz-e2e-'));
fs.mkdirSync(outDir, { recursive: true });

const results = [];
async function test(name, fn) {
  const t0 = Date.now();
  try { await fn(); results.push([name, true]); console.log(`[ PASS ] ${name} (${Date.now() - t0} ms)`); }
  catch (e) { results.push([name, false]); console.log(`[ FAIL ] ${name}: ${e && e.stack || e}`); }
}
function expect(cond, what) { if (!cond) throw new Error('expected ' + what); }

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
    expect(await page.locator('#verdict').innerText() === 'violation', 'the verdict badge says violation');
    const summary = await page.locator('#summary').innerText();
    expect(summary.includes(first.id), 'the violation is listed: ' + first.id);
    if (f.illegal) {
      expect(trace.linearizability.verdict === 'illegal', 'the trace carries an illegal history');
      expect(/Linearizability: illegal/.test(summary), 'linearizability verdict shown');
      expect(/Cannot be placed/.test(summary) && /Longest partial linearization/.test(summary), 'counterexample shown');
    }
    await page.locator('#canvas').focus();
    await page.keyboard.press('v');
    const s = await status();
    expect(s.selection && s.selection.kind === 'event' && s.selection.id === first.i, 'jumped to the first violation event');
    expect((await page.locator('#details').innerText()).includes('violation'), 'violation details');
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

await test('no script errors', async () => { expect(pageErrors.length === 0, 'no page errors: ' + pageErrors.join('\n')); });

await browser.close();
const passed = results.filter((r) => r[1]).length, failed = results.length - passed;
console.log(`screenshots: ${outDir}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
