/**
 * LevelDB key layout (also in PROTOCOL.md). LevelDB sorts keys bytewise, so:
 *
 *   'm' "seq"                                   → u64 BE: no stored update key has a higher sequence number (reserved
 *                                                 in blocks: see LevelDbStorage)
 *   'u' u32 BE(byteLength(doc)) utf8(doc) u64 BE(seq) → one encoded Yjs update
 *   'q' u32 BE(byteLength(doc)) utf8(doc) u64 BE(seq) → a quarantined update (it would not apply): lib0 varString
 *                                                 reason, varUint time (ms since the epoch), varUint8Array update;
 *                                                 `seq` is the sequence number it had in the log
 *   'b' u32 BE(byteLength(doc)) utf8(doc) u64 BE(client) → utf8(user): the authenticated user a Yjs client id of the
 *                                                 document belongs to
 *   'h' u32 BE(byteLength(doc)) utf8(doc)        → the document's checkpoints, each encoded against the one before
 *                                                 (history/history-record.ts)
 *
 * The length prefix makes a document's keys a contiguous range that no other document's keys fall into (a bare
 * separator could occur inside a name), and the big-endian sequence number sorts its updates in append order.
 * Sequence numbers are global to the database, so reserving one needs no read per document.
 * Databases written before 2026-11-25 also hold 'd' utf8(doc) → empty (a document index, written in every batch): no
 * longer written nor read, since the update keys themselves list the documents.
 */
const PREFIX_META = 0x6d; // 'm'
const PREFIX_UPDATE = 0x75; // 'u'
const PREFIX_QUARANTINE = 0x71; // 'q'
const PREFIX_BINDING = 0x62; // 'b'
const PREFIX_HISTORY = 0x68; // 'h'
const SEQ_BYTES = 8;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export const SEQUENCE_KEY: Uint8Array = Uint8Array.of(PREFIX_META, ...encoder.encode('seq'));

export function encodeSeq(seq: number): Uint8Array {
  const bytes = new Uint8Array(SEQ_BYTES);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, Math.floor(seq / 2 ** 32));
  view.setUint32(4, seq >>> 0);
  return bytes;
}

export function decodeSeq(bytes: Uint8Array, offset = 0): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, SEQ_BYTES);
  return view.getUint32(0) * 2 ** 32 + view.getUint32(4);
}

/** What every update key of `doc` starts with: 'u', the name's UTF-8 length, the name. */
export function updatePrefix(doc: string): Uint8Array {
  return documentPrefix(PREFIX_UPDATE, doc);
}

function documentPrefix(kind: number, doc: string): Uint8Array {
  const name = encoder.encode(doc);
  const prefix = new Uint8Array(5 + name.byteLength);
  prefix[0] = kind;
  new DataView(prefix.buffer).setUint32(1, name.byteLength);
  prefix.set(name, 5);
  return prefix;
}

/**
 * The key of update `seq` of the document with this `updatePrefix`. A Buffer, which leveldown takes as is: the relay
 * writes one key per stored update, and building each from typed arrays and DataViews was most of a batch's cost.
 */
export function updateKeyWithPrefix(prefix: Uint8Array, seq: number): Buffer {
  const key = Buffer.allocUnsafe(prefix.byteLength + SEQ_BYTES);
  key.set(prefix, 0);
  key.writeUInt32BE(Math.floor(seq / 2 ** 32), prefix.byteLength);
  key.writeUInt32BE(seq >>> 0, prefix.byteLength + 4);
  return key;
}

export function updateKey(doc: string, seq: number): Buffer {
  return updateKeyWithPrefix(updatePrefix(doc), seq);
}

/** The inclusive key range holding every update of `doc`. */
export function updateRange(doc: string): { gte: Uint8Array; lte: Uint8Array } {
  return documentRange(updatePrefix(doc));
}

/** The key of a quarantined update of `doc` that had sequence number `seq` in the log. */
export function quarantineKey(doc: string, seq: number): Buffer {
  return updateKeyWithPrefix(documentPrefix(PREFIX_QUARANTINE, doc), seq);
}

/** The inclusive key range of the quarantined updates of `doc`, or of every document. */
export function quarantineRange(doc?: string): { gte: Uint8Array; lte: Uint8Array } | { gte: Uint8Array; lt: Uint8Array } {
  if (doc === undefined) return { gte: Uint8Array.of(PREFIX_QUARANTINE), lt: Uint8Array.of(PREFIX_QUARANTINE + 1) };
  return documentRange(documentPrefix(PREFIX_QUARANTINE, doc));
}

/** The key binding Yjs client id `client` of `doc` to a user. */
export function bindingKey(doc: string, client: number): Buffer {
  return updateKeyWithPrefix(documentPrefix(PREFIX_BINDING, doc), client);
}

/** The inclusive key range of the client bindings of `doc`. */
export function bindingRange(doc: string): { gte: Uint8Array; lte: Uint8Array } {
  return documentRange(documentPrefix(PREFIX_BINDING, doc));
}

/** The key of the record holding every checkpoint of `doc`. */
export function checkpointKey(doc: string): Buffer {
  return Buffer.from(documentPrefix(PREFIX_HISTORY, doc));
}

/** The sequence number (or client id) at the end of an update, quarantine or binding key. */
export function seqOfKey(key: Uint8Array): number {
  return decodeSeq(key, key.byteLength - SEQ_BYTES);
}

function documentRange(prefix: Uint8Array): { gte: Uint8Array; lte: Uint8Array } {
  const lte = new Uint8Array(prefix.byteLength + SEQ_BYTES).fill(0xff);
  lte.set(prefix);
  return { gte: prefix, lte };
}

/** Every update key of every document. */
export const updatesRange: { gte: Uint8Array; lt: Uint8Array } = {
  gte: Uint8Array.of(PREFIX_UPDATE),
  lt: Uint8Array.of(PREFIX_UPDATE + 1),
};

/** The document an update key (or a quarantine key: same layout) belongs to. */
export function docFromUpdateKey(key: Uint8Array): string {
  const length = new DataView(key.buffer, key.byteOffset + 1, 4).getUint32(0);
  return decoder.decode(key.subarray(5, 5 + length));
}
