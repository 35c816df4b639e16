import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** A run of character ids of one Yjs client: clocks `clock` .. `clock + length - 1`. */
export interface IdRange {
  readonly client: number;
  readonly clock: number;
  readonly length: number;
}

/**
 * One local edit of a text field, written in the same transaction as the edit itself. Its id is the id of the Yjs
 * struct that holds it: a replica that has the record therefore has every earlier struct of that client, the edit's
 * inserted characters included.
 */
export interface EditRecord {
  readonly client: number;
  readonly clock: number;
  /** The name of the field's `Y.Text` in the task document. */
  readonly field: string;
  /** Hybrid logical time in milliseconds: later than every edit its author had seen. */
  readonly time: number;
  /** The author's state vector before the edit: which characters and records it had seen. */
  readonly seen: ReadonlyMap<number, number>;
  /** The characters the edit inserted: its own client's clocks just before the record. */
  readonly inserted: IdRange;
  /** The characters the edit deleted, as its author saw them, and their text in the same order. */
  readonly deleted: readonly IdRange[];
  readonly deletedText: string;
  /** What a pure insert (nothing deleted) inserted: identical pure inserts at one place collapse. */
  readonly insertedText?: string;
  /** The author's declared user id; written in the first record of each client in a document only. */
  readonly by?: string;
}

export type NewEditRecord = Omit<EditRecord, 'client' | 'clock' | 'inserted'> & { readonly insertedLength: number };

/** Fields with a short code; any other field name is written out. */
const FIELD_CODES = ['', 'title', 'description'] as const;

/**
 * Encodes a record compactly (lib0 variable-length integers): the author's own client is left out of `seen` (its clock
 * follows from the record's id and the inserted length) and deleted ranges name their client by its index in `seen`.
 */
export function encodeRecord(record: NewEditRecord, ownClient: number): Uint8Array {
  const encoder = encoding.createEncoder();
  const code = FIELD_CODES.indexOf(record.field as (typeof FIELD_CODES)[number]);
  encoding.writeVarUint(encoder, ((code > 0 ? code : 0) << 1) | (record.by !== undefined ? 1 : 0));
  if (code <= 0) encoding.writeVarString(encoder, record.field);
  encoding.writeVarUint(encoder, record.time);
  const others = [...record.seen].filter(([client]) => client !== ownClient);
  encoding.writeVarUint(encoder, others.length);
  for (const [client, clock] of others) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, clock);
  }
  encoding.writeVarUint(encoder, record.insertedLength);
  encoding.writeVarUint(encoder, record.deleted.length);
  for (const range of record.deleted) {
    const index = range.client === ownClient ? others.length : others.findIndex(([client]) => client === range.client);
    if (index < 0) throw new Error('a deleted range names a client the author had not seen');
    encoding.writeVarUint(encoder, index);
    encoding.writeVarUint(encoder, range.clock);
    encoding.writeVarUint(encoder, range.length);
  }
  if (record.deleted.length > 0) encoding.writeVarString(encoder, record.deletedText);
  else encoding.writeVarString(encoder, record.insertedText ?? '');
  if (record.by !== undefined) encoding.writeVarString(encoder, record.by);
  return encoding.toUint8Array(encoder);
}

/**
 * Decodes the record stored at `client:clock`, or null when the bytes are not a well-formed record (a replica skips
 * such a record: it keeps the characters as Yjs has them, and loses nothing else).
 */
export function decodeRecord(bytes: Uint8Array, client: number, clock: number): EditRecord | null {
  try {
    const decoder = decoding.createDecoder(bytes);
    const head = decoding.readVarUint(decoder);
    const code = head >>> 1;
    const field = code === 0 ? decoding.readVarString(decoder) : FIELD_CODES[code];
    if (field === undefined) return null;
    const time = decoding.readVarUint(decoder);
    const count = decoding.readVarUint(decoder);
    if (count > bytes.length) return null;
    const clients: number[] = [];
    const seen = new Map<number, number>();
    for (let i = 0; i < count; i++) {
      const other = decoding.readVarUint(decoder);
      clients.push(other);
      seen.set(other, decoding.readVarUint(decoder));
    }
    const insertedLength = decoding.readVarUint(decoder);
    if (insertedLength > clock) return null;
    seen.set(client, clock - insertedLength);
    clients.push(client);
    const ranges = decoding.readVarUint(decoder);
    if (ranges > bytes.length) return null;
    const deleted: IdRange[] = [];
    let total = 0;
    for (let i = 0; i < ranges; i++) {
      const owner = clients[decoding.readVarUint(decoder)];
      const start = decoding.readVarUint(decoder);
      const length = decoding.readVarUint(decoder);
      if (owner === undefined || length === 0 || start + length > (seen.get(owner) ?? 0)) return null;
      deleted.push({ client: owner, clock: start, length });
      total += length;
    }
    const deletedText = ranges > 0 ? decoding.readVarString(decoder) : '';
    if (deletedText.length !== total) return null;
    const insertedText = ranges === 0 ? decoding.readVarString(decoder) : undefined;
    if (insertedText !== undefined && insertedText.length !== insertedLength) return null;
    const by = (head & 1) === 1 ? decoding.readVarString(decoder) : undefined;
    if (decoder.pos !== bytes.length) return null;
    return {
      client,
      clock,
      field,
      time,
      seen,
      inserted: { client, clock: clock - insertedLength, length: insertedLength },
      deleted,
      deletedText,
      ...(insertedText !== undefined && { insertedText }),
      ...(by !== undefined && { by }),
    };
  } catch {
    return null;
  }
}
