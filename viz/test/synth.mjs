// A synthetic trace in dsim's native format (for quick checks without a dsim build):
//   node viz/test/synth.mjs EVENTS OUT.json
import fs from 'node:fs';
export function synthTrace(nEvents, nodes = 5) {
  const actors = [];
  for (let i = 0; i < nodes; i++) actors.push({ id: i, name: 'n' + i, kind: 'node' });
  actors.push({ id: nodes, name: 'c0', kind: 'client' });
  const lines = [];
  let t = 0, msg = 0, i = 0;
  const push = (e) => { e.i = i++; lines.push(JSON.stringify(e)); };
  for (let a = 0; a < nodes; a++) push({ t, k: 'start', a });
  push({ t, k: 'annotate', a: 0, key: 'role', value: 'leader' });
  push({ t, k: 'annotate', a: 0, key: 'term', value: 1 });
  let op = 0;
  while (i < nEvents) {
    t += 100000;
    const a = i % nodes, to = (a + 1) % nodes, m = msg++;
    push({ t, k: 'send', a, to, msg: m, type: 'Ping', payload: { seq: m } });
    if (m % 50 === 7) { push({ t: t + 50000, k: 'drop', a, to, msg: m, type: 'Ping', reason: 'loss' }); continue; }
    push({ t: t + 50000, k: 'deliver', a: to, from: a, msg: m, type: 'Ping' });
    if (m % 1000 === 3) {
      push({ t: t + 60000, k: 'invoke', a: nodes, op, f: 'write', key: null, value: op });
      push({ t: t + 90000, k: 'complete', a: nodes, op, type: 'ok', value: null }); op++;
    }
  }
  push({ t: t + 100000, k: 'stop', reason: 'end of run' });
  return '{"format": "dsim-trace",\n"version": 1,\n"scenario": {"name": "synthetic"},\n"seed": 1,\n"actors": ' + JSON.stringify(actors) +
    ',\n"events": [\n' + lines.join(',\n') + '\n],\n"history": {"format":"dsim-history","version":1,"ops":[]},\n"linearizability": null,\n"findings": [],\n"stats": {"end_ns": ' + (t + 100000) + '}\n}\n';
}
if (process.argv[1] && process.argv[1].endsWith('synth.mjs')) {
  fs.writeFileSync(process.argv[3], synthTrace(+process.argv[2]));
}
