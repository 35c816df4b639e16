import type { SnapshotRecord, UpdateRecord } from './database.js';

/**
 * What one read of a list returns, request by request: its snapshot record, then the keys and values of its records
 * (the `updates` store's `by-doc` index over `listId` and `listId/…`), then of its metadata (the `meta` store over
 * `[listId]` to `[listId/…, []]`).
 */
export interface ListReadAhead {
  readonly snapshot: unknown;
  readonly keys: readonly IDBValidKey[];
  readonly records: readonly unknown[];
  readonly metaKeys: readonly IDBValidKey[];
  readonly metaValues: readonly unknown[];
}

/**
 * A read of one list started before the app's code runs (by a small inline script, while the code loads): the first
 * prefetch of `listId` uses it instead of reading again. `read` resolves to null (or rejects) when it could not be made.
 */
export interface ListReadAheadSource {
  readonly listId: string;
  readonly read: PromiseLike<ListReadAhead | null>;
}

/** A list's read, checked: the records are {doc, update}; any other shape is not used. */
export interface ListRead {
  readonly snapshot: SnapshotRecord | undefined;
  readonly keys: readonly IDBValidKey[];
  readonly records: readonly UpdateRecord[];
  readonly metaKeys: readonly IDBValidKey[];
  readonly metaValues: readonly unknown[];
}

/**
 * Reads a list in one transaction: what `ListReadAhead` describes. Self-contained (it refers to nothing but IndexedDB's
 * globals), so an app can inline its source (`String(readListAhead)`) in a script that runs before its code loads, and
 * that read is the same as the one the adapter makes. Rejects with the request's error.
 */
export function readListAhead(db: IDBDatabase, listId: string): Promise<ListReadAhead> {
  return new Promise((resolve, reject) => {
    // The layout of `database.ts`: stores `snapshots`, `updates` (index `by-doc`) and `meta` (keys [doc, key]).
    const transaction = db.transaction(['snapshots', 'updates', 'meta'], 'readonly');
    const index = transaction.objectStore('updates').index('by-doc');
    const meta = transaction.objectStore('meta');
    const records = IDBKeyRange.bound(listId, `${listId}/\uffff`);
    const metaRange = IDBKeyRange.bound([listId], [`${listId}/\uffff`, []]);
    const requests = [
      transaction.objectStore('snapshots').get(listId),
      index.getAllKeys(records),
      index.getAll(records),
      meta.getAllKeys(metaRange),
      meta.getAll(metaRange),
    ];
    transaction.oncomplete = () => {
      const [snapshot, keys, values, metaKeys, metaValues] = requests.map((request) => request.result as unknown);
      resolve({ snapshot, keys: keys as IDBValidKey[], records: values as unknown[], metaKeys: metaKeys as IDBValidKey[], metaValues: metaValues as unknown[] });
    };
    transaction.onerror = () => reject(transaction.error ?? new Error(`could not read list ${listId}`));
    transaction.onabort = () => reject(transaction.error ?? new Error(`could not read list ${listId}`));
  });
}

/** Reads a list in one transaction (the adapter's own read: its records are the adapter's). */
export async function readList(db: IDBDatabase, listId: string): Promise<ListRead> {
  return (await readListAhead(db, listId)) as ListRead;
}

/** Takes a read made ahead once, if it is of `listId` and well formed; else null (the caller reads). */
export class ReadAhead {
  constructor(private source: ListReadAheadSource | undefined) {}

  async take(listId: string): Promise<ListRead | null> {
    const source = this.source;
    if (!source || source.listId !== listId) return null;
    this.source = undefined;
    const read = await Promise.resolve(source.read).catch(() => null);
    return read ? checked(read) : null;
  }
}

function checked(read: ListReadAhead): ListRead | null {
  const { snapshot, keys, records, metaKeys, metaValues } = read;
  if (![keys, records, metaKeys, metaValues].every(Array.isArray)) return null;
  if (keys.length !== records.length || metaKeys.length !== metaValues.length) return null;
  if (!records.every(isUpdateRecord)) return null;
  if (snapshot !== undefined && (typeof snapshot !== 'object' || snapshot === null)) return null;
  return { snapshot: snapshot as SnapshotRecord | undefined, keys, records, metaKeys, metaValues };
}

function isUpdateRecord(record: unknown): record is UpdateRecord {
  const candidate = record as Partial<UpdateRecord> | null;
  return typeof candidate?.doc === 'string' && candidate.update instanceof Uint8Array;
}
