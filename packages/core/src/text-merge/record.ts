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
 * Added to the head of a record written against its author's previous record (`encodeRecord`'s `previous`). Heads
 * below it are records written whole, as every record was before: `(field code << 1) | has author`.
 */
const AFTER_PREVIOUS = 8;

/**
 * Encodes a record compactly (lib0 variable-length integers): the author's own client is left out of `seen` (its clock
 * follows from the record's id and the inserted length) and deleted ranges name their client by its index in `seen`.
 *
 * With `previous`, the author's own record just before this one in the document (every replica that has this record has
 * that one too: a client's structs arrive in clock order), the record holds only what changed since it: the time as a
 * difference, and the entries of `seen` that moved. A person editing a field again pays neither the full time nor the
 * clock of every other writer of the document again: about 10 B of the 25–40 B a record costs.
 */
export function encodeRecord(record: NewEditRecord, ownClient: number, previous?: EditRecord): Uint8Array {
  const encoder = encoding.createEncoder();
  const code = FIELD_CODES.indexOf(record.field as (typeof FIELD_CODES)[number]);
  const others = [...record.seen].filter(([client]) => client !== ownClient);
  const base = previous && previous.client === ownClient ? deltaBase(previous, others, record.time) : null;
  encoding.writeVarUint(encoder, (base ? AFTER_PREVIOUS : 0) + (((code > 0 ? code : 0) << 1) | (record.by !== undefined ? 1 : 0)));
  if (code <= 0) encoding.writeVarString(encoder, record.field);
  /** The order in which `seen` names clients: deleted ranges name theirs by index in it. */
  let order: number[];
  if (base && previous) {
    encoding.writeVarUint(encoder, record.time - previous.time);
    const moved = others.filter(([client, clock]) => previous.seen.get(client) !== clock);
    encoding.writeVarUint(encoder, moved.length);
    for (const [client, clock] of moved) {
      encoding.writeVarUint(encoder, client);
      encoding.writeVarUint(encoder, clock);
    }
    order = [...base, ...moved.filter(([client]) => !previous.seen.has(client)).map(([client]) => client)];
  } else {
    encoding.writeVarUint(encoder, record.time);
    encoding.writeVarUint(encoder, others.length);
    for (const [client, clock] of others) {
      encoding.writeVarUint(encoder, client);
      encoding.writeVarUint(encoder, clock);
    }
    order = others.map(([client]) => client);
  }
  encoding.writeVarUint(encoder, record.insertedLength);
  encoding.writeVarUint(encoder, record.deleted.length);
  for (const range of record.deleted) {
    const index = range.client === ownClient ? order.length : order.indexOf(range.client);
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
 * The clients `previous` names, in its order, when a record can be written against it: it is earlier, and the new
 * record has seen at least what it had (state vectors only grow); null otherwise (the record is then written whole).
 */
function deltaBase(previous: EditRecord, others: ReadonlyArray<[number, number]>, time: number): number[] | null {
  if (time < previous.time) return null;
  const now = new Map(others);
  const base = [...previous.seen.keys()].filter((client) => client !== previous.client);
  return base.every((client) => (now.get(client) ?? -1) >= (previous.seen.get(client) ?? 0)) ? base : null;
}

/**
 * Decodes the record stored at `client:clock`, or null when the bytes are not a well-formed record (a replica skips
 * such a record: it keeps the characters as Yjs has them, and loses nothing else). `previous`: the same client's record
 * just before it in the document, which a record written against it needs (null: that one is unreadable).
 */
export function decodeRecord(bytes: Uint8Array, client: number, clock: number, previous?: EditRecord | null): EditRecord | null {
  try {
    const decoder = decoding.createDecoder(bytes);
    let head = decoding.readVarUint(decoder);
    let after: EditRecord | null = null;
    if (head >= AFTER_PREVIOUS) {
      if (!previous || previous.client !== client || previous.clock >= clock) return null;
      after = previous;
      head -= AFTER_PREVIOUS;
    }
    const code = head >>> 1;
    const field = code === 0 ? decoding.readVarString(decoder) : FIELD_CODES[code];
    if (field === undefined) return null;
    const time = decoding.readVarUint(decoder) + (after?.time ?? 0);
    const count = decoding.readVarUint(decoder);
    if (count > bytes.length) return null;
    const clients: number[] = [];
    const seen = new Map<number, number>();
    if (after) {
      for (const [other, seenClock] of after.seen) {
        if (other === client) continue;
        clients.push(other);
        seen.set(other, seenClock);
      }
    }
    for (let i = 0; i < count; i++) {
      const other = decoding.readVarUint(decoder);
      if (!seen.has(other)) clients.push(other);
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
