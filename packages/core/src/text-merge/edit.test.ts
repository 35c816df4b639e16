import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { claimedUser } from '../attribution/authors.js';
import { editText, spliceText } from './edit.js';
import { readRecords } from './records.js';
import { resolveText } from './resolve.js';

const author = { userId: 'ann', now: 1_000 };

describe('editText', () => {
  it('turns any string into any other, surrogate pairs included, and decodes the record it writes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (from, to) => {
        const doc = new Y.Doc();
        editText(doc, 't', from, author);
        editText(doc, 't', to, author);
        expect(resolveText(doc, 't').text).toBe(to);
        expect(doc.getText('t').toString()).toBe(to);
        const records = readRecords(doc);
        expect(records).toHaveLength((from === '' ? 0 : 1) + (to === from ? 0 : 1));
        if (to !== from) expect(records[records.length - 1]).toMatchObject({ field: 't', deletedText: from === '' ? '' : expect.any(String) as unknown });
      }),
      { numRuns: 300 },
    );
  });

  it('changes only what differs, so a concurrent edit elsewhere in the text survives', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    a.getText('t').insert(0, 'shopping list');
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    editText(a, 't', 'Shopping list', author);
    editText(b, 't', 'shopping list for Friday', author);
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(resolveText(a, 't').text).toBe('Shopping list for Friday');
    expect(resolveText(b, 't').text).toBe('Shopping list for Friday');
  });

  it('names the author once per client, by its claim in the authors map, and orders times after every edit seen', () => {
    const doc = new Y.Doc();
    editText(doc, 't', 'a', { userId: 'ann', now: 5_000 });
    editText(doc, 't', 'ba', { userId: 'ann', now: 10 });
    const [first, second] = readRecords(doc);
    expect(claimedUser(doc, doc.clientID)).toBe('ann');
    expect(doc.getMap('authors').size).toBe(1);
    expect(first!.by).toBeUndefined();
    expect(first!.time).toBe(5_000);
    expect(second!.time).toBe(5_001);
  });
});

describe('spliceText', () => {
  it('records a burst of typing once, and a keystroke after anything else happened again', () => {
    const doc = new Y.Doc();
    editText(doc, 't', 'milk', author);
    for (const char of ' and eggs') spliceText(doc, 't', { index: resolveText(doc, 't').text.length, remove: 0, insert: char }, author);
    expect(resolveText(doc, 't').text).toBe('milk and eggs');
    expect(readRecords(doc)).toHaveLength(1); // "milk", and " and eggs" typed right after it
    spliceText(doc, 't', { index: 0, remove: 0, insert: '2 ' }, author); // elsewhere: recorded
    spliceText(doc, 't', { index: resolveText(doc, 't').text.length, remove: 0, insert: '!' }, author); // not after the last edit
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    editText(other, 't', '2 milk and eggs!?', { userId: 'bob', now: 2_000 });
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
    spliceText(doc, 't', { index: resolveText(doc, 't').text.length, remove: 0, insert: '.' }, author); // after receiving: recorded
    expect(readRecords(doc)).toHaveLength(5);
    expect(resolveText(doc, 't').text).toBe('2 milk and eggs!?.');
  });

  it('hides the keystrokes that continued an edit when that edit loses', () => {
    const base = new Y.Doc();
    editText(base, 't', 'Cheese', author);
    const ann = new Y.Doc();
    const bob = new Y.Doc();
    Y.applyUpdate(ann, Y.encodeStateAsUpdate(base));
    Y.applyUpdate(bob, Y.encodeStateAsUpdate(base));
    editText(ann, 't', 'G', { userId: 'ann', now: 2_000 });
    for (const char of 'ouda') spliceText(ann, 't', { index: resolveText(ann, 't').text.length, remove: 0, insert: char }, { userId: 'ann', now: 2_000 });
    editText(bob, 't', 'Brie', { userId: 'bob', now: 3_000 });
    Y.applyUpdate(ann, Y.encodeStateAsUpdate(bob));
    Y.applyUpdate(bob, Y.encodeStateAsUpdate(ann));
    for (const doc of [ann, bob]) expect(resolveText(doc, 't')).toMatchObject({ text: 'Brie', alternatives: [{ text: 'Gouda' }] });
    expect(readRecords(ann)).toHaveLength(3);
  });

  it('clamps a splice to the shown text', () => {
    const doc = new Y.Doc();
    editText(doc, 't', 'milk', author);
    spliceText(doc, 't', { index: 10, remove: 3, insert: '!' }, author);
    spliceText(doc, 't', { index: 2, remove: 99, insert: '' }, author);
    expect(resolveText(doc, 't').text).toBe('mi');
  });
});
