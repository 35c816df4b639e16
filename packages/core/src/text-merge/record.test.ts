import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { keepClaims } from '../attribution/authors.js';
import { editText } from './edit.js';
import { decodeRecord, encodeRecord } from './record.js';
import { EDITS_KEY, readRecords } from './records.js';
import { resolveText } from './resolve.js';

/** A task document Bob wrote first, then Ann (her replica keeps deleted records' content, as every replica does). */
function annAfterBob(): Y.Doc {
  const bob = new Y.Doc();
  editText(bob, 'title', 'Cheese', { userId: 'bob', now: T0 });
  const ann = new Y.Doc();
  keepClaims(ann);
  Y.applyUpdate(ann, Y.encodeStateAsUpdate(bob));
  return ann;
}

const T0 = 1_764_900_000_000;
const recordBytes = (doc: Y.Doc) => doc.getArray<Uint8Array>(EDITS_KEY).toArray().map((bytes) => bytes.byteLength);

describe('edit records written against their author’s previous one', () => {
  it('hold only the time difference and what the author saw since, and read back whole', () => {
    const doc = annAfterBob();
    editText(doc, 'title', 'Gouda', { userId: 'ann', now: 1_764_900_001_000 });
    editText(doc, 'title', 'Brie', { userId: 'ann', now: 1_764_900_002_000 });
    const [, first, second] = readRecords(doc);
    const bob = [...doc.store.clients.keys()].find((client) => client !== doc.clientID)!;
    const bobs = Y.getState(doc.store, bob);
    expect(first).toMatchObject({ time: 1_764_900_001_000, seen: new Map([[bob, bobs], [doc.clientID, 1]]) }); // 1: the claim
    expect(second).toMatchObject({ time: 1_764_900_002_000, seen: new Map([[bob, bobs], [doc.clientID, first!.clock + 1]]), deletedText: 'Gouda' });
    // Bob's clock and the full time are written once: the second record is 10 B smaller than the first one.
    const [, whole, after] = recordBytes(doc);
    expect(whole! - after!).toBeGreaterThanOrEqual(10);
  });

  it('name a client first seen since the previous record, and the deleted text of every client', () => {
    const doc = annAfterBob();
    editText(doc, 'title', 'Gouda', { userId: 'ann', now: T0 + 1_000 });
    const carl = new Y.Doc();
    Y.applyUpdate(carl, Y.encodeStateAsUpdate(doc));
    editText(carl, 'title', 'Gouda!', { userId: 'carl', now: T0 + 2_000 });
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(carl));
    editText(doc, 'title', 'Edam', { userId: 'ann', now: T0 + 3_000 });
    const last = readRecords(doc).at(-1)!;
    expect(last.seen.get(carl.clientID)).toBe(Y.getState(carl.store, carl.clientID));
    expect(last.deleted.map((range) => range.client).sort()).toEqual([doc.clientID, carl.clientID].sort());
    expect(last.deletedText).toBe('Gouda!');
  });

  it('still read when the previous record was deleted, and a replica that lost it skips them, and only them', () => {
    const doc = annAfterBob();
    editText(doc, 'title', 'Gouda', { userId: 'ann', now: T0 + 1_000 });
    editText(doc, 'title', 'Brie', { userId: 'ann', now: T0 + 2_000 });
    // Someone with a stock client deletes Ann's first record.
    const stock = new Y.Doc();
    Y.applyUpdate(stock, Y.encodeStateAsUpdate(doc));
    stock.getArray(EDITS_KEY).delete(1, 1);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(stock));
    expect(readRecords(doc).map((record) => record.time)).toEqual([T0, T0 + 2_000]);
    // The stock client dropped the deleted record's content: its copy cannot read Ann's later record.
    expect(readRecords(stock)).toHaveLength(1);
    expect(resolveText(stock, 'title').text).toBe('Brie');
  });

  it('read the same on every replica, whenever read, even when a client places a later record before an earlier one', () => {
    const ann = annAfterBob();
    editText(ann, 'title', 'Gouda', { userId: 'ann', now: T0 + 1_000 });
    editText(ann, 'title', 'Brie', { userId: 'ann', now: T0 + 2_000 });
    const early = new Y.Doc();
    keepClaims(early);
    Y.applyUpdate(early, Y.encodeStateAsUpdate(ann));
    const before = readRecords(early); // decoded before the odd record arrives
    // Someone writing with Ann's client id puts a record between her two: a later clock, an earlier place.
    const odd = new Y.Doc();
    Y.applyUpdate(odd, Y.encodeStateAsUpdate(ann));
    odd.clientID = ann.clientID;
    const [, , second] = odd.getArray<Uint8Array>(EDITS_KEY).toArray();
    odd.getArray<Uint8Array>(EDITS_KEY).insert(2, [second!]);
    const late = new Y.Doc();
    keepClaims(late);
    Y.applyUpdate(late, Y.encodeStateAsUpdate(odd));
    Y.applyUpdate(early, Y.encodeStateAsUpdate(odd));
    const times = (doc: Y.Doc) => readRecords(doc).map((record) => [record.clock, record.time, [...record.seen]]);
    expect(times(early)).toEqual(times(late));
    expect(times(late)).toEqual(expect.arrayContaining(before.map((record) => [record.clock, record.time, [...record.seen]])));
  });

  it('are refused without the previous record, or against one that is not earlier', () => {
    const doc = annAfterBob();
    editText(doc, 'title', 'Gouda', { userId: 'ann', now: T0 + 1_000 });
    const [, previous] = readRecords(doc);
    const bytes = encodeRecord({ field: 'title', time: T0 + 2_000, seen: new Map([...previous!.seen, [doc.clientID, 9]]), insertedLength: 1, deleted: [], deletedText: '', insertedText: 'x' }, doc.clientID, previous);
    expect(decodeRecord(bytes, doc.clientID, 10, previous)).toMatchObject({ time: T0 + 2_000, insertedText: 'x' });
    expect(decodeRecord(bytes, doc.clientID, 10)).toBeNull();
    expect(decodeRecord(bytes, doc.clientID, previous!.clock, previous)).toBeNull();
  });

  it('leave records written whole, with their author, readable', () => {
    const bytes = encodeRecord({ field: 'title', time: 5_000, seen: new Map([[7, 3]]), insertedLength: 2, deleted: [], deletedText: '', insertedText: 'ab', by: 'ann' }, 9);
    expect(decodeRecord(bytes, 9, 2)).toMatchObject({ time: 5_000, by: 'ann', seen: new Map([[7, 3], [9, 0]]), insertedText: 'ab' });
  });
});
