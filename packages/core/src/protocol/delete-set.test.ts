import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { coversDeleteSet } from './delete-set.js';

const deletesOf = (doc: Y.Doc) => Y.createDeleteSetFromStructStore(doc.store);

describe('coversDeleteSet', () => {
  it('holds when the outer set has every deletion, and not when one is missing', () => {
    const a = new Y.Doc();
    a.getText('t').insert(0, 'abcdefgh');
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    a.getText('t').delete(1, 2);
    expect(coversDeleteSet(deletesOf(a), deletesOf(b))).toBe(true);
    expect(coversDeleteSet(deletesOf(b), deletesOf(a))).toBe(false);
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    b.getText('t').delete(4, 1);
    expect(coversDeleteSet(deletesOf(b), deletesOf(a))).toBe(true);
    expect(coversDeleteSet(deletesOf(a), deletesOf(b))).toBe(false);
  });

  it('treats a range covered by adjacent outer ranges as covered', () => {
    const outer = Y.createDeleteSet();
    outer.clients.set(1, [
      { clock: 0, len: 3 },
      { clock: 3, len: 2 },
    ] as never);
    const inner = Y.createDeleteSet();
    inner.clients.set(1, [{ clock: 1, len: 4 }] as never);
    expect(coversDeleteSet(outer, inner)).toBe(true);
    inner.clients.set(1, [{ clock: 1, len: 5 }] as never);
    expect(coversDeleteSet(outer, inner)).toBe(false);
  });
});
