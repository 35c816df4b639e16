import { WebSocket } from 'ws';
import type { WireSocket } from '../sessions/wire-socket.js';

/** Adapts a `ws` socket to the sessions' WireSocket: frames to a closing socket are dropped, not thrown. */
export function wireSocket(socket: WebSocket): WireSocket {
  return {
    send(data) {
      if (socket.readyState === WebSocket.OPEN) socket.send(data, { binary: true });
    },
    close(code, reason) {
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close(code, reason);
    },
  };
}

/** A `ws` message as one exact-size Uint8Array (ws may hand over a Buffer view, or fragments). */
export function messageBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? new Uint8Array(data.buffer) : new Uint8Array(data);
}
