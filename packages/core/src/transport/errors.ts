import type { ErrorCodeValue } from '../protocol/messages.js';

/** Stable codes of `TransportError`. Never change a published code's meaning; branch on these, not on messages. */
export const TransportErrorCode = {
  /** The relay closed the connection with 4401: no token, a bad signature or an expired token. */
  Unauthorized: 'ERR_UNAUTHORIZED',
  /** The relay refused a document (Error message `Forbidden`) or the whole connection (close code 4403). */
  Forbidden: 'ERR_FORBIDDEN',
  /** The relay refused one of our updates (malformed, read-only token, too large, storage failure). */
  UpdateRefused: 'ERR_UPDATE_REFUSED',
  /** The relay could not load a document; it stays `syncing` until the next connection. */
  LoadFailed: 'ERR_LOAD_FAILED',
  /** An update (or awareness update) from the relay could not be applied; it was skipped. */
  RemoteUpdateRejected: 'ERR_REMOTE_UPDATE_REJECTED',
  /** A frame from the relay was not a valid `concord.v1` message; it was skipped. */
  MalformedFrame: 'ERR_MALFORMED_FRAME',
  /** The relay did not select the `concord.v1` subprotocol. */
  ProtocolMismatch: 'ERR_PROTOCOL_MISMATCH',
  /** The `token` function threw or rejected; the attempt is retried with backoff. */
  TokenFailed: 'ERR_TOKEN_FAILED',
  /** The relay closed the connection with a code that signals a fault (4400, 4413, 4429, 4500, 4503, …). */
  ConnectionClosed: 'ERR_CONNECTION_CLOSED',
} as const;
/** One of the stable codes of `TransportErrorCode`. */
export type TransportErrorCodeValue = (typeof TransportErrorCode)[keyof typeof TransportErrorCode];

/** What a `TransportError` is about, where it applies. */
export interface TransportErrorDetails {
  /** The document concerned, when the error is about one. */
  readonly doc?: string;
  /** The WebSocket close code, when the error comes from a close. */
  readonly closeCode?: number;
  /** The relay's `ErrorCode`, when the error comes from an Error message. */
  readonly relayCode?: ErrorCodeValue;
  readonly cause?: unknown;
}

/** Every error a transport emits through its `error` event. */
export class TransportError extends Error {
  readonly doc: string | undefined;
  readonly closeCode: number | undefined;
  readonly relayCode: ErrorCodeValue | undefined;

  constructor(
    readonly code: TransportErrorCodeValue,
    message: string,
    details: TransportErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'TransportError';
    this.doc = details.doc;
    this.closeCode = details.closeCode;
    this.relayCode = details.relayCode;
  }
}
