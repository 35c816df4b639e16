import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openSingleDatabase } from './database.js';
import { readListAhead } from './read-ahead.js';
import { SingleDatabasePersistence } from '../single-database-persistence.js';

let run = 0;

describe('a list read made ahead of the adapter', () => {
  it('opens a list from a read made ahead of the adapter (as an inline script makes it), with no transaction of its own', async () => {
    const databaseName = `read-ahead-${++run}`;
    const writer = new SingleDatabasePersistence({ databaseName });
    const list = new Y.Doc();
    const task = new Y.Doc();
    const boundList = await writer.bind('L', list);
    const boundTask = await writer.bind('L/a', task);
    list.getText('t').insert(0, 'in the snapshot');
    await boundList.flush();
    await writer.snapshotList('L');
    task.getText('t').insert(0, 'a record');
    await boundTask.flush();
    await boundTask.setMeta('undo', new Uint8Array([7]));
    await writer.close();

    const db = await openSingleDatabase(databaseName);
    const read = readListAhead(db, 'L');
    // eslint-disable-next-line @typescript-eslint/unbound-method -- restored below, always called with apply(this)
    const original = IDBDatabase.prototype.transaction;
    let transactions = 0;
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
      transactions++;
      return original.apply(this, args);
    } as IDBDatabase['transaction'];
    const reader = new SingleDatabasePersistence({ databaseName, opening: Promise.resolve(db), readAhead: { listId: 'L', read } });
    try {
      const prefetched = await reader.prefetch('L');
      const [reopenedList, reopenedTask] = [new Y.Doc(), new Y.Doc()];
      await reader.bind('L', reopenedList);
      const bound = await reader.bind('L/a', reopenedTask);
      expect(reopenedList.getText('t').toString()).toBe('in the snapshot');
      expect(reopenedTask.getText('t').toString()).toBe('a record');
      expect([...((await bound.getMeta('undo')) ?? [])]).toEqual([7]);
      expect(transactions).toBe(0);
      prefetched.release();
    } finally {
      IDBDatabase.prototype.transaction = original;
    }
    await reader.close();
  });

  it('reads a list itself when the read made ahead is of another list, failed, or not of records', async () => {
    const databaseName = `read-ahead-unused-${++run}`;
    const writer = new SingleDatabasePersistence({ databaseName });
    const doc = new Y.Doc();
    const bound = await writer.bind('L/a', doc);
    doc.getText('t').insert(0, 'stored');
    await bound.flush();
    await writer.close();
    const aheads = [
      () => ({ listId: 'other', read: Promise.resolve({ snapshot: undefined, keys: [], records: [], metaKeys: [], metaValues: [] }) }),
      () => ({ listId: 'L', read: Promise.reject(new Error('blocked')) }),
      () => ({ listId: 'L', read: Promise.resolve(null) }),
      () => ({ listId: 'L', read: Promise.resolve({ snapshot: undefined, keys: [1], records: [{ doc: 'L/a', update: 'not bytes' }], metaKeys: [], metaValues: [] }) }),
    ];
    for (const readAhead of aheads) {
      const reader = new SingleDatabasePersistence({ databaseName, readAhead: readAhead() });
      const prefetched = await reader.prefetch('L');
      const reopened = new Y.Doc();
      await reader.bind('L/a', reopened);
      expect(reopened.getText('t').toString()).toBe('stored');
      prefetched.release();
      await reader.close();
    }
  });
});
