import * as Y from 'yjs';

type DeleteSet = ReturnType<typeof Y.decodeUpdate>['ds'];
type DeleteItem = { readonly clock: number; readonly len: number };

/**
 * Whether `update` brings anything that `known` (another update, decoded) lacks: a struct, or a deletion. A state vector
 * says nothing about deletions, and `Y.diffUpdate` always carries the whole delete set, so without this check every
 * catch-up of a document that ever had a deletion would store (and push) that delete set again.
 * The delete-set walk mirrors core's `transport/delete-set.ts` (not exported by core's protocol subpath).
 */
export function bringsNews(update: Uint8Array, known: DeleteSet): boolean {
  const { structs, ds } = Y.decodeUpdate(update);
  return structs.length > 0 || !coversDeleteSet(known, ds);
}

export function deleteSetOf(update: Uint8Array): DeleteSet {
  return Y.decodeUpdate(update).ds;
}

function coversDeleteSet(outer: DeleteSet, inner: DeleteSet): boolean {
  for (const [client, innerItems] of inner.clients) {
    const outerItems = sorted(outer.clients.get(client) ?? []);
    let j = 0;
    for (const item of sorted(innerItems)) {
      let from = item.clock;
      const to = item.clock + item.len;
      while (from < to) {
        while (j < outerItems.length && outerItems[j]!.clock + outerItems[j]!.len <= from) j++;
        const candidate = outerItems[j];
        if (candidate === undefined || candidate.clock > from) return false;
        from = candidate.clock + candidate.len;
      }
    }
  }
  return true;
}

function sorted(items: readonly DeleteItem[]): readonly DeleteItem[] {
  for (let i = 1; i < items.length; i++) {
    if (items[i]!.clock < items[i - 1]!.clock) return [...items].sort((a, b) => a.clock - b.clock);
  }
  return items;
}
