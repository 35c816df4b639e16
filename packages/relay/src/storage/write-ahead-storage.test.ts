import fs from 'node:fs';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { runDocumentStorageTests } from '../../test/support/storage-acceptance.js';
import { StorageError } from '../errors.js';
import { MemoryStorage } from './memory-storage.js';
import { WriteAheadStorage } from './write-ahead-storage.js';

let directory = '';
let inner = new MemoryStorage();
runDocumentStorageTests('WriteAheadStorage over MemoryStorage', {
  create: async () => {
    directory = await mkdtemp(join(tmpdir(), 'concord-wal-'));
    inner = new MemoryStorage();
    return WriteAheadStorage.open(inner, directory, { flushIntervalMs: 5 });
  },
  cleanup: () => rm(directory, { recursive: true, force: true }),
});

function update(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = 1;
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

/** Stands for LevelDB that has not received the log's entries yet: a crash before the background write. */
class NeverWrites extends MemoryStorage {
  override appendUpdates(): Promise<void> {
    return new Promise(() => undefined);
  }
}

/** What a restart after a crash finds: the log in `dir` replayed into an empty storage. */
async function recoveredFrom(dir: string): Promise<MemoryStorage> {
  const recovered = new MemoryStorage();
  await WriteAheadStorage.open(recovered, dir);
  return recovered;
}

describe('WriteAheadStorage', () => {
  it('an append is in the log when the call returns: after a crash before the background write, the next open replays it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'concord-wal-'));
    const crashed = await WriteAheadStorage.open(new NeverWrites(), dir, { flushIntervalMs: 1 });
    await crashed.appendUpdates([{ doc: 'a', update: update('one') }, { doc: 'b', update: update('two') }]);
    await crashed.appendUpdates([{ doc: 'a', update: update('three') }]);
    // Multi-byte lengths and a name that is not ASCII (records are encoded by hand, decoded with lib0).
    const long = update('x'.repeat(20_000));
    await crashed.appendUpdates([{ doc: 'ünï 名前', update: long }]);
    // The process dies here: nothing is closed.
    const recovered = await recoveredFrom(dir);
    expect(await recovered.loadUpdates('a')).toEqual([update('one'), update('three')]);
    expect(await recovered.loadUpdates('b')).toEqual([update('two')]);
    expect(await recovered.loadUpdates('ünï 名前')).toEqual([long]);
    await rm(dir, { recursive: true, force: true });
  });

  it('replays the client bindings an append carried, with their updates', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'concord-wal-'));
    const crashed = await WriteAheadStorage.open(new NeverWrites(), dir, { flushIntervalMs: 1 });
    await crashed.appendUpdates([
      { doc: 'a', update: update('one') },
      { doc: 'b', update: update('two'), binds: new Map([[1, 'ann'], [2 ** 33, 'bøb']]) },
    ]);
    expect(await crashed.loadClientBindings('b')).toEqual(new Map([[1, 'ann'], [2 ** 33, 'bøb']]));
    const recovered = await recoveredFrom(dir);
    expect(await recovered.loadClientBindings('b')).toEqual(new Map([[1, 'ann'], [2 ** 33, 'bøb']]));
    expect(await recovered.loadClientBindings('a')).toEqual(new Map());
    expect(await recovered.loadUpdates('b')).toEqual([update('two')]);
    await rm(dir, { recursive: true, force: true });
  });

  it('replays only what a checkpoint does not cover: entries appended while a background write was in flight are replayed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'concord-wal-'));
    const target = new MemoryStorage();
    const gates: (() => void)[] = [];
    const append = target.appendUpdates.bind(target);
    // The first background write waits for the test; the next one never completes (the process dies first).
    target.appendUpdates = (entries) =>
      gates.length === 0 ? new Promise<void>((resolve) => gates.push(() => void append(entries).then(resolve))) : new Promise(() => undefined);
    const storage = await WriteAheadStorage.open(target, dir, { flushIntervalMs: 1 });
    await storage.appendUpdates([{ doc: 'a', update: update('flushed') }]);
    await expect.poll(() => gates.length).toBe(1);
    await storage.appendUpdates([{ doc: 'a', update: update('in flight') }]);
    const logBytes = async (): Promise<number> => {
      const [segment] = await readdir(dir);
      return (await stat(join(dir, segment ?? ''))).size;
    };
    const beforeCheckpoint = await logBytes();
    gates[0]?.();
    await expect.poll(logBytes).toBeGreaterThan(beforeCheckpoint);
    expect(await target.loadUpdates('a')).toEqual([update('flushed')]);
    // The process dies here.
    const recovered = await recoveredFrom(dir);
    expect(await recovered.loadUpdates('a')).toEqual([update('in flight')]);
    await rm(dir, { recursive: true, force: true });
  });

  it('drops a torn last record (never acknowledged) and keeps every complete one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'concord-wal-'));
    const crashed = await WriteAheadStorage.open(new NeverWrites(), dir);
    await crashed.appendUpdates([{ doc: 'a', update: update('kept') }]);
    const [segment] = await readdir(dir);
    await writeFile(join(dir, segment ?? ''), Uint8Array.of(200, 0, 0, 0, 1, 2), { flag: 'a' });
    const recovered = await recoveredFrom(dir);
    expect(await recovered.loadUpdates('a')).toEqual([update('kept')]);
    await rm(dir, { recursive: true, force: true });
  });

  it('a full disk during the append refuses it with a StorageError and leaves no torn record: later appends replay', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'concord-wal-'));
    const crashed = await WriteAheadStorage.open(new NeverWrites(), dir);
    await crashed.appendUpdates([{ doc: 'a', update: update('before') }]);
    // The disk fills up in the middle of the next record: part of it is written, then ENOSPC (the log module imports
    // `writeSync` from node:fs, which syncBuiltinESMExports rebinds).
    const writeSync = fs.writeSync;
    let calls = 0;
    const fullDisk = ((fd: number, buffer: Uint8Array, offset?: number, length?: number) => {
      if (++calls > 1) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return writeSync(fd, buffer, offset ?? 0, Math.max(1, Math.floor((length ?? buffer.byteLength) / 2)));
    }) as typeof fs.writeSync;
    fs.writeSync = fullDisk;
    syncBuiltinESMExports();
    try {
      const refused = crashed.appendUpdates([{ doc: 'a', update: update('refused') }]);
      await expect(refused).rejects.toBeInstanceOf(StorageError);
      await expect(refused).rejects.toThrow(/no space left/);
    } finally {
      fs.writeSync = writeSync;
      syncBuiltinESMExports();
    }
    expect(calls).toBe(2);
    // Space is back: the next append goes where the torn one was cut off.
    await crashed.appendUpdates([{ doc: 'a', update: update('after') }]);
    // The process dies here.
    const recovered = await recoveredFrom(dir);
    expect(await recovered.loadUpdates('a')).toEqual([update('before'), update('after')]);
    await rm(dir, { recursive: true, force: true });
  });

  it('writes to the inner storage in the background, many appends at once, and deletes the log it no longer needs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'concord-wal-'));
    const target = new MemoryStorage();
    let writes = 0;
    const append = target.appendUpdates.bind(target);
    target.appendUpdates = (entries) => {
      writes++;
      return append(entries);
    };
    const storage = await WriteAheadStorage.open(target, dir, { flushIntervalMs: 20 });
    for (let i = 0; i < 50; i++) await storage.appendUpdates([{ doc: 'a', update: update(String(i)) }]);
    expect(await storage.loadUpdates('a')).toHaveLength(50);
    await expect.poll(() => target.loadUpdates('a').then((stored) => stored.length)).toBe(50);
    expect(writes).toBeLessThan(5);
    await storage.close();
    expect(await readdir(dir)).toEqual([]);
    await rm(dir, { recursive: true, force: true });
  });

  it('a failed background write keeps the entries readable and in the log, refuses new appends, and recovers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'concord-wal-'));
    const target = new MemoryStorage();
    const append = target.appendUpdates.bind(target);
    let failing = true;
    let attempts = 0;
    target.appendUpdates = (entries) => {
      attempts++;
      return failing ? Promise.reject(new Error('disk full')) : append(entries);
    };
    const storage = await WriteAheadStorage.open(target, dir, { flushIntervalMs: 1 });
    await storage.appendUpdates([{ doc: 'a', update: update('held') }]);
    await expect.poll(() => attempts).toBeGreaterThan(0);
    // The failed write is handled in the promise callbacks that follow it: one turn of the event loop later it is.
    await new Promise((resolve) => setImmediate(resolve));
    await expect(storage.appendUpdates([{ doc: 'a', update: update('refused') }])).rejects.toThrow(/disk full/);
    expect(await storage.loadUpdates('a')).toEqual([update('held')]);
    failing = false;
    await expect.poll(() => target.loadUpdates('a').then((stored) => stored.length), { timeout: 5_000 }).toBe(1);
    // Appends are accepted again once the retried write has completed (a refused append stores nothing: retrying is safe).
    await expect.poll(() => storage.appendUpdates([{ doc: 'a', update: update('after') }]).then(() => 'accepted', () => 'refused')).toBe('accepted');
    await expect.poll(() => target.loadUpdates('a')).toEqual([update('held'), update('after')]);
    await storage.close();
    expect(await readdir(dir)).toEqual([]);
    await rm(dir, { recursive: true, force: true });
  });

  it('a load does not wait for a background write in flight, and returns each entry once however the write lands', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'concord-wal-'));
    const target = new MemoryStorage();
    const append = target.appendUpdates.bind(target);
    const load = target.loadUpdates.bind(target);
    // Background writes (LevelDB's batches) are held, in order, until the test releases them.
    let holding = true;
    const held: { release: () => void; landed: Promise<void> }[] = [];
    target.appendUpdates = (entries) => {
      if (!holding) return append(entries);
      let release = (): void => undefined;
      const landed = new Promise<void>((resolve) => (release = resolve)).then(() => append(entries));
      held.push({ release, landed });
      return landed;
    };
    let releaseRead = (): void => undefined;
    let readGate: Promise<void> = Promise.resolve();
    target.loadUpdates = async (doc) => {
      await readGate;
      return load(doc);
    };
    const storage = await WriteAheadStorage.open(target, dir, { flushIntervalMs: 1 });
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(update) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    await storage.appendUpdates([{ doc: 'x', update: a }, { doc: 'y', update: update('other') }]);
    await storage.appendUpdates([{ doc: 'x', update: b }]);
    await expect.poll(() => held.length).toBe(1);
    await storage.appendUpdates([{ doc: 'x', update: c }]);
    // The write of a and b is in flight and held: a load answers anyway, from memory for what is not stored yet.
    expect(await storage.loadUpdates('x')).toEqual([a, b, c]);
    // A load whose inner read happens after that write landed must not return a and b twice.
    readGate = new Promise<void>((resolve) => (releaseRead = resolve));
    const loading = storage.loadUpdates('x');
    await storage.appendUpdates([{ doc: 'x', update: d }]);
    const first = held[0]!;
    first.release();
    await first.landed;
    releaseRead();
    expect(await loading).toEqual([a, b, c, d]);
    holding = false;
    for (const write of held) write.release();
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });
});
