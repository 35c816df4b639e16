import { CloseCode } from '@concord/core/protocol';
import * as decoding from 'lib0/decoding';
import { taggedMessage } from '../bytes/var-uint.js';
import type { RoomMember, RoomView } from '../engine/member.js';
import { RelayError } from '../errors.js';
import { frameCache, lastOf, sendAllShared, sendShared } from './frame-cache.js';
import type { Session, SessionContext, WireSocket } from './wire-socket.js';

// y-protocols message tags, as the stock y-websocket provider speaks them.
const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const MESSAGE_AUTH = 2;
const MESSAGE_QUERY_AWARENESS = 3;
const SYNC_STEP_1 = 0;
const SYNC_STEP_2 = 1;
const SYNC_UPDATE = 2;

const syncFrame = (step: number, payload: Uint8Array): Uint8Array => taggedMessage([MESSAGE_SYNC, step], payload);
const awarenessFrame = (update: Uint8Array): Uint8Array => taggedMessage([MESSAGE_AWARENESS], update);

// Forwarded updates and awareness are encoded once for every recipient. The key is the message kind.
const fanOutFrame = frameCache<'update' | 'awareness'>((kind, payload) =>
  kind === 'update' ? syncFrame(SYNC_UPDATE, payload) : awarenessFrame(payload),
);
// The engine hands every member that wrote none of a batch's updates the same array: their frames, listed once.
const fanOutFrames = lastOf((updates: readonly Uint8Array[]): readonly Uint8Array[] => updates.map((update) => fanOutFrame('update', update)));

/**
 * The y-websocket protocol for one document per socket, so the unmodified `y-websocket` provider works.
 *
 * Frames that arrive while the document loads are queued: the client's sync step 1 is answered (sync step 2) only once the
 * stored state is loaded, so a client is never told it is synced with an empty document. The relay's own sync step 1
 * makes the client upload what the relay lacks. The client's sync step 2 and updates go through the engine's update path
 * (validate, persist, then forward). An undecodable frame or update closes the socket with 4400; a storage failure
 * closes it with 4500 so the client reconnects, re-syncs and re-sends (the stock protocol has no error message).
 */
export class StockSession implements Session, RoomMember {
  #phase: 'joining' | 'active' | 'closed' = 'joining';
  /** Frames received while joining (created by the first one: most clients say nothing before the room is loaded). */
  #queue: Uint8Array[] | null = null;
  #view: RoomView | null = null;
  /**
   * Updates of this connection not yet durable or refused, and sync step 2 answers waiting for them; null when there is
   * none (most of the time: a connection keeps nothing for it then).
   */
  #unsettled: Set<Promise<unknown>> | null = null;

  constructor(
    private readonly context: SessionContext,
    private readonly socket: WireSocket,
    readonly doc: string,
  ) {
    // A loaded document is joined in this turn, so the relay's sync step 1 leaves with the upgrade's response.
    const view = context.engine.joinLoaded?.(doc, this) ?? null;
    if (view !== null) this.#joined(view);
    else
      void context.engine.join(doc, this).then(
        (joined) => this.#joined(joined),
        (error: unknown) => this.#fail(error),
      );
  }

  /** Handles one inbound y-websocket frame (sync or awareness). */
  handleMessage(data: Uint8Array): void {
    if (this.#phase === 'joining') (this.#queue ??= []).push(data);
    else if (this.#phase === 'active') this.#process(data);
  }

  /** The socket closed: leave the document's room. */
  handleClose(): void {
    const wasActive = this.#phase === 'active';
    this.#phase = 'closed';
    this.#queue = null;
    if (wasActive) this.context.engine.leave(this.doc, this);
  }

  get author(): string | undefined {
    return this.context.access.author;
  }

  /** The stock y-websocket provider applies whatever update it is sent; its own updates change nothing. */
  readonly acceptsMergedUpdates = true;

  receiveUpdate(_doc: string, update: Uint8Array): void {
    // While joining, the catch-up answering the client's sync step 1 will include this update.
    if (this.#phase === 'active') sendShared(this.socket, fanOutFrame('update', update));
  }

  receiveUpdateList(_doc: string, updates: readonly Uint8Array[]): void {
    if (this.#phase === 'active') sendAllShared(this.socket, fanOutFrames(updates));
  }

  receiveAwareness(_doc: string, update: Uint8Array): void {
    if (this.#phase === 'active') sendShared(this.socket, fanOutFrame('awareness', update));
  }

  #joined(view: RoomView): void {
    if (this.#phase === 'closed') {
      this.context.engine.leave(this.doc, this);
      return;
    }
    this.#phase = 'active';
    this.#view = view;
    this.socket.send(syncFrame(SYNC_STEP_1, view.stateVector()));
    const awareness = view.awareness();
    if (awareness !== null) this.socket.send(awarenessFrame(awareness));
    const queued = this.#queue;
    this.#queue = null;
    if (queued !== null) for (const data of queued) this.#process(data);
  }

  #process(data: Uint8Array): void {
    if (this.#phase !== 'active' || this.#view === null) return;
    try {
      // An exact-size copy: lib0 would otherwise read a length-prefixed payload past the frame into a larger buffer.
      const exact = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
      const decoder = decoding.createDecoder(exact);
      const type = decoding.readVarUint(decoder);
      if (type === MESSAGE_SYNC) {
        const step = decoding.readVarUint(decoder);
        const payload = decoding.readVarUint8Array(decoder);
        if (step === SYNC_STEP_1) this.#answerSyncStep1(payload.slice());
        else if (step === SYNC_STEP_2 || step === SYNC_UPDATE) this.#submitUpdate(payload);
        else throw new Error(`unknown sync step ${step}`);
      } else if (type === MESSAGE_AWARENESS) {
        this.#submitAwareness(decoding.readVarUint8Array(decoder).slice());
      } else if (type !== MESSAGE_QUERY_AWARENESS && type !== MESSAGE_AUTH) {
        throw new Error(`unknown message type ${type}`);
      }
    } catch (error) {
      this.#closeFor(error);
    }
  }

  /**
   * The stock protocol has no acknowledgement: a provider takes a completed sync round trip as the relay holding what it
   * sent. So the answer (sync step 2) goes out only once every update this connection sent before it is durable; a
   * relay killed right after a round trip then still holds every update of it.
   */
  #answerSyncStep1(stateVector: Uint8Array): void {
    // Only the diff: the stock protocol never sends the relay's state vector here, so it is not computed (nor cached).
    const answer = (): void => {
      if (this.#phase === 'active' && this.#view !== null) this.socket.send(syncFrame(SYNC_STEP_2, this.#view.diff(stateVector)));
    };
    if (this.#unsettled === null) return answer();
    // Earlier answers waiting are in the set too: answers go out in the order of their requests.
    this.#track(
      Promise.allSettled(this.#unsettled).then(() => {
        try {
          answer();
        } catch (error) {
          this.#closeFor(error);
        }
      }),
    );
  }

  /** Counts `work` as unsettled until it settles; sync step 2 answers requested meanwhile wait for it. */
  #track(work: Promise<unknown>): void {
    const unsettled = (this.#unsettled ??= new Set());
    unsettled.add(work);
    const settled = (): void => {
      unsettled.delete(work);
      if (unsettled.size === 0 && this.#unsettled === unsettled) this.#unsettled = null;
    };
    work.then(settled, settled);
  }

  #submitUpdate(update: Uint8Array): void {
    if (this.context.access.mode(this.doc) !== 'rw') {
      // Read-only token: the write is dropped (never stored or forwarded) and the connection stays open. Closing would
      // make the stock provider reconnect and re-send its state forever; it keeps receiving updates instead.
      this.context.onRefused?.('read_only');
      return;
    }
    // The stock protocol has no acknowledgement: no clocks to compute.
    const write = this.context.engine.submitUpdateUnacknowledged(this.doc, this, update);
    this.#track(write);
    write.catch((error: unknown) => {
      if (error instanceof RelayError && error.code === 'ERR_STORAGE') this.context.onRefused?.('storage_failed');
      this.#closeFor(error);
    });
  }

  #submitAwareness(update: Uint8Array): void {
    try {
      this.context.engine.submitAwareness(this.doc, this, update);
    } catch (error) {
      // Over a limit: dropped (counted and logged by the engine) and the connection stays open. Closing would make the
      // stock provider reconnect and send the same state again, forever; it has no error message to tell it instead.
      if (!(error instanceof RelayError && error.code === 'ERR_AWARENESS_LIMIT')) throw error;
    }
  }

  #fail(error: unknown): void {
    this.context.logger.warn({ err: error, doc: this.doc }, 'stock connection: document unavailable');
    this.#closeFor(error);
  }

  #closeFor(error: unknown): void {
    if (this.#phase === 'closed') return;
    const code = error instanceof RelayError ? error.code : 'ERR_MALFORMED_FRAME';
    const closeCode =
      code === 'ERR_STORAGE' || code === 'ERR_LOAD_FAILED'
        ? CloseCode.InternalError
        : code === 'ERR_ENGINE_CLOSED'
          ? CloseCode.GoingAway
          : code === 'ERR_CORRUPT_UPDATE' || code === 'ERR_UNMET_DEPENDENCY'
            ? CloseCode.UnprocessableUpdate
            : code === 'ERR_CLIENT_ID_TAKEN'
              ? CloseCode.ClientIdTaken
              : CloseCode.MalformedFrame;
    this.context.logger.info({ doc: this.doc, code, closeCode }, 'closing stock connection');
    this.handleClose();
    this.socket.close(closeCode, code);
  }
}
