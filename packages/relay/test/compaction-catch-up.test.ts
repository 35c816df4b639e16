import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { RelayEngine } from '../src/engine/relay-engine.js';
import { COMPACT_WHEN_QUIET_MS, FORCE_COMPACTION_FACTOR } from '../src/engine/room-registry.js';
import type { CompactionResult, MergeUpdates } from '../src/storage/document-storage.js';
import { ControlledStorage, deferred } from './support/controlled-storage.js';
import { FakeMember } from './support/fake-member.js';
import { waitFor } from './support/wait.js';

/** Compactions complete in storage at once but report back only when the test lets them. */
class SlowReportingStorage extends ControlledStorage {
  reportGate: Promise<void> | null = null;
  readonly merges: number[] = [];

  override async compact(doc: string, merge: MergeUpdates): Promise<CompactionResult> {
    const result = await super.compact(doc, (updates) => {
      this.merges.push(updates.length);
      return merge(updates);
    });
    await this.reportGate;
    return result;
  }
}

function edits(count: number, clientID: number): Uint8Array[] {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (let i = 0; i < count; i++) doc.getMap('m').set(`k${i}`, i);
  return updates;
}

describe('compaction while a room is loaded', () => {
  it('compacts again as soon as a compaction ends past the threshold, not on the next write', async () => {
    const storage = new SlowReportingStorage();
    const engine = new RelayEngine({ storage, idleUnloadMs: 60_000, compactThreshold: 20 });
    const member = new FakeMember();
    await engine.join('d', member);
    const compactions: number[] = [];
    engine.on('compacted', (_doc, result) => compactions.push(result.replaced));
    const report = deferred();
    storage.reportGate = report.promise;
    const updates = edits(50, 5);
    for (const update of updates.slice(0, 20)) await engine.submitUpdate('d', member, update);
    await waitFor(() => storage.merges.length === 1, 'the first compaction (at the threshold) to merge');
    // Written while the first compaction has not reported: 31 stored updates once it does, past the threshold of 20.
    for (const update of updates.slice(20)) await engine.submitUpdate('d', member, update);
    storage.reportGate = null;
    report.resolve();
    await waitFor(() => compactions.length === 2, 'a second compaction without another write');
    expect(compactions).toEqual([20, 31]);
    const stored = await storage.inner.loadUpdates('d');
    expect(stored).toHaveLength(1);
    const replica = new Y.Doc();
    Y.applyUpdate(replica, stored[0] as Uint8Array);
    expect(replica.getMap('m').size).toBe(50);
    engine.leave('d', member);
    await engine.close();
  });

  it('waits for a steady stream of writes to pause before compacting, unless the log grows far past the threshold', async () => {
    const storage = new SlowReportingStorage();
    const threshold = 2;
    const forcedAt = threshold * FORCE_COMPACTION_FACTOR;
    const engine = new RelayEngine({ storage, idleUnloadMs: 60_000, compactThreshold: threshold });
    const member = new FakeMember();
    await engine.join('d', member);
    const updates = edits(forcedAt + 15, 8);
    // Past the threshold, writes keep coming faster than COMPACT_WHEN_QUIET_MS: no compaction yet.
    for (const update of updates.slice(0, 20)) {
      await engine.submitUpdate('d', member, update);
      await new Promise((resolve) => setTimeout(resolve, COMPACT_WHEN_QUIET_MS / 10));
    }
    expect(storage.merges).toEqual([]);
    // FORCE_COMPACTION_FACTOR times the threshold: compacts at once, pause or not.
    for (const update of updates.slice(20, forcedAt)) await engine.submitUpdate('d', member, update);
    await waitFor(() => storage.merges.length === 1, 'the forced compaction', COMPACT_WHEN_QUIET_MS / 2, 1);
    expect(storage.merges).toEqual([forcedAt]);
    // Once writes pause, the rest is compacted too.
    for (const update of updates.slice(forcedAt)) await engine.submitUpdate('d', member, update);
    await waitFor(() => storage.merges.length === 2, 'the compaction once writes pause');
    expect((await storage.inner.loadUpdates('d')).length).toBe(1);
    engine.leave('d', member);
    await engine.close();
  });

  it("stores the room's log in place of the stored updates: exactly the same content", async () => {
    const storage = new ControlledStorage();
    const engine = new RelayEngine({ storage, idleUnloadMs: 60_000, compactThreshold: 1_000_000 });
    const member = new FakeMember();
    await engine.join('d', member);
    const doc = new Y.Doc();
    doc.clientID = 6;
    const updates: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => updates.push(update));
    for (let i = 0; i < 200; i++) doc.getText('t').insert(i, 'x');
    for (const update of updates) await engine.submitUpdate('d', member, update);
    const rawBytes = updates.reduce((sum, update) => sum + update.byteLength, 0);
    engine.leave('d', member);
    await engine.close();
    // Loaded again with a low threshold: the load compacts, from the log just built out of the 200 stored updates.
    const engine2 = new RelayEngine({ storage, idleUnloadMs: 0, compactThreshold: 2 });
    const compacted = new Promise<CompactionResult>((resolve) => engine2.on('compacted', (_doc, result) => resolve(result)));
    const view = await engine2.join('d', member);
    const result = await compacted;
    expect(result.replaced).toBe(200);
    const stored = await storage.inner.loadUpdates('d');
    expect(stored).toHaveLength(1);
    const replica = new Y.Doc();
    Y.applyUpdate(replica, stored[0] as Uint8Array);
    expect(replica.getText('t').toString()).toBe(doc.getText('t').toString());
    expect(Y.encodeStateVector(replica)).toEqual(Y.encodeStateVector(doc));
    expect(view.sync(Uint8Array.of(0)).stateVector).toEqual(Y.encodeStateVector(doc));
    expect(result.bytesAfter).toBeLessThan(rawBytes);
    engine2.leave('d', member);
    await engine2.close();
  });
});
