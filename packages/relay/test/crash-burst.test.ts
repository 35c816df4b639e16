import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startRelayProcess, useRelayData } from './support/relay-process.js';
import { destroyAllStockClients, stockClient, synced } from './support/stock-client.js';
import { waitFor } from './support/wait.js';

const data = useRelayData(destroyAllStockClients);

describe('kill -9 during a burst', () => {
  it('loses no update that another client had received', async () => {
    let relay = await startRelayProcess(['--data', data.path]);
    const writer = stockClient(relay.url, 'burst');
    const watcher = stockClient(relay.url, 'burst');
    await synced(writer);
    await synced(watcher);
    const watched = watcher.doc.getArray<number>('items');

    // 500 updates, one transaction each, paced so the kill lands in the middle of the burst.
    let sent = 0;
    const burst = (async () => {
      const items = writer.doc.getArray<number>('items');
      for (; sent < 500 && relay.child.exitCode === null && relay.child.signalCode === null; sent++) {
        items.push([sent]);
        if (sent % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    await waitFor(() => watched.length >= 150, 'the watcher to receive 150 updates', 15_000);
    relay.child.kill('SIGKILL');
    await relay.exited;
    await burst;
    // Freeze both clients before the restart so nobody can re-upload what the relay might have lost.
    const received = new Set(watched.toArray());
    writer.destroy();
    watcher.destroy();

    relay = await startRelayProcess(['--data', data.path]);
    const fresh = stockClient(relay.url, 'burst');
    const state = await fresh.atFirstSync;
    const restored = new Y.Doc();
    Y.applyUpdate(restored, state);
    const stored = new Set(restored.getArray<number>('items').toArray());
    const lost = [...received].filter((item) => !stored.has(item));
    console.info(`kill -9 burst: writer sent ${sent}, watcher had received ${received.size}, stored after restart ${stored.size}, lost ${lost.length}`);
    expect(received.size).toBeGreaterThanOrEqual(150);
    expect(lost).toEqual([]);
  });
});
