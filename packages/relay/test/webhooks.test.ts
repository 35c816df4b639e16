import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { verifyWebhook } from '../src/webhooks/signature.js';
import { api } from './support/http-api.js';
import { runRelayCli, startRelayProcess, useRelayData } from './support/relay-process.js';
import { waitFor } from './support/wait.js';

interface Delivery {
  readonly path: string;
  readonly valid: boolean;
  readonly ids: string[];
  readonly types: string[];
}

/** A webhook receiver on loopback: checks each signature, records deliveries; answers 503 to the next `failNext` POSTs to /hook. */
function receiver(secret: string, port = 0): Promise<{ server: Server; port: number; deliveries: Delivery[]; failNext: number }> {
  const state = { deliveries: [] as Delivery[], failNext: 0 };
  const server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      if (state.failNext > 0 && request.url === '/hook') {
        state.failNext--;
        response.writeHead(503).end();
        return;
      }
      const valid = verifyWebhook(secret, body, String(request.headers['concord-timestamp']), String(request.headers['concord-signature']));
      const parsed = JSON.parse(body) as { events: { id: string; type: string }[] };
      state.deliveries.push({ path: request.url ?? '', valid, ids: parsed.events.map((event) => event.id), types: parsed.events.map((event) => event.type) });
      response.writeHead(valid ? 204 : 401).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () =>
      resolve(
        Object.assign(state, {
          server,
          port: (server.address() as AddressInfo).port,
        }),
      ),
    ),
  );
}

const servers: Server[] = [];
const data = useRelayData(() => {
  for (const server of servers.splice(0)) server.close();
});

async function addHook(dir: string, list: string, url: string, extra: string[] = []): Promise<{ id: string; secret: string }> {
  const added = await runRelayCli(['webhooks', 'add', '--data', dir, '--list', list, '--url', url, ...extra]);
  expect(added.code, added.stderr).toBe(0);
  return JSON.parse(added.stdout) as { id: string; secret: string };
}

describe('webhooks', () => {
  it('are delivered signed and in order once the receiver is back, after failed attempts retried with backoff; the log shows each attempt', async () => {
    const dir = `${data.path}/hooks`;
    const secret = 'receiver-secret-0123456789';
    // A port that refuses connections until the receiver starts on it.
    const probe = await receiver(secret);
    const port = probe.port;
    await new Promise((resolve) => probe.server.close(resolve));
    const { id } = await addHook(dir, 'hooked', `http://127.0.0.1:${port}/hook`, ['--secret', secret]);
    const { id: blocked } = await addHook(dir, 'hooked', `http://localhost:${port}/elsewhere`);
    const { id: filtered } = await addHook(dir, 'hooked', `http://127.0.0.1:${port}/done`, ['--events', 'completed', '--secret', secret]);

    let relay = await startRelayProcess(['--data', dir, '--webhook-allow', '127.0.0.1', '--webhook-retry', '20', '--log-level', 'info']);
    const tasks: string[] = [];
    for (const title of ['one', 'two', 'three']) tasks.push((await api(relay, 'POST', '/api/lists/hooked/tasks', { body: { title } })).body.id);
    await api(relay, 'PATCH', `/api/lists/hooked/tasks/${tasks[0]}`, { body: { completed: true, title: 'one!' } });
    await waitFor(() => relay.stderr().includes('webhook delivery failed, retrying'), 'a failed attempt while the receiver is down');

    const live = await receiver(secret, port);
    servers.push(live.server);
    live.failNext = 1;
    const at = (path: string) => live.deliveries.filter((delivery) => delivery.path === path);
    const feed = (await api(relay, 'GET', '/api/lists/hooked/events')).body.events;
    expect(feed.map((event) => event.type)).toEqual(['created', 'created', 'created', 'renamed', 'completed']);
    await waitFor(() => new Set(at('/hook').flatMap((delivery) => delivery.ids)).size === feed.length, 'every event delivered');
    await waitFor(() => at('/done').length > 0, 'the filtered webhook got the completion');
    expect(live.deliveries.every((delivery) => delivery.valid)).toBe(true);
    // In order, and at least once: without repeats the ids are the feed's, in its order.
    expect([...new Set(at('/hook').flatMap((delivery) => delivery.ids))]).toEqual(feed.map((event) => event.id));
    expect(at('/done').flatMap((delivery) => delivery.types)).toEqual(['completed']);

    // Later events are delivered live, after a restart too, from where delivery stood.
    await relay.stop();
    relay = await startRelayProcess(['--data', dir, '--webhook-allow', '127.0.0.1', '--webhook-retry', '20']);
    await api(relay, 'DELETE', `/api/lists/hooked/tasks/${tasks[1]}`);
    await waitFor(() => at('/hook').some((delivery) => delivery.types.includes('deleted')), 'the deletion delivered after the restart');
    expect(at('/hook').flatMap((delivery) => delivery.ids).filter((value) => value === '6')).toEqual(['6']);
    await relay.stop();

    const log = await runRelayCli(['webhooks', 'log', id, '--json', '--data', dir]);
    expect(log.code, log.stderr).toBe(0);
    const entries = log.stdout.trim().split('\n').map((line) => JSON.parse(line) as { outcome: string; attempt: number; status: number; last: number });
    const firstDelivered = entries.findIndex((entry) => entry.outcome === 'delivered');
    expect(firstDelivered).toBeGreaterThan(1);
    expect(entries.slice(0, firstDelivered).every((entry) => entry.outcome === 'failed')).toBe(true);
    expect(entries.slice(0, firstDelivered).map((entry) => entry.attempt)).toEqual(entries.slice(0, firstDelivered).map((_, i) => i + 1));
    expect(entries.some((entry) => entry.status === 503)).toBe(true);
    expect(entries.at(-1)).toMatchObject({ outcome: 'delivered', last: 6 });

    // The host nobody allowed was never called: every attempt was refused, and the log says why.
    const refused = await runRelayCli(['webhooks', 'log', blocked, '--data', dir]);
    expect(refused.stdout).toContain('refused (host not in --webhook-allow');
    expect(refused.stdout).not.toContain('delivered');
    const filteredLog = await runRelayCli(['webhooks', 'log', filtered, '--json', '--data', dir]);
    expect(filteredLog.stdout.trim().split('\n').map((line) => JSON.parse(line) as { outcome: string; events: number }).filter((entry) => entry.outcome === 'delivered')).toEqual([expect.objectContaining({ events: 1 })]);
  });

  it('are added, listed, logged and removed while the relay runs, through its control socket', async () => {
    const dir = `${data.path}/running`;
    const secret = 'receiver-secret-0123456789';
    const live = await receiver(secret);
    servers.push(live.server);
    const relay = await startRelayProcess(['--data', dir, '--webhook-allow', '127.0.0.1', '--webhook-retry', '20']);
    const first = (await api(relay, 'POST', '/api/lists/running/tasks', { body: { title: 'before the webhook' } })).body.id;

    // Added while the relay holds the data directory's lock: delivery starts at once, with the changes made from now on.
    const { id } = await addHook(dir, 'running', `http://127.0.0.1:${live.port}/hook`, ['--secret', secret]);
    await api(relay, 'PATCH', `/api/lists/running/tasks/${first}`, { body: { completed: true } });
    await waitFor(() => live.deliveries.some((delivery) => delivery.types.includes('completed')), 'the completion delivered by the running relay');
    expect(live.deliveries.flatMap((delivery) => delivery.types)).toEqual(['completed']);
    expect(live.deliveries.every((delivery) => delivery.valid)).toBe(true);

    const listed = await runRelayCli(['webhooks', 'list', '--data', dir]);
    expect(listed.code, listed.stderr).toBe(0);
    const [summary] = listed.stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: string; delivered: number | null; secret?: string });
    expect(summary).toMatchObject({ id, delivered: 2 });
    expect(summary).not.toHaveProperty('secret');
    const log = await runRelayCli(['webhooks', 'log', id, '--json', '--data', dir]);
    expect(log.code, log.stderr).toBe(0);
    expect(log.stdout.trim().split('\n').map((line) => JSON.parse(line) as { outcome: string; last: number })).toEqual([expect.objectContaining({ outcome: 'delivered', last: 2 })]);
    const unknown = await runRelayCli(['webhooks', 'remove', 'nope', '--data', dir]);
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('no webhook nope')]);

    // Removed: the running relay stops delivering, and the webhook is gone from the list.
    const removed = await runRelayCli(['webhooks', 'remove', id, '--data', dir]);
    expect(removed.code, removed.stderr).toBe(0);
    expect((await runRelayCli(['webhooks', 'list', '--data', dir])).stdout).toBe('');
    // A second webhook added after it shows the relay went on delivering, and that the removed one got nothing more.
    await addHook(dir, 'running', `http://127.0.0.1:${live.port}/other`, ['--secret', secret]);
    await api(relay, 'DELETE', `/api/lists/running/tasks/${first}`);
    await waitFor(() => live.deliveries.some((delivery) => delivery.path === '/other'), 'the deletion delivered to the second webhook');
    expect(live.deliveries.filter((delivery) => delivery.path === '/hook').flatMap((delivery) => delivery.types)).toEqual(['completed']);
    expect(relay.stderr()).not.toContain('control request failed');
  });

  it('refuses bad arguments with exit 2 and a clear line', async () => {
    const dir = `${data.path}/bad`;
    expect((await runRelayCli(['webhooks', 'add', '--data', dir, '--list', 'a/b', '--url', 'http://127.0.0.1:1/'])).code).toBe(2);
    const noUrl = await runRelayCli(['webhooks', 'add', '--data', dir, '--list', 'L', '--url', 'ftp://x']);
    expect([noUrl.code, noUrl.stderr]).toEqual([2, expect.stringContaining('--url')]);
    const badType = await runRelayCli(['webhooks', 'add', '--data', dir, '--list', 'L', '--url', 'http://127.0.0.1:1/', '--events', 'exploded']);
    expect(badType.stderr).toContain('unknown event type exploded');
  });
});
