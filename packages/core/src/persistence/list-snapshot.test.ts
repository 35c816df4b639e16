import { describe, expect, it } from 'vitest';
import { decodeListSnapshot, encodeListSnapshot, type SnapshotEntry } from './list-snapshot.js';

const entries = new Map<string, SnapshotEntry>([
  ['L', { update: Uint8Array.of(1, 2, 3), meta: new Map([['confirmed', Uint8Array.of(9)]]), view: [{ id: 'a', order: 'a0' }] }],
  ['L/a', { update: Uint8Array.of(4), meta: new Map(), view: { title: 'ü ✓', completed: false } }],
  ['L/b', { update: Uint8Array.of(), meta: new Map([['x', Uint8Array.of()], ['y', Uint8Array.of(7, 8)]]) }],
]);

const plain = (decoded: Map<string, SnapshotEntry> | null) =>
  decoded && [...decoded].map(([name, entry]) => [name, [...entry.update], [...entry.meta].map(([k, v]) => [k, [...v]]), entry.view]);

describe('list snapshot encoding', () => {
  it('round-trips names, updates, metadata and views', () => {
    expect(plain(decodeListSnapshot(encodeListSnapshot(entries)))).toEqual(plain(entries));
  });

  it('refuses another format, a damaged header and lengths that do not match the data', () => {
    const encoded = encodeListSnapshot(entries);
    expect(decodeListSnapshot({ ...encoded, format: 2 })).toBeNull();
    expect(decodeListSnapshot({ ...encoded, header: encoded.header.slice(0, -1) })).toBeNull();
    expect(decodeListSnapshot({ ...encoded, data: encoded.data.subarray(1) })).toBeNull();
    expect(decodeListSnapshot({ ...encoded, data: Uint8Array.of(...encoded.data, 0) })).toBeNull();
    expect(decodeListSnapshot({ ...encoded, header: '[["L", null, -1, []]]' })).toBeNull();
    expect(decodeListSnapshot(null)).toBeNull();
  });
});
