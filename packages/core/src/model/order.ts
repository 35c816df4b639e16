import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing';

/** Anything placed in a list: an id and a fractional order key. */
export interface Ordered {
  readonly id: string;
  readonly order: string;
}

/**
 * Total order of a list: by order key, then by id. Two replicas that create at the same spot offline pick the same key;
 * the id breaks the tie identically everywhere.
 */
export function compareOrdered(a: Ordered, b: Ordered): number {
  if (a.order !== b.order) return a.order < b.order ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** A key after every item of `sorted`. */
export function keyAtEnd(sorted: readonly Ordered[]): string {
  return generateKeyBetween(sorted.at(-1)?.order ?? null, null);
}

/**
 * New keys that place `movingId` right after `afterId` (or first when null) in `sorted` (ordered by `compareOrdered`,
 * without the moving item). Usually one key; when `after` shares its key with the items following it (concurrent
 * creates), those items are re-keyed too, because no key sorts strictly between two equal keys.
 */
export function keysForMove(sorted: readonly Ordered[], movingId: string, afterId: string | null): Map<string, string> {
  const others = sorted.filter((item) => item.id !== movingId);
  const index = afterId === null ? -1 : others.findIndex((item) => item.id === afterId);
  if (afterId !== null && index < 0) throw new RangeError(`unknown neighbour ${afterId}`);
  const before = index >= 0 ? others[index] : undefined;
  const lower = before?.order ?? null;
  // Items after `before` that share its key must move up with the moving item to keep their relative order.
  const run: Ordered[] = [];
  let next = index + 1;
  while (lower !== null && next < others.length && others[next]!.order === lower) run.push(others[next++]!);
  const upper = others[next]?.order ?? null;
  const keys = generateNKeysBetween(lower, upper, run.length + 1);
  const assigned = new Map<string, string>([[movingId, keys[0]!]]);
  run.forEach((item, i) => assigned.set(item.id, keys[i + 1]!));
  return assigned;
}
