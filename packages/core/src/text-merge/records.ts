import * as Y from 'yjs';
import { decodeRecord, type EditRecord } from './record.js';

/** The top-level `Y.Array` of a task document that holds the edit records of every text field, as binary items. */
export const EDITS_KEY = 'edits';

/** Records are immutable once written: each struct is decoded once. */
const decoded = new WeakMap<Y.Item, EditRecord | null>();

/** Every well-formed edit record of the document, in the array's order (the same on every replica). */
export function readRecords(doc: Y.Doc): EditRecord[] {
  const records: EditRecord[] = [];
  // Not `getArray`: creating the type runs an (empty) local transaction, and reading must never write. Items, not
  // `toArray()`: a record's identity is the id of the struct holding it.
  const edits = doc.share.get(EDITS_KEY);
  for (let item = edits?._start ?? null; item !== null; item = item.right) {
    if (item.deleted || !(item.content instanceof Y.ContentBinary)) continue;
    let record = decoded.get(item);
    if (record === undefined) {
      record = decodeRecord(item.content.content, item.id.client, item.id.clock);
      decoded.set(item, record);
    }
    if (record) records.push(record);
  }
  return records;
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
