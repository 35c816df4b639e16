import type { SubscribeEntry } from '../protocol/messages.js';

// Per-entry framing: a varint string length, a varint array length, and slack for the entry count.
const ENTRY_OVERHEAD_BYTES = 10;

/**
 * Splits subscribe entries into frames of at most `maxDocs` entries and about `maxBytes` bytes, so catching up on a
 * thousand documents takes a couple of frames rather than a thousand, yet no frame grows past what a relay accepts.
 * An entry larger than `maxBytes` on its own still gets a frame of its own.
 */
export function chunkSubscribeEntries(entries: Iterable<SubscribeEntry>, maxDocs: number, maxBytes: number): SubscribeEntry[][] {
  const chunks: SubscribeEntry[][] = [];
  let current: SubscribeEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    // Document names are mostly ASCII: length in UTF-16 units is a close, cheap stand-in for UTF-8 bytes.
    const size = entry.doc.length * 3 + entry.stateVector.byteLength + ENTRY_OVERHEAD_BYTES;
    if (current.length > 0 && (current.length >= maxDocs || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Splits a list into slices of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
