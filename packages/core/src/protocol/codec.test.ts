import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeMessage, encodeMessage, ProtocolError } from './codec.js';
import { ErrorCode, MessageType, type Message } from './messages.js';
import { isDecodableUpdate, isEmptyUpdate } from './validate-update.js';

const bytes = fc.uint8Array({ maxLength: 64 });
const doc = fc.string({ minLength: 1, maxLength: 40 });
const nonce = fc.nat();
const message: fc.Arbitrary<Message> = fc.oneof(
  fc.record({ type: fc.constant(MessageType.Subscribe), entries: fc.array(fc.record({ doc, stateVector: bytes }), { maxLength: 5 }) }),
  fc.record({
    type: fc.constant(MessageType.SyncReply),
    entries: fc.array(fc.record({ doc, update: bytes, stateVector: bytes }), { maxLength: 5 }),
  }),
  fc.record({ type: fc.constant(MessageType.UpdateBatch), entries: fc.array(fc.record({ doc, update: bytes }), { maxLength: 5 }) }),
  fc.record({ type: fc.constant(MessageType.Unsubscribe), docs: fc.array(doc, { maxLength: 5 }) }),
  fc.record({ type: fc.constant(MessageType.Update), doc, update: bytes }),
  fc.record({ type: fc.constant(MessageType.Ack), doc, clocks: bytes }),
  fc.record({ type: fc.constant(MessageType.Awareness), doc, update: bytes }),
  fc.record({ type: fc.constant(MessageType.Error), doc, code: fc.constantFrom(...Object.values(ErrorCode)), message: fc.string() }),
  fc.record({ type: fc.constant(MessageType.Ping), nonce }),
  fc.record({ type: fc.constant(MessageType.Pong), nonce }),
  fc.record({ type: fc.constant(MessageType.Bindings), doc, bindings: fc.array(fc.record({ client: fc.nat(), user: fc.string() }), { maxLength: 5 }) }),
  fc.record({ type: fc.constant(MessageType.HistoryRequest), id: nonce, doc }),
  fc.record({
    type: fc.constant(MessageType.HistoryReply),
    id: nonce,
    doc,
    versions: fc.array(fc.record({ at: fc.nat({ max: 2 ** 45 }), by: fc.array(fc.string(), { maxLength: 3 }), content: fc.string() }), { maxLength: 4 }),
  }),
  fc.record({ type: fc.constant(MessageType.RestoreRequest), id: nonce, doc, time: fc.nat({ max: 2 ** 45 }), only: fc.string() }),
  fc.record({ type: fc.constant(MessageType.RestoreReply), id: nonce, doc, changed: fc.nat(), error: fc.string() }),
  fc.record({
    type: fc.constant(MessageType.RestoreResult),
    id: nonce,
    doc,
    changed: fc.nat(),
    error: fc.string(),
    updates: fc.array(fc.record({ doc, update: bytes }), { maxLength: 3 }),
  }),
);

describe('protocol codec', () => {
  it('round-trips every message', () => {
    fc.assert(fc.property(message, (m) => {
        expect(decodeMessage(encodeMessage(m))).toEqual(m);
      }), { numRuns: 500 });
  });

  it('answers arbitrary bytes with a message or a ProtocolError, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (frame) => {
        try {
          decodeMessage(frame);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
          expect((error as ProtocolError).code).toBe('ERR_MALFORMED_FRAME');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects every truncation and any trailing byte of a valid frame', () => {
    fc.assert(
      fc.property(message, fc.nat(), (m, cut) => {
        const frame = encodeMessage(m);
        const truncated = frame.subarray(0, cut % frame.byteLength);
        expect(() => decodeMessage(truncated)).toThrow(ProtocolError);
        expect(() => decodeMessage(Uint8Array.of(...frame, 0))).toThrow(ProtocolError);
      }),
      { numRuns: 500 },
    );
  });

  it('returns payloads as exact-size copies, never views into the frame', () => {
    const frame = encodeMessage({ type: MessageType.Update, doc: 'd', update: Uint8Array.of(0, 0) });
    const decoded = decodeMessage(frame);
    if (decoded.type !== MessageType.Update) throw new Error('expected an update');
    expect(decoded.update.byteOffset).toBe(0);
    expect(decoded.update.buffer.byteLength).toBe(2);
  });
});

describe('update validation', () => {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  doc.getText('t').insert(0, 'hello world');
  doc.getText('t').delete(2, 3);
  doc.getMap('m').set('k', 1);

  it('accepts real updates and recognises the empty one', () => {
    for (const update of updates) expect(isDecodableUpdate(update)).toBe(true);
    expect(isEmptyUpdate(Y.encodeStateAsUpdate(new Y.Doc()))).toBe(true);
    expect(isEmptyUpdate(updates[0]!)).toBe(false);
  });

  it('rejects every truncation of a real update', () => {
    const update = Y.encodeStateAsUpdate(doc);
    for (let length = 0; length < update.byteLength; length++) {
      expect(isDecodableUpdate(update.slice(0, length)), `length ${length}`).toBe(false);
    }
  });
});
