import type * as Y from 'yjs';
import { minimalSplice } from '../text-merge/edit.js';

/**
 * Turns the raw `text` into `next` with the smallest single splice (common prefix and suffix kept), without an edit
 * record: it merges by character and never collides with anything (the store's edits go through `editText`).
 * Replacing the whole string would make a concurrent edit of another replica collide with ours instead of merging.
 */
export function setText(text: Y.Text, next: string): void {
  const splice = minimalSplice(text.toString(), next);
  if (!splice) return;
  text.doc!.transact(() => {
    if (splice.remove > 0) text.delete(splice.index, splice.remove);
    if (splice.insert.length > 0) text.insert(splice.index, splice.insert);
  });
}
