import { MessageType, type Message } from '@concord/core/protocol';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { relayMetric } from './support/metrics.js';
import { useRawRelay } from './support/raw-relay.js';
import { waitFor } from './support/wait.js';

const fixture = useRawRelay(['--max-frame-bytes', '4096', '--rate-limit', '100', '--rate-burst', '200', '--heartbeat', '200']);
const connect = () => fixture.connect();
const isPong = (message: Message): message is Extract<Message, { type: typeof MessageType.Pong }> => message.type === MessageType.Pong;

describe('connection limits (real relay process)', () => {
  it('closes a frame over --max-frame-bytes with 4413; the relay stays up', async () => {
    const big = await connect();
    big.sendRaw(new Uint8Array(5000).fill(7));
    expect(await big.closed()).toBe(4413);
    const next = await connect();
    next.send({ type: MessageType.Ping, nonce: 1 });
    await next.next(isPong, 'Pong');
  });

  it('throttles a connection over its rate limit: it stops reading, and answers everything once the bucket refills', async () => {
    const flood = await connect();
    const started = Date.now();
    for (let i = 0; i < 400; i++) flood.send({ type: MessageType.Ping, nonce: i });
    for (let i = 0; i < 400; i++) await flood.next(isPong, `Pong ${i}`);
    // 200 at once (the burst), the other 200 at 100/s: the relay cannot have answered in much under two seconds.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
  });

  it.each([
    ['stock', (url: string) => new WebSocket(`${url}/heartbeat-doc`, { autoPong: false })],
    ['concord.v1', (url: string) => new WebSocket(url, 'concord.v1', { autoPong: false })],
  ])('terminates a %s socket that stops answering pings (server heartbeat), and keeps one that answers', async (_endpoint, open) => {
    const silent = open(fixture.relay.url);
    const answering = new WebSocket(`${fixture.relay.url}/heartbeat-live`);
    const closed = new Promise<number>((resolve) => silent.on('close', (code) => resolve(code)));
    silent.on('error', () => undefined);
    let pings = 0;
    answering.on('ping', () => pings++);
    const started = Date.now();
    expect(await closed).toBe(1006);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(pings).toBeGreaterThan(0);
    expect(answering.readyState).toBe(WebSocket.OPEN);
    answering.close();
  });

  it('serves Prometheus metrics, counting refusals by reason (the refusals this test causes)', async () => {
    const refused = (reason: string): Promise<number> => relayMetric(fixture.relay.url, `concord_relay_refused_total{reason="${reason}"}`);
    const [tooLarge, rateLimited] = [await refused('frame_too_large'), await refused('rate_limited')];
    const big = await connect();
    big.sendRaw(new Uint8Array(5000).fill(7));
    expect(await big.closed()).toBe(4413);
    const flood = await connect();
    for (let i = 0; i < 300; i++) flood.send({ type: MessageType.Ping, nonce: i });
    await waitFor(async () => (await refused('frame_too_large')) === tooLarge + 1, 'the oversized frame to be counted');
    await waitFor(async () => (await refused('rate_limited')) > rateLimited, 'the flood over the burst to be counted');

    const response = await fetch(`${fixture.relay.url.replace(/^ws:/, 'http:')}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    for (const name of ['concord_relay_connections', 'concord_relay_documents_loaded', 'concord_relay_updates_in_total', 'concord_relay_update_bytes_in_total', 'concord_relay_updates_out_total', 'concord_relay_bytes_out_total', 'concord_relay_persist_seconds_bucket', 'concord_relay_compactions_total', 'concord_relay_event_loop_delay_seconds_bucket{le="0.005"}', '# TYPE concord_relay_event_loop_pause_seconds histogram']) {
      expect(text).toContain(name);
    }
  });
});
