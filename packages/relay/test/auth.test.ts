import { ErrorCode, MessageType, PROTOCOL_V1, type Message } from '@concord/core/protocol';
import { WebSocketTransport } from '@concord/core';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { createToken } from '../src/auth/tokens.js';
import { RawConcordClient } from './support/concord-client.js';
import { destroyAllStockClients, stockClient, synced } from './support/stock-client.js';
import { useRawRelay } from './support/raw-relay.js';
import { relayMetric } from './support/metrics.js';
import { waitFor } from './support/wait.js';

const SECRET = 'test-secret-0123456789';
const fixture = useRawRelay(['--auth-secret', SECRET]);
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  destroyAllStockClients();
});

const token = (lists: string[] | '*', mode: 'rw' | 'ro' = 'rw', ttlSeconds = 3600): Promise<string> => createToken({ secret: SECRET, lists, mode, ttlSeconds, sub: 'tester' });
const is =
  <T extends Message['type']>(type: T) =>
  (message: Message): message is Extract<Message, { type: T }> =>
    message.type === type;

/** The HTTP status of a refused upgrade, or 101. */
function upgradeStatus(url: string, protocols: string[] = []): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, protocols);
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => {
      resolve(101);
      socket.terminate();
    });
    socket.on('error', () => undefined);
  });
}

async function concord(tokenValue: string): Promise<RawConcordClient> {
  const client = await RawConcordClient.connect(`${fixture.relay.url}/?token=${tokenValue}`);
  cleanups.push(() => client.close());
  return client;
}

const edit = (clientID: number, text: string): Uint8Array => {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
};

describe('tokens (real relay process with --auth-secret)', () => {
  it('refuses at the upgrade: no token, bad signature, expired → 401; stock document outside the lists → 403', async () => {
    const good = await token(['L1']);
    const forged = await createToken({ secret: 'another-secret-0123456789', lists: '*', ttlSeconds: 3600 });
    const expired = await createToken({ secret: SECRET, lists: '*', ttlSeconds: 1, now: Date.now() - 10_000 });
    expect(await upgradeStatus(`${fixture.relay.url}/L1`)).toBe(401);
    expect(await upgradeStatus(`${fixture.relay.url}/L1?token=${forged}`)).toBe(401);
    expect(await upgradeStatus(`${fixture.relay.url}/L1?token=${expired}`)).toBe(401);
    expect(await upgradeStatus(`${fixture.relay.url}/?token=garbage`, [PROTOCOL_V1])).toBe(401);
    expect(await upgradeStatus(`${fixture.relay.url}/L2?token=${good}`)).toBe(403);
    expect(await upgradeStatus(`${fixture.relay.url}/L1/task-1?token=${good}`)).toBe(101);
    expect(await upgradeStatus(`${fixture.relay.url}/?token=${good}`, [PROTOCOL_V1])).toBe(101);
  });

  it('concord.v1: a document outside the lists gets Error(Forbidden) and nothing of it; the others sync', async () => {
    const writer = await concord(await token('*'));
    writer.send({ type: MessageType.Subscribe, entries: [{ doc: 'secret', stateVector: Uint8Array.of(0) }] });
    await writer.next(is(MessageType.SyncReply), 'SyncReply');
    writer.send({ type: MessageType.Update, doc: 'secret', update: edit(1, 'hidden') });
    await writer.next(is(MessageType.Ack), 'Ack');

    const reader = await concord(await token(['L1']));
    reader.send({ type: MessageType.Subscribe, entries: ['secret', 'L1/a'].map((doc) => ({ doc, stateVector: Uint8Array.of(0) })) });
    const error = await reader.next(is(MessageType.Error), 'Error');
    expect(error).toMatchObject({ doc: 'secret', code: ErrorCode.Forbidden });
    const reply = await reader.next(is(MessageType.SyncReply), 'SyncReply');
    expect(reply.entries.map((entry) => entry.doc)).toEqual(['L1/a']);
    writer.send({ type: MessageType.Update, doc: 'secret', update: edit(1, 'more') });
    await writer.next(is(MessageType.Ack), 'Ack 2');
    reader.send({ type: MessageType.Ping, nonce: 1 });
    await reader.next(is(MessageType.Pong), 'Pong');
    expect(reader.received.some((m) => 'doc' in m && m.doc === 'secret')).toBe(false);
  });

  it('a read-only token receives updates; its writes get Error(ReadOnly) and are never stored or forwarded', async () => {
    const rw = await concord(await token(['L3']));
    const ro = await concord(await token(['L3'], 'ro'));
    for (const client of [rw, ro]) {
      client.send({ type: MessageType.Subscribe, entries: [{ doc: 'L3', stateVector: Uint8Array.of(0) }] });
      await client.next(is(MessageType.SyncReply), 'SyncReply');
    }
    ro.send({ type: MessageType.Update, doc: 'L3', update: edit(7, 'nope') });
    expect(await ro.next(is(MessageType.Error), 'ReadOnly')).toMatchObject({ doc: 'L3', code: ErrorCode.ReadOnly });
    rw.send({ type: MessageType.Update, doc: 'L3', update: edit(8, 'yes') });
    await rw.next(is(MessageType.Ack), 'Ack');
    const forwarded = await ro.next(is(MessageType.Update), 'forwarded to the read-only client');
    expect(forwarded.doc).toBe('L3');
    expect(rw.received.some((m) => m.type === MessageType.Update)).toBe(false);
    const fresh = await concord(await token(['L3'], 'ro'));
    fresh.send({ type: MessageType.Subscribe, entries: [{ doc: 'L3', stateVector: Uint8Array.of(0) }] });
    const reply = await fresh.next(is(MessageType.SyncReply), 'catch-up');
    const replica = new Y.Doc();
    Y.applyUpdate(replica, reply.entries[0]?.update ?? Uint8Array.of(0, 0));
    expect(replica.getText('t').toString()).toBe('yes');
  });

  it('stock endpoint: a read-only client receives updates; its writes are dropped, never stored or forwarded', async () => {
    const writer = stockClient(fixture.relay.url, 'ro-stock', { token: await token(['ro-stock']) });
    const reader = stockClient(fixture.relay.url, 'ro-stock', { token: await token(['ro-stock'], 'ro') });
    await Promise.all([synced(writer), synced(reader)]);
    writer.doc.getText('t').insert(0, 'from the writer');
    await waitFor(() => reader.doc.getText('t').toString() === 'from the writer', 'the read-only client to receive');
    reader.doc.getText('t').insert(0, 'refused ');
    writer.doc.getMap('m').set('after', true);
    await waitFor(() => reader.doc.getMap('m').get('after') === true, 'a later update to reach the read-only client');
    // A fresh client sees only what the relay stored: the writer's edits, not the read-only one's.
    const fresh = stockClient(fixture.relay.url, 'ro-stock', { token: await token(['ro-stock']) });
    await synced(fresh);
    expect(fresh.doc.getText('t').toString()).toBe('from the writer');
    expect(writer.doc.getText('t').toString()).toBe('from the writer');
    expect(reader.provider.wsconnected).toBe(true);
  });

  it('closes with 4401 when the token expires during the connection', async () => {
    const client = await concord(await token('*', 'rw', 1));
    expect(await client.closed(4000)).toBe(4401);
  });

  it('a core WebSocketTransport with a token syncs; one without is refused with 401 on every attempt and never syncs', async () => {
    const make = (tokenSource: (() => Promise<string>) | undefined) => {
      const transport = new WebSocketTransport({ url: fixture.relay.url, WebSocket, connectivity: null, backoffBaseMs: 20, backoffCapMs: 50, token: tokenSource });
      const doc = new Y.Doc();
      const states = new Set<string>();
      transport.on('status', (status) => states.add(status.state));
      transport.add([{ name: 'L9/task', doc }]);
      cleanups.push(() => transport.destroy());
      return { transport, doc, states };
    };
    const a = make(() => token(['L9']));
    const b = make(() => token(['L9']));
    a.doc.getText('t').insert(0, 'synced with a token');
    await waitFor(() => b.doc.getText('t').toString() === 'synced with a token', 'b to receive a’s edit');
    await waitFor(() => a.transport.status.state === 'synced', 'a synced');

    // "Never", over a window bounded by a condition: the anonymous transport's next five attempts are each refused at
    // the upgrade with 401 (the relay counts them by reason), while a and b keep editing; it never syncs in between.
    const refusedUnauthorized = (): Promise<number> => relayMetric(fixture.relay.url, 'concord_relay_refused_total{reason="unauthorized"}');
    const before = await refusedUnauthorized();
    const anonymous = make(undefined);
    let refused = before;
    for (let round = 0; refused < before + 5; round++) {
      a.doc.getText('t').insert(0, `${round} `);
      refused = await refusedUnauthorized();
      expect(anonymous.doc.getText('t').toString()).toBe('');
    }
    await waitFor(() => b.doc.getText('t').toString() === a.doc.getText('t').toString(), 'b to keep up with a');
    expect(anonymous.states.has('synced')).toBe(false);
    expect(anonymous.transport.status.state).not.toBe('synced');
    expect(anonymous.doc.getText('t').toString()).toBe('');
  });
});

