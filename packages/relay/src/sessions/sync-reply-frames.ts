import { encodeMessage, MessageType, type SyncReplyEntry } from '@concord/core/protocol';

/** A SyncReply frame is cut once it would exceed this many bytes (a single larger entry still travels alone). */
export const SYNC_REPLY_FRAME_BYTES = 1024 * 1024;

/** Encodes the entries into as few SyncReply frames as fit the limit, keeping their order. */
export function encodeSyncReplies(entries: readonly SyncReplyEntry[], limit = SYNC_REPLY_FRAME_BYTES): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let current: SyncReplyEntry[] = [];
  let size = 0;
  for (const entry of entries) {
    // Upper bound of the entry's encoded size: UTF-8 is at most 3 bytes per UTF-16 unit, varUints at most 5 bytes here.
    const entrySize = entry.doc.length * 3 + entry.update.byteLength + entry.stateVector.byteLength + 15;
    if (current.length > 0 && size + entrySize > limit) {
      frames.push(encodeMessage({ type: MessageType.SyncReply, entries: current }));
      current = [];
      size = 0;
    }
    current.push(entry);
    size += entrySize;
  }
  if (current.length > 0) frames.push(encodeMessage({ type: MessageType.SyncReply, entries: current }));
  return frames;
}
