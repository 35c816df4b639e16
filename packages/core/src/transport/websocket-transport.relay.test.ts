import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CloseCode } from '../protocol/messages.js';
import type { TransportError } from './errors.js';
import type { WebSocketTransportOptions } from './options.js';
import { FakeRelay } from './test-support/fake-relay.js';
import { waitFor } from './test-support/wait.js';
import { WebSocketTransport } from './websocket-transport.js';

// The transport over real sockets (`ws`) against a tiny in-memory relay that speaks concord.v1 with the shared codec.

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startRelay(options?: Parameters<typeof FakeRelay.start>[0]): Promise<FakeRelay> {
  const relay = await FakeRelay.start(options);
  cleanups.push(() => relay.close());
  return relay;
}

function client(relay: FakeRelay, overrides: Partial<WebSocketTransportOptions> = {}): WebSocketTransport {
  const transport = new WebSocketTransport({
    url: relay.url,
    WebSocket,
    connectivity: null,
    backoffBaseMs: 20,
    backoffCapMs: 200,
    ...overrides,
  });
  cleanups.push(() => transport.destroy());
  return transport;
}

const synced = (...transports: WebSocketTransport[]) => () =>
  transports.every((t) => t.status.state === 'synced' && t.status.pendingChanges === 0);

describe('WebSocketTransport over ws, against an in-memory relay', () => {
  it('two clients converge, live and after concurrent offline edits', async () => {
    const relay = await startRelay();
    const [a, b] = [client(relay), client(relay)];
    const docsA = ['list', 'list/1'].map((name) => ({ name, doc: new Y.Doc() }));
    const docsB = ['list', 'list/1'].map((name) => ({ name, doc: new Y.Doc() }));
    a.add(docsA);
    b.add(docsB);
    docsA[1]!.doc.getText('title').insert(0, 'buy milk');
    await waitFor(() => docsB[1]!.doc.getText('title').toString() === 'buy milk', { what: 'live edit to arrive' });
    b.disconnect();
    docsA[1]!.doc.getText('title').insert(0, 'A: ');
    docsB[1]!.doc.getText('title').insert(8, ' and eggs');
    docsB[0]!.doc.getMap('tasks').set('1', 'entry');
    expect(b.status).toMatchObject({ state: 'offline', pendingChanges: 2 });
    b.connect();
    await waitFor(synced(a, b), { what: 'both synced' });
    await waitFor(() => docsA[1]!.doc.getText('title').toString() === docsB[1]!.doc.getText('title').toString());
    expect(docsA[1]!.doc.getText('title').toString()).toBe('A: buy milk and eggs');
    expect(docsA[0]!.doc.getMap('tasks').get('1')).toBe('entry');
    expect(relay.openConnections).toBe(2);
  });

  it('relays awareness and clears remote states when the connection drops', async () => {
    const relay = await startRelay();
    const [a, b] = [client(relay), client(relay)];
    const docA = new Y.Doc();
    const docB = new Y.Doc();
    const awarenessA = new Awareness(docA);
    const awarenessB = new Awareness(docB);
    cleanups.push(() => awarenessA.destroy(), () => awarenessB.destroy());
    a.add([{ name: 'list', doc: docA, awareness: awarenessA }]);
    b.add([{ name: 'list', doc: docB, awareness: awarenessB }]);
    await waitFor(synced(a, b));
    awarenessA.setLocalStateField('user', 'ada');
    await waitFor(() => awarenessB.getStates().get(docA.clientID)?.user === 'ada', { what: 'awareness to arrive' });
    b.disconnect();
    expect(awarenessB.getStates().has(docA.clientID)).toBe(false);
    expect(awarenessB.getStates().has(docB.clientID)).toBe(true);
  });

  it('confirmed clocks, persisted and handed back, make the pending count survive a reload', async () => {
    const relay = await startRelay();
    const saved = new Map<string, Uint8Array>();
    const first = client(relay);
    first.on('confirmed', (name, sv) => saved.set(name, sv));
    const doc = new Y.Doc();
    first.add([{ name: 'd', doc }]);
    doc.getText('title').insert(0, 'durable');
    await waitFor(() => synced(first)() && saved.has('d'));
    first.destroy();

    // "Reload" while offline: the same content (as IndexedDB would hold it) plus one change never sent.
    const reloaded = new Y.Doc();
    Y.applyUpdate(reloaded, Y.encodeStateAsUpdate(doc));
    const offline = client(relay, { connect: false });
    offline.add([{ name: 'd', doc: reloaded, confirmed: saved.get('d') }]);
    expect(offline.status).toMatchObject({ state: 'offline', pendingChanges: 0 });
    reloaded.getText('title').insert(0, 'not yet ');
    expect(offline.status.pendingChanges).toBe(1);
    offline.connect();
    await waitFor(synced(offline));
    expect(relay.doc('d').getText('title').toString()).toBe('not yet durable');
  });

  it('a corrupt update from the relay is reported, skipped, and the connection keeps working', async () => {
    const relay = await startRelay();
    const transport = client(relay);
    const errors: TransportError[] = [];
    transport.on('error', (error) => errors.push(error as TransportError));
    const doc = new Y.Doc();
    transport.add([{ name: 'd', doc }]);
    await waitFor(synced(transport));
    relay.broadcastUpdate('d', new Uint8Array([1, 2, 250, 3, 9, 9, 9]));
    await waitFor(() => errors.length > 0);
    expect(errors[0]!.code).toBe('ERR_REMOTE_UPDATE_REJECTED');
    doc.getText('title').insert(0, 'still fine');
    await waitFor(synced(transport));
    expect(relay.doc('d').getText('title').toString()).toBe('still fine');
  });

  it('replaces a socket that stays open but carries nothing (heartbeat)', async () => {
    const relay = await startRelay();
    const transport = client(relay, { heartbeatIntervalMs: 50, heartbeatTimeoutMs: 200 });
    transport.add([{ name: 'd', doc: new Y.Doc() }]);
    await waitFor(synced(transport));
    relay.silenceOpenConnections();
    const silencedAt = Date.now();
    await waitFor(() => relay.connectionLog.length >= 2, { what: 'a second connection' });
    // Detected after the 200 ms deadline, not before (and well within the 10 s the defaults promise at full scale).
    expect(relay.connectionLog[1]!.at - silencedAt).toBeGreaterThanOrEqual(150);
    await waitFor(synced(transport));
  });

  it('reports 4401 as ERR_UNAUTHORIZED with a fresh token per attempt, backing off between attempts', async () => {
    const relay = await startRelay({ closeWith: CloseCode.Unauthorized });
    let issued = 0;
    const transport = client(relay, { token: () => `t${++issued}`, backoffBaseMs: 50, backoffCapMs: 50, random: () => 1 - 1e-9 });
    const errors: TransportError[] = [];
    transport.on('error', (error) => errors.push(error as TransportError));
    await waitFor(() => relay.connectionLog.length >= 3);
    expect(errors[0]).toMatchObject({ code: 'ERR_UNAUTHORIZED', closeCode: 4401 });
    expect(relay.connectionLog.slice(0, 3).map((c) => c.url)).toEqual(['/?token=t1', '/?token=t2', '/?token=t3']);
    const gaps = relay.connectionLog.slice(1, 3).map((c, i) => c.at - relay.connectionLog[i]!.at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(40);
    // Still trying (the relay accepts the socket before it closes it, so the state may be momentarily open).
    expect(transport.status.state).not.toBe('offline');
  });
});
