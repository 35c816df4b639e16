import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { DocumentStorage } from '../../src/storage/document-storage.js';

/** Creates a fresh, empty storage; `reopen` (when the adapter persists) closes nothing and opens the same data again. */
export interface StorageFactory {
  create(): Promise<DocumentStorage>;
  reopen?: (() => Promise<DocumentStorage>) | undefined;
  cleanup?: (() => Promise<void>) | undefined;
}

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

function textUpdate(text: string, clientID = 1): { doc: Y.Doc; update: Uint8Array } {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  doc.getText('t').insert(0, text);
  return { doc, update: Y.encodeStateAsUpdate(doc) };
}

/** The contract every `DocumentStorage` adapter must pass: call it from one test file per adapter. */
export function runDocumentStorageTests(name: string, factory: StorageFactory): void {
  describe(`DocumentStorage acceptance: ${name}`, () => {
    let storage: DocumentStorage;
    const open: DocumentStorage[] = [];

    beforeEach(async () => {
      storage = await factory.create();
      open.push(storage);
    });
    afterEach(async () => {
      for (const each of open.splice(0)) await each.close();
      await factory.cleanup?.();
    });

    it('stores checkpoints per document, oldest first, dropping the expired ones in the same write', async () => {
      expect(await storage.listCheckpoints('list')).toEqual([]);
      // Real snapshots: a document whose text grows and loses its first characters, one more at each time.
      const writer = textUpdate('0123456789').doc;
      const snapshots = new Map<number, Uint8Array>();
      for (const time of [1_000, 2_000, 3_000, 5_000]) {
        writer.getText('t').delete(0, 1);
        writer.getText('t').insert(writer.getText('t').length, String(time));
        snapshots.set(time, Y.encodeSnapshot(Y.snapshot(writer)));
      }
      const at = (time: number, ...by: string[]) => ({ at: time, snapshot: snapshots.get(time)!, by });
      await storage.putCheckpoint('list', at(3_000, 'ann'), []);
      await storage.putCheckpoint('list', at(1_000, 'bob'), []);
      await storage.putCheckpoint('list/', at(2_000), []);
      await storage.putCheckpoint('list', at(5_000, 'ann', 'bob'), [1_000]);
      expect(await storage.listCheckpoints('list')).toEqual([at(3_000, 'ann'), at(5_000, 'ann', 'bob')]);
      expect(await storage.listCheckpoints('list/')).toEqual([at(2_000)]);
      if (factory.reopen) {
        await storage.close();
        storage = await factory.reopen();
        open.push(storage);
        expect(await storage.listCheckpoints('list')).toEqual([at(3_000, 'ann'), at(5_000, 'ann', 'bob')]);
      }
    });

    it('loads nothing for an unknown document', async () => {
      expect(await storage.loadUpdates('nope')).toEqual([]);
      expect(await storage.listDocuments()).toEqual([]);
    });

    it('appends many documents in one call and loads each in order', async () => {
      await storage.appendUpdates([
        { doc: 'a', update: bytes(1) },
        { doc: 'b', update: bytes(2) },
        { doc: 'a', update: bytes(3) },
      ]);
      await storage.appendUpdates([{ doc: 'a', update: bytes(4) }]);
      expect(await storage.loadUpdates('a')).toEqual([bytes(1), bytes(3), bytes(4)]);
      expect(await storage.loadUpdates('b')).toEqual([bytes(2)]);
      expect(await storage.listDocuments()).toEqual(['a', 'b']);
    });

    it('keeps call order for appends issued without waiting, across more than 255 updates', async () => {
      const writes: Promise<void>[] = [];
      for (let i = 0; i < 300; i++) writes.push(storage.appendUpdates([{ doc: 'd', update: bytes(i & 0xff, i >> 8) }]));
      await Promise.all(writes);
      const loaded = await storage.loadUpdates('d');
      expect(loaded.map((u) => (u[0] ?? 0) + ((u[1] ?? 0) << 8))).toEqual([...Array(300).keys()]);
    });

    it('keeps documents whose names are prefixes of each other, or contain separators, apart', async () => {
      const names = ['x', 'x/1', 'x\u0000y', 'x1', 'ü/ß', 'list/task'];
      await storage.appendUpdates(names.map((doc, i) => ({ doc, update: bytes(i) })));
      for (const [i, doc] of names.entries()) expect(await storage.loadUpdates(doc)).toEqual([bytes(i)]);
      expect(new Set(await storage.listDocuments())).toEqual(new Set(names));
    });

    // Appended arrays are the caller's to leave alone (the storage may keep them); what a load returns is the reader's.
    it('copies: mutating a loaded buffer changes nothing stored', async () => {
      await storage.appendUpdates([{ doc: 'c', update: bytes(7, 7) }]);
      const [loaded] = await storage.loadUpdates('c');
      loaded?.fill(0);
      expect(await storage.loadUpdates('c')).toEqual([bytes(7, 7)]);
    });

    it('compacts a document into one merged update and keeps later appends after it', async () => {
      const first = textUpdate('hello ', 1);
      const second = textUpdate('world', 2);
      await storage.appendUpdates([{ doc: 'm', update: first.update }]);
      await storage.appendUpdates([{ doc: 'm', update: second.update }, { doc: 'other', update: bytes(1) }]);
      const compaction = storage.compact('m', (updates) => Y.mergeUpdates([...updates]));
      const late = textUpdate('!', 3);
      await storage.appendUpdates([{ doc: 'm', update: late.update }]);
      const result = await compaction;
      expect(result.replaced).toBeGreaterThanOrEqual(2);
      const loaded = await storage.loadUpdates('m');
      expect(loaded.length).toBeLessThanOrEqual(2);
      const doc = new Y.Doc();
      for (const update of loaded) Y.applyUpdate(doc, update);
      expect(doc.getText('t').toString().length).toBe('hello world!'.length);
      expect(await storage.loadUpdates('other')).toEqual([bytes(1)]);
    });

    it('compacting a document with at most one update is a no-op', async () => {
      expect((await storage.compact('none', () => bytes(0, 0))).replaced).toBe(0);
      await storage.appendUpdates([{ doc: 'one', update: bytes(5) }]);
      expect((await storage.compact('one', () => bytes(0, 0))).replaced).toBe(0);
      expect(await storage.loadUpdates('one')).toEqual([bytes(5)]);
    });

    it('quarantines the picked updates out of the log, lists them with their reason, and releases one after the others', async () => {
      await storage.appendUpdates([1, 2, 3, 4].map((n) => ({ doc: 'q/é', update: bytes(n) })));
      await storage.appendUpdates([{ doc: 'q', update: bytes(9) }]);
      const before = Date.now();
      const moved = await storage.quarantine('q/é', (updates) => {
        expect(updates).toEqual([bytes(1), bytes(2), bytes(3), bytes(4)]);
        return new Map([
          [1, 'self_reference'],
          [3, 'empty_delete_range'],
        ]);
      });
      expect(moved.map(({ doc, reason, update }) => ({ doc, reason, update }))).toEqual([
        { doc: 'q/é', reason: 'self_reference', update: bytes(2) },
        { doc: 'q/é', reason: 'empty_delete_range', update: bytes(4) },
      ]);
      expect(moved.every((entry) => entry.at >= before)).toBe(true);
      expect(await storage.loadUpdates('q/é')).toEqual([bytes(1), bytes(3)]);
      expect(await storage.loadUpdates('q')).toEqual([bytes(9)]);
      expect(await storage.listQuarantine()).toEqual(moved);
      expect(await storage.listQuarantine('q')).toEqual([]);
      await storage.appendUpdates([{ doc: 'q/é', update: bytes(5) }]);
      expect(await storage.releaseQuarantined('q/é', (moved[0] as { id: number }).id)).toBe(true);
      expect(await storage.releaseQuarantined('q/é', (moved[0] as { id: number }).id)).toBe(false);
      expect(await storage.loadUpdates('q/é')).toEqual([bytes(1), bytes(3), bytes(5), bytes(2)]);
      expect(await storage.listQuarantine('q/é')).toEqual([moved[1]]);
    });

    it('stores client bindings with the updates that introduce them', async () => {
      expect(await storage.loadClientBindings('b')).toEqual(new Map());
      await storage.appendUpdates([
        { doc: 'b', update: bytes(1), binds: new Map([[7, 'ann']]) },
        { doc: 'b2', update: bytes(2), binds: new Map([[7, 'bob'], [2 ** 40, 'zoë']]) },
        { doc: 'b', update: bytes(3) },
      ]);
      await storage.appendUpdates([{ doc: 'b', update: bytes(4), binds: new Map([[9, 'cy']]) }]);
      expect(await storage.loadClientBindings('b')).toEqual(new Map([[7, 'ann'], [9, 'cy']]));
      expect(await storage.loadClientBindings('b2')).toEqual(new Map([[7, 'bob'], [2 ** 40, 'zoë']]));
      expect(await storage.loadUpdates('b')).toEqual([bytes(1), bytes(3), bytes(4)]);
    });

    it('quarantining nothing changes nothing', async () => {
      await storage.appendUpdates([{ doc: 'n', update: bytes(1) }]);
      expect(await storage.quarantine('n', () => new Map())).toEqual([]);
      expect(await storage.quarantine('absent', () => new Map([[0, 'x']]))).toEqual([]);
      expect(await storage.loadUpdates('n')).toEqual([bytes(1)]);
    });

    it('refuses use after close, and close is idempotent', async () => {
      await storage.close();
      await storage.close();
      await expect(storage.appendUpdates([{ doc: 'a', update: bytes(1) }])).rejects.toMatchObject({ code: 'ERR_STORAGE_CLOSED' });
      await expect(storage.loadUpdates('a')).rejects.toMatchObject({ code: 'ERR_STORAGE_CLOSED' });
    });

    if (factory.reopen) {
      const reopen = factory.reopen;
      it('survives close and reopen: same updates, new appends after old ones', async () => {
        await storage.appendUpdates([{ doc: 'p', update: bytes(1) }, { doc: 'p', update: bytes(2) }]);
        await storage.close();
        storage = await reopen();
        open.push(storage);
        await storage.appendUpdates([{ doc: 'p', update: bytes(3) }]);
        expect(await storage.loadUpdates('p')).toEqual([bytes(1), bytes(2), bytes(3)]);
        expect(await storage.listDocuments()).toEqual(['p']);
      });

      it('keeps client bindings across close and reopen', async () => {
        await storage.appendUpdates([{ doc: 'k', update: bytes(1), binds: new Map([[5, 'ann']]) }]);
        await storage.close();
        storage = await reopen();
        open.push(storage);
        expect(await storage.loadClientBindings('k')).toEqual(new Map([[5, 'ann']]));
      });

      it('keeps the quarantine across close and reopen', async () => {
        await storage.appendUpdates([{ doc: 'r', update: bytes(1) }, { doc: 'r', update: bytes(2) }]);
        const moved = await storage.quarantine('r', () => new Map([[0, 'empty_struct']]));
        await storage.close();
        storage = await reopen();
        open.push(storage);
        expect(await storage.listQuarantine()).toEqual(moved);
        expect(await storage.loadUpdates('r')).toEqual([bytes(2)]);
      });

      it('close waits for writes in flight', async () => {
        const write = storage.appendUpdates([{ doc: 'w', update: bytes(9) }]);
        await storage.close();
        await write;
        storage = await reopen();
        open.push(storage);
        expect(await storage.loadUpdates('w')).toEqual([bytes(9)]);
      });
    }
  });
}
