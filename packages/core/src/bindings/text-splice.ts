/**
 * Pure helpers for binding a text field to a Y.Text: turn a local edit into the smallest splice, and carry a caret or
 * selection through a remote change. Indexes are UTF-16 code units, as in both DOM inputs and Y.Text.
 */

/** One change of a text: delete `remove` code units at `index`, then insert `insert` there. */
export interface Splice {
  readonly index: number;
  readonly remove: number;
  readonly insert: string;
}

/** A Yjs text delta operation (`Y.YTextEvent#delta`). */
export type DeltaOp = { readonly retain?: number; readonly insert?: unknown; readonly delete?: number };

/**
 * The splice that turns `before` into `after`, or null when they are equal. `caret` (the caret after the edit) settles
 * ambiguous cases: typing "a" before "aa" inserts at the caret, not at the end.
 */
export function diffSplice(before: string, after: string, caret: number = after.length): Splice | null {
  if (before === after) return null;
  const shorter = Math.min(before.length, after.length);
  const maxSuffix = Math.min(shorter, Math.max(0, after.length - caret));
  let suffix = 0;
  while (suffix < maxSuffix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  let prefix = 0;
  while (prefix < shorter - suffix && before[prefix] === after[prefix]) prefix++;
  // Never split a surrogate pair.
  if (prefix > 0 && isHigh(before.charCodeAt(prefix - 1))) prefix--;
  if (suffix > 0 && isLow(before.charCodeAt(before.length - suffix))) suffix--;
  return { index: prefix, remove: before.length - prefix - suffix, insert: after.slice(prefix, after.length - suffix) };
}

/**
 * Where `position` ends up after a change described by a Yjs delta. Text inserted exactly at the position goes after
 * it (a remote collaborator typing where your caret is does not push your caret along).
 */
export function transformPosition(delta: readonly DeltaOp[], position: number): number {
  let index = 0;
  let result = position;
  // Set when a deletion ended exactly at the position: text inserted there replaces what was before it, so it goes
  // before the position (replacing the word before your caret leaves the caret after the new word).
  let glued = false;
  for (const op of delta) {
    if (op.retain !== undefined) {
      index += op.retain;
      glued = false;
    } else if (op.insert !== undefined) {
      const length = typeof op.insert === 'string' ? op.insert.length : 1;
      if (index < result || (index === result && glued)) result += length;
      index += length;
    } else if (op.delete !== undefined) {
      if (index < result) {
        glued = index + op.delete === result;
        result -= Math.min(op.delete, result - index);
      }
    }
    if (index > result) break;
  }
  return result;
}

/** Carries a splice made against an older text through a later remote delta (both in code units). */
export function transformSplice(splice: Splice, delta: readonly DeltaOp[]): Splice {
  const start = transformPosition(delta, splice.index);
  const end = Math.max(start, transformPosition(delta, splice.index + splice.remove));
  return { index: start, remove: end - start, insert: splice.insert };
}

/** The delta of the smallest splice from `before` to `after` (empty when they are equal). */
export function spliceDelta(before: string, after: string): DeltaOp[] {
  const splice = diffSplice(before, after);
  if (!splice) return [];
  return [{ retain: splice.index }, ...(splice.remove > 0 ? [{ delete: splice.remove }] : []), ...(splice.insert ? [{ insert: splice.insert }] : [])];
}

/** Applies a Yjs text delta to a string; text embeds count as one character. */
export function applyDelta(text: string, delta: readonly DeltaOp[]): string {
  let result = '';
  let index = 0;
  for (const op of delta) {
    if (op.retain !== undefined) {
      result += text.slice(index, index + op.retain);
      index += op.retain;
    } else if (op.insert !== undefined) result += typeof op.insert === 'string' ? op.insert : '\ufffc';
    else if (op.delete !== undefined) index += op.delete;
  }
  return result + text.slice(index);
}

/** Applies a splice to a string (for tests and for the input's shadow copy). */
export function applySplice(text: string, splice: Splice): string {
  return text.slice(0, splice.index) + splice.insert + text.slice(splice.index + splice.remove);
}

function isHigh(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
function isLow(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
