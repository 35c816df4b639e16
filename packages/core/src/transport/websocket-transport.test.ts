// Over 300 lines: one behaviour per test of the connection's state machine, against a fake socket and relay.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { CloseCode, ErrorCode, MessageType, type SubscribeEntry } from '../protocol/messages.js';
import { TransportError, TransportErrorCode } from './errors.js';
import type { WebSocketTransportOptions } from './options.js';
import { fakeWebSocket, type FakeSocket } from './test-support/fake-socket.js';
import type { SyncStatus } from './transport.js';
import { WebSocketTransport } from './websocket-transport.js';

// Deterministic tests: a hand-driven socket and fake timers. The tests against a real `ws` server are in
// websocket-transport.relay.test.ts.

function setup(overrides: Partial<WebSocketTransportOptions> = {}) {
  const fake = fakeWebSocket();
  const transport = new WebSocketTransport({
    url: 'ws://relay.test',
    WebSocket: fake.WebSocket,
    connectivity: null,
    random: () => 0.5,
    ...overrides,
  });
  const statuses: SyncStatus[] = [];
  const errors: TransportError[] = [];
  const confirmed: [string, Uint8Array][] = [];
  transport.on('status', (status) => statuses.push(status));
  transport.on('error', (error) => errors.push(error as TransportError));
  transport.on('confirmed', (name, sv) => confirmed.push([name, sv]));
  return { transport, fake, statuses, errors, confirmed };
}

/** Answers every Subscribe entry as a relay holding `relayDocs` (missing ones: empty) would. */
function reply(socket: FakeSocket, entries: readonly SubscribeEntry[], relayDocs: Record<string, Y.Doc> = {}): void {
  socket.receive({
    type: MessageType.SyncReply,
    entries: entries.map(({ doc, stateVector }) => {
      const relayDoc = relayDocs[doc] ?? new Y.Doc();
      return { doc, update: Y.encodeStateAsUpdate(relayDoc, stateVector), stateVector: Y.encodeStateVector(relayDoc) };
    }),
  });
}

function replyAll(socket: FakeSocket, relayDocs: Record<string, Y.Doc> = {}): void {
  const entries = socket.sentOfType(MessageType.Subscribe).flatMap((message) => message.entries);
  reply(socket, entries, relayDocs);
}

const flush = () => vi.advanceTimersByTimeAsync(0);

describe('WebSocketTransport (hand-driven socket)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('goes connecting → syncing → synced, emits status only on change, and stamps lastSyncedAt', () => {
    const { transport, fake, statuses } = setup();
    const doc = new Y.Doc();
    transport.add([{ name: 'list', doc }]);
    expect(transport.status.state).toBe('connecting');
    fake.last().open();
    expect(transport.status.state).toBe('syncing');
    expect(fake.last().sentOfType(MessageType.Subscribe)).toHaveLength(1);
    replyAll(fake.last());
    expect(transport.status).toMatchObject({ state: 'synced', pendingChanges: 0 });
    expect(transport.status.lastSyncedAt).toBe(Date.now());
    // 'connecting' was emitted by the constructor, before any listener could be attached.
    expect(statuses.map((s) => s.state)).toEqual(['syncing', 'synced']);
    transport.destroy();
    expect(statuses.at(-1)?.state).toBe('offline');
  });

  it('coalesces the updates of one turn into one frame and counts the document pending until acknowledged', async () => {
    const { transport, fake, confirmed } = setup();
    const doc = new Y.Doc();
    transport.add([{ name: 'task', doc }]);
    fake.last().open();
    replyAll(fake.last());
    const title = doc.getText('title');
    title.insert(0, 'a');
    title.insert(1, 'b');
    title.insert(2, 'c');
    expect(transport.status).toMatchObject({ state: 'syncing', pendingChanges: 1 });
    await flush();
    const updates = fake.last().sentOfType(MessageType.Update);
    expect(updates).toHaveLength(1);
    const check = new Y.Doc();
    Y.applyUpdate(check, updates[0]!.update);
    expect(check.getText('title').toString()).toBe('abc');
    fake.last().receive({ type: MessageType.Ack, doc: 'task', clocks: Y.encodeStateVector(Y.parseUpdateMeta(updates[0]!.update).to) });
    expect(transport.status).toMatchObject({ state: 'synced', pendingChanges: 0 });
    await flush();
    expect(confirmed).toHaveLength(1);
    expect(Y.decodeStateVector(confirmed[0]![1])).toEqual(Y.decodeStateVector(Y.encodeStateVector(doc)));
    transport.destroy();
  });

  it('subscribes 1,000 documents in two frames and is synced after two replies', () => {
    const { transport, fake } = setup();
    const docs = Array.from({ length: 1_000 }, (_, i) => ({ name: `list/${i}`, doc: new Y.Doc() }));
    transport.add(docs);
    fake.last().open();
    const subscribes = fake.last().sentOfType(MessageType.Subscribe);
    expect(subscribes.map((m) => m.entries.length)).toEqual([500, 500]);
    reply(fake.last(), subscribes[0]!.entries);
    expect(transport.status.state).toBe('syncing');
    reply(fake.last(), subscribes[1]!.entries);
    expect(transport.status.state).toBe('synced');
    expect(fake.sockets).toHaveLength(1);
    transport.destroy();
  });

  it('batches add() calls of one turn while open into one Subscribe frame', async () => {
    const { transport, fake } = setup();
    fake.last().open();
    for (let i = 0; i < 5; i++) transport.add([{ name: `d${i}`, doc: new Y.Doc() }]);
    expect(transport.status.state).toBe('syncing');
    await flush();
    expect(fake.last().sentOfType(MessageType.Subscribe).map((m) => m.entries.length)).toEqual([5]);
    transport.destroy();
  });

  it('catch-up uploads offline edits, applies the relay’s, and skips documents the relay already has', () => {
    const { transport, fake } = setup({ connect: false });
    const changed = new Y.Doc();
    const unchanged = new Y.Doc();
    unchanged.getText('title').insert(0, 'hello');
    unchanged.getText('title').delete(0, 1); // a deletion the relay already holds
    const relayUnchanged = new Y.Doc();
    Y.applyUpdate(relayUnchanged, Y.encodeStateAsUpdate(unchanged));
    const relayChanged = new Y.Doc();
    relayChanged.getText('title').insert(0, 'remote ');
    transport.add([
      { name: 'changed', doc: changed },
      { name: 'unchanged', doc: unchanged, confirmed: Y.encodeStateVector(unchanged) },
    ]);
    changed.getText('description').insert(0, 'offline edit');
    expect(transport.status).toEqual({ state: 'offline', pendingChanges: 1, lastSyncedAt: null });
    transport.connect();
    fake.last().open();
    replyAll(fake.last(), { changed: relayChanged, unchanged: relayUnchanged });
    expect(changed.getText('title').toString()).toBe('remote ');
    const uploads = fake.last().sentOfType(MessageType.Update);
    expect(uploads.map((u) => u.doc)).toEqual(['changed']);
    Y.applyUpdate(relayChanged, uploads[0]!.update);
    expect(relayChanged.getText('description').toString()).toBe('offline edit');
    expect(transport.status.state).toBe('syncing');
    fake.last().receive({ type: MessageType.Ack, doc: 'changed', clocks: Y.encodeStateVector(relayChanged) });
    expect(transport.status).toMatchObject({ state: 'synced', pendingChanges: 0 });
    transport.destroy();
  });

  it('re-sends a deletion the relay lacks on catch-up even though no clock advanced', () => {
    const { transport, fake } = setup();
    const doc = new Y.Doc();
    doc.getText('title').insert(0, 'hello');
    const relayDoc = new Y.Doc();
    Y.applyUpdate(relayDoc, Y.encodeStateAsUpdate(doc));
    doc.getText('title').delete(0, 1);
    transport.add([{ name: 'd', doc }]);
    fake.last().open();
    replyAll(fake.last(), { d: relayDoc });
    const uploads = fake.last().sentOfType(MessageType.Update);
    expect(uploads).toHaveLength(1);
    expect(transport.status).toMatchObject({ state: 'syncing', pendingChanges: 1 });
    fake.last().receive({ type: MessageType.Ack, doc: 'd', clocks: Y.encodeStateVector(new Map()) });
    expect(transport.status).toMatchObject({ state: 'synced', pendingChanges: 0 });
    transport.destroy();
  });

  it('applies remote updates with the transport as origin (no echo) and confirms their clocks', async () => {
    const { transport, fake } = setup();
    const doc = new Y.Doc();
    const origins: unknown[] = [];
    doc.on('update', (_u: Uint8Array, origin: unknown) => origins.push(origin));
    transport.add([{ name: 'd', doc }]);
    fake.last().open();
    replyAll(fake.last());
    const remote = new Y.Doc();
    remote.getText('title').insert(0, 'from afar');
    fake.last().receive({ type: MessageType.Update, doc: 'd', update: Y.encodeStateAsUpdate(remote) });
    await flush();
    expect(doc.getText('title').toString()).toBe('from afar');
    expect(origins).toEqual([transport]);
    expect(fake.last().sentOfType(MessageType.Update)).toHaveLength(0);
    expect(transport.status).toMatchObject({ state: 'synced', pendingChanges: 0 });
    transport.destroy();
  });

  it('reports a remote update that Yjs cannot apply and a malformed frame, and keeps the connection', () => {
    const { transport, fake, errors } = setup();
    const doc = new Y.Doc();
    transport.add([{ name: 'd', doc }]);
    fake.last().open();
    replyAll(fake.last());
    fake.last().receive({ type: MessageType.Update, doc: 'd', update: new Uint8Array([1, 2, 250, 3, 9, 9, 9]) });
    fake.last().onmessage?.({ data: new Uint8Array([99, 1, 2]).buffer });
    expect(errors.map((e) => e.code)).toEqual([TransportErrorCode.RemoteUpdateRejected, TransportErrorCode.MalformedFrame]);
    expect(errors[0]!.doc).toBe('d');
    expect(transport.status.state).toBe('synced');
    expect(fake.sockets).toHaveLength(1);
    transport.destroy();
  });

  it('turns relay Error messages into typed errors; a refused update stays pending', async () => {
    const { transport, fake, errors } = setup();
    const doc = new Y.Doc();
    transport.add([{ name: 'd', doc }]);
    fake.last().open();
    replyAll(fake.last());
    doc.getText('title').insert(0, 'x');
    await flush();
    fake.last().receive({ type: MessageType.Error, doc: 'd', code: ErrorCode.ReadOnly, message: 'read-only token' });
    expect(errors[0]).toBeInstanceOf(TransportError);
    expect(errors[0]).toMatchObject({ code: 'ERR_UPDATE_REFUSED', doc: 'd', relayCode: ErrorCode.ReadOnly });
    expect(transport.status).toMatchObject({ state: 'syncing', pendingChanges: 1 });
    transport.destroy();
  });

  it('declares a silent connection dead within 10 s and reconnects; a live one survives', async () => {
    const { transport, fake } = setup({ random: () => 0 });
    fake.last().open();
    replyAll(fake.last());
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(3_000);
      const pings = fake.last().sentOfType(MessageType.Ping);
      fake.last().receive({ type: MessageType.Pong, nonce: pings.at(-1)!.nonce });
    }
    expect(fake.sockets).toHaveLength(1);
    // Now the network silently holds everything, as Chromium's offline mode does.
    await vi.advanceTimersByTimeAsync(8_000);
    expect(fake.sockets[0]!.closedWith).toBe(CloseCode.HeartbeatTimeout);
    expect(transport.status.state).toBe('connecting');
    // Fake timers turn a 0 ms timeout created inside a firing timer into 1 ms.
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.sockets).toHaveLength(2);
    transport.destroy();
  });

  it('backs off with full jitter after failures, and connect() retries at once', async () => {
    const { transport, fake } = setup({ random: () => 0.999 });
    const attempts = (): number => fake.sockets.length;
    fake.last().drop();
    await vi.advanceTimersByTimeAsync(498);
    expect(attempts()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts()).toBe(2);
    fake.last().drop();
    await vi.advanceTimersByTimeAsync(998);
    expect(attempts()).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts()).toBe(3);
    fake.last().drop();
    transport.connect();
    expect(attempts()).toBe(4);
    transport.destroy();
  });

  it('resets the backoff once a connection stays healthy', async () => {
    const { transport, fake } = setup({ random: () => 0.999, healthyAfterMs: 5_000 });
    for (let i = 0; i < 4; i++) {
      fake.last().drop();
      await vi.advanceTimersByTimeAsync(30_000);
    }
    fake.last().open();
    replyAll(fake.last());
    await vi.advanceTimersByTimeAsync(5_000);
    fake.last().receive({ type: MessageType.Pong, nonce: 1 });
    const before = fake.sockets.length;
    fake.last().drop();
    await vi.advanceTimersByTimeAsync(499);
    expect(fake.sockets.length).toBe(before + 1);
    transport.destroy();
  });

  it('reports 4401 as ERR_UNAUTHORIZED and still backs off instead of hammering', async () => {
    const { transport, fake, errors } = setup({ random: () => 0.5 });
    fake.last().open();
    fake.last().drop(CloseCode.Unauthorized);
    expect(errors.map((e) => [e.code, e.closeCode])).toEqual([['ERR_UNAUTHORIZED', 4401]]);
    expect(fake.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(250);
    expect(fake.sockets).toHaveLength(2);
    transport.destroy();
  });

  it('on 1001 (relay going away) waits a jittered delay within the wider going-away window', async () => {
    const { transport, fake } = setup({ random: () => 0.5, goingAwayJitterMs: 2_000 });
    fake.last().open();
    replyAll(fake.last());
    fake.last().drop(CloseCode.GoingAway);
    await vi.advanceTimersByTimeAsync(999);
    expect(fake.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.sockets).toHaveLength(2);
    transport.destroy();
  });

  it('fails over between URLs in order and fetches a fresh token before every attempt', async () => {
    let n = 0;
    const { transport, fake } = setup({ url: ['ws://a.test/', 'ws://b.test/'], token: () => Promise.resolve(`t${++n}`), random: () => 0 });
    await flush();
    expect(fake.last().url).toBe('ws://a.test/?token=t1');
    fake.last().drop();
    await flush();
    expect(fake.last().url).toBe('ws://b.test/?token=t2');
    fake.last().open();
    fake.last().drop();
    await flush();
    expect(fake.last().url).toBe('ws://b.test/?token=t3');
    expect(fake.last().protocols).toEqual(['concord.v2', 'concord.v1']);
    transport.destroy();
  });

  it('refuses a relay that did not select concord.v1', () => {
    const { transport, fake, errors } = setup();
    fake.last().open('');
    expect(errors.map((e) => e.code)).toEqual(['ERR_PROTOCOL_MISMATCH']);
    expect(transport.status.state).toBe('connecting');
    transport.destroy();
  });

  it('honours offline/online events: drops the socket at once and reconnects at once', () => {
    const network = new EventTarget();
    const { transport, fake } = setup({ connectivity: network });
    const doc = new Y.Doc();
    transport.add([{ name: 'd', doc }]);
    fake.last().open();
    replyAll(fake.last());
    network.dispatchEvent(new Event('offline'));
    expect(transport.status.state).toBe('offline');
    expect(fake.last().readyState).toBe(3);
    doc.getText('title').insert(0, 'while offline');
    expect(transport.status.pendingChanges).toBe(1);
    transport.connect(); // stays offline while the browser says so
    expect(fake.sockets).toHaveLength(1);
    network.dispatchEvent(new Event('online'));
    expect(fake.sockets).toHaveLength(2);
    fake.last().open();
    replyAll(fake.last());
    expect(fake.last().sentOfType(MessageType.Update)).toHaveLength(1);
    transport.destroy();
  });

  it('disconnect() goes offline on purpose; edits then accumulate and reconnect sends them', async () => {
    const { transport, fake } = setup();
    const doc = new Y.Doc();
    transport.add([{ name: 'd', doc }]);
    fake.last().open();
    replyAll(fake.last());
    transport.disconnect();
    expect(fake.last().closedWith).toBe(1000);
    expect(transport.status.state).toBe('offline');
    doc.getText('title').insert(0, 'a');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fake.sockets).toHaveLength(1);
    transport.connect();
    fake.last().open();
    replyAll(fake.last());
    expect(fake.last().sentOfType(MessageType.Update)).toHaveLength(1);
    transport.destroy();
  });

  it('remove() unsubscribes and forgets a document’s pending changes', () => {
    const { transport, fake } = setup();
    const doc = new Y.Doc();
    transport.add([{ name: 'd', doc }]);
    fake.last().open();
    replyAll(fake.last());
    transport.disconnect();
    doc.getText('title').insert(0, 'a');
    expect(transport.status.pendingChanges).toBe(1);
    transport.remove(['d']);
    expect(transport.status.pendingChanges).toBe(0);
    transport.connect();
    fake.last().open();
    expect(fake.last().sentOfType(MessageType.Subscribe)).toHaveLength(0);
    expect(transport.status.state).toBe('synced');
    transport.destroy();
  });

  it('rejects impossible document names', () => {
    const { transport } = setup();
    expect(() => transport.add([{ name: '', doc: new Y.Doc() }])).toThrow(TypeError);
    transport.destroy();
  });

  describe('resource-leak regressions: destroy clears every timer and listener', () => {
    it.each([
      ['while opening', (_: FakeSocket) => {}],
      ['while open', (socket: FakeSocket) => socket.open()],
      ['while backing off', (socket: FakeSocket) => socket.drop()],
    ])('%s', async (_label, step) => {
      const network = new EventTarget();
      const listeners = vi.spyOn(network, 'removeEventListener');
      const { transport, fake } = setup({ connectivity: network });
      const doc = new Y.Doc();
      transport.add([{ name: 'd', doc }]);
      step(fake.last());
      await flush();
      transport.destroy();
      expect(vi.getTimerCount()).toBe(0);
      expect(listeners).toHaveBeenCalledTimes(2);
      doc.getText('title').insert(0, 'after destroy');
      network.dispatchEvent(new Event('online'));
      await vi.advanceTimersByTimeAsync(60_000);
      expect(vi.getTimerCount()).toBe(0);
      expect(transport.status.state).toBe('offline');
    });
  });
});
