import type { Logger } from 'pino';
import type { DocumentAccess } from '../auth/access.js';
import type { RelayEngine } from '../engine/relay-engine.js';
import type { RefusalReason } from '../metrics/relay-metrics.js';

/**
 * The least a session needs from a WebSocket: the host adapts `ws`, tests pass fakes. `send` must not throw when the
 * socket is already closing (the host's adapter drops the frame).
 */
export interface WireSocket {
  send(data: Uint8Array): void;
  close(code: number, reason: string): void;
}

/** A protocol session over one socket: the host feeds it frames and tells it when the socket closed. */
export interface Session {
  handleMessage(data: Uint8Array): void;
  handleClose(): void;
}

export interface SessionContext {
  readonly engine: RelayEngine;
  readonly logger: Logger;
  readonly access: DocumentAccess;
  /** A refusal that does not close the connection (read-only write, forbidden document, storage failure): for metrics. */
  readonly onRefused?: (reason: RefusalReason) => void;
}
