import type { Checkpoint } from '../history/checkpoint.js';
import { StorageClosedError } from '../errors.js';
import {
  byUtf8,
  type AppendEntry,
  type CompactionResult,
  type DocumentStorage,
  type MergeUpdates,
  type PickQuarantine,
  type QuarantinedUpdate,
} from './document-storage.js';

/**
 * In-memory `DocumentStorage` for tests and ephemeral relays. Behaves like the LevelDB adapter (asynchronous results,
 * copies in and out) so tests against it mean something.
 */
export class MemoryStorage implements DocumentStorage {
  readonly #logs = new Map<string, Uint8Array[]>();
  readonly #quarantine: QuarantinedUpdate[] = [];
  readonly #bindings = new Map<string, Map<number, string>>();
  readonly #checkpoints = new Map<string, Map<number, Checkpoint>>();
  #nextQuarantineId = 1;
  #closed = false;

  async loadUpdates(doc: string): Promise<Uint8Array[]> {
    await this.#turn();
    return (this.#logs.get(doc) ?? []).map((update) => update.slice());
  }

  appendUpdates(entries: readonly AppendEntry[]): Promise<void> {
    if (this.#closed) return Promise.reject(new StorageClosedError());
    // Applied synchronously so that calls keep their order even though each result arrives later, like LevelDB's queue.
    for (const { doc, update, binds } of entries) {
      let log = this.#logs.get(doc);
      if (log === undefined) this.#logs.set(doc, (log = []));
      log.push(update.slice());
      if (binds !== undefined) for (const [client, user] of binds) this.#bindingsOf(doc).set(client, user);
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

  async quarantine(doc: string, pick: PickQuarantine): Promise<QuarantinedUpdate[]> {
    await this.#turn();
    const log = this.#logs.get(doc) ?? [];
    const picked = pick(log.map((update) => update.slice()));
    const moved: QuarantinedUpdate[] = [];
    for (const [index, reason] of picked) {
      const update = log[index];
      if (update !== undefined) moved.push({ doc, id: this.#nextQuarantineId++, reason, at: Date.now(), update: update.slice() });
    }
    const kept = log.filter((_, index) => !picked.has(index));
    if (kept.length === 0) this.#logs.delete(doc);
    else this.#logs.set(doc, kept);
    this.#quarantine.push(...moved);
    return moved;
  }

  async listQuarantine(doc?: string): Promise<QuarantinedUpdate[]> {
    await this.#turn();
    return this.#quarantine
      .filter((entry) => doc === undefined || entry.doc === doc)
      .sort((a, b) => byUtf8(a.doc, b.doc) || a.id - b.id)
      .map((entry) => ({ ...entry, update: entry.update.slice() }));
  }

  async releaseQuarantined(doc: string, id: number): Promise<boolean> {
    await this.#turn();
    const index = this.#quarantine.findIndex((entry) => entry.doc === doc && entry.id === id);
    const [entry] = index === -1 ? [] : this.#quarantine.splice(index, 1);
    if (entry === undefined) return false;
    await this.appendUpdates([{ doc, update: entry.update }]);
    return true;
  }

  async loadClientBindings(doc: string): Promise<Map<number, string>> {
    await this.#turn();
    const bindings = this.#bindings.get(doc);
    return bindings === undefined ? new Map<number, string>() : new Map(bindings);
  }

  #bindingsOf(doc: string): Map<number, string> {
    let bindings = this.#bindings.get(doc);
    if (bindings === undefined) this.#bindings.set(doc, (bindings = new Map<number, string>()));
    return bindings;
  }

  async putCheckpoint(doc: string, checkpoint: Checkpoint, expired: readonly number[]): Promise<void> {
    await this.#turn();
    let checkpoints = this.#checkpoints.get(doc);
    if (checkpoints === undefined) this.#checkpoints.set(doc, (checkpoints = new Map<number, Checkpoint>()));
    for (const at of expired) checkpoints.delete(at);
    checkpoints.set(checkpoint.at, { ...checkpoint, snapshot: checkpoint.snapshot.slice(), by: [...checkpoint.by] });
  }

  async listCheckpoints(doc: string): Promise<Checkpoint[]> {
    await this.#turn();
    return [...(this.#checkpoints.get(doc)?.values() ?? [])].sort((a, b) => a.at - b.at);
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
