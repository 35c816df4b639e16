import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { withDefaults } from './defaults.js';
import { RelayEngine } from './engine/relay-engine.js';
import { HistoryRecorder } from './history/history-recorder.js';
import { HistoryService } from './history/history-service.js';
import { InvalidOptionError } from './errors.js';
import { HttpHost } from './host/http-host.js';
import type { DocumentStorage } from './storage/document-storage.js';
import { openRelayStorage } from './storage/relay-storage.js';
import { InstrumentedStorage } from './storage/instrumented-storage.js';
import { RelayMetrics } from './metrics/relay-metrics.js';
import { observeEngine, storageObserver } from './metrics/observe-engine.js';
import { controlSocketPath } from './control/control-protocol.js';
import type { RedisReplicationOptions } from './cluster/redis-replication.js';
import { checkOptions, RELAY_DEFAULTS } from './options.js';
import { openFeedStore, startApi } from './api/start-api.js';

export { RELAY_DEFAULTS };

/** Defaults and accepted values: `RELAY_OPTIONS` in options.ts. */
export interface RelayOptions {
  /** Interface to listen on. */
  readonly host?: string;
  /** TCP port; 0 picks a free one (read it from `Relay.port`). */
  readonly port?: number;
  /** LevelDB directory, created if missing. Ignored when `storage` is given. */
  readonly dataDir?: string;
  /** A storage to use instead of LevelDB in `dataDir` (e.g. MemoryStorage). The relay closes it on close(). */
  readonly storage?: DocumentStorage;
  /** Folder served over HTTP (the demo's build); null serves nothing but /healthz. */
  readonly staticDir?: string | null;
  /** fsync every LevelDB write (see LevelDbStorageOptions.sync). */
  readonly fsync?: boolean;
  /** Unload a document from memory once it has had no subscriber and no write for this long (ms). */
  readonly idleUnloadMs?: number;
  /** Compact a document's stored log once this many updates were stored since its last compaction. */
  readonly compactThreshold?: number;
  /** Compact a document's stored log once the bytes stored since its last compaction exceed this (with `compactThreshold`, whichever first). */
  readonly compactBytes?: number;
  /** Largest WebSocket message accepted; a larger one closes the connection with 4413. */
  readonly maxPayloadBytes?: number;
  /** HS256 secret: when set, every connection must present a token (`?token=`, see README). */
  readonly authSecret?: string | null;
  /** Per-connection inbound messages per second (token bucket refill); 0 disables the limit. Over it, reads from that socket pause until the bucket refills. */
  readonly rateLimitPerSecond?: number;
  /** Token bucket size: messages a connection may send at once. */
  readonly rateLimitBurst?: number;
  /** Close a connection with 4503 once its send buffer exceeds this many bytes (a slow consumer). */
  readonly maxBufferedBytes?: number;
  /** WebSocket ping period; a socket that did not answer the previous ping is terminated. 0 disables. */
  readonly heartbeatMs?: number;
  /** Largest awareness state accepted (UTF-8 bytes of its JSON); a larger one is refused, never forwarded. */
  readonly maxAwarenessBytes?: number;
  /** Live awareness states one connection may introduce into one document; more are refused. */
  readonly maxAwarenessStates?: number;
  /** Hosts (`host` or `host:port`, comma-separated) webhooks may be delivered to; null: none. */
  readonly webhookAllow?: string | null;
  /** Delay before a failed webhook delivery is retried, doubling each time up to 5 minutes (ms). */
  readonly webhookRetryMs?: number;
  /** Largest HTTP API request body in bytes; a larger one is answered 413. */
  readonly apiMaxBodyBytes?: number;
  /** Serve Prometheus metrics at `GET /metrics`. */
  readonly metrics?: boolean;
  readonly logger?: Logger;
  /** `redis://HOST:PORT`: share loaded documents with the other relays using this Redis (README, "Several relays"). */
  readonly redis?: string | null;
  /** Tuning of the Redis replication (catch-up deadline, channel prefix, reconnect delays). */
  readonly redisOptions?: Omit<RedisReplicationOptions, 'url' | 'logger'>;
}


/** A running relay, as `startRelay` returns it. */
export interface Relay {
  readonly host: string;
  /** The actual port (useful with port 0). */
  readonly port: number;
  /** `ws://HOST:PORT` */
  readonly url: string;
  readonly engine: RelayEngine;
  /** Stops accepting, closes sockets with 1001, completes pending writes, closes the storage. Idempotent. */
  close(): Promise<void>;
}

/** Opens the storage, starts the engine and listens. Rejects with DataDirectoryError, InvalidOptionError or a listen error. */
export async function startRelay(options: RelayOptions = {}): Promise<Relay> {
  checkOptions(options);
  if (options.storage !== undefined && options.dataDir !== undefined) throw new InvalidOptionError('pass either storage or dataDir, not both');
  const settings = withDefaults(RELAY_DEFAULTS, options);
  const logger = options.logger ?? pino({ level: 'silent' });
  // Loaded only for a relay that shares documents: loading the Redis client took about 45 ms and 2.4 MB of heap, an
  // eighth of a relay's start.
  const redis = options.redis ? { url: options.redis, cluster: await import('./cluster/redis-replication.js') } : null;
  const replication = redis === null ? undefined : new redis.cluster.RedisReplication({ ...options.redisOptions, url: redis.url, logger });
  const metrics = settings.metrics ? new RelayMetrics() : null;
  const opened = options.storage ?? (await openRelayStorage(settings.dataDir, { fsync: settings.fsync }));
  const storage = metrics === null ? opened : new InstrumentedStorage(opened, storageObserver(metrics));
  const engine = new RelayEngine({
    storage,
    logger,
    idleUnloadMs: settings.idleUnloadMs,
    compactThreshold: settings.compactThreshold,
    compactBytes: settings.compactBytes,
    maxAwarenessBytes: settings.maxAwarenessBytes,
    maxAwarenessStates: settings.maxAwarenessStates,
    replication,
  });
  if (metrics !== null) observeEngine(engine, metrics);
  const history = new HistoryRecorder(engine, { storage, logger });
  const historyService = new HistoryService(engine, storage, history);
  replication?.bind(engine);
  await replication?.start();
  const rateLimit = settings.rateLimitPerSecond > 0 ? { perSecond: settings.rateLimitPerSecond, burst: settings.rateLimitBurst } : null;
  const sharedFeed =
    redis === null ? null : { url: redis.url, prefix: options.redisOptions?.channelPrefix ?? redis.cluster.REDIS_REPLICATION_DEFAULTS.channelPrefix, logger };
  const feedStore = await openFeedStore(options.storage === undefined ? settings.dataDir : null, settings.fsync, sharedFeed);
  const api = await startApi({
    engine,
    storage,
    store: feedStore,
    logger,
    authSecret: settings.authSecret,
    rateLimit,
    maxBodyBytes: settings.apiMaxBodyBytes,
    idleMs: settings.idleUnloadMs,
    webhookAllow: (settings.webhookAllow ?? '').split(',').map((host) => host.trim()).filter(Boolean),
    webhookRetryMs: settings.webhookRetryMs,
    shared: replication !== undefined,
    controlSocket: options.storage === undefined ? controlSocketPath(settings.dataDir) : null,
  });
  const host = new HttpHost({
    engine,
    history: historyService,
    logger,
    staticDir: settings.staticDir,
    maxPayloadBytes: settings.maxPayloadBytes,
    authSecret: settings.authSecret,
    rateLimit,
    maxBufferedBytes: settings.maxBufferedBytes,
    heartbeatMs: settings.heartbeatMs,
    metrics,
    api: api.handler,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      host.server.once('error', reject);
      host.server.listen(settings.port, settings.host, () => {
        host.server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await api.close();
    await feedStore.close();
    await replication?.close();
    await history.close();
    await storage.close();
    metrics?.close();
    throw error;
  }
  const address = host.server.address() as AddressInfo;
  let closing: Promise<void> | null = null;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    host: address.address,
    port: address.port,
    url: `ws://${urlHost}:${address.port}`,
    engine,
    close: () =>
      (closing ??= (async () => {
        await host.close();
        await replication?.close(); // before the storage: it answers peers from it
        await engine.close();
        await api.close();
        await feedStore.close();
        await history.close(); // after the engine's last writes and unloads, before the storage
        await storage.close();
        metrics?.close();
        logger.info('relay closed');
      })()),
  };
}
