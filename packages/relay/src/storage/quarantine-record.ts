import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** What LevelDB keeps of a quarantined update (the document and id are in its key). */
export interface QuarantineRecord {
  readonly reason: string;
  readonly at: number;
  readonly update: Uint8Array;
}

export function encodeQuarantineRecord({ reason, at, update }: QuarantineRecord): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, reason);
  encoding.writeVarUint(encoder, at);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

export function decodeQuarantineRecord(bytes: Uint8Array): QuarantineRecord {
  const decoder = decoding.createDecoder(bytes);
  const reason = decoding.readVarString(decoder);
  const at = decoding.readVarUint(decoder);
  return { reason, at, update: decoding.readVarUint8Array(decoder).slice() };
}
