import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateNKeysBetween } from 'fractional-indexing';
import { compareOrdered, keysForMove, type Ordered } from './order.js';

function apply(items: Ordered[], keys: Map<string, string>): Ordered[] {
  return items.map((item) => ({ id: item.id, order: keys.get(item.id) ?? item.order })).sort(compareOrdered);
}

describe('order keys', () => {
  it('places a moved item exactly after its neighbour, even among items sharing a key', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(3), { minLength: 2, maxLength: 12 }), fc.nat(), fc.nat(), (groups, mover, target) => {
        // Items in up to four key groups, as concurrent creates at the same spot produce.
        const keys = generateNKeysBetween(null, null, 4);
        const items = groups.map((group, i) => ({ id: `t${String(i).padStart(2, '0')}`, order: keys[group]! }));
        const sorted = [...items].sort(compareOrdered);
        const moving = sorted[mover % sorted.length]!;
        const others = sorted.filter((item) => item.id !== moving.id);
        const after = target % (others.length + 1) === others.length ? null : others[target % (others.length + 1)]!;
        const result = apply(sorted, keysForMove(sorted, moving.id, after?.id ?? null)).map((item) => item.id);
        const expected = others.map((item) => item.id);
        expected.splice(after ? expected.indexOf(after.id) + 1 : 0, 0, moving.id);
        expect(result).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses an unknown neighbour', () => {
    expect(() => keysForMove([{ id: 'a', order: 'a0' }], 'a', 'zz')).toThrow(RangeError);
  });
});
