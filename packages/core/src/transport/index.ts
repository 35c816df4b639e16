/**
 * Client transports: how documents travel between this client and a relay.
 * @packageDocumentation
 */
export type { ConnectionState, DocumentSyncState, RestoreOptions, SyncStatus, SyncDocument, Transport, TransportEvents } from './transport.js';
export { RelayOrigin } from './relay-origin.js';
export { WebSocketTransport } from './websocket-transport.js';
export {
  DEFAULT_TRANSPORT_OPTIONS,
  type WebSocketTransportOptions,
  type WebSocketLike,
  type WebSocketConstructor,
  type ConnectivitySource,
  type TokenSource,
} from './options.js';
export { TransportError, TransportErrorCode, type TransportErrorCodeValue, type TransportErrorDetails } from './errors.js';
