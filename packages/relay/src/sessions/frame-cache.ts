import type { WireSocket } from './wire-socket.js';

/**
 * Encodes a fan-out frame once per payload instead of once per recipient: the engine hands the same Uint8Array to every
 * member of a room, so a WeakMap keyed by it lets N connections share one encoded frame (and frees it with the payload).
 */
export function frameCache<K extends string>(encode: (key: K, payload: Uint8Array) => Uint8Array): (key: K, payload: Uint8Array) => Uint8Array {
  const frames = new WeakMap<Uint8Array, { key: K; frame: Uint8Array }>();
  return (key, payload) => {
    const cached = frames.get(payload);
    if (cached !== undefined && cached.key === key) return cached.frame;
    // As a Buffer: `ws` wraps any other Uint8Array in a new Buffer on every send, once per recipient.
    const encoded = encode(key, payload);
    const frame = Buffer.isBuffer(encoded) ? encoded : Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
    frames.set(payload, { key, frame });
    return frame;
  };
}

/** Derives a list of frames once per list of payloads: the engine hands one array to every member it concerns. */
export function frameListCache(encode: (payloads: readonly Uint8Array[]) => readonly Uint8Array[]): (payloads: readonly Uint8Array[]) => readonly Uint8Array[] {
  const lists = new WeakMap<readonly Uint8Array[], readonly Uint8Array[]>();
  return (payloads) => {
    let frames = lists.get(payloads);
    if (frames === undefined) lists.set(payloads, (frames = encode(payloads)));
    return frames;
  };
}

/** Sends a frame from a frame cache (the same bytes to every recipient), shared where the socket can share it. */
export function sendShared(socket: WireSocket, frame: Uint8Array): void {
  if (socket.sendShared !== undefined) socket.sendShared(frame);
  else socket.send(frame);
}

/** Sends several frames from a frame cache, in one write where the socket can (a list from a frame list cache may be shared too). */
export function sendAllShared(socket: WireSocket, frames: readonly Uint8Array[]): void {
  if (socket.sendAll !== undefined) socket.sendAll(frames);
  else for (const frame of frames) sendShared(socket, frame);
}
