// @ts-check
// S3 catch-up on a loaded document with many small updates: how long a brand-new client takes to hold all of it, and
// how long the edits of a client that was offline take to reach another client after it reconnects.
import { performance } from 'node:perf_hooks';
import { LightClient } from '../clients/light-client.js';
import { startServer } from '../servers/targets.js';
import { writeEdits } from './write.js';

const FULL = { updates: 5000, offlineEdits: 500, quietMs: 5_000 };
const SMOKE = { updates: 100, offlineEdits: 20, quietMs: 500 };
const TIMEOUT_MS = 30_000;

/** @type {import('./types.js').Scenario} */
export const s3 = {
  id: 'S3',
  title: 'catch-up: a fresh client, and an offline client reconnecting',
  // The raw floor keeps no document to catch up from.
  appliesTo: (target) => target.protocol !== 'raw',
  async run(target, smoke) {
    const size = smoke ? SMOKE : FULL;
    const { server, url } = await startServer(target);
    /** @param {string} docName */
    const client = (docName) => new LightClient({ base: url, protocol: target.protocol, docName });
    const writer = client('s3');
    const observer = client('s3');
    const fresh = client('s3');
    try {
      await writer.connect();
      await observer.connect();
      const id = writer.clientID;
      await writeEdits(writer, size.updates);
      await observer.until(() => observer.held(id) >= size.updates, TIMEOUT_MS, 'S3 observer to hold every update');
      await server.quiet(size.quietMs);

      const started = performance.now();
      await fresh.connect();
      const heldAtSync = fresh.heldAtSync?.get(id) ?? 0;
      const freshMs = (await fresh.until(() => fresh.held(id) >= size.updates, TIMEOUT_MS, 'S3 fresh client to hold every update')) - started;

      // The fresh client goes offline, edits, and comes back; its edits travel in the sync handshake.
      await fresh.close();
      fresh.edit(size.offlineEdits);
      await server.quiet(size.quietMs);
      const reconnected = performance.now();
      await fresh.connect();
      const seenMs =
        (await observer.until(() => observer.held(fresh.clientID) >= size.offlineEdits, TIMEOUT_MS, 'S3 offline edits to reach the observer')) -
        reconnected;
      return {
        failures: [],
        metrics: [
          { key: 's3.fresh', label: `S3: fresh client holds all ${size.updates} updates`, unit: 'ms', value: freshMs, digits: 1 },
          { key: 's3.missingAtSync', label: 'S3: updates the fresh client still lacked when told synced', unit: 'updates', value: size.updates - heldAtSync, digits: 0 },
          { key: 's3.offline', label: `S3: ${size.offlineEdits} offline edits reach another client after reconnect`, unit: 'ms', value: seenMs, digits: 1 },
        ],
      };
    } finally {
      await Promise.all([writer, observer, fresh].map((c) => c.close()));
      await server.stop();
    }
  },
};
