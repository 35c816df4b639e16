import { encodeMessage, MessageType, type SyncReplyEntry, type UpdateBatchEntry } from '@concord/core/protocol';

/** A SyncReply or UpdateBatch frame is cut once it would exceed this many bytes (a single larger entry still travels alone). */
export const SYNC_REPLY_FRAME_BYTES = 1024 * 1024;

/** Encodes the entries into as few SyncReply frames as fit the limit, keeping their order. */
export function encodeSyncReplies(entries: readonly SyncReplyEntry[], limit = SYNC_REPLY_FRAME_BYTES): Uint8Array[] {
  // Upper bound of an entry's encoded size: UTF-8 is at most 3 bytes per UTF-16 unit, varUints at most 5 bytes here.
  return inFrames(entries, (entry) => entry.doc.length * 3 + entry.update.byteLength + entry.stateVector.byteLength + 15, limit, (slice) =>
    encodeMessage({ type: MessageType.SyncReply, entries: slice }),
  );
}

/** Encodes updates of several documents into as few UpdateBatch frames as fit the limit, keeping their order. */
export function encodeUpdateBatches(entries: readonly UpdateBatchEntry[], limit = SYNC_REPLY_FRAME_BYTES): Uint8Array[] {
  return inFrames(entries, (entry) => entry.doc.length * 3 + entry.update.byteLength + 10, limit, (slice) =>
    encodeMessage({ type: MessageType.UpdateBatch, entries: slice }),
  );
}

function inFrames<T>(entries: readonly T[], sizeOf: (entry: T) => number, limit: number, encode: (entries: T[]) => Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let current: T[] = [];
  let size = 0;
  for (const entry of entries) {
    const entrySize = sizeOf(entry);
    if (current.length > 0 && size + entrySize > limit) {
      frames.push(encode(current));
      current = [];
      size = 0;
    }
    current.push(entry);
    size += entrySize;
  }
  if (current.length > 0) frames.push(encode(current));
  return frames;
}
