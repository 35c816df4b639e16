/** One document inside a list snapshot. */
export interface SnapshotEntry {
  /** The document's whole state, one update. */
  readonly update: Uint8Array;
  /** The document's metadata entries (e.g. the clocks the relay confirmed). */
  readonly meta: ReadonlyMap<string, Uint8Array>;
  /** The document's view (JSON-serialisable) when it was bound with one, as of this snapshot. */
  readonly view?: unknown;
}

/**
 * A whole list (its document and every task's) as one IndexedDB value, so a list opens with a single read instead of
 * structured-cloning thousands of small records: a JSON header (one string: no decoding of bytes, one `JSON.parse`)
 * naming each document with its view and the lengths of its parts, and one byte array holding every document's update
 * and metadata values, in header order. Nothing is copied or sliced at open: a document's bytes are cut out of `data`
 * when it is applied.
 */
export interface EncodedListSnapshot {
  readonly format: typeof FORMAT;
  readonly header: string;
  readonly data: Uint8Array;
}

/** Bumped when the layout changes; a snapshot of another format is reported, never misread. */
const FORMAT = 3;

/** Per document: name, view (null: none), update length, metadata keys with their value lengths. */
type HeaderItem = [name: string, view: unknown, updateLength: number, meta: Array<[key: string, length: number]>];

export function encodeListSnapshot(entries: ReadonlyMap<string, SnapshotEntry>): EncodedListSnapshot {
  const header: HeaderItem[] = [];
  let size = 0;
  for (const [name, entry] of entries) {
    const meta: Array<[string, number]> = [];
    for (const [key, value] of entry.meta) {
      meta.push([key, value.byteLength]);
      size += value.byteLength;
    }
    header.push([name, entry.view ?? null, entry.update.byteLength, meta]);
    size += entry.update.byteLength;
  }
  const data = new Uint8Array(size);
  let offset = 0;
  for (const entry of entries.values()) {
    data.set(entry.update, offset);
    offset += entry.update.byteLength;
    for (const value of entry.meta.values()) {
      data.set(value, offset);
      offset += value.byteLength;
    }
  }
  return { format: FORMAT, header: JSON.stringify(header), data };
}

/** A decoded entry whose bytes are cut out of the snapshot's data only when read. */
class LazyEntry implements SnapshotEntry {
  #meta: Map<string, Uint8Array> | null = null;

  constructor(
    private readonly data: Uint8Array,
    private readonly offset: number,
    private readonly length: number,
    private readonly metaSpans: ReadonlyArray<[key: string, length: number]>,
    readonly view: unknown,
  ) {}

  get update(): Uint8Array {
    return this.data.subarray(this.offset, this.offset + this.length);
  }

  get meta(): ReadonlyMap<string, Uint8Array> {
    if (this.#meta === null) {
      this.#meta = new Map();
      let offset = this.offset + this.length;
      for (const [key, length] of this.metaSpans) {
        this.#meta.set(key, this.data.subarray(offset, offset + length));
        offset += length;
      }
    }
    return this.#meta;
  }
}

/** Null for a snapshot of an unknown format or a damaged one. */
export function decodeListSnapshot(value: unknown): Map<string, SnapshotEntry> | null {
  if (typeof value !== 'object' || value === null) return null;
  const { format, header, data } = value as Partial<EncodedListSnapshot>;
  if (format !== FORMAT || typeof header !== 'string' || !(data instanceof Uint8Array)) return null;
  try {
    const items = JSON.parse(header) as unknown;
    if (!Array.isArray(items)) return null;
    const entries = new Map<string, SnapshotEntry>();
    let offset = 0;
    for (const item of items as unknown[]) {
      if (!Array.isArray(item)) return null;
      const [name, view, length, metaSpans] = item as [unknown, unknown, unknown, unknown];
      if (typeof name !== 'string' || !isLength(length) || !Array.isArray(metaSpans)) return null;
      let end = offset + length;
      for (const span of metaSpans as unknown[]) {
        if (!Array.isArray(span) || typeof span[0] !== 'string' || !isLength(span[1])) return null;
        end += span[1];
      }
      if (end > data.byteLength) return null;
      entries.set(name, new LazyEntry(data, offset, length, metaSpans as Array<[string, number]>, view === null ? undefined : view));
      offset = end;
    }
    return offset === data.byteLength ? entries : null;
  } catch {
    return null;
  }
}

function isLength(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
