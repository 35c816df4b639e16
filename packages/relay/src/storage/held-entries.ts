// A read of the write-ahead storage combines the inner storage's log with the entries still held in memory; this finds
// where the two overlap.
import type { AppendEntry } from './document-storage.js';

/**
 * How many of `held` (entries a read found in memory, oldest first) the inner read already returned: the longest prefix
 * of `held` equal, byte for byte, to the end of `stored`. Dropping an entry that was in fact stored earlier with the same
 * bytes loses nothing: applying a Yjs update twice changes nothing.
 */
export function landedPrefix(stored: readonly Uint8Array[], held: readonly AppendEntry[]): number {
  for (let count = Math.min(stored.length, held.length); count > 0; count--) {
    const offset = stored.length - count;
    let equal = true;
    for (let i = 0; i < count && equal; i++) equal = Buffer.compare(stored[offset + i]!, held[i]!.update) === 0;
    if (equal) return count;
  }
  return 0;
}
