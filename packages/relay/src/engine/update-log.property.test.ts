import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mergeUpdatesTree } from './merge-tree.js';
import { UpdateLog } from './update-log.js';

/**
 * The log answers catch-ups from its last full merge and the updates appended since, without merging again. Whatever
 * the order updates arrive in (gaps included: an update whose predecessors the relay never got), its state vector and
 * its diffs must be those of one merge of everything it holds.
 */

const WRITERS = 3;
const index = fc.nat(1000);

type Step =
  | { kind: 'insert'; writer: number; at: number; text: string }
  | { kind: 'erase'; writer: number; at: number; length: number }
  | { kind: 'set'; writer: number; key: number; value: number }
  | { kind: 'unset'; writer: number; key: number }
  | { kind: 'exchange'; from: number; to: number }
  | { kind: 'append' }
  | { kind: 'appendAny'; pick: number }
  | { kind: 'merge' }
  | { kind: 'precompute' }
  | { kind: 'ask'; picks: number[] };

const writer = fc.nat(WRITERS - 1);
const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('insert' as const), writer, at: index, text: fc.string({ minLength: 1, maxLength: 4 }) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('erase' as const), writer, at: index, length: fc.integer({ min: 1, max: 3 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('set' as const), writer, key: fc.nat(5), value: fc.nat(100) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('unset' as const), writer, key: fc.nat(5) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('exchange' as const), from: writer, to: writer }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('append' as const) }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant('appendAny' as const), pick: index }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('merge' as const) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('precompute' as const) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('ask' as const), picks: fc.array(index, { maxLength: 6 }) }), weight: 3 },
);

/** A client's document after the catch-up `diff`, as bytes: equal bytes, equal documents (pending structs included). */
function after(held: readonly Uint8Array[], diff: Uint8Array): string {
  const doc = new Y.Doc();
  for (const update of [...held, diff]) Y.applyUpdate(doc, update);
  const pending = doc.store.pendingStructs === null ? [] : [...doc.store.pendingStructs.update];
  const pendingDs = doc.store.pendingDs === null ? [] : [...doc.store.pendingDs];
  return JSON.stringify([[...Y.encodeStateAsUpdate(doc)], pending, pendingDs]);
}

function check(steps: readonly Step[], rawUpdates: number): void {
  const writers = Array.from({ length: WRITERS }, (_, i) => {
    const doc = new Y.Doc();
    doc.clientID = i + 1;
    return doc;
  });
  const produced: Uint8Array[] = [];
  for (const doc of writers) doc.on('update', (update: Uint8Array, origin: unknown) => origin !== 'exchange' && produced.push(update));
  const log = new UpdateLog([], { rawUpdates });
  const appended: Uint8Array[] = [];
  let inOrder = 0;
  /** What the log held at its last full merge: a client holding that and part of what came after is the fast path. */
  let atMerge: Uint8Array[] = [];
  const reference = (): Uint8Array => mergeUpdatesTree(appended);
  const stateVectorOf = (update: Uint8Array): Map<number, number> => Y.decodeStateVector(Y.encodeStateVectorFromUpdate(update));

  for (const s of steps) {
    if (s.kind === 'insert' || s.kind === 'erase') {
      const text = (writers[s.writer] as Y.Doc).getText('t');
      if (s.kind === 'insert') text.insert(s.at % (text.length + 1), s.text);
      else if (text.length > 0) text.delete(s.at % text.length, Math.min(s.length, text.length - (s.at % text.length)));
    } else if (s.kind === 'set') {
      (writers[s.writer] as Y.Doc).getMap('m').set(`k${s.key}`, s.value);
    } else if (s.kind === 'unset') {
      (writers[s.writer] as Y.Doc).getMap('m').delete(`k${s.key}`);
    } else if (s.kind === 'exchange') {
      const from = writers[s.from] as Y.Doc;
      const to = writers[s.to] as Y.Doc;
      Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)), 'exchange');
    } else if (s.kind === 'append' || s.kind === 'appendAny') {
      // Mostly in order, as clients send; sometimes any update, again or out of order: the relay may hold an update
      // whose predecessors it lacks (a gap) until they arrive.
      const update = s.kind === 'append' ? produced[inOrder++] : produced[s.pick % Math.max(1, produced.length)];
      if (update === undefined) {
        inOrder = produced.length;
        continue;
      }
      log.append(update);
      appended.push(update);
    } else if (s.kind === 'merge') {
      log.merged();
      atMerge = [...appended];
    } else if (s.kind === 'precompute') {
      log.precompute();
      atMerge = [...appended];
    } else {
      const merged = reference();
      expect(Y.decodeStateVector(log.stateVector())).toEqual(stateVectorOf(merged));
      // A client holding some of what the relay holds, or everything, or everything and more of its own.
      const some = (from: readonly Uint8Array[]): Uint8Array[] =>
        from.length === 0 ? [] : s.picks.map((p) => from[p % from.length] as Uint8Array);
      const since = appended.slice(atMerge.length);
      // Those a full merge would not answer first: any other answer merges the log in full, and the tail is gone.
      const clients = [[...atMerge, ...some(since)], atMerge, appended, [...appended, ...produced.slice(-2)], some(appended)];
      for (const updates of clients) {
        const doc = new Y.Doc();
        for (const update of updates) Y.applyUpdate(doc, update);
        const sv = Y.encodeStateVector(doc);
        expect(after(updates, log.diff(sv))).toBe(after(updates, Y.diffUpdate(merged, sv)));
      }
    }
  }
  expect(Y.decodeStateVector(log.stateVector())).toEqual(stateVectorOf(reference()));
}

describe('UpdateLog catch-up answers (property)', () => {
  it('state vector and diffs equal those of one merge of every appended update, in any order, gaps included', () => {
    fc.assert(
      // Raw updates merged after 1, 3 or 8 of them (their levels carry up as a binary counter), or never in a run.
      fc.property(fc.array(step, { minLength: 30, maxLength: 100 }), fc.constantFrom(1, 3, 8, 4096), (steps, rawUpdates) => check(steps, rawUpdates)),
      { numRuns: 100 },
    );
  });
});
