import type * as Y from 'yjs';
import type { PersistedDocument } from '../persistence.js';
import type { UpdateRecord } from './database.js';

/** What a binding asks of the adapter that made it: kept off the adapter's public surface. */
export interface BindingHost {
  append(record: UpdateRecord): void;
  flushWrites(): Promise<void>;
  readMeta(name: string, key: string): Promise<Uint8Array | undefined>;
  writeMeta(name: string, key: string, value: Uint8Array): Promise<void>;
  compact(name: string): Promise<void>;
  forget(name: string): void;
  readonly compactAfterRecords: number;
}

/** One document bound to the single database: stores its updates, serves its metadata, triggers its compaction. */
export class SingleDatabaseBinding implements PersistedDocument {
  private readonly onUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin !== this) this.host.append({ doc: this.name, update });
  };

  /** Records stored for this document, as far as this tab knows. */
  records = 0;
  /** Set once the stored state is in the document. */
  loaded = false;

  constructor(
    readonly name: string,
    readonly doc: Y.Doc,
    private readonly host: BindingHost,
    /** Every metadata entry of the document as read with its state; null until then (read on demand). */
    private meta: Map<string, Uint8Array> | null,
    readonly view: (() => unknown) | undefined,
  ) {}

  listen(): void {
    this.doc.on('update', this.onUpdate);
  }

  recordWritten(): void {
    if (++this.records >= this.host.compactAfterRecords) {
      this.records = 1;
      void this.host.compact(this.name);
    }
  }

  /** The document's records were merged into `records` records (a snapshot leaves none). */
  compacted(records: number): void {
    this.records = records;
  }

  /** The document's metadata as read with its stored state; values set since then win. */
  storedMeta(meta: Map<string, Uint8Array>): void {
    this.meta = new Map([...meta, ...this.written]);
  }

  /** Values set here before the stored metadata was read. */
  private readonly written = new Map<string, Uint8Array>();

  getMeta(key: string): Promise<Uint8Array | undefined> {
    if (this.meta) return Promise.resolve(this.meta.get(key));
    const written = this.written.get(key);
    return written ? Promise.resolve(written) : this.host.readMeta(this.name, key);
  }

  setMeta(key: string, value: Uint8Array): Promise<void> {
    const copy = value.slice();
    if (this.meta) this.meta.set(key, copy);
    else this.written.set(key, copy);
    return this.host.writeMeta(this.name, key, copy);
  }

  flush(): Promise<void> {
    return this.host.flushWrites();
  }

  unbind(): Promise<void> {
    this.doc.off('update', this.onUpdate);
    this.host.forget(this.name);
    return this.host.flushWrites().catch(() => undefined);
  }
}
