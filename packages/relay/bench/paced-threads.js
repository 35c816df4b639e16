// @ts-check
// 20 clients on one document, each making 200 edits at 20 a second (the paced fan-out of `run.js`), the relays taking
// turns in fresh processes, with each server's CPU split by thread and its CPU while its clients are connected but
// quiet. One such process differs from the next by ±15 %, more than most changes one
// wants to judge; the split tells whether a difference is the event loop's own work or V8's helper threads (compiler,
// parallel GC) and libuv's pool, which utime + stime of the process lump together.
// Usage (after build and `pnpm bench:peers`):
//   node bench/paced-threads.js [--shape map|text|delete] [--samples 5] [--targets concord,yws-mem] [--warm]
// --warm measures a second paced phase in the same process instead of the first: a relay that has run the load once
// (its update path compiled by V8's optimising compiler), where the first phase measures a process 10 s old.
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { DeliveryLog } from './clients/delivery.js';
import { LightClient } from './clients/light-client.js';
import { SHAPES } from './clients/shapes.js';
import { median } from './lib/stats.js';
import { cpuBetween, threadCpu, totalCpu } from './lib/thread-cpu.js';
import { paced, seedEverywhere } from './scenarios/s1-fanout.js';
import { startServer, targetsNamed } from './servers/targets.js';

const { values } = parseArgs({
  options: {
    shape: { type: 'string', default: 'map' },
    samples: { type: 'string', default: '5' },
    targets: { type: 'string', default: 'concord,yws-mem' },
    warm: { type: 'boolean', default: false },
  },
});
const shape = /** @type {import('./clients/shapes.js').Shape} */ (values.shape);
if (!SHAPES.includes(shape)) throw new Error(`--shape takes one of ${SHAPES.join(', ')}`);
const samples = Number(values.samples);
const targets = targetsNamed(values.targets ?? '');
/** Paced phases per process; the last is measured. */
const phases = values.warm ? 2 : 1;
/** 20 clients on one document, 200 edits each, 20 a second each: the paced fan-out load of `run.js`. */
const SIZE = { clients: 20, edits: 200, perSecond: 20 };
const QUIET_MS = 3_000;

/** @param {import('./servers/targets.js').Target} target */
async function sample(target) {
  const { server, url } = await startServer(target);
  const log = new DeliveryLog(SIZE.edits * phases, SIZE.clients - 1, shape === 'delete');
  const clients = Array.from({ length: SIZE.clients }, () => new LightClient({ base: url, protocol: target.protocol, docName: 's1-paced', log, deferApply: true, shape }));
  const perReceiver = SIZE.edits * (SIZE.clients - 1);
  /** Paced phase `phase` (from 1): every client makes its edits, until every receiver holds them. */
  const pacedPhase = async (/** @type {number} */ phase) => {
    const delivered = Promise.all(clients.map((client) => client.until(() => log.deliveredCount(client) >= perReceiver * phase, 70_000, 'deliveries')));
    await paced(clients, SIZE.edits, SIZE.perSecond);
    await delivered;
  };
  try {
    for (const client of clients) log.register(client.clientID);
    await Promise.all(clients.map((client) => client.connect()));
    if (shape === 'delete') await seedEverywhere(clients, SIZE.edits * phases);
    for (let phase = 1; phase < phases; phase++) await pacedPhase(phase);
    await server.quiet();
    const pid = /** @type {number} */ (server.child.pid);
    const idleBefore = totalCpu(threadCpu(pid));
    await sleep(QUIET_MS);
    const idleMsPerSecond = (totalCpu(threadCpu(pid)) - idleBefore) / QUIET_MS;
    const before = threadCpu(pid);
    await pacedPhase(phases);
    const { main, others } = cpuBetween(before, threadCpu(pid));
    const deliveries = perReceiver * SIZE.clients;
    return { main: main / deliveries, others: others / deliveries, idleMsPerSecond };
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    await server.stop();
  }
}

/** @type {Map<string, { main: number, others: number, idleMsPerSecond: number }[]>} */
const results = new Map(targets.map((target) => [target.id, []]));
for (let round = 0; round < samples; round++) {
  for (const target of targets) {
    const figures = await sample(target);
    results.get(target.id)?.push(figures);
    console.error(`${target.id} sample ${round + 1}: ${(figures.main + figures.others).toFixed(2)} µs per delivery (main ${figures.main.toFixed(2)}, other threads ${figures.others.toFixed(2)}), idle ${figures.idleMsPerSecond.toFixed(1)} ms/s`);
  }
}
console.log(`Paced fan-out (${SIZE.clients} clients, ${SIZE.edits} edits each at ${SIZE.perSecond}/s), ${shape}${values.warm ? ', the second phase of each process' : ''}, medians of ${samples} fresh processes each (CPU from the scheduler's per-thread account)\n`);
console.log('| relay | µs per delivery | main thread | other threads | CPU while connected and quiet, ms/s |\n|---|---:|---:|---:|---:|');
for (const [id, figures] of results) {
  const of = (/** @type {(f: { main: number, others: number, idleMsPerSecond: number }) => number} */ pick) => median(figures.map(pick));
  console.log(`| ${id} | ${of((f) => f.main + f.others).toFixed(2)} | ${of((f) => f.main).toFixed(2)} | ${of((f) => f.others).toFixed(2)} | ${of((f) => f.idleMsPerSecond).toFixed(1)} |`);
}
process.exit(0);
