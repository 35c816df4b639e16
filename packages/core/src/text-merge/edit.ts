import * as Y from 'yjs';
import { AUTHORS_MAP, claimedUser } from '../attribution/authors.js';
import { encodeRecord, type EditRecord, type IdRange } from './record.js';
import { EDITS_KEY, lastRecordOf, nextTime, readRecords, topLevelName } from './records.js';
import { shownChars, type ShownChar } from './resolve.js';

/** Who makes a local edit, and when by their clock. */
export interface TextEditAuthor {
  /**
   * The author's user id: claimed for the document's client id in its `authors` map with the edit, unless that client id
   * is claimed already (as a list's replica claims it: see `claimAuthorship`).
   */
  readonly userId?: string;
  /** Milliseconds since the epoch. */
  readonly now: number;
}

/** One change of a text: delete `remove` code units at `index`, then insert `insert` there. */
export interface TextSplice {
  readonly index: number;
  readonly remove: number;
  readonly insert: string;
}

/**
 * Turns the shown text of `field` into `next` with the smallest single splice, as a recorded edit (see `spliceText`).
 * Returns false when the text already reads `next`.
 */
export function editText(doc: Y.Doc, field: string, next: string, author: TextEditAuthor, origin?: unknown): boolean {
  let changed = false;
  doc.transact(() => {
    const shown = shownChars(doc, field);
    const splice = minimalSplice(shown.text, next);
    if (splice) changed = applySplice(doc, field, shown, splice, author);
  }, origin);
  return changed;
}

/**
 * Applies a splice made against the shown text of `field` (what `resolveText` returns) and records it in the same
 * transaction. Characters that are shown but are Yjs tombstones (shown again after a collision) are deleted by the
 * record alone; the inserted text goes right after the last character the splice deletes, or else right after the
 * character shown before it, so where a person typed is exactly where the edit anchors. A keystroke that only continues
 * the author's last edit (typed right after it, nothing else written or received since) writes no record of its own:
 * a burst of typing costs one record. `editText` (whole values, `list.update`) records every edit.
 */
export function spliceText(doc: Y.Doc, field: string, splice: TextSplice, author: TextEditAuthor, origin?: unknown): void {
  doc.transact(() => {
    const shown = shownChars(doc, field);
    const index = Math.max(0, Math.min(splice.index, shown.chars.length));
    const remove = Math.max(0, Math.min(splice.remove, shown.chars.length - index));
    if (remove === 0 && splice.insert === '') return;
    applySplice(doc, field, shown, { index, remove, insert: splice.insert }, author, true);
  }, origin);
}

function applySplice(
  doc: Y.Doc,
  field: string,
  shown: { readonly text: string; readonly chars: readonly ShownChar[] },
  splice: TextSplice,
  author: TextEditAuthor,
  mayContinue = false,
): boolean {
  const chars = shown.chars;
  const transaction = doc._transaction;
  if (!transaction) throw new Error('applySplice runs inside a transaction');
  const text = doc.getText(field);
  const store = doc.store;
  const own = doc.clientID;
  const records = readRecords(doc);
  // The author is named once per client id by its claim in the document's `authors` map, not in the records (a
  // replica of a list has claimed it in this transaction already). Written first: the characters the edit inserts must
  // be the last clocks before its record. Records written before named their author in each client's first record.
  if (author.userId !== undefined && claimedUser(doc, own) === undefined) doc.getMap<string>(AUTHORS_MAP).set(String(own), author.userId);
  const seen = new Map<number, number>();
  for (const client of store.clients.keys()) seen.set(client, Y.getState(store, client));
  const start = Y.getState(store, own);
  const removed = chars.slice(splice.index, splice.index + splice.remove);
  const deleted: IdRange[] = [];
  for (const char of removed) {
    const last = deleted[deleted.length - 1];
    if (last && last.client === char.client && last.clock + last.length === char.clock) {
      deleted[deleted.length - 1] = { ...last, length: last.length + 1 };
    } else deleted.push({ client: char.client, clock: char.clock, length: 1 });
  }
  for (const range of deleted) deleteRange(transaction, store, range);
  if (splice.insert !== '') {
    const anchor = removed.length > 0 ? removed[removed.length - 1] : chars[splice.index - 1];
    const left = anchor ? Y.getItemCleanEnd(transaction, store, Y.createID(anchor.client, anchor.clock)) : null;
    const right = left ? left.right : text._start;
    const id = Y.createID(own, Y.getState(store, own));
    const item = new Y.Item(id, left, left?.lastId ?? null, right, right?.id ?? null, text, null, new Y.ContentString(splice.insert));
    item.integrate(transaction, 0);
  }
  // Yjs caches index positions in search markers; they know nothing of the items placed here by hand.
  if (text._searchMarker) text._searchMarker.length = 0;
  if (mayContinue && continuesTyping(doc, text, records, splice, chars[splice.index - 1], start)) return true;
  const bytes = encodeRecord(
    {
      field,
      time: nextTime(records, author.now),
      seen,
      insertedLength: Y.getState(store, own) - start,
      deleted,
      deletedText: shown.text.slice(splice.index, splice.index + splice.remove),
      ...(deleted.length === 0 && { insertedText: splice.insert }),
    },
    own,
    lastRecordOf(doc, own) ?? undefined,
  );
  doc.getArray<Uint8Array>(EDITS_KEY).push([bytes]);
  return true;
}

/** The longest run of keystrokes that continue one recorded edit before the next keystroke is recorded again. */
const MAX_CONTINUATION = 256;

/**
 * Whether a pure insert only continues its author's last recorded edit of this text: typed right after the text that
 * edit (and the keystrokes continuing it) inserted, with nothing written or received since. Such a keystroke needs no
 * record of its own: it belongs to that edit (it is hidden when that edit loses a collision, as text typed after it
 * is) and knows no more than it did. A typing burst costs one record, not one per keystroke.
 */
function continuesTyping(doc: Y.Doc, text: Y.Text, records: readonly EditRecord[], splice: TextSplice, anchor: ShownChar | undefined, start: number): boolean {
  const own = doc.clientID;
  const store = doc.store;
  if (splice.remove > 0 || !anchor || anchor.client !== own || !anchor.live) return false;
  let last: EditRecord | undefined;
  for (const record of records) if (record.client === own && (!last || record.clock > last.clock)) last = record;
  if (!last || last.field !== topLevelName(text) || last.inserted.length === 0 || start - last.clock > MAX_CONTINUATION) return false;
  // The anchor is the last character written here before this keystroke, and everything since the record is this text's.
  if (anchor.clock !== (start - 1 === last.clock ? last.clock - 1 : start - 1)) return false;
  for (let clock = last.clock + 1; clock < start; ) {
    const item = Y.getItem(store, Y.createID(own, clock));
    if (!(item instanceof Y.Item) || item.parent !== text || !(item.content instanceof Y.ContentString)) return false;
    clock += item.length;
  }
  for (const client of store.clients.keys()) {
    if (client !== own && Y.getState(store, client) !== (last.seen.get(client) ?? 0)) return false;
  }
  return true;
}

/** Marks one run of characters deleted (a no-op for those Yjs already has as tombstones). */
function deleteRange(transaction: Y.Transaction, store: Y.Doc['store'], range: IdRange): void {
  Y.getItemCleanStart(transaction, Y.createID(range.client, range.clock));
  Y.getItemCleanEnd(transaction, store, Y.createID(range.client, range.clock + range.length - 1));
  // Consecutive clocks need not be neighbours in the text: walk the client's structs, not the list.
  for (let clock = range.clock; clock < range.clock + range.length; ) {
    const item = Y.getItem(store, Y.createID(range.client, clock));
    if (!item.deleted) item.delete(transaction);
    clock += item.length;
  }
}

/** The smallest single splice from `current` to `next` (common prefix and suffix kept), never splitting a surrogate pair. */
export function minimalSplice(current: string, next: string): TextSplice | null {
  if (current === next) return null;
  let start = 0;
  const shorter = Math.min(current.length, next.length);
  while (start < shorter && current[start] === next[start]) start++;
  let end = 0;
  while (end < shorter - start && current[current.length - 1 - end] === next[next.length - 1 - end]) end++;
  if (start > 0 && isHighSurrogate(current.charCodeAt(start - 1))) start--;
  if (end > 0 && isLowSurrogate(current.charCodeAt(current.length - end))) end--;
  return { index: start, remove: current.length - start - end, insert: next.slice(start, next.length - end) };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
