import { describe, expect, it } from 'vitest';
import { decodeSeq, encodeSeq, updateKey, updateRange } from './leveldb-keys.js';

const compare = (a: Uint8Array, b: Uint8Array): number => Buffer.compare(a, b);

describe('LevelDB key layout', () => {
  it('round-trips sequence numbers beyond 32 bits, big-endian so bytes sort like numbers', () => {
    for (const seq of [0, 1, 255, 256, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 7, Number.MAX_SAFE_INTEGER]) expect(decodeSeq(encodeSeq(seq))).toBe(seq);
    const seqs = [3, 256, 2 ** 32, 2 ** 32 + 1, 2 ** 45];
    const keys = seqs.map((seq) => updateKey('doc', seq));
    expect([...keys].sort(compare)).toEqual(keys);
  });

  it("keeps one document's keys inside its range and every other document's outside", () => {
    const range = updateRange('a');
    const inside = (key: Uint8Array): boolean => compare(key, range.gte) >= 0 && compare(key, range.lte) <= 0;
    expect(inside(updateKey('a', 0))).toBe(true);
    expect(inside(updateKey('a', Number.MAX_SAFE_INTEGER))).toBe(true);
    for (const other of ['', 'a/b', 'a\u0000', 'b', 'ab', '\u00ff']) expect(inside(updateKey(other, 1))).toBe(false);
  });
});
