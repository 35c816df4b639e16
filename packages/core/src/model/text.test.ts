import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { setText } from './text.js';

describe('setText', () => {
  it('turns any string into any other, surrogate pairs included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (from, to) => {
        const doc = new Y.Doc();
        const text = doc.getText('t');
        text.insert(0, from);
        setText(text, to);
        expect(text.toString()).toBe(to);
      }),
      { numRuns: 500 },
    );
  });

  it('changes only what differs, so a concurrent edit elsewhere in the text survives', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    a.getText('t').insert(0, 'shopping list');
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    setText(a.getText('t'), 'Shopping list');
    setText(b.getText('t'), 'shopping list for Friday');
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(a.getText('t').toString()).toBe('Shopping list for Friday');
    expect(b.getText('t').toString()).toBe('Shopping list for Friday');
  });
});
