/**
 * @concord/relay: a Yjs WebSocket relay that makes every update durable (a write-ahead log, then LevelDB; or LevelDB
 * synced batches with `fsync`) before forwarding or acknowledging it.
 * Speaks the stock y-websocket protocol at `ws://HOST:PORT/<doc>` and the multiplexed `concord.v1` protocol
 * (subprotocol negotiation) on the same port.
 *
 * @example
 * ```ts
 * import { startRelay } from '@concord/relay';
 * const relay = await startRelay({ port: 0, dataDir: './data' });
 * console.log(relay.url); // ws://127.0.0.1:PORT
 * await relay.close();
 * ```
 * @packageDocumentation
 */
export { startRelay, type Relay, type RelayOptions } from './relay.js';
export { RELAY_DEFAULTS, RELAY_OPTIONS, type OptionName, type RelayDefaults } from './options.js';
export { RelayEngine, ENGINE_DEFAULTS, type RelayEngineEvents, type RelayEngineOptions } from './engine/relay-engine.js';
export type { MemberEngine, RoomMember, RoomView } from './engine/member.js';
export type { Replication } from './engine/replication.js';
export type { RedisReplicationOptions } from './cluster/redis-replication.js';
export type { RefusalReason, RelayMetrics } from './metrics/relay-metrics.js';
export type { SessionRefusal } from './sessions/wire-socket.js';
export { mergeUpdatesTree } from './engine/merge-tree.js';
export type {
  AppendEntry,
  CompactionResult,
  DocumentStorage,
  MergeUpdates,
  PickQuarantine,
  QuarantinedUpdate,
} from './storage/document-storage.js';
export { LevelDbStorage, type LevelDbStorageOptions } from './storage/leveldb-storage.js';
export type { Checkpoint } from './history/checkpoint.js';
export { HistoryService } from './history/history-service.js';
export { HistoryRecorder, type HistoryRecorderOptions } from './history/history-recorder.js';
export { MemoryStorage } from './storage/memory-storage.js';
export { ALLOW_ALL, type AccessMode, type DocumentAccess } from './auth/access.js';
export { createToken, verifyToken, TokenError, type CreateTokenOptions, type TokenClaims } from './auth/tokens.js';
export { HttpHost, type HttpHostOptions } from './host/http-host.js';
export type { ApiHandler } from './host/http-routes.js';
export { signWebhook, verifyWebhook, WEBHOOK_HEADERS } from './webhooks/signature.js';
export { pickProtocol, stockDocumentName } from './host/upgrade.js';
export { ConcordSession } from './sessions/concord-session.js';
export { StockSession } from './sessions/stock-session.js';
export type { Session, SessionContext, WireSocket } from './sessions/wire-socket.js';
export {
  RelayError,
  StorageError,
  StorageClosedError,
  MalformedUpdateError,
  CorruptUpdateError,
  UnmetDependencyError,
  ClientIdTakenError,
  AwarenessLimitRefusedError,
  MalformedAwarenessError,
  MalformedStateVectorError,
  NotSubscribedError,
  LoadFailedError,
  EngineClosedError,
  InvalidOptionError,
  DataDirectoryError,
  type RelayErrorCode,
} from './errors.js';
