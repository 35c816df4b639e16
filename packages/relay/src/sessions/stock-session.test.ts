import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ControlledStorage, deferred } from '../../test/support/controlled-storage.js';
import { craftUpdate } from '../../test/support/crafted-updates.js';
import { FakeSocket } from '../../test/support/fake-socket.js';
import { sessionEngine } from '../../test/support/session-engine.js';
import { waitFor } from '../../test/support/wait.js';
import { encodeAwarenessUpdate } from '../engine/awareness-states.js';
import { StockSession } from './stock-session.js';

function setup(storage = new ControlledStorage()) {
  const { engine, context } = sessionEngine(storage);
  return { engine, storage, open: (doc: string, socket = new FakeSocket()) => ({ socket, session: new StockSession(context, socket, doc) }) };
}

const syncMessage = (step: number, payload: Uint8Array): Uint8Array => {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarUint(encoder, step);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
};

function parse(frame: Uint8Array): { type: number; step: number; payload: Uint8Array } {
  const decoder = decoding.createDecoder(frame);
  const type = decoding.readVarUint(decoder);
  const step = type === 0 ? decoding.readVarUint(decoder) : -1;
  return { type, step, payload: decoding.readVarUint8Array(decoder) };
}

describe('StockSession', () => {
  it('joins a loaded document in the same turn: its sync step 1 is sent before the constructor returns', async () => {
    const { open } = setup();
    const first = open('d');
    await waitFor(() => first.socket.sent.length >= 1, 'first member joined');
    const { socket } = open('d');
    expect(socket.sent.map(parse)).toMatchObject([{ type: 0, step: 0 }]);
  });

  it('answers sync step 1 only once the stored state is loaded, with the content, and sends its own step 1', async () => {
    const { storage, open } = setup();
    const source = new Y.Doc();
    source.getText('t').insert(0, 'stored');
    await storage.inner.appendUpdates([{ doc: 'd', update: Y.encodeStateAsUpdate(source) }]);
    const gate = deferred();
    storage.loadGate = gate.promise;
    const { socket, session } = open('d');
    session.handleMessage(syncMessage(0, Uint8Array.of(0)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(socket.sent).toHaveLength(0); // no premature (empty) answer
    gate.resolve();
    await waitFor(() => socket.sent.length >= 2, 'answers');
    const [relayStep1, step2] = socket.sent.map(parse);
    expect(relayStep1).toMatchObject({ type: 0, step: 0 });
    expect(step2).toMatchObject({ type: 0, step: 1 });
    const replica = new Y.Doc();
    Y.applyUpdate(replica, step2?.payload ?? new Uint8Array());
    expect(replica.getText('t').toString()).toBe('stored');
  });

  it('treats sync step 2 and updates as updates: persisted, then forwarded as messageSync/update', async () => {
    const { storage, open } = setup();
    const a = open('d');
    const b = open('d');
    await waitFor(() => a.socket.sent.length > 0 && b.socket.sent.length > 0, 'joined');
    b.socket.sent.length = 0;
    const writer = new Y.Doc();
    writer.getText('t').insert(0, 'x');
    const update = Y.encodeStateAsUpdate(writer);
    a.session.handleMessage(syncMessage(1, update));
    await waitFor(() => b.socket.sent.length === 1, 'forward');
    expect(parse(b.socket.sent[0] as Uint8Array)).toMatchObject({ type: 0, step: 2, payload: update });
    expect(await storage.inner.loadUpdates('d')).toHaveLength(1);
    a.session.handleMessage(Uint8Array.of(3)); // query awareness: ignored, no close
    expect(a.socket.closed).toBeNull();
  });

  it('closes with 4500 when the update cannot be stored (the client re-syncs and re-sends), and 4400 on garbage', async () => {
    const { storage, open } = setup();
    const a = open('d');
    await waitFor(() => a.socket.sent.length > 0, 'joined');
    storage.failAppends = true;
    const writer = new Y.Doc();
    writer.getText('t').insert(0, 'x');
    a.session.handleMessage(syncMessage(2, Y.encodeStateAsUpdate(writer)));
    await waitFor(() => a.socket.closed !== null, 'close');
    expect(a.socket.closed?.code).toBe(4500);
    const b = open('d');
    await waitFor(() => b.socket.sent.length > 0, 'joined');
    b.session.handleMessage(Uint8Array.of(0, 2, 200));
    expect(b.socket.closed?.code).toBe(4400);
  });

  it('answers a sync step 1 only once every update the connection sent before it is durable', async () => {
    const { storage, open } = setup();
    const a = open('d');
    await waitFor(() => a.socket.sent.length > 0, 'joined');
    a.socket.sent.length = 0;
    const gate = deferred();
    storage.appendGate = gate.promise;
    const writer = new Y.Doc();
    writer.getText('t').insert(0, 'durable');
    a.session.handleMessage(syncMessage(2, Y.encodeStateAsUpdate(writer)));
    a.session.handleMessage(syncMessage(0, Y.encodeStateVector(writer)));
    await waitFor(() => storage.appendCalls.length === 1, 'the write started');
    await new Promise((resolve) => setImmediate(resolve));
    expect(a.socket.sent).toHaveLength(0); // the round trip is not complete while the write is in flight
    gate.resolve();
    await waitFor(() => a.socket.sent.length === 1, 'sync step 2');
    expect(parse(a.socket.sent[0] as Uint8Array)).toMatchObject({ type: 0, step: 1 });
    expect(await storage.inner.loadUpdates('d')).toHaveLength(1);
  });

  it('closes with 4422 on an update that would not apply, and keeps serving the others', async () => {
    const { storage, open } = setup();
    const [honest, attacker] = [open('d'), open('d')];
    await waitFor(() => honest.socket.sent.length > 0 && attacker.socket.sent.length > 0, 'joined');
    attacker.session.handleMessage(syncMessage(2, craftUpdate({ deletes: [{ client: 3, ranges: [[0, 0]] }] })));
    await waitFor(() => attacker.socket.closed !== null, 'close');
    expect(attacker.socket.closed).toMatchObject({ code: 4422, reason: 'ERR_CORRUPT_UPDATE' });
    const writer = new Y.Doc();
    writer.getText('t').insert(0, 'fine');
    honest.session.handleMessage(syncMessage(2, Y.encodeStateAsUpdate(writer)));
    await waitFor(() => storage.appendCalls.length === 1, 'stored');
    expect(honest.socket.closed).toBeNull();
  });

  it('drops an awareness state over the size limit without closing, and forwards nothing of it', async () => {
    const { open } = setup();
    const [sender, watcher] = [open('d'), open('d')];
    await waitFor(() => sender.socket.sent.length > 0 && watcher.socket.sent.length > 0, 'joined');
    watcher.socket.sent.length = 0;
    const huge = encodeAwarenessUpdate([{ clientID: 1, clock: 1, state: JSON.stringify({ name: 'x'.repeat(70 * 1024) }) }]);
    const small = encodeAwarenessUpdate([{ clientID: 1, clock: 2, state: JSON.stringify({ name: 'Ann' }) }]);
    for (const update of [huge, small]) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, 1);
      encoding.writeVarUint8Array(encoder, update);
      sender.session.handleMessage(encoding.toUint8Array(encoder));
    }
    expect(sender.socket.closed).toBeNull();
    expect(watcher.socket.sent).toHaveLength(1);
    expect(parse(watcher.socket.sent[0] as Uint8Array).payload).toEqual(small);
  });
});
