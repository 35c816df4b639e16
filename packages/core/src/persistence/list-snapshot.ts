import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** One document inside a list snapshot. */
export interface SnapshotEntry {
  /** The document's whole state, one update. */
  readonly update: Uint8Array;
  /** The document's metadata entries (e.g. the clocks the relay confirmed). */
  readonly meta: ReadonlyMap<string, Uint8Array>;
  /** The document's view (JSON-serialisable) when it was bound with one, as of this snapshot. */
  readonly view?: unknown;
}

/** Bumped when the layout below changes; a snapshot of another format is reported, never misread. */
const FORMAT = 2;

/** Per document: name, view (null: none), metadata keys. */
type Header = Array<[name: string, view: unknown, metaKeys: string[]]>;

/**
 * A whole list (its document and every task's) in one binary record, so a list opens with a single read of one value
 * instead of structured-cloning thousands of small records. Layout: format, one JSON header (names, views, metadata
 * keys: one string to decode and parse, not thousands), then every document's update and metadata values in header
 * order, with lib0's variable-length encoding.
 */
export function encodeListSnapshot(entries: ReadonlyMap<string, SnapshotEntry>): Uint8Array {
  const header: Header = [];
  for (const [name, entry] of entries) header.push([name, entry.view ?? null, [...entry.meta.keys()]]);
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, FORMAT);
  encoding.writeVarString(encoder, JSON.stringify(header));
  for (const entry of entries.values()) {
    encoding.writeVarUint8Array(encoder, entry.update);
    for (const value of entry.meta.values()) encoding.writeVarUint8Array(encoder, value);
  }
  return encoding.toUint8Array(encoder);
}

/** Null for a snapshot of an unknown format or a damaged one. */
export function decodeListSnapshot(data: Uint8Array): Map<string, SnapshotEntry> | null {
  try {
    const decoder = decoding.createDecoder(data);
    if (decoding.readVarUint(decoder) !== FORMAT) return null;
    const header = JSON.parse(decoding.readVarString(decoder)) as unknown;
    if (!Array.isArray(header)) return null;
    const entries = new Map<string, SnapshotEntry>();
    for (const item of header as unknown[]) {
      if (!Array.isArray(item)) return null;
      const [name, view, metaKeys] = item as [unknown, unknown, unknown];
      if (typeof name !== 'string' || !Array.isArray(metaKeys)) return null;
      // Views into `data`: the record is read once per open and lives as long as these entries.
      const update = decoding.readVarUint8Array(decoder);
      const meta = new Map<string, Uint8Array>();
      for (const key of metaKeys as unknown[]) {
        if (typeof key !== 'string') return null;
        meta.set(key, decoding.readVarUint8Array(decoder));
      }
      entries.set(name, view === null ? { update, meta } : { update, meta, view });
    }
    return decoder.pos === data.byteLength ? entries : null;
  } catch {
    return null;
  }
}
