import { Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';
import { DELAY_BUCKETS, EventLoopMonitor } from './event-loop-monitor.js';
import { histogramMetric, PlainHistogram } from './plain-histogram.js';
import type { PauseCause } from '../engine/pauses.js';

/** Why the relay refused a frame, a connection or a write: the `reason` label of `concord_relay_refused_total`. */
export type RefusalReason =
  | 'unauthorized'
  | 'forbidden'
  | 'read_only'
  | 'malformed_frame'
  | 'malformed_update'
  | 'corrupt_update'
  | 'unmet_dependency'
  | 'client_id_taken'
  | 'malformed_awareness'
  | 'awareness_refused'
  | 'not_subscribed'
  | 'frame_too_large'
  | 'rate_limited'
  | 'slow_consumer'
  | 'heartbeat_timeout'
  | 'storage_failed';

/**
 * The relay's Prometheus metrics (prom-client), in their own registry so several relays can live in one process.
 * Served at `GET /metrics` by the host. Names are documented in README.md.
 */
export class RelayMetrics {
  readonly registry = new Registry();
  /**
   * Open and accepted connections by protocol, as plain numbers read at each scrape: a labelled `inc` per connection
   * hashed its labels each time, a cost every one of thousands of connecting clients paid.
   */
  readonly #open = new Map<string, number>();
  readonly #accepted = new Map<string, number>();
  readonly connections: Gauge<'protocol'> = new Gauge({
    name: 'concord_relay_connections',
    help: 'Open WebSocket connections',
    labelNames: ['protocol'] as const,
    registers: [this.registry],
    collect: () => {
      for (const [protocol, open] of this.#open) this.connections.set({ protocol }, open);
    },
  });
  readonly connectionsTotal: Counter<'protocol'> = new Counter({
    name: 'concord_relay_connections_total',
    help: 'WebSocket connections accepted',
    labelNames: ['protocol'] as const,
    registers: [this.registry],
    collect: () => {
      for (const [protocol, accepted] of this.#accepted) if (accepted > 0) this.connectionsTotal.inc({ protocol }, accepted);
      this.#accepted.clear();
    },
  });
  readonly documentsLoaded = new Gauge({ name: 'concord_relay_documents_loaded', help: 'Documents loaded in memory', registers: [this.registry] });
  /** Persisted updates since the last scrape, folded into the three counters below when one of them is read. */
  readonly #persistedPending = { updates: 0, bytes: 0, forwarded: 0 };
  readonly updatesIn: Counter = new Counter({
    name: 'concord_relay_updates_in_total',
    help: 'Updates received and persisted',
    registers: [this.registry],
    collect: () => this.#flushPersisted(),
  });
  readonly bytesIn: Counter = new Counter({
    name: 'concord_relay_update_bytes_in_total',
    help: 'Bytes of updates received and persisted',
    registers: [this.registry],
    collect: () => this.#flushPersisted(),
  });
  readonly updatesOut: Counter = new Counter({
    name: 'concord_relay_updates_out_total',
    help: 'Updates forwarded to other connections',
    registers: [this.registry],
    collect: () => this.#flushPersisted(),
  });
  /** Bytes sent since the last scrape: counted per frame per recipient, so a plain addition rather than a Counter.inc. */
  #bytesOutPending = 0;
  readonly bytesOut: Counter = new Counter({
    name: 'concord_relay_bytes_out_total',
    help: 'Bytes of WebSocket frames sent',
    registers: [this.registry],
    collect: () => this.#flushBytesOut(),
  });
  /** Latency of one storage write batch: observed once per batch, so plain additions (see PlainHistogram). */
  readonly #persistSeconds = new PlainHistogram([0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]);
  readonly storageFailures = new Counter({ name: 'concord_relay_storage_failures_total', help: 'Storage write batches that failed', registers: [this.registry] });
  readonly refused = new Counter({ name: 'concord_relay_refused_total', help: 'Frames, writes or connections refused, by reason', labelNames: ['reason'] as const, registers: [this.registry] });
  readonly quarantined = new Counter({
    name: 'concord_relay_quarantined_updates_total',
    help: 'Stored updates that would not apply, moved to the quarantine when their document loaded, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly compactions = new Counter({ name: 'concord_relay_compactions_total', help: 'Document logs compacted', registers: [this.registry] });
  readonly compactedUpdates = new Counter({ name: 'concord_relay_compacted_updates_total', help: 'Stored updates replaced by compaction', registers: [this.registry] });

  readonly eventLoopPauses = new Histogram({
    name: 'concord_relay_event_loop_pause_seconds',
    help: 'Event-loop pauses of 5 ms or more, by what held the loop',
    labelNames: ['cause'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly #eventLoop = new EventLoopMonitor((cause: PauseCause, seconds: number) => this.eventLoopPauses.observe({ cause }, seconds));

  constructor() {
    this.registry.registerMetric(this.#persistSeconds.metric('concord_relay_persist_seconds', 'Latency of one storage write batch') as unknown as Metric);
    this.registry.registerMetric(eventLoopDelayMetric(this.#eventLoop) as unknown as Metric);
  }

  /** Stops watching the event loop (its timer and observers). */
  close(): void {
    this.#eventLoop.stop();
  }

  /** Counts a connection accepted and now open under `protocol`. */
  opened(protocol: string): void {
    this.#open.set(protocol, (this.#open.get(protocol) ?? 0) + 1);
    this.#accepted.set(protocol, (this.#accepted.get(protocol) ?? 0) + 1);
  }

  /** Counts a connection of `protocol` closed. */
  closed(protocol: string): void {
    this.#open.set(protocol, (this.#open.get(protocol) ?? 0) - 1);
  }

  /** Counts `bytes` sent (cheap: folded into `bytesOut` when it is read). */
  sent(bytes: number): void {
    this.#bytesOutPending += bytes;
  }

  /**
   * Counts one persisted update of `bytes`, forwarded to `forwardedTo` connections: plain additions, as `sent`, since
   * it runs for every update (three Counter.inc calls were a measurable part of the relay's work per update).
   */
  persisted(bytes: number, forwardedTo: number): void {
    const pending = this.#persistedPending;
    pending.updates++;
    pending.bytes += bytes;
    pending.forwarded += forwardedTo;
  }

  #flushPersisted(): void {
    const pending = this.#persistedPending;
    if (pending.updates === 0) return;
    this.updatesIn.inc(pending.updates);
    this.bytesIn.inc(pending.bytes);
    if (pending.forwarded > 0) this.updatesOut.inc(pending.forwarded);
    pending.updates = pending.bytes = pending.forwarded = 0;
  }

  #flushBytesOut(): void {
    if (this.#bytesOutPending === 0) return;
    this.bytesOut.inc(this.#bytesOutPending);
    this.#bytesOutPending = 0;
  }

  /** Records how long one storage write batch took (`concord_relay_persist_seconds`). */
  persistedBatch(seconds: number): void {
    this.#persistSeconds.observe(seconds);
  }

  /** Counts one refused message or connection under its reason. */
  refuse(reason: RefusalReason): void {
    this.refused.inc({ reason });
  }

  /** Every metric in the Prometheus text format, as `/metrics` serves it. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** The refusal reason of a close code sent by the relay, or null for codes that are not refusals. */
export function reasonOfCloseCode(code: number, reason = ''): RefusalReason | null {
  switch (code) {
    case 4400:
      return reason === 'ERR_MALFORMED_UPDATE' ? 'malformed_update' : reason === 'ERR_MALFORMED_AWARENESS' ? 'malformed_awareness' : 'malformed_frame';
    case 4401:
      return 'unauthorized';
    case 4409:
    case 4422:
      // Counted where the engine refuses the update (`observeEngine`), for both endpoints and other relays alike.
      return null;
    case 4403:
      return 'forbidden';
    case 4408:
      return 'heartbeat_timeout';
    case 4413:
      return 'frame_too_large';
    case 4429:
      return 'rate_limited';
    case 4503:
      return 'slow_consumer';
    default:
      return null;
  }
}

/**
 * `concord_relay_event_loop_delay_seconds`, a Prometheus histogram built from `monitorEventLoopDelay` at each scrape
 * (prom-client's Histogram takes one observation at a time; the monitor hands over a whole distribution).
 */
function eventLoopDelayMetric(monitor: EventLoopMonitor) {
  return histogramMetric('concord_relay_event_loop_delay_seconds', 'Event-loop delay: how late a 10 ms timer fired, sampled while the loop was busy (perf_hooks.monitorEventLoopDelay)', () => {
    const { buckets, sumSeconds } = monitor.delay();
    return { bounds: DELAY_BUCKETS, counts: buckets, sum: sumSeconds, count: buckets.at(-1) ?? 0 };
  });
}
