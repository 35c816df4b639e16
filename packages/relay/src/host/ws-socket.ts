import { CloseCode } from '@concord/core/protocol';
import { WebSocket } from 'ws';
import { lastOf } from '../sessions/frame-cache.js';
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
export function wireSocket(
  socket: WebSocket,
  options: WireSocketOptions = { maxBufferedBytes: Number.POSITIVE_INFINITY },
  network: Corkable | null = null,
): WireSocket {
  return new WsWire(socket, options, network);
}

/**
 * The network stream under a WebSocket (what the HTTP server's upgrade handed over): frames encoded once for many
 * sockets are written to it directly, and its writes can be held and sent together.
 */
export interface Corkable {
  write(data: Uint8Array): boolean;
  cork(): void;
  uncork(): void;
}

/**
 * The WebSocket encoding (an unmasked binary frame, as a server sends it) of a shared frame, made once for every socket
 * it goes to (one fan-out after another, see `lastOf`).
 */
const wireFrame = lastOf((frame: Uint8Array) => binaryFrame(frame));
/** The same for a list of shared frames: their frames one after the other, one buffer written to every socket. */
const wireList = lastOf((frames: readonly Uint8Array[]) => Buffer.concat(frames.map((frame) => binaryFrame(frame))));

/** `payload` as one unmasked, final, binary WebSocket frame (RFC 6455, section 5.2). */
function binaryFrame(payload: Uint8Array): Buffer {
  const length = payload.byteLength;
  const headerBytes = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerBytes + length);
  frame[0] = 0x82;
  if (headerBytes === 2) frame[1] = length;
  else if (headerBytes === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.set(payload, headerBytes);
  return frame;
}

/** A class rather than closures: one small object per connection (heap per connection counts with thousands of idle connections). */
class WsWire implements WireSocket {
  /**
   * The network stream shared frames are written to directly: `ws` queues nothing of its own on a socket without
   * compression (it writes every frame at once), so these writes keep their order with its own (pings, the close).
   */
  readonly #direct: Corkable | null;

  constructor(
    private readonly socket: WebSocket,
    private readonly options: WireSocketOptions,
    private readonly network: Corkable | null,
  ) {
    this.#direct = network !== null && socket.extensions === '' ? network : null;
  }

  send(data: Uint8Array): void {
    if (this.#mayWrite()) {
      this.socket.send(data, { binary: true });
      this.options.onSent?.(data.byteLength);
    }
  }

  /** Each recipient of a forwarded update costs one write of the same bytes, not a frame encoded for it. */
  sendShared(frame: Uint8Array): void {
    const direct = this.#direct;
    if (direct === null) return this.send(frame);
    if (!this.#mayWrite()) return;
    direct.write(wireFrame(frame));
    this.options.onSent?.(frame.byteLength);
  }

  /**
   * The frames leave in one write: one buffer encoded once for every socket they go to (corking the stream instead
   * cost every recipient a list of chunks and a vectored write).
   */
  sendAll(frames: readonly Uint8Array[]): void {
    const direct = this.#direct;
    if (direct !== null) {
      if (!this.#mayWrite()) return;
      direct.write(wireList(frames));
      for (const frame of frames) this.options.onSent?.(frame.byteLength);
      return;
    }
    const network = this.network;
    network?.cork();
    try {
      for (const frame of frames) this.sendShared(frame);
    } finally {
      network?.uncork();
    }
  }

  /** Open, and its send buffer within bound (checked before sending, so one large frame, a big catch-up, still goes out). */
  #mayWrite(): boolean {
    const socket = this.socket;
    if (socket.readyState !== WebSocket.OPEN) return false;
    if (socket.bufferedAmount > this.options.maxBufferedBytes) {
      this.close(CloseCode.SlowConsumer, 'slow consumer: send buffer full');
      return false;
    }
    return true;
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
