import { WebSocketTransport } from '@concord/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { ensureRedisServer, startRedisServer, type RedisServer } from './support/redis-server.js';
import { killAllRelays, startRelayProcess, tempDir, type RelayProcess } from './support/relay-process.js';
import { relayMetric } from './support/metrics.js';
import { waitFor } from './support/wait.js';

// Several relays sharing documents through a real redis-server. Relays are real processes (`--redis`),
// clients are core's WebSocketTransport over `ws`; everything on 127.0.0.1.

const redisBinary = ensureRedisServer();
if (redisBinary === null) {
  console.warn('SKIPPED cluster tests: redis-server is not installed and could not be installed (apt-get install -y redis-server)');
}

let redis: RedisServer;
const cleanups: (() => unknown)[] = [];
const dirs: { remove: () => Promise<void> }[] = [];

beforeAll(async () => {
  if (redisBinary !== null) redis = await startRedisServer(redisBinary);
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await killAllRelays();
  for (const dir of dirs.splice(0)) await dir.remove();
});
afterAll(async () => redis?.stop());

async function relay(redisUrl: string, extra: readonly string[] = [], dataDir?: string): Promise<RelayProcess & { dataDir: string }> {
  let path = dataDir;
  if (path === undefined) {
    const dir = await tempDir('concord-cluster-');
    dirs.push(dir);
    path = dir.path;
  }
  const process = await startRelayProcess(['--data', path, '--redis', redisUrl, ...extra]);
  return Object.assign(process, { dataDir: path });
}

interface Client {
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  readonly transport: WebSocketTransport;
}

function client(urls: readonly string[], name = 'list'): Client {
  const doc = new Y.Doc();
  const awareness = new Awareness(doc);
  const transport = new WebSocketTransport({
    url: urls,
    WebSocket,
    connectivity: null,
    backoffBaseMs: 50,
    backoffCapMs: 300,
    heartbeatIntervalMs: 500,
    heartbeatTimeoutMs: 1_500,
  });
  transport.add([{ name, doc, awareness }]);
  cleanups.push(() => {
    transport.destroy();
    awareness.destroy();
  });
  return { doc, awareness, transport };
}

const isSynced = (c: Client): boolean => c.transport.status.state === 'synced' && c.transport.status.pendingChanges === 0;
const items = (c: Client): string[] => c.doc.getArray<string>('items').toArray();

/** Every replica holds exactly `expected` items, in the same order. */
async function converged(clients: readonly Client[], expected: number, timeoutMs = 15_000): Promise<void> {
  await waitFor(
    () => clients.every((c) => isSynced(c) && items(c).length === expected && JSON.stringify(items(c)) === JSON.stringify(items(clients[0]!))),
    `${clients.length} replicas to converge on ${expected} items (have ${clients.map((c) => items(c).length).join(', ')})`,
    timeoutMs,
  );
}

/**
 * `count` edits per client, interleaved across clients (concurrent, not one client after another) and paced a few
 * milliseconds apart so that they stay in flight while a test kills or restarts something; `progress.made` counts them.
 */
async function edit(clients: readonly Client[], count: number, tag: string, progress = { made: 0 }): Promise<void> {
  for (let n = 0; n < count; n++) {
    clients.forEach((c, i) => c.doc.getArray<string>('items').push([`${tag}${i}-${n}`]));
    progress.made += clients.length;
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
}

const documentsLoaded = (url: string): Promise<number> => relayMetric(url, 'concord_relay_documents_loaded');

/** What a relay holds on disk: killed with kill -9, then restarted alone on its data directory (no Redis, no peer). */
async function durableCopy(relay: RelayProcess & { dataDir: string }, name = 'list'): Promise<string[]> {
  relay.child.kill('SIGKILL');
  await relay.exited;
  const alone = await startRelayProcess(['--data', relay.dataDir]);
  return relayCopy(alone.url, name);
}

/** The document as a relay durably holds it, read by a fresh client (its first sync). */
async function relayCopy(url: string, name = 'list'): Promise<string[]> {
  const reader = client([url], name);
  await waitFor(() => isSynced(reader), `a fresh client of ${url} to sync`);
  return items(reader);
}

describe.skipIf(redisBinary === null)('several relays through Redis', () => {
  it('clients spread over two relays converge under concurrent edits, with awareness across relays', async () => {
    const [a, b] = await Promise.all([relay(redis.url), relay(redis.url)]);
    const clients = [client([a.url]), client([b.url]), client([a.url]), client([b.url]), client([a.url]), client([b.url])];
    await waitFor(() => clients.every(isSynced), 'every client to sync');
    await edit(clients, 40, 'e');
    await converged(clients, 240);

    clients[0]!.awareness.setLocalStateField('user', 'ada');
    await waitFor(() => clients[1]!.awareness.getStates().get(clients[0]!.doc.clientID)?.user === 'ada', 'awareness from relay A on relay B');

    // Each relay persisted every update, its own clients' and its peer's.
    const expected = [...items(clients[0]!)].sort();
    expect([...(await durableCopy(a))].sort()).toEqual(expected);
    expect([...(await durableCopy(b))].sort()).toEqual(expected);
  });

  it('a relay killed with kill -9 during edits: its clients fail over to the other, every replica ends identical', async () => {
    const [a, b] = await Promise.all([relay(redis.url), relay(redis.url)]);
    // Clients of A know both relays (A first); clients of B too (B first).
    const onA = [client([a.url, b.url]), client([a.url, b.url]), client([a.url, b.url])];
    const onB = [client([b.url, a.url]), client([b.url, a.url])];
    const clients = [...onA, ...onB];
    await waitFor(() => clients.every(isSynced), 'every client to sync');

    const progress = { made: 0 };
    const editing = edit(clients, 60, 'k', progress);
    // Kill once a third of the edits are made and edits flow between the relays, with two thirds still to come.
    await waitFor(() => progress.made >= 100 && items(onB[0]!).length >= 20, 'edits to flow', 10_000);
    a.child.kill('SIGKILL');
    expect(await a.exited).toBe('SIGKILL');
    // The kill landed while the clients were still editing: some of the 300 edits were made with A already gone.
    expect(progress.made).toBeLessThan(300);
    await editing;
    // A's clients reconnect to B, re-subscribe with their state vectors and upload what B lacks.
    await converged(clients, 300, 20_000);
    expect(new Set(items(onA[0]!)).size).toBe(300);

    // A, restarted on its disk, catches up from B through Redis on load; B holds everything durably.
    const again = await relay(redis.url, [], a.dataDir);
    expect(await relayCopy(again.url)).toEqual(items(onA[0]!));
    expect((await durableCopy(b)).length).toBe(300);
  });

  it('Redis restarting costs a reconnect, not data', async () => {
    const [a, b] = await Promise.all([relay(redis.url), relay(redis.url)]);
    const clients = [client([a.url]), client([b.url]), client([a.url]), client([b.url])];
    await waitFor(() => clients.every(isSynced), 'every client to sync');
    await edit(clients, 10, 'before');
    await converged(clients, 40);

    await redis.kill();
    // Edits while Redis is down stay local to each relay (persisted, forwarded to its own clients).
    await edit(clients, 10, 'during');
    await waitFor(() => items(clients[0]!).length >= 60 && items(clients[1]!).length >= 60, 'local edits to flow on each relay');
    await redis.restart();
    // On reconnect each relay resubscribes and re-runs the state-vector exchange for its loaded documents.
    await edit(clients, 10, 'after');
    await converged(clients, 120, 20_000);
    expect((await relayCopy(a.url)).length).toBe(120);
    expect((await relayCopy(b.url)).length).toBe(120);
  });

  it('catch-up through a relay that never had the document loaded: its first sync already holds the peers\' edits', async () => {
    const [a, b] = await Promise.all([relay(redis.url, ['--idle-unload', '100']), relay(redis.url, ['--idle-unload', '100'])]);
    const writer = client([a.url], 'catch-up');
    await waitFor(() => isSynced(writer), 'the writer to sync');
    const text = writer.doc.getText('title');
    text.insert(0, 'written through relay A');
    text.delete(0, 8);
    await waitFor(() => isSynced(writer), 'the edit to be acknowledged');
    writer.transport.destroy();
    // A unloads the document (it answers the catch-up from its disk); B never loaded it. A client of B must get A's
    // edits in its very first sync.
    await waitFor(async () => (await documentsLoaded(a.url)) === 0, 'relay A to unload the document');
    expect(await documentsLoaded(b.url)).toBe(0);
    const reader = client([b.url], 'catch-up');
    let contentWhenSynced: string | null = null;
    reader.transport.on('status', (status) => {
      if (status.state === 'synced' && contentWhenSynced === null) contentWhenSynced = reader.doc.getText('title').toString();
    });
    await waitFor(() => isSynced(reader), 'the reader to sync');
    expect(contentWhenSynced).toBe('through relay A');

    // B persisted what it fetched: killed with kill -9 and restarted on its disk, with A gone and without Redis, it still
    // serves it.
    a.child.kill('SIGKILL');
    b.child.kill('SIGKILL');
    await Promise.all([a.exited, b.exited]);
    const restarted = await startRelayProcess(['--data', b.dataDir]);
    const late = client([restarted.url], 'catch-up');
    await waitFor(() => isSynced(late), 'a reader of the restarted relay B to sync');
    expect(late.doc.getText('title').toString()).toBe('through relay A');
  });
});
