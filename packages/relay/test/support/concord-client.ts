import { decodeMessage, encodeMessage, PROTOCOL_V1, type ClientMessage, type Message } from '@concord/core/protocol';
import WebSocket from 'ws';
import { waitFor } from './wait.js';

/** A minimal concord.v1 client over `ws`, built on the shared codec: records every message, waits with deadlines. */
export class RawConcordClient {
  readonly received: Message[] = [];
  closeCode: number | null = null;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => this.received.push(decodeMessage(new Uint8Array(data))));
    socket.on('close', (code) => (this.closeCode = code));
  }

  static async connect(url: string): Promise<RawConcordClient> {
    const socket = new WebSocket(url, [PROTOCOL_V1]);
    const client = new RawConcordClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  send(message: ClientMessage): void {
    this.socket.send(encodeMessage(message));
  }

  sendRaw(bytes: Uint8Array): void {
    this.socket.send(bytes);
  }

  async next<T extends Message>(predicate: (message: Message) => message is T, what: string, timeoutMs = 5000): Promise<T> {
    let found: T | undefined;
    await waitFor(() => (found = this.received.find(predicate)) !== undefined, what, timeoutMs);
    this.received.splice(this.received.indexOf(found as T), 1);
    return found as T;
  }

  async closed(timeoutMs = 5000): Promise<number> {
    await waitFor(() => this.closeCode !== null, 'socket close', timeoutMs);
    return this.closeCode as number;
  }

  close(): void {
    this.socket.terminate();
  }
}
