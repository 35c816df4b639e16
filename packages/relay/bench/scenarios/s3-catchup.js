// @ts-check
// S3 catch-up on a loaded document with many small updates: how long a brand-new client takes to hold all of it, and
// how long the edits of a client that was offline take to reach another client after it reconnects.
import { performance } from 'node:perf_hooks';
import { LightClient } from '../clients/light-client.js';
import { startServer } from '../servers/targets.js';
import { median } from '../lib/stats.js';
import { SHAPES, SHAPE_LABEL } from '../clients/shapes.js';
import { shapeKey } from './s1-fanout.js';
import { writeEdits } from './write.js';

const FULL = { updates: 5000, offlineEdits: 500, warmUpRounds: 1, rounds: 11, quietMs: 5_000 };
const SMOKE = { updates: 100, offlineEdits: 20, warmUpRounds: 1, rounds: 1, quietMs: 500 };
const TIMEOUT_MS = 30_000;

/**
 * S3 catch-up. Each phase is measured `rounds` times within a run, after `warmUpRounds` that are not counted, and the
 * median kept: one phase takes 8-30 ms, where a single garbage collection in the bench process (which hosts every
 * light client) takes 10-15 ms, so one sample per run ranked the relays by where that collection fell; and the first
 * round ran the clients' catch-up code cold, which the first relay of every run paid. The offline rounds follow one
 * another, as a client on a flaky network reconnects again and again: each finds the edits of the one before.
 * @type {import('./types.js').Scenario}
 */
export const s3 = {
  id: 'S3',
  title: 'catch-up: a fresh client, and an offline client reconnecting',
  // The raw floor keeps no document to catch up from.
  appliesTo: (target) => target.protocol !== 'raw',
  // Three shapes, each 2 × 12 rounds with a wait for the relay to be quiet before each.
  timeoutMs: () => 600_000,
  async run(target, smoke) {
    /** @type {import('./types.js').Outcome} */
    const outcome = { metrics: [], failures: [] };
    for (const shape of SHAPES) outcome.metrics.push(...(await catchUp(target, smoke ? SMOKE : FULL, shape)));
    return outcome;
  },
};

/**
 * S3's loaded document: `writer` makes `updates` edits, one message each, and `observer` holds them all. With `delete`,
 * the writer's edits delete text it typed first (one update), so the document holds both.
 * @param {LightClient} writer
 * @param {LightClient} observer
 * @param {import('../clients/shapes.js').Shape} shape
 * @param {number} updates
 * @returns {Promise<number>} the characters typed first (what `holdsEdits` counts deletions of)
 */
export async function loadDocument(writer, observer, shape, updates) {
  await writer.connect();
  await observer.connect();
  const seeded = shape === 'delete' ? updates : 0;
  if (shape === 'delete') writer.seed(updates);
  await writeEdits(writer, updates);
  await observer.until(() => observer.holdsEdits(writer.clientID, seeded) >= updates, TIMEOUT_MS, 'S3 observer to hold every update');
  return seeded;
}

/**
 * @param {import('../servers/targets.js').Target} target
 * @param {typeof FULL} size
 * @param {import('../clients/shapes.js').Shape} shape
 * @returns {Promise<import('./types.js').Metric[]>}
 */
async function catchUp(target, size, shape) {
  const { server, url } = await startServer(target);
  const client = () => new LightClient({ base: url, protocol: target.protocol, docName: 's3', shape });
  const writer = client();
  const observer = client();
  /** @type {LightClient[]} */
  const clients = [writer, observer];
  try {
    const seeded = await loadDocument(writer, observer, shape, size.updates);
    const id = writer.clientID;

    const freshMs = [];
    let missingAtSync = 0;
    /** @type {LightClient | null} */
    let fresh = null;
    for (let round = 1 - size.warmUpRounds; round <= size.rounds; round++) {
      await fresh?.close();
      await server.quiet(size.quietMs);
      const newcomer = client();
      fresh = newcomer;
      clients.push(newcomer);
      const started = performance.now();
      await newcomer.connect();
      const heldAtSync = shape === 'delete' ? newcomer.holdsEdits(id, seeded) : (newcomer.heldAtSync?.get(id) ?? 0);
      missingAtSync = Math.max(missingAtSync, size.updates - heldAtSync);
      const held = await newcomer.until(() => newcomer.holdsEdits(id, seeded) >= size.updates, TIMEOUT_MS, 'S3 fresh client to hold every update');
      if (round > 0) freshMs.push(held - started);
    }

    // The last fresh client goes offline, edits, and comes back; its edits travel in the sync handshake.
    const offline = /** @type {LightClient} */ (fresh);
    const totalRounds = size.rounds + size.warmUpRounds;
    const offlineSeeded = shape === 'delete' ? totalRounds * size.offlineEdits : 0;
    if (shape === 'delete') {
      // What its offline rounds delete, typed (and delivered) while it is online, outside the measured rounds.
      offline.seed(offlineSeeded);
      await observer.until(() => observer.held(offline.clientID) >= offlineSeeded, TIMEOUT_MS, 'S3 offline client\'s text to reach the observer');
    }
    const offlineMs = [];
    for (let round = 1 - size.warmUpRounds; round <= size.rounds; round++) {
      await offline.close();
      offline.edit(size.offlineEdits);
      await server.quiet(size.quietMs);
      const reconnected = performance.now();
      await offline.connect();
      const expected = (round + size.warmUpRounds) * size.offlineEdits;
      const seen = await observer.until(() => observer.holdsEdits(offline.clientID, offlineSeeded) >= expected, TIMEOUT_MS, 'S3 offline edits to reach the observer');
      if (round > 0) offlineMs.push(seen - reconnected);
    }
    const key = (/** @type {string} */ what) => `s3.${shapeKey(shape)}${what}`;
    const shapeLabel = SHAPE_LABEL[shape];
    return [
      { key: key('fresh'), label: `S3 (${shapeLabel}): fresh client holds all ${size.updates} updates (median of ${size.rounds} clients, after ${size.warmUpRounds} not counted)`, unit: 'ms', value: median(freshMs), digits: 1 },
      { key: key('missingAtSync'), label: `S3 (${shapeLabel}): updates a fresh client still lacked when told synced (worst)`, unit: 'updates', value: missingAtSync, digits: 0 },
      { key: key('offline'), label: `S3 (${shapeLabel}): ${size.offlineEdits} offline edits reach another client after reconnect (median of ${size.rounds} rounds, after ${size.warmUpRounds} not counted)`, unit: 'ms', value: median(offlineMs), digits: 1 },
    ];
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
  }
}
