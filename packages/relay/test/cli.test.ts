import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LevelDbStorage } from '../src/storage/leveldb-storage.js';
import { runRelayCli, startRelayProcess, useRelayData } from './support/relay-process.js';
import { MessageType } from '@concord/core/protocol';
import { RawConcordClient } from './support/concord-client.js';
import { destroyAllStockClients } from './support/stock-client.js';

const dir = useRelayData(destroyAllStockClients);

const httpBase = (url: string): string => url.replace(/^ws:/, 'http:');

describe('concord-relay CLI', () => {
  it('a bad flag: one line on stderr, exit 2, no stack trace', async () => {
    const result = await runRelayCli(['--nope']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^concord-relay: .*--nope/);
    expect(result.stderr).not.toMatch(/\bat /);
  });

  it('a bad port: exit 2', async () => {
    expect((await runRelayCli(['--port', 'eighty'])).code).toBe(2);
    expect((await runRelayCli(['--port', '70000'])).code).toBe(2);
    expect((await runRelayCli(['--idle-unload', 'soon'])).code).toBe(2);
  });

  it('an unusable data directory: one line, exit 2', async () => {
    const file = join(dir.path, 'a-file');
    await writeFile(file, 'x');
    const result = await runRelayCli(['--port', '0', '--data', join(file, 'data')]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/data directory/);
  });

  it('--help lists every flag with its environment variable', async () => {
    const result = await runRelayCli(['--help']);
    expect(result.code).toBe(0);
    for (const name of ['CONCORD_HOST', 'CONCORD_PORT', 'CONCORD_DATA', 'CONCORD_STATIC', 'CONCORD_LOG_LEVEL', 'CONCORD_IDLE_UNLOAD_MS', 'CONCORD_FSYNC']) expect(result.stdout).toContain(name);
  });

  it('reads settings from environment variables', async () => {
    const relay = await startRelayProcess([], {
      defaultFlags: false,
      env: { CONCORD_HOST: '127.0.0.1', CONCORD_PORT: '0', CONCORD_DATA: join(dir.path, 'env-data'), CONCORD_LOG_LEVEL: 'silent' },
    });
    expect(relay.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(relay.port).toBeGreaterThan(0);
    expect(relay.stderr()).toBe('');
  });

  it('answers /healthz, and SIGTERM exits 0 with every update flushed to LevelDB', async () => {
    const data = join(dir.path, 'sigterm');
    const relay = await startRelayProcess(['--data', data]);
    const health = await fetch(`${httpBase(relay.url)}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok');
    expect((await fetch(`${httpBase(relay.url)}/nothing-here`)).status).toBe(404);

    const client = await RawConcordClient.connect(relay.url);
    client.send({ type: MessageType.Subscribe, entries: [{ doc: 'flushed', stateVector: Uint8Array.of(0) }] });
    await client.next((m) => m.type === MessageType.SyncReply, 'SyncReply');
    const writer = new Y.Doc();
    writer.on('update', (update: Uint8Array) => client.send({ type: MessageType.Update, doc: 'flushed', update }));
    for (let i = 0; i < 50; i++) writer.getArray<number>('n').push([i]);
    // The Pong proves the relay has read all 50 updates (frames are handled in order); SIGTERM follows at once,
    // without waiting for the acks: whatever the relay received must be written before it exits.
    client.send({ type: MessageType.Ping, nonce: 1 });
    await client.next((m) => m.type === MessageType.Pong, 'Pong');
    relay.child.kill('SIGTERM');
    expect(await relay.exited).toBe(0);
    client.close();

    const storage = await LevelDbStorage.open(data);
    const doc = new Y.Doc();
    for (const update of await storage.loadUpdates('flushed')) Y.applyUpdate(doc, update);
    await storage.close();
    expect(doc.getArray('n').length).toBe(50);
  });

  it('--static serves index.html (also with ?list=), the service worker and the manifest, and refuses traversal', async () => {
    const site = join(dir.path, 'site');
    await mkdir(join(site, 'assets'), { recursive: true });
    await writeFile(join(site, 'index.html'), '<!doctype html><title>Concord</title>');
    await writeFile(join(site, 'sw.js'), 'self.addEventListener("fetch", () => {});');
    await writeFile(join(site, 'manifest.webmanifest'), '{}');
    await writeFile(join(site, 'assets', 'app.js'), 'export {};');
    await writeFile(join(dir.path, 'secret.txt'), 'secret');
    const relay = await startRelayProcess(['--data', join(dir.path, 'static-data'), '--static', site]);
    const base = httpBase(relay.url);

    for (const path of ['/', '/?list=abc']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await response.text()).toContain('<title>Concord</title>');
    }
    const sw = await fetch(`${base}/sw.js`);
    expect(sw.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(sw.headers.get('service-worker-allowed')).toBe('/');
    expect(sw.headers.get('cache-control')).toBe('no-cache');
    expect((await fetch(`${base}/manifest.webmanifest`)).headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    expect((await fetch(`${base}/assets/app.js`)).status).toBe(200);
    expect((await fetch(`${base}/missing.js`)).status).toBe(404);
    expect((await fetch(`${base}/..%2fsecret.txt`)).status).toBe(404);
    expect((await fetch(`${base}/%2e%2e/secret.txt`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});
