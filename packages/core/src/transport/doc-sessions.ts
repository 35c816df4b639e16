// Over 300 lines: every per-document step of the sync protocol (subscribe, catch-up, upload of what the relay lacks,
// acks, refusals, resync) shares the sessions' state; the connection's lifecycle lives in websocket-transport.ts.
import { applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates, type Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { MAX_DOC_NAME_LENGTH } from '../protocol/codec.js';
import {
  ErrorCode,
  MessageType,
  type ClientBinding,
  type ClientMessage,
  type ErrorMessage,
  type HistoryReplyMessage,
  type RestoreReplyMessage,
  type RestoreResultMessage,
  type SyncReplyEntry,
} from '../protocol/messages.js';
import { isEmptyUpdate } from '../protocol/validate-update.js';
import { Backoff } from './backoff.js';
import { decodeClocks, isAhead, type ConfirmedClocks } from './confirmed-clocks.js';
import { coversDeleteSet } from '../protocol/delete-set.js';
import { TransportError, TransportErrorCode } from './errors.js';
import { RelayOrigin } from './relay-origin.js';
import type { ResolvedTransportOptions } from './options.js';
import type { SyncDocument } from './transport.js';

/** What the sessions need from the transport that owns them. */
export interface SessionHost {
  /** The origin of every change applied from the relay (the transport), so it is recognised and never echoed back. */
  readonly origin: unknown;
  readonly isOpen: boolean;
  send(message: ClientMessage): boolean;
  subscribe(sessions: Iterable<DocSession>): void;
  reportError(error: TransportError): void;
  emitConfirmed(name: string, stateVector: Uint8Array): void;
  /** The relay told which user each of these client ids of a document belongs to. */
  emitBindings(name: string, bindings: readonly ClientBinding[]): void;
  updateStatus(): void;
  /** A reply to a request (history, restore). */
  answered?(reply: HistoryReplyMessage | RestoreReplyMessage | RestoreResultMessage): void;
}

export interface DocSession {
  readonly name: string;
  readonly doc: Y.Doc;
  readonly awareness: Awareness | undefined;
  readonly detach: () => void;
}

type DeleteSet = ReturnType<typeof Y.createDeleteSetFromStructStore>;
type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };

/**
 * The documents a transport syncs: their listeners, the outgoing updates coalesced per turn, which documents still
 * await their SyncReply on this connection, and what the relay has confirmed.
 */
export class DocSessions {
  readonly #sessions = new Map<string, DocSession>();
  /** Subscribed on this connection, SyncReply not yet received. Their local updates wait for the catch-up upload. */
  readonly #awaiting = new Set<string>();
  readonly #toSubscribe = new Set<string>();
  readonly #outbox = new Map<string, Uint8Array[]>();
  readonly #confirmedChanged = new Set<string>();
  readonly #toResync = new Set<string>();
  /** Per document, acknowledged frames and completed catch-ups (`DocumentSyncState.confirmations`). */
  readonly #confirmations = new Map<string, number>();
  readonly #resyncBackoff: Backoff;
  #resyncTimer: ReturnType<typeof setTimeout> | null = null;
  #flushQueued = false;
  #destroyed = false;

  constructor(
    private readonly host: SessionHost,
    private readonly clocks: ConfirmedClocks,
    private readonly options: ResolvedTransportOptions,
  ) {
    this.#resyncBackoff = new Backoff({ baseMs: options.backoffBaseMs, capMs: options.backoffCapMs, random: options.random });
  }

  get awaitingCount(): number {
    return this.#awaiting.size;
  }

  confirmations(name: string): number {
    return this.#confirmations.get(name) ?? 0;
  }

  /** Whether the document is synced here and still awaits its catch-up on this connection. */
  isAwaiting(name: string): boolean {
    return this.#awaiting.has(name);
  }

  get(name: string): DocSession | undefined {
    return this.#sessions.get(name);
  }

  add(docs: readonly SyncDocument[], open: boolean): void {
    for (const { name } of docs) {
      if (typeof name !== 'string' || name.length === 0 || name.length > MAX_DOC_NAME_LENGTH) {
        throw new TypeError(`document name must have 1 to ${MAX_DOC_NAME_LENGTH} characters`);
      }
    }
    for (const sync of docs) {
      if (this.#sessions.has(sync.name)) continue;
      const session = this.#attach(sync);
      this.#sessions.set(sync.name, session);
      this.clocks.track(sync.name, sync.confirmed);
      this.clocks.evaluate(sync.name, sync.doc);
      if (open) {
        this.#awaiting.add(sync.name);
        this.#toSubscribe.add(sync.name);
        this.#queueFlush();
      }
    }
  }

  /** Returns the names that were being synced. */
  remove(names: readonly string[]): string[] {
    const removed: string[] = [];
    for (const name of names) {
      const session = this.#sessions.get(name);
      if (session === undefined) continue;
      session.detach();
      this.#sessions.delete(name);
      for (const set of [this.#awaiting, this.#toSubscribe, this.#confirmedChanged, this.#toResync]) set.delete(name);
      this.#confirmations.delete(name);
      this.#outbox.delete(name);
      this.clocks.untrack(name);
      if (session.awareness !== undefined) removeRemoteStates(session.awareness, this.host.origin);
      removed.push(name);
    }
    return removed;
  }

  /** A connection opened: catch up on every document in as few frames as the batch limits allow. */
  connectionOpened(): void {
    this.#outbox.clear();
    this.#toSubscribe.clear();
    for (const name of this.#sessions.keys()) this.#awaiting.add(name);
    this.host.subscribe(this.#sessions.values());
    for (const session of this.#sessions.values()) {
      const awareness = session.awareness;
      if (awareness !== undefined && awareness.getLocalState() !== null) {
        this.host.send({ type: MessageType.Awareness, doc: session.name, update: encodeAwarenessUpdate(awareness, [awareness.clientID]) });
      }
    }
  }

  /** The connection ended: forget its requests; the next connection's catch-up re-sends whatever the relay lacks. */
  connectionClosed(): void {
    this.#awaiting.clear();
    this.#toSubscribe.clear();
    this.#outbox.clear();
    this.#toResync.clear();
    this.#clearResyncTimer();
    for (const name of this.clocks.clearInFlight()) this.#evaluate(name);
    for (const session of this.#sessions.values()) {
      // Peers cannot reach us any more, so their cursors are stale; y-websocket does the same.
      if (session.awareness !== undefined) removeRemoteStates(session.awareness, this.host.origin);
    }
  }

  destroy(): void {
    this.#destroyed = true;
    this.#clearResyncTimer();
    this.remove([...this.#sessions.keys()]);
  }

  applySyncReply(entry: SyncReplyEntry): void {
    const session = this.#sessions.get(entry.doc);
    if (session === undefined || !this.#awaiting.delete(entry.doc)) return;
    const relayClocks = decodeClocks(entry.stateVector);
    // Our deletions from before the relay's state is merged in: the ones the relay may lack.
    const ownDeletes = Y.createDeleteSetFromStructStore(session.doc.store);
    if (!this.#applyRemote(session, entry.update)) {
      // Without the relay's state we cannot claim to be caught up; the next connection asks again.
      this.#awaiting.add(entry.doc);
      return;
    }
    this.#raise(entry.doc, relayClocks);
    this.#uploadMissing(session, entry, relayClocks, ownDeletes);
    this.#confirmed(entry.doc);
    this.#evaluate(entry.doc);
  }

  /** Applies an update the relay holds durably; `origin`: a `RelayOrigin` of the app's (default: the transport). */
  applyRemoteUpdate(name: string, update: Uint8Array, origin: unknown = this.host.origin): void {
    const session = this.#sessions.get(name);
    if (session === undefined) return;
    if (this.#applyRemote(session, update, origin)) {
      // The relay forwards an update only once it is durable, so its clocks are confirmed.
      try {
        this.#raise(name, Y.parseUpdateMeta(update).to);
      } catch {
        // Applied but unreadable meta: nothing to raise.
      }
      this.#evaluate(name);
    }
  }

  applyAck(name: string, clocks: Uint8Array): void {
    if (!this.#sessions.has(name)) return;
    this.clocks.settled(name);
    this.#resyncBackoff.reset();
    this.#confirmed(name);
    this.#raise(name, decodeClocks(clocks));
    this.#evaluate(name);
  }

  applyAwareness(name: string, update: Uint8Array): void {
    const awareness = this.#sessions.get(name)?.awareness;
    if (awareness === undefined) return;
    try {
      applyAwarenessUpdate(awareness, update, this.host.origin);
    } catch (cause) {
      this.host.reportError(
        new TransportError(TransportErrorCode.RemoteUpdateRejected, `awareness update for ${name} could not be applied`, { doc: name, cause }),
      );
    }
  }

  applyError(message: ErrorMessage): void {
    const { doc, code } = message;
    if (!this.#sessions.has(doc)) return;
    const details = { doc, relayCode: code };
    switch (code) {
      case ErrorCode.Forbidden:
        // Nothing of this document will come; don't let it hold the others' status at `syncing`. Updates are only sent
        // after a document's SyncReply, so with frames in flight the refusal is of an update: count it settled.
        this.#awaiting.delete(doc);
        this.clocks.settled(doc);
        this.host.reportError(new TransportError(TransportErrorCode.Forbidden, `${doc}: ${message.message}`, details));
        break;
      case ErrorCode.LoadFailed:
        this.host.reportError(new TransportError(TransportErrorCode.LoadFailed, `${doc}: ${message.message}`, details));
        break;
      case ErrorCode.StorageFailed:
        this.clocks.settled(doc);
        this.#scheduleResync(doc);
        this.host.reportError(new TransportError(TransportErrorCode.UpdateRefused, `${doc}: ${message.message}`, details));
        break;
      default:
        // Refused for good (malformed, read-only, too large): the change stays pending, which is the truth.
        this.clocks.settled(doc);
        this.host.reportError(new TransportError(TransportErrorCode.UpdateRefused, `${doc}: ${message.message}`, details));
    }
    this.#evaluate(doc);
  }

  #attach(sync: SyncDocument): DocSession {
    const { name, doc, awareness } = sync;
    const onUpdate = (update: Uint8Array, origin: unknown): void => {
      if (origin === this.host.origin || origin instanceof RelayOrigin) return;
      this.#evaluate(name);
      if (!this.host.isOpen || this.#awaiting.has(name)) return;
      const queue = this.#outbox.get(name);
      if (queue === undefined) this.#outbox.set(name, [update]);
      else queue.push(update);
      this.#queueFlush();
    };
    const onAwareness = (change: AwarenessChange, origin: unknown): void => {
      if (origin === this.host.origin || awareness === undefined || !this.host.isOpen) return;
      const clients = [...change.added, ...change.updated, ...change.removed];
      this.host.send({ type: MessageType.Awareness, doc: name, update: encodeAwarenessUpdate(awareness, clients) });
    };
    const onDestroy = (): void => void this.remove([name]);
    doc.on('update', onUpdate);
    doc.on('destroy', onDestroy);
    awareness?.on('update', onAwareness);
    const detach = (): void => {
      doc.off('update', onUpdate);
      doc.off('destroy', onDestroy);
      awareness?.off('update', onAwareness);
    };
    return { name, doc, awareness, detach };
  }

  /** Applies a relay update without ever letting a bad one escape: Yjs can throw on decodable-but-corrupt updates. */
  #applyRemote(session: DocSession, update: Uint8Array, origin: unknown = this.host.origin): boolean {
    try {
      Y.applyUpdate(session.doc, update, origin);
      return true;
    } catch (cause) {
      this.host.reportError(
        new TransportError(TransportErrorCode.RemoteUpdateRejected, `update for ${session.name} could not be applied`, { doc: session.name, cause }),
      );
      return false;
    }
  }

  /** Sends what the relay lacks after catch-up: structs beyond its state vector, or deletions it does not hold. */
  #uploadMissing(session: DocSession, entry: SyncReplyEntry, relayClocks: Map<number, number>, ownDeletes: DeleteSet): void {
    if (!isAhead(session.doc, relayClocks)) {
      // Decoding the relay's update only to read its delete set costs about as much as applying it: skip it when we
      // had no deletions of our own (a fresh client, or one that never deleted anything).
      if (ownDeletes.clients.size === 0) return;
      let relayDeletes: DeleteSet | undefined;
      try {
        relayDeletes = Y.decodeUpdate(entry.update).ds;
      } catch {
        relayDeletes = undefined;
      }
      if (relayDeletes !== undefined && coversDeleteSet(relayDeletes, ownDeletes)) return;
    }
    const missing = Y.encodeStateAsUpdate(session.doc, entry.stateVector);
    if (isEmptyUpdate(missing)) return;
    if (this.host.send({ type: MessageType.Update, doc: session.name, update: missing })) this.clocks.sent(session.name);
  }

  #confirmed(name: string): void {
    this.#confirmations.set(name, this.confirmations(name) + 1);
  }

  #raise(name: string, clocks: Map<number, number>): void {
    if (!this.clocks.raise(name, clocks)) return;
    this.#confirmedChanged.add(name);
    this.#queueFlush();
  }

  #evaluate(name: string): void {
    const session = this.#sessions.get(name);
    if (session !== undefined && this.clocks.evaluate(name, session.doc)) this.host.updateStatus();
  }

  /**
   * One flush per turn: a burst of keystrokes in one document becomes one Update frame, several `add` calls one batch
   * of Subscribe frames, and a burst of Acks one `confirmed` event per document.
   */
  #queueFlush(): void {
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    queueMicrotask(() => {
      this.#flushQueued = false;
      if (!this.#destroyed) this.#flush();
    });
  }

  #flush(): void {
    if (this.#toSubscribe.size > 0) {
      const sessions = [...this.#toSubscribe].flatMap((name) => this.#sessions.get(name) ?? []);
      this.#toSubscribe.clear();
      this.host.subscribe(sessions);
    }
    for (const [name, updates] of this.#outbox) {
      if (this.#awaiting.has(name)) continue;
      const update = updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
      if (!isEmptyUpdate(update) && this.host.send({ type: MessageType.Update, doc: name, update })) {
        this.clocks.sent(name);
        this.#evaluate(name);
      }
    }
    this.#outbox.clear();
    for (const name of this.#confirmedChanged) {
      const encoded = this.clocks.encoded(name);
      if (encoded !== undefined) this.host.emitConfirmed(name, encoded);
    }
    this.#confirmedChanged.clear();
  }

  /** The relay could not store an update: ask for a fresh catch-up of that document later (it re-sends what's missing). */
  #scheduleResync(name: string): void {
    this.#toResync.add(name);
    if (this.#resyncTimer !== null) return;
    this.#resyncTimer = setTimeout(() => {
      this.#resyncTimer = null;
      if (!this.host.isOpen) return;
      const sessions = [...this.#toResync].flatMap((doc) => this.#sessions.get(doc) ?? []);
      this.#toResync.clear();
      for (const session of sessions) this.#awaiting.add(session.name);
      this.host.subscribe(sessions);
      this.host.updateStatus();
    }, this.#resyncBackoff.next());
  }

  #clearResyncTimer(): void {
    if (this.#resyncTimer !== null) clearTimeout(this.#resyncTimer);
    this.#resyncTimer = null;
  }
}

function removeRemoteStates(awareness: Awareness, origin: unknown): void {
  const others = [...awareness.getStates().keys()].filter((client) => client !== awareness.clientID);
  if (others.length > 0) removeAwarenessStates(awareness, others, origin);
}
