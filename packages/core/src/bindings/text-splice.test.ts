import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applySplice, diffSplice, transformPosition, type DeltaOp } from './text-splice.js';

// Pure logic of the text input binding, in Node (no browser needed).
describe('diffSplice', () => {
  it('turns any string into any other with one splice', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.nat(), (before, after, caret) => {
        const splice = diffSplice(before, after, Math.min(caret, after.length));
        expect(splice ? applySplice(before, splice) : before).toBe(after);
      }),
    );
  });

  it('uses the caret to place an ambiguous insertion', () => {
    expect(diffSplice('aa', 'aaa', 1)).toEqual({ index: 0, remove: 0, insert: 'a' });
    expect(diffSplice('aa', 'aaa', 3)).toEqual({ index: 2, remove: 0, insert: 'a' });
    expect(diffSplice('abc', 'abXc', 3)).toEqual({ index: 2, remove: 0, insert: 'X' });
  });

  it('never splits a surrogate pair', () => {
    const splice = diffSplice('a😀', 'a😃', 3)!;
    expect(splice).toEqual({ index: 1, remove: 2, insert: '😃' });
  });
});

describe('transformPosition', () => {
  const deltaOf = (initial: string, edit: (text: Y.Text) => void): { delta: DeltaOp[]; next: string } => {
    const doc = new Y.Doc();
    const text = doc.getText('t');
    text.insert(0, initial);
    let delta: DeltaOp[] = [];
    text.observe((event) => (delta = event.delta as DeltaOp[]));
    doc.transact(() => edit(text), 'remote');
    return { delta, next: text.toString() };
  };

  it('shifts a caret after a remote insertion, not one before it', () => {
    const { delta } = deltaOf('hello world', (text) => text.insert(6, 'big '));
    expect(transformPosition(delta, 3)).toBe(3);
    expect(transformPosition(delta, 6)).toBe(6);
    expect(transformPosition(delta, 8)).toBe(12);
  });

  it('leaves a caret after a replacement of the text just before it', () => {
    const { delta, next } = deltaOf('hello world', (text) => {
      text.delete(0, 5);
      text.insert(0, 'goodbye');
    });
    expect(next).toBe('goodbye world');
    expect(transformPosition(delta, 5)).toBe(7);
  });

  it('pulls a caret inside a remote deletion to its start', () => {
    const { delta } = deltaOf('hello big world', (text) => text.delete(6, 4));
    expect(transformPosition(delta, 8)).toBe(6);
    expect(transformPosition(delta, 15)).toBe(11);
  });

  it('keeps the characters around the caret the same after any remote splice', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.nat(), fc.nat(), fc.nat(), fc.string(), (initial, caretSeed, startSeed, removeSeed, insert) => {
        const caret = caretSeed % (initial.length + 1);
        const start = startSeed % (initial.length + 1);
        const remove = removeSeed % (initial.length - start + 1);
        const { delta, next } = deltaOf(initial, (text) => {
          text.delete(start, remove);
          text.insert(start, insert);
        });
        const moved = transformPosition(delta, caret);
        // A caret outside the edited range keeps the same text on its far side (a pure insertion exactly at the caret
        // goes after it; a replacement of the text just before the caret goes before it).
        if (caret <= start) expect(next.slice(0, moved)).toBe(initial.slice(0, caret));
        if (caret >= start + remove && (remove > 0 || caret > start || insert === '')) expect(next.slice(moved)).toBe(initial.slice(caret));
      }),
    );
  });
});
