import { decodeMessage, encodeMessage, ErrorCode, MessageType, type ClientMessage, type Message } from '@concord/core/protocol';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeAwarenessUpdate } from '../engine/awareness-states.js';
import { ControlledStorage, deferred } from '../../test/support/controlled-storage.js';
import { FakeSocket } from '../../test/support/fake-socket.js';
import { sessionEngine } from '../../test/support/session-engine.js';
import { waitFor } from '../../test/support/wait.js';
import { ConcordSession } from './concord-session.js';

function setup(storage = new ControlledStorage()) {
  const { engine, context } = sessionEngine(storage);
  const connect = () => {
    const socket = new FakeSocket();
    const session = new ConcordSession(context, socket);
    return {
      socket,
      session,
      send: (message: ClientMessage) => session.handleMessage(encodeMessage(message)),
      messages: (): Message[] => socket.sent.map((frame) => decodeMessage(frame)),
    };
  };
  return { engine, storage, connect };
}

const update = (text: string, clientID = 3): Uint8Array => {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
};

async function subscribed(client: ReturnType<ReturnType<typeof setup>['connect']>, ...docs: string[]): Promise<void> {
  client.send({ type: MessageType.Subscribe, entries: docs.map((doc) => ({ doc, stateVector: Uint8Array.of(0) })) });
  await waitFor(() => client.messages().some((m) => m.type === MessageType.SyncReply), 'SyncReply');
}

describe('ConcordSession', () => {
  it('answers Subscribe only after every document of the batch is loaded', async () => {
    const { storage, connect } = setup();
    const gate = deferred();
    storage.loadGate = gate.promise;
    const client = connect();
    client.send({ type: MessageType.Subscribe, entries: ['a', 'b'].map((doc) => ({ doc, stateVector: Uint8Array.of(0) })) });
    await new Promise((resolve) => setImmediate(resolve));
    expect(client.socket.sent).toHaveLength(0);
    gate.resolve();
    await waitFor(() => client.socket.sent.length === 1, 'SyncReply');
    expect(client.messages()[0]).toMatchObject({ type: MessageType.SyncReply, entries: [{ doc: 'a' }, { doc: 'b' }] });
  });

  it('a storage failure is an Error(StorageFailed) to the sender, no Ack, no forward; the connection stays open', async () => {
    const { storage, connect } = setup();
    const [a, b] = [connect(), connect()];
    await subscribed(a, 'd');
    await subscribed(b, 'd');
    storage.failAppends = true;
    a.send({ type: MessageType.Update, doc: 'd', update: update('x') });
    await waitFor(() => a.messages().some((m) => m.type === MessageType.Error), 'Error');
    expect(a.messages().find((m) => m.type === MessageType.Error)).toMatchObject({ doc: 'd', code: ErrorCode.StorageFailed });
    expect(a.messages().some((m) => m.type === MessageType.Ack)).toBe(false);
    expect(b.messages().some((m) => m.type === MessageType.Update)).toBe(false);
    expect(a.socket.closed).toBeNull();
  });

  it('stops forwarding after Unsubscribe, and broadcasts awareness removal when a connection closes', async () => {
    const { connect } = setup();
    const [a, b] = [connect(), connect()];
    await subscribed(a, 'd');
    await subscribed(b, 'd');
    a.send({ type: MessageType.Awareness, doc: 'd', update: encodeAwarenessUpdate([{ clientID: 77, clock: 1, state: '{"u":1}' }]) });
    expect(b.messages().filter((m) => m.type === MessageType.Awareness)).toHaveLength(1);
    a.session.handleClose();
    const removal = b.messages().filter((m) => m.type === MessageType.Awareness).at(-1);
    expect(removal).toMatchObject({ update: encodeAwarenessUpdate([{ clientID: 77, clock: 2, state: 'null' }]) });
    b.send({ type: MessageType.Unsubscribe, docs: ['d'] });
    const c = connect();
    await subscribed(c, 'd');
    c.send({ type: MessageType.Update, doc: 'd', update: update('y') });
    await waitFor(() => c.messages().some((m) => m.type === MessageType.Ack), 'Ack');
    expect(b.messages().some((m) => m.type === MessageType.Update)).toBe(false);
  });

  it('closes with 4400 on a relay-to-client message or a malformed state vector', async () => {
    const { connect } = setup();
    const a = connect();
    a.send({ type: MessageType.Pong, nonce: 1 } as unknown as ClientMessage);
    expect(a.socket.closed?.code).toBe(4400);
    const b = connect();
    b.send({ type: MessageType.Subscribe, entries: [{ doc: 'd', stateVector: Uint8Array.of(9) }] });
    await waitFor(() => b.socket.closed !== null, 'close');
    expect(b.socket.closed?.code).toBe(4400);
  });
});
