import type * as Y from 'yjs';

/**
 * Turns `text` into `next` with the smallest single splice (common prefix and suffix kept). Replacing the whole string
 * would make a concurrent edit of another replica collide with ours instead of merging by character.
 */
export function setText(text: Y.Text, next: string): void {
  const current = text.toString();
  if (current === next) return;
  let start = 0;
  const shorter = Math.min(current.length, next.length);
  while (start < shorter && current[start] === next[start]) start++;
  let end = 0;
  while (end < shorter - start && current[current.length - 1 - end] === next[next.length - 1 - end]) end++;
  // Do not split a surrogate pair: Y.Text indexes UTF-16 code units like JS strings, and half a pair would corrupt it.
  if (start > 0 && isHighSurrogate(current.charCodeAt(start - 1))) start--;
  if (end > 0 && isLowSurrogate(current.charCodeAt(current.length - end))) end--;
  const removed = current.length - start - end;
  text.doc!.transact(() => {
    if (removed > 0) text.delete(start, removed);
    const inserted = next.slice(start, next.length - end);
    if (inserted.length > 0) text.insert(start, inserted);
  });
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
