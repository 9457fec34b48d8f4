// Load-time figures in headless Chromium, for traces of about 100,000 and 1,000,000 events, each
// opened three ways: the self-contained report (`dsim viz`), the static page's file picker, and
// `?trace=URL` from a local HTTP server. Each figure is the median of RUNS (3) fresh page loads.
//   node viz/test/loadtime.mjs DSIM_BINARY OUT_DIR [EVENTS ...]     (pingpong runs of dsim)
//   node viz/test/loadtime.mjs --synthetic OUT_DIR [EVENTS ...]     (generated traces; no report)
// Environment: RUNS=N (default 3), MODES=report,picker,url (default all); ASSETS=DIR[,DIR...]
// compares visualizers (e.g. a copy of the old viz/ beside this one), interleaving their runs so
// that a machine's changing load weighs on each alike (default: this viz/).
// Columns: "ready" is from opening (navigation start; for the picker, choosing the file) to the
// first frame drawn, when the page answers input; "read", "index" and "draw" split it (the
// page's own performance.now() marks: reading the text and parsing the events, pairing and
// indexing, the first frame); "first paint" is when the browser first painted anything (the
// progress card, for a report); "longest task" the longest time the tab did not respond while
// loading; "overview" a redraw of the whole run zoomed out with every lane in view, "pan" a
// frame while panning (average / max over 40 frames, half of them zoomed in 20 times).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { dsim, launch, settled, fileUrl, vizDir } from './common.mjs';
import { synthTrace } from './synth.mjs';

const [binary, outArg, ...sizes] = process.argv.slice(2);
if (!binary) { console.error('usage: node viz/test/loadtime.mjs DSIM_BINARY|--synthetic OUT_DIR [EVENTS ...]'); process.exit(2); }
const outDir = path.resolve(outArg || '/tmp/dsim-viz-loadtime');
fs.mkdirSync(outDir, { recursive: true });
const targets = sizes.length ? sizes.map(Number) : [100000, 1000000];
const RUNS = +(process.env.RUNS || 3);
const ASSETS = (process.env.ASSETS || vizDir).split(',').map((d) => path.resolve(d));
const MODES = (process.env.MODES || 'report,picker,url').split(',').filter((m) => binary !== '--synthetic' || m !== 'report');

function pingpong(durationMs, file) {
  const scenario = path.join(outDir, `pingpong-${durationMs}.json`);
  fs.writeFileSync(scenario, JSON.stringify({
    cluster: { protocol: 'pingpong', nodes: 5, params: { in_flight: 2 } },
    checks: { invariants: false }, expect: { safety: 'any' }, run: { duration_ms: durationMs },
  }));
  dsim(binary, ['run', scenario, '--quiet', '--trace', file], { allowFail: true });
  const head = fs.readFileSync(file, 'utf8');
  // One event per line, each line an object: the other top-level lines start with a key.
  return (head.match(/\n\{/g) || []).length;
}

function makeTrace(events) {
  const file = path.join(outDir, `trace-${events}.json`);
  if (binary === '--synthetic') { fs.writeFileSync(file, synthTrace(events)); return { file, events, reports: [] }; }
  // Calibrate events per virtual millisecond on a short run, then scale.
  const probe = path.join(outDir, 'probe.json');
  const perMs = pingpong(200, probe) / 200;
  const ms = Math.max(1, Math.round(events / perMs));
  const n = pingpong(ms, file);
  const reports = ASSETS.map((dir, k) => {
    const report = path.join(outDir, `report-${events}-${k}.html`);
    dsim(binary, ['viz', file, '-o', report, '--assets', dir], { allowFail: false });
    return report;
  });
  return { file, events: n, reports };
}

// A static server for ?trace=: visualizer k under /vizK/, OUT_DIR under /out/.
const server = http.createServer((req, res) => {
  const u = new URL(req.url, 'http://x'), m = /^\/viz(\d+)\/(.*)$/.exec(u.pathname);
  const [root, rel] = m && ASSETS[+m[1]] ? [ASSETS[+m[1]], m[2]] : u.pathname.startsWith('/out/') ? [outDir, u.pathname.slice(5)] : [null, null];
  const file = root && path.join(root, path.normalize(decodeURIComponent(rel)));
  if (!file || !file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) { res.writeHead(404); res.end(); return; }
  const type = file.endsWith('.html') ? 'text/html' : file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'application/json';
  res.writeHead(200, { 'content-type': type, 'content-length': fs.statSync(file).size });
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

const median = (xs) => { const s = xs.filter((x) => typeof x === 'number' && !isNaN(x)).sort((a, b) => a - b); return s.length ? s[(s.length - 1) >> 1] : NaN; };

const browser = await launch();
async function once(mode, tr, k) {
  const page = await browser.context.newPage();
  // Long tasks show whether the tab froze while loading; installed before any script of the page.
  await page.addInitScript(() => {
    window.__longest = 0;
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longest = Math.max(window.__longest, e.duration); })
      .observe({ type: 'longtask', buffered: true });
  });
  if (mode === 'report') await page.goto(fileUrl(tr.reports[k]), { waitUntil: 'commit', timeout: 300000 });
  else if (mode === 'url') await page.goto(`${base}/viz${k}/index.html?trace=${encodeURIComponent('/out/' + path.basename(tr.file))}`, { waitUntil: 'commit' });
  else { await page.goto(fileUrl(path.join(ASSETS[k], 'index.html'))); await page.setInputFiles('#file', tr.file); }
  const state = await settled(page, 300000);
  if (state !== 'ready') throw new Error(await page.locator('#message').innerText());
  const s = await page.evaluate(() => window.dsimViz.status());
  const m = await page.evaluate(() => {
    const paint = performance.getEntriesByType('paint').find((e) => e.name === 'first-paint');
    return { longest: window.__longest, firstPaint: paint ? paint.startTime : NaN, firstCard: window.dsimViz.firstCard || null };
  });
  // The whole run, every lane: the overview. Median of 7 redraws.
  const overview = await page.evaluate(() => {
    const v = window.dsimViz.view, out = [];
    v.fit(); v.fitLanes(); v.draw();
    for (let i = 0; i < 7; i++) { const t = performance.now(); v.draw(); out.push(performance.now() - t); }
    out.sort((a, b) => a - b);
    return { ms: out[3], density: v.densityMode };
  });
  // Panning and zooming: average and worst frame over 40 redraws.
  const frames = await page.evaluate(() => {
    const v = window.dsimViz.view, out = [];
    for (let i = 0; i < 20; i++) { v.pan(-25); const t = performance.now(); v.draw(); out.push(performance.now() - t); }
    v.zoom(0.05);
    for (let i = 0; i < 20; i++) { v.pan(-25); const t = performance.now(); v.draw(); out.push(performance.now() - t); }
    return out;
  });
  const t = s.timings, pt = t.parse || {};
  const r = {
    ready: t.loadMs, read: (pt.events || t.parsed) - t.start, index: pt.indexed && pt.events ? pt.indexed - pt.events : NaN,
    draw: t.firstDraw - t.parsed, firstPaint: m.firstPaint, longest: m.longest, overview: overview.ms, overviewDensity: overview.density,
    panAvg: frames.reduce((a, b) => a + b, 0) / frames.length, panMax: Math.max(...frames), events: s.events,
  };
  await page.screenshot({ path: path.join(outDir, `loadtime-${mode}-${tr.events}-${k}.png`) });
  await page.close();
  return r;
}

const rows = [];
try {
  for (const target of targets) {
    const tr = makeTrace(target);
    const mb = fs.statSync(tr.file).size / 1e6;
    for (const mode of MODES) {
      const runs = ASSETS.map(() => []);
      for (let i = 0; i < RUNS; i++) {
        for (let k = 0; k < ASSETS.length; k++) {
          const r = await once(mode, tr, k);
          runs[k].push(r);
          console.log(JSON.stringify({ viz: ASSETS[k], mode, events: tr.events, run: i + 1, ...Object.fromEntries(Object.entries(r).map(([key, v]) => [key, typeof v === 'number' ? Math.round(v * 10) / 10 : v])) }));
        }
      }
      runs.forEach((rs, k) => {
        const med = {};
        for (const key of Object.keys(rs[0])) med[key] = typeof rs[0][key] === 'number' ? median(rs.map((r) => r[key])) : rs[0][key];
        rows.push({ viz: k, mode, events: tr.events, mb, ...med });
      });
    }
  }
} finally {
  await browser.close();
  server.close();
}
const f0 = (x) => (isNaN(x) ? '-' : String(Math.round(x)));
const f1 = (x) => (isNaN(x) ? '-' : x.toFixed(1));
console.log(`medians of ${RUNS} runs (ms)`);
ASSETS.forEach((d, k) => console.log(`viz ${k}: ${d}`));
console.log('viz mode     events      MB   ready   read  index   draw  first paint  longest task  overview   pan avg / max');
for (const r of rows) {
  console.log(`${String(r.viz).padEnd(4)}${r.mode.padEnd(7)}${String(r.events).padStart(8)} ${r.mb.toFixed(1).padStart(7)} ${f0(r.ready).padStart(7)} ${f0(r.read).padStart(6)} ${f0(r.index).padStart(6)} ${f0(r.draw).padStart(6)} ${f0(r.firstPaint).padStart(12)} ${f0(r.longest).padStart(13)} ${f1(r.overview).padStart(9)}${r.overviewDensity ? 'd' : ' '} ${f1(r.panAvg).padStart(7)} / ${f1(r.panMax)}`);
}
