import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { FeedCommit, FeedMeta, FeedState, FeedStore, RecordStore, StoredEvent, StoredTask } from './feed-store.js';

/**
 * Stores the feed in Redis, shared by every relay of a cluster (`--redis`): one view and one numbering per list, so an
 * event id read from one relay resumes on any other. A commit applies only over the state it was derived from (a Lua
 * script compares the stored commit count, `version`, with the one the derivation started from), so two relays deriving the same list at
 * once never number two versions of the same changes: the one that loses reads the winner's view and derives again.
 * Each commit is announced on `<prefix>feed:commits` (the list id), so every relay's readers and webhooks see events
 * another relay derived. Webhooks stay in the relay's own records (`records`): each relay delivers its own.
 *
 * Keys: `<prefix>feed:lists` (a set), `<prefix>feed:m:<list>` (`FeedMeta` JSON), `<prefix>feed:t:<list>` (a hash,
 * task id → `StoredTask` JSON), `<prefix>feed:e:<list>` (a Redis list: event `seq` at index `seq - 1`).
 */
export class RedisFeedStore implements FeedStore {
  readonly shared = true;
  readonly #redis: Redis;
  readonly #subscriber: Redis;
  readonly #prefix: string;
  readonly #listeners = new Set<(list: string) => void>();
  readonly #logger: Logger;

  private constructor(
    url: string,
    prefix: string,
    readonly records: RecordStore,
    private readonly closeRecords: () => Promise<void>,
    logger: Logger,
  ) {
    this.#prefix = `${prefix}feed:`;
    this.#logger = logger;
    // A feed read or commit waits through a short Redis outage (two reconnect attempts), then fails: the request is
    // answered with an error and the derivation is made again on the next write or read, never half stored.
    this.#redis = new Redis(url, { connectionName: 'concord-feed', maxRetriesPerRequest: 2 });
    this.#subscriber = new Redis(url, { connectionName: 'concord-feed-sub', maxRetriesPerRequest: 2 });
    for (const connection of [this.#redis, this.#subscriber]) connection.on('error', (error: Error) => logger.debug({ err: error }, 'redis feed connection error'));
    this.#subscriber.on('message', (_channel: string, list: string) => {
      for (const listener of this.#listeners) listener(list);
    });
  }

  static open(options: { url: string; prefix: string; records: RecordStore; closeRecords: () => Promise<void>; logger: Logger }): RedisFeedStore {
    const store = new RedisFeedStore(options.url, options.prefix, options.records, options.closeRecords, options.logger);
    // Not awaited: the relay serves while Redis is away (as its replication does); ioredis subscribes on connecting.
    store.#subscriber.subscribe(`${store.#prefix}commits`).catch((error: unknown) => options.logger.warn({ err: error }, 'redis feed: cannot subscribe to commits'));
    return store;
  }

  /** The lists with a feed; empty (and a warning) when Redis does not answer within 5 s, as at a start without it. */
  async lists(): Promise<string[]> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), 5_000)));
    const found = await Promise.race([this.#redis.smembers(`${this.#prefix}lists`), late]).finally(() => clearTimeout(timer));
    if (found === null) this.#logger.warn('redis feed: no answer from Redis; lists are derived once read');
    return (found ?? []).sort();
  }

  async version(list: string): Promise<number> {
    const meta = await this.#redis.get(this.#key('m', list));
    return meta === null ? 0 : ((JSON.parse(meta) as FeedMeta).version ?? 0);
  }

  async load(list: string): Promise<FeedState | null> {
    const [meta, tasks] = await Promise.all([this.#redis.get(this.#key('m', list)), this.#redis.hgetall(this.#key('t', list))]);
    if (meta === null) return null;
    return { meta: JSON.parse(meta) as FeedMeta, tasks: new Map(Object.entries(tasks).map(([id, text]) => [id, JSON.parse(text) as StoredTask])) };
  }

  async commit(list: string, { meta, tasks, removed, events }: FeedCommit, expectedVersion: number): Promise<boolean> {
    const applied = await this.#redis.eval(
      COMMIT_SCRIPT,
      4,
      this.#key('m', list),
      this.#key('t', list),
      this.#key('e', list),
      `${this.#prefix}lists`,
      String(expectedVersion),
      list,
      JSON.stringify(meta),
      JSON.stringify([...tasks].map(([id, task]) => [id, JSON.stringify(task)])),
      JSON.stringify(removed),
      JSON.stringify(events.map((event) => JSON.stringify(event))),
      `${this.#prefix}commits`,
    );
    return applied === 1;
  }

  async events(list: string, after: number, limit: number): Promise<StoredEvent[]> {
    const found = await this.#redis.lrange(this.#key('e', list), after, after + limit - 1);
    return found.map((text) => JSON.parse(text) as StoredEvent);
  }

  onCommit(listener: (list: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    // Nothing is in flight (the feeds closed first): disconnect, which unlike QUIT does not wait for an absent Redis.
    this.#subscriber.disconnect();
    this.#redis.disconnect();
    await this.closeRecords();
  }

  #key(kind: 'm' | 't' | 'e', list: string): string {
    return `${this.#prefix}${kind}:${list}`;
  }
}

// KEYS: meta, tasks, events, lists. ARGV: expected version, list, meta JSON, [[task, StoredTask JSON]…], [removed…],
// [event JSON…], channel. Applies nothing unless the stored version is the expected one; answers 1 when applied. The
// events list then holds exactly `seq` events, so the new ones land at their numbers.
const COMMIT_SCRIPT = `
local current = 0
local meta = redis.call('GET', KEYS[1])
if meta then current = cjson.decode(meta).version or 0 end
if current ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[3])
for _, pair in ipairs(cjson.decode(ARGV[4])) do redis.call('HSET', KEYS[2], pair[1], pair[2]) end
for _, id in ipairs(cjson.decode(ARGV[5])) do redis.call('HDEL', KEYS[2], id) end
for _, event in ipairs(cjson.decode(ARGV[6])) do redis.call('RPUSH', KEYS[3], event) end
redis.call('SADD', KEYS[4], ARGV[2])
redis.call('PUBLISH', ARGV[7], ARGV[2])
return 1
`;
