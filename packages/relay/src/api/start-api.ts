import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { RelayEngine } from '../engine/relay-engine.js';
import { DocumentReader, roomSource } from '../feed/document-reader.js';
import { MemoryRecordStore, RecordFeedStore, type FeedStore, type RecordStore } from '../feed/feed-store.js';
import { LevelDbRecordStore } from '../feed/leveldb-records.js';
import { ListFeeds } from '../feed/list-feeds.js';
import type { DocumentStorage } from '../storage/document-storage.js';
import type { ApiHandler } from '../host/http-routes.js';
import { apiRoutes } from './api-routes.js';
import { ListWriter } from './list-writer.js';
import { WebhookDispatcher } from '../webhooks/dispatcher.js';
import { WebhookStore } from '../webhooks/webhook-store.js';
import { runWebhookOperation, WebhookOperationError } from '../webhooks/webhook-admin.js';
import { ControlRefusal, serveControl } from '../control/control-server.js';

export interface RelayApi {
  readonly handler: ApiHandler;
  readonly feeds: ListFeeds;
  readonly store: FeedStore;
  close(): Promise<void>;
}

/**
 * The feed's database: `feed/` in the data directory, or memory for a relay given a storage instead. With `redis`
 * (relays sharing documents), the feed itself is in Redis, shared by the relays, and only the webhooks stay local.
 */
export async function openFeedStore(dataDir: string | null, fsync: boolean, redis: { url: string; prefix: string; logger: Logger } | null = null): Promise<FeedStore> {
  let records: RecordStore = new MemoryRecordStore();
  let closeRecords = (): Promise<void> => Promise.resolve();
  if (dataDir !== null) {
    const leveldb = await LevelDbRecordStore.open(join(dataDir, 'feed'), { sync: fsync });
    records = leveldb;
    closeRecords = () => leveldb.close();
  }
  if (redis !== null) {
    const { RedisFeedStore } = await import('../feed/redis-feed-store.js');
    return RedisFeedStore.open({ ...redis, records, closeRecords });
  }
  return new RecordFeedStore(records, closeRecords);
}

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Builds the HTTP API, the change feed and the webhooks' delivery over a running engine. */
export async function startApi(options: {
  readonly engine: RelayEngine;
  readonly storage: DocumentStorage;
  readonly store: FeedStore;
  readonly logger: Logger;
  readonly authSecret: string | null;
  readonly rateLimit: { readonly perSecond: number; readonly burst: number } | null;
  readonly maxBodyBytes: number;
  readonly idleMs: number;
  readonly webhookAllow: readonly string[];
  readonly webhookRetryMs: number;
  /** Other relays share the documents (`--redis`). */
  readonly shared: boolean;
  /** Where to serve the control socket the `webhooks` commands use while the relay runs; null: none. */
  readonly controlSocket: string | null;
}): Promise<RelayApi> {
  const { engine, storage, store, logger } = options;
  const feeds = await ListFeeds.open({
    reader: new DocumentReader(options.shared ? roomSource(engine) : engine, storage),
    verifyEachRead: options.shared,
    store,
    logger,
    idleMs: options.idleMs,
    onDurable: (listener) => {
      const persisted = (doc: string): void => listener(doc);
      engine.on('updatePersisted', persisted);
      return () => engine.off('updatePersisted', persisted);
    },
  });
  const handler = apiRoutes({
    feeds,
    writer: new ListWriter(engine, async (list, task) => {
      const state = (await feeds.settle(list)).tasks.get(task);
      return state === undefined || state.order === null ? undefined : { deleted: state.deleted };
    }),
    logger,
    authSecret: options.authSecret,
    rateLimit: options.rateLimit,
    maxBodyBytes: options.maxBodyBytes,
    version: VERSION,
  });
  const hooks = new WebhookStore(store.records);
  const webhooks = new WebhookDispatcher({ hooks, feeds, store, logger, allow: options.webhookAllow, retryMs: options.webhookRetryMs });
  await webhooks.start();
  const live = { added: (hook: Parameters<WebhookDispatcher['add']>[0]) => webhooks.add(hook), removing: (id: string) => webhooks.remove(id) };
  const control =
    options.controlSocket === null
      ? null
      : await serveControl(
          options.controlSocket,
          (request) =>
            runWebhookOperation(hooks, request, live).catch((error: unknown) => {
              throw error instanceof WebhookOperationError ? new ControlRefusal(error.code, error.message) : error;
            }),
          logger,
        );
  return {
    handler,
    feeds,
    store,
    close: async () => {
      await control?.close();
      await webhooks.close();
      await feeds.close();
    },
  };
}
