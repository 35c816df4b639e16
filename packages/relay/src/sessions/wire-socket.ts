import type { Logger } from 'pino';
import type { DocumentAccess } from '../auth/access.js';
import type { MemberEngine } from '../engine/member.js';
import type { HistoryService } from '../history/history-service.js';

/**
 * The least a session needs from a WebSocket: the host adapts `ws`, tests pass fakes. `send` must not throw when the
 * socket is already closing (the host's adapter drops the frame).
 */
export interface WireSocket {
  /** Queues one binary frame. */
  send(data: Uint8Array): void;
  /**
   * Queues a frame that goes unchanged to many sockets (a forwarded update): the socket may keep what it derives from
   * the bytes (their encoding on the wire) for the other sockets, as long as the frame lives. Without it, `send`.
   */
  sendShared?(frame: Uint8Array): void;
  /**
   * Queues several such frames to leave in one write to the network; the same list may go to many sockets, which may
   * keep what they derive from it as `sendShared` does. Without it, `sendShared` or `send` each.
   */
  sendAll?(frames: readonly Uint8Array[]): void;
  /** Closes the socket with a WebSocket close code and reason. */
  close(code: number, reason: string): void;
}

/** A protocol session over one socket: the host feeds it frames and tells it when the socket closed. */
export interface Session {
  /** Handles one inbound binary frame. */
  handleMessage(data: Uint8Array): void;
  /** The socket closed: leave every room and release what the session holds. */
  handleClose(): void;
}

/** Refusals a session reports without closing the connection (the metrics count them by this name). */
export type SessionRefusal = 'forbidden' | 'read_only' | 'not_subscribed' | 'storage_failed';

/** What a session needs from its host: the engine, a logger and the connection's access. */
export interface SessionContext {
  readonly engine: MemberEngine;
  readonly logger: Logger;
  readonly access: DocumentAccess;
  /** Serves HistoryRequest and RestoreRequest; without it they are answered with an error. */
  readonly history?: HistoryService;
  /** A refusal that does not close the connection (read-only write, forbidden document, storage failure): for metrics. */
  readonly onRefused?: (reason: SessionRefusal) => void;
}
