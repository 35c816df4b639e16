import * as Y from 'yjs';
import { requestResult, transactionDone } from '../idb-requests.js';
import type { SingleDatabaseContext } from './context.js';
import { BY_DOC, describeWriteFailure, UPDATES, type UpdateRecord } from './database.js';

/**
 * Replaces a document's records with one merged record, in one transaction (a crash leaves either the records or the
 * merge). Used for documents outside snapshotted lists: after many records, and when the app is idle.
 */
export function compactDocument(context: SingleDatabaseContext, name: string): Promise<void> {
  return context.writes
    .run(async () => {
      const db = await context.db();
      const transaction = db.transaction(UPDATES, 'readwrite');
      const store = transaction.objectStore(UPDATES);
      const index = store.index(BY_DOC);
      const [keys, records] = await Promise.all([
        requestResult(index.getAllKeys(IDBKeyRange.only(name))),
        requestResult(index.getAll(IDBKeyRange.only(name))) as Promise<UpdateRecord[]>,
      ]);
      if (records.length < 2) return;
      const merged = Y.mergeUpdates(records.map((record) => record.update));
      for (const key of keys) store.delete(key);
      const added = store.add({ doc: name, update: merged } satisfies UpdateRecord);
      await transactionDone(transaction);
      if (keys.every((key) => context.ownKeys.has(key))) context.ownKeys.set(added.result, name);
      for (const key of keys) context.ownKeys.delete(key);
      context.bound.get(name)?.compacted(1);
    })
    .catch((cause: unknown) => context.reportError(describeWriteFailure(cause), cause));
}
