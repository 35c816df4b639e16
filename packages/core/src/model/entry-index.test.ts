import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EntryIndex, type ListEntry } from './entry-index.js';
import type { TaskId } from './ids.js';
import { compareOrdered } from './order.js';

/** A change of one task's entry: a new order (few keys, so ties happen), the trash, or no entry at all. */
const change = fc.record({
  id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f') as fc.Arbitrary<TaskId>,
  order: fc.option(fc.constantFrom('a0', 'a1', 'a2'), { nil: undefined }),
  deleted: fc.boolean(),
});

describe('EntryIndex', () => {
  it('keeps entries in list order through any changes, never alters an array it handed out, and says who joined or left', () => {
    const seed = Number(process.env.CONCORD_PROPERTY_SEED ?? Date.now() % 2 ** 31);
    console.log(`entry index property: seed ${seed}`);
    fc.assert(
      fc.property(fc.array(change, { maxLength: 40 }), (changes) => {
        const index = new EntryIndex();
        index.reset([]);
        index.takeMembership();
        const reference = new Map<TaskId, ListEntry>();
        let taken = new Set<TaskId>();
        for (const { id, order, deleted } of changes) {
          const handed = index.all();
          const copy = [...handed];
          const entry = order === undefined ? undefined : { id, order, ...(deleted && { deleted: { at: 1, by: 'ann' } }) };
          index.set(id, entry);
          if (entry) reference.set(id, entry);
          else reference.delete(id);
          expect(handed).toEqual(copy);
          expect(index.all()).toEqual([...reference.values()].sort(compareOrdered));
          expect([...index.inTrash()].map((e) => e.id).sort()).toEqual([...reference.values()].filter((e) => e.deleted).map((e) => e.id).sort());
          expect(index.lastLive()).toEqual([...reference.values()].filter((e) => !e.deleted).sort(compareOrdered).at(-1));
          if (id.charCodeAt(0) % 2 === 0) {
            const { added, removed, full } = index.takeMembership();
            expect(full).toBe(false);
            const now = new Set(reference.keys());
            expect([...added].sort()).toEqual([...now].filter((x) => !taken.has(x)).sort());
            expect([...removed].sort()).toEqual([...taken].filter((x) => !now.has(x)).sort());
            taken = now;
          }
        }
      }),
      { seed, numRuns: 300 },
    );
  });
});
