import { decodeMessage, encodeMessage } from '../../protocol/codec.js';
import { PROTOCOL_V1, type ClientMessage, type RelayMessage } from '../../protocol/messages.js';
import type { WebSocketConstructor, WebSocketLike } from '../options.js';

/** An in-memory WebSocket the test drives by hand: open it, feed it relay messages, close it. */
export class FakeSocket implements WebSocketLike {
  binaryType = 'blob';
  readyState = 0;
  protocol = '';
  closedWith: number | undefined;
  readonly sent: ClientMessage[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { readonly data: unknown }) => void) | null = null;
  onclose: ((event: { readonly code: number; readonly reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(
    readonly url: string,
    readonly protocols: string | string[] | undefined,
  ) {}

  send(data: Uint8Array): void {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(decodeMessage(data) as ClientMessage);
  }

  close(code?: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }

  // --- driven by the test ---
  open(protocol = PROTOCOL_V1): void {
    this.readyState = 1;
    this.protocol = protocol;
    this.onopen?.({});
  }

  receive(message: RelayMessage): void {
    const bytes = encodeMessage(message);
    this.onmessage?.({ data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
  }

  /** The peer closes (or the network fails with 1006). */
  drop(code = 1006): void {
    this.readyState = 3;
    this.onerror?.({});
    this.onclose?.({ code, reason: '' });
  }

  sentOfType<T extends ClientMessage['type']>(type: T): Extract<ClientMessage, { type: T }>[] {
    return this.sent.filter((message): message is Extract<ClientMessage, { type: T }> => message.type === type);
  }
}

/** A WebSocket constructor whose instances are recorded, newest last. */
export function fakeWebSocket(): { WebSocket: WebSocketConstructor; sockets: FakeSocket[]; last(): FakeSocket } {
  const sockets: FakeSocket[] = [];
  const WebSocket = class extends FakeSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      sockets.push(this);
    }
  };
  return {
    WebSocket,
    sockets,
    last() {
      const socket = sockets.at(-1);
      if (socket === undefined) throw new Error('no socket was created');
      return socket;
    },
  };
}
