import type { ClientBinding, VersionEntry } from '../protocol/messages.js';
import type { ObservableV2 } from 'lib0/observable';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';

/** Where a client stands with its relay. */
export type ConnectionState = 'offline' | 'connecting' | 'syncing' | 'synced';

/**
 * A client's sync status. `synced` means the relay durably holds every local change and this client holds every
 * remote change the relay had when the connection (re)started.
 */
export interface SyncStatus {
  readonly state: ConnectionState;
  /** Documents with local changes the relay has not yet confirmed as durably stored. Survives reloads. */
  readonly pendingChanges: number;
  /** When the client was last `synced` (ms since the epoch), or null if never in this session. */
  readonly lastSyncedAt: number | null;
}

/** One document handed to a transport. */
export interface SyncDocument {
  readonly name: string;
  readonly doc: Y.Doc;
  readonly awareness?: Awareness;
  /**
   * The state vector (`Y.encodeStateVector` format) the relay was last known to hold durably, as kept in local
   * storage; lets the pending count survive a reload. Omit for "nothing known".
   */
  readonly confirmed?: Uint8Array;
}

/** Where one document stands with the relay. */
export interface DocumentSyncState {
  /** The relay's catch-up for the document arrived on the current connection: it holds what the relay held then. */
  readonly caughtUp: boolean;
  /** The document has local changes the relay has not confirmed. */
  readonly pending: boolean;
  /**
   * How many times the relay confirmed the document's state since it was added: an acknowledged frame or a completed
   * catch-up. A change made here is held by the relay once this count moved after it and `pending` is false (the only
   * way to tell for a deletion, which moves no clock). Transports that omit it are watched through `documents` events.
   */
  readonly confirmations?: number;
}

/** Events of a transport. */
export interface TransportEvents {
  /** The connection's status changed. */
  status: (status: SyncStatus) => void;
  /** The sync state (`documentState`) of one or more documents may have changed. At most once per microtask. */
  documents: () => void;
  /** The relay confirmed it durably holds a document up to these clocks; persist them to keep pending counts exact. */
  confirmed: (name: string, stateVector: Uint8Array) => void;
  /** A refusal or failure that does not end the connection (a rejected update, an auth failure, …). */
  error: (error: Error) => void;
  /**
   * The relay (with authentication) says which user each of these Yjs client ids of a document belongs to: the claims
   * in the document that agree are verified. Sent before the updates they concern.
   */
  bindings: (name: string, bindings: readonly ClientBinding[]) => void;
}

/**
 * Moves the updates of many documents between this client and a relay. Implementations: the multiplexed WebSocket
 * transport (one socket for every document) and an in-memory one for tests.
 */
export interface Transport extends Pick<ObservableV2<TransportEvents>, 'on' | 'off' | 'once'> {
  readonly status: SyncStatus;
  /** Where a document stands with the relay; undefined for one not being synced. */
  documentState(name: string): DocumentSyncState | undefined;
  /** Starts syncing documents (already added ones are ignored). Sync requests are batched. */
  add(docs: readonly SyncDocument[]): void;
  /** Stops syncing documents; local changes not yet confirmed are re-sent when they are added again. */
  remove(names: readonly string[]): void;
  /** Goes online (and stays so, reconnecting with backoff), or retries at once if already trying. */
  connect(): void;
  /** Goes offline on purpose until `connect()`. Local edits keep accumulating and are sent on reconnect. */
  disconnect(): void;
  /** Disconnects for good and releases every listener and timer. */
  destroy(): void;
  /**
   * The versions the relay keeps of a document, oldest first (concord.v1 HistoryRequest). Rejects with
   * `ERR_CONNECTION_CLOSED` while not connected. Transports without a relay that keeps history lack it.
   */
  history?(doc: string): Promise<VersionEntry[]>;
  /**
   * Asks the relay to restore a document (a list: with its task documents) to `time`, only `only`'s changes when not
   * ''. Resolves with how many documents changed, once this client holds the restore; rejects when refused.
   */
  restore?(doc: string, time: number, only: string, options?: RestoreOptions): Promise<number>;
}

/**
 * How a client applies a restore it asked for. A `concord.v2` relay sends the requester the restore's updates in its
 * answer (not forwarded like other updates): they are applied all at once, in a transaction per document with
 * `origin`, inside `around` when given (a list records them there as one step to undo). A `concord.v1` relay forwards
 * them as updates, applied with the transport's own origin.
 */
export interface RestoreOptions {
  /** The transaction origin of the restore's updates (a `RelayOrigin`: never sent back to the relay). */
  readonly origin?: unknown;
  /** Called with the function that applies them, to run it inside something of the caller's (an undo step). */
  readonly around?: (apply: () => void) => void;
}
