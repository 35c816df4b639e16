import type { WireSocket } from './wire-socket.js';

/**
 * Derives a value once per run of calls with the same key: remembers the last key only. The engine hands every member
 * of a room the same payload (or the same list of payloads) one member after another, so one entry serves a whole
 * fan-out, and what it derived is dropped at the next fan-out. Keyed by the payload in a WeakMap, the frames lived as
 * long as the update, which the room's log keeps: the young-generation collector then copied and promoted two buffers
 * per update, and its pauses grew with them.
 */
export function lastOf<Key, Value>(derive: (key: Key) => Value): (key: Key) => Value {
  let last: { readonly key: Key; readonly value: Value } | null = null;
  return (key) => {
    if (last === null || last.key !== key) last = { key, value: derive(key) };
    return last.value;
  };
}

/**
 * Encodes a fan-out frame once per payload instead of once per recipient (see `lastOf`). `kind` tells frames of one
 * payload apart (an update and its document's name, say).
 */
export function frameCache<K extends string>(encode: (kind: K, payload: Uint8Array) => Uint8Array): (kind: K, payload: Uint8Array) => Uint8Array {
  let last: { readonly kind: K; readonly payload: Uint8Array; readonly frame: Uint8Array } | null = null;
  return (kind, payload) => {
    if (last === null || last.payload !== payload || last.kind !== kind) {
      // As a Buffer: `ws` wraps any other Uint8Array in a new Buffer on every send, once per recipient.
      const encoded = encode(kind, payload);
      last = { kind, payload, frame: Buffer.isBuffer(encoded) ? encoded : Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength) };
    }
    return last.frame;
  };
}

/** Sends a frame from a frame cache (the same bytes to every recipient), shared where the socket can share it. */
export function sendShared(socket: WireSocket, frame: Uint8Array): void {
  if (socket.sendShared !== undefined) socket.sendShared(frame);
  else socket.send(frame);
}

/** Sends several frames from a frame cache, in one write where the socket can (the same list may go to many sockets). */
export function sendAllShared(socket: WireSocket, frames: readonly Uint8Array[]): void {
  if (socket.sendAll !== undefined) socket.sendAll(frames);
  else for (const frame of frames) sendShared(socket, frame);
}
