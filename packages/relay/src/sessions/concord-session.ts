import {
  CloseCode,
  decodeMessage,
  encodeMessage,
  ErrorCode,
  MessageType,
  ProtocolError,
  type AwarenessMessage,
  type ErrorCodeValue,
  type Message,
  type SubscribeEntry,
  type SyncReplyEntry,
  type UpdateBatchEntry,
  type UpdateMessage,
  PROTOCOL_V2,
} from '@concord/core/protocol';
import type { RoomMember, RoomView } from '../engine/member.js';
import { RelayError } from '../errors.js';
import { frameCache, sendShared } from './frame-cache.js';
import { serveHistory } from './history-requests.js';
import { encodeSyncReplies, encodeUpdateBatches } from './sync-reply-frames.js';
import type { Session, SessionContext, WireSocket } from './wire-socket.js';

type Inbound = UpdateMessage | AwarenessMessage;

// Forwarded updates and awareness are encoded once for every recipient (the key includes the document).
const fanOutFrame = frameCache<string>((key, payload) => {
  const doc = key.slice(1);
  return encodeMessage(key.startsWith('u') ? { type: MessageType.Update, doc, update: payload } : { type: MessageType.Awareness, doc, update: payload });
});
/** Per document: joining (client frames queued until the SyncReply is out), or active. */
type DocState = { phase: 'joining'; queue: Inbound[] } | { phase: 'active' };

/**
 * The multiplexed `concord.v1` protocol: one socket, many documents (byte layout in PROTOCOL.md).
 *
 * Subscribe loads a batch of documents concurrently and answers with SyncReply frames (catch-up diff + relay state
 * vector per document) only once they are loaded. Updates are acknowledged (Ack with end clocks) only after they are
 * durable. A frame that does not decode, or an undecodable Yjs update or awareness payload, closes the connection with
 * 4400; refusals about one document (not subscribed, storage failure, load failure) are Error messages.
 */
export class ConcordSession implements Session, RoomMember {
  readonly #docs = new Map<string, DocState>();
  #closed = false;
  /** `concord.v2`: updates of several documents made durable together go out as UpdateBatch frames. */
  readonly receiveUpdates: ((entries: readonly UpdateBatchEntry[]) => void) | undefined;

  constructor(
    private readonly context: SessionContext,
    private readonly socket: WireSocket,
    protocol: string = PROTOCOL_V2,
  ) {
    this.receiveUpdates = protocol === PROTOCOL_V2 ? (entries) => this.#receiveBatch(entries) : undefined;
  }

  /** Handles one inbound concord.v1 frame. */
  handleMessage(data: Uint8Array): void {
    if (this.#closed) return;
    let message: Message;
    try {
      message = decodeMessage(data);
    } catch (error) {
      this.#close(CloseCode.MalformedFrame, error instanceof ProtocolError ? error.code : 'ERR_MALFORMED_FRAME');
      return;
    }
    switch (message.type) {
      case MessageType.Subscribe:
        void this.#subscribe(message.entries);
        break;
      case MessageType.Unsubscribe:
        for (const doc of message.docs) this.#unsubscribe(doc);
        break;
      case MessageType.Update:
      case MessageType.Awareness:
        this.#inbound(message);
        break;
      case MessageType.Ping:
        this.#send({ type: MessageType.Pong, nonce: message.nonce });
        break;
      case MessageType.HistoryRequest:
      case MessageType.RestoreRequest:
        // concord.v2: the restore's updates come back in its RestoreResult, not forwarded (one step to undo).
        void serveHistory(this.context, message, this.receiveUpdates ? this : undefined).then((reply) => this.#send(reply));
        break;
      default:
        // A relay-to-client message sent by a client: valid bytes, wrong direction.
        this.#close(CloseCode.MalformedFrame, 'ERR_UNEXPECTED_MESSAGE');
    }
  }

  /** The socket closed: leave every document the session subscribed to. */
  handleClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const [doc, state] of this.#docs) if (state.phase === 'active') this.context.engine.leave(doc, this);
    this.#docs.clear();
  }

  get author(): string | undefined {
    return this.context.access.author;
  }

  receiveUpdate(doc: string, update: Uint8Array): void {
    // While joining, the SyncReply (computed after every load of the batch) will include this update.
    if (this.#docs.get(doc)?.phase === 'active' && !this.#closed) sendShared(this.socket, fanOutFrame(`u${doc}`, update));
  }

  #receiveBatch(entries: readonly UpdateBatchEntry[]): void {
    if (this.#closed) return;
    const active = entries.filter((entry) => this.#docs.get(entry.doc)?.phase === 'active');
    for (const frame of encodeUpdateBatches(active)) this.socket.send(frame);
  }

  receiveAwareness(doc: string, update: Uint8Array): void {
    if (this.#docs.get(doc)?.phase === 'active' && !this.#closed) sendShared(this.socket, fanOutFrame(`a${doc}`, update));
  }

  receiveBindings(doc: string, bindings: ReadonlyMap<number, string>): void {
    if (this.#docs.get(doc)?.phase === 'active' && !this.#closed) this.#sendBindings(doc, bindings);
  }

  #sendBindings(doc: string, bindings: ReadonlyMap<number, string>): void {
    if (bindings.size > 0) this.#send({ type: MessageType.Bindings, doc, bindings: [...bindings].map(([client, user]) => ({ client, user })) });
  }

  async #subscribe(entries: readonly SubscribeEntry[]): Promise<void> {
    const joins = new Map<string, { entry: SubscribeEntry; view: Promise<RoomView> }>();
    for (const entry of entries) {
      if (this.context.access.mode(entry.doc) === 'none') {
        // Per document, not the whole connection: the client's other documents keep syncing; nothing of this one is sent.
        this.context.onRefused?.('forbidden');
        this.#error(entry.doc, ErrorCode.Forbidden, 'the token does not cover this document');
        continue;
      }
      const state = this.#docs.get(entry.doc);
      // A repeated Subscribe of a document re-syncs it; the engine keeps one membership per member.
      if (state === undefined) this.#docs.set(entry.doc, { phase: 'joining', queue: [] });
      joins.set(entry.doc, { entry, view: this.context.engine.join(entry.doc, this) });
    }
    const settled = await Promise.all(
      [...joins.values()].map(({ entry, view }) =>
        view.then(
          (room) => ({ entry, room, error: null }),
          (error: unknown) => ({ entry, room: null, error }),
        ),
      ),
    );
    // With authentication, each document's bindings go before its catch-up, so the claims in it are verified on arrival.
    const bindings = this.author === undefined ? null : await this.#bindingsOf(settled);
    if (this.#closed) {
      for (const { entry, room } of settled) if (room !== null && !this.#docs.has(entry.doc)) this.context.engine.leave(entry.doc, this);
      return;
    }
    const replies: SyncReplyEntry[] = [];
    const activated: { doc: string; room: RoomView; queue: Inbound[] }[] = [];
    for (const { entry, room, error } of settled) {
      const state = this.#docs.get(entry.doc);
      if (room === null || state === undefined) {
        // Load failed, or the client unsubscribed meanwhile.
        if (room !== null) this.context.engine.leave(entry.doc, this);
        else {
          // A document still active from an earlier Subscribe stays active; only a pending one is dropped.
          if (state?.phase === 'joining') this.#docs.delete(entry.doc);
          this.#error(entry.doc, ErrorCode.LoadFailed, error instanceof Error ? error.message : 'load failed');
        }
        continue;
      }
      let reply: { update: Uint8Array; stateVector: Uint8Array };
      try {
        reply = room.sync(entry.stateVector);
      } catch {
        this.#close(CloseCode.MalformedFrame, 'ERR_MALFORMED_STATE_VECTOR');
        return;
      }
      replies.push({ doc: entry.doc, update: reply.update, stateVector: reply.stateVector });
      activated.push({ doc: entry.doc, room, queue: state.phase === 'joining' ? state.queue : [] });
      this.#docs.set(entry.doc, { phase: 'active' });
    }
    if (bindings !== null) for (const { doc } of activated) this.#sendBindings(doc, bindings.get(doc) ?? new Map());
    for (const frame of encodeSyncReplies(replies)) this.socket.send(frame);
    for (const { doc, room } of activated) {
      const awareness = room.awareness();
      if (awareness !== null) this.#send({ type: MessageType.Awareness, doc, update: awareness });
    }
    for (const { queue } of activated) for (const message of queue) this.#inbound(message);
  }

  /** The bindings of every document of a batch that loaded; a document whose bindings cannot be read gets none. */
  async #bindingsOf(settled: readonly { entry: SubscribeEntry; room: RoomView | null }[]): Promise<Map<string, ReadonlyMap<number, string>>> {
    const found = new Map<string, ReadonlyMap<number, string>>();
    await Promise.all(
      settled.map(async ({ entry, room }) => {
        if (room === null) return;
        found.set(entry.doc, await this.context.engine.clientBindings(entry.doc).catch(() => new Map<number, string>()));
      }),
    );
    return found;
  }

  #unsubscribe(doc: string): void {
    const state = this.#docs.get(doc);
    this.#docs.delete(doc);
    // A document still joining is left when its join settles (see #subscribe).
    if (state?.phase === 'active') this.context.engine.leave(doc, this);
  }

  #inbound(message: Inbound): void {
    if (this.#closed) return;
    const state = this.#docs.get(message.doc);
    if (state === undefined) {
      this.context.onRefused?.('not_subscribed');
      this.#error(message.doc, ErrorCode.NotSubscribed, 'not subscribed to this document');
      return;
    }
    if (state.phase === 'joining') {
      state.queue.push(message);
      return;
    }
    if (message.type === MessageType.Awareness) {
      try {
        this.context.engine.submitAwareness(message.doc, this, message.update);
      } catch (error) {
        this.#refused(message.doc, error);
      }
      return;
    }
    if (this.context.access.mode(message.doc) !== 'rw') {
      this.context.onRefused?.('read_only');
      this.#error(message.doc, ErrorCode.ReadOnly, 'read-only token: the update was not stored or forwarded');
      return;
    }
    const { doc, update } = message;
    void this.context.engine.submitUpdate(doc, this, update).then(
      (clocks) => this.#send({ type: MessageType.Ack, doc, clocks }),
      (error: unknown) => this.#refused(doc, error),
    );
  }

  #refused(doc: string, error: unknown): void {
    const code = error instanceof RelayError ? error.code : 'ERR_INTERNAL';
    switch (code) {
      case 'ERR_MALFORMED_UPDATE':
      case 'ERR_MALFORMED_AWARENESS':
        this.#close(CloseCode.MalformedFrame, code);
        return;
      case 'ERR_CORRUPT_UPDATE':
      case 'ERR_UNMET_DEPENDENCY':
        // Counted and logged by the engine. Per document: the connection's other documents, and its later updates of
        // this one, go on.
        this.#error(doc, code === 'ERR_CORRUPT_UPDATE' ? ErrorCode.CorruptUpdate : ErrorCode.UnmetDependency, (error as Error).message);
        return;
      case 'ERR_CLIENT_ID_TAKEN':
        this.#error(doc, ErrorCode.ClientIdTaken, (error as Error).message);
        return;
      case 'ERR_AWARENESS_LIMIT':
        this.#error(doc, ErrorCode.AwarenessRefused, (error as Error).message);
        return;
      case 'ERR_STORAGE':
        this.context.onRefused?.('storage_failed');
        this.#error(doc, ErrorCode.StorageFailed, 'the relay could not store the update; re-send later');
        return;
      case 'ERR_NOT_SUBSCRIBED':
        this.context.onRefused?.('not_subscribed');
        this.#error(doc, ErrorCode.NotSubscribed, 'not subscribed to this document');
        return;
      case 'ERR_ENGINE_CLOSED':
        this.#close(CloseCode.GoingAway, code);
        return;
      default:
        this.context.logger.error({ err: error, doc }, 'unexpected failure serving a connection');
        this.#close(CloseCode.InternalError, 'ERR_INTERNAL');
    }
  }

  #error(doc: string, code: ErrorCodeValue, message: string): void {
    this.#send({ type: MessageType.Error, doc, code, message });
  }

  #send(message: Message): void {
    if (!this.#closed) this.socket.send(encodeMessage(message));
  }

  #close(code: number, reason: string): void {
    if (this.#closed) return;
    this.context.logger.info({ code, reason }, 'closing concord.v1 connection');
    this.handleClose();
    this.socket.close(code, reason);
  }
}
