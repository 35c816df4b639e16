import { isDecodableUpdate } from '@concord/core/protocol';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { varUintBytes, writeVarUint } from '../bytes/var-uint.js';
import type { AppendEntry } from './document-storage.js';

// The write-ahead log's record format (PROTOCOL.md, "Write-ahead log"): encoding appends and checkpoints, and reading
// back what a segment holds past its last checkpoint. WriteAheadStorage decides when to write and what to replay.

/**
 * One record per append: u32 LE byte length, then the payload: the entry count, then each entry's document name and
 * update (lib0 var-uints and var-strings, as `readSegment` decodes them). A checkpoint record has no entry and an offset
 * instead: records before it are in the inner storage. When entries bind client ids to users (`AppendEntry.binds`), the
 * payload goes on after the entries: the binding count, then per binding the entry's index, the client id and the user
 * (a record without them ends after its entries, as records written before bindings existed do).
 *
 * Written by hand into one pooled Buffer: this runs once per event-loop turn that carries an update, and lib0's growing
 * encoder plus the copy into a framed record allocated three buffers per record.
 */
export function encodeEntries(entries: readonly AppendEntry[]): Uint8Array {
  let payloadBytes = varUintBytes(entries.length);
  let binding = false;
  for (const { doc, update, binds } of entries) {
    const nameBytes = Buffer.byteLength(doc);
    payloadBytes += varUintBytes(nameBytes) + nameBytes + varUintBytes(update.byteLength) + update.byteLength;
    binding ||= binds !== undefined;
  }
  const bindings = binding ? encodeBindings(entries) : null;
  payloadBytes += bindings?.byteLength ?? 0;
  const record = Buffer.allocUnsafe(4 + payloadBytes);
  record.writeUInt32LE(payloadBytes, 0);
  let offset = writeVarUint(record, 4, entries.length);
  for (const { doc, update } of entries) {
    offset = writeVarUint(record, offset, Buffer.byteLength(doc));
    offset += record.write(doc, offset);
    offset = writeVarUint(record, offset, update.byteLength);
    record.set(update, offset);
    offset += update.byteLength;
  }
  if (bindings !== null) record.set(bindings, offset);
  return record;
}

/** Rare (a client id's first write with authentication on): lib0's encoder is fine here. */
function encodeBindings(entries: readonly AppendEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  const all = entries.flatMap(({ binds }, index) => [...(binds ?? [])].map(([client, user]) => ({ index, client, user })));
  encoding.writeVarUint(encoder, all.length);
  for (const { index, client, user } of all) {
    encoding.writeVarUint(encoder, index);
    encoding.writeVarUint(encoder, client);
    encoding.writeVarString(encoder, user);
  }
  return encoding.toUint8Array(encoder);
}

export function checkpointRecord(offset: number): Uint8Array {
  const payloadBytes = 1 + varUintBytes(offset);
  const record = Buffer.allocUnsafe(4 + payloadBytes);
  record.writeUInt32LE(payloadBytes, 0);
  writeVarUint(record, writeVarUint(record, 4, 0), offset);
  return record;
}

/**
 * The entries of a segment that are past its last checkpoint; a torn last record (a crash mid-write) was never
 * acknowledged and is dropped.
 */
export function readSegment(bytes: Uint8Array): AppendEntry[] {
  const records: { start: number; entries: AppendEntry[] }[] = [];
  let checkpoint = 0;
  const decoder = decoding.createDecoder(bytes);
  while (bytes.byteLength - decoder.pos >= 4) {
    const start = decoder.pos;
    const length = decoding.readUint32(decoder);
    if (bytes.byteLength - decoder.pos < length) break;
    const record = decoding.createDecoder(decoding.readUint8Array(decoder, length).slice());
    try {
      const count = decoding.readVarUint(record);
      if (count === 0) {
        checkpoint = Math.max(checkpoint, decoding.readVarUint(record));
        continue;
      }
      const entries: { doc: string; update: Uint8Array; binds?: Map<number, string> }[] = [];
      for (let i = 0; i < count; i++) {
        const doc = decoding.readVarString(record);
        const update = decoding.readVarUint8Array(record).slice();
        if (!isDecodableUpdate(update)) throw new Error('undecodable update');
        entries.push({ doc, update });
      }
      if (decoding.hasContent(record)) {
        for (let bindings = decoding.readVarUint(record); bindings > 0; bindings--) {
          const entry = entries[decoding.readVarUint(record)];
          if (entry === undefined) throw new Error('binding of a missing entry');
          (entry.binds ??= new Map()).set(decoding.readVarUint(record), decoding.readVarString(record));
        }
      }
      records.push({ start, entries });
    } catch {
      break;
    }
  }
  return records.filter((record) => record.start >= checkpoint).flatMap((record) => record.entries);
}

