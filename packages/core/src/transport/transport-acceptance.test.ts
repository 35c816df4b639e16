import { WebSocket } from 'ws';
import { InMemoryRelay, InMemoryTransport } from './in-memory.js';
import { FakeRelay } from './test-support/fake-relay.js';
import { runTransportAcceptance } from './test-support/transport-acceptance.js';
import { WebSocketTransport } from './websocket-transport.js';

runTransportAcceptance('WebSocketTransport over ws', async () => {
  const relay = await FakeRelay.start();
  return {
    create: () => new WebSocketTransport({ url: relay.url, WebSocket, connect: false, connectivity: null, backoffBaseMs: 20, backoffCapMs: 200 }),
    teardown: () => relay.close(),
  };
});

runTransportAcceptance('InMemoryTransport', () => {
  const relay = new InMemoryRelay({ autoDeliver: true });
  return { create: () => new InMemoryTransport(relay), teardown: () => {} };
});
