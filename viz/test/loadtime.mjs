// Load-time figures in headless Chromium: time from choosing the file to the first drawn frame,
// and the cost of a frame while panning, for traces of about 100,000 and 1,000,000 events.
//   node viz/test/loadtime.mjs DSIM_BINARY OUT_DIR [EVENTS ...]     (pingpong runs of dsim)
//   node viz/test/loadtime.mjs --synthetic OUT_DIR [EVENTS ...]     (generated traces)
import fs from 'node:fs';
import path from 'node:path';
import { dsim, launch, settled, fileUrl, vizDir } from './common.mjs';
import { synthTrace } from './synth.mjs';

const [binary, outArg, ...sizes] = process.argv.slice(2);
const outDir = path.resolve(outArg || '/tmp/dsim-viz-loadtime');
fs.mkdirSync(outDir, { recursive: true });
const targets = sizes.length ? sizes.map(Number) : [100000, 1000000];

function pingpong(durationMs, file) {
  const scenario = path.join(outDir, `pingpong-${durationMs}.json`);
  fs.writeFileSync(scenario, JSON.stringify({
    cluster: { protocol: 'pingpong', nodes: 5, params: { in_flight: 2 } },
    checks: { invariants: false }, run: { duration_ms: durationMs },
  }));
  dsim(binary, ['run', scenario, '--quiet', '--trace', file], { allowFail: true });
  const head = fs.readFileSync(file, 'utf8');
  // One event per line, each line an object: the other top-level lines start with a key.
  return (head.match(/\n\{/g) || []).length;
}

function makeTrace(events) {
  const file = path.join(outDir, `trace-${events}.json`);
  if (binary === '--synthetic') { fs.writeFileSync(file, synthTrace(events)); return { file, events }; }
  // Calibrate events per virtual millisecond on a short run, then scale.
  const probe = path.join(outDir, 'probe.json');
  const perMs = pingpong(200, probe) / 200;
  const ms = Math.max(1, Math.round(events / perMs));
  return { file, events: pingpong(ms, file) };
}

const browser = await launch();
const page = await browser.context.newPage();
const rows = [];
for (const target of targets) {
  const { file, events } = makeTrace(target);
  const mb = fs.statSync(file).size / 1e6;
  await page.goto(fileUrl(path.join(vizDir, 'index.html')));
  // Long tasks show whether the tab froze while loading.
  await page.evaluate(() => {
    window.__longest = 0;
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longest = Math.max(window.__longest, e.duration); })
      .observe({ type: 'longtask', buffered: false });
  });
  await page.setInputFiles('#file', file);
  const state = await settled(page, 300000);
  if (state !== 'ready') throw new Error(await page.locator('#message').innerText());
  const s = await page.evaluate(() => window.dsimViz.status());
  const longest = await page.evaluate(() => window.__longest);
  // Panning and zooming: average and worst frame over 40 redraws.
  const frames = await page.evaluate(() => {
    const v = window.dsimViz.view, out = [];
    for (let i = 0; i < 20; i++) { v.pan(-25); const t = performance.now(); v.draw(); out.push(performance.now() - t); }
    v.zoom(0.05);
    for (let i = 0; i < 20; i++) { v.pan(-25); const t = performance.now(); v.draw(); out.push(performance.now() - t); }
    return out;
  });
  const avg = frames.reduce((a, b) => a + b, 0) / frames.length;
  const t = s.timings;
  rows.push({ events, mb: mb.toFixed(1), firstDrawMs: Math.round(t.loadMs), parseMs: Math.round(t.parsed - t.start),
    longestTaskMs: Math.round(longest), frameAvgMs: avg.toFixed(1), frameMaxMs: Math.max(...frames).toFixed(1) });
  console.log(JSON.stringify(rows[rows.length - 1]));
  await page.screenshot({ path: path.join(outDir, `loadtime-${target}.png`) });
}
await browser.close();
console.log('events      MB   first draw   longest task   frame avg / max');
for (const r of rows) console.log(`${String(r.events).padStart(9)} ${r.mb.padStart(6)} ${String(r.firstDrawMs).padStart(8)} ms ${String(r.longestTaskMs).padStart(10)} ms ${r.frameAvgMs.padStart(8)} / ${r.frameMaxMs} ms`);
