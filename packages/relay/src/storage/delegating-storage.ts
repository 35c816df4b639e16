import type { Checkpoint } from '../history/checkpoint.js';
import type { AppendEntry, CompactionResult, DocumentStorage, MergeUpdates, PickQuarantine, QuarantinedUpdate } from './document-storage.js';

/**
 * A DocumentStorage that hands every call to `inner`: the base of decorators, which override only what they add to
 * (a new method of the contract then reaches every decorator at once).
 */
export class DelegatingStorage implements DocumentStorage {
  constructor(readonly inner: DocumentStorage) {}

  loadUpdates(doc: string): Promise<Uint8Array[]> {
    return this.inner.loadUpdates(doc);
  }

  appendUpdates(entries: readonly AppendEntry[]): Promise<void> {
    return this.inner.appendUpdates(entries);
  }

  compact(doc: string, merge: MergeUpdates): Promise<CompactionResult> {
    return this.inner.compact(doc, merge);
  }

  quarantine(doc: string, pick: PickQuarantine): Promise<QuarantinedUpdate[]> {
    return this.inner.quarantine(doc, pick);
  }

  listQuarantine(doc?: string): Promise<QuarantinedUpdate[]> {
    return this.inner.listQuarantine(doc);
  }

  releaseQuarantined(doc: string, id: number): Promise<boolean> {
    return this.inner.releaseQuarantined(doc, id);
  }

  loadClientBindings(doc: string): Promise<Map<number, string>> {
    return this.inner.loadClientBindings(doc);
  }

  putCheckpoint(doc: string, checkpoint: Checkpoint, expired: readonly number[]): Promise<void> {
    return this.inner.putCheckpoint(doc, checkpoint, expired);
  }

  listCheckpoints(doc: string): Promise<Checkpoint[]> {
    return this.inner.listCheckpoints(doc);
  }

  listDocuments(): Promise<string[]> {
    return this.inner.listDocuments();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
