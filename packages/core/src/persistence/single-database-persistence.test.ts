import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SingleDatabasePersistence } from './single-database-persistence.js';
import { runPersistenceAdapterTests } from './test-support/acceptance.js';

let run = 0;
runPersistenceAdapterTests('single IndexedDB database', () => {
  const databaseName = `single-${++run}`;
  return { open: () => new SingleDatabasePersistence({ databaseName }) };
}, { readsAhead: true });

async function countRecords(databaseName: string): Promise<number> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(databaseName);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('open failed'));
  });
  const count = await new Promise<number>((resolve) => {
    const request = db.transaction('updates').objectStore('updates').count();
    request.onsuccess = () => resolve(request.result);
  });
  db.close();
  return count;
}

describe('single-database persistence', () => {
  it('merges a document into one record after the threshold and keeps every edit', async () => {
    const databaseName = `compact-${++run}`;
    const adapter = new SingleDatabasePersistence({ databaseName, compactAfterRecords: 10, idleCompactionDelay: 60_000 });
    const doc = new Y.Doc();
    const bound = await adapter.bind('list/t', doc);
    for (let i = 0; i < 25; i++) {
      doc.getText('t').insert(i, String(i % 10));
      await bound.flush();
    }
    await bound.flush();
    await adapter.close();
    expect(await countRecords(databaseName)).toBeLessThanOrEqual(10);

    const reloaded = new Y.Doc();
    await new SingleDatabasePersistence({ databaseName }).bind('list/t', reloaded);
    expect(reloaded.getText('t').toString()).toBe('0123456789012345678901234');
  });

  it('flush resolves once the edits made before it are stored, though another edit arrives while it waits', async () => {
    const adapter = new SingleDatabasePersistence({ databaseName: `flush-${++run}` });
    const doc = new Y.Doc();
    await adapter.bind('L', doc);
    doc.getText('t').insert(0, 'a');
    const flushed = adapter.flush();
    // A few microtasks on: the write of 'a' is under way, and the next edit (another tab's arriving) waits for it.
    for (let turn = 0; turn < 3; turn++) await Promise.resolve();
    doc.getText('t').insert(1, 'b');
    await expect(flushed).resolves.toBeUndefined();
    await adapter.close();
    expect(await countRecords(`flush-${run}`)).toBe(2);
  });

  it('merges idle documents, and opens a whole list with one prefetch', async () => {
    const databaseName = `idle-${++run}`;
    const adapter = new SingleDatabasePersistence({ databaseName, idleCompactionDelay: 10 });
    const names = ['L', 'L/a', 'L/b', 'L-other'];
    const bindings = await Promise.all(names.map(async (name) => {
      const doc = new Y.Doc();
      return { name, doc, bound: await adapter.bind(name, doc) };
    }));
    for (const { name, doc } of bindings) for (const c of 'abc') doc.getText('t').insert(0, `${name}${c}`);
    await Promise.all(bindings.map(({ bound }) => bound.flush()));
    await expect.poll(() => countRecords(databaseName), { timeout: 5_000 }).toBe(4);
    await adapter.close();

    const reopened = new SingleDatabasePersistence({ databaseName });
    await reopened.prefetch('L');
    for (const name of ['L', 'L/a', 'L/b']) {
      const doc = new Y.Doc();
      await reopened.bind(name, doc);
      expect(doc.getText('t').toString()).toBe(`${name}c${name}b${name}a`);
    }
  });

  it('snapshots an open list when idle once enough changed since its last snapshot, not after every edit', async () => {
    const databaseName = `idle-snapshot-${++run}`;
    const adapter = new SingleDatabasePersistence({ databaseName, idleCompactionDelay: 10, snapshotAfterChanges: 3 });
    const prefetched = await adapter.prefetch('L');
    const doc = new Y.Doc();
    const bound = await adapter.bind('L/a', doc, { view: () => ({ text: doc.getText('t').toString() }) });
    prefetched.release();
    doc.getText('t').insert(0, 'a');
    doc.getText('t').insert(1, 'b');
    await bound.flush();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await countRecords(databaseName)).toBe(2);
    doc.getText('t').insert(2, 'c');
    await bound.flush();
    await expect.poll(() => countRecords(databaseName), { timeout: 5_000 }).toBe(0);
    await adapter.close();

    const reopened = await new SingleDatabasePersistence({ databaseName }).prefetch('L');
    expect(reopened.documents.get('L/a')).toEqual({ view: { text: 'abc' } });
  });

  it('binds many documents of a list in one turn with their own records and metadata (read as one range)', async () => {
    const databaseName = `many-${++run}`;
    const writer = new SingleDatabasePersistence({ databaseName, idleCompactionDelay: 60_000 });
    // More documents than a per-document read would serve, beside documents of lists whose names share the prefix.
    const names = ['L', ...Array.from({ length: 40 }, (_, i) => `L/t${i}`), 'L-other', 'L-other/t1', 'Lx/t1'];
    const written = await Promise.all(names.map(async (name) => {
      const doc = new Y.Doc();
      const bound = await writer.bind(name, doc);
      doc.getText('t').insert(0, name);
      doc.getText('t').insert(name.length, '!');
      await bound.setMeta('confirmed', new TextEncoder().encode(`meta of ${name}`));
      return bound;
    }));
    await Promise.all(written.map((bound) => bound.flush()));
    await writer.close();

    const reader = new SingleDatabasePersistence({ databaseName });
    const docs = names.slice(1, 41).map((name) => ({ name, doc: new Y.Doc() }));
    const bound = await Promise.all(docs.map(({ name, doc }) => reader.bind(name, doc)));
    for (const [i, { name, doc }] of docs.entries()) {
      expect(doc.getText('t').toString()).toBe(`${name}!`);
      expect(new TextDecoder().decode(await bound[i]!.getMeta('confirmed'))).toBe(`meta of ${name}`);
    }
    // A document of another list read in the same turn gets its own content only.
    const other = new Y.Doc();
    await reader.bind('L-other/t1', other);
    expect(other.getText('t').toString()).toBe('L-other/t1!');
    await reader.close();
  });

  it('adopts a connection opened ahead at the current version, and upgrades past one at an older version', async () => {
    const openRaw = (name: string, version?: number) =>
      new Promise<IDBDatabase>((resolve, reject) => {
        const request = version === undefined ? indexedDB.open(name) : indexedDB.open(name, version);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error ?? new Error('open failed'));
      });
    const databaseName = `early-${++run}`;
    // First visit: an empty version-1 database opened ahead (no stores) is closed and the database upgraded.
    const stale = await openRaw(databaseName);
    let closed = false;
    const close = stale.close.bind(stale);
    stale.close = () => {
      closed = true;
      close();
    };
    const first = new SingleDatabasePersistence({ databaseName, opening: Promise.resolve(stale) });
    const doc = new Y.Doc();
    const bound = await first.bind('L/a', doc);
    doc.getText('t').insert(0, 'kept');
    await bound.flush();
    expect(closed).toBe(true);
    await first.close();

    // A later visit: the connection opened ahead is the one used, and reads what was stored.
    const early = await openRaw(databaseName);
    const transaction = early.transaction.bind(early);
    let used = 0;
    early.transaction = ((...args: Parameters<IDBDatabase['transaction']>) => {
      used++;
      return transaction(...args);
    }) as IDBDatabase['transaction'];
    const second = new SingleDatabasePersistence({ databaseName, opening: Promise.resolve(early) });
    const reread = new Y.Doc();
    await second.bind('L/a', reread);
    expect(reread.getText('t').toString()).toBe('kept');
    expect(used).toBeGreaterThan(0);
    await second.close();

    // Nothing opened ahead (the page's script could not): opened here.
    const third = new SingleDatabasePersistence({ databaseName, opening: Promise.resolve(null) });
    const again = new Y.Doc();
    await third.bind('L/a', again);
    expect(again.getText('t').toString()).toBe('kept');
    await third.close();
  });

  it('serves a metadata read made while its list is prefetched from that read, with no transaction of its own', async () => {
    const databaseName = `meta-during-prefetch-${++run}`;
    const writer = new SingleDatabasePersistence({ databaseName });
    const bound = await writer.bind('L', new Y.Doc());
    await bound.setMeta('undo', new Uint8Array([1, 2, 3]));
    await writer.snapshotList('L');
    await bound.setMeta('after-snapshot', new Uint8Array([4]));
    await writer.close();

    const reader = new SingleDatabasePersistence({ databaseName });
    await reader.readMeta('other', 'warm-up'); // opens the database
    // eslint-disable-next-line @typescript-eslint/unbound-method -- restored below, always called with apply(this)
    const original = IDBDatabase.prototype.transaction;
    let transactions = 0;
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
      transactions++;
      return original.apply(this, args);
    } as IDBDatabase['transaction'];
    try {
      const prefetching = reader.prefetch('L');
      const [undo, after, missing] = await Promise.all([reader.readMeta('L', 'undo'), reader.readMeta('L', 'after-snapshot'), reader.readMeta('L', 'none')]);
      expect([...(undo ?? [])]).toEqual([1, 2, 3]);
      expect([...(after ?? [])]).toEqual([4]);
      expect(missing).toBeUndefined();
      expect(transactions).toBe(1);
      (await prefetching).release();
    } finally {
      IDBDatabase.prototype.transaction = original;
    }
    await reader.close();
  });

  it('reports a failed write as an error and keeps the change for the next write', async () => {
    const databaseName = `quota-${++run}`;
    const adapter = new SingleDatabasePersistence({ databaseName });
    const errors: Error[] = [];
    adapter.on('error', (error) => errors.push(error));
    const doc = new Y.Doc();
    const bound = await adapter.bind('doc', doc);
    // Stand in for a full disk: the next transaction on `updates` aborts with QuotaExceededError.
    // eslint-disable-next-line @typescript-eslint/unbound-method -- restored below, always called with apply(this)
    const original = IDBDatabase.prototype.transaction;
    let failures = 1;
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
      const transaction = original.apply(this, args);
      if (args[1] === 'readwrite' && failures-- > 0) {
        queueMicrotask(() => {
          Object.defineProperty(transaction, 'error', { value: new DOMException('full', 'QuotaExceededError') });
          transaction.abort();
        });
      }
      return transaction;
    } as IDBDatabase['transaction'];
    try {
      doc.getText('t').insert(0, 'first');
      await expect(bound.flush()).rejects.toMatchObject({ code: 'ERR_PERSISTENCE_FAILED' });
      expect(errors[0]?.message).toMatch(/full/);
      doc.getText('t').insert(5, ' second');
      await bound.flush();
    } finally {
      IDBDatabase.prototype.transaction = original;
    }
    await adapter.close();
    const reloaded = new Y.Doc();
    await new SingleDatabasePersistence({ databaseName }).bind('doc', reloaded);
    expect(reloaded.getText('t').toString()).toBe('first second');
  });
});
