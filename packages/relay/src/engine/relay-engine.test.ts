// Over 300 lines: the engine's behaviour end to end over a controlled storage, one describe per path (updates,
// catch-up, load and unload, awareness, corrupt updates) sharing the same fixtures.
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ControlledStorage, deferred } from '../../test/support/controlled-storage.js';
import { FakeMember } from '../../test/support/fake-member.js';
import { textReplica } from '../../test/support/text-replica.js';
import { nextTurn, waitFor } from '../../test/support/wait.js';
import { encodeAwarenessUpdate } from './awareness-states.js';
import { MERGE_FROM, RelayEngine } from './relay-engine.js';

const engines: RelayEngine[] = [];
function createEngine(storage = new ControlledStorage(), idleUnloadMs = 60_000, compactThreshold = 500) {
  const engine = new RelayEngine({ storage, idleUnloadMs, compactThreshold });
  engines.push(engine);
  return { engine, storage };
}
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
});

const client = textReplica;

function textOf(updates: readonly Uint8Array[]): string {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc.getText('t').toString();
}

describe('RelayEngine: the update path', () => {
  it('persists before forwarding, forwards to the others only, and acks with the end clocks', async () => {
    const { engine, storage } = createEngine();
    const [a, b] = [new FakeMember(), new FakeMember()];
    await engine.join('d', a);
    await engine.join('d', b);
    const writer = client(7);
    const update = writer.edit('hi');
    const ack = engine.submitUpdate('d', a, update);
    expect(b.updates).toHaveLength(0); // not before the write
    const clocks = await ack;
    expect(Y.decodeStateVector(clocks)).toEqual(new Map([[7, 2]]));
    expect(b.updates.map((u) => u.update)).toEqual([update]);
    expect(a.updates).toHaveLength(0);
    expect(await storage.inner.loadUpdates('d')).toEqual([update]);
  });

  it("writes the updates of one turn, across documents, in one storage call, and keeps each document's order", async () => {
    const { engine, storage } = createEngine();
    const [a, b] = [new FakeMember(), new FakeMember()];
    for (const doc of ['x', 'y']) {
      await engine.join(doc, a);
      await engine.join(doc, b);
    }
    const writers = { x: client(1), y: client(2) };
    const docOf = (i: number) => (i % 2 ? 'x' : 'y');
    const sent = Array.from({ length: 20 }, (_, i) => writers[docOf(i)].edit(String(i % 10)));
    await Promise.all(sent.map((update, i) => engine.submitUpdate(docOf(i), a, update)));
    expect(storage.appendCalls).toHaveLength(1);
    expect(storage.appendCalls[0]).toHaveLength(20);
    for (const doc of ['x', 'y']) {
      const received = b.updates.filter((u) => u.doc === doc).map((u) => u.update);
      expect(received).toEqual(sent.filter((_, i) => docOf(i) === doc));
    }
    expect(a.updates).toHaveLength(0);
  });

  it('forwards a write batch of MERGE_FROM updates as one merged update to members that accept it, each update to the others', async () => {
    const { engine } = createEngine();
    const merging = Object.assign(new FakeMember(), { acceptsMergedUpdates: true });
    const [plain, writerA, writerB] = [new FakeMember(), new FakeMember(), new FakeMember()];
    for (const member of [merging, plain, writerA, writerB]) await engine.join('d', member);
    const [a, b] = [client(1), client(2)];
    const sent = Array.from({ length: MERGE_FROM }, (_, i) => (i % 2 ? b.edit('b') : a.edit('a')));
    const writerOf = (i: number) => (i % 2 ? writerB : writerA);
    await Promise.all(sent.map((update, i) => engine.submitUpdate('d', writerOf(i), update)));
    expect(merging.updates).toHaveLength(1);
    expect(textOf(merging.updates.map((u) => u.update)).split('').sort().join('')).toBe('a'.repeat(MERGE_FROM / 2) + 'b'.repeat(MERGE_FROM / 2));
    expect(plain.updates.map((u) => u.update)).toEqual(sent);
    expect(writerA.updates.map((u) => u.update)).toEqual(sent.filter((_, i) => writerOf(i) === writerB));
    expect(writerB.updates.map((u) => u.update)).toEqual(sent.filter((_, i) => writerOf(i) === writerA));
  });

  it('forwards a smaller write batch unmerged, as one list per member that takes lists, without its own updates', async () => {
    const { engine } = createEngine();
    class ListingMember extends FakeMember {
      readonly acceptsMergedUpdates = true;
      readonly lists: Uint8Array[][] = [];
      receiveUpdateList(_doc: string, updates: readonly Uint8Array[]): void {
        this.lists.push([...updates]);
      }
    }
    const [reader, writerA, writerB] = [new ListingMember(), new ListingMember(), new ListingMember()];
    for (const member of [reader, writerA, writerB]) await engine.join('d', member);
    const [a, b] = [client(1), client(2)];
    const sent = [a.edit('a'), b.edit('b'), a.edit('c')];
    await Promise.all(sent.map((update, i) => engine.submitUpdate('d', i === 1 ? writerB : writerA, update)));
    expect(reader.lists).toEqual([sent]);
    expect(reader.updates).toHaveLength(0);
    // One update left for writer B: as a single update, not a list of one.
    expect(writerB.lists).toEqual([[sent[0], sent[2]]]);
    expect(writerA.updates.map((u) => u.update)).toEqual([sent[1]]);
    expect(writerA.lists).toEqual([]);
  });

  it('sends a member that wrote every update of the batch nothing back, even merged', async () => {
    const { engine } = createEngine();
    const writer = Object.assign(new FakeMember(), { acceptsMergedUpdates: true });
    const other = Object.assign(new FakeMember(), { acceptsMergedUpdates: true });
    await engine.join('d', writer);
    await engine.join('d', other);
    const replica = client(4);
    const sent = Array.from({ length: MERGE_FROM }, (_, i) => replica.edit(String.fromCharCode(97 + i)));
    await Promise.all(sent.map((update) => engine.submitUpdate('d', writer, update)));
    expect(writer.updates).toHaveLength(0);
    expect(other.updates).toHaveLength(1);
    expect(textOf(other.updates.map((u) => u.update))).toBe('abcdefgh'.slice(0, MERGE_FROM));
  });

  it('resolves without clocks for unacknowledged submissions, after forwarding', async () => {
    const { engine } = createEngine();
    const [a, b] = [new FakeMember(), new FakeMember()];
    await engine.join('d', a);
    await engine.join('d', b);
    const update = client(3).edit('x');
    await engine.submitUpdateUnacknowledged('d', a, update);
    expect(b.updates).toEqual([{ doc: 'd', update }]);
  });

  it("starts the next turn's write while the previous one is still in flight, and completes them in order", async () => {
    const { engine, storage } = createEngine();
    const [a, b] = [new FakeMember(), new FakeMember()];
    await engine.join('d', a);
    await engine.join('d', b);
    const gate = deferred();
    storage.appendGate = gate.promise;
    const writer = client(1);
    const first = engine.submitUpdate('d', a, writer.edit('a'));
    await nextTurn();
    const second = engine.submitUpdate('d', a, writer.edit('b'));
    await waitFor(() => storage.appendCalls.length === 2, 'second write to start');
    expect(b.updates).toHaveLength(0);
    gate.resolve();
    await Promise.all([first, second]);
    expect(textOf(b.updates.map((u) => u.update))).toBe('ab');
  });

  it('refuses an undecodable update: never stored, nobody affected, the document still loads', async () => {
    const { engine, storage } = createEngine();
    const [a, b] = [new FakeMember(), new FakeMember()];
    await engine.join('d', a);
    await engine.join('d', b);
    const good = client(1).edit('ok');
    await engine.submitUpdate('d', b, good);
    await expect(engine.submitUpdate('d', a, good.subarray(0, good.length - 1))).rejects.toMatchObject({ code: 'ERR_MALFORMED_UPDATE' });
    await expect(engine.submitUpdate('d', a, Uint8Array.of(1, 2, 3))).rejects.toMatchObject({ code: 'ERR_MALFORMED_UPDATE' });
    expect(await storage.inner.loadUpdates('d')).toEqual([good]);
    const fresh = createEngine(storage).engine;
    const view = await fresh.join('d', new FakeMember());
    expect(textOf([view.sync(Uint8Array.of(0)).update])).toBe('ok');
  });

  it('validates an exact-size copy of an update that is a view into a larger buffer', async () => {
    const { engine, storage } = createEngine();
    const a = new FakeMember();
    await engine.join('d', a);
    const update = client(1).edit('x');
    const big = new Uint8Array(update.length + 10).fill(0xff);
    big.set(update, 5);
    await engine.submitUpdate('d', a, big.subarray(5, 5 + update.length));
    const [stored] = await storage.inner.loadUpdates('d');
    expect(stored).toEqual(update);
    expect(stored?.buffer.byteLength).toBe(update.length);
  });

  it('does not store the empty update', async () => {
    const { engine, storage } = createEngine();
    const a = new FakeMember();
    await engine.join('d', a);
    await engine.submitUpdate('d', a, Uint8Array.of(0, 0));
    expect(storage.appendCalls).toHaveLength(0);
  });

  it('a failed write is neither acknowledged nor forwarded nor kept in memory; later writes go through', async () => {
    const { engine, storage } = createEngine();
    const [a, b] = [new FakeMember(), new FakeMember()];
    await engine.join('d', a);
    await engine.join('d', b);
    const failures: unknown[] = [];
    engine.on('storageFailed', (error) => failures.push(error));
    storage.failAppends = true;
    const writer = client(1);
    await expect(engine.submitUpdate('d', a, writer.edit('lost'))).rejects.toMatchObject({ code: 'ERR_STORAGE' });
    expect(b.updates).toHaveLength(0);
    expect(failures).toHaveLength(1);
    storage.failAppends = false;
    const view = await engine.join('d', new FakeMember());
    expect(textOf([view.sync(Uint8Array.of(0)).update])).toBe('');
    await engine.submitUpdate('d', a, Y.encodeStateAsUpdate(writer.doc)); // the client re-sends on resync
    expect(textOf(b.updates.map((u) => u.update))).toBe('lost');
  });

  it('refuses updates and awareness for a document the member has not joined', async () => {
    const { engine } = createEngine();
    const a = new FakeMember();
    await expect(engine.submitUpdate('d', a, client(1).edit('x'))).rejects.toMatchObject({ code: 'ERR_NOT_SUBSCRIBED' });
    expect(() => engine.submitAwareness('d', a, encodeAwarenessUpdate([]))).toThrow(expect.objectContaining({ code: 'ERR_NOT_SUBSCRIBED' }) as Error);
  });
});

describe('RelayEngine: catch-up', () => {
  it('gives a new client the merged update as is and an existing one the diff against its state vector', async () => {
    const { engine } = createEngine();
    const a = new FakeMember();
    await engine.join('d', a);
    const writer = client(1);
    await engine.submitUpdate('d', a, writer.edit('hello'));
    const partial = Y.encodeStateVector(writer.doc);
    await engine.submitUpdate('d', a, writer.edit(' world'));
    const view = await engine.join('d', new FakeMember());
    expect(textOf([view.sync(Uint8Array.of(0)).update])).toBe('hello world');
    const diff = view.sync(partial);
    expect(diff.update.byteLength).toBeLessThan(Y.encodeStateAsUpdate(writer.doc).byteLength);
    expect(Y.decodeStateVector(diff.stateVector)).toEqual(new Map([[1, 11]]));
    expect(() => view.sync(Uint8Array.of(5))).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED_STATE_VECTOR' }) as Error);
  });
});

describe('RelayEngine: loading and unloading', () => {
  it('loads once for concurrent joins (single-flight)', async () => {
    const { engine, storage } = createEngine();
    const gate = deferred();
    storage.loadGate = gate.promise;
    const joins = [engine.join('d', new FakeMember()), engine.join('d', new FakeMember()), engine.join('d', new FakeMember())];
    gate.resolve();
    const views = await Promise.all(joins);
    expect(storage.loadCalls).toBe(1);
    expect(new Set(views).size).toBe(1);
  });

  it('unloads an idle room after the idle period and reloads it from storage', async () => {
    const { engine } = createEngine(new ControlledStorage(), 5);
    const a = new FakeMember();
    await engine.join('d', a);
    await engine.submitUpdate('d', a, client(1).edit('kept'));
    engine.leave('d', a);
    await waitFor(() => engine.loadedDocuments.length === 0, 'unload');
    const view = await engine.join('d', new FakeMember());
    expect(textOf([view.sync(Uint8Array.of(0)).update])).toBe('kept');
  });

  it('does not unload while a write of the room is in flight, even with no members left', async () => {
    const { engine, storage } = createEngine(new ControlledStorage(), 0);
    const a = new FakeMember();
    await engine.join('d', a);
    const gate = deferred();
    storage.appendGate = gate.promise;
    const write = engine.submitUpdate('d', a, client(1).edit('late'));
    engine.leave('d', a);
    await new Promise((resolve) => setTimeout(resolve, 20)); // several idle periods pass while the write is held
    expect(engine.loadedDocuments).toEqual(['d']);
    gate.resolve();
    await write;
    await waitFor(() => engine.loadedDocuments.length === 0, 'unload after the write');
  });

  it('a client arriving while the room unloads waits and gets the latest content, never a stale copy', async () => {
    const storage = new ControlledStorage();
    const { engine } = createEngine(storage, 0, 2); // threshold 2: unloading compacts, which we hold
    const a = new FakeMember();
    await engine.join('d', a);
    const writer = client(1);
    // Compaction also runs in the background after writes: hold it from the start, so the unload has to wait for it.
    const gate = deferred();
    storage.compactGate = gate.promise;
    for (const text of ['a', 'b', 'c']) await engine.submitUpdate('d', a, writer.edit(text));
    const unloaded = new Promise<void>((resolve) => engine.once('roomUnloaded', () => resolve()));
    engine.leave('d', a);
    await waitFor(() => engine.loadedDocuments.length === 0, 'unloading to start');
    const loadsBefore = storage.loadCalls;
    const late = engine.join('d', new FakeMember());
    await nextTurn();
    expect(storage.loadCalls).toBe(loadsBefore); // no load while unloading
    gate.resolve();
    await unloaded;
    const view = await late;
    expect(textOf([view.sync(Uint8Array.of(0)).update])).toBe('abc');
    expect(storage.loadCalls).toBe(loadsBefore + 1);
  });

  it('a failed load rejects every waiting join, and the next join retries', async () => {
    const { engine, storage } = createEngine();
    storage.loadGate = Promise.reject(new Error('io'));
    storage.loadGate.catch(() => undefined);
    await expect(Promise.all([engine.join('d', new FakeMember()), engine.join('d', new FakeMember())])).rejects.toMatchObject({
      code: 'ERR_LOAD_FAILED',
    });
    storage.loadGate = null;
    await expect(engine.join('d', new FakeMember())).resolves.toBeDefined();
  });

  it('close completes queued writes before resolving', async () => {
    const { engine, storage } = createEngine();
    const a = new FakeMember();
    await engine.join('d', a);
    const write = engine.submitUpdate('d', a, client(1).edit('z'));
    await engine.close();
    await write;
    expect(await storage.inner.loadUpdates('d')).toHaveLength(1);
    await expect(engine.join('d', a)).rejects.toMatchObject({ code: 'ERR_ENGINE_CLOSED' });
  });
});

describe('RelayEngine: awareness', () => {
  const state = (clientID: number, clock: number, value: unknown) => encodeAwarenessUpdate([{ clientID, clock, state: JSON.stringify(value) }]);

  it('relays to the others, remembers the latest state for newcomers, drops echoes, and removes on leave', async () => {
    const { engine, storage } = createEngine();
    const [a, b] = [new FakeMember(), new FakeMember()];
    await engine.join('d', a);
    await engine.join('d', b);
    engine.submitAwareness('d', a, state(10, 1, { name: 'A' }));
    engine.submitAwareness('d', a, state(10, 2, { name: 'A2' }));
    expect(b.awareness).toHaveLength(2);
    engine.submitAwareness('d', b, state(10, 2, { name: 'A2' })); // b re-broadcasting what it received
    expect(a.awareness).toHaveLength(0);
    const c = new FakeMember();
    const view = await engine.join('d', c);
    expect(view.awareness()).toEqual(state(10, 2, { name: 'A2' }));
    engine.leave('d', a);
    expect(b.awareness.at(-1)?.update).toEqual(encodeAwarenessUpdate([{ clientID: 10, clock: 3, state: 'null' }]));
    expect(view.awareness()).toBeNull();
    expect(storage.appendCalls).toHaveLength(0);
    expect(() => engine.submitAwareness('d', b, Uint8Array.of(1, 1))).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED_AWARENESS' }) as Error);
  });
});

describe('RelayEngine: policy for decodable-but-corrupt updates', () => {
  /** Finds a single-bit flip of the last update that Yjs decodes but that throws when applied on top of the others. */
  function corruptButDecodable(): { before: Uint8Array[]; corrupt: Uint8Array } {
    const writer = client(5);
    const updates: Uint8Array[] = [];
    for (let k = 0; k < 6; k++) {
      const text = writer.doc.getText('t');
      if (k % 3 === 2) text.delete(1, 2);
      else writer.edit(`ab${k}`);
      writer.doc.getMap('m').set(`k${k % 2}`, k);
    }
    writer.doc.on('update', (update: Uint8Array) => updates.push(update));
    const before = [Y.encodeStateAsUpdate(writer.doc)];
    writer.doc.getText('t').insert(2, 'xyz');
    writer.doc.getMap('m').set('k0', 99);
    const target = Y.mergeUpdates(updates);
    for (let i = 0; i < target.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const corrupt = target.slice();
        corrupt[i] = (corrupt[i] ?? 0) ^ (1 << bit);
        try {
          Y.decodeUpdate(corrupt);
        } catch {
          continue;
        }
        try {
          const replica = new Y.Doc();
          for (const update of before) Y.applyUpdate(replica, update);
          Y.applyUpdate(replica, corrupt);
        } catch {
          return { before, corrupt };
        }
      }
    }
    throw new Error('no corrupt-but-decodable flip found');
  }

  it('refuses it before storage: no member receives it, and the stored document applies cleanly', async () => {
    const { before, corrupt } = corruptButDecodable();
    const { engine, storage } = createEngine();
    const [a, b] = [new FakeMember(), new FakeMember()];
    await engine.join('d', a);
    await engine.join('d', b);
    for (const update of before) await engine.submitUpdate('d', a, update);
    const refusals: string[] = [];
    engine.on('updateRefused', (_doc, code) => refusals.push(code));
    await expect(engine.submitUpdate('d', a, corrupt)).rejects.toMatchObject({ code: 'ERR_CORRUPT_UPDATE' });
    expect(refusals).toEqual(['ERR_CORRUPT_UPDATE']);
    expect(b.updates.map((u) => u.update)).toEqual(before);
    expect(await storage.inner.loadUpdates('d')).toEqual(before);
    const view = await engine.join('d', new FakeMember());
    const fresh = new Y.Doc();
    fresh.on('update', () => undefined); // receivers listen: Yjs then encodes the delete set, where some corrupt updates throw
    expect(() => Y.applyUpdate(fresh, view.sync(Uint8Array.of(0)).update)).not.toThrow();
  });
});
