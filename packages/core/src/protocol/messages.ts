/**
 * The messages of Concord's multiplexed sync protocol (`concord.v1`), as tagged unions.
 *
 * One WebSocket carries every document a client has open; every document-scoped message names its document.
 * The byte layout is specified in `packages/relay/PROTOCOL.md`; `codec.ts` is its only implementation, shared by the
 * client and the relay so the two cannot drift.
 */

/** Wire tags. Values are part of the protocol: never renumber, only append. */
export const MessageType = {
  /** client → relay: start syncing documents (batched sync step 1). */
  Subscribe: 0,
  /** relay → client: the diffs answering a Subscribe, with the relay's state vectors (batched sync step 2). */
  SyncReply: 1,
  /** client → relay: stop receiving a document's updates and awareness. */
  Unsubscribe: 2,
  /** either way: a Yjs update of one document. */
  Update: 3,
  /** relay → client: the relay durably holds updates of a document up to these clocks. */
  Ack: 4,
  /** either way: a y-protocols awareness update of one document. */
  Awareness: 5,
  /** relay → client: a request about one document was refused. The connection stays open. */
  Error: 6,
  /** client → relay: heartbeat probe; the relay answers with Pong carrying the same nonce. */
  Ping: 7,
  /** relay → client: heartbeat answer. */
  Pong: 8,
  /** relay → client: which user each Yjs client id of a document belongs to (authentication on). */
  Bindings: 9,
  /** client → relay: the checkpoints (versions) the relay keeps of a document. */
  HistoryRequest: 10,
  /** relay → client: the answer to a HistoryRequest. */
  HistoryReply: 11,
  /** client → relay: bring a document (a list: with every task document of it) back to a time, as new updates. */
  RestoreRequest: 12,
  /** relay → client: the answer to a RestoreRequest (the updates themselves arrive as Update or UpdateBatch frames). */
  RestoreReply: 13,
  /**
   * relay → client, `concord.v2` only: updates of several documents that became durable together (a restore of a list),
   * applied by the client in one go.
   */
  UpdateBatch: 14,
  /**
   * relay → client, `concord.v2` only: the answer to a RestoreRequest, carrying the restore's updates themselves (the
   * requester gets them here and not forwarded), so it can apply them as one step it can undo.
   */
  RestoreResult: 15,
} as const;
/** One of the wire tags of `MessageType`. */
export type MessageTypeValue = (typeof MessageType)[keyof typeof MessageType];

/** A state vector as Yjs encodes it (`Y.encodeStateVector`). */
export type EncodedStateVector = Uint8Array;
/** A Yjs update in the v1 encoding. */
export type EncodedUpdate = Uint8Array;

/** One document of a Subscribe, with the client's state vector for it. */
export interface SubscribeEntry {
  readonly doc: string;
  /** The client's state vector for the document: the relay answers with what the client lacks. */
  readonly stateVector: EncodedStateVector;
}

/** One document of a SyncReply: what the client lacks, and the relay's state vector. */
export interface SyncReplyEntry {
  readonly doc: string;
  /** Everything the relay durably holds that the client's state vector lacks. */
  readonly update: EncodedUpdate;
  /** The relay's state vector: the client sends what the relay lacks, and may treat it as acknowledged. */
  readonly stateVector: EncodedStateVector;
}

/** client → relay: start syncing these documents (batched sync step 1). */
export interface SubscribeMessage {
  readonly type: typeof MessageType.Subscribe;
  readonly entries: readonly SubscribeEntry[];
}
/** relay → client: the answer to a Subscribe (batched sync step 2). */
export interface SyncReplyMessage {
  readonly type: typeof MessageType.SyncReply;
  readonly entries: readonly SyncReplyEntry[];
}
/** client → relay: stop receiving these documents' updates and awareness. */
export interface UnsubscribeMessage {
  readonly type: typeof MessageType.Unsubscribe;
  readonly docs: readonly string[];
}
/** Either way: a Yjs update of one document. */
export interface UpdateMessage {
  readonly type: typeof MessageType.Update;
  readonly doc: string;
  readonly update: EncodedUpdate;
}
/** One document's update in an UpdateBatch. */
export interface UpdateBatchEntry {
  readonly doc: string;
  readonly update: EncodedUpdate;
}
/** relay → client (`concord.v2`): updates of several documents made durable together, to apply in one go. */
export interface UpdateBatchMessage {
  readonly type: typeof MessageType.UpdateBatch;
  readonly entries: readonly UpdateBatchEntry[];
}
/** relay → client: the relay durably holds the document's updates up to these clocks. */
export interface AckMessage {
  readonly type: typeof MessageType.Ack;
  readonly doc: string;
  /** Clocks the relay now holds durably for this document, as an encoded state vector (per client: next clock). */
  readonly clocks: EncodedStateVector;
}
/** Either way: a y-protocols awareness update of one document. */
export interface AwarenessMessage {
  readonly type: typeof MessageType.Awareness;
  readonly doc: string;
  readonly update: Uint8Array;
}
/** relay → client: a request about one document was refused; the connection stays open. */
export interface ErrorMessage {
  readonly type: typeof MessageType.Error;
  readonly doc: string;
  readonly code: ErrorCodeValue;
  readonly message: string;
}
/** client → relay: a heartbeat probe. */
export interface PingMessage {
  readonly type: typeof MessageType.Ping;
  readonly nonce: number;
}
/** relay → client: the answer to a Ping, with its nonce. */
export interface PongMessage {
  readonly type: typeof MessageType.Pong;
  readonly nonce: number;
}

/** One Yjs client id of a document and the user (token `sub`) it is bound to. */
export interface ClientBinding {
  readonly client: number;
  readonly user: string;
}
/** relay → client: bindings of a document's client ids to users, as the relay verified them. */
export interface BindingsMessage {
  readonly type: typeof MessageType.Bindings;
  readonly doc: string;
  readonly bindings: readonly ClientBinding[];
}
/** client → relay: the versions the relay keeps of a document; `id` pairs the reply. */
export interface HistoryRequestMessage {
  readonly type: typeof MessageType.HistoryRequest;
  readonly id: number;
  readonly doc: string;
}
/** One version of a document: when, who wrote since the one before, and (task documents) its content as JSON. */
export interface VersionEntry {
  readonly at: number;
  readonly by: readonly string[];
  /** JSON of the document's top-level types at that time (task documents), or '' (list documents: too large). */
  readonly content: string;
}
/** relay → client: the versions of `doc`, oldest first (none if the relay keeps no history of it). */
export interface HistoryReplyMessage {
  readonly type: typeof MessageType.HistoryReply;
  readonly id: number;
  readonly doc: string;
  readonly versions: readonly VersionEntry[];
}
/** client → relay: restore `doc` (a list: with its task documents) to `time`; with `only`, only that user's changes. */
export interface RestoreRequestMessage {
  readonly type: typeof MessageType.RestoreRequest;
  readonly id: number;
  readonly doc: string;
  readonly time: number;
  /** '' for everyone's changes. */
  readonly only: string;
}
/** relay → client: the restore is stored (and its updates forwarded), or why not (`error`, '' when done). */
export interface RestoreReplyMessage {
  readonly type: typeof MessageType.RestoreReply;
  readonly id: number;
  readonly doc: string;
  /** How many documents changed. */
  readonly changed: number;
  readonly error: string;
}

/** relay → client (`concord.v2`): a RestoreReply with the restore's updates, which the requester is not forwarded. */
export interface RestoreResultMessage extends Omit<RestoreReplyMessage, 'type'> {
  readonly type: typeof MessageType.RestoreResult;
  readonly updates: readonly UpdateBatchEntry[];
}

/** Every message a client sends. */
export type ClientMessage = SubscribeMessage | UnsubscribeMessage | UpdateMessage | AwarenessMessage | PingMessage | HistoryRequestMessage | RestoreRequestMessage;
/** Every message a relay sends. */
export type RelayMessage =
  | SyncReplyMessage
  | UpdateMessage
  | AckMessage
  | AwarenessMessage
  | ErrorMessage
  | PongMessage
  | HistoryReplyMessage
  | RestoreReplyMessage
  | BindingsMessage
  | UpdateBatchMessage
  | RestoreResultMessage;
/** Every concord.v1 message. */
export type Message = ClientMessage | RelayMessage;

/** Codes carried by an Error message: a refusal about one document; the connection stays open. */
export const ErrorCode = {
  /** The update could not be decoded by Yjs; it was not stored or forwarded. */
  MalformedUpdate: 1,
  /** The token is read-only for this document; the update was not stored or forwarded. */
  ReadOnly: 2,
  /** The token does not cover this document; nothing of it is sent. */
  Forbidden: 3,
  /** The update exceeds the relay's size limit. */
  TooLarge: 4,
  /** The relay could not persist the update (disk full, I/O error); it was not acknowledged or forwarded. Re-send later. */
  StorageFailed: 5,
  /** The document could not be loaded. */
  LoadFailed: 6,
  /** An Update or Awareness for a document the connection has not subscribed to; nothing stored or forwarded. */
  NotSubscribed: 7,
  /**
   * Yjs decodes the update but it would not apply (it would throw at every receiver); it was not stored or forwarded.
   * The message names the case.
   */
  CorruptUpdate: 8,
  /**
   * The update depends on updates the relay does not hold (a gap in a client's clocks, a reference or deletion past what
   * was written); it was held back and then refused (waited too long, or too many held): not stored or forwarded.
   */
  UnmetDependency: 9,
  /**
   * An awareness update over the relay's limits (a state larger than its size limit, or more live states from this
   * connection in the document than allowed): nothing of it was kept or forwarded. The message names the case.
   */
  AwarenessRefused: 10,
  /**
   * With authentication on: the update writes with a Yjs client id that belongs to another user (the first user who
   * wrote with it); not stored or forwarded.
   */
  ClientIdTaken: 11,
} as const;
/** One of the stable codes of `ErrorCode`. */
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * WebSocket close codes used by the relay. 4000–4999 are private-use codes (RFC 6455 §7.4.2); the last three digits echo
 * the nearest HTTP status so they read naturally in logs.
 */
export const CloseCode = {
  /** Normal closure (client or relay closed on purpose). */
  Normal: 1000,
  /** The relay is shutting down; reconnect (to this or another relay). */
  GoingAway: 1001,
  /** A frame that is not a valid message of the negotiated protocol. */
  MalformedFrame: 4400,
  /** No token, a bad signature or an expired token. */
  Unauthorized: 4401,
  /** The token does not cover a requested document. */
  Forbidden: 4403,
  /** No heartbeat within the deadline. */
  HeartbeatTimeout: 4408,
  /** A frame larger than the relay accepts. */
  FrameTooLarge: 4413,
  /** Stock endpoint, authentication on: an update that writes with a client id belonging to another user. */
  ClientIdTaken: 4409,
  /** An update that decodes but would not apply, or that depends on updates the relay lacks (stock endpoint). */
  UnprocessableUpdate: 4422,
  /** Too many messages per second from this connection. */
  RateLimited: 4429,
  /** The socket's send buffer grew past its bound: the client reads too slowly. */
  SlowConsumer: 4503,
  /** An unexpected relay failure while serving this connection. */
  InternalError: 4500,
} as const;
/** One of the WebSocket close codes of `CloseCode`. */
export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];

/** WebSocket subprotocol names, newest first. A client offers all it speaks; the relay picks the newest it speaks. */
export const PROTOCOL_V1 = 'concord.v1';
/** `concord.v1` plus the UpdateBatch and RestoreResult frames (relay → client): sent only to clients that offered this name. */
export const PROTOCOL_V2 = 'concord.v2';
/** The WebSocket subprotocols this version speaks, preferred first. */
export const SUPPORTED_PROTOCOLS: readonly string[] = [PROTOCOL_V2, PROTOCOL_V1];
/** Whether a negotiated subprotocol is one of the concord ones (every version shares the frames of `concord.v1`). */
export function isConcordProtocol(protocol: string): boolean {
  return protocol === PROTOCOL_V1 || protocol === PROTOCOL_V2;
}
