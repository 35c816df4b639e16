import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import {
  MessageType,
  type ErrorCodeValue,
  type Message,
  type SubscribeEntry,
  type SyncReplyEntry,
  type UpdateBatchEntry,
} from './messages.js';

/** Thrown by `decodeMessage` for bytes that are not exactly one valid message. Stable `code`: `ERR_MALFORMED_FRAME`. */
export class ProtocolError extends Error {
  readonly code = 'ERR_MALFORMED_FRAME';
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** Longest document name accepted on the wire, in UTF-8 bytes' worth of characters. */
export const MAX_DOC_NAME_LENGTH = 512;

/** Encodes a message as one binary frame (the layout in PROTOCOL.md); the inverse of `decodeMessage`. */
export function encodeMessage(message: Message): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, message.type);
  switch (message.type) {
    case MessageType.Subscribe:
      writeEntries(encoder, message.entries, (entry) => {
        encoding.writeVarString(encoder, entry.doc);
        encoding.writeVarUint8Array(encoder, entry.stateVector);
      });
      break;
    case MessageType.SyncReply:
      writeEntries(encoder, message.entries, (entry) => {
        encoding.writeVarString(encoder, entry.doc);
        encoding.writeVarUint8Array(encoder, entry.update);
        encoding.writeVarUint8Array(encoder, entry.stateVector);
      });
      break;
    case MessageType.UpdateBatch:
      writeEntries(encoder, message.entries, (entry) => {
        encoding.writeVarString(encoder, entry.doc);
        encoding.writeVarUint8Array(encoder, entry.update);
      });
      break;
    case MessageType.Unsubscribe:
      writeEntries(encoder, message.docs, (doc) => encoding.writeVarString(encoder, doc));
      break;
    case MessageType.Update:
    case MessageType.Awareness:
      encoding.writeVarString(encoder, message.doc);
      encoding.writeVarUint8Array(encoder, message.update);
      break;
    case MessageType.Ack:
      encoding.writeVarString(encoder, message.doc);
      encoding.writeVarUint8Array(encoder, message.clocks);
      break;
    case MessageType.Error:
      encoding.writeVarString(encoder, message.doc);
      encoding.writeVarUint(encoder, message.code);
      encoding.writeVarString(encoder, message.message);
      break;
    case MessageType.Ping:
    case MessageType.Pong:
      encoding.writeVarUint(encoder, message.nonce);
      break;
    case MessageType.Bindings:
      encoding.writeVarString(encoder, message.doc);
      writeEntries(encoder, message.bindings, (binding) => {
        encoding.writeVarUint(encoder, binding.client);
        encoding.writeVarString(encoder, binding.user);
      });
      break;
    case MessageType.HistoryRequest:
      encoding.writeVarUint(encoder, message.id);
      encoding.writeVarString(encoder, message.doc);
      break;
    case MessageType.HistoryReply:
      encoding.writeVarUint(encoder, message.id);
      encoding.writeVarString(encoder, message.doc);
      writeEntries(encoder, message.versions, (version) => {
        encoding.writeVarUint(encoder, version.at);
        writeEntries(encoder, version.by, (user) => encoding.writeVarString(encoder, user));
        encoding.writeVarString(encoder, version.content);
      });
      break;
    case MessageType.RestoreRequest:
      encoding.writeVarUint(encoder, message.id);
      encoding.writeVarString(encoder, message.doc);
      encoding.writeVarUint(encoder, message.time);
      encoding.writeVarString(encoder, message.only);
      break;
    case MessageType.RestoreReply:
    case MessageType.RestoreResult:
      encoding.writeVarUint(encoder, message.id);
      encoding.writeVarString(encoder, message.doc);
      encoding.writeVarUint(encoder, message.changed);
      encoding.writeVarString(encoder, message.error);
      if (message.type === MessageType.RestoreResult) {
        writeEntries(encoder, message.updates, (entry) => {
          encoding.writeVarString(encoder, entry.doc);
          encoding.writeVarUint8Array(encoder, entry.update);
        });
      }
      break;
  }
  return encoding.toUint8Array(encoder);
}

function writeEntries<T>(encoder: encoding.Encoder, entries: readonly T[], write: (entry: T) => void): void {
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) write(entry);
}

/**
 * Decodes exactly one message. Throws `ProtocolError` for an unknown tag, a truncated frame, trailing bytes or an
 * over-long document name. Nested Yjs payloads are returned as exact-size copies: validating them is the caller's job,
 * and a copy guarantees lib0 can never read past a payload's end into a larger buffer it was a view of.
 */
export function decodeMessage(frame: Uint8Array): Message {
  const decoder = decoding.createDecoder(frame);
  let message: Message;
  try {
    message = readMessage(decoder);
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    throw new ProtocolError(`malformed frame: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (decoder.pos !== frame.byteLength) {
    throw new ProtocolError(`malformed frame: ${frame.byteLength - decoder.pos} trailing bytes`);
  }
  return message;
}

function readMessage(decoder: decoding.Decoder): Message {
  const type = readUint(decoder);
  switch (type) {
    case MessageType.Subscribe:
      return {
        type,
        entries: readEntries(decoder, (): SubscribeEntry => ({ doc: readDocName(decoder), stateVector: readBytes(decoder) })),
      };
    case MessageType.SyncReply:
      return {
        type,
        entries: readEntries(
          decoder,
          (): SyncReplyEntry => ({ doc: readDocName(decoder), update: readBytes(decoder), stateVector: readBytes(decoder) }),
        ),
      };
    case MessageType.UpdateBatch:
      return { type, entries: readUpdateEntries(decoder) };
    case MessageType.Unsubscribe:
      return { type, docs: readEntries(decoder, () => readDocName(decoder)) };
    case MessageType.Update:
    case MessageType.Awareness:
      return { type, doc: readDocName(decoder), update: readBytes(decoder) };
    case MessageType.Ack:
      return { type, doc: readDocName(decoder), clocks: readBytes(decoder) };
    case MessageType.Error:
      return { type, doc: readDocName(decoder), code: readUint(decoder) as ErrorCodeValue, message: readString(decoder) };
    case MessageType.Ping:
    case MessageType.Pong:
      return { type, nonce: readUint(decoder) };
    case MessageType.Bindings:
      return { type, doc: readDocName(decoder), bindings: readEntries(decoder, () => ({ client: readUint(decoder), user: readString(decoder) })) };
    case MessageType.HistoryRequest:
      return { type, id: readUint(decoder), doc: readDocName(decoder) };
    case MessageType.HistoryReply:
      return {
        type,
        id: readUint(decoder),
        doc: readDocName(decoder),
        versions: readEntries(decoder, () => ({ at: readUint(decoder), by: readEntries(decoder, () => readString(decoder)), content: readString(decoder) })),
      };
    case MessageType.RestoreRequest:
      return { type, id: readUint(decoder), doc: readDocName(decoder), time: readUint(decoder), only: readString(decoder) };
    case MessageType.RestoreReply:
      return { type, id: readUint(decoder), doc: readDocName(decoder), changed: readUint(decoder), error: readString(decoder) };
    case MessageType.RestoreResult:
      return {
        type,
        id: readUint(decoder),
        doc: readDocName(decoder),
        changed: readUint(decoder),
        error: readString(decoder),
        updates: readUpdateEntries(decoder),
      };
    default:
      throw new ProtocolError(`unknown message type ${type}`);
  }
}

// lib0's readers do not bounds-check: past the end they return undefined or garbage instead of throwing.
function ensureAvailable(decoder: decoding.Decoder, length: number): void {
  if (decoder.pos + length > decoder.arr.byteLength) throw new ProtocolError('malformed frame: truncated');
}

function readUint(decoder: decoding.Decoder): number {
  ensureAvailable(decoder, 1);
  const value = decoding.readVarUint(decoder);
  if (decoder.pos > decoder.arr.byteLength || !Number.isSafeInteger(value)) throw new ProtocolError('malformed frame: truncated');
  return value;
}

function readBytes(decoder: decoding.Decoder): Uint8Array {
  const length = readUint(decoder);
  ensureAvailable(decoder, length);
  return decoding.readUint8Array(decoder, length).slice();
}

// Created once: a decoder per string cost an allocation on every frame.
const utf8 = new TextDecoder('utf-8', { fatal: true });

function readString(decoder: decoding.Decoder): string {
  return utf8.decode(readBytes(decoder));
}

function readDocName(decoder: decoding.Decoder): string {
  const name = readString(decoder);
  if (name.length === 0 || name.length > MAX_DOC_NAME_LENGTH) {
    throw new ProtocolError(`malformed frame: document name must have 1 to ${MAX_DOC_NAME_LENGTH} characters`);
  }
  return name;
}

function readUpdateEntries(decoder: decoding.Decoder): UpdateBatchEntry[] {
  return readEntries(decoder, () => ({ doc: readDocName(decoder), update: readBytes(decoder) }));
}

function readEntries<T>(decoder: decoding.Decoder, read: () => T): T[] {
  const count = readUint(decoder);
  // Every entry takes at least one byte, so a count beyond the bytes left is a lie, not a large batch.
  ensureAvailable(decoder, count);
  const entries: T[] = [];
  for (let i = 0; i < count; i++) entries.push(read());
  return entries;
}
