import * as Y from 'yjs';
import { EDITS_KEY } from '../protocol/document-schema.js';
import { decodeRecord, type EditRecord } from './record.js';

export { EDITS_KEY };

/** Records are immutable once written: each struct is decoded once. */
const cache = new WeakMap<Y.Item, EditRecord | null>();

/** Every well-formed edit record of the document, in the array's order (the same on every replica). */
export function readRecords(doc: Y.Doc): EditRecord[] {
  return walkRecords(doc).records;
}

/**
 * The last record `client` wrote in the document, deleted or not, as a new record of it is written against
 * (`encodeRecord`'s `previous`); null when that one is unreadable, undefined when there is none.
 */
export function lastRecordOf(doc: Y.Doc, client: number): EditRecord | null | undefined {
  return walkRecords(doc).last.get(client);
}

/**
 * Decodes the records, each client's in clock order, so each is read against the same previous record of its client on
 * every replica and at any time: a replica that has a record has every earlier struct of its client, and no later
 * struct of that client can fall between them, whatever place in the array a client gives its items. Deleted records
 * still count as the previous one (`keepClaims` keeps their content); only the live ones are returned, in the array's
 * order.
 */
function walkRecords(doc: Y.Doc): { records: EditRecord[]; last: Map<number, EditRecord | null> } {
  // Not `getArray`: creating the type runs an (empty) local transaction, and reading must never write. Items, not
  // `toArray()`: a record's identity is the id of the struct holding it.
  const edits = doc.share.get(EDITS_KEY);
  const items: Y.Item[] = [];
  const byClient = new Map<number, Y.Item[]>();
  for (let item = edits?._start ?? null; item !== null; item = item.right) {
    items.push(item);
    const own = byClient.get(item.id.client);
    if (own) own.push(item);
    else byClient.set(item.id.client, [item]);
  }
  const last = new Map<number, EditRecord | null>();
  for (const [client, own] of byClient) {
    // Concord appends each record after everything its author had, so this is the array's order already.
    if (own.some((item, i) => i > 0 && item.id.clock < own[i - 1]!.id.clock)) own.sort((a, b) => a.id.clock - b.id.clock);
    let previous: EditRecord | null | undefined;
    for (const item of own) {
      if (item.content instanceof Y.ContentBinary) previous = decoded(item, previous);
      // Content Yjs dropped (a record deleted where it was not kept): later records written against it cannot be read.
      else if (item.content instanceof Y.ContentDeleted) previous = null;
    }
    if (previous !== undefined) last.set(client, previous);
  }
  const records: EditRecord[] = [];
  for (const item of items) {
    const record = item.deleted ? null : cache.get(item);
    if (record) records.push(record);
  }
  return { records, last };
}

/** The record an item holds, decoded once (records are immutable, and so is the previous record of each). */
function decoded(item: Y.Item, previous: EditRecord | null | undefined): EditRecord | null {
  let record = cache.get(item);
  if (record === undefined) {
    record = decodeRecord((item.content as Y.ContentBinary).content, item.id.client, item.id.clock, previous);
    cache.set(item, record);
  }
  return record;
}

/** Whether `a`'s author had seen `b` when making it (a record sees itself). */
export function sees(a: EditRecord, b: EditRecord): boolean {
  return a === b || (a.seen.get(b.client) ?? 0) > b.clock;
}

/** Orders records by priority: later hybrid time first, then the higher id (client, then clock). */
export function byPriority(a: EditRecord, b: EditRecord): number {
  return b.time - a.time || b.client - a.client || b.clock - a.clock;
}

/** A stable id for a record, the same on every replica. */
export function recordId(record: EditRecord): string {
  return `${record.client}-${record.clock}`;
}

/**
 * The time of a new edit: the wall clock, or later than every edit in the document, so an edit made after seeing
 * another is always ordered after it even when the clocks of the two devices disagree.
 */
export function nextTime(records: readonly EditRecord[], now: number): number {
  let latest = 0;
  for (const record of records) latest = Math.max(latest, record.time);
  return Math.max(Math.floor(now), latest + 1);
}

/** The declared user id of a record's author: stored in the first record of each client only. */
export function authorOf(records: readonly EditRecord[], record: EditRecord): string | undefined {
  if (record.by !== undefined) return record.by;
  let first: EditRecord | undefined;
  for (const other of records) {
    if (other.client === record.client && other.by !== undefined && (!first || other.clock < first.clock)) first = other;
  }
  return first?.by;
}

/** The name of a top-level `Y.Text` in its document; null for a nested one (only top-level texts have records). */
export function topLevelName(text: Y.Text): string | null {
  if (!text.doc || text._item !== null) return null;
  for (const [name, type] of text.doc.share) if ((type as unknown) === text) return name;
  return null;
}
