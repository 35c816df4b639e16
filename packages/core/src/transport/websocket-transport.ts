// Over 300 lines: the connection's lifecycle (token, handshake, heartbeat, backoff, failover, online/offline) as one
// state machine; per-document sync lives in doc-sessions.ts, frames in inbound.ts, options in options.ts.
import { ObservableV2 } from 'lib0/observable';
import * as Y from 'yjs';
import { encodeMessage } from '../protocol/codec.js';
import { CloseCode, isConcordProtocol, MessageType, SUPPORTED_PROTOCOLS, type ClientMessage, type VersionEntry } from '../protocol/messages.js';
import { Backoff } from './backoff.js';
import { chunk, chunkSubscribeEntries } from './batches.js';
import { ConfirmedClocks } from './confirmed-clocks.js';
import { DocSessions, type DocSession, type SessionHost } from './doc-sessions.js';
import { TransportError, TransportErrorCode } from './errors.js';
import { Heartbeat } from './heartbeat.js';
import { handleFrame } from './inbound.js';
import { PendingRequests } from './requests.js';
import {
  reportsOffline,
  resolveOptions,
  withToken,
  type ResolvedTransportOptions,
  type WebSocketLike,
  type WebSocketTransportOptions,
} from './options.js';
import type { ConnectionState, DocumentSyncState, RestoreOptions, SyncDocument, SyncStatus, Transport, TransportEvents } from './transport.js';

/**
 * idle: not trying (disconnected on purpose, browser offline, or destroyed) · backoff: waiting to retry ·
 * opening: fetching a token or in the handshake · open: the socket carries messages.
 */
type Phase = 'idle' | 'backoff' | 'opening' | 'open';

// Close codes the relay uses for faults worth telling the application about (not for routine restarts).
const FAULT_CLOSE_CODES = new Set<number>([
  CloseCode.MalformedFrame,
  CloseCode.FrameTooLarge,
  CloseCode.RateLimited,
  CloseCode.SlowConsumer,
  CloseCode.InternalError,
]);

/**
 * The multiplexed WebSocket transport: one socket carries every added document (`concord.v1`), with batched catch-up,
 * acknowledged updates, a heartbeat, and reconnection with full-jitter backoff.
 *
 * @example
 * ```ts
 * const transport = new WebSocketTransport({ url: 'wss://relay.example/', token: () => fetchToken() });
 * transport.on('status', (s) => render(s.state, s.pendingChanges));
 * transport.on('confirmed', (name, sv) => store.saveConfirmed(name, sv));
 * transport.add([{ name: listId, doc: listDoc, confirmed: await store.loadConfirmed(listId) }]);
 * ```
 */
export class WebSocketTransport extends ObservableV2<TransportEvents> implements Transport {
  readonly #options: ResolvedTransportOptions;
  readonly #clocks = new ConfirmedClocks();
  readonly #sessions: DocSessions;
  readonly #requests = new PendingRequests(
    (message) => this.#send(message),
    (entries, origin) => {
      for (const { doc, update } of entries) this.#sessions.applyRemoteUpdate(doc, update, origin ?? this.#host.origin);
    },
  );
  /** The transport's side of the sessions, kept off the public API. */
  readonly #host: SessionHost;
  readonly #backoff: Backoff;
  readonly #heartbeat: Heartbeat;

  #phase: Phase = 'idle';
  #wanted = false;
  #destroyed = false;
  #networkOnline: boolean;
  #socket: WebSocketLike | null = null;
  /** Bumped whenever an attempt or socket is abandoned, so its late callbacks are recognised and ignored. */
  #generation = 0;
  #urlIndex = 0;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #healthyTimer: ReturnType<typeof setTimeout> | null = null;
  #status: SyncStatus = { state: 'offline', pendingChanges: 0, lastSyncedAt: null };
  #documentsEventQueued = false;

  readonly #onOnline = (): void => this.#handleOnline();
  readonly #onOffline = (): void => this.#handleOffline();

  constructor(options: WebSocketTransportOptions) {
    super();
    this.#options = resolveOptions(options);
    this.#backoff = new Backoff({
      baseMs: this.#options.backoffBaseMs,
      capMs: this.#options.backoffCapMs,
      random: this.#options.random,
    });
    this.#heartbeat = new Heartbeat({
      intervalMs: this.#options.heartbeatIntervalMs,
      timeoutMs: this.#options.heartbeatTimeoutMs,
      sendPing: (nonce) => this.#send({ type: MessageType.Ping, nonce }),
      onDead: () => this.#handleDead(),
    });
    const isOpen = (): boolean => this.isOpen;
    this.#host = {
      origin: this,
      get isOpen() {
        return isOpen();
      },
      send: (message) => this.#send(message),
      subscribe: (sessions) => this.#subscribe(sessions),
      reportError: (error) => this.emit('error', [error]),
      emitConfirmed: (name, stateVector) => this.emit('confirmed', [name, stateVector]),
      emitBindings: (name, bindings) => this.emit('bindings', [name, bindings]),
      updateStatus: () => this.#updateStatus(),
      answered: (reply) => this.#requests.answered(reply),
    };
    this.#sessions = new DocSessions(this.#host, this.#clocks, this.#options);
    this.#networkOnline = !(this.#options.connectivity !== null && reportsOffline());
    this.#options.connectivity?.addEventListener('online', this.#onOnline);
    this.#options.connectivity?.addEventListener('offline', this.#onOffline);
    if (this.#options.connect) this.connect();
  }

  get status(): SyncStatus {
    return this.#status;
  }

  history(doc: string): Promise<VersionEntry[]> {
    return this.#requests.history(doc);
  }

  restore(doc: string, time: number, only: string, options?: RestoreOptions): Promise<number> {
    return this.#requests.restore(doc, time, only, options);
  }

  documentState(name: string): DocumentSyncState | undefined {
    if (this.#sessions.get(name) === undefined) return undefined;
    return {
      caughtUp: this.#phase === 'open' && !this.#sessions.isAwaiting(name),
      pending: this.#clocks.isPending(name),
      confirmations: this.#sessions.confirmations(name),
    };
  }

  /** Whether the socket is open and carrying messages. */
  get isOpen(): boolean {
    return this.#phase === 'open';
  }

  add(docs: readonly SyncDocument[]): void {
    if (this.#destroyed) return;
    this.#sessions.add(docs, this.#phase === 'open');
    this.#updateStatus();
  }

  remove(names: readonly string[]): void {
    if (this.#destroyed) return;
    const removed = this.#sessions.remove(names);
    if (this.#phase === 'open' && removed.length > 0) {
      for (const docs of chunk(removed, this.#options.maxDocsPerSubscribe)) this.#send({ type: MessageType.Unsubscribe, docs });
    }
    this.#updateStatus();
  }

  connect(): void {
    if (this.#destroyed) return;
    this.#wanted = true;
    if (!this.#networkOnline) {
      // The browser says there is no network: new sockets would fail at once. The `online` event resumes.
      this.#updateStatus();
      return;
    }
    if (this.#phase === 'idle' || this.#phase === 'backoff') {
      this.#clearRetryTimer();
      void this.#open();
    }
  }

  disconnect(): void {
    if (this.#destroyed) return;
    this.#wanted = false;
    this.#stop();
  }

  override destroy(): void {
    if (this.#destroyed) return;
    this.#wanted = false;
    this.#stop();
    this.#destroyed = true;
    this.#sessions.destroy();
    this.#options.connectivity?.removeEventListener('online', this.#onOnline);
    this.#options.connectivity?.removeEventListener('offline', this.#onOffline);
    this.#updateStatus();
    super.destroy();
  }

  /** Sends one message if the socket is open; otherwise drops it (catch-up on the next connection covers it). */
  #send(message: ClientMessage): boolean {
    if (this.#phase !== 'open' || this.#socket === null) return false;
    try {
      this.#socket.send(encodeMessage(message));
      return true;
    } catch {
      // A socket that fails to send is closing; its close event starts the reconnect.
      return false;
    }
  }

  /** Sends Subscribe frames for documents, batched. */
  #subscribe(sessions: Iterable<DocSession>): void {
    const entries = (function* () {
      for (const session of sessions) yield { doc: session.name, stateVector: Y.encodeStateVector(session.doc) };
    })();
    for (const batch of chunkSubscribeEntries(entries, this.#options.maxDocsPerSubscribe, this.#options.maxSubscribeBytes)) {
      this.#send({ type: MessageType.Subscribe, entries: batch });
    }
  }

  /**
   * Recomputes the status and emits it if anything changed. Cheap: no per-document work. Every change of a document's
   * state passes here, so it also queues the `documents` event.
   */
  #updateStatus(): void {
    if (!this.#documentsEventQueued) {
      this.#documentsEventQueued = true;
      queueMicrotask(() => {
        this.#documentsEventQueued = false;
        if (!this.#destroyed) this.emit('documents', []);
      });
    }
    const state = this.#state();
    const previous = this.#status;
    const pendingChanges = this.#clocks.pendingCount;
    if (state === previous.state && pendingChanges === previous.pendingChanges) return;
    const lastSyncedAt = state === 'synced' && previous.state !== 'synced' ? Date.now() : previous.lastSyncedAt;
    this.#status = { state, pendingChanges, lastSyncedAt };
    this.emit('status', [this.#status]);
  }

  #state(): ConnectionState {
    switch (this.#phase) {
      case 'idle':
        return 'offline';
      case 'backoff':
      case 'opening':
        return 'connecting';
      case 'open':
        return this.#sessions.awaitingCount > 0 || this.#clocks.pendingCount > 0 ? 'syncing' : 'synced';
    }
  }

  async #open(): Promise<void> {
    const generation = ++this.#generation;
    this.#phase = 'opening';
    this.#updateStatus();
    let token: string | undefined;
    try {
      const source = this.#options.token;
      token = typeof source === 'function' ? await source() : source;
    } catch (cause) {
      if (generation !== this.#generation) return;
      this.#host.reportError(new TransportError(TransportErrorCode.TokenFailed, 'could not obtain a token', { cause }));
      this.#retry(false, false);
      return;
    }
    if (generation !== this.#generation) return;

    let socket: WebSocketLike;
    try {
      socket = new this.#options.WebSocket(withToken(this.#options.urls[this.#urlIndex]!, token), [...SUPPORTED_PROTOCOLS]);
    } catch {
      // The constructor throws for a URL the environment refuses; another URL may work.
      this.#retry(true, false);
      return;
    }
    socket.binaryType = 'arraybuffer';
    this.#socket = socket;
    const current = (): boolean => generation === this.#generation && this.#socket === socket;
    socket.onopen = () => {
      if (current()) this.#handleOpen(socket);
    };
    socket.onmessage = (event) => {
      if (!current()) return;
      this.#heartbeat.received();
      handleFrame(this.#host, this.#sessions, event.data);
    };
    socket.onclose = (event) => {
      if (current()) this.#handleClose(event.code);
    };
    // An error is always followed by a close event, which does the work.
    socket.onerror = () => {};
  }

  #handleOpen(socket: WebSocketLike): void {
    if (!isConcordProtocol(socket.protocol)) {
      this.#host.reportError(
        new TransportError(TransportErrorCode.ProtocolMismatch, `relay selected subprotocol "${socket.protocol}", not one of ${SUPPORTED_PROTOCOLS.join(', ')}`),
      );
      this.#dropSocket();
      this.#retry(true, false);
      return;
    }
    this.#phase = 'open';
    this.#heartbeat.start();
    this.#healthyTimer = setTimeout(() => {
      this.#healthyTimer = null;
      this.#backoff.reset();
    }, this.#options.healthyAfterMs);
    this.#sessions.connectionOpened();
    this.#updateStatus();
  }

  #handleClose(code: number): void {
    const wasOpen = this.#phase === 'open';
    this.#dropSocket();
    if (code === CloseCode.Unauthorized) {
      this.#host.reportError(new TransportError(TransportErrorCode.Unauthorized, 'the relay refused the token', { closeCode: code }));
    } else if (code === CloseCode.Forbidden) {
      this.#host.reportError(new TransportError(TransportErrorCode.Forbidden, 'the token does not cover a requested document', { closeCode: code }));
    } else if (FAULT_CLOSE_CODES.has(code)) {
      this.#host.reportError(new TransportError(TransportErrorCode.ConnectionClosed, `the relay closed the connection (${code})`, { closeCode: code }));
    }
    // Auth failures back off like any failure: a token refreshed by the `token` function may fix them, hammering won't.
    this.#retry(!wasOpen || code === CloseCode.GoingAway, code === CloseCode.GoingAway);
  }

  /** The heartbeat found the socket silent: it may never deliver its close event (Chromium offline), so don't wait. */
  #handleDead(): void {
    this.#dropSocket(CloseCode.HeartbeatTimeout);
    this.#retry(false, false);
  }

  #handleOnline(): void {
    this.#networkOnline = true;
    if (!this.#wanted || this.#destroyed) return;
    // Coming back online is the moment to retry, not after whatever backoff had accumulated.
    this.#backoff.reset();
    this.#clearRetryTimer();
    if (this.#phase === 'idle' || this.#phase === 'backoff') void this.#open();
  }

  #handleOffline(): void {
    this.#networkOnline = false;
    this.#stop();
  }

  /** Schedules the next attempt, or goes idle when no connection is wanted. */
  #retry(rotateUrl: boolean, goingAway: boolean): void {
    if (rotateUrl) this.#urlIndex = (this.#urlIndex + 1) % this.#options.urls.length;
    if (!this.#wanted || this.#destroyed || !this.#networkOnline) {
      this.#phase = 'idle';
      this.#updateStatus();
      return;
    }
    const delay = this.#backoff.next(goingAway ? this.#options.goingAwayJitterMs : 0);
    this.#phase = 'backoff';
    this.#clearRetryTimer();
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      void this.#open();
    }, delay);
    this.#updateStatus();
  }

  /** Abandons the current attempt or socket, if any, and goes idle. */
  #stop(): void {
    this.#clearRetryTimer();
    this.#dropSocket();
    this.#phase = 'idle';
    this.#updateStatus();
  }

  /** Closes and forgets the socket and every per-connection state. Leaves the phase to the caller. */
  #dropSocket(closeCode: number = CloseCode.Normal): void {
    this.#requests.closed();
    this.#generation++;
    this.#heartbeat.stop();
    if (this.#healthyTimer !== null) clearTimeout(this.#healthyTimer);
    this.#healthyTimer = null;
    const socket = this.#socket;
    this.#socket = null;
    if (socket !== null) {
      socket.onopen = socket.onmessage = socket.onclose = null;
      // Keep a no-op error handler: `ws` throws an unhandled 'error' when closing during a handshake without one.
      socket.onerror = () => {};
      try {
        socket.close(closeCode);
      } catch {
        // Closing an already closed or still-connecting socket may throw in some implementations; it is gone anyway.
      }
    }
    if (socket !== null) this.#sessions.connectionClosed();
  }

  #clearRetryTimer(): void {
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }
}
