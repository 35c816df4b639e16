import { openDatabase } from '../idb-requests.js';
import type { EncodedListSnapshot } from '../list-snapshot.js';

/**
 * The single database's layout: an `updates` store of {doc, update} records under auto-increment keys (unique across
 * tabs, which share the database) with an index by document, a `meta` store keyed by [doc, key], and a `snapshots`
 * store with one record per list.
 */
export const UPDATES = 'updates';
export const META = 'meta';
export const SNAPSHOTS = 'snapshots';
export const BY_DOC = 'by-doc';
/** Version 2 added `snapshots`; a version-1 database is upgraded in place (its records stay valid). */
const SCHEMA_VERSION = 2;

export interface UpdateRecord {
  readonly doc: string;
  readonly update: Uint8Array;
}

/** `writer` names the tab and write that produced the snapshot: a tab whose documents already hold it skips re-applying it. */
export interface SnapshotRecord extends EncodedListSnapshot {
  readonly writer: string;
}

/**
 * Opens the database, adopting a connection opened ahead (`opening`) when it is to this database at the current schema
 * version; one at an older version (or to another database) is closed, and the database opened and upgraded here.
 */
export async function openOrAdopt(name: string, opening: PromiseLike<IDBDatabase | null> | undefined): Promise<IDBDatabase> {
  const early = opening ? await Promise.resolve(opening).catch(() => null) : null;
  if (early && early.name === name && early.version === SCHEMA_VERSION) return early;
  early?.close();
  return openSingleDatabase(name);
}

export function openSingleDatabase(name: string): Promise<IDBDatabase> {
  return openDatabase(name, SCHEMA_VERSION, (db) => {
    if (!db.objectStoreNames.contains(UPDATES)) db.createObjectStore(UPDATES, { autoIncrement: true }).createIndex(BY_DOC, 'doc');
    if (!db.objectStoreNames.contains(META)) db.createObjectStore(META);
    if (!db.objectStoreNames.contains(SNAPSHOTS)) db.createObjectStore(SNAPSHOTS);
  });
}

/** The list a document belongs to: `listId` for the list's own document and for `listId/…`. */
export const listOf = (name: string): string => {
  const slash = name.indexOf('/');
  return slash < 0 ? name : name.slice(0, slash);
};
export const listRange = (listId: string) => IDBKeyRange.bound(listId, `${listId}/\uffff`);
export const metaRange = (listId: string) => IDBKeyRange.bound([listId], [`${listId}/\uffff`, []]);
export const inList = (listId: string, doc: string) => doc === listId || doc.startsWith(`${listId}/`);

/** Groups metadata entries read from the `meta` store by document, keeping only the list's (a range may hold others). */
export function metaByDocument(listId: string, keys: readonly IDBValidKey[], values: readonly unknown[]): Map<string, Map<string, Uint8Array>> {
  const byDoc = new Map<string, Map<string, Uint8Array>>();
  keys.forEach((key, i) => {
    const [doc, name] = key as [string, string];
    const value = values[i];
    if (!inList(listId, doc) || !(value instanceof Uint8Array)) return;
    let meta = byDoc.get(doc);
    if (!meta) byDoc.set(doc, (meta = new Map<string, Uint8Array>()));
    meta.set(name, value);
  });
  return byDoc;
}

/** Runs writes one after another; a failed write does not stop the ones queued after it. */
export class WriteChain {
  private tail: Promise<void> = Promise.resolve();

  run(work: () => Promise<void>): Promise<void> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once every write queued so far has finished, whatever its outcome. */
  get settled(): Promise<void> {
    return this.tail;
  }
}

export function describeWriteFailure(cause: unknown): string {
  const name = cause instanceof DOMException || cause instanceof Error ? cause.name : '';
  return name === 'QuotaExceededError'
    ? 'local storage is full: recent changes are kept in memory and will be saved when space is freed'
    : 'could not save changes locally: they are kept in memory and retried';
}

/**
 * Deletes records by key, a run of consecutive auto-increment keys at a time: every integer of such a run is one of
 * `keys`, so no other record lies inside it, and one range delete costs IndexedDB far less than thousands of deletes.
 */
export function deleteKeys(store: IDBObjectStore, keys: readonly IDBValidKey[]): void {
  const numbers = keys.filter((key): key is number => typeof key === 'number').sort((a, b) => a - b);
  for (const key of keys) if (typeof key !== 'number') store.delete(key);
  for (let start = 0; start < numbers.length; ) {
    let end = start;
    while (end + 1 < numbers.length && numbers[end + 1] === (numbers[end] as number) + 1) end++;
    store.delete(IDBKeyRange.bound(numbers[start], numbers[end]));
    start = end + 1;
  }
}
