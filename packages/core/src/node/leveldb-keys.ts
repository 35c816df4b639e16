import * as encoding from 'lib0/encoding';

/**
 * Key layout of `LevelDbPersistence`. A document's name is written length-prefixed (lib0 var string), so no name's
 * keys lie inside another's range, whatever characters names hold:
 * - `u` name seq: one stored update of the document; `seq` (8 bytes, big-endian) is unique in the database.
 * - `m` name key: one metadata value of the document (its key in UTF-8, which never holds the byte 0xff).
 * - `s`: the last `seq` handed out, written in the same batch as the records that use it.
 */
export const COUNTER_KEY = Buffer.from('s');

const prefixed = (tag: string, name: string): Buffer => {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, tag);
  encoding.writeVarString(encoder, name);
  return Buffer.from(encoding.toUint8Array(encoder));
};

export const updatePrefix = (name: string): Buffer => prefixed('u', name);
export const metaPrefix = (name: string): Buffer => prefixed('m', name);

export const updateKey = (name: string, seq: number): Buffer => Buffer.concat([updatePrefix(name), encodeSeq(seq)]);
export const metaKey = (name: string, key: string): Buffer => Buffer.concat([metaPrefix(name), Buffer.from(key, 'utf8')]);

/** The range holding every key that starts with `prefix` (followed by bytes other than a run of 0xff). */
export const prefixRange = (prefix: Buffer): { gt: Buffer; lt: Buffer } => ({
  gt: prefix,
  lt: Buffer.concat([prefix, Buffer.alloc(9, 0xff)]),
});

export function encodeSeq(seq: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(seq));
  return bytes;
}

export function decodeSeq(bytes: Buffer): number {
  if (bytes.byteLength !== 8) throw new RangeError(`a sequence number is 8 bytes, not ${bytes.byteLength}`);
  return Number(bytes.readBigUInt64BE());
}
