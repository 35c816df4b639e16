import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
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

  it('stores the author once per client, and orders times after every edit seen', () => {
    const doc = new Y.Doc();
    editText(doc, 't', 'a', { userId: 'ann', now: 5_000 });
    editText(doc, 't', 'ab', { userId: 'ann', now: 10 });
    const [first, second] = readRecords(doc);
    expect(first).toMatchObject({ by: 'ann', time: 5_000 });
    expect(second!.by).toBeUndefined();
    expect(second!.time).toBe(5_001);
  });
});

describe('spliceText', () => {
  it('clamps a splice to the shown text', () => {
    const doc = new Y.Doc();
    editText(doc, 't', 'milk', author);
    spliceText(doc, 't', { index: 10, remove: 3, insert: '!' }, author);
    spliceText(doc, 't', { index: 2, remove: 99, insert: '' }, author);
    expect(resolveText(doc, 't').text).toBe('mi');
  });
});
