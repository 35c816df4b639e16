import type * as Y from 'yjs';

/** A Yjs delete set as `Y.decodeUpdate` returns it. */
export type DeleteSet = ReturnType<typeof Y.decodeUpdate>['ds'];
type DeleteItem = { readonly clock: number; readonly len: number };

/**
 * Whether every deletion in `inner` is also in `outer`. Lets catch-up skip uploading a document whose only difference
 * from the relay would be a delete set the relay already holds: `Y.encodeStateAsUpdate` always carries the whole delete
 * set, so without this check every document that ever had a deletion would be re-sent on every reconnect.
 */
export function coversDeleteSet(outer: DeleteSet, inner: DeleteSet): boolean {
  for (const [client, innerItems] of inner.clients) {
    if (!coversItems(sorted(outer.clients.get(client) ?? []), sorted(innerItems))) return false;
  }
  return true;
}

function coversItems(outer: readonly DeleteItem[], inner: readonly DeleteItem[]): boolean {
  let j = 0;
  for (const item of inner) {
    let from = item.clock;
    const to = item.clock + item.len;
    while (from < to) {
      while (j < outer.length && outer[j]!.clock + outer[j]!.len <= from) j++;
      const candidate = outer[j];
      if (candidate === undefined || candidate.clock > from) return false;
      from = candidate.clock + candidate.len;
    }
  }
  return true;
}

// Delete sets read from updates are sorted already; checking costs one pass, sorting a copy only when needed.
function sorted(items: readonly DeleteItem[]): readonly DeleteItem[] {
  for (let i = 1; i < items.length; i++) {
    if (items[i]!.clock < items[i - 1]!.clock) return [...items].sort((a, b) => a.clock - b.clock);
  }
  return items;
}
