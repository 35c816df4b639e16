import * as Y from 'yjs';
import { editText } from './edit.js';
import { resolveText, type ResolvedText } from './resolve.js';

/** Two replicas of one task document that start from `base` (typed by a third person) and then edit offline. */
export function offlinePair(base: string, field = 'title'): { a: Y.Doc; b: Y.Doc; base: Uint8Array } {
  const origin = new Y.Doc();
  editText(origin, field, base, { userId: 'carol', now: 1 });
  const baseUpdate = Y.encodeStateAsUpdate(origin);
  const a = new Y.Doc();
  const b = new Y.Doc();
  Y.applyUpdate(a, baseUpdate);
  Y.applyUpdate(b, baseUpdate);
  return { a, b, base: baseUpdate };
}

/**
 * Delivers each replica's offline edits to the other, and to two fresh replicas in both orders; returns what each of
 * the four shows (they must agree).
 */
export function exchange(pair: { a: Y.Doc; b: Y.Doc; base: Uint8Array }, field = 'title'): ResolvedText[] {
  const fromA = Y.encodeStateAsUpdate(pair.a, Y.encodeStateVectorFromUpdate(pair.base));
  const fromB = Y.encodeStateAsUpdate(pair.b, Y.encodeStateVectorFromUpdate(pair.base));
  const orders = [
    [fromA, fromB],
    [fromB, fromA],
  ].map((updates) => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, pair.base);
    for (const update of updates) Y.applyUpdate(doc, update);
    return doc;
  });
  Y.applyUpdate(pair.a, fromB);
  Y.applyUpdate(pair.b, fromA);
  return [pair.a, pair.b, ...orders].map((doc) => resolveText(doc, field));
}
