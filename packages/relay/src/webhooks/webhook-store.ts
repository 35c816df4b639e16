import { randomBytes } from 'node:crypto';
import type { RecordStore } from '../feed/feed-store.js';

/** A webhook: the change feed of one list, POSTed to `url` (signed with `secret`). */
export interface Webhook {
  readonly id: string;
  readonly list: string;
  readonly url: string;
  /** Event types delivered; null: every type. */
  readonly events: readonly string[] | null;
  readonly secret: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

/** One attempt to deliver events to a webhook. */
export interface DeliveryRecord {
  /** Milliseconds since the epoch. */
  readonly at: number;
  readonly hook: string;
  /** The events' numbers in the list's feed (first and last). */
  readonly first: number;
  readonly last: number;
  readonly events: number;
  /** 1 for the first try of these events, then 2, 3, … */
  readonly attempt: number;
  /** `delivered` (a 2xx answer), `failed` (will retry) or `refused` (host not allowed: will retry once allowed). */
  readonly outcome: 'delivered' | 'failed' | 'refused';
  /** The HTTP status, or 0 when there was no answer. */
  readonly status: number;
  readonly error?: string;
  readonly durationMs: number;
}

/** Log entries kept per webhook: older ones are dropped as new ones are written. */
export const DELIVERY_LOG_LIMIT = 1_000;

const keys = {
  hook: (id: string): string => `hook\0h\0${id}`,
  hookPrefix: 'hook\0h\0',
  /** The last event number delivered (or skipped by the filter); -1: not started, begins after the feed's current end. */
  position: (id: string): string => `hook\0p\0${id}`,
  log: (id: string, at: number, n: number): string => `hook\0l\0${id}\0${at.toString(16).padStart(12, '0')}${n.toString(16).padStart(6, '0')}`,
  logPrefix: (id: string): string => `hook\0l\0${id}\0`,
};

/** Webhooks, their delivery positions and delivery logs, as records in the feed's database. */
export class WebhookStore {
  #logCounter = 0;

  constructor(private readonly records: RecordStore) {}

  async add(options: { list: string; url: string; events: readonly string[] | null; secret?: string; now?: number }): Promise<Webhook> {
    const hook: Webhook = {
      id: randomBytes(6).toString('hex'),
      list: options.list,
      url: options.url,
      events: options.events,
      secret: options.secret ?? randomBytes(24).toString('base64url'),
      createdAt: options.now ?? Date.now(),
    };
    await this.records.batch([
      { type: 'put', key: keys.hook(hook.id), value: hook },
      { type: 'put', key: keys.position(hook.id), value: -1 },
    ]);
    return hook;
  }

  async remove(id: string): Promise<boolean> {
    if ((await this.records.get(keys.hook(id))) === undefined) return false;
    const log = await this.records.scan(keys.logPrefix(id));
    await this.records.batch([{ type: 'del', key: keys.hook(id) }, { type: 'del', key: keys.position(id) }, ...log.map(({ key }) => ({ type: 'del' as const, key }))]);
    return true;
  }

  async list(): Promise<Webhook[]> {
    return (await this.records.scan(keys.hookPrefix)).map(({ value }) => value as Webhook);
  }

  async position(id: string): Promise<number> {
    const value = await this.records.get(keys.position(id));
    return typeof value === 'number' ? value : -1;
  }

  /** Records the attempt, and with a delivery the new position, in one write; drops log entries past the limit. */
  async record(entry: DeliveryRecord, position: number | null): Promise<void> {
    const key = keys.log(entry.hook, entry.at, this.#logCounter++ % 0x1000000);
    const operations: Parameters<RecordStore['batch']>[0][number][] = [{ type: 'put', key, value: entry }];
    if (position !== null) operations.push({ type: 'put', key: keys.position(entry.hook), value: position });
    // Pruned every 64 entries, not on each: reading the log back on every delivery would cost more than the delivery.
    if (this.#logCounter % 64 === 0) {
      const stale = await this.records.scan(keys.logPrefix(entry.hook), { reverse: true, limit: DELIVERY_LOG_LIMIT + 128 });
      for (const { key: old } of stale.slice(DELIVERY_LOG_LIMIT - 1)) operations.push({ type: 'del', key: old });
    }
    await this.records.batch(operations);
  }

  async setPosition(id: string, position: number): Promise<void> {
    await this.records.batch([{ type: 'put', key: keys.position(id), value: position }]);
  }

  /** The delivery log of one webhook (or of all), oldest first, at most `limit` entries (the newest). */
  async log(id: string | null, limit: number): Promise<DeliveryRecord[]> {
    const hooks = id === null ? (await this.list()).map((hook) => hook.id) : [id];
    const entries: DeliveryRecord[] = [];
    for (const hook of hooks) {
      for (const { value } of await this.records.scan(keys.logPrefix(hook), { reverse: true, limit })) entries.push(value as DeliveryRecord);
    }
    return entries.sort((a, b) => a.at - b.at).slice(-limit);
  }
}
