// @ts-check
// S2 many documents: one client and one edit per document. What a loaded document costs on the server's heap, and
// how much of it the server still holds once every client has left.
import { performance } from 'node:perf_hooks';
import { LightClient } from '../clients/light-client.js';
import { sleep } from '../lib/stats.js';
import { startServer } from '../servers/targets.js';

const FULL = { docs: 1000, keptAfterMs: 10_000, warmDocs: 1000 };
const SMOKE = { docs: 20, keptAfterMs: 300, warmDocs: 5 };
/** Handshakes in flight at once: enough to keep the server busy without overrunning the accept backlog. */
const CONCURRENCY = 50;
const STORED_TIMEOUT_MS = 20_000;

/**
 * @param {LightClient[]} clients
 * @param {(client: LightClient) => Promise<unknown>} step
 */
async function inBatches(clients, step) {
  for (let i = 0; i < clients.length; i += CONCURRENCY) await Promise.all(clients.slice(i, i + CONCURRENCY).map(step));
}

/**
 * The server holds our edit once a SyncStep2 it sends contains it; ask again until it does (a relay may still be
 * writing when the first answer goes out).
 * @param {LightClient} client
 */
async function untilStored(client) {
  const deadline = performance.now() + STORED_TIMEOUT_MS;
  while (client.ownClockInStep2 < 1) {
    if (performance.now() > deadline) throw new Error(`S2: the server never returned the edit of ${client.options.docName}`);
    client.requestFullState();
    await client.until(() => client.ownClockInStep2 >= 1, 500, 'S2 full state').catch(() => undefined);
  }
}

/** @type {import('./types.js').Scenario} */
export const s2 = {
  id: 'S2',
  title: 'many documents: one client and one edit each',
  appliesTo: () => true,
  async run(target, smoke) {
    const size = smoke ? SMOKE : FULL;
    const { server, url } = await startServer(target);
    const clients = Array.from({ length: size.docs }, (_, i) => new LightClient({ base: url, protocol: target.protocol, docName: `s2-${i}` }));
    try {
      // A warm-up round on other documents first, then as long a wait as the measured round gets: the baseline then
      // holds the code every server compiles on first use (V8 code and feedback are heap too), so the figures below
      // count documents and connections, not one-off compilation. As many documents as the measured round: V8
      // optimises a function only once it has run often, and after a round of 100 the measured round still compiled
      // about 0.5 KiB of optimised code per document in Concord (heap snapshots before and after it).
      const warm = Array.from({ length: size.warmDocs }, (_, i) => new LightClient({ base: url, protocol: target.protocol, docName: `s2-warm-${i}` }));
      await inBatches(warm, (client) => client.connect());
      for (const client of warm) client.edit();
      if (target.protocol !== 'raw') await inBatches(warm, untilStored);
      await Promise.all(warm.map((client) => client.close()));
      await sleep(size.keptAfterMs);
      const baseline = await server.heapUsed();
      const started = performance.now();
      await inBatches(clients, (client) => client.connect());
      const openMs = performance.now() - started;
      for (const client of clients) client.edit();
      // The raw floor stores nothing and has no handshake to ask with.
      if (target.protocol !== 'raw') await inBatches(clients, untilStored);
      const loaded = await server.heapUsed();
      await Promise.all(clients.map((client) => client.close()));
      await sleep(size.keptAfterMs);
      const after = await server.heapUsed();
      const perDoc = (loaded - baseline) / size.docs / 1024;
      return {
        failures: [],
        metrics: [
          { key: 's2.open', label: `S2: open ${size.docs} documents (connect + sync)`, unit: 'ms', value: openMs, digits: 0 },
          { key: 's2.heapPerDoc', label: 'S2: heap per loaded document after GC', unit: 'KiB', value: perDoc, digits: 1 },
          {
            key: 's2.kept',
            label: `S2: heap kept ${size.keptAfterMs / 1000} s after every client left`,
            unit: '%',
            value: loaded > baseline ? (100 * (after - baseline)) / (loaded - baseline) : null,
            digits: 0,
          },
        ],
      };
    } finally {
      await Promise.all(clients.map((client) => client.close()));
      await server.stop();
    }
  },
};
