// @ts-check
// S3's two catch-ups alone, the relays taking turns in fresh processes, each catch-up split into phases with the
// relay's CPU beside them, so a difference between relays can be placed:
// - a fresh client: its socket open, the catch-up's arrival, the client holding all of it;
// - an offline client reconnecting with edits: its socket open, its sync step 1 answered (synced), its edits arriving
//   at another client, that client holding them.
// The phases take 2-15 ms, and the light clients' own work (applying a 250 KB catch-up, encoding 500 edits) is much of
// that: `run.js` reports the whole, where the bench process's state moves it by milliseconds; the relay's part is here.
// Usage (after build and `pnpm bench:peers`; the young generation of `run.js`, so a collection in the clients is rare):
//   node --max-semi-space-size=64 bench/reconnect-phases.js [--shape map|text|delete] [--samples 3] [--rounds 11] [--targets concord,yws-mem]
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { parseArgs } from 'node:util';
import * as decoding from 'lib0/decoding';
import { LightClient } from './clients/light-client.js';
import { SHAPES } from './clients/shapes.js';
import { median } from './lib/stats.js';
import { cpuBetween, threadCpu } from './lib/thread-cpu.js';
import { loadDocument } from './scenarios/s3-catchup.js';
import { startServer, targetsNamed } from './servers/targets.js';

const { values } = parseArgs({
  options: {
    shape: { type: 'string', default: 'map' },
    samples: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '11' },
    targets: { type: 'string', default: 'concord,yws-mem' },
  },
});
const shape = /** @type {import('./clients/shapes.js').Shape} */ (values.shape);
if (!SHAPES.includes(shape)) throw new Error(`--shape takes one of ${SHAPES.join(', ')}`);
const samples = Number(values.samples);
const rounds = Number(values.rounds);
const targets = targetsNamed(values.targets ?? '');
/** S3's sizes (`scenarios/s3-catchup.js`): the document's updates, and the edits made offline per round. */
const UPDATES = 5000;
const OFFLINE_EDITS = 500;
const TIMEOUT_MS = 30_000;
const SYNC_STEP_2 = 1;

/**
 * When the next sync step 2 reaches `client` (before the client handles it: the listener goes first).
 * @param {LightClient} client
 * @returns {Promise<number>}
 */
function step2Arrival(client) {
  const ws = /** @type {import('ws').WebSocket} */ (client.ws);
  return new Promise((resolve) => {
    /** @param {Buffer} data */
    const listener = (data) => {
      const message = client.codec.read(client.options.docName, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      if (message === null || decoding.readVarUint(message.decoder) !== SYNC_STEP_2) return;
      ws.off('message', listener);
      resolve(performance.now());
    };
    ws.prependListener('message', listener);
  });
}

/**
 * When the next message reaches `client` (before the client handles it).
 * @param {LightClient} client
 * @returns {Promise<number>}
 */
function nextArrival(client) {
  return new Promise((resolve) => client.ws?.prependOnceListener('message', () => resolve(performance.now())));
}

/**
 * @param {import('./servers/targets.js').Target} target
 * @returns {Promise<{ fresh: Record<string, number>[], offline: Record<string, number>[] }>}
 */
async function sample(target) {
  const { server, url } = await startServer(target);
  const pid = /** @type {number} */ (server.child.pid);
  const client = () => new LightClient({ base: url, protocol: target.protocol, docName: 'phases', shape });
  const writer = client();
  const observer = client();
  const clients = [writer, observer];
  try {
    const seeded = await loadDocument(writer, observer, shape, UPDATES);

    const fresh = [];
    /** @type {LightClient | null} */
    let newcomer = null;
    for (let round = 0; round <= rounds; round++) {
      await newcomer?.close();
      await server.quiet();
      const joining = client();
      newcomer = joining;
      clients.push(joining);
      const cpu = threadCpu(pid);
      const started = performance.now();
      const synced = joining.connect();
      const opened = new Promise((resolve) => joining.ws?.once('open', () => resolve(performance.now())));
      const arrived = step2Arrival(joining);
      await synced;
      const held = await joining.until(() => joining.holdsEdits(writer.clientID, seeded) >= UPDATES, TIMEOUT_MS, 'the fresh client to hold every update');
      const { main, others } = cpuBetween(cpu, threadCpu(pid));
      // Round 0 is not counted: it runs the clients' catch-up code cold.
      if (round > 0) fresh.push({ open: (await opened) - started, arrived: (await arrived) - started, held: held - started, main: main / 1000, others: others / 1000 });
    }

    const offline = /** @type {LightClient} */ (newcomer);
    const offlineSeeded = shape === 'delete' ? (rounds + 1) * OFFLINE_EDITS : 0;
    if (shape === 'delete') {
      offline.seed(offlineSeeded);
      await observer.until(() => observer.held(offline.clientID) >= offlineSeeded, TIMEOUT_MS, "the offline client's text to reach the observer");
    }
    const reconnects = [];
    for (let round = 0; round <= rounds; round++) {
      await offline.close();
      offline.edit(OFFLINE_EDITS);
      await server.quiet();
      const cpu = threadCpu(pid);
      const arrived = nextArrival(observer);
      const started = performance.now();
      const connecting = offline.connect();
      const opened = new Promise((resolve) => offline.ws?.once('open', () => resolve(performance.now())));
      await connecting;
      const synced = performance.now();
      const expected = (round + 1) * OFFLINE_EDITS;
      const held = await observer.until(() => observer.holdsEdits(offline.clientID, offlineSeeded) >= expected, TIMEOUT_MS, 'the offline edits to reach the observer');
      const { main, others } = cpuBetween(cpu, threadCpu(pid));
      if (round > 0) reconnects.push({ open: (await opened) - started, synced: synced - started, arrived: (await arrived) - started, held: held - started, main: main / 1000, others: others / 1000 });
    }
    return { fresh, offline: reconnects };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
  }
}

/** @param {Record<string, number>[]} rows @param {string} key */
const medianOf = (rows, key) => median(rows.map((row) => /** @type {number} */ (row[key])));

/** @type {Map<string, { fresh: Record<string, number>[], offline: Record<string, number>[] }>} */
const results = new Map(targets.map((target) => [target.id, { fresh: [], offline: [] }]));
for (let round = 0; round < samples; round++) {
  for (const target of targets) {
    const { fresh, offline } = await sample(target);
    const kept = /** @type {{ fresh: Record<string, number>[], offline: Record<string, number>[] }} */ (results.get(target.id));
    // A sample's figure is its median over the rounds; the table gives the median of the samples.
    kept.fresh.push(Object.fromEntries(Object.keys(fresh[0] ?? {}).map((key) => [key, medianOf(fresh, key)])));
    kept.offline.push(Object.fromEntries(Object.keys(offline[0] ?? {}).map((key) => [key, medianOf(offline, key)])));
    console.error(`${target.id} sample ${round + 1}: fresh client ${medianOf(fresh, 'held').toFixed(1)} ms, reconnect ${medianOf(offline, 'held').toFixed(1)} ms`);
  }
}
const ms = (/** @type {number} */ value) => value.toFixed(1);
console.log(`S3 catch-ups (${UPDATES} updates, ${OFFLINE_EDITS} offline edits), ${shape}: medians over ${rounds} rounds, then over ${samples} fresh processes; ms from connect`);
console.log('\n| relay | fresh: open | catch-up arrives | held | relay CPU main | relay CPU other threads |\n|---|---:|---:|---:|---:|---:|');
for (const [id, { fresh }] of results) {
  console.log(`| ${id} | ${['open', 'arrived', 'held', 'main', 'others'].map((key) => ms(medianOf(fresh, key))).join(' | ')} |`);
}
console.log('\n| relay | reconnect: open | synced | edits arrive | held | relay CPU main | relay CPU other threads |\n|---|---:|---:|---:|---:|---:|---:|');
for (const [id, { offline }] of results) {
  console.log(`| ${id} | ${['open', 'synced', 'arrived', 'held', 'main', 'others'].map((key) => ms(medianOf(offline, key))).join(' | ')} |`);
}
process.exit(0);
