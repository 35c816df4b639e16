import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeExact, screenUpdate } from './update-screen.js';

/**
 * The screen's promise, checked against Yjs itself: an update it accepts applies to the document as the room holds it
 * without throwing and without leaving anything pending, and so does the stored merge applied to an empty document (a
 * fresh client). Inputs: real updates of three people editing text, a map and an array, with one bit flipped, and
 * updates with two blocks of one client side by side.
 */
const quietYjs = <T,>(run: () => T): T => {
  // Yjs warns on the console when a mutated update reuses the receiver's client id.
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    return run();
  } finally {
    console.warn = warn;
  }
};

function baseDocument(seed: number): Y.Doc[] {
  const people = [1, 2, 3].map((n) => {
    const doc = new Y.Doc();
    doc.clientID = n * 1000 + seed;
    return doc;
  });
  for (let round = 0; round < 4; round++) {
    for (const [i, doc] of people.entries()) {
      const title = doc.getText('title');
      title.insert((round * 3 + i) % (title.length + 1), `w${round}`);
      if (title.length > 4 && (round + i) % 2 === 0) title.delete(1, 2);
      doc.getMap('fields').set(`k${(round + i) % 3}`, round);
      doc.getArray('order').push([round * 10 + i]);
    }
    for (const a of people) for (const b of people) if (a !== b) Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  }
  return people;
}

/** One person's next edit, as an update: an insert, a deletion, a map set, or an array deletion. */
function nextEdit(writer: Y.Doc, kind: number, at: number): Uint8Array {
  const copy = new Y.Doc();
  copy.clientID = writer.clientID;
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(writer));
  const before = Y.encodeStateVector(copy);
  const title = copy.getText('title');
  if (kind === 0) title.insert(at % (title.length + 1), 'xyz');
  else if (kind === 1 && title.length > 2) title.delete(at % (title.length - 1), 2);
  else if (kind === 2) copy.getMap('fields').set('k', at);
  else copy.getArray('order').delete(0, 1);
  return Y.encodeStateAsUpdate(copy, before);
}

/**
 * Two text inserts of one person as one update with two blocks of that person's client side by side: Yjs decodes them
 * as one run of clocks and applies the last block only.
 */
function twoBlocksOfOneClient(writer: Y.Doc, at: number): Uint8Array {
  const copy = new Y.Doc();
  copy.clientID = writer.clientID;
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(writer));
  const edits: Uint8Array[] = [];
  copy.on('update', (update: Uint8Array) => edits.push(update));
  const title = copy.getText('title');
  title.insert(at % (title.length + 1), 'ab');
  title.insert(at % (title.length + 1), 'cd');
  // Each insert's update: one block (1), the block, an empty delete set (0).
  const blocks = edits.map((update) => [...update.subarray(1, update.length - 1)]);
  return Uint8Array.from([2, ...blocks.flat(), 0]);
}

const flips = fc.record({
  seed: fc.nat(20),
  writer: fc.nat(2),
  kind: fc.nat(3),
  at: fc.nat(),
  position: fc.nat(),
  bit: fc.nat(7),
  whole: fc.boolean(),
  twoBlocks: fc.boolean(),
});

describe('screenUpdate against Yjs', () => {
  it('every update it accepts applies cleanly, with nothing pending, to the room and to a fresh client', () => {
    const seed = Number(process.env.CONCORD_SCREEN_SEED ?? Date.now() % 1_000_000);
    console.info(`screen property seed ${seed} (replay with CONCORD_SCREEN_SEED=${seed})`);
    const bases = new Map<number, Y.Doc[]>();
    const verdicts = { accept: 0, hold: 0, refuse: 0 };
    fc.assert(
      fc.property(flips, ({ seed: s, writer, kind, at, position, bit, whole, twoBlocks }) => {
        const people = bases.get(s) ?? baseDocument(s);
        bases.set(s, people);
        const room = people[writer] as Y.Doc;
        const stored = Y.encodeStateAsUpdate(room);
        // Both shapes clients send, or the two blocks of one client, flipped or not.
        const update = twoBlocks ? twoBlocksOfOneClient(room, at) : whole ? Y.mergeUpdates([stored, nextEdit(room, kind, at)]) : nextEdit(room, kind, at);
        const mutated = update.slice();
        const index = position % mutated.length;
        if (!twoBlocks || bit % 2 === 0) mutated[index] = (mutated[index] as number) ^ (1 << bit);
        const decoded = decodeExact(mutated);
        if (decoded === null) return;
        const screening = screenUpdate(decoded, Y.decodeStateVector(Y.encodeStateVector(room)));
        verdicts[screening.verdict]++;
        if (screening.verdict !== 'accept') return;
        quietYjs(() => {
          const receiver = new Y.Doc();
          Y.applyUpdate(receiver, stored);
          receiver.on('update', () => undefined);
          Y.applyUpdate(receiver, mutated);
          expect(receiver.store.pendingStructs).toBeNull();
          expect(receiver.store.pendingDs).toBeNull();
          const fresh = new Y.Doc();
          fresh.on('update', () => undefined);
          Y.applyUpdate(fresh, Y.mergeUpdates([stored, mutated]));
        });
      }),
      { seed, numRuns: 3_000 },
    );
    console.info(`screen verdicts ${JSON.stringify(verdicts)}`);
    expect(verdicts.refuse).toBeGreaterThan(0);
    expect(verdicts.hold).toBeGreaterThan(0);
  });
});
