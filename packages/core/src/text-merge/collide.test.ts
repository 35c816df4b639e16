import { describe, expect, it } from 'vitest';
import { editText } from './edit.js';
import { exchange, offlinePair } from './test-support.js';
import { resolveText } from './resolve.js';

const ann = { userId: 'ann', now: 1_000 };
const bob = { userId: 'bob', now: 2_000 };

/** The rows of the table "When two text edits collide" in packages/core/README.md, in its order. */
const rows: Array<{ name: string; base: string; ann: string; bob: string; shown: string; alternatives: string[] }> = [
  { name: 'both renamed the same way', base: 'Cheese', ann: 'Gouda', bob: 'Gouda', shown: 'Gouda', alternatives: [] },
  { name: 'both typed over the same words alike', base: 'Eggs (free range)', ann: 'Eggs x12', bob: 'Eggs x12', shown: 'Eggs x12', alternatives: [] },
  { name: 'both renamed differently: the later wins', base: 'Cheese', ann: 'Gouda', bob: 'Brie', shown: 'Brie', alternatives: ['Gouda'] },
  { name: 'a typo fixed at the start, text appended at the end', base: 'Mlik', ann: 'Milk', bob: 'Mlik (2L)', shown: 'Milk (2L)', alternatives: [] },
  { name: 'text typed right before a replaced word', base: 'Cheese', ann: 'Gouda', bob: 'Old Cheese', shown: 'Old Gouda', alternatives: [] },
  { name: 'text typed right after a replaced word', base: 'Cheese', ann: 'Gouda', bob: 'Cheese (2L)', shown: 'Cheese (2L)', alternatives: ['Gouda'] },
  { name: 'a deletion and an edit inside the deleted words', base: 'Milk and eggs', ann: 'Milk', bob: 'Milk and ham', shown: 'Milk and ham', alternatives: ['Milk'] },
  { name: 'both deleted the same words', base: 'Milk and eggs', ann: 'Milk', bob: 'Milk', shown: 'Milk', alternatives: [] },
  { name: 'two inserts at the same place, nothing deleted', base: 'ab', ann: 'aXb', bob: 'aYb', shown: 'aXYb', alternatives: [] },
  { name: 'edits of different words', base: 'red apples, green pears', ann: 'red plums, green pears', bob: 'red apples, ripe pears', shown: 'red plums, ripe pears', alternatives: [] },
];

describe('text edits made apart (README table)', () => {
  for (const row of rows) {
    it(`${row.name}: "${row.ann}" and "${row.bob}" show "${row.shown}" everywhere`, () => {
      const pair = offlinePair(row.base);
      editText(pair.a, 'title', row.ann, ann);
      editText(pair.b, 'title', row.bob, bob);
      const results = exchange(pair);
      for (const result of results) {
        // Two inserts at one place with nothing deleted merge by character, in an order Yjs picks by client id.
        if (row.shown === 'aXYb') expect(['aXYb', 'aYXb']).toContain(result.text);
        else expect(result.text).toBe(row.shown);
        expect(result.alternatives.map((alternative) => alternative.text)).toEqual(row.alternatives);
        expect(result).toEqual(results[0]);
      }
      if (row.alternatives.length > 0) expect(results[0]!.alternatives[0]).toMatchObject({ by: 'ann', at: 1_000 });
    });
  }
});

describe('a collision, after it', () => {
  it('builds the next edit on the shown text, and stops offering an alternative its author had seen', () => {
    const pair = offlinePair('Cheese');
    editText(pair.a, 'title', 'Gouda', ann);
    editText(pair.b, 'title', 'Brie', bob);
    exchange(pair);
    editText(pair.a, 'title', 'Brie!', { userId: 'ann', now: 3_000 });
    expect(resolveText(pair.a, 'title')).toEqual({ text: 'Brie!', alternatives: [] });
  });

  it('hides text typed after a losing edit, by its author before the collision was known, with it', () => {
    const pair = offlinePair('Cheese');
    editText(pair.b, 'title', 'Gouda', ann);
    editText(pair.b, 'title', 'Gouda!', { userId: 'ann', now: 1_001 });
    editText(pair.a, 'title', 'Brie', bob);
    const [result] = exchange(pair);
    expect(result!.text).toBe('Brie');
    expect(result!.alternatives.map((alternative) => alternative.text)).toEqual(['Gouda!']);
  });

  it('picking the alternative shows it everywhere', () => {
    const pair = offlinePair('Cheese');
    editText(pair.a, 'title', 'Gouda', ann);
    editText(pair.b, 'title', 'Brie', bob);
    const [seen] = exchange(pair);
    editText(pair.b, 'title', seen!.alternatives[0]!.text, { userId: 'bob', now: 2_500 });
    const [a, b] = exchange({ ...pair, base: new Uint8Array([0, 0]) });
    expect(a).toEqual({ text: 'Gouda', alternatives: [] });
    expect(b).toEqual(a);
  });

  it('two people picking the same alternative at once put its words back once', () => {
    const pair = offlinePair('Milk and eggs');
    editText(pair.a, 'title', 'Milk', { userId: 'ann', now: 3_000 });
    editText(pair.b, 'title', 'Milk and ham', bob);
    const [seen] = exchange(pair);
    expect(seen).toMatchObject({ text: 'Milk', alternatives: [{ text: 'Milk and ham' }] });
    // Both offline again: each picks Bob's version, which only inserts " and ham" after "Milk".
    editText(pair.a, 'title', 'Milk and ham', { userId: 'ann', now: 4_000 });
    editText(pair.b, 'title', 'Milk and ham', { userId: 'bob', now: 4_000 });
    for (const result of exchange({ ...pair, base: new Uint8Array([0, 0]) })) {
      expect(result).toEqual({ text: 'Milk and ham', alternatives: [] });
    }
  });

  it('orders by hybrid time: an edit made after seeing another is later even with a slow clock', () => {
    const pair = offlinePair('Cheese');
    editText(pair.a, 'title', 'Gouda', { userId: 'ann', now: 5_000 });
    exchange(pair);
    editText(pair.b, 'title', 'Brie', { userId: 'bob', now: 10 });
    editText(pair.a, 'title', 'Feta', { userId: 'ann', now: 5_001 });
    const [result] = exchange(pair);
    // Bob's edit saw Ann's first one, so it is at least 5,001; ties go to the higher id.
    expect(['Brie', 'Feta']).toContain(result!.text);
    expect(result!.alternatives).toHaveLength(1);
  });
});
