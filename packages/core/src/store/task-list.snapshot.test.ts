import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { taskDocName, type TaskId } from '../model/ids.js';
import { decodeListSnapshot } from '../persistence/list-snapshot.js';
import { SingleDatabasePersistence } from '../persistence/single-database-persistence.js';
import { InMemoryRelay, InMemoryTransport } from '../transport/in-memory.js';
import { Concord } from './concord.js';
import type { TaskList } from './task-list.js';
import { settle } from './test-support/replicas.js';

let run = 0;
/** One IndexedDB database per test; each `open` is a tab or a reload over it (no BroadcastChannel between them). */
function browserStorage() {
  const databaseName = `snapshot-${++run}`;
  return {
    databaseName,
    open: (options: { transport?: InMemoryTransport } = {}) =>
      new Concord({ persistence: new SingleDatabasePersistence({ databaseName, idleCompactionDelay: 60_000 }), syncTabs: false, ...options }),
  };
}

const titles = (list: TaskList) => list.tasks().map((task) => task.title);

function readStore(databaseName: string, store: string): Promise<{ keys: IDBValidKey[]; values: unknown[] }> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(databaseName);
    request.onerror = () => reject(request.error ?? new Error('open failed'));
    request.onsuccess = () => {
      const db = request.result;
      const objects = db.transaction(store).objectStore(store);
      const keys = objects.getAllKeys();
      const values = objects.getAll();
      values.onsuccess = () => {
        db.close();
        resolve({ keys: keys.result, values: values.result as unknown[] });
      };
    };
  });
}

async function snapshotOf(databaseName: string, listId: string) {
  const { keys, values } = await readStore(databaseName, 'snapshots');
  const record = values[keys.indexOf(listId)];
  return record ? decodeListSnapshot(record) : null;
}

async function seed(storage: ReturnType<typeof browserStorage>, count: number): Promise<TaskId[]> {
  const concord = storage.open();
  const list = await concord.openList('L');
  const ids = Array.from({ length: count }, (_, i) => list.create({ title: `Task ${i}`, description: `about ${i}` }));
  list.update(ids[0] as TaskId, { completed: true });
  await concord.close();
  return ids;
}

describe('list snapshots (single-database persistence)', () => {
  it('closing a list leaves one snapshot record and no update records; reopening shows every task before applying them', async () => {
    const storage = browserStorage();
    const ids = await seed(storage, 20);
    expect((await readStore(storage.databaseName, 'updates')).keys).toEqual([]);
    expect((await snapshotOf(storage.databaseName, 'L'))?.size).toBe(21);

    const concord = storage.open();
    const { persistence } = concord;
    const bind = persistence.bind.bind(persistence);
    const bound: string[] = [];
    persistence.bind = (name, doc, options) => {
      bound.push(name);
      return bind(name, doc, options);
    };
    const list = await concord.openList('L');
    // Shown from the views: right, complete, in order, before any document is bound and applied.
    expect(titles(list)).toEqual(ids.map((_, i) => `Task ${i}`));
    expect(list.tasks()[0]).toMatchObject({ completed: true, description: 'about 0' });
    expect(bound).toEqual([]);
    await list.documentsLoaded;
    expect(bound).toHaveLength(21);
    expect(titles(list)).toEqual(ids.map((_, i) => `Task ${i}`));
    expect(list.text(ids[3] as TaskId, 'description').toString()).toBe('about 3');
    await concord.close();
  });

  it('edits made while the documents are still being applied are kept, stored and synced', async () => {
    const storage = browserStorage();
    const ids = await seed(storage, 50);
    const relay = new InMemoryRelay();
    const transport = new InMemoryTransport(relay);
    const concord = storage.open({ transport });
    transport.connect();
    const list = await concord.openList('L');
    // Right after open: the last task is most likely still shown from its view.
    const last = ids.at(-1) as TaskId;
    list.update(last, { title: 'edited at once' });
    list.text(ids[1] as TaskId, 'title').insert(0, '>');
    const created = list.create({ title: 'new', after: null });
    list.move(ids[2] as TaskId, null);
    expect(titles(list).slice(0, 2)).toEqual(['Task 2', 'new']);
    await list.documentsLoaded;
    await settle(relay);
    expect(Y.encodeStateAsUpdate(relay.documents.get(taskDocName(list.id, last)) ?? new Y.Doc()).byteLength).toBeGreaterThan(2);
    expect(list.status.pendingChanges).toBe(0);
    await concord.close();

    const reopened = await storage.open().openList('L');
    expect(reopened.get(last)?.title).toBe('edited at once');
    expect(reopened.get(ids[1] as TaskId)?.title).toBe('>Task 1');
    expect(titles(reopened).slice(0, 2)).toEqual(['Task 2', 'new']);
    expect(reopened.get(created)).toBeDefined();
  });

  it('is not reported synced before every document is handed to the transport', async () => {
    const storage = browserStorage();
    await seed(storage, 30);
    const relay = new InMemoryRelay();
    const transport = new InMemoryTransport(relay);
    transport.connect();
    await settle(relay);
    expect(transport.status.state).toBe('synced'); // nothing to sync yet
    const concord = storage.open({ transport });
    const list = await concord.openList('L');
    const states = [list.status.state];
    list.on('status', (status) => states.push(status.state));
    await list.documentsLoaded;
    await settle(relay);
    expect(states[0]).toBe('syncing');
    expect(list.status.state).toBe('synced');
    await concord.close();
  });

  it("keeps another tab's stored edits when it snapshots (records and the other tab's snapshot alike)", async () => {
    const storage = browserStorage();
    const ids = await seed(storage, 5);
    const [a0, a1] = [ids[0] as TaskId, ids[1] as TaskId];
    const tabA = storage.open();
    const tabB = storage.open();
    const listA = await tabA.openList('L');
    const listB = await tabB.openList('L');
    await Promise.all([listA.documentsLoaded, listB.documentsLoaded]);
    // No BroadcastChannel here: each tab knows the other's edits only through storage.
    listB.update(a0, { title: 'from B, as a record' });
    await listB.flush();
    listA.update(a1, { title: 'from A' });
    await listA.flush();
    await tabA.persistence.snapshotList('L');
    listB.update(a1, { description: 'from B, in its snapshot' });
    await listB.flush();
    await tabB.persistence.snapshotList('L');
    await tabA.close();
    await tabB.close();

    const reopened = await storage.open().openList('L');
    expect(reopened.get(a0)?.title).toBe('from B, as a record');
    expect(reopened.get(a1)).toMatchObject({ title: 'from A', description: 'from B, in its snapshot' });
  });

  it('shows a task edited after the last snapshot from its document, not from its stale view', async () => {
    const storage = browserStorage();
    const ids = await seed(storage, 3);
    const concord = storage.open();
    const list = await concord.openList('L');
    list.update(ids[2] as TaskId, { title: 'after the snapshot' });
    await list.flush();
    // The tab goes away without closing (no snapshot): the edit is a record beside the snapshot.
    const reopened = await storage.open().openList('L');
    expect(reopened.get(ids[2] as TaskId)?.title).toBe('after the snapshot');
    await concord.close();
  });

  it('purging a task removes it from the snapshot too', async () => {
    const storage = browserStorage();
    const ids = await seed(storage, 3);
    const concord = storage.open();
    const list = await concord.openList('L');
    await list.documentsLoaded;
    const gone = ids[1] as TaskId;
    list.delete(gone);
    await list.purge(gone);
    await concord.close();
    const snapshot = await snapshotOf(storage.databaseName, 'L');
    expect(snapshot?.has(taskDocName(list.id, gone))).toBe(false);
    expect(snapshot?.size).toBe(3);
    expect((await readStore(storage.databaseName, 'updates')).values).toEqual([]);
  });

  it('reports an unreadable snapshot, opens from what else is stored, and never overwrites it', async () => {
    const storage = browserStorage();
    await seed(storage, 2);
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.open(storage.databaseName);
      request.onsuccess = () => {
        const transaction = request.result.transaction('snapshots', 'readwrite');
        transaction.objectStore('snapshots').put({ format: 3, header: '[["L", null, 9, []]]', data: new Uint8Array([2, 200, 1, 7]), writer: 'x' }, 'L');
        transaction.oncomplete = () => {
          request.result.close();
          resolve();
        };
        transaction.onabort = () => reject(transaction.error ?? new Error('aborted'));
      };
    });
    const concord = storage.open();
    const errors: Error[] = [];
    concord.persistence.on('error', (error) => errors.push(error));
    const list = await concord.openList('L');
    expect(errors[0]?.message).toMatch(/snapshot of list L is unreadable/);
    list.create({ title: 'still works' });
    await concord.close();
    const { values } = await readStore(storage.databaseName, 'snapshots');
    expect((values[0] as { data: Uint8Array }).data).toEqual(new Uint8Array([2, 200, 1, 7]));
    expect((await readStore(storage.databaseName, 'updates')).values.length).toBeGreaterThan(0);
  });

  it('loses nothing when the snapshot transaction aborts (a full disk)', async () => {
    const storage = browserStorage();
    const ids = await seed(storage, 3);
    const concord = storage.open();
    const errors: Error[] = [];
    concord.persistence.on('error', (error) => errors.push(error));
    const list = await concord.openList('L');
    await list.documentsLoaded;
    list.update(ids[0] as TaskId, { title: 'kept' });
    await list.flush();
    // eslint-disable-next-line @typescript-eslint/unbound-method -- restored below, always called with apply(this)
    const original = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
      const transaction = original.apply(this, args);
      const stores = [args[0]].flat();
      if (args[1] === 'readwrite' && stores.includes('snapshots')) {
        // eslint-disable-next-line @typescript-eslint/unbound-method -- called with apply(this)
        const put = IDBObjectStore.prototype.put;
        // Abort as the snapshot is put: its deletes of records and metadata are in the same transaction.
        transaction.objectStore('snapshots').put = function (this: IDBObjectStore, ...putArgs: Parameters<IDBObjectStore['put']>) {
          const request = put.apply(this, putArgs);
          Object.defineProperty(transaction, 'error', { value: new DOMException('full', 'QuotaExceededError') });
          transaction.abort();
          return request;
        };
      }
      return transaction;
    } as IDBDatabase['transaction'];
    try {
      await concord.persistence.snapshotList('L');
    } finally {
      IDBDatabase.prototype.transaction = original;
    }
    expect(errors[0]?.message).toMatch(/full/);
    // The tab dies here: whatever is stored must still hold the edit.
    const reopened = await storage.open().openList('L');
    expect(reopened.get(ids[0] as TaskId)?.title).toBe('kept');
    await concord.close();
  });

  it('opens a database written before snapshots existed (schema version 1)', async () => {
    const databaseName = `snapshot-v1-${++run}`;
    const doc = new Y.Doc();
    const listDoc = new Y.Doc();
    doc.getText('title').insert(0, 'from version 1');
    doc.getMap('fields').set('createdAt', 1);
    const entry = new Y.Map<string>();
    listDoc.getMap('tasks').set('t1', entry);
    entry.set('order', 'a0');
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.open(databaseName, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore('updates', { autoIncrement: true }).createIndex('by-doc', 'doc');
        request.result.createObjectStore('meta');
      };
      request.onsuccess = () => {
        const transaction = request.result.transaction('updates', 'readwrite');
        transaction.objectStore('updates').add({ doc: 'L', update: Y.encodeStateAsUpdate(listDoc) });
        transaction.objectStore('updates').add({ doc: 'L/t1', update: Y.encodeStateAsUpdate(doc) });
        transaction.oncomplete = () => {
          request.result.close();
          resolve();
        };
        transaction.onabort = () => reject(transaction.error ?? new Error('aborted'));
      };
    });
    const concord = new Concord({ persistence: new SingleDatabasePersistence({ databaseName }), syncTabs: false });
    const list = await concord.openList('L');
    expect(titles(list)).toEqual(['from version 1']);
    await concord.close();
    expect((await snapshotOf(databaseName, 'L'))?.size).toBe(2);
  });
});
