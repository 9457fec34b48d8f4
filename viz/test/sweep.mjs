// Browser tests of the sweep page (viz/sweep.html, written by dsim sweep) in headless Chromium.
//   node viz/test/sweep.mjs DSIM_BINARY OUT_DIR
// Pages are made from hand-written aggregates by `dsim sweep-page DATA.json -o OUT.html`, so each
// test controls exactly what the page receives. Screenshots go to OUT_DIR. Prints one line per
// test and closes with "N passed, M failed"; exits non-zero on any failure.
import fs from 'node:fs';
import path from 'node:path';
import { dsim, launch, settled, fileUrl, vizDir, harness } from './common.mjs';

const [binary, outArg] = process.argv.slice(2);
if (!binary) { console.error('usage: node viz/test/sweep.mjs DSIM_BINARY OUT_DIR'); process.exit(2); }
const outDir = path.resolve(outArg || fs.mkdtempSync('/tmp/dsim-viz-sweep-'));
fs.mkdirSync(outDir, { recursive: true });

const { test, expect, outcome } = harness();

// ---- data ----

const EVIL = '<img src=x onerror="window.__xss=1"></script><script>window.__xss=2</script>';

function stat(mean, n = 20) {
  return { n, mean, median: mean, p99: mean * 2, min: mean / 2, max: mean * 2, ci95: n < 2 ? null : [mean - 0.25, mean + 0.25] };
}

// A sweep over every combination of `params` (the last varies fastest), each metric's mean a
// function of the point; `tweak` edits each point.
function sweep(params, metrics, tweak = () => {}) {
  let combos = [{}];
  for (const p of params) combos = combos.flatMap((c) => p.values.map((v) => ({ ...c, [p.name]: v })));
  const points = combos.map((values, i) => {
    const pt = { params: values, runs: 20, verdicts: { held: 20, violated: 0, inconclusive: 0 },
      metrics: Object.fromEntries(metrics.map((m, k) => [m, stat(1 + i + k * 10)])) };
    tweak(pt);
    return pt;
  });
  return { format: 'dsim-sweep', version: 1, scenario: 'scenarios/raft/happy-path.json',
    params: params.map((p) => ({ pointer: '/protocol/params/' + p.name, ...p })),
    seeds: { from: 1, to: 20 }, metrics: [...metrics].sort(), points };
}

const timeouts = { name: 'election_timeout_ms', values: [100, 150, 200] };
const nodes = { name: 'nodes', values: [3, 5] };
const metrics = ['availability', 'latency_ms_p50', 'raft.split_votes'];
const at = (pt, t, n) => pt.params.election_timeout_ms === t && pt.params.nodes === n;

// Two parameters; one point has violated runs, one lacks raft.split_votes.
const twoParams = sweep([timeouts, nodes], metrics, (pt) => {
  if (at(pt, 100, 3)) pt.verdicts = { held: 18, violated: 1, inconclusive: 1 };
  if (at(pt, 150, 5)) delete pt.metrics['raft.split_votes'];
});
twoParams.title = 'Raft: split votes vs election timeout';
twoParams.expect = [
  { text: 'raft.split_votes mean at election_timeout_ms=150 below 1', held: true, detail: '0.4 < 1' },
  { text: 'availability above 0.999', held: false, detail: '0.98 < 0.999' },
];

// ---- pages ----

let pageCount = 0;
// Writes `data` as an aggregate file and has dsim render it; returns the page's path.
function makePage(name, data) {
  const json = path.join(outDir, `${name}.sweep.json`);
  const html = path.join(outDir, `${name}.html`);
  fs.writeFileSync(json, JSON.stringify(data, null, 1));
  dsim(binary, ['sweep-page', json, '-o', html], { allowFail: false });
  pageCount += 1;
  return html;
}

// A copy of a written page with other text in its data element: data dsim itself might refuse,
// to see that the page's own checks speak up.
function withData(html, name, text) {
  const page = fs.readFileSync(html, 'utf8');
  const m = /(<script id="dsim-sweep" type="application\/json"[^>]*>)[^]*?(<\/script>)/.exec(page);
  if (!m) throw new Error(`${html} has no dsim-sweep data element`);
  const out = path.join(outDir, `${name}.html`);
  fs.writeFileSync(out, page.slice(0, m.index) + m[1] + '\n' + text.replaceAll('<', '\\u003c') + m[2] + page.slice(m.index + m[0].length));
  return out;
}

// ---- browser ----

const browser = await launch();
const page = await browser.context.newPage();
const pageErrors = [];
const requests = [];
const cspReports = [];
page.on('pageerror', (e) => pageErrors.push(String(e)));
page.on('request', (r) => requests.push(r.url()));
page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspReports.push(m.text()); });
const shot = (name) => page.screenshot({ path: path.join(outDir, name + '.png'), fullPage: true });
const state = () => page.evaluate(() => window.dsimSweep);

// Opens a page and waits until it has drawn or given up; returns window.dsimSweep.
async function open(html, want = 'ready') {
  requests.length = 0;
  pageErrors.length = 0;
  await page.goto(fileUrl(html));
  const st = await settled(page);
  if (st !== want) throw new Error(`page state ${st}, expected ${want}: ${await page.locator('#message').innerText().catch(() => '')}`);
  expect(pageErrors.length === 0, 'no script errors: ' + pageErrors.join('; '));
  return state();
}

// Per chart card: the number of line series drawn, and per series its points and gaps.
const cards = () => page.$$eval('.card', (cs) => cs.map((c) => ({
  metric: c.dataset.metric,
  series: [...c.querySelectorAll('svg.chart g.series')].map((g) => ({
    points: Number(g.dataset.points), gaps: Number(g.dataset.gaps),
    moves: (g.querySelector('path.line').getAttribute('d').match(/M/g) || []).length,
  })),
  cells: c.querySelectorAll('svg.heatmap g.cell').length,
  gapCells: c.querySelectorAll('svg.heatmap g.cell.gap').length,
  legend: [...c.querySelectorAll('.legend .item')].map((i) => i.textContent),
  text: c.textContent,
})));

const pages = {
  two: makePage('two-params', twoParams),
  plotOne: makePage('plot-spec', { ...twoParams, plot: { metrics: ['raft.split_votes'], x: 'nodes', series: 'election_timeout_ms' } }),
  strings: makePage('one-string-param', sweep([{ name: 'mode', values: ['fast', 'slow', 'careful'] }], metrics)),
  zero: makePage('zero-params', sweep([], metrics, (pt) => { delete pt.metrics.latency_ms_p50; })),
  three: makePage('three-params', sweep([timeouts, nodes, { name: 'drop', values: ['none', 'lossy'] }], metrics)),
  evil: makePage('untrusted-text', (() => {
    const d = sweep([{ name: 'mode', values: ['fast', EVIL] }, { name: EVIL + 'param', values: [1, 2] }], ['ok', EVIL + 'metric']);
    d.title = EVIL + 'title';
    d.scenario = EVIL + 'scenario';
    d.expect = [{ text: EVIL + 'expect', held: false, detail: EVIL + 'detail' }];
    return d;
  })()),
};

await test('two parameters: a line per series value on every chart, and a heat map', async () => {
  const s = await open(pages.two);
  expect(s.ready && s.errors.length === 0, 'ready without errors: ' + JSON.stringify(s));
  expect(s.charts === metrics.length && s.heatmaps === metrics.length, `${metrics.length} charts and heat maps: ${JSON.stringify(s)}`);
  expect(s.series === metrics.length * nodes.values.length, `${metrics.length * nodes.values.length} series: ${s.series}`);
  const cs = await cards();
  expect(cs.map((c) => c.metric).join() === metrics.join(), 'a card per metric, in order: ' + cs.map((c) => c.metric));
  for (const c of cs) {
    expect(c.series.length === nodes.values.length, `${c.metric}: ${nodes.values.length} lines, got ${c.series.length}`);
    expect(c.cells === timeouts.values.length * nodes.values.length, `${c.metric}: 6 heat map cells, got ${c.cells}`);
    expect(nodes.values.every((n) => c.legend.includes(`nodes = ${n}`)), `${c.metric}: legend names every series: ${c.legend}`);
  }
  const title = await page.locator('#title').innerText();
  expect(title === twoParams.title, 'the title: ' + title);
  const facts = await page.locator('#facts').innerText();
  expect(facts.includes(twoParams.scenario) && /1 to 20/.test(facts), 'scenario and seeds: ' + facts);
  await shot('two-params');
});

await test('the plot spec picks the metrics and swaps the axes', async () => {
  const s = await open(pages.plotOne);
  expect(s.charts === 1 && s.heatmaps === 1, 'one chart and heat map: ' + JSON.stringify(s));
  expect(s.series === timeouts.values.length, `a line per election timeout: ${s.series}`);
  const [c] = await cards();
  expect(c.metric === 'raft.split_votes' && c.text.includes('election_timeout_ms = 150'), 'the series are the timeouts');
});

await test('a point with violated or inconclusive runs is marked everywhere', async () => {
  await open(pages.two);
  expect(await page.locator('svg.chart .pt.bad').count() === metrics.length, 'a ringed marker on each chart');
  expect(await page.locator('svg.heatmap .cell.bad').count() === metrics.length, 'a framed cell on each heat map');
  const rows = page.locator('#table tr.bad');
  expect(await rows.count() === 1, 'one marked table row');
  const row = await rows.innerText();
  expect(/1 violated/.test(row) && /1 inconclusive/.test(row), 'the row gives the counts: ' + row);
  const warn = await page.locator('#verdicts.warn').innerText();
  expect(warn.includes('election_timeout_ms = 100, nodes = 3') && /1 violated/.test(warn), 'the summary lists the point: ' + warn);
  expect(/1 violated, 1 inconclusive/.test(await page.locator('#facts').innerText()), 'the totals say so');
});

await test('a metric missing from a point is a gap, not a zero', async () => {
  await open(pages.two);
  const c = (await cards()).find((x) => x.metric === 'raft.split_votes');
  const five = c.series[1];
  expect(five.points === 2 && five.gaps === 1, 'nodes=5: two points and one gap: ' + JSON.stringify(five));
  expect(five.moves === 2, 'its line is broken at the gap (two separate pieces): ' + JSON.stringify(five));
  expect(c.series[0].gaps === 0 && c.series[0].moves === 1, 'nodes=3: one unbroken line');
  expect(c.gapCells === 1, 'one empty heat map cell');
  expect(/Gaps: no run produced raft\.split_votes at election_timeout_ms = 150, nodes = 5/.test(c.text), 'the gap is named: ' + c.text);
  const cell = await page.locator('#table tbody tr').nth(3).locator('td').last().innerText();
  expect(cell === '–', 'the table shows a dash: ' + cell);
});

await test('hovering a point shows its figures', async () => {
  await open(pages.two);
  await page.locator('svg.chart .pt.bad .hit').first().hover();
  const tip = page.locator('#tip');
  expect(await tip.isVisible(), 'a tooltip');
  const text = await tip.innerText();
  for (const w of ['election_timeout_ms = 100', 'mean', 'median', 'p99', 'min', 'max', '95% CI', 'n 20', '1 violated']) {
    expect(text.includes(w), `the tooltip has "${w}": ${text}`);
  }
  await shot('tooltip');
});

await test('expectations are listed, held and failed', async () => {
  await open(pages.two);
  const items = page.locator('#expect li');
  expect(await items.count() === 2, 'two expectations');
  expect(await page.locator('#expect li.held').count() === 1 && await page.locator('#expect li.failed').count() === 1, 'one held, one failed');
  expect((await page.locator('#expect h2').innerText()).includes('1 of 2 held'), 'the heading counts them');
});

await test('one string parameter: a single line on a categorical axis', async () => {
  const s = await open(pages.strings);
  expect(s.charts === metrics.length && s.series === metrics.length && s.heatmaps === 0, 'one line per chart, no heat map: ' + JSON.stringify(s));
  const ticks = await page.locator('.card').first().locator('svg.chart text.tick').allTextContents();
  expect(['fast', 'slow', 'careful'].every((v) => ticks.includes(v)), 'the values label the axis: ' + ticks);
  await shot('one-string-param');
});

await test('no parameters: a bar per metric, a missing one said', async () => {
  const s = await open(pages.zero);
  expect(s.charts === metrics.length && s.bars === metrics.length - 1 && s.series === 0 && s.heatmaps === 0, 'bars: ' + JSON.stringify(s));
  const missing = await page.locator('.card[data-metric="latency_ms_p50"]').innerText();
  expect(/no run produced this metric/.test(missing), 'the missing metric is said: ' + missing);
  expect(/no parameters/.test(await page.locator('#facts').innerText()), 'the grid says so');
  await shot('zero-params');
});

await test('three parameters: the plotted pair, the third fixed and said so', async () => {
  const s = await open(pages.three);
  expect(s.series === metrics.length * nodes.values.length && s.heatmaps === metrics.length, 'the pair drawn: ' + JSON.stringify(s));
  const note = await page.locator('#plots .note').innerText();
  expect(/fixed to their first value: drop = none/.test(note), 'the note names the fixed value: ' + note);
  expect(await page.locator('#table tbody tr').count() === 12, 'the table lists all 12 points');
  const c = (await cards())[0];
  expect(c.series.every((x) => x.points === 3 && x.gaps === 0), 'each line has its three points: ' + JSON.stringify(c.series));
});

await test('text from the data is never interpreted as HTML', async () => {
  const s = await open(pages.evil);
  expect(s.ready, 'ready');
  expect(await page.evaluate(() => window.__xss) === undefined, 'no injected script ran');
  expect(await page.locator('img').count() === 0 && await page.locator('#content script, header script').count() === 0, 'no injected elements');
  expect(await page.locator('#title').innerText() === EVIL + 'title', 'the title is shown literally');
  const body = await page.locator('body').innerText();
  for (const what of ['scenario', 'param', 'metric', 'expect', 'detail']) expect(body.includes(EVIL + what), `the ${what} is shown literally`);
  expect(await page.locator('#table td', { hasText: EVIL }).count() > 0, 'the string value is shown literally in the table');
  await page.locator('svg.chart .pt .hit').last().hover({ force: true });
  expect((await page.locator('#tip').innerText()).includes(EVIL), 'and in the tooltip');
  expect(cspReports.length === 0, 'nothing tried to load: ' + cspReports.join('; '));
  await shot('untrusted-text');
});

await test('bad data gets a clear message, not a blank page', async () => {
  const cases = [
    ['not-json', '{"format": "dsim-sweep", ', /not valid JSON/],
    ['wrong-format', '{"format": "dsim-trace", "version": 1}', /Not a dsim sweep/],
    ['wrong-version', JSON.stringify({ ...twoParams, version: 7 }), /version 7/],
    ['no-points', JSON.stringify({ ...twoParams, points: [] }), /no points/],
    ['point-without-value', JSON.stringify({ ...twoParams, points: [{ params: { nodes: 3 }, runs: 1, metrics: {} }] }), /no value for "election_timeout_ms"/],
    ['bad-plot', JSON.stringify({ ...twoParams, plot: { x: 'nope' } }), /"plot\.x" names no parameter/],
  ];
  for (const [name, text, message] of cases) {
    const s = await open(withData(pages.two, name, text), 'error');
    const shown = await page.locator('#message').innerText();
    expect(message.test(shown), `${name}: the page says ${message}: ${shown}`);
    expect(!s.ready && s.errors.length === 1 && message.test(s.errors[0]), `${name}: window.dsimSweep.errors: ${JSON.stringify(s.errors)}`);
  }
  await shot('error');
});

await test('the page loads nothing but itself', async () => {
  for (const html of Object.values(pages)) {
    await open(html);
    // Forced: markers of neighbouring series may overlap, and any of them will do.
    for (const pt of await page.locator('svg .pt .hit, svg .cell:not(.gap), .barrect').all()) await pt.hover({ force: true });
    const others = requests.filter((u) => u !== fileUrl(html));
    expect(others.length === 0, `${path.basename(html)}: no other request: ${others.join(', ')}`);
  }
  expect(cspReports.length === 0, 'no blocked loads: ' + cspReports.join('; '));
});

await test('the bare viz/sweep.html says what it is for', async () => {
  await page.goto(fileUrl(path.join(vizDir, 'sweep.html')));
  expect(/written by dsim sweep/.test(await page.locator('#message').innerText()), 'a message, not a blank page');
});

await browser.close();
const { passed, failed } = outcome();
console.log(`${passed} passed, ${failed} failed (${pageCount} pages in ${outDir})`);
process.exit(failed ? 1 : 0);
