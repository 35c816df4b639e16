import { CloseCode } from '@concord/core/protocol';
import { WebSocket } from 'ws';
import type { WireSocket } from '../sessions/wire-socket.js';

export interface WireSocketOptions {
  /** Close with 4503 (slow consumer) once the socket's send buffer holds more than this many bytes. */
  readonly maxBufferedBytes: number;
  /** Called with each frame's size as it is sent. */
  readonly onSent?: (bytes: number) => void;
  /** Called when the relay closes the socket with a code >= 4000 (refusals), with the reason. */
  readonly onClosed?: (code: number, reason: string, socket: WebSocket) => void;
}

/** How long a socket closed by the relay may take to finish its closing handshake before it is destroyed. */
const CLOSE_GRACE_MS = 2_000;

/**
 * Adapts a `ws` socket to the sessions' WireSocket: frames to a closing socket are dropped, not thrown; a socket whose
 * send buffer grows past its bound is closed (4503) instead of buffering without limit. `options` may be shared by many
 * sockets.
 */
export function wireSocket(socket: WebSocket, options: WireSocketOptions = { maxBufferedBytes: Number.POSITIVE_INFINITY }): WireSocket {
  return new WsWire(socket, options);
}

/** A class rather than closures: one small object per connection (heap per connection counts with thousands of idle connections). */
class WsWire implements WireSocket {
  constructor(
    private readonly socket: WebSocket,
    private readonly options: WireSocketOptions,
  ) {}

  send(data: Uint8Array): void {
    const socket = this.socket;
    if (socket.readyState !== WebSocket.OPEN) return;
    // Checked before sending, so one large frame (a big catch-up) still goes out to a client that reads.
    if (socket.bufferedAmount > this.options.maxBufferedBytes) {
      this.close(CloseCode.SlowConsumer, 'slow consumer: send buffer full');
      return;
    }
    socket.send(data, { binary: true });
    this.options.onSent?.(data.byteLength);
  }

  close(code: number, reason: string): void {
    const socket = this.socket;
    if (socket.readyState !== WebSocket.OPEN && socket.readyState !== WebSocket.CONNECTING) return;
    this.options.onClosed?.(code, reason, socket);
    socket.close(code, reason);
    // A peer that does not read will not answer the close either: do not let it hold the socket.
    const timer = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  }
}

/** A `ws` message as one exact-size Uint8Array (ws may hand over a Buffer view, or fragments). */
export function messageBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? new Uint8Array(data.buffer) : new Uint8Array(data);
}
