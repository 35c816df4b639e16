import { isEmptyUpdate } from '@concord/core/protocol';
import { timed } from './pauses.js';
import type { AppendEntry, DocumentStorage } from '../storage/document-storage.js';

export interface PendingWrite<T> {
  readonly doc: string;
  readonly update: Uint8Array;
  readonly context: T;
  /** Client ids bound to users by this update, stored with it. */
  readonly binds?: ReadonlyMap<number, string>;
}

export interface WriteBatcherHandlers<T> {
  /** The whole batch is durable. Called in submission order, one batch at a time. */
  durable(batch: readonly PendingWrite<T>[]): void;
  /** Nothing of the batch is stored. */
  failed(batch: readonly PendingWrite<T>[], error: unknown): void;
}

/**
 * Collects the updates of one event-loop turn (of every document) and writes them in one storage call.
 *
 * The next turn's write starts as soon as that turn ends, without waiting for the previous write to complete: the
 * storage orders the writes, and completions are handled strictly in order. So forwarding batch N overlaps writing
 * batch N+1 (measured: waiting serially for the write in flight made the 99th percentile delivery latency 2.5 times
 * longer under bursts).
 */
export class WriteBatcher<T> {
  readonly #storage: DocumentStorage;
  readonly #handlers: WriteBatcherHandlers<T>;
  #pending: PendingWrite<T>[] = [];
  #scheduled: NodeJS.Immediate | null = null;
  #completions: Promise<void> = Promise.resolve();
  #inFlight = 0;

  constructor(storage: DocumentStorage, handlers: WriteBatcherHandlers<T>) {
    this.#storage = storage;
    this.#handlers = handlers;
  }

  /** Writes queued or in flight. */
  get size(): number {
    return this.#pending.length + this.#inFlight;
  }

  enqueue(write: PendingWrite<T>): void {
    this.#pending.push(write);
    this.#scheduled ??= setImmediate(() => timed('persist', () => this.#writePending()));
  }

  /** Writes what is queued now and resolves once every write so far has completed and been handled. */
  async flush(): Promise<void> {
    if (this.#scheduled !== null) {
      clearImmediate(this.#scheduled);
      this.#writePending();
    }
    await this.#completions;
  }

  #writePending(): void {
    this.#scheduled = null;
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return;
    this.#inFlight += batch.length;
    // An empty update (a write that carried nothing the room lacked) is not stored, but completes in its place. A loop
    // rather than filter and map: arrays made by a map that V8 has inlined into optimised code carry another elements
    // kind than those of the builtin, and the storage's optimised code, fed with the one, was thrown away on the other.
    const entries: AppendEntry[] = [];
    for (const { doc, update, binds } of batch) {
      if (!isEmptyUpdate(update)) entries.push(binds === undefined ? { doc, update } : { doc, update, binds });
    }
    let written: Promise<void>;
    try {
      written = entries.length === 0 ? Promise.resolve() : this.#storage.appendUpdates(entries);
    } catch (error) {
      written = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    // Chain the handling (not the write) so batches complete in order even if a storage resolves out of order.
    this.#completions = this.#completions.then(() =>
      written.then(
        () => timed('forward', () => this.#complete(batch, null)),
        (error: unknown) => this.#complete(batch, error ?? new Error('write failed')),
      ),
    );
  }

  #complete(batch: readonly PendingWrite<T>[], error: unknown): void {
    this.#inFlight -= batch.length;
    try {
      if (error === null) this.#handlers.durable(batch);
      else this.#handlers.failed(batch, error);
    } catch (handlerError) {
      // A throwing handler must not poison the completion chain: every later batch would go unhandled.
      process.emitWarning(`write batch handler threw: ${String(handlerError)}`);
    }
  }
}
