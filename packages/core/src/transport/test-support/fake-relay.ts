import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import * as Y from 'yjs';
import { decodeMessage, encodeMessage } from '../../protocol/codec.js';
import { MessageType, PROTOCOL_V1, type ErrorCodeValue, type RelayMessage } from '../../protocol/messages.js';
import { isDecodableUpdate, isEmptyUpdate } from '../../protocol/validate-update.js';

export interface FakeRelayOptions {
  /** Refuse every Update with this ErrorCode instead of storing it. */
  refuseUpdates?: ErrorCodeValue;
  /** Close every new connection at once with this code (auth failures, …). */
  closeWith?: number;
}

/**
 * A tiny in-memory relay speaking `concord.v1` with the shared codec, for transport tests. It keeps every update of a
 * document in a list, acknowledges updates with their end clocks and forwards them to the document's other subscribers.
 */
export class FakeRelay {
  readonly updates = new Map<string, Uint8Array[]>();
  readonly framesReceived = new Map<number, number>();
  /** Every connection ever accepted, with the URL it asked for. */
  readonly connectionLog: { url: string; at: number }[] = [];
  readonly options: FakeRelayOptions;
  readonly #silenced = new WeakSet<WebSocket>();
  readonly #subscriptions = new Map<WebSocket, Set<string>>();

  private constructor(
    private readonly server: WebSocketServer,
    options: FakeRelayOptions,
  ) {
    this.options = options;
    server.on('connection', (socket, request) => this.#accept(socket, request.url ?? '/'));
  }

  static async start(options: FakeRelayOptions = {}): Promise<FakeRelay> {
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      handleProtocols: (protocols) => (protocols.has(PROTOCOL_V1) ? PROTOCOL_V1 : false),
    });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    return new FakeRelay(server, options);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get openConnections(): number {
    return this.#subscriptions.size;
  }

  frames(type: number): number {
    return this.framesReceived.get(type) ?? 0;
  }

  /** The relay's copy of a document. */
  doc(name: string): Y.Doc {
    const doc = new Y.Doc();
    for (const update of this.updates.get(name) ?? []) Y.applyUpdate(doc, update);
    return doc;
  }

  /** Sends raw bytes as an Update of `doc` to every subscriber (to test defensive application). */
  broadcastUpdate(doc: string, update: Uint8Array): void {
    for (const [socket, docs] of this.#subscriptions) {
      if (docs.has(doc)) this.#send(socket, { type: MessageType.Update, doc, update });
    }
  }

  /**
   * Turns every open connection into one that stays open but carries nothing either way (as Chromium's offline mode
   * does); connections made later work normally.
   */
  silenceOpenConnections(): void {
    for (const socket of this.#subscriptions.keys()) this.#silenced.add(socket);
  }

  /** Closes every connection with `code`, as a relay shutting down or refusing would. */
  closeAll(code: number): void {
    for (const socket of this.#subscriptions.keys()) socket.close(code);
  }

  async close(): Promise<void> {
    for (const socket of this.#subscriptions.keys()) socket.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  #accept(socket: WebSocket, url: string): void {
    this.connectionLog.push({ url, at: Date.now() });
    if (this.options.closeWith !== undefined) {
      socket.close(this.options.closeWith);
      return;
    }
    this.#subscriptions.set(socket, new Set());
    socket.on('close', () => this.#subscriptions.delete(socket));
    socket.on('message', (data: Buffer) => {
      if (this.#silenced.has(socket)) return;
      this.#receive(socket, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    });
  }

  #receive(socket: WebSocket, frame: Uint8Array): void {
    const message = decodeMessage(frame);
    this.framesReceived.set(message.type, this.frames(message.type) + 1);
    const subscribed = this.#subscriptions.get(socket)!;
    switch (message.type) {
      case MessageType.Subscribe:
        this.#send(socket, {
          type: MessageType.SyncReply,
          entries: message.entries.map(({ doc, stateVector }) => {
            subscribed.add(doc);
            const stored = this.updates.get(doc) ?? [];
            const merged = stored.length === 0 ? new Uint8Array([0, 0]) : Y.mergeUpdates(stored);
            return { doc, update: Y.diffUpdate(merged, stateVector), stateVector: Y.encodeStateVectorFromUpdate(merged) };
          }),
        });
        break;
      case MessageType.Unsubscribe:
        for (const doc of message.docs) subscribed.delete(doc);
        break;
      case MessageType.Update: {
        const { doc, update } = message;
        if (this.options.refuseUpdates !== undefined || !isDecodableUpdate(update)) {
          this.#send(socket, { type: MessageType.Error, doc, code: this.options.refuseUpdates ?? 1, message: 'refused' });
          break;
        }
        if (!isEmptyUpdate(update)) {
          const stored = this.updates.get(doc) ?? [];
          stored.push(update);
          this.updates.set(doc, stored);
        }
        this.#send(socket, { type: MessageType.Ack, doc, clocks: Y.encodeStateVector(Y.parseUpdateMeta(update).to) });
        this.#forward(socket, doc, { type: MessageType.Update, doc, update });
        break;
      }
      case MessageType.Awareness:
        this.#forward(socket, message.doc, { type: MessageType.Awareness, doc: message.doc, update: message.update });
        break;
      case MessageType.Ping:
        this.#send(socket, { type: MessageType.Pong, nonce: message.nonce });
        break;
      default:
        break;
    }
  }

  #forward(from: WebSocket, doc: string, message: RelayMessage): void {
    for (const [socket, docs] of this.#subscriptions) {
      if (socket !== from && docs.has(doc)) this.#send(socket, message);
    }
  }

  #send(socket: WebSocket, message: RelayMessage): void {
    if (socket.readyState === WebSocket.OPEN && !this.#silenced.has(socket)) socket.send(encodeMessage(message));
  }
}
