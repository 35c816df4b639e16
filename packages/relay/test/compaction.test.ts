import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mergeUpdatesTree } from '../src/engine/merge-tree.js';
import { RelayEngine } from '../src/engine/relay-engine.js';
import { RAW_UPDATES_BEFORE_MERGE, UpdateLog } from '../src/engine/update-log.js';
import { LevelDbStorage } from '../src/storage/leveldb-storage.js';
import { MemoryStorage } from '../src/storage/memory-storage.js';
import { FakeMember } from './support/fake-member.js';
import { tempDir } from './support/relay-process.js';
import { waitFor } from './support/wait.js';

// The 100,000-update figure comes from bench/compaction-100k.js (this test at that size exhausts the worker heap in
// vitest, though the relay itself loads it in about 0.9 s: see that script).
const UPDATES = Number(process.env.CONCORD_COMPACTION_UPDATES ?? 5_000);

let data: { path: string; remove: () => Promise<void> };
beforeAll(async () => (data = await tempDir()));
afterAll(async () => data.remove());

function smallUpdates(count: number): Uint8Array[] {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  const items = doc.getArray<number>('items');
  for (let i = 0; i < count; i++) items.push([i]);
  return updates;
}

async function timeLoad(storage: LevelDbStorage, doc: string): Promise<{ ms: number; items: number }> {
  const engine = new RelayEngine({ storage, idleUnloadMs: 0, compactThreshold: Number.MAX_SAFE_INTEGER, compactBytes: Number.MAX_SAFE_INTEGER });
  const member = new FakeMember();
  const start = performance.now();
  const view = await engine.join(doc, member);
  const { update } = view.sync(Uint8Array.of(0));
  const ms = performance.now() - start;
  engine.leave(doc, member);
  await engine.close();
  const replica = new Y.Doc();
  Y.applyUpdate(replica, update);
  return { ms, items: replica.getArray('items').length };
}

describe('compaction', () => {
  it(`loading a ${UPDATES}-update document: before and after compaction (one atomic batch)`, async () => {
    const storage = await LevelDbStorage.open(data.path);
    const updates = smallUpdates(UPDATES);
    for (let i = 0; i < updates.length; i += 1000) {
      await storage.appendUpdates(updates.slice(i, i + 1000).map((update) => ({ doc: 'big', update })));
    }
    const before = await timeLoad(storage, 'big');
    const compactStart = performance.now();
    const result = await storage.compact('big', mergeUpdatesTree);
    const compactMs = performance.now() - compactStart;
    const after = await timeLoad(storage, 'big');
    await storage.close();
    console.info(
      `load of a ${UPDATES}-update document: ${before.ms.toFixed(0)} ms before compaction, ${after.ms.toFixed(0)} ms after ` +
        `(compaction ${compactMs.toFixed(0)} ms, ${result.bytesBefore} → ${result.bytesAfter} bytes)`,
    );
    expect(result.replaced).toBe(UPDATES);
    expect(before.items).toBe(UPDATES);
    expect(after.items).toBe(UPDATES);
    expect(after.ms).toBeLessThan(before.ms);
  }, 180_000);

  it('compacts in the background while the room is loaded, by update count or by bytes', async () => {
    for (const options of [{ compactThreshold: 20 }, { compactThreshold: 1_000_000, compactBytes: 200 }]) {
      const storage = new MemoryStorage();
      const engine = new RelayEngine({ storage, idleUnloadMs: 60_000, ...options });
      const member = new FakeMember();
      await engine.join('d', member);
      const compactions: number[] = [];
      engine.on('compacted', (_doc, result) => compactions.push(result.replaced));
      for (const update of smallUpdates(50)) await engine.submitUpdate('d', member, update);
      await waitFor(() => compactions.length > 0, 'a background compaction');
      expect((await storage.loadUpdates('d')).length).toBeLessThan(50);
      const replica = new Y.Doc();
      for (const update of await storage.loadUpdates('d')) Y.applyUpdate(replica, update);
      expect(replica.getArray('items').length).toBe(50);
      engine.leave('d', member);
      await engine.close();
    }
  });

  it('keeps the in-memory log merged in chunks: a catch-up merges at most the raw bound and a few dozen entries', () => {
    const updates = smallUpdates(5_000);
    const log = new UpdateLog();
    for (const update of updates) log.append(update);
    expect(log.pendingEntries).toBeLessThanOrEqual(RAW_UPDATES_BEFORE_MERGE + 31 * 2);
    const start = performance.now();
    const merged = log.merged();
    const ms = performance.now() - start;
    const replica = new Y.Doc();
    Y.applyUpdate(replica, merged);
    expect(replica.getArray('items').length).toBe(5_000);
    console.info(`catch-up merge after 5,000 appends: ${ms.toFixed(1)} ms over ${log.pendingEntries} entries`);
  });
});
