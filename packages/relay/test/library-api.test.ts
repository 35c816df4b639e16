import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MemoryStorage, RELAY_DEFAULTS, startRelay, type Relay } from '../src/index.js';
import { destroyAllStockClients, stockClient, synced } from './support/stock-client.js';
import { waitFor } from './support/wait.js';

const relays: Relay[] = [];
afterEach(async () => {
  destroyAllStockClients();
  for (const relay of relays.splice(0)) await relay.close();
});

describe('startRelay (library API, in process)', () => {
  it('serves stock clients from a MemoryStorage on a free port, and unloads idle documents', async () => {
    const relay = await startRelay({ port: 0, storage: new MemoryStorage(), idleUnloadMs: 10 });
    relays.push(relay);
    expect(relay.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const a = stockClient(relay.url, 'doc');
    const b = stockClient(relay.url, 'doc');
    await synced(a);
    await synced(b);
    a.doc.getText('title').insert(0, 'in process');
    await waitFor(() => b.doc.getText('title').toString() === 'in process', 'B to see A');
    a.destroy();
    b.destroy();
    await waitFor(() => relay.engine.loadedDocuments.length === 0, 'the idle document to unload');
    const c = stockClient(relay.url, 'doc');
    const replica = new Y.Doc();
    Y.applyUpdate(replica, await c.atFirstSync);
    expect(replica.getText('title').toString()).toBe('in process');
  });

  it('rejects impossible options', async () => {
    await expect(startRelay({ port: 70_000 })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
    await expect(startRelay({ storage: new MemoryStorage(), dataDir: './x' })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
    await expect(startRelay({ compactThreshold: 1 })).rejects.toThrow(/compactThreshold \(--compact-updates, CONCORD_COMPACT_UPDATES\) must be an integer >= 2; got 1/);
    expect(RELAY_DEFAULTS.port).toBe(1234);
  });
});
