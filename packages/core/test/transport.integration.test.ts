import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { MessageType } from '../src/protocol/messages.js';
import { waitFor } from '../src/transport/test-support/wait.js';
import type { WebSocketTransportOptions } from '../src/transport/options.js';
import { WebSocketTransport } from '../src/transport/websocket-transport.js';
import { countingWebSocket, newCounter } from './support/counting-websocket.js';
import { killAllRelays, startRelayProcess, type RelayProcess } from './support/relay-process.js';
import { CountingProxy } from './support/tcp-proxy.js';
import { seededRandom } from '../src/testing/seeded-random.js';

// The WebSocket transport against the REAL relay process (packages/relay, built), on loopback with a temporary
// LevelDB directory. Waits poll a condition with a deadline; nothing sleeps for a fixed time.

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(killAllRelays);

async function relay(port?: number, dataDir?: string): Promise<RelayProcess & { dataDir: string }> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'concord-transport-')));
  if (dataDir === undefined) cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const process = await startRelayProcess({ dataDir: dir, port });
  cleanups.push(() => process.kill());
  return { ...process, dataDir: dir };
}

function client(url: string, overrides: Partial<WebSocketTransportOptions> = {}): WebSocketTransport {
  const transport = new WebSocketTransport({
    url,
    WebSocket,
    connectivity: null,
    backoffBaseMs: 100,
    backoffCapMs: 2_000,
    ...overrides,
  });
  cleanups.push(() => transport.destroy());
  return transport;
}

type Replica = { transport: WebSocketTransport; docs: Map<string, Y.Doc> };

function replica(url: string, names: readonly string[], overrides: Partial<WebSocketTransportOptions> = {}): Replica {
  const transport = client(url, overrides);
  const docs = new Map(names.map((name) => [name, new Y.Doc()]));
  transport.add([...docs].map(([name, doc]) => ({ name, doc })));
  return { transport, docs };
}

const allSynced = (replicas: readonly Replica[]) => () =>
  replicas.every(({ transport }) => transport.status.state === 'synced' && transport.status.pendingChanges === 0);

const snapshot = ({ docs }: Replica): Record<string, unknown> =>
  Object.fromEntries([...docs].map(([name, doc]) => [name, { title: doc.getText('title').toString(), fields: doc.getMap('fields').toJSON() }]));


function randomEdit(doc: Y.Doc, random: () => number, label: string): void {
  const title = doc.getText('title');
  const choice = random();
  if (choice < 0.6 || title.length === 0) title.insert(Math.floor(random() * (title.length + 1)), label);
  else if (choice < 0.8) title.delete(Math.floor(random() * title.length), 1);
  else doc.getMap('fields').set('completed', random() < 0.5);
}

describe('WebSocketTransport against the real relay', () => {
  it('(a) two transports on the same documents converge', async () => {
    const { url } = await relay();
    const names = Array.from({ length: 20 }, (_, i) => `list-a/${i}`);
    const replicas = [replica(url, names), replica(url, names)];
    await waitFor(allSynced(replicas), { what: 'initial sync' });
    const random = seededRandom(1);
    for (let i = 0; i < 200; i++) {
      const r = replicas[i % 2]!;
      randomEdit(r.docs.get(names[Math.floor(random() * names.length)]!)!, random, `${i % 2}`);
    }
    await waitFor(allSynced(replicas), { what: 'both synced' });
    await waitFor(() => JSON.stringify(snapshot(replicas[0]!)) === JSON.stringify(snapshot(replicas[1]!)), { what: 'same content' });
  });

  it('(b) offline edits are re-sent on reconnect; pending returns to 0 and the status to synced', async () => {
    const { url } = await relay();
    const names = Array.from({ length: 10 }, (_, i) => `list-b/${i}`);
    const [a, b] = [replica(url, names), replica(url, names)];
    await waitFor(allSynced([a, b]));
    a.transport.disconnect();
    for (const name of names) a.docs.get(name)!.getText('title').insert(0, `offline ${name}`);
    expect(a.transport.status).toMatchObject({ state: 'offline', pendingChanges: 10 });
    a.transport.connect();
    await waitFor(allSynced([a, b]), { what: 'synced after reconnect' });
    expect(a.transport.status.lastSyncedAt).not.toBeNull();
    await waitFor(() => names.every((name) => b.docs.get(name)!.getText('title').toString() === `offline ${name}`));
    // And durably on the relay: a brand-new client gets them too.
    const c = replica(url, names);
    await waitFor(allSynced([c]));
    expect(snapshot(c)).toEqual(snapshot(a));
  });

  it('(c) 1,000 documents: one connection, a few frames of catch-up', async () => {
    const { url, port } = await relay();
    const names = Array.from({ length: 1_000 }, (_, i) => `list-c/${i}`);
    const seeder = replica(url, names);
    names.forEach((name, i) => seeder.docs.get(name)!.getText('title').insert(0, `task ${i}`));
    await waitFor(allSynced([seeder]), { timeoutMs: 20_000, what: 'seeding 1,000 documents' });

    const proxy = await CountingProxy.start(port);
    cleanups.push(() => proxy.close());
    const counter = newCounter();
    const started = performance.now();
    const fresh = replica(proxy.url, names, { WebSocket: countingWebSocket(counter) });
    await waitFor(allSynced([fresh]), { timeoutMs: 20_000, what: 'first sync of 1,000 documents' });
    const firstSyncMs = performance.now() - started;
    expect(names.every((name, i) => fresh.docs.get(name)!.getText('title').toString() === `task ${i}`)).toBe(true);
    expect(proxy.connections).toBe(1);
    expect(counter.attempts).toHaveLength(1);
    expect(counter.sent.get(MessageType.Subscribe)).toBe(2);
    expect(counter.sent.get(MessageType.Update) ?? 0).toBe(0);
    const replies = counter.received.get(MessageType.SyncReply) ?? 0;
    expect(replies).toBeGreaterThan(0);
    expect(replies).toBeLessThanOrEqual(20);
    console.info(`first sync of 1,000 documents: ${firstSyncMs.toFixed(0)} ms, ${replies} SyncReply frames, 1 connection`);
  });

  it('(d) kill -9 and restart of the relay in the middle of edits: all clients return to synced with identical content', async () => {
    const first = await relay();
    const names = Array.from({ length: 10 }, (_, i) => `list-d/${i}`);
    const replicas = [0, 1, 2].map(() => replica(first.url, names));
    await waitFor(allSynced(replicas));
    const seed = Date.now() % 1_000_000;
    const random = seededRandom(seed);
    let edits = 0;
    const editor = setInterval(() => {
      for (const [i, r] of replicas.entries()) randomEdit(r.docs.get(names[Math.floor(random() * names.length)]!)!, random, `${i}`);
      edits++;
    }, 5);
    cleanups.push(() => clearInterval(editor));
    try {
      await waitFor(() => edits >= 40, { what: 'edits before the crash' });
      await first.kill('SIGKILL');
      const editsAtCrash = edits;
      await waitFor(() => replicas.every((r) => r.transport.status.state === 'connecting'), { what: 'clients noticing the crash' });
      await waitFor(() => edits >= editsAtCrash + 20, { what: 'edits while the relay is down' });
      await relay(first.port, first.dataDir);
      await waitFor(() => replicas.every((r) => r.transport.isOpen), { what: 'clients reconnecting' });
      const editsAtRestart = edits;
      await waitFor(() => edits >= editsAtRestart + 40, { what: 'edits after the restart' });
    } finally {
      clearInterval(editor);
    }
    await waitFor(allSynced(replicas), { timeoutMs: 20_000, what: `all synced (seed ${seed})` });
    const expected = JSON.stringify(snapshot(replicas[0]!));
    await waitFor(() => replicas.every((r) => JSON.stringify(snapshot(r)) === expected), { what: `identical content (seed ${seed})` });
    const fresh = replica(first.url, names);
    await waitFor(allSynced([fresh]));
    expect(JSON.stringify(snapshot(fresh)), `seed ${seed}`).toBe(expected);
  });

  it('(e) 200 clients whose relay restarts spread their reconnection attempts over time', async () => {
    const first = await relay();
    const counters = Array.from({ length: 200 }, () => newCounter());
    const replicas = counters.map((counter, i) => replica(first.url, ['list-e', `list-e/${i}`], { WebSocket: countingWebSocket(counter), backoffBaseMs: 500 }));
    await waitFor(allSynced(replicas), { timeoutMs: 20_000, what: '200 clients synced' });
    await first.kill('SIGKILL');
    const crashedAt = Date.now();
    await waitFor(() => replicas.every((r) => r.transport.status.state === 'connecting'), { what: 'clients noticing the crash' });
    await relay(first.port, first.dataDir);
    await waitFor(allSynced(replicas), { timeoutMs: 30_000, what: '200 clients synced again' });

    const firstRetries = counters.map((c) => c.attempts.find((at) => at >= crashedAt)! - crashedAt).sort((x, y) => x - y);
    const spread = firstRetries.at(-1)! - firstRetries[0]!;
    // The middle 80 % of first retries: with full jitter over [0, 500 ms] about 400 ms apart. A busy event loop fires
    // due timers in clumps, so the bounds are loose; without jitter every client would retry in the same instant.
    const middle = firstRetries[Math.floor(firstRetries.length * 0.9)]! - firstRetries[Math.floor(firstRetries.length * 0.1)]!;
    let busiest = 0;
    for (let i = 0, j = 0; i < firstRetries.length; i++) {
      while (firstRetries[i]! - firstRetries[j]! > 50) j++;
      busiest = Math.max(busiest, i - j + 1);
    }
    const totalAttempts = counters.reduce((sum, c) => sum + c.attempts.filter((at) => at >= crashedAt).length, 0);
    console.info(
      `200 clients: first retries spread over ${spread} ms (middle 80 % over ${middle} ms), busiest 50 ms window ${busiest} clients, ${totalAttempts} attempts in all`,
    );
    expect(spread).toBeGreaterThanOrEqual(250);
    expect(middle).toBeGreaterThanOrEqual(150);
    expect(busiest).toBeLessThan(150);
  });
});
