import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { withDefaults } from './defaults.js';
import { ENGINE_DEFAULTS, RelayEngine } from './engine/relay-engine.js';
import { InvalidOptionError } from './errors.js';
import { HttpHost } from './host/http-host.js';
import type { DocumentStorage } from './storage/document-storage.js';
import { LevelDbStorage } from './storage/leveldb-storage.js';

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
  readonly idleUnloadMs?: number;
  readonly compactThreshold?: number;
  /** Largest WebSocket frame accepted; larger ones close the connection (1009). */
  readonly maxPayloadBytes?: number;
  readonly logger?: Logger;
}

export const RELAY_DEFAULTS = {
  host: '127.0.0.1',
  port: 1234,
  dataDir: './data',
  staticDir: null,
  fsync: false,
  maxPayloadBytes: 64 * 1024 * 1024,
  ...ENGINE_DEFAULTS,
} as const;

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

function validate(options: RelayOptions): void {
  const port = options.port ?? RELAY_DEFAULTS.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidOptionError(`invalid port ${String(options.port)}: expected 0-65535`);
  if (options.storage !== undefined && options.dataDir !== undefined) throw new TypeError('pass either storage or dataDir, not both');
  const max = options.maxPayloadBytes ?? RELAY_DEFAULTS.maxPayloadBytes;
  if (!Number.isInteger(max) || max < 1024) throw new InvalidOptionError('maxPayloadBytes must be an integer >= 1024');
}

/** Opens the storage, starts the engine and listens. Rejects with DataDirectoryError, InvalidOptionError or a listen error. */
export async function startRelay(options: RelayOptions = {}): Promise<Relay> {
  validate(options);
  const settings = withDefaults(RELAY_DEFAULTS, options);
  const logger = options.logger ?? pino({ level: 'silent' });
  const storage = options.storage ?? (await LevelDbStorage.open(settings.dataDir, { sync: settings.fsync }));
  const engine = new RelayEngine({ storage, logger, idleUnloadMs: settings.idleUnloadMs, compactThreshold: settings.compactThreshold });
  const host = new HttpHost({ engine, logger, staticDir: settings.staticDir, maxPayloadBytes: settings.maxPayloadBytes });
  try {
    await new Promise<void>((resolve, reject) => {
      host.server.once('error', reject);
      host.server.listen(settings.port, settings.host, () => {
        host.server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await storage.close();
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
        await engine.close();
        await storage.close();
        logger.info('relay closed');
      })()),
  };
}
