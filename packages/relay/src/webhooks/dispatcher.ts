import type { Logger } from 'pino';
import { eventJson } from '../api/events-route.js';
import type { FeedStore } from '../feed/feed-store.js';
import type { ListFeeds } from '../feed/list-feeds.js';
import { signWebhook, WEBHOOK_HEADERS } from './signature.js';
import type { Webhook, WebhookStore } from './webhook-store.js';

export interface DispatcherOptions {
  readonly hooks: WebhookStore;
  readonly feeds: ListFeeds;
  readonly store: FeedStore;
  readonly logger: Logger;
  /** Hosts (`host` or `host:port`) webhooks may be delivered to; nothing else is ever called. */
  readonly allow: readonly string[];
  /** The first retry's delay; each next one doubles, up to `maxRetryMs`. */
  readonly retryMs: number;
  readonly maxRetryMs?: number;
  /** Events per delivery at most. */
  readonly batch?: number;
  readonly timeoutMs?: number;
}

/** Whether `url`'s host (or host:port) is one the operator allowed. */
export function hostAllowed(url: string, allow: readonly string[]): boolean {
  if (!URL.canParse(url)) return false;
  const { protocol, hostname, host } = new URL(url);
  if (protocol !== 'http:' && protocol !== 'https:') return false;
  return allow.some((entry) => entry === hostname || entry === host);
}

/**
 * Delivers each webhook's list events in feed order, at least once: a batch of events is POSTed until a 2xx answer,
 * then the webhook's position moves past it (stored with the attempt's log entry), so after a restart delivery resumes
 * where it stood and a batch acknowledged just before a crash may be delivered again (receivers deduplicate by event
 * `id`). A failed attempt is retried after `retryMs`, doubling each time up to `maxRetryMs`; later events wait, so
 * order per list holds. The request is signed (`signWebhook`) and never follows a redirect.
 */
export class WebhookDispatcher {
  readonly #options: DispatcherOptions;
  readonly #workers = new Map<string, HookWorker>();
  #closed = false;

  constructor(options: DispatcherOptions) {
    this.#options = options;
  }

  /** Starts delivering every stored webhook. */
  async start(): Promise<void> {
    for (const hook of await this.#options.hooks.list()) {
      const worker = new HookWorker(hook, this.#options, () => this.#closed);
      this.#workers.set(hook.id, worker);
      await worker.start();
    }
  }

  /** Starts delivering a webhook added while the relay runs: it gets the changes made from now on. */
  async add(hook: Webhook): Promise<void> {
    if (this.#closed || this.#workers.has(hook.id)) return;
    const worker = new HookWorker(hook, this.#options, () => this.#closed);
    this.#workers.set(hook.id, worker);
    await worker.start();
  }

  /** Stops delivering a webhook; resolves once no attempt to deliver to it is in flight. */
  async remove(id: string): Promise<void> {
    const worker = this.#workers.get(id);
    this.#workers.delete(id);
    await worker?.stop();
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#workers.values()].map((worker) => worker.stop()));
  }
}

class HookWorker {
  #position = -1;
  #attempt = 0;
  #running: Promise<void> | null = null;
  #again = false;
  #timer: NodeJS.Timeout | null = null;
  #unsubscribe: (() => void) | null = null;
  readonly #abort = new AbortController();
  #stopped = false;
  readonly closed: () => boolean;

  constructor(
    private readonly hook: Webhook,
    private readonly options: DispatcherOptions,
    dispatcherClosed: () => boolean,
  ) {
    this.closed = () => this.#stopped || dispatcherClosed();
  }

  async start(): Promise<void> {
    const { hooks, feeds } = this.options;
    const settled = await feeds.settle(this.hook.list);
    if (this.closed()) return;
    this.#position = await hooks.position(this.hook.id);
    if (this.#position < 0) {
      // A new webhook gets the changes made from now on.
      this.#position = settled.meta.seq;
      await hooks.setPosition(this.hook.id, this.#position);
    }
    this.#unsubscribe = feeds.subscribe(this.hook.list, () => this.#pump());
    this.#pump();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#abort.abort();
    await this.#running?.catch(() => undefined);
  }

  #pump(): void {
    if (this.closed() || this.#timer !== null) return;
    if (this.#running !== null) {
      this.#again = true;
      return;
    }
    this.#running = this.#deliverAll()
      .catch((error: unknown) => this.options.logger.error({ err: error, hook: this.hook.id }, 'webhook delivery failed'))
      .finally(() => {
        this.#running = null;
        if (this.#again) {
          this.#again = false;
          this.#pump();
        }
      });
  }

  async #deliverAll(): Promise<void> {
    const { store, hooks } = this.options;
    for (;;) {
      if (this.closed()) return;
      const batch = await store.events(this.hook.list, this.#position, this.options.batch ?? 100);
      if (batch.length === 0) return;
      const last = batch.at(-1)!.seq;
      const wanted = this.hook.events === null ? batch : batch.filter((stored) => this.hook.events!.includes(stored.event.kind));
      if (wanted.length === 0) {
        this.#position = last;
        await hooks.setPosition(this.hook.id, last);
        continue;
      }
      const delivered = await this.#post(wanted.map((stored) => eventJson(this.hook.list, stored)), batch[0]!.seq, last);
      if (!delivered) return;
      this.#position = last;
    }
  }

  /** One attempt; schedules the retry and answers false when it failed. */
  async #post(events: ReturnType<typeof eventJson>[], first: number, last: number): Promise<boolean> {
    const { hooks, allow, logger } = this.options;
    const attempt = ++this.#attempt;
    const started = Date.now();
    const entry = { at: started, hook: this.hook.id, first, last, events: events.length, attempt };
    if (!hostAllowed(this.hook.url, allow)) {
      await hooks.record({ ...entry, outcome: 'refused', status: 0, error: 'host not in --webhook-allow', durationMs: 0 }, null);
      logger.warn({ hook: this.hook.id, url: this.hook.url }, 'webhook host not allowed: not delivered');
      this.#retryLater();
      return false;
    }
    const body = JSON.stringify({ hook: this.hook.id, list: this.hook.list, events });
    const timestamp = Math.floor(started / 1000);
    let status = 0;
    let error: string | undefined;
    try {
      const response = await fetch(this.hook.url, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'concord-relay',
          [WEBHOOK_HEADERS.id]: this.hook.id,
          [WEBHOOK_HEADERS.timestamp]: String(timestamp),
          [WEBHOOK_HEADERS.signature]: signWebhook(this.hook.secret, timestamp, body),
        },
        body,
        signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(this.options.timeoutMs ?? 10_000)]),
      });
      status = response.status;
      await response.body?.cancel();
    } catch (failure) {
      error = failure instanceof Error ? (failure.cause instanceof Error ? failure.cause.message : failure.message) : String(failure);
    }
    const ok = status >= 200 && status < 300;
    if (this.closed() && !ok) return false;
    await hooks.record({ ...entry, outcome: ok ? 'delivered' : 'failed', status, ...(error === undefined ? {} : { error }), durationMs: Date.now() - started }, ok ? last : null);
    if (ok) {
      this.#attempt = 0;
      return true;
    }
    logger.info({ hook: this.hook.id, status, error, attempt }, 'webhook delivery failed, retrying');
    this.#retryLater();
    return false;
  }

  #retryLater(): void {
    const delay = Math.min(this.options.retryMs * 2 ** (this.#attempt - 1), this.options.maxRetryMs ?? 5 * 60_000);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#pump();
    }, delay);
  }
}
