// @ts-check
// S4 crash: kill -9 right after the last of many writes was acknowledged, restart on the same data, count what a
// fresh client gets back. A relay that does not acknowledge writes counts as having acknowledged a write once it
// delivered it to another client: that is when the writer's user sees it "saved" on the other screen.
import { performance } from 'node:perf_hooks';
import { LightClient } from '../clients/light-client.js';
import { startServer } from '../servers/targets.js';
import { writeEdits } from './write.js';

const FULL = { writes: 5000, recoveryMs: 5_000 };
const SMOKE = { writes: 100, recoveryMs: 1_000 };
const ACK_TIMEOUT_MS = 30_000;

/** @type {import('./types.js').Scenario} */
export const s4 = {
  id: 'S4',
  title: 'crash: kill -9 after acknowledged writes, restart on the same data',
  appliesTo: (target) => target.persistent,
  async run(target, smoke) {
    const size = smoke ? SMOKE : FULL;
    const first = await startServer(target);
    /** @param {string} url */
    const client = (url) => new LightClient({ base: url, protocol: target.protocol, docName: 's4' });
    const writer = client(first.url);
    const observer = client(first.url);
    /** @type {LightClient | null} */
    let fresh = null;
    /** @type {Awaited<ReturnType<typeof startServer>> | null} */
    let second = null;
    try {
      await writer.connect();
      await observer.connect();
      const id = writer.clientID;
      await writeEdits(writer, size.writes);
      await observer.until(() => observer.held(id) >= size.writes, ACK_TIMEOUT_MS, 'S4 writes to be acknowledged');
      await first.server.crash();
      writer.terminate();
      observer.terminate();

      second = await startServer(target, first.dataDir);
      fresh = client(second.url);
      const started = performance.now();
      await fresh.connect();
      const heldAtSync = fresh.heldAtSync?.get(id) ?? 0;
      const restored = fresh;
      // Content lost in the crash never arrives: wait a bounded time, then count what did.
      const allAt = await restored
        .until(() => restored.held(id) >= size.writes, size.recoveryMs, 'S4 restored content')
        .catch(() => null);
      return {
        failures: [],
        metrics: [
          { key: 's4.lost', label: `S4: acknowledged updates lost of ${size.writes}`, unit: 'updates', value: size.writes - fresh.held(id), digits: 0 },
          { key: 's4.restore', label: 'S4: fresh client holds all content after restart', unit: 'ms', value: allAt === null ? null : allAt - started, digits: 1 },
          { key: 's4.missingAtSync', label: 'S4: stored updates the fresh client still lacked when told synced', unit: 'updates', value: fresh.held(id) - heldAtSync, digits: 0 },
        ],
      };
    } finally {
      for (const c of [writer, observer, fresh]) await c?.close();
      await first.server.stop();
      await second?.server.stop();
    }
  },
};
