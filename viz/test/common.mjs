// Shared by the browser tests and the load-time measurement: running dsim, launching the
// system's Chromium (never a downloaded one) through playwright-core.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const vizDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoDir = path.resolve(vizDir, '..');
export const chromiumPath = process.env.DSIM_CHROMIUM || '/usr/bin/chromium';

export function dsim(binary, args, { allowFail = true } = {}) {
  const r = spawnSync(binary, args, { cwd: repoDir, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  if (!allowFail && r.status !== 0) throw new Error(`dsim ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r;
}

// Runs a scenario and writes its trace; returns the trace's path.
export function traceOf(binary, scenario, outDir, name) {
  const out = path.join(outDir, name + '.trace.json');
  const r = dsim(binary, ['run', scenario, '--trace', out, '--quiet']);
  if (!fs.existsSync(out)) {
    const r2 = dsim(binary, ['run', scenario, '--trace', out]);
    if (!fs.existsSync(out)) throw new Error(`dsim run ${scenario} wrote no trace (exit ${r2.status}): ${r.stderr}${r2.stderr}`);
  }
  return out;
}

export function reportOf(binary, trace) {
  const out = trace.replace(/\.trace\.json$/, '') + '.html';
  dsim(binary, ['viz', trace, '-o', out], { allowFail: false });
  return out;
}

export async function launch() {
  const { chromium } = await import('playwright-core');
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsim-viz-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 800 },
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

// Waits until the page has drawn a trace or shown an error; returns the state.
export async function settled(page, timeout = 60000) {
  await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.state), null, { timeout });
  return page.evaluate(() => document.body.dataset.state);
}

export function fileUrl(p) { return 'file://' + path.resolve(p); }

// The browser tests' harness: test(name, fn) runs one case and logs PASS or FAIL with the error;
// expect(cond, what) fails the case; outcome() counts them. A failing case never stops the rest.
export function harness() {
  const results = [];
  async function test(name, fn) {
    const t0 = Date.now();
    try { await fn(); results.push([name, true]); console.log(`[ PASS ] ${name} (${Date.now() - t0} ms)`); }
    catch (e) { results.push([name, false]); console.log(`[ FAIL ] ${name}: ${e && e.stack || e}`); }
  }
  function expect(cond, what) { if (!cond) throw new Error('expected ' + what); }
  function outcome() {
    const failed = results.filter(([, ok]) => !ok).length;
    return { passed: results.length - failed, failed };
  }
  return { test, expect, outcome };
}
