import { decodeMessage, MessageType } from '@concord/core/protocol';
import { describe, expect, it } from 'vitest';
import { encodeSyncReplies, SYNC_REPLY_FRAME_BYTES } from './sync-reply-frames.js';

describe('encodeSyncReplies', () => {
  it('splits large replies into frames under the limit, in order, and keeps a single oversized entry whole', () => {
    const entries = Array.from({ length: 5 }, (_, i) => ({
      doc: `doc-${i}`,
      update: new Uint8Array(i === 4 ? SYNC_REPLY_FRAME_BYTES + 10 : 400 * 1024).fill(i),
      stateVector: Uint8Array.of(0),
    }));
    const frames = encodeSyncReplies(entries);
    expect(frames.length).toBe(3);
    const decoded = frames.map((frame) => decodeMessage(frame));
    expect(decoded.flatMap((m) => (m.type === MessageType.SyncReply ? m.entries.map((e) => e.doc) : []))).toEqual(entries.map((e) => e.doc));
    for (const frame of frames.slice(0, -1)) expect(frame.byteLength).toBeLessThanOrEqual(SYNC_REPLY_FRAME_BYTES);
  });

  it('encodes an empty batch as no frame', () => {
    expect(encodeSyncReplies([])).toEqual([]);
  });
});
