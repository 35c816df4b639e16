// Over 300 lines: one job, the Redis side of the engine's Replication contract. Its two connections and their
// reconnects, the per-document channels and the catch-up exchange all read the same state (the documents loaded
// here, the requests in flight), which a split would have to pass around.
import { randomUUID } from 'node:crypto';
import { isEmptyUpdate } from '@concord/core/protocol';
import { Redis, type RedisOptions } from 'ioredis';
import { pino, type Logger } from 'pino';
import * as Y from 'yjs';
import { withDefaults } from '../defaults.js';
import type { RelayEngine } from '../engine/relay-engine.js';
import { EMPTY_STATE_VECTOR, mergeUpdatesTree } from '../engine/merge-tree.js';
import { InvalidOptionError } from '../errors.js';
import { bringsNews, deleteSetOf } from './delete-set.js';
import { ClusterMessageType, decodeClusterMessage, encodeClusterMessage, type ClusterMessage, type SyncAnswer } from './messages.js';
import type { Replication } from '../engine/replication.js';

/** How relays sharing documents reach each other through Redis. */
export interface RedisReplicationOptions {
  /** `redis://HOST:PORT` (or `rediss://`), optionally with a database and credentials. */
  readonly url: string;
  readonly logger?: Logger;
  /**
   * How long a relay loading a document waits for its peers' catch-up answers. It normally waits exactly for every
   * peer subscribed (Redis says how many received the request), so this only bounds a hung peer.
   */
  readonly catchUpTimeoutMs?: number;
  /** Prefix of every channel, to let several clusters share one Redis. */
  readonly channelPrefix?: string;
  /** How long `start()` waits for Redis before the relay serves without it (it keeps reconnecting). */
  readonly connectTimeoutMs?: number;
  /** Longest pause between reconnect attempts. */
  readonly maxReconnectDelayMs?: number;
}

export const REDIS_REPLICATION_DEFAULTS = {
  catchUpTimeoutMs: 1_000,
  channelPrefix: 'concord:',
  connectTimeoutMs: 5_000,
  maxReconnectDelayMs: 1_000,
} as const;

type EngineLink = Pick<RelayEngine, 'applyPeerUpdate' | 'applyPeerAwareness' | 'durableDiff' | 'on'>;

interface PendingRequest {
  readonly doc: string;
  readonly answers: SyncAnswer[];
  expected: number;
  readonly finish: () => void;
}

/**
 * Shares the documents of relays that use the same Redis.
 *
 * Channels (binary messages, see messages.ts):
 * - `<prefix>doc:<doc>`, one per document, subscribed while the document is loaded: live updates (already durable on
 *   their origin) and awareness. Redis filters: a relay receives traffic only for the documents it has loaded.
 * - `<prefix>sync`, cluster-wide: catch-up requests; every relay answers, loaded or not (read from its storage).
 * - `<prefix>reply:<relayId>`: the answers to this relay's requests.
 */
export class RedisReplication implements Replication {
  readonly relayId = randomUUID();
  readonly #options: ReturnType<typeof withDefaults<typeof REDIS_REPLICATION_DEFAULTS, RedisReplicationOptions>>;
  readonly #logger: Logger;
  readonly #pub: Redis;
  readonly #sub: Redis;
  #engine: EngineLink | null = null;
  /** Documents loaded or loading here: their channels are (re)subscribed on every connection. */
  readonly #docs = new Set<string>();
  /** Peer messages of documents still loading, applied once the room is ready. */
  readonly #buffers = new Map<string, ClusterMessage[]>();
  readonly #requests = new Map<number, PendingRequest>();
  readonly #inFlight = new Set<Promise<unknown>>();
  #nextRequestId = 1;
  #subscribed = false;
  #closed = false;

  constructor(options: RedisReplicationOptions) {
    this.#options = withDefaults(REDIS_REPLICATION_DEFAULTS, options);
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new InvalidOptionError(`invalid Redis URL "${options.url}": expected redis://HOST:PORT`);
    }
    if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
      throw new InvalidOptionError(`invalid Redis URL "${options.url}": expected redis://HOST:PORT`);
    }
    if (!(this.#options.catchUpTimeoutMs >= 0)) throw new InvalidOptionError('catchUpTimeoutMs must be a number >= 0');
    this.#logger = (options.logger ?? pino({ level: 'silent' })).child({ relayId: this.relayId });
    const maxDelay = this.#options.maxReconnectDelayMs;
    const common: RedisOptions = {
      lazyConnect: true,
      // Nothing queues while Redis is away: live publishes fail fast, and the catch-up on reconnect covers them.
      enableOfflineQueue: false,
      autoResubscribe: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => Math.min(times * 50, maxDelay),
    };
    this.#pub = new Redis(options.url, { ...common, connectionName: `concord-pub-${this.relayId}` });
    this.#sub = new Redis(options.url, { ...common, connectionName: `concord-sub-${this.relayId}` });
    for (const [name, connection] of [['pub', this.#pub], ['sub', this.#sub]] as const) {
      connection.on('error', (error: Error) => this.#logger.debug({ err: error, connection: name }, 'redis connection error'));
      connection.on('ready', () => this.#onReady());
      connection.on('close', () => {
        if (name === 'sub') this.#subscribed = false;
        if (!this.#closed) this.#logger.warn({ connection: name }, 'redis connection lost; reconnecting');
      });
    }
    this.#sub.on('messageBuffer', (_channel: Buffer, message: Buffer) => this.#onMessage(message));
  }

  /** Whether both connections are up and the cluster channels subscribed. */
  get connected(): boolean {
    return this.#subscribed && this.#pub.status === 'ready';
  }

  /** Binds the engine whose documents this replicates. Call once, before `start()`. */
  bind(engine: EngineLink): void {
    this.#engine = engine;
    engine.on('roomLoaded', (doc) => this.#flushBuffer(doc));
    engine.on('roomUnloaded', (doc) => {
      this.#docs.delete(doc);
      this.#buffers.delete(doc);
      if (this.#subscribed) this.#sub.unsubscribe(this.#docChannel(doc)).catch(() => undefined);
    });
  }

  /** Connects; resolves once subscribed, or after `connectTimeoutMs` (the relay then serves alone and keeps retrying). */
  async start(): Promise<void> {
    this.#pub.connect().catch(() => undefined);
    this.#sub.connect().catch(() => undefined);
    const deadline = Date.now() + this.#options.connectTimeoutMs;
    while (!this.connected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    if (!this.connected) this.#logger.warn({ url: this.#options.url }, 'redis not reachable yet: serving from local storage, retrying');
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const request of this.#requests.values()) request.finish();
    await Promise.allSettled([...this.#inFlight]);
    await Promise.allSettled([this.#pub, this.#sub].filter((connection) => connection.status === 'ready').map((connection) => connection.quit()));
    this.#pub.disconnect();
    this.#sub.disconnect();
  }

  async catchUp(doc: string, stored: readonly Uint8Array[]): Promise<Uint8Array[]> {
    this.#docs.add(doc);
    this.#buffers.set(doc, []);
    if (!this.connected || this.#closed) return []; // served from local storage; the exchange runs on reconnect
    try {
      await this.#sub.subscribe(this.#docChannel(doc)); // before asking, so nothing published after the answers is missed
    } catch (error) {
      this.#logger.warn({ err: error, doc }, 'redis subscribe failed: serving from local storage');
      return [];
    }
    const merged = mergeUpdatesTree(stored);
    const answers = await this.#exchange(doc, Y.encodeStateVectorFromUpdate(merged));
    const known = deleteSetOf(merged);
    const news = answers.map((answer) => answer.update).filter((update) => !isEmptyUpdate(update) && bringsNews(update, known));
    this.#pushBack(doc, merged, answers);
    return news.length <= 1 ? news : [mergeUpdatesTree(news)];
  }

  publishUpdate(doc: string, update: Uint8Array): void {
    this.#publish(this.#docChannel(doc), { type: ClusterMessageType.Update, origin: this.relayId, doc, update });
  }

  publishAwareness(doc: string, update: Uint8Array): void {
    this.#publish(this.#docChannel(doc), { type: ClusterMessageType.Awareness, origin: this.relayId, doc, update });
  }

  #publish(channel: string, message: ClusterMessage): void {
    if (this.#pub.status !== 'ready' || this.#closed) return; // the catch-up on reconnect covers it
    this.#pub.publish(channel, Buffer.from(encodeClusterMessage(message))).catch((error: unknown) => {
      this.#logger.debug({ err: error, channel }, 'redis publish failed');
    });
  }

  #onReady(): void {
    if (this.#closed || this.#pub.status !== 'ready' || this.#sub.status !== 'ready') return;
    void this.#track(this.#resync()); // concurrent runs (a quick second reconnect) only repeat idempotent work
  }

  /** (Re)subscribes every channel and re-runs the state-vector exchange for every document loaded here. */
  async #resync(): Promise<void> {
    try {
      const channels = [this.#requestChannel(), this.#replyChannel(this.relayId), ...[...this.#docs].map((doc) => this.#docChannel(doc))];
      await this.#sub.subscribe(...channels);
      this.#subscribed = true;
      this.#logger.info({ documents: this.#docs.size }, 'redis connected: subscribed, catching up loaded documents');
    } catch (error) {
      this.#logger.warn({ err: error }, 'redis subscribe failed');
      return;
    }
    await Promise.all([...this.#docs].map((doc) => this.#track(this.#resyncDocument(doc))));
  }

  async #resyncDocument(doc: string): Promise<void> {
    const engine = this.#engine;
    if (engine === null) return;
    try {
      // The empty state vector makes a loaded room answer with its cached merged update: no diff computed.
      const own = await engine.durableDiff(doc, EMPTY_STATE_VECTOR);
      const answers = await this.#exchange(doc, own.stateVector);
      const known = deleteSetOf(own.update);
      for (const answer of answers) {
        if (!isEmptyUpdate(answer.update) && bringsNews(answer.update, known)) this.#applyUpdate(doc, answer.update);
      }
      this.#pushBack(doc, own.update, answers);
    } catch (error) {
      this.#logger.warn({ err: error, doc }, 'catch-up after reconnect failed');
    }
  }

  /** Publishes a request with our state vector; resolves with the answers of every peer, or those in by the deadline. */
  #exchange(doc: string, stateVector: Uint8Array): Promise<SyncAnswer[]> {
    if (!this.connected || this.#closed) return Promise.resolve([]);
    const requestId = this.#nextRequestId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (request.answers.length < request.expected) {
          this.#logger.warn({ doc, answers: request.answers.length, expected: request.expected }, 'catch-up: peers slow to answer, serving what arrived');
        }
        request.finish();
      }, this.#options.catchUpTimeoutMs);
      const request: PendingRequest = {
        doc,
        answers: [],
        expected: Number.POSITIVE_INFINITY,
        finish: () => {
          clearTimeout(timer);
          this.#requests.delete(requestId);
          resolve(request.answers);
        },
      };
      this.#requests.set(requestId, request);
      const message = encodeClusterMessage({ type: ClusterMessageType.SyncRequest, origin: this.relayId, requestId, doc, stateVector });
      this.#pub.publish(this.#requestChannel(), Buffer.from(message)).then(
        (receivers) => {
          request.expected = Math.max(0, receivers - 1); // every subscriber of the request channel but ourselves
          if (request.answers.length >= request.expected) request.finish();
        },
        () => request.finish(),
      );
    });
  }

  /** Publishes to the document's channel what loaded peers lack of our durable copy (pull-only would leave them behind). */
  #pushBack(doc: string, merged: Uint8Array, answers: readonly SyncAnswer[]): void {
    const sent: Uint8Array[] = [];
    for (const answer of answers) {
      if (!answer.loaded) continue; // a peer without the document pulls on its next load
      const missing = Y.diffUpdate(merged, answer.stateVector);
      if (isEmptyUpdate(missing) || !bringsNews(missing, deleteSetOf(answer.update))) continue;
      if (sent.some((update) => Buffer.compare(update, missing) === 0)) continue;
      sent.push(missing);
      this.publishUpdate(doc, missing);
    }
  }

  #onMessage(raw: Buffer): void {
    const message = decodeClusterMessage(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
    if (message === null) {
      this.#logger.debug('ignored an unreadable cluster message');
      return;
    }
    if (message.origin === this.relayId || this.#closed) return; // our own publish, echoed back by Redis
    switch (message.type) {
      case ClusterMessageType.Update:
        this.#applyUpdate(message.doc, message.update);
        break;
      case ClusterMessageType.Awareness: {
        const buffer = this.#buffers.get(message.doc);
        if (buffer !== undefined) buffer.push(message);
        else this.#engine?.applyPeerAwareness(message.doc, message.update);
        break;
      }
      case ClusterMessageType.SyncRequest:
        void this.#track(this.#answer(message.origin, message.requestId, message.doc, message.stateVector));
        break;
      case ClusterMessageType.SyncAnswer: {
        const request = this.#requests.get(message.requestId);
        if (request?.doc === message.doc) {
          request.answers.push(message);
          if (request.answers.length >= request.expected) request.finish();
        } else if (!isEmptyUpdate(message.update) && this.#docs.has(message.doc)) {
          this.#applyUpdate(message.doc, message.update); // a late answer: persisted and forwarded like a live update
        }
        break;
      }
    }
  }

  /** Persist-then-forward through the engine; buffered while the document is still loading. */
  #applyUpdate(doc: string, update: Uint8Array): void {
    const buffer = this.#buffers.get(doc);
    if (buffer !== undefined) {
      buffer.push({ type: ClusterMessageType.Update, origin: '', doc, update });
      return;
    }
    const engine = this.#engine;
    if (engine === null) return;
    void this.#track(
      engine.applyPeerUpdate(doc, update).catch((error: unknown) => {
        // Not stored, so not forwarded: the next catch-up (reload or reconnect) fetches it again.
        this.#logger.error({ err: error, doc }, 'could not persist a peer update');
      }),
    );
  }

  #flushBuffer(doc: string): void {
    const buffer = this.#buffers.get(doc);
    this.#buffers.delete(doc);
    for (const message of buffer ?? []) {
      if (message.type === ClusterMessageType.Update) this.#applyUpdate(doc, message.update);
      else if (message.type === ClusterMessageType.Awareness) this.#engine?.applyPeerAwareness(doc, message.update);
    }
  }

  async #answer(origin: string, requestId: number, doc: string, stateVector: Uint8Array): Promise<void> {
    const engine = this.#engine;
    if (engine === null) return;
    try {
      const { update, stateVector: ours, loaded } = await engine.durableDiff(doc, stateVector);
      const answer: SyncAnswer = { type: ClusterMessageType.SyncAnswer, origin: this.relayId, requestId, doc, loaded, update, stateVector: ours };
      this.#publish(this.#replyChannel(origin), answer);
    } catch (error) {
      this.#logger.warn({ err: error, doc }, 'could not answer a catch-up request');
    }
  }

  #track<T>(work: Promise<T>): Promise<T> {
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  #docChannel(doc: string): string {
    return `${this.#options.channelPrefix}doc:${doc}`;
  }

  #requestChannel(): string {
    return `${this.#options.channelPrefix}sync`;
  }

  #replyChannel(relayId: string): string {
    return `${this.#options.channelPrefix}reply:${relayId}`;
  }
}
