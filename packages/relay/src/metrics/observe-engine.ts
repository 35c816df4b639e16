import type { RelayEngine } from '../engine/relay-engine.js';
import type { StorageObserver } from '../storage/instrumented-storage.js';
import type { RelayMetrics } from './relay-metrics.js';

/** Feeds the engine's typed events into the metrics. */
export function observeEngine(engine: RelayEngine, metrics: RelayMetrics): void {
  engine.on('updatePersisted', (_doc, bytes, forwardedTo) => metrics.persisted(bytes, forwardedTo));
  engine.on('compacted', (_doc, result) => {
    if (result.replaced === 0) return;
    metrics.compactions.inc();
    metrics.compactedUpdates.inc(result.replaced);
  });
  engine.on('updateRefused', (_doc, code) => {
    if (code === 'ERR_CORRUPT_UPDATE') metrics.refuse('corrupt_update');
    else if (code === 'ERR_UNMET_DEPENDENCY') metrics.refuse('unmet_dependency');
    else if (code === 'ERR_CLIENT_ID_TAKEN') metrics.refuse('client_id_taken');
    else if (code === 'ERR_AWARENESS_LIMIT') metrics.refuse('awareness_refused');
  });
  engine.on('quarantined', (_doc, entries) => {
    for (const { reason } of entries) metrics.quarantined.inc({ reason });
  });
  engine.on('roomLoaded', () => metrics.documentsLoaded.inc());
  engine.on('roomUnloaded', () => metrics.documentsLoaded.dec());
}

/** The persistence latency histogram and storage failure counter, as a storage observer. */
export function storageObserver(metrics: RelayMetrics): StorageObserver {
  return {
    appended(seconds, error) {
      metrics.persistedBatch(seconds);
      if (error !== null) metrics.storageFailures.inc();
    },
  };
}
