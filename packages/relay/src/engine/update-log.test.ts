// Over 300 lines: the update log and the merge functions it is built on (squashUpdate, compactionResult), which share
// these update builders (typed text, map entries, decodable-but-corrupt flips).
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { compactUpdates, EMPTY_STATE_VECTOR, mergeUpdatesTree, squashUpdate } from './merge-tree.js';
import { compactionResult } from './room-registry.js';
import { ClockTable } from './clock-table.js';
import { PRECOMPUTE_AFTER_UPDATES, RAW_BYTES_BEFORE_MERGE, RAW_UPDATES_BEFORE_MERGE, SETTLE_MS, TAIL_SHARE_BEFORE_MERGE, UpdateLog } from './update-log.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** One update per typed character: consecutive inserts of one client, which a Y.Doc squashes into one struct. */
function typed(count: number, clientID = 1): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  const text = doc.getText('t');
  for (let i = 0; i < count; i++) text.insert(text.length, String.fromCharCode(97 + (i % 26)));
  text.delete(3, 5);
  return { doc, updates };
}

/** One update per map entry under its own key, as the benchmark's clients write: nothing to squash. */
function mapEntries(count: number, clientID = 2): Uint8Array[] {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (let i = 0; i < count; i++) doc.getMap('tasks').set(`k${i}`, { title: `task ${i}`, done: false });
  return updates;
}

function replica(update: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return doc;
}

/** `doc`'s content and delete set after applying `answer` to a copy of it. */
function after(doc: Y.Doc, answer: Uint8Array): { text: string; deletions: Uint8Array } {
  const copy = replica(Y.encodeStateAsUpdate(doc));
  Y.applyUpdate(copy, answer);
  return { text: copy.getText('t').toString(), deletions: Y.encodeStateAsUpdate(copy, Y.encodeStateVector(copy)) };
}

const stateVector = (update: Uint8Array): Map<number, number> => Y.decodeStateVector(Y.encodeStateVectorFromUpdate(update));

/** An insert in the middle of a text (it names its neighbours: the kind of update whose flips can throw on apply). */
function midTextInsert(): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = 4;
  doc.getText('t').insert(0, 'hello');
  const before = Y.encodeStateVector(doc);
  doc.getText('t').insert(2, 'XY');
  return Y.encodeStateAsUpdate(doc, before);
}

/** A single-bit flip of `update` that still decodes but makes `Y.applyUpdate` throw (about 2 % of single-bit flips are). */
function decodableButCorrupt(update: Uint8Array): Uint8Array {
  for (let bit = 0; bit < update.byteLength * 8; bit++) {
    const flipped = update.slice();
    flipped[bit >> 3] = (flipped[bit >> 3] as number) ^ (1 << (bit & 7));
    try {
      Y.decodeUpdate(flipped);
    } catch {
      continue;
    }
    try {
      Y.applyUpdate(new Y.Doc(), flipped);
    } catch {
      return flipped;
    }
  }
  throw new Error('no decodable-but-corrupt flip found');
}

describe('squashUpdate', () => {
  it('re-encodes typed text into fewer bytes with exactly the same content, state vector and deletions', () => {
    const { doc, updates } = typed(300);
    const merged = mergeUpdatesTree(updates);
    const squashed = squashUpdate(merged);
    expect(squashed.byteLength).toBeLessThan(merged.byteLength / 2);
    expect(stateVector(squashed)).toEqual(stateVector(merged));
    expect(replica(squashed).getText('t').toString()).toBe(doc.getText('t').toString());
    // A client holding the squashed snapshot and one holding the raw log converge on the same document.
    const a = replica(squashed);
    const b = replica(merged);
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    expect(a.getText('t').toString()).toBe(b.getText('t').toString());
    expect(Y.encodeStateVector(a)).toEqual(Y.encodeStateVector(b));
  });

  it('keeps map entries under distinct keys as they are (nothing to squash): same size, same content', () => {
    const merged = mergeUpdatesTree(mapEntries(200));
    const squashed = squashUpdate(merged);
    expect(squashed.byteLength).toBe(merged.byteLength);
    expect(replica(squashed).getMap('tasks').toJSON()).toEqual(replica(merged).getMap('tasks').toJSON());
  });

  it('falls back to the merged update when an update decodes but cannot be applied', () => {
    const corrupt = decodableButCorrupt(midTextInsert());
    const merged = mergeUpdatesTree([...mapEntries(5, 9), corrupt]);
    expect(squashUpdate(merged)).toBe(merged);
    expect(squashUpdate(corrupt)).toBe(corrupt);
  });

  it('falls back when structs wait for updates the log lacks (a Y.Doc would keep them aside and drop them)', () => {
    const { updates } = typed(10);
    const withGap = mergeUpdatesTree([updates[0] as Uint8Array, ...updates.slice(5)]);
    expect(squashUpdate(withGap)).toBe(withGap);
  });

  it('destroys its temporary Y.Doc, on success and on fallback', () => {
    const destroy = vi.spyOn(Y.Doc.prototype, 'destroy');
    squashUpdate(mergeUpdatesTree(typed(20).updates));
    squashUpdate(decodableButCorrupt(midTextInsert()));
    expect(destroy).toHaveBeenCalledTimes(2);
  });

  it('compactUpdates: the empty log is the empty update', () => {
    expect(compactUpdates([])).toEqual(Uint8Array.of(0, 0));
  });
});

describe('UpdateLog', () => {
  it('holds the same document as one merge of every update, before and after precompute (which does not squash)', () => {
    const { doc, updates } = typed(500);
    const log = new UpdateLog();
    for (const update of updates) log.append(update);
    const plain = log.merged();
    expect(stateVector(plain)).toEqual(stateVector(mergeUpdatesTree(updates)));
    log.precompute();
    expect(log.merged()).toBe(plain);
    expect(replica(plain).getText('t').toString()).toBe(doc.getText('t').toString());
    expect(Y.decodeStateVector(log.stateVector())).toEqual(Y.decodeStateVector(Y.encodeStateVector(doc)));
    expect(log.pendingEntries).toBe(1); // the full merge replaced the chunks: the document is held once
    expect(log.count).toBe(updates.length);
  });

  it('answers a client that holds every struct with the same bytes as Y.diffUpdate, and others with their diff', () => {
    const { doc, updates } = typed(100);
    const log = new UpdateLog();
    for (const update of updates) log.append(update);
    log.precompute();
    const merged = log.merged();
    // Holds everything, plus edits of its own the relay has not seen: the prepared answer (the delete set alone).
    const caughtUp = new Y.Doc();
    Y.applyUpdate(caughtUp, merged);
    caughtUp.getText('other').insert(0, 'offline edit');
    const sv = Y.encodeStateVector(caughtUp);
    expect(log.diff(sv)).toEqual(Y.diffUpdate(merged, sv));
    expect(log.diff(sv)).toBe(log.diff(sv)); // prepared once, not diffed per request
    const deletionsOnly = Y.decodeUpdate(log.diff(sv));
    expect(deletionsOnly.structs).toHaveLength(0);
    expect(deletionsOnly.ds.clients.size).toBe(1);
    // Lacks the last 10 characters: a real diff.
    const behind = new Y.Doc();
    for (const update of updates.slice(0, 90)) Y.applyUpdate(behind, update);
    const behindSv = Y.encodeStateVector(behind);
    expect(log.diff(behindSv)).toEqual(Y.diffUpdate(merged, behindSv));
    Y.applyUpdate(behind, log.diff(behindSv));
    expect(behind.getText('t').toString()).toBe(doc.getText('t').toString());
    // A fresh client gets the whole document.
    expect(log.diff(EMPTY_STATE_VECTOR)).toBe(merged);
  });

  it('drops the prepared answers on the next append', () => {
    const { updates } = typed(50);
    const log = new UpdateLog();
    for (const update of updates.slice(0, 40)) log.append(update);
    log.precompute();
    const holder = replica(log.merged());
    for (const update of updates.slice(40)) log.append(update);
    const sv = Y.encodeStateVector(holder);
    const diff = log.diff(sv);
    expect(Y.decodeUpdate(diff).structs.length).toBeGreaterThan(0);
    Y.applyUpdate(holder, diff);
    expect(holder.getText('t').toString()).toBe(replica(mergeUpdatesTree(updates)).getText('t').toString());
  });

  it('answers a client that holds the last full merge from the tail alone, without merging the document again', () => {
    const updates = mapEntries(200);
    const log = new UpdateLog(updates.slice(0, 150));
    log.precompute();
    const reconnecting = replica(log.merged());
    for (const update of updates.slice(150)) log.append(update);
    const entries = log.pendingEntries;
    const merged = mergeUpdatesTree(updates);
    expect(Y.decodeStateVector(log.stateVector())).toEqual(stateVector(merged));
    const diff = log.diff(Y.encodeStateVector(reconnecting));
    // The base as it was (no full merge); the tail's raw updates merged once, kept for the next catch-up.
    expect(entries).toBe(51);
    expect(log.pendingEntries).toBe(2);
    Y.applyUpdate(reconnecting, diff);
    expect(reconnecting.getMap('tasks').toJSON()).toEqual(replica(merged).getMap('tasks').toJSON());
    // A fresh client needs the whole document: that one merges.
    expect(log.diff(EMPTY_STATE_VECTOR)).toEqual(log.merged());
    expect(log.pendingEntries).toBe(1);
  });

  it('answers a client that holds every struct from the deletions alone, without reading the tail', () => {
    const { doc, updates } = typed(60);
    const log = new UpdateLog();
    for (const update of updates.slice(0, 40)) log.append(update);
    log.precompute();
    // The tail: more typing, then the deletion (`typed` ends with one), which the client made itself and went offline.
    for (const update of updates.slice(40)) log.append(update);
    const entries = log.pendingEntries;
    const writer = Y.encodeStateVector(doc);
    const answer = log.diff(writer);
    // Not one raw update was merged for it: the tail was not read.
    expect(log.pendingEntries).toBe(entries);
    expect(Y.decodeUpdate(answer).structs).toHaveLength(0);
    const merged = mergeUpdatesTree(updates);
    expect(after(doc, answer)).toEqual(after(doc, Y.diffUpdate(merged, writer)));
    // A client that holds every struct but missed the deletion gets it.
    const missedDeletion = replica(mergeUpdatesTree(updates.slice(0, -1)));
    Y.applyUpdate(missedDeletion, log.diff(Y.encodeStateVector(missedDeletion)));
    expect(missedDeletion.getText('t').toString()).toBe(doc.getText('t').toString());
    // A client behind by a struct is diffed against the tail, as before.
    const behind = replica(mergeUpdatesTree(updates.slice(0, 50)));
    Y.applyUpdate(behind, log.diff(Y.encodeStateVector(behind)));
    expect(behind.getText('t').toString()).toBe(doc.getText('t').toString());
    expect(log.pendingEntries).toBeLessThan(entries);
  });

  it('keeps at most 32 deleting updates and 64 KiB of them aside; past either, that client is diffed against the tail', () => {
    const doc = new Y.Doc();
    doc.clientID = 7;
    const updates: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => updates.push(update));
    const text = doc.getText('t');
    text.insert(0, 'x'.repeat(100));
    const log = new UpdateLog([updates[0] as Uint8Array]);
    log.precompute();
    /** Appends what `edit` wrote, then asks for the writer (it holds every struct): whether its answer read the tail. */
    const appendAndAsk = (edit: () => void): boolean => {
      const from = updates.length;
      edit();
      for (const update of updates.slice(from)) log.append(update);
      const entries = log.pendingEntries;
      const readTail = (log.diff(Y.encodeStateVector(doc)), log.pendingEntries !== entries);
      // A client that applied the updates that delete nothing: every struct of them, none of the deletions.
      const missedDeletions = new Y.Doc();
      for (const update of updates) if (Y.decodeUpdate(update).ds.clients.size === 0) Y.applyUpdate(missedDeletions, update);
      Y.applyUpdate(missedDeletions, log.diff(Y.encodeStateVector(missedDeletions)));
      expect(missedDeletions.getText('t').toString()).toBe(text.toString());
      expect(missedDeletions.getMap('m').toJSON()).toEqual(doc.getMap('m').toJSON());
      return readTail;
    };
    expect(appendAndAsk(() => Array.from({ length: 32 }, () => text.delete(0, 1)))).toBe(false);
    expect(appendAndAsk(() => text.delete(0, 1))).toBe(true);
    log.precompute();
    expect(appendAndAsk(() => text.delete(0, 1))).toBe(false);
    // One update of over 64 KiB that deletes: 4,000 map entries set again at once (each overwrite deletes the old value).
    const map = doc.getMap('m');
    appendAndAsk(() => doc.transact(() => Array.from({ length: 4000 }, (_, i) => map.set(`k${i}`, i))));
    log.precompute();
    expect(
      appendAndAsk(() => {
        doc.transact(() => Array.from({ length: 4000 }, (_, i) => map.set(`k${i}`, `value ${i}`)));
        text.insert(0, 'z');
      }),
    ).toBe(true);
  });

  it('merges in the background once writes settle after a run of appends, never for a load or a few appends', () => {
    vi.useFakeTimers();
    const updates = mapEntries(PRECOMPUTE_AFTER_UPDATES * 2);
    const loaded = new UpdateLog(updates);
    expect(loaded.precomputeScheduled).toBe(false);

    const log = new UpdateLog();
    for (const update of updates.slice(0, PRECOMPUTE_AFTER_UPDATES - 1)) log.append(update);
    expect(log.precomputeScheduled).toBe(true);
    vi.advanceTimersByTime(SETTLE_MS);
    expect(log.pendingEntries).toBe(PRECOMPUTE_AFTER_UPDATES - 1); // a few appends: nothing merged
    log.append(updates[PRECOMPUTE_AFTER_UPDATES - 1] as Uint8Array);
    // Each append postpones it: a burst pays for one preparation, after it.
    vi.advanceTimersByTime(SETTLE_MS - 1);
    log.append(updates[PRECOMPUTE_AFTER_UPDATES] as Uint8Array);
    vi.advanceTimersByTime(SETTLE_MS - 1);
    expect(log.precomputeScheduled).toBe(true);
    vi.advanceTimersByTime(1);
    expect(log.precomputeScheduled).toBe(false);
    expect(log.pendingEntries).toBe(1);
    expect(stateVector(log.merged())).toEqual(stateVector(mergeUpdatesTree(updates.slice(0, PRECOMPUTE_AFTER_UPDATES + 1))));
  });

  it('merges nothing while writes stream in and nobody catches up, until the raw updates reach their bound', () => {
    vi.useFakeTimers();
    const updates = mapEntries(RAW_UPDATES_BEFORE_MERGE + 10);
    const log = new UpdateLog();
    // Appends closer together than SETTLE_MS: the writes never settle.
    for (const update of updates.slice(0, RAW_UPDATES_BEFORE_MERGE - 1)) {
      log.append(update);
      vi.advanceTimersByTime(SETTLE_MS / 2);
    }
    expect(log.pendingEntries).toBe(RAW_UPDATES_BEFORE_MERGE - 1); // every update as it came: nothing merged
    expect(Y.decodeStateVector(log.stateVector())).toEqual(stateVector(mergeUpdatesTree(updates.slice(0, RAW_UPDATES_BEFORE_MERGE - 1))));
    log.append(updates[RAW_UPDATES_BEFORE_MERGE - 1] as Uint8Array);
    expect(log.pendingEntries).toBe(1);
    for (const update of updates.slice(RAW_UPDATES_BEFORE_MERGE)) log.append(update);
    expect(replica(log.diff(EMPTY_STATE_VECTOR)).getMap('tasks').size).toBe(updates.length);
  });

  it('merges raw updates of a large size before their count reaches the bound', () => {
    const big = new Y.Doc();
    const updates: Uint8Array[] = [];
    big.on('update', (update: Uint8Array) => updates.push(update));
    for (let i = 0; updates.reduce((sum, update) => sum + update.byteLength, 0) < RAW_BYTES_BEFORE_MERGE; i++) big.getMap('m').set(`k${i}`, 'x'.repeat(8192));
    const log = new UpdateLog();
    for (const update of updates.slice(0, -1)) log.append(update);
    expect(log.pendingEntries).toBe(updates.length - 1);
    log.append(updates.at(-1) as Uint8Array);
    expect(log.pendingEntries).toBe(1);
    log.dispose();
  });

  it('merges the raw updates once writes settle, so the next catch-up does not wait for it', () => {
    vi.useFakeTimers();
    const updates = mapEntries(150);
    const log = new UpdateLog(updates.slice(0, 50));
    log.precompute();
    // Nobody caught up since the preparation: the settled writes are not prepared in full, only their raw updates merged.
    for (const update of updates.slice(50)) log.append(update);
    expect(log.pendingEntries).toBe(101);
    vi.advanceTimersByTime(SETTLE_MS);
    expect(log.pendingEntries).toBe(2);
    expect(stateVector(log.merged())).toEqual(stateVector(mergeUpdatesTree(updates)));
  });

  it('a catch-up keeps its merge of the raw updates: the next one after an append merges only what came since', () => {
    const updates = mapEntries(80);
    const log = new UpdateLog(updates.slice(0, 10));
    log.precompute();
    const reconnecting = replica(log.merged());
    for (const update of updates.slice(10, 70)) log.append(update);
    log.diff(Y.encodeStateVector(reconnecting));
    expect(log.pendingEntries).toBe(2);
    for (const update of updates.slice(70)) log.append(update);
    Y.applyUpdate(reconnecting, log.diff(Y.encodeStateVector(reconnecting)));
    expect(log.pendingEntries).toBe(3); // the base, the first catch-up's merge, the second's
    expect(reconnecting.getMap('tasks').size).toBe(80);
  });

  it('after a few appends to a merged log, keeps the state vector without a full merge', () => {
    vi.useFakeTimers();
    const updates = mapEntries(PRECOMPUTE_AFTER_UPDATES * 4);
    const log = new UpdateLog(updates.slice(0, PRECOMPUTE_AFTER_UPDATES * 3));
    log.precompute();
    // The merged log has no gap: each append extends its state vector at once.
    for (const update of updates.slice(PRECOMPUTE_AFTER_UPDATES * 3, PRECOMPUTE_AFTER_UPDATES * 3 + 3)) log.append(update);
    expect(log.stateVectorReady).toBe(true);
    vi.advanceTimersByTime(SETTLE_MS);
    expect(log.stateVectorReady).toBe(true);
    expect(log.pendingEntries).toBe(4); // the base and three raw updates: no full merge
    expect(Y.decodeStateVector(log.stateVector())).toEqual(stateVector(mergeUpdatesTree(updates.slice(0, PRECOMPUTE_AFTER_UPDATES * 3 + 3))));
  });

  it('with the clocks kept by the appends, a settled write encodes no state vector until one is asked for', () => {
    vi.useFakeTimers();
    const updates = mapEntries(PRECOMPUTE_AFTER_UPDATES * 2);
    const log = new UpdateLog(updates.slice(0, PRECOMPUTE_AFTER_UPDATES));
    log.precompute();
    const encode = vi.spyOn(ClockTable.prototype, 'encode');
    for (const update of updates.slice(PRECOMPUTE_AFTER_UPDATES, PRECOMPUTE_AFTER_UPDATES + 3)) {
      log.append(update);
      vi.advanceTimersByTime(SETTLE_MS);
    }
    expect(encode).not.toHaveBeenCalled();
    expect(Y.decodeStateVector(log.stateVector())).toEqual(stateVector(mergeUpdatesTree(updates.slice(0, PRECOMPUTE_AFTER_UPDATES + 3))));
    expect(encode).toHaveBeenCalledTimes(1);
    encode.mockRestore();
  });

  it('folds a tail of a few large updates into the base once it holds an eighth of its bytes, when writes settle', () => {
    vi.useFakeTimers();
    const updates = mapEntries(400);
    const log = new UpdateLog(updates.slice(0, 320));
    log.precompute();
    const baseBytes = log.merged().byteLength;
    // Offline clients reconnecting one after another: each brings one update of many edits.
    const batches = [updates.slice(320, 340), updates.slice(340, 360), updates.slice(360, 400)].map(mergeUpdatesTree);
    let tailBytes = 0;
    let folded = false;
    for (const batch of batches) {
      log.append(batch);
      // The reconnecting client is answered (its sync step 1) before the writes settle.
      log.diff(log.stateVector());
      tailBytes += batch.byteLength;
      vi.advanceTimersByTime(SETTLE_MS);
      folded = log.pendingEntries === 1;
      expect(folded).toBe(tailBytes * TAIL_SHARE_BEFORE_MERGE >= baseBytes);
      if (folded) break;
    }
    expect(folded).toBe(true);
  });

  it('with every client connected and nobody catching up, settled writes keep the state vector without merging the log', () => {
    vi.useFakeTimers();
    const updates = mapEntries(10 * PRECOMPUTE_AFTER_UPDATES);
    const log = new UpdateLog();
    log.diff(Uint8Array.of(0)); // the clients' first sync
    for (const [i, update] of updates.entries()) {
      log.append(update);
      vi.advanceTimersByTime(SETTLE_MS);
      expect(log.stateVectorReady).toBe(true);
      // One preparation for the catch-up answered before the writes, then none: no one asked again.
      if (i > PRECOMPUTE_AFTER_UPDATES) expect(log.pendingEntries).toBeGreaterThan(1);
    }
    expect(Y.decodeStateVector(log.stateVector())).toEqual(Y.decodeStateVector(Y.encodeStateVectorFromUpdate(mergeUpdatesTree(updates))));
    // A client asks: the next settled write prepares again.
    log.diff(log.stateVector());
    log.append(mapEntries(1, 99)[0]!);
    vi.advanceTimersByTime(SETTLE_MS);
    expect(log.pendingEntries).toBe(1);
  });

  it('a merge in the middle of a stream of writes (a compaction) does not let the preparation run before they settle', () => {
    vi.useFakeTimers();
    const updates = mapEntries(PRECOMPUTE_AFTER_UPDATES + 10);
    const log = new UpdateLog();
    for (const update of updates.slice(0, PRECOMPUTE_AFTER_UPDATES)) log.append(update);
    log.merged(); // what a compaction does: resets the count of appends since the last merge
    for (const update of updates.slice(PRECOMPUTE_AFTER_UPDATES)) {
      vi.advanceTimersByTime(SETTLE_MS - 1);
      log.append(update);
      expect(log.precomputeScheduled).toBe(true);
    }
    vi.advanceTimersByTime(SETTLE_MS);
    expect(log.precomputeScheduled).toBe(false);
  });

  it('dispose cancels the background preparation', () => {
    vi.useFakeTimers();
    const log = new UpdateLog();
    for (const update of mapEntries(PRECOMPUTE_AFTER_UPDATES + 1)) log.append(update);
    expect(log.precomputeScheduled).toBe(true);
    log.dispose();
    expect(log.precomputeScheduled).toBe(false);
    vi.advanceTimersByTime(SETTLE_MS * 10);
    expect(log.pendingEntries).toBeGreaterThan(1); // never merged
  });

  it('a log holding a decodable-but-corrupt update keeps it and precomputes without throwing', () => {
    vi.useFakeTimers();
    const updates = mapEntries(PRECOMPUTE_AFTER_UPDATES, 3);
    const corrupt = decodableButCorrupt(midTextInsert());
    const log = new UpdateLog();
    for (const update of [...updates, corrupt]) log.append(update);
    expect(() => vi.advanceTimersByTime(SETTLE_MS)).not.toThrow();
    expect(log.merged()).toEqual(mergeUpdatesTree([...updates, corrupt]));
  });
});

describe('compactionResult', () => {
  const updates = mapEntries(40);
  const log = new UpdateLog(updates);

  it("is the room's log when no write is in flight: storage holds exactly the log", () => {
    const stored = [mergeUpdatesTree(updates.slice(0, 30)), ...updates.slice(30)];
    expect(compactionResult({ pendingWrites: 0, log }, stored)).toBe(log.merged());
  });


  it('merges what storage read while writes are in flight (storage may hold updates the log lacks yet)', () => {
    const stored = [...updates, ...mapEntries(2, 77)];
    const result = compactionResult({ pendingWrites: 2, log }, stored);
    expect(stateVector(result)).toEqual(stateVector(mergeUpdatesTree(stored)));
  });

  it('merges what storage read when it read more updates than the log ever held', () => {
    const stored = [...updates, ...mapEntries(2, 78)];
    const result = compactionResult({ pendingWrites: 0, log }, stored);
    expect(stateVector(result).get(78)).toBe(2);
  });
});
