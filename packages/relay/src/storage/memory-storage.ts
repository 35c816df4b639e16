import { StorageClosedError } from '../errors.js';
import { byUtf8, type AppendEntry, type CompactionResult, type DocumentStorage, type MergeUpdates } from './document-storage.js';

/**
 * In-memory `DocumentStorage` for tests and ephemeral relays. Behaves like the LevelDB adapter (asynchronous results,
 * copies in and out) so tests against it mean something.
 */
export class MemoryStorage implements DocumentStorage {
  readonly #logs = new Map<string, Uint8Array[]>();
  #closed = false;

  async loadUpdates(doc: string): Promise<Uint8Array[]> {
    await this.#turn();
    return (this.#logs.get(doc) ?? []).map((update) => update.slice());
  }

  appendUpdates(entries: readonly AppendEntry[]): Promise<void> {
    if (this.#closed) return Promise.reject(new StorageClosedError());
    // Applied synchronously so that calls keep their order even though each result arrives later, like LevelDB's queue.
    for (const { doc, update } of entries) {
      let log = this.#logs.get(doc);
      if (log === undefined) this.#logs.set(doc, (log = []));
      log.push(update.slice());
    }
    return this.#turn();
  }

  async compact(doc: string, merge: MergeUpdates): Promise<CompactionResult> {
    this.#assertOpen();
    const log = this.#logs.get(doc) ?? [];
    const replacedCount = log.length;
    const bytesBefore = sumBytes(log);
    if (replacedCount <= 1) return { replaced: 0, bytesBefore, bytesAfter: bytesBefore };
    const merged = merge(log.slice(0, replacedCount));
    await this.#turn();
    // Appends that landed while we awaited stay after the merged update.
    const current = this.#logs.get(doc) ?? [];
    this.#logs.set(doc, [merged.slice(), ...current.slice(replacedCount)]);
    return { replaced: replacedCount, bytesBefore, bytesAfter: merged.byteLength };
  }

  async listDocuments(): Promise<string[]> {
    await this.#turn();
    return [...this.#logs.keys()].sort(byUtf8);
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #assertOpen(): void {
    if (this.#closed) throw new StorageClosedError();
  }

  async #turn(): Promise<void> {
    this.#assertOpen();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

function sumBytes(updates: readonly Uint8Array[]): number {
  let total = 0;
  for (const update of updates) total += update.byteLength;
  return total;
}
