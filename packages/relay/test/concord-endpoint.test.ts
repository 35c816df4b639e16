import { ErrorCode, MessageType, type Message } from '@concord/core/protocol';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { useRawRelay } from './support/raw-relay.js';

const fixture = useRawRelay([]);
const connect = () => fixture.connect();

const is =
  <T extends Message['type']>(type: T) =>
  (message: Message): message is Extract<Message, { type: T }> =>
    message.type === type;

function edit(clientID: number, text: string): { doc: Y.Doc; update: Uint8Array } {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  doc.getText('title').insert(0, text);
  return { doc, update: Y.encodeStateAsUpdate(doc) };
}

describe('concord.v1 multiplexed endpoint (real relay process)', () => {
  it('negotiates the subprotocol', async () => {
    const client = await connect();
    expect(client.socket.protocol).toBe('concord.v1');
  });

  it('subscribes many documents in one frame, acks updates with end clocks, forwards them, and catches up', async () => {
    const a = await connect();
    const b = await connect();
    const docs = Array.from({ length: 200 }, (_, i) => `list/task-${i}`);
    const empty = Y.encodeStateVector(new Y.Doc());
    for (const client of [a, b]) client.send({ type: MessageType.Subscribe, entries: docs.map((doc) => ({ doc, stateVector: empty })) });
    for (const client of [a, b]) {
      const reply = await client.next(is(MessageType.SyncReply), 'SyncReply');
      expect(reply.entries.map((entry) => entry.doc)).toEqual(docs);
    }
    const { update } = edit(42, 'hello');
    a.send({ type: MessageType.Update, doc: 'list/task-7', update });
    const ack = await a.next(is(MessageType.Ack), 'Ack');
    expect(ack.doc).toBe('list/task-7');
    expect(Y.decodeStateVector(ack.clocks)).toEqual(new Map([[42, 5]]));
    const forwarded = await b.next(is(MessageType.Update), 'forwarded Update');
    expect(forwarded).toMatchObject({ doc: 'list/task-7', update });

    const c = await connect();
    c.send({ type: MessageType.Subscribe, entries: [{ doc: 'list/task-7', stateVector: empty }] });
    const catchUp = await c.next(is(MessageType.SyncReply), 'catch-up');
    const replica = new Y.Doc();
    Y.applyUpdate(replica, catchUp.entries[0]?.update ?? new Uint8Array());
    expect(replica.getText('title').toString()).toBe('hello');
    expect(Y.decodeStateVector(catchUp.entries[0]?.stateVector ?? new Uint8Array())).toEqual(new Map([[42, 5]]));
  });

  it('answers Ping with Pong, and refuses an update for an unsubscribed document with an Error', async () => {
    const client = await connect();
    client.send({ type: MessageType.Ping, nonce: 12345 });
    expect((await client.next(is(MessageType.Pong), 'Pong')).nonce).toBe(12345);
    client.send({ type: MessageType.Update, doc: 'not-mine', update: edit(1, 'x').update });
    const error = await client.next(is(MessageType.Error), 'Error');
    expect(error).toMatchObject({ doc: 'not-mine', code: ErrorCode.NotSubscribed });
    expect(client.closeCode).toBeNull();
  });

  it('closes a malformed frame with 4400 and an undecodable update with 4400; the relay stays up', async () => {
    const bad = await connect();
    bad.sendRaw(Uint8Array.of(99, 1, 2));
    expect(await bad.closed()).toBe(4400);

    const writer = await connect();
    const reader = await connect();
    for (const client of [writer, reader]) {
      client.send({ type: MessageType.Subscribe, entries: [{ doc: 'fragile', stateVector: Uint8Array.of(0) }] });
      await client.next(is(MessageType.SyncReply), 'SyncReply');
    }
    const good = edit(5, 'good').update;
    writer.send({ type: MessageType.Update, doc: 'fragile', update: good.subarray(0, good.length - 2) });
    expect(await writer.closed()).toBe(4400);

    const next = await connect();
    next.send({ type: MessageType.Subscribe, entries: [{ doc: 'fragile', stateVector: Uint8Array.of(0) }] });
    await next.next(is(MessageType.SyncReply), 'SyncReply after the bad update');
    next.send({ type: MessageType.Update, doc: 'fragile', update: good });
    await next.next(is(MessageType.Ack), 'Ack');
    await reader.next(is(MessageType.Update), 'the reader still served');
    expect(reader.closeCode).toBeNull();
  });

  it('queues updates sent right after Subscribe, before the SyncReply', async () => {
    const client = await connect();
    client.send({ type: MessageType.Subscribe, entries: [{ doc: 'eager', stateVector: Uint8Array.of(0) }] });
    client.send({ type: MessageType.Update, doc: 'eager', update: edit(9, 'early').update });
    await client.next(is(MessageType.SyncReply), 'SyncReply');
    expect((await client.next(is(MessageType.Ack), 'Ack')).doc).toBe('eager');
  });
});
